/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A disk that fills up for real: a 64 KiB tmpfs in a mount namespace of the
 * test's own (root only; CI runs as root). */

#include <glib.h>

G_BEGIN_DECLS

/* Call before anything starts a thread: a thread shares the filesystem
 * context that unshare (CLONE_NEWNS) has to take for itself.  The mounted
 * directory, or NULL with *reason saying why there is none. */
char *test_mount_small_disk   (const char **reason);
void  test_unmount_small_disk (char        *disk);
/* Fills disk to its last byte with a file; returns its path. */
char *test_fill_disk          (const char  *disk);

G_END_DECLS
