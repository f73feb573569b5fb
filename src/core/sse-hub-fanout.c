/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fan-out: the set of open streams and everything sent to them — the
 * broadcast, the cached list frame, keep-alives, the coalesced client
 * event — and noticing when a stream's browser hangs up. */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "sse-hub-server-private.h"
#include "sse-hub-wire.h"

void
sse_hub_fanout_log_frame (SseHubServer  *self,
                          SseHubLogKind  kind,
                          const char    *event_name,
                          guint          recipients,
                          GBytes        *frame)
{
  gsize size;
  const char *data = g_bytes_get_data (frame, &size);

  /* The log copies only the part it keeps: frames can be 100s of KiB. */
  sse_hub_event_log_append_full (self->log, kind, event_name, NULL, recipients, size, data, size);
}

/* Takes a client off the books and closes its connection. */
void
sse_hub_fanout_forget (SseHubServer *self,
                       SseHubClient *client)
{
  guint position;
  int fd;

  /* Stealing keeps the table's reference alive until the end. */
  if (!g_hash_table_steal (self->streams, client))
    return;

  g_signal_handlers_disconnect_by_data (client, self);
  sse_hub_access_forget_stream (self, client);
  /* Before the close: afterwards the descriptor may belong to a newcomer. */
  fd = sse_hub_client_get_fd (client);
  if (fd >= 0)
    epoll_ctl (self->hangup_fd, EPOLL_CTL_DEL, fd, NULL);
  sse_hub_client_close (client);

  if (g_list_store_find (self->clients, client, &position))
    g_list_store_remove (self->clients, position);

  sse_hub_server_notify_n_clients (self);
  sse_hub_fanout_schedule_clients_event (self);
  g_object_unref (client);
}

static void
drop_slow_client (SseHubServer *self,
                  SseHubClient *client)
{
  /* State frames are conflated: only a client that stopped reading
   * altogether gets here. */
  sse_hub_event_log_add (self->log, &(SseHubLogRecord) {
                           .kind = SSE_HUB_LOG_REFUSAL, .event = SSE_HUB_LOG_EVENT_SLOW_CLIENT,
                           .event_name = "dropped", .recipients = 1,
                           .peer = sse_hub_client_get_remote_address (client),
                           .client_id = sse_hub_client_get_id (client),
                           .number = sse_hub_client_get_bytes_queued (client),
                           .limit = self->queue_cap });

  sse_hub_fanout_forget (self, client);
}

/* Queues the frame for every client.  Clients that fell too far behind
 * or went away are dealt with after the walk, which must not change the
 * table it walks. */
static guint
broadcast_frame (SseHubServer    *self,
                 SseHubFrameKind  frame_kind,
                 SseHubLogKind    kind,
                 const char      *event_name,
                 GBytes          *frame)
{
  g_autoptr(GPtrArray) too_slow = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer key;
  guint recipients = 0;

  g_hash_table_iter_init (&iter, self->streams);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      SseHubClient *client = key;

      switch (sse_hub_client_queue (client, frame, frame_kind, self->queue_cap))
        {
        case SSE_HUB_CLIENT_QUEUED:
          recipients++;
          break;
        case SSE_HUB_CLIENT_OVER_CAP:
          g_ptr_array_add (too_slow, g_object_ref (client));
          break;
        case SSE_HUB_CLIENT_GONE:
        default:
          g_ptr_array_add (gone, g_object_ref (client));
          break;
        }
    }

  for (guint i = 0; i < too_slow->len; i++)
    drop_slow_client (self, g_ptr_array_index (too_slow, i));
  for (guint i = 0; i < gone->len; i++)
    sse_hub_fanout_forget (self, g_ptr_array_index (gone, i));

  sse_hub_fanout_log_frame (self, kind, event_name, recipients, frame);

  return recipients;
}

/* Frames that are not a whole state reach every client in full. */
static guint
broadcast (SseHubServer  *self,
           SseHubLogKind  kind,
           const char    *event_name,
           GBytes        *frame)
{
  return broadcast_frame (self, SSE_HUB_FRAME_OTHER, kind, event_name, frame);
}

void
sse_hub_server_publish (SseHubServer  *self,
                        SseHubLogKind  kind,
                        const char    *event,
                        const char    *id,
                        const char    *data)
{
  g_autoptr(GBytes) frame = NULL;

  g_return_if_fail (SSE_HUB_IS_SERVER (self));

  frame = sse_hub_format_frame (event, id, data);
  broadcast (self, kind, event != NULL ? event : "message", frame);
}

gboolean
sse_hub_fanout_check_custom_event (SseHubServer  *self,
                                   const char    *name,
                                   const char    *id,
                                   const char    *data,
                                   GError       **error)
{
  if (!sse_hub_validate_custom_event (name, id, data, error))
    return FALSE;

  if (!g_ptr_array_find_with_equal_func (self->event_names, name, g_str_equal, NULL) &&
      self->event_names->len >= SSE_HUB_MAX_CUSTOM_EVENT_NAMES)
    {
      g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_EVENT_NAME,
                   _("The pages already know %d event names; reuse one of them"),
                   SSE_HUB_MAX_CUSTOM_EVENT_NAMES);
      return FALSE;
    }

  return TRUE;
}

gboolean
sse_hub_server_send_custom_event (SseHubServer  *self,
                                  const char    *name,
                                  const char    *id,
                                  const char    *data,
                                  GError       **error)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), FALSE);

  if (id != NULL && *id == '\0')
    id = NULL;
  if (!sse_hub_fanout_check_custom_event (self, name, id, data, error))
    return FALSE;

  /* EventSource delivers a named event only to a listener for that name,
   * so a new name goes out in config first: on the one ordered stream,
   * every page adds its listener before the event arrives. */
  if (!g_ptr_array_find_with_equal_func (self->event_names, name, g_str_equal, NULL))
    {
      g_autofree char *config = NULL;

      g_ptr_array_add (self->event_names, g_strdup (name));
      config = sse_hub_server_dup_config_json (self);
      sse_hub_server_publish (self, SSE_HUB_LOG_NOTICE, SSE_HUB_EVENT_CONFIG, NULL, config);
    }

  /* EventSource keeps the last id for every later event: after an event
   * with an id of its own, one without carries the list's revision again,
   * so a page tells a repeated id from none, and a reconnect resumes the
   * list instead of fetching it again. */
  if (id == NULL && self->custom_id_sent)
    {
      g_autofree char *revision = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                                   sse_hub_person_store_get_revision (self->store));

      self->custom_id_sent = FALSE;
      sse_hub_server_publish (self, SSE_HUB_LOG_NOTICE, name, revision, data);
      return TRUE;
    }
  self->custom_id_sent = id != NULL;
  sse_hub_server_publish (self, SSE_HUB_LOG_NOTICE, name, id, data);
  return TRUE;
}

guint
sse_hub_server_drop_all_clients (SseHubServer *self)
{
  g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), 0);

  g_hash_table_iter_init (&iter, self->streams);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (clients, g_object_ref (key));

  /* Logged first: the drop causes the resumes that follow it. */
  sse_hub_event_log_add (self->log, &(SseHubLogRecord) {
                           .kind = SSE_HUB_LOG_NOTICE, .event = SSE_HUB_LOG_EVENT_DROPPED_ALL,
                           .event_name = "drop-all", .number = clients->len });

  for (guint i = 0; i < clients->len; i++)
    sse_hub_fanout_forget (self, clients->pdata[i]);

  return clients->len;
}

guint
sse_hub_server_disconnect_client (SseHubServer *self,
                                  SseHubClient *client)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), 0);
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (client), 0);

  /* Already gone on its own: nothing to close and nothing to log. */
  if (!g_hash_table_contains (self->streams, client))
    return 0;

  sse_hub_event_log_add (self->log, &(SseHubLogRecord) {
                           .kind = SSE_HUB_LOG_NOTICE, .event = SSE_HUB_LOG_EVENT_DISCONNECTED,
                           .event_name = "disconnect",
                           .peer = sse_hub_client_get_remote_address (client),
                           .client_id = sse_hub_client_get_id (client) });
  sse_hub_fanout_forget (self, client);

  return 1;
}

/* The list frame is formatted once per revision and shared by every
 * connecting client until the next change. */
GBytes *
sse_hub_fanout_get_persons_frame (SseHubServer *self)
{
  guint64 revision = sse_hub_person_store_get_revision (self->store);

  if (self->persons_frame == NULL || self->persons_frame_revision != revision)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GUINT64_FORMAT, revision);

      g_clear_pointer (&self->persons_frame, g_bytes_unref);
      self->persons_frame = sse_hub_format_frame (NULL, id,
                                                  sse_hub_person_store_get_json (self->store));
      self->persons_frame_revision = revision;
    }

  return self->persons_frame;
}

static gboolean
persons_broadcast_cb (gpointer user_data)
{
  SseHubServer *self = user_data;

  self->persons_broadcast_source = 0;
  broadcast_frame (self, SSE_HUB_FRAME_STATE_PERSONS, SSE_HUB_LOG_PERSONS, "message",
                   sse_hub_fanout_get_persons_frame (self));

  return G_SOURCE_REMOVE;
}

/* The store announces a revision once its callers have logged the requests
 * that made it (see on_batch in sse-hub-person-store.c); the idle only
 * coalesces revisions that come close together. */
void
sse_hub_fanout_on_store_revision (SseHubServer *self)
{
  if (self->soup == NULL)
    return;

  g_clear_handle_id (&self->persons_broadcast_source, g_source_remove);
  self->persons_broadcast_source = g_idle_add_full (G_PRIORITY_DEFAULT, persons_broadcast_cb,
                                                    self, NULL);
}

static char *
clients_json (SseHubServer *self)
{
  GListModel *model = G_LIST_MODEL (self->clients);
  guint n = g_list_model_get_n_items (model);
  g_autofree guint64 *ids = g_new (guint64, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SseHubClient) client = g_list_model_get_item (model, i);

      ids[i] = sse_hub_client_get_id (client);
    }

  return sse_hub_client_ids_json (ids, n);
}

static gboolean
clients_event_cb (gpointer user_data)
{
  SseHubServer *self = user_data;
  g_autofree char *json = NULL;
  g_autoptr(GBytes) frame = NULL;

  self->clients_event_source = 0;

  json = clients_json (self);
  frame = sse_hub_format_frame (SSE_HUB_EVENT_CLIENT, NULL, json);
  broadcast_frame (self, SSE_HUB_FRAME_STATE_CLIENTS, SSE_HUB_LOG_CLIENTS, "client", frame);

  return G_SOURCE_REMOVE;
}

/* Membership changes are coalesced: one client event per window, and the
 * window grows with the square of the audience because every event carries
 * the whole list to everyone (n ids × n clients). */
void
sse_hub_fanout_schedule_clients_event (SseHubServer *self)
{
  guint n;
  guint delay_ms;

  if (self->clients_event_source != 0 || self->soup == NULL)
    return;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->clients));
  delay_ms = CLAMP ((guint64) n * n / 10000, 100, 10000);
  self->clients_event_source = g_timeout_add (delay_ms, clients_event_cb, self);
}

static gboolean
keepalive_cb (gpointer user_data)
{
  SseHubServer *self = user_data;
  g_autoptr(GBytes) frame = sse_hub_format_heartbeat ();

  broadcast (self, SSE_HUB_LOG_KEEPALIVE, "keep-alive", frame);

  return G_SOURCE_CONTINUE;
}

/* A closed tab sends a FIN and nothing else: left to writes, the hub would
 * learn of it up to a keep-alive later, while the class watches the client
 * list.  One epoll set reports hang-ups as they happen without a main-loop
 * source per client, which made every loop turn cost as much as the
 * audience (see sse-hub-client-private.h). */
static gboolean
hangups_cb (int           fd,
            GIOCondition  condition,
            gpointer      user_data)
{
  SseHubServer *self = user_data;
  struct epoll_event events[64];
  int n = epoll_wait (fd, events, G_N_ELEMENTS (events), 0);

  /* Streams never send anything after the request: readable means gone. */
  for (int i = 0; i < n; i++)
    if (g_hash_table_contains (self->streams, events[i].data.ptr))
      sse_hub_fanout_forget (self, events[i].data.ptr);

  return G_SOURCE_CONTINUE;
}

static void
watch_hangup (SseHubServer *self,
              SseHubClient *client)
{
  struct epoll_event event = { .events = EPOLLIN | EPOLLRDHUP, .data.ptr = client };

  /* Should the kernel refuse, the departure is still found by a write. */
  epoll_ctl (self->hangup_fd, EPOLL_CTL_ADD, sse_hub_client_get_fd (client), &event);
}

static void
on_client_gone (SseHubClient *client,
                SseHubServer *self)
{
  sse_hub_fanout_forget (self, client);
}

/* Puts a stream on the books; the caller sends its greeting. */
void
sse_hub_fanout_add (SseHubServer *self,
                    SseHubClient *client)
{
  g_signal_connect_object (client, "gone", G_CALLBACK (on_client_gone), self, 0);
  g_hash_table_add (self->streams, g_object_ref (client));
  watch_hangup (self, client);
  g_list_store_append (self->clients, client);
  sse_hub_server_notify_n_clients (self);
}

gboolean
sse_hub_fanout_start (SseHubServer  *self,
                      GError       **error)
{
  self->hangup_fd = epoll_create1 (EPOLL_CLOEXEC);
  if (self->hangup_fd < 0)
    {
      int saved_errno = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
      return FALSE;
    }
  self->hangup_source = g_unix_fd_add (self->hangup_fd, G_IO_IN, hangups_cb, self);

  return TRUE;
}

/* Closing a stream ends it: browsers come back after their retry. */
void
sse_hub_fanout_stop (SseHubServer *self)
{
  GHashTableIter iter;
  gpointer key;

  g_clear_handle_id (&self->keepalive_source, g_source_remove);
  g_clear_handle_id (&self->hangup_source, g_source_remove);
  g_clear_handle_id (&self->clients_event_source, g_source_remove);
  g_clear_handle_id (&self->persons_broadcast_source, g_source_remove);

  g_hash_table_iter_init (&iter, self->streams);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_signal_handlers_disconnect_by_data (key, self);
      sse_hub_client_close (key);
    }
  g_hash_table_remove_all (self->streams);
  sse_hub_access_forget_streams (self);
  g_list_store_remove_all (self->clients);
  close (self->hangup_fd);
  self->hangup_fd = -1;
}

void
sse_hub_fanout_reset_keepalive (SseHubServer *self)
{
  g_clear_handle_id (&self->keepalive_source, g_source_remove);

  if (self->soup != NULL)
    self->keepalive_source = g_timeout_add_seconds (self->keepalive_interval, keepalive_cb, self);
}
