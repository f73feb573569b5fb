/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The routes: what each path answers — the event stream on /connect,
 * adding a person on /addPerson, the CORS preflight and the errors — and
 * the checks made on the headers before a body is read.  The page's files
 * are served by sse-hub-web-files.c. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sse-hub-idempotency.h"
#include "sse-hub-server-private.h"
#include "sse-hub-wire.h"

/* ------------------------------------------------------------------------ */
/* Responses                                                                */

static void
replace_headers (SoupServerMessage  *message,
                 const SseHubHeader *table)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);

  for (const SseHubHeader *header = table; header->name != NULL; header++)
    soup_message_headers_replace (headers, header->name, header->value);
}

void
sse_hub_routes_set_cors_headers (SoupServerMessage *message)
{
  replace_headers (message, sse_hub_cors_headers ());
}

static void
respond_json (SoupServerMessage *message,
              guint              status,
              const char        *json)
{
  /* libsoup 3.2 knows no phrase for 429 and would say "Unknown Error". */
  soup_server_message_set_status (message, status,
                                  status == 429 ? "Too Many Requests" : NULL);
  soup_server_message_set_response (message, "application/json; charset=utf-8",
                                    SOUP_MEMORY_COPY, json, strlen (json));
}

/* The request's bytes as they arrived: request line, headers as parsed
 * (one "Name: value" line each) and as much of the body as was read.  The
 * answer's size is not counted: libsoup adds headers of its own as it
 * writes it. */
static gsize
request_wire_size (SoupServerMessage *message)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  GUri *uri = soup_server_message_get_uri (message);
  const char *query = g_uri_get_query (uri);
  SoupMessageHeadersIter iter;
  const char *name;
  const char *value;
  gsize size;

  /* "GET /path?query HTTP/1.1\r\n" */
  size = strlen (soup_server_message_get_method (message)) + 1 + strlen (g_uri_get_path (uri)) +
         (query != NULL ? 1 + strlen (query) : 0) + strlen (" HTTP/1.1\r\n");
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    size += strlen (name) + strlen (": ") + strlen (value) + strlen ("\r\n");
  size += strlen ("\r\n");

  return size + (body != NULL ? (gsize) body->length : 0);
}

static const char *
request_path (SoupServerMessage *message)
{
  GUri *uri = soup_server_message_get_uri (message);

  return uri != NULL ? g_uri_get_path (uri) : NULL;
}

static void
log_request (SseHubServer          *self,
             SoupServerMessage     *message,
             SseHubPeer            *peer,
             SseHubLogRecord       *record)
{
  record->peer = sse_hub_peer_get_host (peer);
  record->method = soup_server_message_get_method (message);
  record->path = request_path (message);
  record->bytes = request_wire_size (message);
  sse_hub_event_log_add (self->log, record);
}

static void
log_answered (SseHubServer      *self,
              SoupServerMessage *message,
              SseHubPeer        *peer,
              const char        *answer)
{
  SseHubLogRecord record = {
    .kind = SSE_HUB_LOG_REQUEST,
    .event = SSE_HUB_LOG_EVENT_REQUEST,
    .event_name = soup_server_message_get_method (message),
    .status = SOUP_STATUS_OK,
    .text = answer,
    .text_length = -1,
  };

  log_request (self, message, peer, &record);
}

/* Logged and announced alike, whatever refused the request. */
void
sse_hub_routes_log_refusal (SseHubServer      *self,
             SoupServerMessage *message,
             SseHubPeer        *peer,
             SseHubRefusal      reason,
             const char        *field,
             const char        *answer)
{
  SseHubLogRecord record = {
    .kind = SSE_HUB_LOG_REFUSAL,
    .event = SSE_HUB_LOG_EVENT_REFUSAL,
    .event_name = sse_hub_refusal_get_name (reason),
    .refusal = reason,
    .status = sse_hub_refusal_get_status (reason),
    .text = answer,
    .text_length = -1,
  };

  log_request (self, message, peer, &record);
  sse_hub_server_emit_refused (self, peer, reason, field, request_path (message));
}

void
sse_hub_routes_refuse (SseHubServer      *self,
                       SoupServerMessage *message,
                       SseHubPeer        *peer,
                       SseHubRefusal      reason,
                       const GError      *error)
{
  g_autofree char *json = sse_hub_error_to_json (error);

  respond_json (message, sse_hub_refusal_get_status (reason), json);
  sse_hub_routes_log_refusal (self, message, peer, reason, sse_hub_error_field (error), json);
}

void
sse_hub_routes_deadline_missed (SseHubServer      *self,
                                SoupServerMessage *message)
{
  SseHubPeer *peer = sse_hub_access_get_peer (self->access, message);
  SseHubLogRecord record = {
    .kind = SSE_HUB_LOG_REFUSAL,
    .event = SSE_HUB_LOG_EVENT_REFUSAL,
    .event_name = sse_hub_refusal_get_name (SSE_HUB_REFUSAL_TIMEOUT),
    .peer = sse_hub_peer_get_host (peer),
    .refusal = SSE_HUB_REFUSAL_TIMEOUT,
    .number = self->request_timeout,
  };

  sse_hub_event_log_add (self->log, &record);
  sse_hub_server_emit_refused (self, peer, SSE_HUB_REFUSAL_TIMEOUT, NULL, request_path (message));
}

void
sse_hub_routes_method_not_allowed (SseHubServer      *self,
                                   SoupServerMessage *message,
                                   SseHubPeer        *peer,
                                   const char        *allow)
{
  g_autoptr(GError) error = NULL;

  g_set_error (&error, SSE_HUB_ERROR, SSE_HUB_ERROR_METHOD_NOT_ALLOWED,
               _("Method %s is not allowed here; use %s"),
               soup_server_message_get_method (message), allow);
  soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                "Allow", allow);
  sse_hub_routes_refuse (self, message, peer, SSE_HUB_REFUSAL_METHOD, error);
}

/* ------------------------------------------------------------------------ */
/* GET /connect                                                             */

static guint
jittered_retry (guint retry_ms)
{
  /* ±25 % so that browsers of a restarted hub do not all return at once. */
  guint spread = MAX (retry_ms / 2, 1);

  return retry_ms - retry_ms / 4 + g_random_int_range (0, spread);
}

/* A full hub still answers 200: any other status makes EventSource give up
 * for good, while a long retry and a clean end make it come back later. */
static void
refuse_full (SseHubServer      *self,
             SoupServerMessage *message,
             SseHubPeer        *peer,
             SseHubFullReason   reason)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  guint retry_ms = jittered_retry (SSE_HUB_FULL_RETRY_MS);
  g_autoptr(GBytes) retry = sse_hub_format_retry (retry_ms);
  g_autoptr(GBytes) frame = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *data = NULL;

  data = sse_hub_full_json (retry_ms, reason, reason == SSE_HUB_FULL_ADDRESS
                                                ? self->access->max_streams_per_address
                                                : self->access->max_clients);
  frame = sse_hub_format_frame (SSE_HUB_EVENT_FULL, NULL, data);
  g_string_append_len (body, g_bytes_get_data (retry, NULL), g_bytes_get_size (retry));
  g_string_append_len (body, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));

  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (headers, "Cache-Control", SSE_HUB_STREAM_CACHE_CONTROL);
  soup_message_headers_replace (headers, "Connection", "close");
  soup_server_message_set_response (message, SSE_HUB_STREAM_CONTENT_TYPE,
                                    SOUP_MEMORY_COPY, body->str, body->len);

  sse_hub_routes_log_refusal (self, message, peer,
               reason == SSE_HUB_FULL_ADDRESS ? SSE_HUB_REFUSAL_STREAM_CAP : SSE_HUB_REFUSAL_HUB_FULL,
               NULL, data);
}

static char *
requested_last_event_id (SoupServerMessage *message,
                         GHashTable        *query)
{
  const char *id = soup_message_headers_get_one (soup_server_message_get_request_headers (message),
                                                 "Last-Event-ID");

  /* EventSource sends the header only on reconnects; a page that kept the
   * id across a reload passes it in the query instead. */
  if (id == NULL && query != NULL)
    id = g_hash_table_lookup (query, "lastEventId");

  return g_strdup (id);
}

/* One entry per stream for the list it was sent or spared on connecting:
 * what a resume costs is the lesson of Last-Event-ID. */
static void
log_list_decision (SseHubServer *self,
                   SseHubClient *client,
                   const char   *last_event_id,
                   const char   *revision,
                   gboolean      list_sent)
{
  GBytes *frame = sse_hub_fanout_get_persons_frame (self->fanout);
  gsize frame_size = g_bytes_get_size (frame);
  gboolean websocket = sse_hub_client_get_transport (client) == SSE_HUB_TRANSPORT_WEBSOCKET;
  SseHubLogRecord record = {
    .kind = SSE_HUB_LOG_HELLO,
    .event = last_event_id == NULL ? SSE_HUB_LOG_EVENT_LIST_SENT
             : list_sent ? SSE_HUB_LOG_EVENT_LIST_RESENT : SSE_HUB_LOG_EVENT_LIST_SKIPPED,
    /* Which pipe came back: EventSource by itself, a socket by its page. */
    .event_name = websocket
                  ? (last_event_id != NULL ? "ws:resume" : "ws:connect")
                  : (last_event_id != NULL ? "resume" : "connect"),
    .peer = sse_hub_client_get_remote_address (client),
    .recipients = list_sent ? 1 : 0,
    .bytes = list_sent ? frame_size : 0,
    .text = list_sent ? g_bytes_get_data (frame, NULL) : NULL,
    .text_length = list_sent ? (gssize) frame_size : -1,
    .client_id = sse_hub_client_get_id (client),
    .last_event_id = last_event_id,
    .revision = revision,
    .websocket = websocket,
  };

  sse_hub_event_log_add (self->log, &record);
}

/* Puts a new stream on the books and greets it: retry and hello (with the
 * response head first when http_head), then the list unless its
 * Last-Event-ID is the current revision. */
void
sse_hub_routes_open_stream (SseHubServer *self,
                            SseHubClient *client,
                            SseHubPeer   *peer,
                            const char   *last_event_id,
                            gboolean      http_head)
{
  g_autoptr(GBytes) retry = NULL;
  g_autoptr(GBytes) hello = NULL;
  g_autoptr(GBytes) opening = NULL;
  g_autofree char *hello_data = NULL;
  g_autofree char *revision = NULL;
  GString *greeting;
  gboolean list_sent;
  guint retry_ms;

  sse_hub_fanout_add (self->fanout, client);
  sse_hub_access_track_stream (self->access, client, peer);

  retry_ms = jittered_retry (self->retry_ms);
  retry = sse_hub_format_retry (retry_ms);
  hello_data = sse_hub_hello_json (sse_hub_client_get_id (client),
                                   self->access->allow_audience_writes,
                                   retry_ms, self->keepalive_interval * 1000,
                                   sse_hub_fanout_get_event_names (self->fanout));
  hello = sse_hub_format_frame (SSE_HUB_EVENT_HELLO, NULL, hello_data);

  greeting = g_string_new (NULL);
  g_string_append_len (greeting, g_bytes_get_data (retry, NULL), g_bytes_get_size (retry));
  g_string_append_len (greeting, g_bytes_get_data (hello, NULL), g_bytes_get_size (hello));
  g_clear_pointer (&hello, g_bytes_unref);
  hello = g_string_free_to_bytes (greeting);
  sse_hub_fanout_log_frame (self->fanout, SSE_HUB_LOG_HELLO, "hello", 1, !http_head, hello);

  /* Head and greeting leave in one write. */
  greeting = g_string_new (NULL);
  if (http_head)
    sse_hub_append_stream_head (greeting, SSE_HUB_SERVER_NAME);
  g_string_append_len (greeting, g_bytes_get_data (hello, NULL), g_bytes_get_size (hello));
  opening = g_string_free_to_bytes (greeting);

  revision = g_strdup_printf ("%" G_GUINT64_FORMAT, sse_hub_person_store_get_revision (self->store));
  list_sent = g_strcmp0 (last_event_id, revision) != 0;
  if (!sse_hub_fanout_greet (self->fanout, client, opening, list_sent))
    return;
  log_list_decision (self, client, last_event_id, revision, list_sent);
}

void
sse_hub_routes_connect (SseHubServer      *self,
                        SoupServerMessage *message,
                        SseHubPeer        *peer,
                        GHashTable        *query)
{
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (message);
  g_autoptr(SseHubClient) client = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(SseHubPeer) held_peer = NULL;
  g_autofree char *user_agent = NULL;
  g_autofree char *last_event_id = NULL;
  SseHubFullReason full;

  if (sse_hub_routes_is_upgrade (message))
    {
      sse_hub_routes_websocket (self, message, peer, query);
      return;
    }

  if (!sse_hub_access_admit_stream (self->access, peer, &full) &&
      !(full == SSE_HUB_FULL_HUB && sse_hub_server_make_room (self, peer)))
    {
      refuse_full (self, message, peer, full);
      return;
    }

  /* Everything needed from the message is read first: stealing the
   * connection may free it, and the peer it owns. */
  held_peer = g_object_ref (peer);
  user_agent = g_strdup (soup_message_headers_get_one (request_headers, "User-Agent"));
  last_event_id = requested_last_event_id (message, query);
  socket = g_object_ref (sse_hub_parking_get_socket (message));
  stream = soup_server_message_steal_connection (message);
  if (stream == NULL)
    return;

  client = sse_hub_client_new (++self->next_client_id, sse_hub_peer_get_host (peer), user_agent,
                               stream, socket);
  sse_hub_routes_open_stream (self, client, held_peer, last_event_id, TRUE);
}

/* ------------------------------------------------------------------------ */
/* POST /addPerson                                                          */

/* A POST waiting for its person to be on disk. */
typedef struct
{
  SseHubServer      *server;
  SoupServerMessage *message;
  SseHubPeer        *peer;
  gboolean           counted;  /* FALSE: the presenter's */
  gboolean           ended;    /* the hub stopped meanwhile: nobody to answer */
} PendingPost;

static void
on_post_ended (SoupServerMessage *message,
               PendingPost       *post)
{
  post->ended = TRUE;
}

static void
on_person_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PendingPost *post = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SseHubPerson) person = NULL;

  /* 200 means on disk: the answer waits for the sync. */
  person = sse_hub_person_store_add_finish (SSE_HUB_PERSON_STORE (source), result, &error);
  g_signal_handlers_disconnect_by_data (post->message, post);
  if (person == NULL && post->counted)
    sse_hub_access_uncount_person (post->server->access, post->peer);
  /* The hub stopped while the sync ran: the connection is gone with it,
   * and answering would touch a message libsoup has let go. */
  if (!post->ended)
    {
      if (person != NULL)
        {
          const char *json = sse_hub_person_get_json (person);

          respond_json (post->message, SOUP_STATUS_OK, json);
          log_answered (post->server, post->message, post->peer, json);
        }
      else
        sse_hub_routes_refuse (post->server, post->message, post->peer,
                               sse_hub_refusal_from_error (error), error);
      soup_server_message_unpause (post->message);
    }

  g_object_unref (post->server);
  g_object_unref (post->message);
  g_object_unref (post->peer);
  g_free (post);
}

/* Here, beside its one user: the add route. */
SseHubIdempotency *
sse_hub_server_get_idempotency (SseHubServer *server)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (server), NULL);

  return server->idempotency;
}

void
sse_hub_routes_add_person (SseHubServer      *self,
                           SoupServerMessage *message,
                           SseHubPeer        *peer,
                           GHashTable        *query)
{
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  SseHubRefusal refusal = SSE_HUB_REFUSAL_BAD_REQUEST;
  PendingPost *post = NULL;
  gboolean presenter = sse_hub_peer_is_presenter (peer);
  gint64 age = 0;

  bytes = soup_message_body_flatten (body);
  /* Before the limits: a repeat spends nothing and stores nothing. */
  if (sse_hub_idempotency_begin (self->idempotency, message, sse_hub_peer_get_group (peer),
                                 bytes, &error) == SSE_HUB_IDEMPOTENCY_ANSWERED)
    {
      SseHubLogRecord record = {
        .kind = SSE_HUB_LOG_REQUEST,
        .event = SSE_HUB_LOG_EVENT_REQUEST,
        .event_name = "repeat",
        .status = soup_server_message_get_status (message),
        .text = "Idempotency-Key seen before: first answer again, nothing stored",
        .text_length = -1,
      };

      /* A repeat that waits for the first is not logged: the first speaks for both. */
      if (record.status != 0)
        log_request (self, message, peer, &record);
      return;
    }
  if (error == NULL && !presenter)
    sse_hub_access_check_post (self->access, peer, &refusal, &error);

  if (error == NULL)
    {
      gsize length;
      const char *data;

      data = g_bytes_get_data (bytes, &length);
      if (!sse_hub_parse_person_body (soup_message_headers_get_content_type (headers, NULL),
                                      data, length, &name, &age, &error))
        {
          refusal = sse_hub_refusal_from_error (error);
          /* A refused body spends the sender's own error budget, nothing
           * the class shares. */
          if (!presenter)
            sse_hub_access_charge_error (self->access, peer);
        }
    }

  /* Only a valid post spends the posting budgets. */
  if (error == NULL && !presenter)
    sse_hub_access_take_post_budget (self->access, message, peer, &refusal, &error);

  if (error != NULL)
    {
      sse_hub_routes_refuse (self, message, peer, refusal, error);
      return;
    }

  /* Counted at once, so posts racing a slow sync cannot pass the total;
   * taken back if the store refuses. */
  if (!presenter)
    sse_hub_access_count_person (self->access, peer);

  post = g_new0 (PendingPost, 1);
  post->server = g_object_ref (self);
  post->message = g_object_ref (message);
  post->peer = g_object_ref (peer);
  post->counted = !presenter;
  g_signal_connect (message, "finished", G_CALLBACK (on_post_ended), post);
  g_signal_connect (message, "disconnected", G_CALLBACK (on_post_ended), post);
  soup_server_message_pause (message);
  sse_hub_person_store_add_by_async (self->store, name, age,
                                     presenter ? NULL : sse_hub_peer_get_group (peer),
                                     NULL, on_person_saved, post);
}

/* ------------------------------------------------------------------------ */
/* POST /event                                                              */

/* Only the presenter's machine: a custom event reaches every page, and the
 * names it announces are a limited list. */
void
sse_hub_routes_send_event (SseHubServer      *self,
                           SoupServerMessage *message,
                           SseHubPeer        *peer,
                           GHashTable        *query)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *event = NULL;
  g_autofree char *id = NULL;
  g_autofree char *data = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GBytes) frame = NULL;
  const char *body;
  gsize length;

  if (!sse_hub_peer_is_presenter (peer))
    {
      g_set_error_literal (&error, SSE_HUB_ERROR, SSE_HUB_ERROR_PRESENTER_ONLY,
                           _("Only the presenter’s computer may send events"));
      /* Why it is not the presenter tells the presenter what happened. */
      sse_hub_routes_refuse (self, message, peer,
                             sse_hub_peer_get_role (peer) == SSE_HUB_PEER_FOREIGN_ORIGIN
                               ? SSE_HUB_REFUSAL_ORIGIN : SSE_HUB_REFUSAL_PRESENTER_ONLY,
                             error);
      return;
    }

  bytes = soup_message_body_flatten (soup_server_message_get_request_body (message));
  body = g_bytes_get_data (bytes, &length);
  if (!sse_hub_parse_event_body (soup_message_headers_get_content_type (headers, NULL),
                                 body, length, &event, &id, &data, &error) ||
      !sse_hub_fanout_check_custom_event (self->fanout, event, id, data,
                                          SSE_HUB_MAX_CUSTOM_EVENT_NAMES, &error))
    {
      sse_hub_routes_refuse (self, message, peer, sse_hub_refusal_from_error (error), error);
      return;
    }

  /* Logged before the send: the request causes the broadcast. */
  frame = sse_hub_format_frame (event, id, data);
  json = sse_hub_event_sent_json (event, g_bytes_get_size (frame));
  respond_json (message, SOUP_STATUS_OK, json);
  log_answered (self, message, peer, json);
  /* Checked above, and nothing ran in between. */
  sse_hub_server_send_custom_event (self, event, id, data, NULL);
}

/* ------------------------------------------------------------------------ */
/* Preflight and errors                                                     */

void
sse_hub_routes_preflight (SoupServerMessage *message)
{
  soup_server_message_set_status (message, SOUP_STATUS_NO_CONTENT, NULL);
  replace_headers (message, sse_hub_preflight_headers ());
}

void
sse_hub_routes_not_found (SseHubServer      *self,
                          SoupServerMessage *message,
                          SseHubPeer        *peer,
                          const char        *path)
{
  g_autoptr(GError) error = NULL;

  g_set_error (&error, SSE_HUB_ERROR, SSE_HUB_ERROR_NOT_FOUND, _("Nothing here: %s"), path);
  sse_hub_routes_refuse (self, message, peer, SSE_HUB_REFUSAL_NOT_FOUND, error);
}
