/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <glib/gstdio.h>
#include <ifaddrs.h>
#include <json-glib/json-glib.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "hub-test.h"

static GPtrArray *open_peers;

static void
test_frame_free (TestFrame *frame)
{
  g_free (frame->event);
  g_free (frame->id);
  g_free (frame->data);
  g_free (frame->comment);
  g_free (frame);
}

char *
test_make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("sse-hub-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

guint
test_read_hub_port (GSubprocess *hub)
{
  g_autoptr(GDataInputStream) lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (hub));
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  guint port = 0;

  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_cmpint (sscanf (line, "sse-hub: listening on port %u", &port), ==, 1);
  return port;
}

void
test_remove_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

TestHub *
test_hub_new (void)
{
  TestHub *hub = g_new0 (TestHub, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  hub->dir = test_make_temp_dir ();
  path = g_build_filename (hub->dir, "persons.jsonl", NULL);

  hub->store = sse_hub_person_store_new (path);
  g_assert_true (sse_hub_person_store_load (hub->store, &error));
  g_assert_no_error (error);

  hub->server = sse_hub_server_new (hub->store);
  g_object_set (hub->server, "port", 0, "bind-address", "127.0.0.1", NULL);
  g_assert_true (sse_hub_server_start (hub->server, &error));
  g_assert_no_error (error);
  hub->port = sse_hub_server_get_bound_port (hub->server);
  g_assert_cmpuint (hub->port, >, 0);

  return hub;
}

const char *
test_log_entry_read (SseHubLogEntry *entry)
{
  char *body = g_object_get_data (G_OBJECT (entry), "test-body");

  if (body == NULL)
    {
      body = sse_hub_log_entry_dup_body (entry, FALSE);
      g_object_set_data_full (G_OBJECT (entry), "test-body", body, g_free);
    }

  return body;
}

void
test_hub_add (TestHub    *hub,
              const char *name,
              gint64      age)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SseHubPerson) person = NULL;

  sse_hub_server_add_person_async (hub->server, name, age, NULL, test_keep_result, &result);
  person = sse_hub_server_add_person_finish (hub->server, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (person);
}

void
test_keep_result (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

GAsyncResult *
test_wait_result (GAsyncResult **slot)
{
  g_assert_true (test_pump_until (has_result, slot, 10000));
  return *slot;
}

void
test_hub_free (TestHub *hub)
{
  sse_hub_server_stop (hub->server);
  /* Let libsoup finish the ended streams before the objects go. */
  test_pump (50);
  g_assert_finalize_object (hub->server);
  g_assert_finalize_object (hub->store);
  test_remove_dir (hub->dir);
  g_free (hub->dir);
  g_free (hub);
}

static gboolean
on_head (gpointer    user_data,
         guint       status,
         const char *head,
         gsize       length)
{
  TestPeer *peer = user_data;

  peer->status = status;
  peer->body_start = length;
  return TRUE;
}

static void
on_body (gpointer    user_data,
         const char *bytes,
         gsize       length)
{
  g_string_append_len (((TestPeer *) user_data)->body, bytes, length);
}

static gboolean
on_frame (gpointer        user_data,
          const SseFrame *sse_frame)
{
  TestPeer *peer = user_data;
  TestFrame *frame = g_new0 (TestFrame, 1);

  frame->event = g_strdup (sse_frame->event);
  frame->id = g_strdup (sse_frame->id);
  frame->data = g_strdup (sse_frame->data);
  frame->comment = g_strdup (sse_frame->comment);
  frame->retry = sse_frame->retry;
  frame->received = g_get_monotonic_time ();
  g_ptr_array_add (peer->frames, frame);
  return TRUE;
}

static const SseReaderCallbacks peer_callbacks = {
  .on_head = on_head,
  .on_body = on_body,
  .on_frame = on_frame,
};

gsize
test_socket_drain (GSocket    *socket,
                   GByteArray *raw,
                   gboolean   *closed)
{
  guint8 buffer[16384];
  gsize added = 0;

  while (!*closed)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive (socket, (char *) buffer, sizeof buffer, NULL, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      if (n <= 0)
        *closed = TRUE;
      else
        {
          g_byte_array_append (raw, buffer, n);
          added += n;
        }
    }

  return added;
}

static gboolean
read_peer (TestPeer *peer)
{
  gboolean was_closed = peer->closed;
  guint start = peer->raw->len;
  gsize added;

  if (!peer->reading)
    return FALSE;
  added = test_socket_drain (peer->socket, peer->raw, &peer->closed);
  /* A response that is not an event stream still fills raw and body. */
  if (added > 0)
    sse_reader_feed (&peer->reader, (const char *) peer->raw->data + start, added);
  return added > 0 || peer->closed != was_closed;
}

gboolean
test_pump_until (TestCondition func,
                 gpointer      data,
                 guint         timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      gboolean progress = FALSE;

      if (func != NULL && func (data))
        return TRUE;
      if (g_get_monotonic_time () >= deadline)
        return func == NULL;

      while (g_main_context_iteration (NULL, FALSE))
        progress = TRUE;
      for (guint i = 0; open_peers != NULL && i < open_peers->len; i++)
        progress |= read_peer (g_ptr_array_index (open_peers, i));

      if (!progress)
        g_usleep (500);
    }
}

void
test_pump (guint ms)
{
  test_pump_until (NULL, NULL, ms);
}

GSocket *
test_socket_connect (const char *source,
                     guint       port,
                     int         receive_buffer)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GError) error = NULL;
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  if (source != NULL)
    {
      g_autoptr(GInetAddress) from = g_inet_address_new_from_string (source);
      g_autoptr(GSocketAddress) from_address = g_inet_socket_address_new (from, 0);

      g_assert_true (g_socket_bind (socket, from_address, FALSE, &error));
      g_assert_no_error (error);
    }
  /* Set before connecting, so the window is small from the handshake on. */
  if (receive_buffer > 0)
    setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_RCVBUF,
                &receive_buffer, sizeof receive_buffer);
  g_assert_true (g_socket_connect (socket, address, NULL, &error));
  g_assert_no_error (error);
  return socket;
}

/* source: the address to connect from, NULL for loopback. */
static TestPeer *
peer_connect_from (const char *source,
                   guint       port,
                   const char *request,
                   int         receive_buffer)
{
  TestPeer *peer = g_new0 (TestPeer, 1);
  g_autoptr(GError) error = NULL;

  peer->socket = test_socket_connect (source, port, receive_buffer);

  if (request != NULL)
    {
      gsize length = strlen (request);
      gsize sent = 0;

      while (sent < length)
        {
          gssize n = g_socket_send (peer->socket, request + sent, length - sent, NULL, &error);

          g_assert_no_error (error);
          sent += n;
        }
    }

  g_socket_set_blocking (peer->socket, FALSE);
  peer->raw = g_byte_array_new ();
  peer->body = g_string_new (NULL);
  peer->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) test_frame_free);
  peer->reading = TRUE;
  sse_reader_init (&peer->reader, &peer_callbacks, peer);

  if (open_peers == NULL)
    open_peers = g_ptr_array_new ();
  g_ptr_array_add (open_peers, peer);

  return peer;
}

static TestPeer *
peer_connect (guint       port,
              const char *request,
              int         receive_buffer)
{
  return peer_connect_from (NULL, port, request, receive_buffer);
}

char *
test_find_lan_address (void)
{
  struct ifaddrs *ifaddrs = NULL;
  char *found = NULL;

  if (getifaddrs (&ifaddrs) != 0)
    return NULL;

  for (struct ifaddrs *ifa = ifaddrs; ifa != NULL && found == NULL; ifa = ifa->ifa_next)
    {
      g_autoptr(GSocketAddress) address = NULL;
      GInetAddress *inet;

      if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != AF_INET)
        continue;
      address = g_socket_address_new_from_native (ifa->ifa_addr, sizeof (struct sockaddr_in));
      inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
      if (!g_inet_address_get_is_loopback (inet) && !g_inet_address_get_is_link_local (inet))
        found = g_inet_address_to_string (inet);
    }
  freeifaddrs (ifaddrs);

  return found;
}

TestPeer *
test_peer_connect (guint       port,
                   const char *request)
{
  return peer_connect (port, request, 0);
}

static char *
stream_request (guint       port,
                const char *user_agent,
                const char *extra_headers)
{
  return g_strdup_printf ("GET /connect HTTP/1.1\r\n"
                          "Host: 127.0.0.1:%u\r\n"
                          "Accept: text/event-stream\r\n"
                          "User-Agent: %s\r\n"
                          "%s\r\n",
                          port, user_agent, extra_headers != NULL ? extra_headers : "");
}

TestPeer *
test_peer_open_stream_small_window (guint port)
{
  g_autofree char *request = stream_request (port, "hub-test", NULL);

  return peer_connect (port, request, 2048);
}

TestPeer *
test_peer_open_stream (guint       port,
                       const char *extra_headers)
{
  return test_peer_open_stream_as (port, "hub-test", extra_headers);
}

TestPeer *
test_peer_open_stream_as (guint       port,
                          const char *user_agent,
                          const char *extra_headers)
{
  g_autofree char *request = stream_request (port, user_agent, extra_headers);

  return test_peer_connect (port, request);
}

void
test_peer_close (TestPeer *peer)
{
  g_socket_close (peer->socket, NULL);
  peer->closed = TRUE;
}

void
test_peer_reset (TestPeer *peer)
{
  struct linger linger = { .l_onoff = 1, .l_linger = 0 };

  setsockopt (g_socket_get_fd (peer->socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  test_peer_close (peer);
}

void
test_peer_free (TestPeer *peer)
{
  if (peer == NULL)
    return;

  g_ptr_array_remove (open_peers, peer);
  if (!peer->closed)
    g_socket_close (peer->socket, NULL);
  g_object_unref (peer->socket);
  g_byte_array_unref (peer->raw);
  g_string_free (peer->body, TRUE);
  g_ptr_array_unref (peer->frames);
  sse_reader_clear (&peer->reader);
  g_free (peer);
}

typedef struct
{
  TestPeer *peer;
  guint     n;
} FrameCount;

static gboolean
has_frames (gpointer data)
{
  FrameCount *count = data;

  return count->peer->frames->len >= count->n;
}

gboolean
test_peer_wait_frames (TestPeer *peer,
                       guint     n_frames,
                       guint     timeout_ms)
{
  FrameCount count = { peer, n_frames };

  return test_pump_until (has_frames, &count, timeout_ms);
}

TestFrame *
test_peer_find_event (TestPeer   *peer,
                      const char *event,
                      guint       nth)
{
  for (guint i = 0; i < peer->frames->len; i++)
    {
      TestFrame *frame = g_ptr_array_index (peer->frames, i);

      if (frame->comment != NULL || (frame->data == NULL && frame->event == NULL))
        continue;
      if (g_strcmp0 (frame->event, event) == 0 && nth-- == 0)
        return frame;
    }

  return NULL;
}

guint
test_peer_count_events (TestPeer   *peer,
                        const char *event)
{
  guint n = 0;

  while (test_peer_find_event (peer, event, n) != NULL)
    n++;

  return n;
}

typedef struct
{
  TestPeer   *peer;
  const char *event;
  guint       nth;
} EventWait;

static gboolean
has_event (gpointer data)
{
  EventWait *wait = data;

  return test_peer_find_event (wait->peer, wait->event, wait->nth) != NULL;
}

TestFrame *
test_peer_wait_event (TestPeer   *peer,
                      const char *event,
                      guint       nth,
                      guint       timeout_ms)
{
  EventWait wait = { peer, event, nth };

  test_pump_until (has_event, &wait, timeout_ms);
  return test_peer_find_event (peer, event, nth);
}

TestFrame *
test_peer_find_frame (TestPeer   *peer,
                      const char *event,
                      const char *data_part)
{
  for (guint i = 0; i < peer->frames->len; i++)
    {
      TestFrame *frame = g_ptr_array_index (peer->frames, i);

      if (g_strcmp0 (frame->event, event) == 0 &&
          (data_part == NULL || (frame->data != NULL && strstr (frame->data, data_part) != NULL)))
        return frame;
    }

  return NULL;
}

const char *
test_peer_last_event_id (TestPeer *peer)
{
  for (guint i = peer->frames->len; i > 0; i--)
    {
      TestFrame *frame = g_ptr_array_index (peer->frames, i - 1);

      if (frame->id != NULL)
        return frame->id;
    }

  return NULL;
}

guint64
test_peer_hello_id (TestPeer *peer)
{
  TestFrame *hello = test_peer_wait_event (peer, "hello", 0, 5000);
  const char *id;

  g_assert_nonnull (hello);
  id = strstr (hello->data, "\"id\":");
  g_assert_nonnull (id);
  return g_ascii_strtoull (id + 5, NULL, 10);
}

void
test_response_free (TestResponse *response)
{
  g_free (response->headers);
  g_free (response->body);
  g_free (response);
}

gboolean
test_peer_closed (gpointer data)
{
  return ((TestPeer *) data)->closed;
}

gboolean
test_peer_got_keepalive (gpointer data)
{
  TestPeer *peer = data;

  for (guint i = 0; i < peer->frames->len; i++)
    {
      TestFrame *frame = g_ptr_array_index (peer->frames, i);

      if (frame->comment != NULL && strstr (frame->comment, "keep-alive") != NULL)
        return TRUE;
    }
  return FALSE;
}

/* A response ends at EOF, or, on a connection the hub keeps open for the
 * next request, once its Content-Length has arrived (304 and 204 have no
 * body). */
static gboolean
response_complete (gpointer data)
{
  TestPeer *peer = data;
  g_autofree char *head = NULL;
  const char *length;

  if (peer->closed)
    return TRUE;
  if (peer->body_start == 0)
    return FALSE;
  if (peer->status == 304 || peer->status == 204)
    return TRUE;

  head = g_ascii_strdown ((const char *) peer->raw->data, peer->body_start);
  length = strstr (head, "\r\ncontent-length:");
  return length != NULL &&
         peer->body->len >= g_ascii_strtoull (length + strlen ("\r\ncontent-length:"), NULL, 10);
}

TestResponse *
test_http_raw (guint       port,
               const char *request,
               gsize       length)
{
  return test_http_raw_from (NULL, port, request, length);
}

TestResponse *
test_http_raw_from (const char *source,
                    guint       port,
                    const char *request,
                    gsize       length)
{
  g_autoptr(TestPeer) peer = peer_connect_from (source, port, NULL, 0);
  g_autoptr(GError) error = NULL;
  TestResponse *response;
  gsize sent = 0;

  g_socket_set_blocking (peer->socket, TRUE);
  while (sent < length)
    {
      gssize n = g_socket_send (peer->socket, request + sent, length - sent, NULL, &error);

      /* The server may answer and close before reading a refused body. */
      if (n < 0)
        break;
      sent += n;
    }
  g_socket_set_blocking (peer->socket, FALSE);

  g_assert_true (test_pump_until (response_complete, peer, 10000));

  response = g_new0 (TestResponse, 1);
  response->status = peer->status;
  response->headers = g_strndup ((const char *) peer->raw->data, peer->body_start);
  response->body = g_strndup (peer->body->str, peer->body->len);
  return response;
}

TestResponse *
test_http_post (guint       port,
                const char *content_type,
                const char *body,
                gssize      length)
{
  g_autoptr(GString) request = g_string_new (NULL);

  if (length < 0)
    length = strlen (body);

  g_string_append_printf (request, "POST /addPerson HTTP/1.1\r\n"
                                   "Host: 127.0.0.1:%u\r\n"
                                   "Connection: close\r\n"
                                   "Content-Length: %" G_GSSIZE_FORMAT "\r\n", port, length);
  if (content_type != NULL)
    g_string_append_printf (request, "Content-Type: %s\r\n", content_type);
  g_string_append (request, "\r\n");
  g_string_append_len (request, body, length);

  return test_http_raw (port, request->str, request->len);
}

char *
test_response_dup_header (TestResponse *response,
                          const char   *name)
{
  g_auto(GStrv) lines = g_strsplit (response->headers, "\r\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *colon = strchr (lines[i], ':');

      if (colon != NULL && (gsize) (colon - lines[i]) == strlen (name) &&
          g_ascii_strncasecmp (lines[i], name, colon - lines[i]) == 0)
        return g_strstrip (g_strdup (colon + 1));
    }

  return NULL;
}

/* Requests, answers and the log, as the core tests check them. */

JsonNode *
test_parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

GPtrArray *
test_wire_names (guint port)
{
  g_autoptr(TestPeer) peer = test_peer_open_stream (port, NULL);
  TestFrame *frame = test_peer_wait_event (peer, NULL, 0, 10000);
  g_autoptr(JsonNode) list = NULL;
  JsonArray *array;
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  g_assert_nonnull (frame);
  list = test_parse_json (frame->data);
  array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (names, g_strdup (json_object_get_string_member (
                       json_array_get_object_element (array, i), "name")));
  return names;
}

char *
test_revision_of (TestHub *hub)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, sse_hub_person_store_get_revision (hub->store));
}

void
test_assert_refused (TestHub      *hub,
                TestResponse *response,
                guint         status,
                const char   *field)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  g_assert_cmpuint (response->status, ==, status);
  node = test_parse_json (response->body);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_node_get_object (node);
  g_assert_true (strlen (json_object_get_string_member (object, "error")) > 0);
  if (field != NULL)
    g_assert_cmpstr (json_object_get_string_member (object, "field"), ==, field);
}

/* libsoup 3.2 has no phrase of its own for 429. */
void
test_assert_too_many_requests (TestHub      *hub,
                          TestResponse *response)
{
  test_assert_refused (hub, response, 429, NULL);
  g_assert_true (g_str_has_prefix (response->headers, "HTTP/1.1 429 Too Many Requests\r\n"));
}

static gboolean
has_n_clients (gpointer data)
{
  TestHub *hub = g_object_get_data (data, "hub");
  guint expected = GPOINTER_TO_UINT (g_object_get_data (data, "n"));

  return g_list_model_get_n_items (sse_hub_server_get_clients (hub->server)) == expected;
}

gboolean
test_wait_n_clients (TestHub *hub,
                guint    n)
{
  g_autoptr(GObject) data = g_object_new (G_TYPE_OBJECT, NULL);

  g_object_set_data (data, "hub", hub);
  g_object_set_data (data, "n", GUINT_TO_POINTER (n));
  return test_pump_until (has_n_clients, data, 10000);
}

/* The text of the newest log entry with this event name, or NULL. */
const char *
test_find_log_text (SseHubEventLog *log,
               SseHubLogKind   kind,
               const char     *event_name)
{
  GListModel *model = G_LIST_MODEL (log);
  const char *text = NULL;

  sse_hub_event_log_flush (log);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SseHubLogEntry) entry = g_list_model_get_item (model, i);

      if (g_strcmp0 (sse_hub_log_entry_get_event_name (entry), event_name) == 0)
        {
          g_assert_cmpint (sse_hub_log_entry_get_kind (entry), ==, kind);
          text = test_log_entry_read (entry);
        }
    }

  return text;
}

TestResponse *
test_post_json_to (guint       port,
              const char *path,
              const char *extra_headers,
              const char *body)
{
  g_autofree char *request = g_strdup_printf ("POST %s HTTP/1.1\r\n"
                                              "Host: 127.0.0.1:%u\r\n"
                                              "Connection: close\r\n%s"
                                              "Content-Type: application/json\r\n"
                                              "Content-Length: %zu\r\n\r\n%s",
                                              path, port, extra_headers, strlen (body), body);

  return test_http_raw (port, request, strlen (request));
}

/* Where the first entry with this event name (and text holding part,
 * if not NULL) is in the log, or -1. */
int
test_log_position (SseHubEventLog *log,
              const char     *event_name,
              const char     *part)
{
  GListModel *model = G_LIST_MODEL (log);

  sse_hub_event_log_flush (log);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SseHubLogEntry) entry = g_list_model_get_item (model, i);

      if (g_strcmp0 (sse_hub_log_entry_get_event_name (entry), event_name) == 0 &&
          (part == NULL || strstr (test_log_entry_read (entry), part) != NULL))
        return (int) i;
    }

  return -1;
}

SseHubLogEntry *
test_log_entry_at (SseHubEventLog *log,
              int             position)
{
  g_assert_cmpint (position, >=, 0);
  return g_list_model_get_item (G_LIST_MODEL (log), position);
}
