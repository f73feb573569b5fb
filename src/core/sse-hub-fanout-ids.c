/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The `client` event: every stream's id list, coalesced so that a connect
 * storm costs a bounded number of them, and handed out so that it never
 * holds up what the class is waiting for. */
#include "config.h"

#include "sse-hub-fanout-private.h"
#include "sse-hub-wire.h"
#include "sse-hub-sources.h"

/* Streams handed a `client` event at a time: ~60 KiB each at 10,000
 * clients, so a slice costs a few milliseconds and a POST that arrives
 * meanwhile waits at most that long. */
#define CLIENTS_EVENT_SLICE 128

static GBytes *
format_clients_frame (SseHubFanout *self)
{
  GListModel *model = G_LIST_MODEL (self->clients);
  guint n = g_list_model_get_n_items (model);
  g_autofree guint64 *ids = g_new (guint64, MAX (n, 1));
  g_autofree char *json = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SseHubClient) client = g_list_model_get_item (model, i);

      ids[i] = sse_hub_client_get_id (client);
    }

  json = sse_hub_client_ids_json (ids, n);
  return sse_hub_format_frame (SSE_HUB_EVENT_CLIENT, NULL, json);
}

void
sse_hub_fanout_finish_clients_event (SseHubFanout *self)
{
  g_clear_handle_id (&self->clients_slice_source, sse_hub_source_remove);
  if (self->clients_frame == NULL)
    return;

  sse_hub_fanout_log_frame (self, SSE_HUB_LOG_CLIENTS, "client", self->clients_recipients,
                            self->clients_ws_recipients, self->clients_frame);
  g_clear_pointer (&self->clients_frame, g_bytes_unref);
  g_clear_pointer (&self->clients_pending, g_ptr_array_unref);
}

/* The event is made when its first slice runs, not when it falls due: a
 * storm keeps the loop busy with accepts, so the id list that finally goes
 * out names everyone who came rather than those of its first moments. */
static void
begin_clients_slices (SseHubFanout *self)
{
  g_autofree gpointer *clients = NULL;
  guint n;

  self->clients_frame = format_clients_frame (self);
  clients = g_hash_table_get_keys_as_array (self->streams, &n);
  self->clients_pending = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (self->clients_pending, g_object_ref (clients[i]));
  self->clients_next = 0;
  self->clients_recipients = 0;
  self->clients_ws_recipients = 0;
}

static gboolean
clients_slice_cb (gpointer user_data)
{
  SseHubFanout *self = user_data;
  g_autoptr(GPtrArray) slice = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GBytes) frame = NULL;

  if (self->clients_frame == NULL)
    begin_clients_slices (self);
  frame = g_bytes_ref (self->clients_frame);

  /* Streams that left since the event was made are skipped. */
  while (slice->len < CLIENTS_EVENT_SLICE && self->clients_next < self->clients_pending->len)
    {
      SseHubClient *client = self->clients_pending->pdata[self->clients_next++];

      if (g_hash_table_contains (self->streams, client))
        g_ptr_array_add (slice, g_object_ref (client));
    }

  self->clients_recipients += sse_hub_fanout_deliver (self, (SseHubClient **) slice->pdata,
                                                      slice->len, SSE_HUB_FRAME_STATE_CLIENTS,
                                                      frame, &self->clients_ws_recipients);

  /* Stopped from a handler meanwhile: this source is gone already. */
  if (self->clients_frame != frame)
    return G_SOURCE_REMOVE;
  if (self->clients_next < self->clients_pending->len)
    return G_SOURCE_CONTINUE;

  self->clients_slice_source = 0;
  sse_hub_fanout_finish_clients_event (self);
  return G_SOURCE_REMOVE;
}

/* Membership changes are coalesced: one event per window, and the window
 * grows with the square of the audience because every event carries the
 * whole list to everyone (n ids × n clients). */
static guint
clients_event_window_ms (SseHubFanout *self)
{
  guint64 n = g_hash_table_size (self->streams);

  return CLAMP (n * n / 10000, 100, 10000);
}

static gboolean
clients_event_cb (gpointer user_data)
{
  SseHubFanout *self = user_data;
  guint window_ms = clients_event_window_ms (self);
  gint64 due = self->clients_changed_at + (gint64) window_ms * 1000;
  gint64 now = g_get_monotonic_time ();
  guint slices;

  /* The window is the one of the audience the storm has made by now, not
   * of the few who had come when it opened: a storm grows it as it goes. */
  if (due - now >= 1000)
    {
      self->clients_event_source = sse_hub_timeout_add ((due - now) / 1000, clients_event_cb,
                                                        self);
      return G_SOURCE_REMOVE;
    }
  self->clients_event_source = 0;

  /* Not begun yet: it will name everyone present when it does. */
  if (self->clients_slice_source != 0 && self->clients_frame == NULL)
    return G_SOURCE_REMOVE;

  /* An event still being handed out is superseded: streams not yet given
   * it get this one, and conflation replaces it where it is still queued. */
  sse_hub_fanout_finish_clients_event (self);

  /* Handed out at idle priority, a slice at a time, over half its window:
   * a storm's lists never hold up an accept, a POST, its answer or the
   * list it broadcasts, and never arrive as one burst of n × n ids that
   * the readers must get through before the next list. */
  slices = (sse_hub_fanout_get_n_clients (self) + CLIENTS_EVENT_SLICE - 1) / CLIENTS_EVENT_SLICE;
  self->clients_slice_source = sse_hub_timeout_add_full (G_PRIORITY_DEFAULT_IDLE,
                                                         window_ms / 2 / MAX (slices, 1),
                                                         clients_slice_cb, self, NULL);

  return G_SOURCE_REMOVE;
}

void
sse_hub_fanout_schedule_clients_event (SseHubFanout *self)
{
  if (self->clients_event_source != 0 || !self->running)
    return;

  self->clients_changed_at = g_get_monotonic_time ();
  self->clients_event_source = sse_hub_timeout_add (clients_event_window_ms (self),
                                                    clients_event_cb, self);
}

