/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <sys/socket.h>

#include "sse-hub-parking.h"

#define SOCKET_KEY "sse-hub-parked-socket"

typedef struct
{
  SseHubParking *owner;
  GIOStream     *stream;   /* the GSocketConnection under libsoup's wrappers */
  GSocket       *socket;
  GSource       *source;
  GList          link;     /* in owner->parked */
} Parked;

/* Reference counted: a response still being written holds a reference, so
 * a hub stopped meanwhile leaves nothing dangling. */
struct _SseHubParking
{
  SoupServer *soup;        /* NULL once freed by its owner */
  GQueue      parked;      /* Parked, oldest first */
  guint       idle_seconds;
  guint       max_parked;
};

static void
parked_close (Parked *parked)
{
  g_queue_unlink (&parked->owner->parked, &parked->link);
  g_source_destroy (parked->source);
  g_source_unref (parked->source);
  g_io_stream_close (parked->stream, NULL, NULL);
  g_object_unref (parked->stream);
  g_object_unref (parked->socket);
  g_free (parked);
}

/* The next request has begun: libsoup takes the connection back, as a new
 * one.  Its socket goes along on the peer's address, the one object of the
 * connection a handler can reach. */
static void
parked_hand_back (Parked *parked)
{
  SseHubParking *self = parked->owner;
  g_autoptr(GIOStream) stream = g_object_ref (parked->stream);
  g_autoptr(GSocket) socket = g_object_ref (parked->socket);
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (socket, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (socket, NULL);

  g_queue_unlink (&self->parked, &parked->link);
  g_source_destroy (parked->source);
  g_source_unref (parked->source);
  g_object_unref (parked->stream);
  g_object_unref (parked->socket);
  g_free (parked);

  if (local == NULL || remote == NULL)
    {
      g_io_stream_close (stream, NULL, NULL);
      return;
    }
  g_object_set_data_full (G_OBJECT (remote), SOCKET_KEY, g_object_ref (socket), g_object_unref);
  soup_server_accept_iostream (self->soup, stream, local, remote, NULL);
}

static gboolean
on_parked_ready (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  Parked *parked = user_data;
  char byte;
  gssize n;

  /* Nothing but the idle deadline. */
  if (condition == 0)
    {
      parked_close (parked);
      return G_SOURCE_REMOVE;
    }

  /* Peek, so that libsoup reads the request from its first byte. */
  n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return G_SOURCE_CONTINUE;

  if (n > 0)
    parked_hand_back (parked);
  else
    parked_close (parked);  /* the peer closed while idle: libsoup 3.2's leak */
  return G_SOURCE_REMOVE;
}

static void
park (SseHubParking *self,
      GIOStream     *stream)
{
  Parked *parked;

  if (!G_IS_SOCKET_CONNECTION (stream))
    {
      g_io_stream_close (stream, NULL, NULL);
      return;
    }

  parked = g_new0 (Parked, 1);
  parked->owner = self;
  parked->stream = g_object_ref (stream);
  parked->socket = g_object_ref (g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream)));
  parked->link.data = parked;
  parked->source = g_socket_create_source (parked->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_ready_time (parked->source,
                           g_get_monotonic_time () + (gint64) self->idle_seconds * G_USEC_PER_SEC);
  g_source_set_callback (parked->source, G_SOURCE_FUNC (on_parked_ready), parked, NULL);
  g_source_attach (parked->source, g_main_context_get_thread_default ());
  g_queue_push_tail_link (&self->parked, &parked->link);

  /* A bounded number: the oldest idle connection goes first, as a browser
   * would open a new one if it needed it. */
  while (self->parked.length > self->max_parked)
    parked_close (g_queue_peek_head (&self->parked));
}

/* libsoup hands over its wrapper; the connection is under it. */
static GIOStream *
unwrap (GIOStream *stream)
{
  while (!G_IS_SOCKET_CONNECTION (stream) &&
         g_object_class_find_property (G_OBJECT_GET_CLASS (stream), "base-iostream") != NULL)
    {
      GIOStream *base = NULL;

      g_object_get (stream, "base-iostream", &base, NULL);
      if (base == NULL)
        break;
      g_object_unref (stream);
      stream = base;
    }

  return stream;
}

static void
on_wrote_body (SoupServerMessage *message,
               SseHubParking     *self)
{
  GIOStream *stream;

  /* A handler may have decided on close after all (a full hub's answer
   * ends its would-be stream). */
  if (self->soup == NULL ||
      soup_message_headers_header_contains (soup_server_message_get_response_headers (message),
                                            "Connection", "close"))
    return;

  stream = soup_server_message_steal_connection (message);
  if (stream == NULL)
    return;

  stream = unwrap (stream);
  park (self, stream);
  g_object_unref (stream);
}

static void
parking_clear (SseHubParking *self)
{
  while (!g_queue_is_empty (&self->parked))
    parked_close (g_queue_peek_head (&self->parked));
}

SseHubParking *
sse_hub_parking_new (SoupServer *soup,
                     guint       idle_seconds,
                     guint       max_parked)
{
  SseHubParking *self = g_rc_box_new0 (SseHubParking);

  self->soup = soup;
  g_queue_init (&self->parked);
  self->idle_seconds = MAX (idle_seconds, 1);
  self->max_parked = max_parked;
  return self;
}

void
sse_hub_parking_free (SseHubParking *self)
{
  if (self == NULL)
    return;

  parking_clear (self);
  self->soup = NULL;
  g_rc_box_release (self);
}

static void
release_parking (gpointer  data,
                 GClosure *closure)
{
  g_rc_box_release (data);
}

void
sse_hub_parking_keep_alive (SseHubParking     *self,
                            SoupServerMessage *message)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (message);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (message);

  if (self->max_parked > 0 &&
      soup_server_message_get_http_version (message) == SOUP_HTTP_1_1 &&
      !soup_message_headers_header_contains (request, "Connection", "close") &&
      !soup_message_headers_header_contains (response, "Connection", "close"))
    {
      /* After the handlers a route may have connected (the answer kept
       * for an Idempotency-Key reads it first). */
      g_signal_connect_data (message, "wrote-body", G_CALLBACK (on_wrote_body),
                             g_rc_box_acquire (self), release_parking, G_CONNECT_AFTER);
      return;
    }

  soup_message_headers_replace (response, "Connection", "close");
}

guint
sse_hub_parking_get_n_parked (SseHubParking *self)
{
  return self->parked.length;
}

GSocket *
sse_hub_parking_get_socket (SoupServerMessage *message)
{
  GSocket *socket = soup_server_message_get_socket (message);
  GSocketAddress *remote;

  if (socket != NULL)
    return socket;

  remote = soup_server_message_get_remote_address (message);
  return remote != NULL ? g_object_get_data (G_OBJECT (remote), SOCKET_KEY) : NULL;
}
