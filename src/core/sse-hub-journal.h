/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The person store's journal writer: lines are written and synced on a
 * thread of their own, so that a slow disk never stalls the main loop.
 * Everything queued while one sync runs is written and synced together
 * (group commit).  Results come back on the main context that created the
 * journal, batch by batch, in the order the lines were appended. */

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SseHubJournal SseHubJournal;

typedef struct
{
  gpointer  item;   /* as given to sse_hub_journal_append */
  GError   *error;  /* NULL once the line is on disk */
} SseHubJournalResult;

typedef void (*SseHubJournalBatchDone) (const SseHubJournalResult *results,
                                        guint                      n_results,
                                        gpointer                   user_data);

/* Takes over fd, an open append-only descriptor.  The environment variable
 * SSE_HUB_TEST_SYNC_DELAY_MS makes every sync that much slower, for tests. */
SseHubJournal *sse_hub_journal_new    (int                     fd,
                                       SseHubJournalBatchDone  done,
                                       gpointer                user_data);
void           sse_hub_journal_append (SseHubJournal          *self,
                                       const char             *line,
                                       gpointer                item);
/* Waits until every appended line is written, then closes the descriptor.
 * Results not yet delivered are delivered later, as usual. */
void           sse_hub_journal_close  (SseHubJournal          *self);

G_END_DECLS
