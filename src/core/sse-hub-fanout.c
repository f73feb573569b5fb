/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fan-out: the set of open streams and everything sent to them — the
 * broadcast, the cached list frame, keep-alives, the coalesced client
 * event — and noticing when a stream's browser hangs up. */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "sse-hub-fanout-private.h"
#include "sse-hub-websocket.h"
#include "sse-hub-wire.h"
#include "sse-hub-sources.h"

G_DEFINE_FINAL_TYPE (SseHubFanout, sse_hub_fanout, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_CLIENTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_STREAM_ADDED,
  SIGNAL_STREAM_REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
sse_hub_fanout_log_frame (SseHubFanout  *self,
                          SseHubLogKind  kind,
                          const char    *event_name,
                          guint          recipients,
                          guint          ws_recipients,
                          GBytes        *frame)
{
  gsize size;
  const char *data;

  g_return_if_fail (SSE_HUB_IS_FANOUT (self));

  /* The log copies only the part it keeps: frames can be 100s of KiB. */
  data = g_bytes_get_data (frame, &size);
  if (recipients > ws_recipients || ws_recipients == 0)
    sse_hub_event_log_append_full (self->log, kind, event_name, NULL, recipients - ws_recipients,
                                   size, data, size);
  /* The same update as socket messages: their own bytes on the wire. */
  if (ws_recipients > 0)
    {
      g_autoptr(GBytes) ws = sse_hub_ws_from_sse (frame);
      g_autofree char *text = sse_hub_ws_describe (ws);
      g_autofree char *name = g_strconcat ("ws:", event_name, NULL);

      sse_hub_event_log_append_full (self->log, kind, name, NULL, ws_recipients,
                                     g_bytes_get_size (ws), text, -1);
    }
}

gboolean
sse_hub_fanout_forget (SseHubFanout *self,
                       SseHubClient *client)
{
  guint position;
  int fd;

  g_return_val_if_fail (SSE_HUB_IS_FANOUT (self), FALSE);

  /* Stealing keeps the table's reference alive until the end. */
  if (!g_hash_table_steal (self->streams, client))
    return FALSE;

  g_signal_handlers_disconnect_by_data (client, self);
  if (sse_hub_client_get_transport (client) == SSE_HUB_TRANSPORT_WEBSOCKET)
    self->n_websockets--;
  /* Before the close: afterwards the descriptor may belong to a newcomer. */
  fd = sse_hub_client_get_fd (client);
  if (fd >= 0)
    epoll_ctl (self->hangup_fd, EPOLL_CTL_DEL, fd, NULL);
  sse_hub_client_close (client);

  if (g_list_store_find (self->clients, client, &position))
    g_list_store_remove (self->clients, position);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CLIENTS]);
  sse_hub_fanout_schedule_clients_event (self);
  g_signal_emit (self, signals[SIGNAL_STREAM_REMOVED], 0, client);
  g_object_unref (client);

  return TRUE;
}

static guint
forget_all (SseHubFanout *self)
{
  g_autofree gpointer *clients = NULL;
  guint n;

  /* A reference each: forgetting one drops the table's. */
  clients = g_hash_table_get_keys_as_array (self->streams, &n);
  for (guint i = 0; i < n; i++)
    g_object_ref (clients[i]);
  for (guint i = 0; i < n; i++)
    {
      sse_hub_fanout_forget (self, clients[i]);
      g_object_unref (clients[i]);
    }

  return n;
}

guint
sse_hub_fanout_drop_all (SseHubFanout *self)
{
  g_return_val_if_fail (SSE_HUB_IS_FANOUT (self), 0);

  /* Logged first: the drop causes the resumes that follow it. */
  sse_hub_event_log_add (self->log, &(SseHubLogRecord) {
                           .kind = SSE_HUB_LOG_NOTICE, .event = SSE_HUB_LOG_EVENT_DROPPED_ALL,
                           .event_name = "drop-all", .number = g_hash_table_size (self->streams) });

  return forget_all (self);
}

gboolean
sse_hub_fanout_disconnect (SseHubFanout *self,
                           SseHubClient *client)
{
  g_return_val_if_fail (SSE_HUB_IS_FANOUT (self), FALSE);

  /* Already gone on its own: nothing to close and nothing to log. */
  if (!g_hash_table_contains (self->streams, client))
    return FALSE;

  sse_hub_event_log_add (self->log, &(SseHubLogRecord) {
                           .kind = SSE_HUB_LOG_NOTICE, .event = SSE_HUB_LOG_EVENT_DISCONNECTED,
                           .event_name = "disconnect",
                           .peer = sse_hub_client_get_remote_address (client),
                           .client_id = sse_hub_client_get_id (client) });

  return sse_hub_fanout_forget (self, client);
}

static void
drop_slow_client (SseHubFanout *self,
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
                           .limit = self->queue_cap,
                           .elapsed_ms = sse_hub_client_get_undrained_us (client) / 1000 });

  sse_hub_fanout_forget (self, client);
}

/* Clients that fell too far behind or went away are dealt with after the
 * walk, which must not change what it walks. */
guint
sse_hub_fanout_deliver (SseHubFanout    *self,
                        SseHubClient   **clients,
                        guint            n,
                        SseHubFrameKind  frame_kind,
                        GBytes          *frame,
                        guint           *ws_recipients)
{
  g_autoptr(GPtrArray) too_slow = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_object_unref);
  guint recipients = 0;

  for (guint i = 0; i < n; i++)
    {
      switch (sse_hub_client_queue (clients[i], frame, frame_kind, self->queue_cap))
        {
        case SSE_HUB_CLIENT_QUEUED:
          recipients++;
          if (sse_hub_client_get_transport (clients[i]) == SSE_HUB_TRANSPORT_WEBSOCKET)
            (*ws_recipients)++;
          break;
        case SSE_HUB_CLIENT_OVER_CAP:
          g_ptr_array_add (too_slow, g_object_ref (clients[i]));
          break;
        case SSE_HUB_CLIENT_GONE:
        default:
          g_ptr_array_add (gone, g_object_ref (clients[i]));
          break;
        }
    }

  for (guint i = 0; i < too_slow->len; i++)
    drop_slow_client (self, g_ptr_array_index (too_slow, i));
  for (guint i = 0; i < gone->len; i++)
    sse_hub_fanout_forget (self, g_ptr_array_index (gone, i));

  return recipients;
}

static guint
broadcast (SseHubFanout    *self,
           SseHubFrameKind  frame_kind,
           SseHubLogKind    kind,
           const char      *event_name,
           GBytes          *frame)
{
  g_autofree gpointer *clients = NULL;
  guint n;
  guint recipients;
  guint ws_recipients = 0;

  clients = g_hash_table_get_keys_as_array (self->streams, &n);
  recipients = sse_hub_fanout_deliver (self, (SseHubClient **) clients, n, frame_kind, frame,
                                       &ws_recipients);
  sse_hub_fanout_log_frame (self, kind, event_name, recipients, ws_recipients, frame);

  return recipients;
}

guint
sse_hub_fanout_publish (SseHubFanout  *self,
                        SseHubLogKind  kind,
                        const char    *event,
                        const char    *id,
                        const char    *data)
{
  g_autoptr(GBytes) frame = NULL;

  g_return_val_if_fail (SSE_HUB_IS_FANOUT (self), 0);

  frame = sse_hub_format_frame (event, id, data);
  return broadcast (self, SSE_HUB_FRAME_OTHER, kind, event != NULL ? event : "message", frame);
}

gboolean
sse_hub_fanout_greet (SseHubFanout *self,
                      SseHubClient *client,
                      GBytes       *opening,
                      gboolean      with_list)
{
  GBytes *list = with_list ? sse_hub_fanout_get_persons_frame (self) : NULL;

  g_return_val_if_fail (SSE_HUB_IS_FANOUT (self), FALSE);

  /* One write for both: a connect storm costs half the sends. */
  sse_hub_client_cork (client);
  if (sse_hub_client_queue (client, opening, SSE_HUB_FRAME_OTHER, self->queue_cap) ==
        SSE_HUB_CLIENT_QUEUED &&
      (list == NULL ||
       sse_hub_client_queue (client, list, SSE_HUB_FRAME_STATE_PERSONS, self->queue_cap) ==
         SSE_HUB_CLIENT_QUEUED) &&
      sse_hub_client_uncork (client) == SSE_HUB_CLIENT_QUEUED)
    return TRUE;

  sse_hub_fanout_forget (self, client);
  return FALSE;
}

GBytes *
sse_hub_fanout_get_persons_frame (SseHubFanout *self)
{
  guint64 revision;

  g_return_val_if_fail (SSE_HUB_IS_FANOUT (self), NULL);

  /* Formatted once per revision, shared by every connecting client until
   * the next change. */
  revision = sse_hub_person_store_get_revision (self->store);
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
  SseHubFanout *self = user_data;

  self->persons_broadcast_source = 0;
  broadcast (self, SSE_HUB_FRAME_STATE_PERSONS, SSE_HUB_LOG_PERSONS, "message",
             sse_hub_fanout_get_persons_frame (self));

  return G_SOURCE_REMOVE;
}

/* The store announces a revision once its callers have logged the requests
 * that made it (see on_batch in sse-hub-person-store.c); the idle only
 * coalesces revisions that come close together. */
void
sse_hub_fanout_revision_changed (SseHubFanout *self)
{
  g_return_if_fail (SSE_HUB_IS_FANOUT (self));

  if (!self->running)
    return;

  g_clear_handle_id (&self->persons_broadcast_source, sse_hub_source_remove);
  self->persons_broadcast_source = sse_hub_idle_add_full (G_PRIORITY_DEFAULT,
                                                          persons_broadcast_cb, self, NULL);
}

/* ------------------------------------------------------------------------ */
/* Keep-alive and hang-ups                                                  */

/* A socket whose last ping went unanswered for a whole interval is dead,
 * or has stopped reading: nothing could tell it goodbye. */
static void
forget_silent_sockets (SseHubFanout *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 deadline = (gint64) self->keepalive_interval * G_USEC_PER_SEC;
  g_autoptr(GPtrArray) silent = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer client;

  g_hash_table_iter_init (&iter, self->streams);
  while (g_hash_table_iter_next (&iter, &client, NULL))
    {
      SseHubWsSession *session = sse_hub_client_get_ws_session (client);

      if (session != NULL && sse_hub_ws_session_pong_overdue (session, now, deadline))
        g_ptr_array_add (silent, g_object_ref (client));
    }

  for (guint i = 0; i < silent->len; i++)
    {
      SseHubClient *dead = silent->pdata[i];

      sse_hub_event_log_add (self->log, &(SseHubLogRecord) {
                               .kind = SSE_HUB_LOG_REFUSAL, .event = SSE_HUB_LOG_EVENT_PONG_MISSED,
                               .event_name = "pong-missed",
                               .peer = sse_hub_client_get_remote_address (dead),
                               .client_id = sse_hub_client_get_id (dead),
                               .number = self->keepalive_interval });
      sse_hub_fanout_forget (self, dead);
    }
}

static gboolean
keepalive_cb (gpointer user_data)
{
  SseHubFanout *self = user_data;
  g_autoptr(GBytes) frame = sse_hub_format_heartbeat ();

  forget_silent_sockets (self);
  broadcast (self, SSE_HUB_FRAME_OTHER, SSE_HUB_LOG_KEEPALIVE, "keep-alive", frame);

  return G_SOURCE_CONTINUE;
}

static void
reset_keepalive (SseHubFanout *self)
{
  g_clear_handle_id (&self->keepalive_source, sse_hub_source_remove);

  if (self->running)
    self->keepalive_source = sse_hub_timeout_add_seconds (self->keepalive_interval,
                                                          keepalive_cb, self);
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
  SseHubFanout *self = user_data;
  struct epoll_event events[64];
  int n = epoll_wait (fd, events, G_N_ELEMENTS (events), 0);

  /* SSE streams never send anything after the request: readable means
   * gone.  A WebSocket client reads its messages here. */
  for (int i = 0; i < n; i++)
    if (!sse_hub_client_readable (events[i].data.ptr))
      sse_hub_fanout_forget (self, events[i].data.ptr);

  return G_SOURCE_CONTINUE;
}

static void
on_client_gone (SseHubClient *client,
                SseHubFanout *self)
{
  sse_hub_fanout_forget (self, client);
}

void
sse_hub_fanout_add (SseHubFanout *self,
                    SseHubClient *client)
{
  struct epoll_event event = { .events = EPOLLIN | EPOLLRDHUP, .data.ptr = client };

  g_return_if_fail (SSE_HUB_IS_FANOUT (self));
  g_return_if_fail (self->running);

  /* A plain handler: forget() disconnects it before the fan-out lets the
   * client go, and a weak reference per client costs a connect storm. */
  g_signal_connect (client, "gone", G_CALLBACK (on_client_gone), self);
  g_hash_table_add (self->streams, g_object_ref (client));
  if (sse_hub_client_get_transport (client) == SSE_HUB_TRANSPORT_WEBSOCKET)
    self->n_websockets++;
  /* Should the kernel refuse, the departure is still found by a write. */
  epoll_ctl (self->hangup_fd, EPOLL_CTL_ADD, sse_hub_client_get_fd (client), &event);
  g_list_store_append (self->clients, client);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CLIENTS]);
  g_signal_emit (self, signals[SIGNAL_STREAM_ADDED], 0, client);
  sse_hub_fanout_schedule_clients_event (self);
}

gboolean
sse_hub_fanout_start (SseHubFanout  *self,
                      GError       **error)
{
  g_return_val_if_fail (SSE_HUB_IS_FANOUT (self), FALSE);

  if (self->running)
    return TRUE;

  self->hangup_fd = epoll_create1 (EPOLL_CLOEXEC);
  if (self->hangup_fd < 0)
    {
      int saved_errno = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
      return FALSE;
    }
  self->hangup_source = sse_hub_fd_add_full (G_PRIORITY_DEFAULT, self->hangup_fd, G_IO_IN,
                                             hangups_cb, self, NULL);
  self->running = TRUE;
  reset_keepalive (self);

  return TRUE;
}

void
sse_hub_fanout_stop (SseHubFanout *self)
{
  g_return_if_fail (SSE_HUB_IS_FANOUT (self));

  if (!self->running)
    return;

  g_clear_handle_id (&self->keepalive_source, sse_hub_source_remove);
  g_clear_handle_id (&self->hangup_source, sse_hub_source_remove);
  g_clear_handle_id (&self->clients_event_source, sse_hub_source_remove);
  g_clear_handle_id (&self->persons_broadcast_source, sse_hub_source_remove);
  self->running = FALSE;
  forget_all (self);
  /* The event under way went to nobody more: logged as far as it got. */
  sse_hub_fanout_finish_clients_event (self);
  close (self->hangup_fd);
  self->hangup_fd = -1;
}

/* ------------------------------------------------------------------------ */
/* Object                                                                   */

GListModel *
sse_hub_fanout_get_clients (SseHubFanout *self)
{
  g_return_val_if_fail (SSE_HUB_IS_FANOUT (self), NULL);
  return G_LIST_MODEL (self->clients);
}

gsize
sse_hub_fanout_get_persons_ws_size (SseHubFanout *self)
{
  GBytes *list;

  g_return_val_if_fail (SSE_HUB_IS_FANOUT (self), 0);

  /* Measured once per list: the window asks on every membership change. */
  list = sse_hub_fanout_get_persons_frame (self);
  if (self->persons_ws_of != list)
    {
      g_autoptr(GBytes) ws = sse_hub_ws_from_sse (list);

      g_clear_pointer (&self->persons_ws_of, g_bytes_unref);
      self->persons_ws_of = g_bytes_ref (list);
      self->persons_ws_size = g_bytes_get_size (ws);
    }
  return self->persons_ws_size;
}

guint
sse_hub_fanout_get_n_websockets (SseHubFanout *self)
{
  g_return_val_if_fail (SSE_HUB_IS_FANOUT (self), 0);
  return self->n_websockets;
}

guint
sse_hub_fanout_get_n_clients (SseHubFanout *self)
{
  g_return_val_if_fail (SSE_HUB_IS_FANOUT (self), 0);
  return g_hash_table_size (self->streams);
}

void
sse_hub_fanout_set_queue_cap (SseHubFanout *self,
                              gsize         queue_cap)
{
  g_return_if_fail (SSE_HUB_IS_FANOUT (self));
  self->queue_cap = queue_cap;
}

void
sse_hub_fanout_set_keepalive_interval (SseHubFanout *self,
                                       guint         seconds)
{
  g_return_if_fail (SSE_HUB_IS_FANOUT (self));
  g_return_if_fail (seconds > 0);

  if (self->keepalive_interval == seconds)
    return;

  self->keepalive_interval = seconds;
  reset_keepalive (self);
}

static void
sse_hub_fanout_dispose (GObject *object)
{
  sse_hub_fanout_stop (SSE_HUB_FANOUT (object));

  G_OBJECT_CLASS (sse_hub_fanout_parent_class)->dispose (object);
}

static void
sse_hub_fanout_finalize (GObject *object)
{
  SseHubFanout *self = SSE_HUB_FANOUT (object);

  g_clear_object (&self->store);
  g_clear_object (&self->log);
  g_clear_object (&self->clients);
  g_clear_pointer (&self->streams, g_hash_table_unref);
  g_clear_pointer (&self->persons_frame, g_bytes_unref);
  g_clear_pointer (&self->persons_ws_of, g_bytes_unref);
  g_clear_pointer (&self->event_names, g_ptr_array_unref);

  G_OBJECT_CLASS (sse_hub_fanout_parent_class)->finalize (object);
}

static void
sse_hub_fanout_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SseHubFanout *self = SSE_HUB_FANOUT (object);

  switch (prop_id)
    {
    case PROP_N_CLIENTS:
      g_value_set_uint (value, g_hash_table_size (self->streams));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sse_hub_fanout_class_init (SseHubFanoutClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sse_hub_fanout_dispose;
  object_class->finalize = sse_hub_fanout_finalize;
  object_class->get_property = sse_hub_fanout_get_property;

  properties[PROP_N_CLIENTS] =
    g_param_spec_uint ("n-clients", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_STREAM_ADDED] =
    g_signal_new ("stream-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, SSE_HUB_TYPE_CLIENT);
  signals[SIGNAL_STREAM_REMOVED] =
    g_signal_new ("stream-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, SSE_HUB_TYPE_CLIENT);
}

static void
sse_hub_fanout_init (SseHubFanout *self)
{
  self->streams = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->clients = g_list_store_new (SSE_HUB_TYPE_CLIENT);
  self->event_names = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  self->hangup_fd = -1;
  self->queue_cap = 1024 * 1024;
  self->keepalive_interval = 15;
}

SseHubFanout *
sse_hub_fanout_new (SseHubPersonStore *store,
                    SseHubEventLog    *log)
{
  SseHubFanout *self;

  g_return_val_if_fail (SSE_HUB_IS_PERSON_STORE (store), NULL);
  g_return_val_if_fail (SSE_HUB_IS_EVENT_LOG (log), NULL);

  self = g_object_new (SSE_HUB_TYPE_FANOUT, NULL);
  self->store = g_object_ref (store);
  self->log = g_object_ref (log);

  return self;
}
