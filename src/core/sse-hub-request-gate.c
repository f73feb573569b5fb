/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The gate: what is refused from a request's headers, before libsoup reads
 * its body (a body over the route's limit or where none belongs, not
 * exactly one Host, a computer that spent its error budget or is blocked),
 * and a chunked body cut at the limit as it arrives.  libsoup would read a
 * whole body before answering, so such a refusal takes the connection from
 * libsoup, answers at once and closes: the unread body is never read into
 * memory. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sse-hub-server-private.h"
#include "sse-hub-sources.h"

/* After the answer, what the peer still sends is read into one small
 * buffer and dropped for a moment (a lingering close, as nginx does), so
 * that the close does not reset the connection before the peer has read
 * the answer: a client stops sending once it sees it, but what its kernel
 * already holds (a few MiB) still comes.  Then the connection closes
 * whatever is left.  Nothing read is kept. */
#define LINGER_BYTES (8 * 1024 * 1024)
#define LINGER_MS    1000

typedef struct
{
  GIOStream    *stream;
  GSocket      *socket;
  GCancellable *cancellable;
  guint         timeout;
  gsize         drained;
  guint8        buffer[8192];
} Closing;

static void
closing_finish (Closing *closing)
{
  g_clear_handle_id (&closing->timeout, sse_hub_source_remove);
  g_io_stream_close (closing->stream, NULL, NULL);
  g_object_unref (closing->stream);
  g_object_unref (closing->socket);
  g_object_unref (closing->cancellable);
  g_free (closing);
}

static gboolean
linger_expired (gpointer data)
{
  Closing *closing = data;

  closing->timeout = 0;
  g_cancellable_cancel (closing->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_drained (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Closing *closing = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  closing->drained += MAX (n, 0);
  if (n <= 0 || closing->drained >= LINGER_BYTES)
    {
      closing_finish (closing);
      return;
    }

  g_input_stream_read_async (g_io_stream_get_input_stream (closing->stream), closing->buffer,
                             sizeof closing->buffer, G_PRIORITY_DEFAULT, closing->cancellable,
                             on_drained, closing);
}

static void
on_answer_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  Closing *closing = data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      closing_finish (closing);
      return;
    }

  g_socket_shutdown (closing->socket, FALSE, TRUE, NULL);
  closing->timeout = sse_hub_timeout_add_full (G_PRIORITY_DEFAULT, LINGER_MS, linger_expired,
                                               closing, NULL);
  g_input_stream_read_async (g_io_stream_get_input_stream (closing->stream), closing->buffer,
                             sizeof closing->buffer, G_PRIORITY_DEFAULT, closing->cancellable,
                             on_drained, closing);
}

/* The answer libsoup would have written, written now. */
static GBytes *
answer_bytes (SoupServerMessage *message)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  g_autoptr(GBytes) content = soup_message_body_flatten (soup_server_message_get_response_body (message));
  guint status = soup_server_message_get_status (message);
  const char *phrase = soup_server_message_get_reason_phrase (message);
  GString *text = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name;
  const char *value;
  gsize size;
  const char *data = g_bytes_get_data (content, &size);

  soup_message_headers_replace (headers, "Connection", "close");
  soup_message_headers_replace (headers, "Server", SSE_HUB_SERVER_NAME);
  soup_message_headers_set_content_length (headers, size);

  g_string_append_printf (text, "HTTP/1.1 %u %s\r\n", status,
                          phrase != NULL ? phrase : soup_status_get_phrase (status));
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_string_append_printf (text, "%s: %s\r\n", name, value);
  g_string_append (text, "\r\n");
  g_string_append_len (text, data, size);

  return g_string_free_to_bytes (text);
}

/* Refuses as the routes do, then answers on the connection taken from
 * libsoup.  message may be freed on return. */
static void
refuse_now (SseHubServer      *self,
            SoupServerMessage *message,
            SseHubPeer        *peer,
            SseHubRefusal      reason,
            const GError      *error)
{
  g_autoptr(SoupServerMessage) held = g_object_ref (message);
  g_autoptr(GBytes) answer = NULL;
  GSocket *socket = soup_server_message_get_socket (message);
  GIOStream *stream;
  Closing *closing;

  sse_hub_routes_set_cors_headers (message);
  sse_hub_routes_refuse (self, message, peer, reason, error);
  if (soup_server_message_get_method (message) == SOUP_METHOD_POST &&
      !sse_hub_peer_is_presenter (peer))
    sse_hub_access_charge_error (self->access, peer);
  sse_hub_listener_forget_deadline (message);
  answer = answer_bytes (message);

  if (socket == NULL)
    return;
  g_object_ref (socket);
  stream = soup_server_message_steal_connection (message);
  if (stream == NULL)
    {
      g_object_unref (socket);
      return;
    }

  closing = g_new0 (Closing, 1);
  closing->stream = stream;
  closing->socket = socket;
  closing->cancellable = g_cancellable_new ();
  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream),
                                   g_bytes_get_data (answer, NULL), g_bytes_get_size (answer),
                                   G_PRIORITY_DEFAULT, closing->cancellable,
                                   on_answer_written, closing);
  /* write_all_async does not keep the buffer alive. */
  g_object_set_data_full (G_OBJECT (closing->cancellable), "answer",
                          g_steal_pointer (&answer), (GDestroyNotify) g_bytes_unref);
}

/* The most a route reads: only POST routes take a body. */
static goffset
body_limit (SoupServerMessage *message)
{
  return soup_server_message_get_method (message) == SOUP_METHOD_POST ? SSE_HUB_BODY_MAX_BYTES : 0;
}

static void
on_got_chunk (SoupServerMessage *message,
              GBytes            *chunk,
              SseHubServer      *self)
{
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  g_autoptr(GError) error = NULL;

  if (body->length <= body_limit (message))
    return;

  g_signal_handlers_disconnect_by_func (message, on_got_chunk, self);
  g_set_error (&error, SSE_HUB_ERROR, SSE_HUB_ERROR_TOO_LARGE,
               _("Body must be at most %d bytes"), SSE_HUB_BODY_MAX_BYTES);
  refuse_now (self, message, sse_hub_access_get_peer (self->access, message),
              SSE_HUB_REFUSAL_TOO_LARGE, error);
}

static guint
count_headers (SoupMessageHeaders *headers,
               const char         *wanted)
{
  SoupMessageHeadersIter iter;
  const char *name;
  const char *value;
  guint n = 0;

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strcasecmp (name, wanted) == 0)
      n++;

  return n;
}

/* FALSE with error and reason set for a request refused from its headers. */
static gboolean
check_headers (SseHubServer      *self,
               SoupServerMessage *message,
               SseHubPeer        *peer,
               SseHubRefusal     *reason,
               GError           **error)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  goffset limit = body_limit (message);

  *reason = SSE_HUB_REFUSAL_BAD_REQUEST;
  /* RFC 9112 §3.2: exactly one Host, whatever the version; two would let
   * the hub and a proxy in front of it read different ones. */
  if (count_headers (headers, "Host") != 1)
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_BAD_REQUEST,
                           _("A request must have exactly one Host header"));
      return FALSE;
    }

  if (soup_message_headers_get_list (headers, "Transfer-Encoding") != NULL &&
      soup_message_headers_get_one (headers, "Content-Length") != NULL)
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_BAD_REQUEST,
                           _("A request must not have both Content-Length and Transfer-Encoding"));
      return FALSE;
    }

  *reason = SSE_HUB_REFUSAL_TOO_LARGE;
  if (limit == 0 && (encoding == SOUP_ENCODING_CHUNKED || encoding == SOUP_ENCODING_EOF ||
                     (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
                      soup_message_headers_get_content_length (headers) > 0)))
    {
      g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_TOO_LARGE,
                   _("A %s request takes no body"), soup_server_message_get_method (message));
      return FALSE;
    }

  if (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > limit)
    {
      g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_TOO_LARGE,
                   _("Body must be at most %d bytes"), SSE_HUB_BODY_MAX_BYTES);
      return FALSE;
    }

  return sse_hub_access_check_sender (self->access, message, peer, reason, error);
}

/* Runs once the headers are in, before libsoup reads the body. */
void
sse_hub_routes_early_handler (SoupServer        *soup,
                              SoupServerMessage *message,
                              const char        *path,
                              GHashTable        *query,
                              gpointer           user_data)
{
  SseHubServer *self = user_data;
  SseHubPeer *peer = sse_hub_access_get_peer (self->access, message);
  g_autoptr(GError) error = NULL;
  SseHubRefusal reason;

  if (!check_headers (self, message, peer, &reason, &error))
    {
      refuse_now (self, message, peer, reason, error);
      return;
    }

  if (soup_message_headers_get_encoding (soup_server_message_get_request_headers (message)) ==
      SOUP_ENCODING_CHUNKED)
    g_signal_connect_object (message, "got-chunk", G_CALLBACK (on_got_chunk), self, 0);
}
