/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <ifaddrs.h>
#include <libsoup/soup.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sse-hub-client-private.h"
#include "sse-hub-rate-limiter.h"
#include "sse-hub-server.h"
#include "sse-hub-web-resources.h"
#include "sse-hub-wire.h"

/* Large enough that a room of browsers connecting at once is not dropped
 * into SYN retransmits (GSocket's default is 10); the kernel caps it. */
#define SERVER_NAME            "sse-hub/" PACKAGE_VERSION
#define LISTEN_BACKLOG         4096
/* A request must arrive whole within this time: a peer that trickles its
 * headers (slowloris) would otherwise hold a connection forever. */
#define DEFAULT_REQUEST_TIMEOUT_SECONDS 10
#define REQUEST_TIMEOUT_KEY    "sse-hub-request-timeout"
#define WEB_RESOURCE_PREFIX    "/com/example/SseHub/web"
#define PAGE_SECURITY_POLICY \
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " \
  "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

struct _SseHubServer
{
  GObject            parent_instance;

  /* owned */
  SseHubPersonStore *store;
  GListStore        *clients;      /* SseHubClient, in connection order */
  SseHubEventLog    *log;
  SoupServer        *soup;         /* NULL while stopped */
  GHashTable        *streams;      /* set of SseHubClient (ref): fast to walk for broadcasts */
  SseHubRateLimiter *rate_limiter; /* per remote address */
  GBytes            *persons_frame; /* the list frame for persons_frame_revision */
  char              *bind_address;

  guint64            persons_frame_revision;
  guint64            next_client_id;
  guint              bound_port;
  guint              keepalive_source;
  int                hangup_fd;     /* epoll set of the streams' sockets; -1 while stopped */
  guint              hangup_source;
  guint              clients_event_source;

  /* settings */
  guint              port;
  guint              keepalive_interval;
  guint              max_clients;
  guint              queue_cap;
  guint              retry_ms;
  guint              request_timeout;
  gboolean           allow_audience_writes;
  gboolean           trust_local;
};

G_DEFINE_FINAL_TYPE (SseHubServer, sse_hub_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_PORT,
  PROP_BIND_ADDRESS,
  PROP_RUNNING,
  PROP_KEEPALIVE_INTERVAL,
  PROP_MAX_CLIENTS,
  PROP_QUEUE_CAP,
  PROP_RETRY_MS,
  PROP_ALLOW_AUDIENCE_WRITES,
  PROP_RATE_LIMIT,
  PROP_TRUST_LOCAL,
  PROP_REQUEST_TIMEOUT,
  PROP_N_CLIENTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void restart_if_running (SseHubServer *self);

/* ------------------------------------------------------------------------ */
/* Peers                                                                    */

static GInetAddress *
normalized_address (GSocketAddress *address)
{
  GInetAddress *inet;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;

  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));

  /* A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d. */
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    {
      const guint8 *bytes = g_inet_address_to_bytes (inet);
      static const guint8 mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

      if (memcmp (bytes, mapped_prefix, sizeof mapped_prefix) == 0)
        return g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);
    }

  return g_object_ref (inet);
}

/* The peer's address as people read it: 192.168.1.5, not ::ffff:192.168.1.5. */
static char *
dup_remote_host (SoupServerMessage *message)
{
  g_autoptr(GInetAddress) address = normalized_address (soup_server_message_get_remote_address (message));

  if (address == NULL)
    return g_strdup (soup_server_message_get_remote_host (message));

  return g_inet_address_to_string (address);
}

/* ------------------------------------------------------------------------ */
/* Sending                                                                  */

static void
log_frame (SseHubServer  *self,
           SseHubLogKind  kind,
           const char    *event_name,
           guint          recipients,
           GBytes        *frame)
{
  gsize size;
  const char *data = g_bytes_get_data (frame, &size);
  g_autofree char *text = g_strndup (data, size);

  sse_hub_event_log_append (self->log, kind, event_name, recipients, size, text);
}

static void
shut_down_socket (SoupServerMessage *message)
{
  GSocket *socket = soup_server_message_get_socket (message);

  /* Reading then fails and libsoup finishes the message. */
  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

static void
schedule_clients_event (SseHubServer *self);

/* Takes a client off the books and closes its connection. */
static void
forget_client (SseHubServer *self,
               SseHubClient *client)
{
  guint position;
  int fd;

  /* Stealing keeps the table's reference alive until the end. */
  if (!g_hash_table_steal (self->streams, client))
    return;

  g_signal_handlers_disconnect_by_data (client, self);
  /* Before the close: afterwards the descriptor may belong to a newcomer. */
  fd = sse_hub_client_get_fd (client);
  if (fd >= 0)
    epoll_ctl (self->hangup_fd, EPOLL_CTL_DEL, fd, NULL);
  sse_hub_client_close (client);

  if (g_list_store_find (self->clients, client, &position))
    g_list_store_remove (self->clients, position);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CLIENTS]);
  schedule_clients_event (self);
  g_object_unref (client);
}

static void
drop_slow_client (SseHubServer *self,
                  SseHubClient *client)
{
  g_autofree char *text = NULL;

  text = g_strdup_printf ("dropped client %" G_GUINT64_FORMAT " (%s): %" G_GUINT64_FORMAT
                          " bytes queued, cap %u",
                          sse_hub_client_get_id (client),
                          sse_hub_client_get_remote_address (client),
                          sse_hub_client_get_bytes_queued (client), self->queue_cap);
  sse_hub_event_log_append (self->log, SSE_HUB_LOG_REFUSAL, "dropped", 1, 0, text);

  forget_client (self, client);
}

/* Queues the frame for every client.  Clients that fell too far behind
 * or went away are dealt with after the walk, which must not change the
 * table it walks. */
static guint
broadcast (SseHubServer  *self,
           SseHubLogKind  kind,
           const char    *event_name,
           GBytes        *frame)
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

      switch (sse_hub_client_queue (client, frame, self->queue_cap))
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
    forget_client (self, g_ptr_array_index (gone, i));

  log_frame (self, kind, event_name, recipients, frame);

  return recipients;
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

/* The list frame is formatted once per revision and shared by every
 * connecting client until the next change. */
static GBytes *
get_persons_frame (SseHubServer *self)
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

static void
on_store_revision (SseHubServer *self)
{
  if (self->soup == NULL)
    return;

  broadcast (self, SSE_HUB_LOG_PERSONS, "message", get_persons_frame (self));
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

  self->clients_event_source = 0;

  json = clients_json (self);
  sse_hub_server_publish (self, SSE_HUB_LOG_CLIENTS, "client", NULL, json);

  return G_SOURCE_REMOVE;
}

/* Membership changes are coalesced: one client event per window, and the
 * window grows with the square of the audience because every event carries
 * the whole list to everyone (n ids × n clients). */
static void
schedule_clients_event (SseHubServer *self)
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
  g_autoptr(GBytes) frame = sse_hub_format_comment ("keep-alive");

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
      forget_client (self, events[i].data.ptr);

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
reset_keepalive (SseHubServer *self)
{
  g_clear_handle_id (&self->keepalive_source, g_source_remove);

  if (self->soup != NULL)
    self->keepalive_source = g_timeout_add_seconds (self->keepalive_interval, keepalive_cb, self);
}

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

static void
set_cors_headers (SoupServerMessage *message)
{
  replace_headers (message, sse_hub_cors_headers ());
}

static void
respond_json (SoupServerMessage *message,
              guint              status,
              const char        *json)
{
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "application/json; charset=utf-8",
                                    SOUP_MEMORY_COPY, json, strlen (json));
}

static void
log_request (SseHubServer      *self,
             SseHubLogKind      kind,
             SoupServerMessage *message,
             guint              status,
             const char        *detail)
{
  g_autofree char *text = NULL;
  g_autofree char *remote = dup_remote_host (message);

  text = g_strdup_printf ("%s %s %s → %u %s", remote,
                          soup_server_message_get_method (message),
                          g_uri_get_path (soup_server_message_get_uri (message)),
                          status, detail != NULL ? detail : "");
  sse_hub_event_log_append (self->log, kind, soup_server_message_get_method (message), 0,
                            strlen (text), text);
}

static void
respond_error (SseHubServer      *self,
               SoupServerMessage *message,
               const GError      *error)
{
  g_autofree char *json = sse_hub_error_to_json (error);
  guint status = sse_hub_error_http_status (error);

  respond_json (message, status, json);
  log_request (self, SSE_HUB_LOG_REFUSAL, message, status, json);
}

static void
respond_method_not_allowed (SseHubServer      *self,
                            SoupServerMessage *message,
                            const char        *allow)
{
  g_autoptr(GError) error = NULL;

  g_set_error (&error, SSE_HUB_ERROR, SSE_HUB_ERROR_METHOD_NOT_ALLOWED,
               _("Method %s is not allowed here; use %s"),
               soup_server_message_get_method (message), allow);
  soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                "Allow", allow);
  respond_error (self, message, error);
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
             SoupServerMessage *message)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  guint retry_ms = jittered_retry (SSE_HUB_FULL_RETRY_MS);
  g_autoptr(GBytes) retry = sse_hub_format_retry (retry_ms);
  g_autoptr(GBytes) frame = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *data = NULL;
  g_autofree char *text = NULL;

  data = sse_hub_full_json (retry_ms);
  frame = sse_hub_format_frame ("full", NULL, data);
  g_string_append_len (body, g_bytes_get_data (retry, NULL), g_bytes_get_size (retry));
  g_string_append_len (body, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));

  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (headers, "Cache-Control", SSE_HUB_STREAM_CACHE_CONTROL);
  soup_server_message_set_response (message, SSE_HUB_STREAM_CONTENT_TYPE,
                                    SOUP_MEMORY_COPY, body->str, body->len);

  text = g_strdup_printf ("hub full (%u clients)", self->max_clients);
  log_request (self, SSE_HUB_LOG_REFUSAL, message, SOUP_STATUS_OK, text);
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

static void
on_client_gone (SseHubClient *client,
                SseHubServer *self)
{
  forget_client (self, client);
}

static void
handle_connect (SseHubServer      *self,
                SoupServerMessage *message,
                GHashTable        *query)
{
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (message);
  g_autoptr(SseHubClient) client = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GBytes) retry = NULL;
  g_autoptr(GBytes) hello = NULL;
  g_autoptr(GBytes) opening = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *user_agent = NULL;
  g_autofree char *last_event_id = NULL;
  g_autofree char *hello_data = NULL;
  g_autofree char *revision = NULL;
  GString *greeting;
  guint retry_ms;

  if (g_hash_table_size (self->streams) >= self->max_clients)
    {
      refuse_full (self, message);
      return;
    }

  /* Everything needed from the message is read first: stealing the
   * connection may free it. */
  remote = dup_remote_host (message);
  user_agent = g_strdup (soup_message_headers_get_one (request_headers, "User-Agent"));
  last_event_id = requested_last_event_id (message, query);
  socket = g_object_ref (soup_server_message_get_socket (message));
  stream = soup_server_message_steal_connection (message);
  if (stream == NULL)
    return;

  client = sse_hub_client_new (++self->next_client_id, remote, user_agent, stream, socket);
  g_signal_connect_object (client, "gone", G_CALLBACK (on_client_gone), self, 0);
  g_hash_table_add (self->streams, g_object_ref (client));
  watch_hangup (self, client);
  g_list_store_append (self->clients, client);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CLIENTS]);

  retry_ms = jittered_retry (self->retry_ms);
  retry = sse_hub_format_retry (retry_ms);
  hello_data = sse_hub_hello_json (sse_hub_client_get_id (client), self->allow_audience_writes,
                                   retry_ms);
  hello = sse_hub_format_frame ("hello", NULL, hello_data);

  greeting = g_string_new (NULL);
  g_string_append_len (greeting, g_bytes_get_data (retry, NULL), g_bytes_get_size (retry));
  g_string_append_len (greeting, g_bytes_get_data (hello, NULL), g_bytes_get_size (hello));
  g_clear_pointer (&hello, g_bytes_unref);
  hello = g_string_free_to_bytes (greeting);
  log_frame (self, SSE_HUB_LOG_HELLO, "hello", 1, hello);

  /* Head and greeting leave in one write. */
  greeting = g_string_new (NULL);
  sse_hub_append_stream_head (greeting, SERVER_NAME);
  g_string_append_len (greeting, g_bytes_get_data (hello, NULL), g_bytes_get_size (hello));
  opening = g_string_free_to_bytes (greeting);

  if (sse_hub_client_queue (client, opening, self->queue_cap) != SSE_HUB_CLIENT_QUEUED)
    {
      forget_client (self, client);
      return;
    }

  revision = g_strdup_printf ("%" G_GUINT64_FORMAT, sse_hub_person_store_get_revision (self->store));
  if (g_strcmp0 (last_event_id, revision) != 0 &&
      sse_hub_client_queue (client, get_persons_frame (self), self->queue_cap) != SSE_HUB_CLIENT_QUEUED)
    {
      forget_client (self, client);
      return;
    }

  schedule_clients_event (self);
}

/* ------------------------------------------------------------------------ */
/* POST /addPerson                                                          */

/* The presenter's own machine: loopback, or a peer whose address is the
 * address it reached us on. */
static gboolean
is_local_request (SoupServerMessage *message)
{
  g_autoptr(GInetAddress) remote = normalized_address (soup_server_message_get_remote_address (message));
  g_autoptr(GInetAddress) local = normalized_address (soup_server_message_get_local_address (message));

  if (remote == NULL)
    return FALSE;

  return g_inet_address_get_is_loopback (remote) ||
         (local != NULL && g_inet_address_equal (remote, local));
}

static void
handle_add_person (SseHubServer      *self,
                   SoupServerMessage *message)
{
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SseHubPerson) person = NULL;
  g_autofree char *name = NULL;
  g_autofree char *json = NULL;
  g_autofree char *remote = dup_remote_host (message);
  gboolean presenter;
  gint64 age = 0;

  presenter = self->trust_local && is_local_request (message);

  if (!presenter && !self->allow_audience_writes)
    g_set_error_literal (&error, SSE_HUB_ERROR, SSE_HUB_ERROR_WRITES_DISABLED,
                         _("The presenter has turned off adding persons"));
  else if (!presenter && !sse_hub_rate_limiter_take (self->rate_limiter, remote))
    g_set_error_literal (&error, SSE_HUB_ERROR, SSE_HUB_ERROR_RATE_LIMITED,
                         _("Too many persons from this computer; wait a little"));

  if (error == NULL)
    {
      gsize length;
      const char *data;

      bytes = soup_message_body_flatten (body);
      data = g_bytes_get_data (bytes, &length);
      sse_hub_parse_person_body (soup_message_headers_get_content_type (headers, NULL),
                                 data, length, &name, &age, &error);
    }

  if (error == NULL)
    person = sse_hub_person_store_add (self->store, name, age, &error);

  if (error != NULL)
    {
      if (g_error_matches (error, SSE_HUB_ERROR, SSE_HUB_ERROR_RATE_LIMITED))
        {
          g_autofree char *seconds = g_strdup_printf ("%u",
                                                      sse_hub_rate_limiter_retry_after (self->rate_limiter,
                                                                                        remote));

          soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                        "Retry-After", seconds);
        }
      respond_error (self, message, error);
      return;
    }

  json = sse_hub_person_json (sse_hub_person_get_name (person), sse_hub_person_get_age (person));
  respond_json (message, SOUP_STATUS_OK, json);
  log_request (self, SSE_HUB_LOG_REQUEST, message, SOUP_STATUS_OK, json);
}

/* Runs once the headers are in, before libsoup reads the body: a request
 * that will be refused for its size is refused without reading it. */
static void
early_handler (SoupServer        *server,
               SoupServerMessage *message,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  SseHubServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  g_autoptr(GError) error = NULL;
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  const char *transfer_encoding = soup_message_headers_get_list (headers, "Transfer-Encoding");

  if (soup_server_message_get_method (message) != SOUP_METHOD_POST)
    return;

  if (transfer_encoding != NULL &&
      soup_message_headers_get_one (headers, "Content-Length") != NULL)
    g_set_error_literal (&error, SSE_HUB_ERROR, SSE_HUB_ERROR_BAD_REQUEST,
                         _("A request must not have both Content-Length and Transfer-Encoding"));
  else if (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
           soup_message_headers_get_content_length (headers) > SSE_HUB_BODY_MAX_BYTES)
    g_set_error (&error, SSE_HUB_ERROR, SSE_HUB_ERROR_TOO_LARGE,
                 _("Body must be at most %d bytes"), SSE_HUB_BODY_MAX_BYTES);
  else if (encoding == SOUP_ENCODING_CHUNKED || encoding == SOUP_ENCODING_EOF)
    g_set_error_literal (&error, SSE_HUB_ERROR, SSE_HUB_ERROR_LENGTH_REQUIRED,
                         _("Send the body with a Content-Length"));

  if (error == NULL)
    return;

  set_cors_headers (message);
  /* The unread body is still on the wire, so this connection cannot carry
   * another request. */
  soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                "Connection", "close");
  respond_error (self, message, error);
}

/* ------------------------------------------------------------------------ */
/* Everything else                                                          */

static const char *
content_type_for (const char *path)
{
  static const struct { const char *suffix; const char *type; } types[] = {
    { ".html", "text/html; charset=utf-8" },
    { ".js",   "text/javascript; charset=utf-8" },
    { ".css",  "text/css; charset=utf-8" },
    { ".svg",  "image/svg+xml" },
    { ".png",  "image/png" },
    { ".ico",  "image/x-icon" },
    { ".json", "application/json; charset=utf-8" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_has_suffix (path, types[i].suffix))
      return types[i].type;

  return "application/octet-stream";
}

static gboolean
serve_resource (SoupServerMessage *message,
                const char        *path)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  g_autofree char *resource_path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize size;
  const char *data;

  if (g_str_equal (path, "/"))
    path = "/index.html";

  /* Resource lookups are exact matches, but refuse dot segments anyway so
   * that no path ever names something outside the web folder. */
  if (strstr (path, "/.") != NULL || strstr (path, "//") != NULL)
    return FALSE;

  resource_path = g_strconcat (WEB_RESOURCE_PREFIX, path, NULL);
  bytes = g_resource_lookup_data (sse_hub_web_get_resource (), resource_path,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL)
    return FALSE;

  data = g_bytes_get_data (bytes, &size);
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (headers, "Content-Security-Policy", PAGE_SECURITY_POLICY);
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  soup_server_message_set_response (message, content_type_for (path), SOUP_MEMORY_COPY,
                                    data, size);
  return TRUE;
}

static void
handle_preflight (SoupServerMessage *message)
{
  soup_server_message_set_status (message, SOUP_STATUS_NO_CONTENT, NULL);
  replace_headers (message, sse_hub_preflight_headers ());
}

static void
server_handler (SoupServer        *server,
                SoupServerMessage *message,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  SseHubServer *self = user_data;
  const char *method = soup_server_message_get_method (message);
  gboolean is_get = method == SOUP_METHOD_GET || method == SOUP_METHOD_HEAD;

  set_cors_headers (message);
  /* libsoup 3.2 leaks the socket of a kept-alive connection that the peer
   * closes while idle (fixed in 3.3): one descriptor per browser POST over
   * a lesson.  Closing after every response means no connection is ever
   * idle; an event stream holds its connection to the end anyway. */
  soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                "Connection", "close");

  if (method == SOUP_METHOD_OPTIONS)
    handle_preflight (message);
  else if (g_str_equal (path, "/connect"))
    {
      if (method == SOUP_METHOD_GET)
        handle_connect (self, message, query);
      else
        respond_method_not_allowed (self, message, "GET, OPTIONS");
    }
  else if (g_str_equal (path, "/addPerson"))
    {
      if (method == SOUP_METHOD_POST)
        handle_add_person (self, message);
      else
        respond_method_not_allowed (self, message, "POST, OPTIONS");
    }
  else if (is_get && serve_resource (message, path))
    ;
  else
    {
      g_autoptr(GError) error = NULL;

      g_set_error (&error, SSE_HUB_ERROR, SSE_HUB_ERROR_NOT_FOUND,
                   _("Nothing here: %s"), path);
      respond_error (self, message, error);
    }
}

/* ------------------------------------------------------------------------ */
/* Request deadline                                                         */

typedef struct
{
  SseHubServer      *self;
  SoupServerMessage *message;
} PendingRequest;

static gboolean
request_timeout_cb (gpointer data)
{
  PendingRequest *pending = data;
  g_autofree char *text = NULL;
  g_autofree char *remote = dup_remote_host (pending->message);

  /* Forget the source first: the message's data must not remove it again. */
  g_object_steal_data (G_OBJECT (pending->message), REQUEST_TIMEOUT_KEY);

  text = g_strdup_printf ("%s: request not complete after %u s, connection closed",
                          remote,
                          pending->self->request_timeout);
  sse_hub_event_log_append (pending->self->log, SSE_HUB_LOG_REFUSAL, "timeout", 0, 0, text);
  shut_down_socket (pending->message);

  return G_SOURCE_REMOVE;
}

static void
remove_source (gpointer data)
{
  g_source_remove (GPOINTER_TO_UINT (data));
}

static void
on_request_started (SoupServer        *soup,
                    SoupServerMessage *message,
                    SseHubServer      *self)
{
  PendingRequest *pending = g_new (PendingRequest, 1);
  guint source;

  /* The message owns the source: whichever ends first, nothing dangles. */
  pending->self = self;
  pending->message = message;
  source = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, self->request_timeout,
                                       request_timeout_cb, pending, g_free);
  g_object_set_data_full (G_OBJECT (message), REQUEST_TIMEOUT_KEY,
                          GUINT_TO_POINTER (source), remove_source);
}

static void
on_request_read (SoupServer        *soup,
                 SoupServerMessage *message,
                 SseHubServer      *self)
{
  g_object_set_data (G_OBJECT (message), REQUEST_TIMEOUT_KEY, NULL);
}

/* ------------------------------------------------------------------------ */
/* Listening                                                                */

static GSocket *
listen_on (GInetAddress  *address,
           guint          port,
           GError       **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;

  socket = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return NULL;

  /* The wildcard IPv6 socket also takes IPv4 peers (dual stack). */
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6 &&
      g_inet_address_get_is_any (address) &&
      !g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, 0, error))
    return NULL;

  socket_address = g_inet_socket_address_new (address, port);
  if (!g_socket_bind (socket, socket_address, TRUE, error))
    return NULL;

  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_listen (socket, error))
    return NULL;

  return g_steal_pointer (&socket);
}

static GSocket *
create_listen_socket (const char  *bind_address,
                      guint        port,
                      GError     **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GError) local_error = NULL;
  GSocket *socket;

  if (bind_address == NULL || *bind_address == '\0')
    {
      address = g_inet_address_new_any (G_SOCKET_FAMILY_IPV6);
      socket = listen_on (address, port, &local_error);
      if (socket != NULL)
        return socket;

      /* No IPv6 on this machine: fall back to every IPv4 interface. */
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED) &&
          !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_FAILED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_clear_object (&address);
      address = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
    }
  else if (g_str_equal (bind_address, "localhost"))
    address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    address = g_inet_address_new_from_string (bind_address);

  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IP address"), bind_address);
      return NULL;
    }

  return listen_on (address, port, error);
}

gboolean
sse_hub_server_start (SseHubServer  *self,
                      GError       **error)
{
  g_autoptr(SoupServer) soup = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), FALSE);

  if (self->soup != NULL)
    return TRUE;

  socket = create_listen_socket (self->bind_address, self->port, &local_error);
  if (socket == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                     _("Port %u is already in use by another program"), self->port);
      else
        g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                    _("Cannot listen on port %u: "), self->port);
      return FALSE;
    }

  /* The trailing space makes libsoup append its own product token. */
  soup = soup_server_new ("server-header", SERVER_NAME " ", NULL);
  /* Same path as the main handler: libsoup keeps one handler per path, so an
   * early handler on "/addPerson" alone would leave it without a main one. */
  soup_server_add_early_handler (soup, NULL, early_handler, self, NULL);
  soup_server_add_handler (soup, NULL, server_handler, self, NULL);
  g_signal_connect_object (soup, "request-started", G_CALLBACK (on_request_started), self, 0);
  g_signal_connect_object (soup, "request-read", G_CALLBACK (on_request_read), self, 0);

  if (!soup_server_listen_socket (soup, socket, 0, error))
    return FALSE;

  self->hangup_fd = epoll_create1 (EPOLL_CLOEXEC);
  if (self->hangup_fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *prefix = g_strdup_printf (_("Cannot listen on port %u: "), self->port);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s%s",
                   prefix, g_strerror (saved_errno));
      return FALSE;
    }
  self->hangup_source = g_unix_fd_add (self->hangup_fd, G_IO_IN, hangups_cb, self);

  local = g_socket_get_local_address (socket, NULL);
  self->bound_port = local != NULL ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)) : 0;
  self->soup = g_steal_pointer (&soup);

  reset_keepalive (self);

  text = g_strdup_printf ("listening on port %u", self->bound_port);
  sse_hub_event_log_append (self->log, SSE_HUB_LOG_NOTICE, "start", 0, 0, text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  return TRUE;
}

void
sse_hub_server_stop (SseHubServer *self)
{
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (SSE_HUB_IS_SERVER (self));

  if (self->soup == NULL)
    return;

  g_clear_handle_id (&self->keepalive_source, g_source_remove);
  g_clear_handle_id (&self->hangup_source, g_source_remove);
  g_clear_handle_id (&self->clients_event_source, g_source_remove);

  /* Closing a stream ends it: browsers come back after their retry. */
  g_hash_table_iter_init (&iter, self->streams);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_signal_handlers_disconnect_by_data (key, self);
      sse_hub_client_close (key);
    }
  g_hash_table_remove_all (self->streams);
  g_list_store_remove_all (self->clients);
  close (self->hangup_fd);
  self->hangup_fd = -1;

  /* Requests still arriving on open connections must not reach a hub that
   * may be gone by then. */
  soup_server_remove_handler (self->soup, NULL);
  g_signal_handlers_disconnect_by_data (self->soup, self);
  soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  self->bound_port = 0;

  sse_hub_event_log_append (self->log, SSE_HUB_LOG_NOTICE, "stop", 0, 0, "stopped");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CLIENTS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
restart_if_running (SseHubServer *self)
{
  g_autoptr(GError) error = NULL;

  if (self->soup == NULL)
    return;

  sse_hub_server_stop (self);
  if (!sse_hub_server_start (self, &error))
    g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
}

/* ------------------------------------------------------------------------ */
/* Join addresses                                                           */

static int
address_rank (GInetAddress *address)
{
  const guint8 *bytes = g_inet_address_to_bytes (address);

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    {
      /* Classrooms are on private IPv4 networks; home routers on 192.168. */
      if (bytes[0] == 192 && bytes[1] == 168)
        return 0;
      if (bytes[0] == 10)
        return 1;
      if (bytes[0] == 172 && (bytes[1] & 0xf0) == 16)
        return 2;
      return 3;
    }

  return 4;
}

static gint
compare_rank (gconstpointer a,
              gconstpointer b)
{
  GInetAddress *address_a = *(GInetAddress **) a;
  GInetAddress *address_b = *(GInetAddress **) b;

  return address_rank (address_a) - address_rank (address_b);
}

static char *
url_for (GInetAddress *address,
         guint         port)
{
  g_autofree char *text = g_inet_address_to_string (address);

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("http://[%s]:%u/", text, port);

  return g_strdup_printf ("http://%s:%u/", text, port);
}

static gboolean
is_reachable_interface_address (GInetAddress *address)
{
  return !g_inet_address_get_is_loopback (address) &&
         !g_inet_address_get_is_link_local (address) &&
         !g_inet_address_get_is_multicast (address) &&
         !g_inet_address_get_is_any (address);
}

GStrv
sse_hub_server_dup_urls (SseHubServer *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GInetAddress) bound = NULL;
  gboolean wildcard;
  gboolean ipv4_only = FALSE;
  struct ifaddrs *ifaddrs = NULL;

  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), NULL);

  if (self->soup == NULL)
    return g_strv_builder_end (builder);

  wildcard = self->bind_address == NULL || *self->bind_address == '\0';
  if (!wildcard)
    {
      bound = g_str_equal (self->bind_address, "localhost")
                ? g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4)
                : g_inet_address_new_from_string (self->bind_address);
      if (bound != NULL && g_inet_address_get_is_any (bound))
        {
          wildcard = TRUE;
          ipv4_only = g_inet_address_get_family (bound) == G_SOCKET_FAMILY_IPV4;
        }
    }

  if (!wildcard)
    {
      if (bound != NULL)
        g_ptr_array_add (addresses, g_object_ref (bound));
    }
  else if (getifaddrs (&ifaddrs) == 0)
    {
      for (struct ifaddrs *ifa = ifaddrs; ifa != NULL; ifa = ifa->ifa_next)
        {
          g_autoptr(GSocketAddress) socket_address = NULL;
          GInetAddress *address;

          if (ifa->ifa_addr == NULL ||
              (ifa->ifa_addr->sa_family != AF_INET && ifa->ifa_addr->sa_family != AF_INET6) ||
              (ipv4_only && ifa->ifa_addr->sa_family != AF_INET))
            continue;

          socket_address = g_socket_address_new_from_native (ifa->ifa_addr,
                                                             ifa->ifa_addr->sa_family == AF_INET
                                                               ? sizeof (struct sockaddr_in)
                                                               : sizeof (struct sockaddr_in6));
          if (socket_address == NULL)
            continue;

          address = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (socket_address));
          if (is_reachable_interface_address (address))
            g_ptr_array_add (addresses, g_object_ref (address));
        }
      freeifaddrs (ifaddrs);

      /* Without a network only this computer can join. */
      if (addresses->len == 0)
        g_ptr_array_add (addresses, g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4));
    }

  g_ptr_array_sort (addresses, compare_rank);
  for (guint i = 0; i < addresses->len; i++)
    {
      g_autofree char *url = url_for (g_ptr_array_index (addresses, i), self->bound_port);

      g_strv_builder_add (builder, url);
    }

  return g_strv_builder_end (builder);
}

/* ------------------------------------------------------------------------ */
/* Object                                                                   */

SseHubPerson *
sse_hub_server_add_person (SseHubServer  *self,
                           const char    *name,
                           gint64         age,
                           GError       **error)
{
  SseHubPerson *person;
  g_autofree char *json = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), NULL);

  person = sse_hub_person_store_add (self->store, name, age, error);
  if (person == NULL)
    return NULL;

  json = sse_hub_person_json (sse_hub_person_get_name (person), sse_hub_person_get_age (person));
  text = g_strdup_printf ("presenter added %s", json);
  sse_hub_event_log_append (self->log, SSE_HUB_LOG_REQUEST, "add", 0, strlen (text), text);

  return person;
}

gboolean
sse_hub_server_get_running (SseHubServer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), FALSE);
  return self->soup != NULL;
}

guint
sse_hub_server_get_bound_port (SseHubServer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), 0);
  return self->bound_port;
}

SseHubPersonStore *
sse_hub_server_get_store (SseHubServer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), NULL);
  return self->store;
}

GListModel *
sse_hub_server_get_clients (SseHubServer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), NULL);
  return G_LIST_MODEL (self->clients);
}

SseHubEventLog *
sse_hub_server_get_log (SseHubServer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), NULL);
  return self->log;
}

guint
sse_hub_server_get_port (SseHubServer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), 0);
  return self->port;
}

void
sse_hub_server_set_port (SseHubServer *self,
                         guint         port)
{
  g_return_if_fail (SSE_HUB_IS_SERVER (self));
  g_return_if_fail (port <= 65535);

  if (self->port == port)
    return;

  self->port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
  restart_if_running (self);
}

const char *
sse_hub_server_get_bind_address (SseHubServer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), NULL);
  return self->bind_address;
}

void
sse_hub_server_set_bind_address (SseHubServer *self,
                                 const char   *bind_address)
{
  g_return_if_fail (SSE_HUB_IS_SERVER (self));

  if (g_strcmp0 (self->bind_address, bind_address) == 0)
    return;

  g_free (self->bind_address);
  self->bind_address = g_strdup (bind_address);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BIND_ADDRESS]);
  restart_if_running (self);
}

static void
set_allow_audience_writes (SseHubServer *self,
                           gboolean      allow)
{
  allow = !!allow;
  if (self->allow_audience_writes == allow)
    return;

  self->allow_audience_writes = allow;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_AUDIENCE_WRITES]);

  /* Open pages show or hide their form at once. */
  if (self->soup != NULL)
    sse_hub_server_publish (self, SSE_HUB_LOG_NOTICE, "config", NULL,
                            sse_hub_config_json (allow));
}

static void
sse_hub_server_dispose (GObject *object)
{
  SseHubServer *self = SSE_HUB_SERVER (object);

  sse_hub_server_stop (self);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);

  G_OBJECT_CLASS (sse_hub_server_parent_class)->dispose (object);
}

static void
sse_hub_server_finalize (GObject *object)
{
  SseHubServer *self = SSE_HUB_SERVER (object);

  g_clear_object (&self->store);
  g_clear_object (&self->clients);
  g_clear_object (&self->log);
  g_clear_pointer (&self->streams, g_hash_table_unref);
  g_clear_pointer (&self->rate_limiter, sse_hub_rate_limiter_free);
  g_clear_pointer (&self->persons_frame, g_bytes_unref);
  g_clear_pointer (&self->bind_address, g_free);

  G_OBJECT_CLASS (sse_hub_server_parent_class)->finalize (object);
}

static void
sse_hub_server_constructed (GObject *object)
{
  SseHubServer *self = SSE_HUB_SERVER (object);

  G_OBJECT_CLASS (sse_hub_server_parent_class)->constructed (object);

  if (self->store == NULL)
    self->store = sse_hub_person_store_new (NULL);

  g_signal_connect_swapped (self->store, "notify::revision", G_CALLBACK (on_store_revision), self);
}

static void
sse_hub_server_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SseHubServer *self = SSE_HUB_SERVER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_BIND_ADDRESS:
      g_value_set_string (value, self->bind_address);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->soup != NULL);
      break;
    case PROP_KEEPALIVE_INTERVAL:
      g_value_set_uint (value, self->keepalive_interval);
      break;
    case PROP_MAX_CLIENTS:
      g_value_set_uint (value, self->max_clients);
      break;
    case PROP_QUEUE_CAP:
      g_value_set_uint (value, self->queue_cap);
      break;
    case PROP_RETRY_MS:
      g_value_set_uint (value, self->retry_ms);
      break;
    case PROP_ALLOW_AUDIENCE_WRITES:
      g_value_set_boolean (value, self->allow_audience_writes);
      break;
    case PROP_RATE_LIMIT:
      g_value_set_uint (value, sse_hub_rate_limiter_get_rate (self->rate_limiter));
      break;
    case PROP_TRUST_LOCAL:
      g_value_set_boolean (value, self->trust_local);
      break;
    case PROP_REQUEST_TIMEOUT:
      g_value_set_uint (value, self->request_timeout);
      break;
    case PROP_N_CLIENTS:
      g_value_set_uint (value, g_hash_table_size (self->streams));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Plain settings that take effect on the next event; only a new interval
 * needs its timer re-armed. */
static void
set_uint_setting (SseHubServer *self,
                  guint        *field,
                  guint         value,
                  guint         prop_id)
{
  if (*field == value)
    return;

  *field = value;
  if (prop_id == PROP_KEEPALIVE_INTERVAL)
    reset_keepalive (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
sse_hub_server_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SseHubServer *self = SSE_HUB_SERVER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_PORT:
      sse_hub_server_set_port (self, g_value_get_uint (value));
      break;
    case PROP_BIND_ADDRESS:
      sse_hub_server_set_bind_address (self, g_value_get_string (value));
      break;
    case PROP_KEEPALIVE_INTERVAL:
      set_uint_setting (self, &self->keepalive_interval, g_value_get_uint (value), prop_id);
      break;
    case PROP_MAX_CLIENTS:
      set_uint_setting (self, &self->max_clients, g_value_get_uint (value), prop_id);
      break;
    case PROP_QUEUE_CAP:
      set_uint_setting (self, &self->queue_cap, g_value_get_uint (value), prop_id);
      break;
    case PROP_RETRY_MS:
      set_uint_setting (self, &self->retry_ms, g_value_get_uint (value), prop_id);
      break;
    case PROP_RATE_LIMIT:
      if (sse_hub_rate_limiter_get_rate (self->rate_limiter) != g_value_get_uint (value))
        {
          sse_hub_rate_limiter_set_rate (self->rate_limiter, g_value_get_uint (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_REQUEST_TIMEOUT:
      set_uint_setting (self, &self->request_timeout, g_value_get_uint (value), prop_id);
      break;
    case PROP_ALLOW_AUDIENCE_WRITES:
      set_allow_audience_writes (self, g_value_get_boolean (value));
      break;
    case PROP_TRUST_LOCAL:
      if (self->trust_local != g_value_get_boolean (value))
        {
          self->trust_local = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sse_hub_server_class_init (SseHubServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = sse_hub_server_constructed;
  object_class->dispose = sse_hub_server_dispose;
  object_class->finalize = sse_hub_server_finalize;
  object_class->get_property = sse_hub_server_get_property;
  object_class->set_property = sse_hub_server_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SSE_HUB_TYPE_PERSON_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, 65535, SSE_HUB_DEFAULT_PORT, rw);
  properties[PROP_BIND_ADDRESS] =
    g_param_spec_string ("bind-address", NULL, NULL, NULL, rw);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEEPALIVE_INTERVAL] =
    g_param_spec_uint ("keepalive-interval", NULL, NULL, 1, 3600,
                       SSE_HUB_DEFAULT_KEEPALIVE_SECONDS, rw);
  properties[PROP_MAX_CLIENTS] =
    g_param_spec_uint ("max-clients", NULL, NULL, 1, G_MAXUINT, SSE_HUB_DEFAULT_MAX_CLIENTS, rw);
  properties[PROP_QUEUE_CAP] =
    g_param_spec_uint ("queue-cap", NULL, NULL, 1024, G_MAXUINT, SSE_HUB_DEFAULT_QUEUE_CAP, rw);
  properties[PROP_RETRY_MS] =
    g_param_spec_uint ("retry-ms", NULL, NULL, 100, 600000, SSE_HUB_DEFAULT_RETRY_MS, rw);
  properties[PROP_ALLOW_AUDIENCE_WRITES] =
    g_param_spec_boolean ("allow-audience-writes", NULL, NULL, TRUE, rw);
  properties[PROP_RATE_LIMIT] =
    g_param_spec_uint ("rate-limit", NULL, NULL, 0, 100000, SSE_HUB_DEFAULT_RATE_LIMIT, rw);
  properties[PROP_TRUST_LOCAL] =
    g_param_spec_boolean ("trust-local", NULL, NULL, TRUE, rw);
  properties[PROP_REQUEST_TIMEOUT] =
    g_param_spec_uint ("request-timeout", NULL, NULL, 1, 3600,
                       DEFAULT_REQUEST_TIMEOUT_SECONDS, rw);
  properties[PROP_N_CLIENTS] =
    g_param_spec_uint ("n-clients", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
sse_hub_server_init (SseHubServer *self)
{
  self->clients = g_list_store_new (SSE_HUB_TYPE_CLIENT);
  self->log = sse_hub_event_log_new (SSE_HUB_EVENT_LOG_DEFAULT_MAX_ENTRIES);
  self->streams = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->rate_limiter = sse_hub_rate_limiter_new (SSE_HUB_DEFAULT_RATE_LIMIT);
  self->hangup_fd = -1;

  self->port = SSE_HUB_DEFAULT_PORT;
  self->keepalive_interval = SSE_HUB_DEFAULT_KEEPALIVE_SECONDS;
  self->max_clients = SSE_HUB_DEFAULT_MAX_CLIENTS;
  self->queue_cap = SSE_HUB_DEFAULT_QUEUE_CAP;
  self->retry_ms = SSE_HUB_DEFAULT_RETRY_MS;
  self->request_timeout = DEFAULT_REQUEST_TIMEOUT_SECONDS;
  self->allow_audience_writes = TRUE;
  self->trust_local = TRUE;
}

SseHubServer *
sse_hub_server_new (SseHubPersonStore *store)
{
  return g_object_new (SSE_HUB_TYPE_SERVER, "store", store, NULL);
}
