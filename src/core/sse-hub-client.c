/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>
#include <sys/socket.h>

#include "sse-hub-client-private.h"
#include "sse-hub-websocket.h"
#include "sse-hub-ws-session.h"
#include "sse-hub-sources.h"

#define SEND_BUFFER_BYTES (64 * 1024)
/* A backlog the kernel took nothing of for this long: the client stopped
 * reading, whatever its size. */
#define UNDRAINED_LIMIT_US   (10 * G_USEC_PER_SEC)
/* Past the cap, a client still draining (the kernel took some of its
 * backlog within this time) keeps its frames: a burst of named events
 * must not drop a slow reader... */
#define DRAINING_US          G_USEC_PER_SEC
/* ... up to this many caps, which bound the memory it may hold. */
#define DRAINING_CAP_FACTOR  8
/* Frames handed to the kernel in one sendmsg(). */
#define MAX_VECTORS       8

struct _SseHubClient
{
  GObject    parent_instance;

  guint64    id;
  char      *remote_address;
  char      *user_agent;
  gint64     connected_at;

  guint64    events_sent;
  guint64    bytes_sent;
  guint64    bytes_queued;
  guint64    bytes_received;
  SseHubTransport transport;

  /* a WebSocket client: its reading half; NULL for SSE */
  SseHubWsSession *ws;
  gboolean   closing;       /* a close frame is queued: nothing may follow it */
  gint64     drained_at;    /* monotonic µs: the kernel last took bytes, or nothing waited */

  /* owned; NULL once closed */
  GIOStream *stream;
  GSocket   *socket;
  GQueue     backlog;       /* GBytes not yet handed to the kernel */
  gsize      head_offset;   /* bytes of the first backlog entry already sent */
  /* per SseHubFrameKind: the backlog link of the newest state frame of
   * that kind, while it may still be replaced; NULL for OTHER */
  GList     *replaceable[SSE_HUB_N_FRAME_KINDS];
  GSource   *write_source;  /* only while a write would block */
  gboolean   corked;        /* frames wait for sse_hub_client_uncork() */
};

G_DEFINE_FINAL_TYPE (SseHubClient, sse_hub_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_REMOTE_ADDRESS,
  PROP_USER_AGENT,
  PROP_CONNECTED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_GONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
sse_hub_client_dispose (GObject *object)
{
  sse_hub_client_close (SSE_HUB_CLIENT (object));

  G_OBJECT_CLASS (sse_hub_client_parent_class)->dispose (object);
}

static void
sse_hub_client_finalize (GObject *object)
{
  SseHubClient *self = SSE_HUB_CLIENT (object);

  g_clear_pointer (&self->remote_address, g_free);
  g_clear_pointer (&self->user_agent, g_free);
  g_clear_pointer (&self->ws, sse_hub_ws_session_free);

  G_OBJECT_CLASS (sse_hub_client_parent_class)->finalize (object);
}

static void
sse_hub_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SseHubClient *self = SSE_HUB_CLIENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_uint64 (value, self->id);
      break;
    case PROP_REMOTE_ADDRESS:
      g_value_set_string (value, self->remote_address);
      break;
    case PROP_USER_AGENT:
      g_value_set_string (value, self->user_agent);
      break;
    case PROP_CONNECTED_AT:
      g_value_set_int64 (value, self->connected_at);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sse_hub_client_class_init (SseHubClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sse_hub_client_dispose;
  object_class->finalize = sse_hub_client_finalize;
  object_class->get_property = sse_hub_client_get_property;

  properties[PROP_ID] =
    g_param_spec_uint64 ("id", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REMOTE_ADDRESS] =
    g_param_spec_string ("remote-address", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER_AGENT] =
    g_param_spec_string ("user-agent", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTED_AT] =
    g_param_spec_int64 ("connected-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted once when a write finds the peer gone outside any call from
   * the server (a blocked backlog draining later). */
  signals[SIGNAL_GONE] =
    g_signal_new ("gone", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sse_hub_client_init (SseHubClient *self)
{
  g_queue_init (&self->backlog);
}

SseHubClient *
sse_hub_client_new (guint64     id,
                    const char *remote_address,
                    const char *user_agent,
                    GIOStream  *stream,
                    GSocket    *socket)
{
  SseHubClient *self = g_object_new (SSE_HUB_TYPE_CLIENT, NULL);

  self->id = id;
  self->remote_address = g_strdup (remote_address != NULL ? remote_address : "");
  self->user_agent = g_strdup (user_agent != NULL ? user_agent : "");
  self->connected_at = g_get_real_time ();
  self->stream = g_object_ref (stream);
  self->socket = g_object_ref (socket);
  g_socket_set_blocking (socket, FALSE);
  /* A fixed kernel send buffer instead of autotuning (up to 4 MiB): events
   * are small, and a stalled reader should fill its queue cap soon, not
   * hide megabytes in the kernel first. */
  g_socket_set_option (socket, SOL_SOCKET, SO_SNDBUF, SEND_BUFFER_BYTES, NULL);

  return self;
}

void
sse_hub_client_close (SseHubClient *self)
{
  g_return_if_fail (SSE_HUB_IS_CLIENT (self));

  if (self->write_source != NULL)
    {
      g_source_destroy (self->write_source);
      g_clear_pointer (&self->write_source, g_source_unref);
    }

  g_queue_clear_full (&self->backlog, (GDestroyNotify) g_bytes_unref);
  memset (self->replaceable, 0, sizeof self->replaceable);
  self->head_offset = 0;
  self->bytes_queued = 0;

  /* After a close frame, what the peer still sends is read away: closing
   * with unread bytes would reset the connection, and the peer could lose
   * the close frame and its reason. */
  if (self->closing && self->socket != NULL)
    {
      char sink[4096];

      /* Bounded: a peer that keeps sending is not waited for. */
      g_socket_shutdown (self->socket, FALSE, TRUE, NULL);
      for (guint i = 0; i < 16 && g_socket_receive (self->socket, sink, sizeof sink, NULL, NULL) > 0; i++)
        ;
    }

  if (self->stream != NULL)
    g_io_stream_close (self->stream, NULL, NULL);
  g_clear_object (&self->stream);
  g_clear_object (&self->socket);
}

/* A frame the kernel has begun to take must be completed as it is. */
static void
forget_replaceable (SseHubClient *self,
                    GList        *link)
{
  for (guint kind = 0; kind < SSE_HUB_N_FRAME_KINDS; kind++)
    if (self->replaceable[kind] == link)
      self->replaceable[kind] = NULL;
}

/* Hands as much of the backlog to the kernel as it takes.  FALSE when the
 * peer is gone (the client is then closed). */
static gboolean
flush_backlog (SseHubClient *self)
{
  while (!g_queue_is_empty (&self->backlog))
    {
      GOutputVector vectors[MAX_VECTORS];
      g_autoptr(GError) error = NULL;
      guint n = 0;
      gssize sent;

      for (GList *link = self->backlog.head; link != NULL && n < MAX_VECTORS; link = link->next)
        {
          gsize size;
          const char *data = g_bytes_get_data (link->data, &size);
          gsize skip = n == 0 ? self->head_offset : 0;

          vectors[n].buffer = data + skip;
          vectors[n].size = size - skip;
          n++;
        }

      sent = g_socket_send_message (self->socket, NULL, vectors, n, NULL, 0, 0, NULL, &error);
      if (sent < 0)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            return TRUE;
          sse_hub_client_close (self);
          return FALSE;
        }

      self->bytes_sent += sent;
      self->bytes_queued -= sent;
      if (sent > 0)
        self->drained_at = g_get_monotonic_time ();
      /* Whole frames leave the queue; the kernel has begun the next one. */
      while (sent > 0)
        {
          gsize left = g_bytes_get_size (g_queue_peek_head (&self->backlog)) - self->head_offset;

          forget_replaceable (self, self->backlog.head);
          if ((gsize) sent < left)
            {
              self->head_offset += sent;
              break;
            }
          sent -= left;
          g_bytes_unref (g_queue_pop_head (&self->backlog));
          self->head_offset = 0;
        }
    }

  return TRUE;
}

static gboolean
socket_writable_cb (GSocket      *socket,
                    GIOCondition  condition,
                    gpointer      user_data)
{
  SseHubClient *self = user_data;

  if (!flush_backlog (self))
    {
      /* The emission holds a reference, whatever the handlers drop. */
      g_signal_emit (self, signals[SIGNAL_GONE], 0);
      return G_SOURCE_REMOVE;
    }

  if (!g_queue_is_empty (&self->backlog))
    return G_SOURCE_CONTINUE;

  g_clear_pointer (&self->write_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

/* Drops the unsent state frame of this kind, if one is queued.  The new
 * one then goes to the tail rather than into the old one's place: what the
 * client receives stays in the order it was published, so the newest list
 * never overtakes an event published before it (but an id list, below). */
static void
drop_superseded (SseHubClient    *self,
                 SseHubFrameKind  kind)
{
  GList *link = self->replaceable[kind];
  GBytes *old;

  if (link == NULL)
    return;

  old = link->data;
  self->bytes_queued -= g_bytes_get_size (old);
  self->events_sent--;
  g_queue_delete_link (&self->backlog, link);
  g_bytes_unref (old);
  self->replaceable[kind] = NULL;
}

static SseHubClientQueueResult
send_or_wait (SseHubClient *self)
{
  /* Frames behind a blocked write wait for the socket to drain. */
  if (self->write_source != NULL)
    return SSE_HUB_CLIENT_QUEUED;

  if (!flush_backlog (self))
    return SSE_HUB_CLIENT_GONE;

  if (!g_queue_is_empty (&self->backlog))
    {
      self->write_source = g_socket_create_source (self->socket, G_IO_OUT, NULL);
      g_source_set_callback (self->write_source, G_SOURCE_FUNC (socket_writable_cb), self, NULL);
      g_source_attach (self->write_source, g_main_context_get_thread_default ());
    }

  return SSE_HUB_CLIENT_QUEUED;
}

typedef struct
{
  GBytes *sse;
  GBytes *ws;
} Translation;

static void
translation_free (gpointer data)
{
  Translation *translation = data;

  g_clear_pointer (&translation->sse, g_bytes_unref);
  g_clear_pointer (&translation->ws, g_bytes_unref);
  g_free (translation);
}

/* A broadcast hands the same SSE frame to every client in turn: each
 * thread keeps the socket form of the last one it translated.  Holding
 * the SSE frame keeps its address from being reused. */
static GBytes *
translate (GBytes *sse)
{
  static GPrivate last = G_PRIVATE_INIT (translation_free);
  Translation *translation = g_private_get (&last);

  if (translation == NULL)
    {
      translation = g_new0 (Translation, 1);
      g_private_set (&last, translation);
    }
  if (translation->sse != sse)
    {
      g_clear_pointer (&translation->sse, g_bytes_unref);
      g_clear_pointer (&translation->ws, g_bytes_unref);
      translation->sse = g_bytes_ref (sse);
      translation->ws = sse_hub_ws_from_sse (sse);
    }

  return translation->ws;
}

static SseHubClientQueueResult queue_frame (SseHubClient    *self,
                                            GBytes          *frame,
                                            SseHubFrameKind  kind,
                                            gsize            queue_cap);

SseHubClientQueueResult
sse_hub_client_queue (SseHubClient    *self,
                      GBytes          *frame,
                      SseHubFrameKind  kind,
                      gsize            queue_cap)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), SSE_HUB_CLIENT_GONE);

  if (self->ws != NULL)
    {
      frame = translate (frame);
      /* A keep-alive: the comment became a ping. */
      if (g_bytes_get_size (frame) > 0 &&
          ((const guint8 *) g_bytes_get_data (frame, NULL))[0] == (0x80 | SSE_HUB_WS_OP_PING))
        sse_hub_ws_session_ping_sent (self->ws, g_get_monotonic_time ());
    }

  return queue_frame (self, frame, kind, queue_cap);
}

SseHubClientQueueResult
sse_hub_client_queue_raw (SseHubClient *self,
                          GBytes       *frame,
                          gsize         queue_cap)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), SSE_HUB_CLIENT_GONE);

  return queue_frame (self, frame, SSE_HUB_FRAME_OTHER, queue_cap);
}

SseHubClientQueueResult
sse_hub_client_queue_control (SseHubClient *self,
                              GBytes       *frame)
{
  /* Small, and owed by the protocol: not held to the cap. */
  return sse_hub_client_queue_raw (self, frame, G_MAXSIZE);
}

void
sse_hub_client_send_close (SseHubClient *self,
                           guint16       code,
                           const char   *reason)
{
  g_autoptr(GBytes) frame = sse_hub_ws_format_close (code, reason);

  g_return_if_fail (SSE_HUB_IS_CLIENT (self));

  if (self->closing)
    return;
  sse_hub_client_queue_control (self, frame);
  self->closing = TRUE;
}

void
sse_hub_client_set_websocket (SseHubClient    *self,
                              SseHubWsSession *session)
{
  g_return_if_fail (SSE_HUB_IS_CLIENT (self));

  g_clear_pointer (&self->ws, sse_hub_ws_session_free);
  self->ws = session;
  self->transport = SSE_HUB_TRANSPORT_WEBSOCKET;
}

SseHubWsSession *
sse_hub_client_get_ws_session (SseHubClient *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), NULL);
  return self->ws;
}

gboolean
sse_hub_client_readable (SseHubClient *self)
{
  g_autoptr(SseHubClient) hold = NULL;
  g_autoptr(GSocket) socket = NULL;

  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), FALSE);

  /* An SSE client never sends after its request: readable means gone. */
  if (self->ws == NULL || self->socket == NULL)
    return FALSE;

  /* A failed write while answering closes the client mid-read. */
  hold = g_object_ref (self);
  socket = g_object_ref (self->socket);
  return sse_hub_ws_session_read (self->ws, self, socket) && self->socket != NULL;
}

void
sse_hub_client_count_received (SseHubClient *self,
                               gsize         bytes)
{
  self->bytes_received += bytes;
}

static SseHubClientQueueResult
queue_frame (SseHubClient    *self,
             GBytes          *frame,
             SseHubFrameKind  kind,
             gsize            queue_cap)
{
  gsize size = g_bytes_get_size (frame);
  gsize superseded = 0;
  GList *ids;
  GList *link;

  if (self->socket == NULL)
    return SSE_HUB_CLIENT_GONE;
  /* Nothing may follow a close frame. */
  if (self->closing)
    return SSE_HUB_CLIENT_QUEUED;

  if (self->replaceable[kind] != NULL)
    superseded = g_bytes_get_size (self->replaceable[kind]->data);
  if (g_queue_is_empty (&self->backlog))
    self->drained_at = g_get_monotonic_time ();

  /* A frame larger than the cap still goes to a client that has kept up:
   * only a backlog gets a client dropped.  With conflation that backlog is
   * what the client would still need however long it waits. */
  if (self->bytes_queued > superseded)
    {
      guint64 backlog = self->bytes_queued - superseded + size;
      gint64 undrained = sse_hub_client_get_undrained_us (self);

      if (undrained >= UNDRAINED_LIMIT_US ||
          (backlog > queue_cap && undrained >= DRAINING_US) ||
          backlog > (guint64) queue_cap * DRAINING_CAP_FACTOR)
        return SSE_HUB_CLIENT_OVER_CAP;
    }

  drop_superseded (self, kind);
  /* An id list not yet begun lets every later frame pass: a list or a
   * named event never waits behind the `client` event of a connect storm,
   * the longest frame and the least urgent, which is about other state. */
  ids = self->replaceable[SSE_HUB_FRAME_STATE_CLIENTS];
  if (kind != SSE_HUB_FRAME_STATE_CLIENTS && ids != NULL)
    {
      g_queue_insert_before (&self->backlog, ids, g_bytes_ref (frame));
      link = ids->prev;
    }
  else
    {
      g_queue_push_tail (&self->backlog, g_bytes_ref (frame));
      link = self->backlog.tail;
    }
  self->bytes_queued += size;
  self->events_sent++;
  if (kind != SSE_HUB_FRAME_OTHER)
    self->replaceable[kind] = link;

  if (self->corked)
    return SSE_HUB_CLIENT_QUEUED;

  return send_or_wait (self);
}

gint64
sse_hub_client_get_undrained_us (SseHubClient *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), 0);

  if (g_queue_is_empty (&self->backlog))
    return 0;
  return g_get_monotonic_time () - self->drained_at;
}

void
sse_hub_client_cork (SseHubClient *self)
{
  g_return_if_fail (SSE_HUB_IS_CLIENT (self));
  self->corked = TRUE;
}

SseHubClientQueueResult
sse_hub_client_uncork (SseHubClient *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), SSE_HUB_CLIENT_GONE);

  self->corked = FALSE;
  if (self->socket == NULL)
    return SSE_HUB_CLIENT_GONE;

  return send_or_wait (self);
}

int
sse_hub_client_get_fd (SseHubClient *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), -1);

  return self->socket != NULL ? g_socket_get_fd (self->socket) : -1;
}

guint64
sse_hub_client_get_id (SseHubClient *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), 0);
  return self->id;
}

const char *
sse_hub_client_get_remote_address (SseHubClient *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), NULL);
  return self->remote_address;
}

const char *
sse_hub_client_get_user_agent (SseHubClient *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), NULL);
  return self->user_agent;
}

gint64
sse_hub_client_get_connected_at (SseHubClient *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), 0);
  return self->connected_at;
}

guint64
sse_hub_client_get_events_sent (SseHubClient *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), 0);
  return self->events_sent;
}

guint64
sse_hub_client_get_bytes_sent (SseHubClient *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), 0);
  return self->bytes_sent;
}

guint64
sse_hub_client_get_bytes_received (SseHubClient *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), 0);
  return self->bytes_received;
}

SseHubTransport
sse_hub_client_get_transport (SseHubClient *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), SSE_HUB_TRANSPORT_SSE);
  return self->transport;
}

guint64
sse_hub_client_get_bytes_queued (SseHubClient *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), 0);
  return self->bytes_queued;
}

SseHubClient *
sse_hub_client_new_mirror (SseHubClient *client)
{
  SseHubClient *self;

  g_return_val_if_fail (SSE_HUB_IS_CLIENT (client), NULL);

  self = g_object_new (SSE_HUB_TYPE_CLIENT, NULL);
  self->id = client->id;
  self->remote_address = g_strdup (client->remote_address);
  self->user_agent = g_strdup (client->user_agent);
  self->connected_at = client->connected_at;
  self->transport = client->transport;
  sse_hub_client_set_counters (self, client->events_sent, client->bytes_sent,
                               client->bytes_received);
  return self;
}

void
sse_hub_client_set_counters (SseHubClient *self,
                             guint64       events_sent,
                             guint64       bytes_sent,
                             guint64       bytes_received)
{
  g_return_if_fail (SSE_HUB_IS_CLIENT (self));
  g_return_if_fail (self->stream == NULL);

  self->events_sent = events_sent;
  self->bytes_sent = bytes_sent;
  self->bytes_received = bytes_received;
}
