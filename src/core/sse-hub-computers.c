/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The presenter's power over one computer (an address group): block it,
 * remove the persons it added, see which computers hold the streams. */
#include "config.h"

#include "sse-hub-server-private.h"

void
sse_hub_server_block_computer (SseHubServer *self,
                               const char   *computer)
{
  g_autoptr(GPtrArray) doomed = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer client;
  gpointer group;

  g_return_if_fail (SSE_HUB_IS_SERVER (self));
  g_return_if_fail (computer != NULL);

  if (!g_hash_table_add (self->access->blocked, g_strdup (computer)))
    return;

  /* Closed after the walk: forgetting a stream changes the table. */
  g_hash_table_iter_init (&iter, self->access->stream_groups);
  while (g_hash_table_iter_next (&iter, &client, &group))
    if (g_str_equal (group, computer))
      g_ptr_array_add (doomed, g_object_ref (client));
  for (guint i = 0; i < doomed->len; i++)
    sse_hub_fanout_forget (self->fanout, g_ptr_array_index (doomed, i));
}

void
sse_hub_server_unblock_computer (SseHubServer *self,
                                 const char   *computer)
{
  g_return_if_fail (SSE_HUB_IS_SERVER (self));
  g_return_if_fail (computer != NULL);

  g_hash_table_remove (self->access->blocked, computer);
}

gboolean
sse_hub_server_is_computer_blocked (SseHubServer *self,
                                    const char   *computer)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), FALSE);
  g_return_val_if_fail (computer != NULL, FALSE);

  return g_hash_table_contains (self->access->blocked, computer);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

GStrv
sse_hub_server_dup_blocked_computers (SseHubServer *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer name;

  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), NULL);

  g_hash_table_iter_init (&iter, self->access->blocked);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

const char *
sse_hub_server_get_client_computer (SseHubServer *self,
                                    SseHubClient *client)
{
  const char *group;

  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), NULL);
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (client), NULL);

  group = g_hash_table_lookup (self->access->stream_groups, client);
  return sse_hub_access_is_presenter_key (group) ? NULL : group;
}

void
sse_hub_computer_streams_free (SseHubComputerStreams *streams)
{
  g_free (streams->computer);
  g_free (streams);
}

static int
most_streams_first (gconstpointer a,
                    gconstpointer b)
{
  const SseHubComputerStreams *left = *(SseHubComputerStreams * const *) a;
  const SseHubComputerStreams *right = *(SseHubComputerStreams * const *) b;

  if (left->streams != right->streams)
    return left->streams > right->streams ? -1 : 1;
  return g_strcmp0 (left->computer, right->computer);
}

GPtrArray *
sse_hub_server_dup_computer_streams (SseHubServer *self)
{
  GPtrArray *counts = g_ptr_array_new_with_free_func ((GDestroyNotify) sse_hub_computer_streams_free);
  GHashTableIter iter;
  gpointer group;
  gpointer n;

  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), NULL);

  g_hash_table_iter_init (&iter, self->access->group_streams);
  while (g_hash_table_iter_next (&iter, &group, &n))
    {
      SseHubComputerStreams *streams;

      if (sse_hub_access_is_presenter_key (group))
        continue;
      streams = g_new0 (SseHubComputerStreams, 1);
      streams->computer = g_strdup (group);
      streams->streams = GPOINTER_TO_UINT (n);
      g_ptr_array_add (counts, streams);
    }
  g_ptr_array_sort (counts, most_streams_first);

  return counts;
}

/* ------------------------------------------------------------------------ */
/* Removing a computer's persons                                            */

typedef struct
{
  GPtrArray *removed;  /* SseHubPerson, in list order */
  guint      waiting;
  GError    *error;    /* the first refusal */
} RemovalBatch;

static void
removal_batch_free (RemovalBatch *batch)
{
  g_ptr_array_unref (batch->removed);
  g_clear_error (&batch->error);
  g_free (batch);
}

static void
on_person_removed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  RemovalBatch *batch = g_task_get_task_data (task);
  GError *error = NULL;

  if (!sse_hub_server_remove_person_finish (SSE_HUB_SERVER (source), result, &error))
    {
      if (batch->error == NULL)
        batch->error = error;
      else
        g_error_free (error);
    }

  if (--batch->waiting > 0)
    return;

  if (batch->error != NULL)
    g_task_return_error (task, g_steal_pointer (&batch->error));
  else
    g_task_return_pointer (task, g_ptr_array_ref (batch->removed), (GDestroyNotify) g_ptr_array_unref);
  g_object_unref (task);
}

void
sse_hub_server_remove_computer_persons_async (SseHubServer        *self,
                                              const char          *computer,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  GListModel *persons = G_LIST_MODEL (self->store);
  g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (guint));
  RemovalBatch *batch;
  GTask *task;

  g_return_if_fail (SSE_HUB_IS_SERVER (self));
  g_return_if_fail (computer != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sse_hub_server_remove_computer_persons_async);
  batch = g_new0 (RemovalBatch, 1);
  batch->removed = g_ptr_array_new_with_free_func (g_object_unref);
  g_task_set_task_data (task, batch, (GDestroyNotify) removal_batch_free);

  for (guint i = 0; i < g_list_model_get_n_items (persons); i++)
    {
      g_autoptr(SseHubPerson) person = g_list_model_get_item (persons, i);

      if (g_strcmp0 (sse_hub_person_get_added_by (person), computer) == 0)
        {
          g_array_append_val (positions, i);
          g_ptr_array_add (batch->removed, g_steal_pointer (&person));
        }
    }

  if (positions->len == 0)
    {
      g_task_return_pointer (task, g_ptr_array_ref (batch->removed), (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }

  /* Last first: changes apply in call order, and a removal moves only the
   * persons after it. */
  batch->waiting = positions->len;
  for (guint i = positions->len; i > 0; i--)
    sse_hub_server_remove_person_async (self, g_array_index (positions, guint, i - 1), NULL,
                                        on_person_removed, task);
}

GPtrArray *
sse_hub_server_remove_computer_persons_finish (SseHubServer  *self,
                                               GAsyncResult  *result,
                                               GError       **error)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        sse_hub_server_remove_computer_persons_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Fair share when full                                                     */

gboolean
sse_hub_server_make_room (SseHubServer *self,
                          SseHubPeer   *peer)
{
  SseHubAccess *access = self->access;
  g_autoptr(GPtrArray) counts = NULL;
  g_autoptr(GBytes) retry = NULL;
  g_autoptr(GBytes) frame = NULL;
  g_autoptr(GString) goodbye = NULL;
  g_autofree char *data = NULL;
  SseHubComputerStreams *top;
  SseHubClient *newest = NULL;
  GHashTableIter iter;
  gpointer client;
  gpointer group;
  guint retry_ms;

  if (sse_hub_peer_is_presenter (peer) ||
      g_hash_table_contains (access->group_streams, sse_hub_peer_get_group (peer)))
    return FALSE;

  counts = sse_hub_server_dup_computer_streams (self);
  top = counts->len > 0 ? g_ptr_array_index (counts, 0) : NULL;
  if (top == NULL || top->streams < 2)
    return FALSE;

  g_hash_table_iter_init (&iter, access->stream_groups);
  while (g_hash_table_iter_next (&iter, &client, &group))
    if (g_str_equal (group, top->computer) &&
        (newest == NULL || sse_hub_client_get_id (client) > sse_hub_client_get_id (newest)))
      newest = client;
  g_assert (newest != NULL);
  g_object_ref (newest);

  /* As a refused stream is answered: a long, jittered retry, and why. */
  retry_ms = SSE_HUB_FULL_RETRY_MS - SSE_HUB_FULL_RETRY_MS / 4 +
             g_random_int_range (0, SSE_HUB_FULL_RETRY_MS / 2);
  retry = sse_hub_format_retry (retry_ms);
  data = sse_hub_full_json (retry_ms, SSE_HUB_FULL_SHARE, access->max_clients);
  frame = sse_hub_format_frame (SSE_HUB_EVENT_FULL, NULL, data);
  goodbye = g_string_new_len (g_bytes_get_data (retry, NULL), g_bytes_get_size (retry));
  g_string_append_len (goodbye, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
  g_clear_pointer (&frame, g_bytes_unref);
  frame = g_bytes_new (goodbye->str, goodbye->len);
  sse_hub_client_queue (newest, frame, SSE_HUB_FRAME_OTHER, G_MAXSIZE);

  sse_hub_event_log_add (self->log, &(SseHubLogRecord) {
                           .kind = SSE_HUB_LOG_NOTICE,
                           .event = SSE_HUB_LOG_EVENT_FAIR_SHARE,
                           .event_name = sse_hub_full_reason_name (SSE_HUB_FULL_SHARE),
                           .peer = top->computer,
                           .client_id = sse_hub_client_get_id (newest),
                           .number = top->streams,
                           .text = data,
                           .text_length = -1,
                         });
  sse_hub_fanout_forget (self->fanout, newest);
  g_object_unref (newest);

  return TRUE;
}
