/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GET /connect asking to upgrade: the same stream as a WebSocket.  libsoup
 * checks the handshake; the hub answers it itself and takes the
 * connection, so the socket's frames go through the client's own queue
 * (conflated and capped as SSE's are) and permessage-deflate is never
 * agreed: the bytes counted are the bytes sent. */
#include "config.h"

#include <string.h>

#include "sse-hub-parking.h"
#include "sse-hub-server-private.h"
#include "sse-hub-websocket.h"
#include "sse-hub-wire.h"

/* What a socket's messages need: the server outlives its streams, so a
 * plain pointer; the peer is the upgrade request's. */
typedef struct
{
  SseHubServer *server;
  SseHubPeer   *peer;
} SocketContext;

static void
socket_context_free (gpointer data)
{
  SocketContext *context = data;

  g_object_unref (context->peer);
  g_free (context);
}

gboolean
sse_hub_routes_is_upgrade (SoupServerMessage *message)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);

  return soup_message_headers_header_contains (headers, "Upgrade", "websocket");
}

/* ------------------------------------------------------------------------ */
/* Messages in                                                              */

static void
log_socket_answer (SseHubServer *server,
                   SseHubClient *client,
                   SseHubPeer   *peer,
                   guint         status,
                   SseHubRefusal reason,
                   GError       *error,
                   GBytes       *reply,
                   const char   *json)
{
  SseHubLogRecord record = {
    .kind = error != NULL ? SSE_HUB_LOG_REFUSAL : SSE_HUB_LOG_REQUEST,
    .event = error != NULL ? SSE_HUB_LOG_EVENT_REFUSAL : SSE_HUB_LOG_EVENT_REQUEST,
    .event_name = error != NULL ? sse_hub_refusal_get_name (reason) : "WS",
    .peer = sse_hub_client_get_remote_address (client),
    .refusal = reason,
    .status = status,
    .method = "WS",
    .path = "addPerson",
    .bytes = g_bytes_get_size (reply),
    .text = json,
    .text_length = -1,
    .client_id = sse_hub_client_get_id (client),
  };

  sse_hub_event_log_add (server->log, &record);
  if (error != NULL)
    sse_hub_server_emit_refused (server, peer, reason, sse_hub_error_field (error), "/connect");
}

/* Answers on the socket what POST /addPerson would answer. */
static void
reply (SseHubServer  *server,
       SseHubClient  *client,
       SseHubPeer    *peer,
       const char    *id,
       SseHubRefusal  reason,
       GError        *error,
       const char    *person_json)
{
  g_autofree char *error_json = error != NULL ? sse_hub_error_to_json (error) : NULL;
  guint status = error != NULL ? sse_hub_refusal_get_status (reason) : SOUP_STATUS_OK;
  const char *json = error != NULL ? error_json : person_json;
  g_autoptr(GBytes) frame = sse_hub_ws_format_reply (id, status, json);

  sse_hub_client_queue_raw (client, frame, server->queue_cap);
  log_socket_answer (server, client, peer, status, reason, error, frame, json);
}

typedef struct
{
  SseHubServer *server;
  SseHubClient *client;
  SseHubPeer   *peer;
  char         *id;
  gboolean      counted;
} PendingAdd;

static void
on_person_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PendingAdd *add = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SseHubPerson) person = NULL;

  person = sse_hub_person_store_add_finish (SSE_HUB_PERSON_STORE (source), result, &error);
  if (person == NULL && add->counted)
    sse_hub_access_uncount_person (add->server->access, add->peer);
  reply (add->server, add->client, add->peer, add->id,
         person == NULL ? sse_hub_refusal_from_error (error) : SSE_HUB_REFUSAL_BAD_REQUEST,
         error, person != NULL ? sse_hub_person_get_json (person) : NULL);

  g_object_unref (add->server);
  g_object_unref (add->client);
  g_object_unref (add->peer);
  g_free (add->id);
  g_free (add);
}

static void
on_socket_message (SseHubClient *client,
                   const char   *text,
                   gsize         length,
                   gsize         wire_bytes,
                   gpointer      user_data)
{
  SocketContext *context = user_data;
  SseHubServer *self = context->server;
  SseHubPeer *peer = context->peer;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *id = NULL;
  SseHubRefusal refusal = SSE_HUB_REFUSAL_BAD_REQUEST;
  gboolean presenter = sse_hub_peer_is_presenter (peer);
  PendingAdd *add;
  gint64 age = 0;

  sse_hub_event_log_add (self->log, &(SseHubLogRecord) {
                           .kind = SSE_HUB_LOG_REQUEST, .event = SSE_HUB_LOG_EVENT_SOCKET_IN,
                           .event_name = "WS", .peer = sse_hub_client_get_remote_address (client),
                           .bytes = wire_bytes, .text = text, .text_length = length,
                           .client_id = sse_hub_client_get_id (client) });

  /* Read first for the id the reply echoes; then the same order as a
   * POST: a computer past its error budget (refused as the request gate
   * refuses a POST, which spends it again), who may write, what was sent
   * (a refused message spends the sender's error budget), and only a
   * valid add spends the posting budgets. */
  if (!sse_hub_ws_parse_client_message (text, length, &name, &age, &id, &parse_error))
    refusal = sse_hub_refusal_from_error (parse_error);
  if (!presenter &&
      !sse_hub_access_check_error_budget (self->access, NULL, peer, &refusal, &error))
    sse_hub_access_charge_error (self->access, peer);
  if (error == NULL && !presenter)
    sse_hub_access_check_post (self->access, peer, &refusal, &error);
  if (error == NULL && parse_error != NULL)
    {
      error = g_steal_pointer (&parse_error);
      if (!presenter)
        sse_hub_access_charge_error (self->access, peer);
    }
  if (error == NULL && !presenter)
    sse_hub_access_take_post_budget (self->access, NULL, peer, &refusal, &error);
  if (error != NULL)
    {
      reply (self, client, peer, id, refusal, error, NULL);
      return;
    }

  if (!presenter)
    sse_hub_access_count_person (self->access, peer);
  add = g_new0 (PendingAdd, 1);
  add->server = g_object_ref (self);
  add->client = g_object_ref (client);
  add->peer = g_object_ref (peer);
  add->id = g_steal_pointer (&id);
  add->counted = !presenter;
  /* Under its computer, as a POST's: the presenter can remove them together. */
  sse_hub_person_store_add_by_async (self->store, name, age,
                                     presenter ? NULL : sse_hub_peer_get_group (peer),
                                     NULL, on_person_saved, add);
}

/* ------------------------------------------------------------------------ */
/* The handshake                                                            */

/* A full hub or address group: the upgrade is answered, the reason sent
 * as SSE would send it (the `full` event), then the socket is closed with
 * 1008, a policy of the hub's. */
static GBytes *
full_message (SseHubServer      *self,
              SseHubFullReason   reason,
              char             **out_data)
{
  g_autoptr(GBytes) sse = NULL;

  *out_data = sse_hub_full_json (SSE_HUB_FULL_RETRY_MS, reason,
                                 reason == SSE_HUB_FULL_ADDRESS
                                   ? self->access->max_streams_per_address
                                   : self->access->max_clients);
  sse = sse_hub_format_frame (SSE_HUB_EVENT_FULL, NULL, *out_data);
  return sse_hub_ws_from_sse (sse);
}

void
sse_hub_routes_websocket (SseHubServer      *self,
                          SoupServerMessage *message,
                          SseHubPeer        *peer,
                          GHashTable        *query)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  g_autoptr(GError) error = NULL;
  g_autoptr(SseHubClient) client = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(SseHubPeer) held_peer = NULL;
  g_autoptr(GBytes) head = NULL;
  g_autoptr(GBytes) refusal = NULL;
  g_autofree char *user_agent = NULL;
  g_autofree char *last_event_id = NULL;
  g_autofree char *accept = NULL;
  g_autofree char *key = NULL;
  g_autofree char *full_data = NULL;
  SocketContext *context;
  SseHubFullReason full;
  gboolean admitted;
  GString *text;

  /* Origin is left to the peer's role: a foreign page is audience. */
  if (!soup_websocket_server_check_handshake (message, NULL, NULL, NULL, &error))
    {
      g_autoptr(GError) refused = g_error_new_literal (SSE_HUB_ERROR, SSE_HUB_ERROR_BAD_REQUEST,
                                                       error->message);
      sse_hub_routes_refuse (self, message, peer, SSE_HUB_REFUSAL_BAD_REQUEST, refused);
      return;
    }

  admitted = sse_hub_access_admit_stream (self->access, peer, &full);
  key = g_strdup (soup_message_headers_get_one (headers, "Sec-WebSocket-Key"));
  accept = sse_hub_ws_accept_key (key);
  /* No Sec-WebSocket-Extensions: permessage-deflate is never agreed. */
  text = g_string_new ("HTTP/1.1 101 Switching Protocols\r\n");
  g_string_append (text, "Server: " SSE_HUB_SERVER_NAME "\r\n");
  g_string_append (text, "Upgrade: websocket\r\nConnection: Upgrade\r\n");
  g_string_append_printf (text, "Sec-WebSocket-Accept: %s\r\n\r\n", accept);
  head = g_string_free_to_bytes (text);

  held_peer = g_object_ref (peer);
  user_agent = g_strdup (soup_message_headers_get_one (headers, "User-Agent"));
  /* A browser's WebSocket cannot send headers: the page passes its id. */
  last_event_id = g_strdup (query != NULL ? g_hash_table_lookup (query, "lastEventId") : NULL);
  if (!admitted)
    {
      refusal = full_message (self, full, &full_data);
      sse_hub_routes_log_refusal (self, message, peer,
                                  full == SSE_HUB_FULL_ADDRESS ? SSE_HUB_REFUSAL_STREAM_CAP
                                                               : SSE_HUB_REFUSAL_HUB_FULL,
                                  NULL, full_data);
    }
  /* Also on a connection handed back from parking. */
  socket = g_object_ref (sse_hub_parking_get_socket (message));
  stream = soup_server_message_steal_connection (message);
  if (stream == NULL)
    return;

  client = sse_hub_client_new (++self->next_client_id, sse_hub_peer_get_host (held_peer),
                               user_agent, stream, socket);
  context = g_new0 (SocketContext, 1);
  context->server = self;
  context->peer = g_object_ref (held_peer);
  sse_hub_client_set_websocket (client, sse_hub_ws_session_new (on_socket_message, context,
                                                                socket_context_free));
  sse_hub_client_queue_control (client, head);
  if (refusal != NULL)
    {
      /* Never on the books: it closes as soon as the refusal is out. */
      sse_hub_client_queue_control (client, refusal);
      sse_hub_client_send_close (client, SSE_HUB_WS_CLOSE_POLICY, sse_hub_full_reason_name (full));
      sse_hub_client_close (client);
      return;
    }

  sse_hub_event_log_add (self->log, &(SseHubLogRecord) {
                           .kind = SSE_HUB_LOG_HELLO, .event = SSE_HUB_LOG_EVENT_UPGRADED,
                           .event_name = "101", .peer = sse_hub_peer_get_host (held_peer),
                           .status = SOUP_STATUS_SWITCHING_PROTOCOLS,
                           .bytes = g_bytes_get_size (head),
                           .ws_key = key, .ws_accept = accept,
                           .text = g_bytes_get_data (head, NULL),
                           .text_length = g_bytes_get_size (head),
                           .client_id = sse_hub_client_get_id (client) });
  sse_hub_routes_open_stream (self, client, held_peer, last_event_id, FALSE);
}

/* ------------------------------------------------------------------------ */
/* The comparison                                                           */

void
sse_hub_server_get_transport_cost (SseHubServer        *self,
                                   SseHubTransportCost *cost)
{
  g_return_if_fail (SSE_HUB_IS_SERVER (self));

  cost->sse_bytes = g_bytes_get_size (sse_hub_fanout_get_persons_frame (self->fanout));
  cost->ws_bytes = sse_hub_fanout_get_persons_ws_size (self->fanout);
  /* Counted as streams come and go: a connect storm redraws the status
   * once per client. */
  cost->ws_clients = sse_hub_fanout_get_n_websockets (self->fanout);
  cost->sse_clients = sse_hub_fanout_get_n_clients (self->fanout) - cost->ws_clients;
}
