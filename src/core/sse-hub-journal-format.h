/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The person list's file, written and read in one place: JSON lines, one
 * change each, replayed in order at load:
 *   {"op":"add","name":"Ada","age":36}
 *   {"op":"remove","index":2}
 *   {"op":"clear"} */

#include <glib.h>

#include "sse-hub-person.h"

G_BEGIN_DECLS

/* Each line ends with its newline.  The add line reuses the person's
 * cached wire text. */
char     *sse_hub_journal_add_line      (SseHubPerson  *person);
char     *sse_hub_journal_remove_line   (guint          position);
char     *sse_hub_journal_clear_line    (void);

/* Reads the journal at path into persons, making its folder if need be
 * (no file yet: nobody).  Damaged lines are skipped and the file is moved
 * aside, so that what could not be read is kept for a human. */
gboolean  sse_hub_journal_read          (const char    *path,
                                         GPtrArray     *persons,
                                         GError       **error);
/* Applies the lines of a journal to persons; returns how many were
 * damaged (and skipped). */
guint     sse_hub_journal_replay        (GPtrArray     *persons,
                                         const char    *contents,
                                         gsize          length);
/* Writes persons as a fresh journal next to path, syncs it and renames it
 * into place, so a crash at any moment leaves one complete file. */
gboolean  sse_hub_journal_write_compact (const char    *path,
                                         GPtrArray     *persons,
                                         GError       **error);

G_END_DECLS
