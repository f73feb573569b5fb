/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Writes that survive a crash once they return: the person store's journal
 * is built on these.  Failures are SSE_HUB_ERROR_STORAGE, or
 * SSE_HUB_ERROR_NO_SPACE when the disk is full. */

#include <glib.h>

G_BEGIN_DECLS

/* Writes all of data, retrying short and interrupted writes. */
gboolean sse_hub_write_all      (int          fd,
                                 const char  *data,
                                 gsize        length,
                                 GError     **error);
/* Waits until what was written to fd is on disk. */
gboolean sse_hub_sync_fd        (int          fd,
                                 GError     **error);
/* Makes a file created or renamed at path durable as an entry of its
 * directory. */
gboolean sse_hub_sync_directory (const char  *path,
                                 GError     **error);

G_END_DECLS
