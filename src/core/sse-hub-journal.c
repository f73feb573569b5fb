/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "sse-hub-durable-file.h"
#include "sse-hub-journal.h"
#include "sse-hub-wire.h"

typedef struct
{
  char     *line;   /* NULL: the writer stops */
  gpointer  item;
  guint64   seq;
} Entry;

typedef struct
{
  SseHubJournal       *journal;   /* a reference */
  GArray              *results;   /* SseHubJournalResult */
  gboolean             write_failed;
} Batch;

struct _SseHubJournal
{
  /* set at creation */
  int                     fd;
  guint                   sync_delay_ms;
  SseHubJournalBatchDone  done;
  gpointer                user_data;
  GMainContext           *context;
  GAsyncQueue            *queue;    /* Entry */
  GThread                *thread;   /* NULL once closed */

  guint64                 appended; /* main thread only */

  /* After a failed write every line already queued is refused too: a line
   * may name a position that only the failed change would have made valid.
   * Lines appended once the failure is known are written again. */
  GMutex                  lock;
  gboolean                failing;
  guint64                 refuse_through;
};

static void
journal_clear (SseHubJournal *self)
{
  g_async_queue_unref (self->queue);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
}

static void
entry_free (Entry *entry)
{
  g_free (entry->line);
  g_free (entry);
}

static void
result_clear (SseHubJournalResult *result)
{
  g_clear_error (&result->error);
}

static gboolean
deliver_batch (gpointer data)
{
  Batch *batch = data;
  SseHubJournal *self = batch->journal;

  if (batch->write_failed)
    {
      g_mutex_lock (&self->lock);
      self->failing = FALSE;
      self->refuse_through = self->appended;
      g_mutex_unlock (&self->lock);
    }

  self->done ((const SseHubJournalResult *) (gpointer) batch->results->data,
              batch->results->len, self->user_data);

  g_array_unref (batch->results);
  g_atomic_rc_box_release_full (self, (GDestroyNotify) journal_clear);
  g_free (batch);
  return G_SOURCE_REMOVE;
}

static void
refuse (Batch   *batch,
        guint    from,
        guint    to,
        GError  *error)
{
  for (guint i = from; i < to; i++)
    g_array_index (batch->results, SseHubJournalResult, i).error = g_error_copy (error);
}

/* Writes and syncs the lines of one batch; on failure the file is cut back
 * to where it was, so a half-written line never glues onto the next one. */
static void
write_batch (SseHubJournal *self,
             Batch         *batch,
             GPtrArray     *entries)
{
  g_autoptr(GString) lines = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  guint first_written = 0;
  gboolean failing;
  guint64 refuse_through;
  off_t end;

  g_mutex_lock (&self->lock);
  failing = self->failing;
  refuse_through = self->refuse_through;
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);

      if (failing || entry->seq <= refuse_through)
        first_written = i + 1;
      else
        g_string_append (lines, entry->line);
    }

  if (first_written > 0)
    {
      g_autoptr(GError) refusal = g_error_new_literal (SSE_HUB_ERROR, SSE_HUB_ERROR_STORAGE,
                                                       _("An earlier change could not be saved"));

      refuse (batch, 0, first_written, refusal);
    }
  if (first_written == entries->len)
    return;

  if (self->sync_delay_ms > 0)
    g_usleep ((gulong) self->sync_delay_ms * 1000);

  end = lseek (self->fd, 0, SEEK_END);
  if (sse_hub_write_all (self->fd, lines->str, lines->len, &error) &&
      sse_hub_sync_fd (self->fd, &error))
    return;

  if (end >= 0 && ftruncate (self->fd, end) != 0)
    g_debug ("Could not cut the journal back: %s", g_strerror (errno));

  g_mutex_lock (&self->lock);
  self->failing = TRUE;
  g_mutex_unlock (&self->lock);
  batch->write_failed = TRUE;
  refuse (batch, first_written, entries->len, error);
}

static gpointer
writer_thread (gpointer data)
{
  SseHubJournal *self = data;
  gboolean stopping = FALSE;

  while (!stopping)
    {
      g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
      Entry *entry = g_async_queue_pop (self->queue);
      Batch *batch;

      /* Whatever arrived during the previous sync shares this one. */
      do
        {
          if (entry->line == NULL)
            {
              stopping = TRUE;
              entry_free (entry);
              break;
            }
          g_ptr_array_add (entries, entry);
        }
      while ((entry = g_async_queue_try_pop (self->queue)) != NULL);

      if (entries->len == 0)
        break;

      batch = g_new0 (Batch, 1);
      batch->journal = g_atomic_rc_box_acquire (self);
      batch->results = g_array_sized_new (FALSE, TRUE, sizeof (SseHubJournalResult), entries->len);
      g_array_set_clear_func (batch->results, (GDestroyNotify) result_clear);
      g_array_set_size (batch->results, entries->len);
      for (guint i = 0; i < entries->len; i++)
        g_array_index (batch->results, SseHubJournalResult, i).item =
          ((Entry *) g_ptr_array_index (entries, i))->item;

      write_batch (self, batch, entries);
      /* Ahead of new requests: finishing the posts already made (their
       * answers, the broadcast) comes before taking more. */
      g_main_context_invoke_full (self->context, G_PRIORITY_HIGH, deliver_batch, batch, NULL);
    }

  return NULL;
}

SseHubJournal *
sse_hub_journal_new (int                     fd,
                     SseHubJournalBatchDone  done,
                     gpointer                user_data)
{
  SseHubJournal *self = g_atomic_rc_box_new0 (SseHubJournal);
  const char *delay = g_getenv ("SSE_HUB_TEST_SYNC_DELAY_MS");

  self->fd = fd;
  self->sync_delay_ms = delay != NULL ? (guint) g_ascii_strtoull (delay, NULL, 10) : 0;
  self->done = done;
  self->user_data = user_data;
  self->context = g_main_context_ref_thread_default ();
  self->queue = g_async_queue_new ();
  g_mutex_init (&self->lock);
  self->thread = g_thread_new ("sse-hub-journal", writer_thread, self);

  return self;
}

void
sse_hub_journal_append (SseHubJournal *self,
                        const char    *line,
                        gpointer       item)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->line = g_strdup (line);
  entry->item = item;
  entry->seq = ++self->appended;
  g_async_queue_push (self->queue, entry);
}

void
sse_hub_journal_close (SseHubJournal *self)
{
  g_async_queue_push (self->queue, g_new0 (Entry, 1));
  g_thread_join (self->thread);
  g_close (self->fd, NULL);
  g_atomic_rc_box_release_full (self, (GDestroyNotify) journal_clear);
}
