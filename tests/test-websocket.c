/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The same room over a WebSocket: a real socket client (tests/support/
 * ws-peer.c) beside an SSE one — the same events and ids, adds over the
 * socket answered as POST /addPerson answers, resume, ping and the pong
 * deadline, the close codes, and a stalled reader that is conflated, not
 * dropped. */
#include <string.h>

#include "hub-test.h"
#include "sse-hub-client.h"
#include "ws-peer.h"

/* RFC 6455 section 1.3's own example. */
#define SAMPLE_KEY    "dGhlIHNhbXBsZSBub25jZQ=="
#define SAMPLE_ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

static WsPeer *
open_socket (TestHub    *hub,
             const char *path,
             const char *extra_headers)
{
  WsPeer *peer = ws_peer_connect (hub->port, path, extra_headers, 0);

  g_assert_nonnull (ws_peer_wait_event (peer, "hello", 0, 5000));
  return peer;
}

static char *
data_text (JsonObject *message)
{
  return json_to_string (json_object_get_member (message, "data"), FALSE);
}

static void
test_handshake (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(WsPeer) peer = open_socket (hub, "/connect", NULL);
  SseHubEventLog *log = sse_hub_server_get_log (hub->server);
  g_autoptr(SseHubLogEntry) entry = NULL;
  g_autofree char *sentence = NULL;
  SseHubClient *client;

  g_assert_cmpuint (peer->status, ==, 101);
  g_assert_nonnull (strstr (peer->head, "Sec-WebSocket-Accept: " SAMPLE_ACCEPT "\r\n"));
  /* Offered, never agreed: byte counts are the bytes sent. */
  g_assert_null (strstr (peer->head, "Sec-WebSocket-Extensions"));

  g_assert_true (test_wait_n_clients (hub, 1));
  /* Every byte the hub counts is one the client read. */
  g_assert_nonnull (ws_peer_wait_event (peer, "client", 0, 5000));
  client = g_list_model_get_item (sse_hub_server_get_clients (hub->server), 0);
  g_assert_cmpint (sse_hub_client_get_transport (client), ==, SSE_HUB_TRANSPORT_WEBSOCKET);
  g_assert_cmpuint (sse_hub_client_get_bytes_sent (client), ==, peer->bytes_in);
  g_object_unref (client);
  g_assert_nonnull (strstr (test_find_log_text (log, SSE_HUB_LOG_HELLO, "101"),
                            "Sec-WebSocket-Accept " SAMPLE_ACCEPT));
  /* The record keeps both keys in fields of their own. */
  entry = test_log_entry_at (log, test_log_position (log, "101", NULL));
  g_assert_cmpstr (sse_hub_log_entry_get_record (entry)->ws_key, ==, SAMPLE_KEY);
  g_assert_cmpstr (sse_hub_log_entry_get_record (entry)->ws_accept, ==, SAMPLE_ACCEPT);
  sentence = sse_hub_log_entry_dup_sentence (entry, FALSE);
  g_assert_nonnull (strstr (sentence, "Sec-WebSocket-Key " SAMPLE_KEY ", Sec-WebSocket-Accept "
                                      SAMPLE_ACCEPT));
}

static WsMessage *
ws_message_at (WsPeer     *peer,
               const char *event,
               guint       nth)
{
  JsonObject *object = ws_peer_find_event (peer, event, nth);

  for (guint i = 0; i < peer->messages->len; i++)
    {
      WsMessage *message = g_ptr_array_index (peer->messages, i);

      if (message->json != NULL && json_node_get_object (message->json) == object)
        return message;
    }
  return NULL;
}

/* The log's socket entry counts the bytes the client read. */
static void
assert_logged_bytes (TestHub    *hub,
                     WsPeer     *peer,
                     const char *log_name,
                     guint       nth)
{
  SseHubEventLog *log = sse_hub_server_get_log (hub->server);
  WsMessage *message = ws_message_at (peer, "message", nth);
  g_autofree char *payload = g_strndup (g_bytes_get_data (message->payload, NULL),
                                        g_bytes_get_size (message->payload));
  int position = test_log_position (log, log_name, payload);
  g_autoptr(SseHubLogEntry) entry = NULL;

  g_assert_cmpint (position, >=, 0);
  entry = test_log_entry_at (log, position);
  g_assert_cmpuint (sse_hub_log_entry_get_bytes (entry), ==, message->wire_bytes);
  g_assert_cmpuint (sse_hub_log_entry_get_recipients (entry), ==, 1);
}

static void
test_same_events (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) sse = test_peer_open_stream (hub->port, NULL);
  g_autoptr(WsPeer) ws = open_socket (hub, "/connect", NULL);
  g_autoptr(JsonNode) sse_list = NULL;
  g_autofree char *ws_text = NULL;
  g_autofree char *sse_text = NULL;
  JsonObject *list;
  JsonObject *custom;
  TestFrame *frame;
  SseHubTransportCost cost;

  g_assert_true (test_wait_n_clients (hub, 2));
  test_hub_add (hub, "Ada", 36);
  frame = test_peer_wait_event (sse, NULL, 1, 5000);
  list = ws_peer_wait_event (ws, "message", 1, 5000);
  g_assert_nonnull (frame);
  g_assert_nonnull (list);
  /* The same id; data is the same JSON value. */
  g_assert_cmpstr (json_object_get_string_member (list, "id"), ==, frame->id);
  sse_list = test_parse_json (frame->data);
  sse_text = json_to_string (sse_list, FALSE);
  ws_text = data_text (list);
  g_assert_cmpstr (ws_text, ==, sse_text);
  g_assert_cmpstr (ws_text, ==, "[{\"name\":\"Ada\",\"age\":36}]");
  test_pump (50);
  assert_logged_bytes (hub, ws, "ws:message", 1);
  sse_hub_server_get_transport_cost (hub->server, &cost);
  g_assert_cmpuint (cost.sse_clients, ==, 1);
  g_assert_cmpuint (cost.ws_clients, ==, 1);
  g_assert_cmpuint (cost.sse_bytes, ==, strlen ("id: \ndata: \n\n") + strlen (frame->id) +
                                         strlen (frame->data));
  g_assert_cmpuint (cost.ws_bytes, ==, ws_message_at (ws, "message", 1)->wire_bytes);

  /* A custom event's free text stays text. */
  g_assert_true (sse_hub_server_send_custom_event (hub->server, "quiz", "q1", "{not json\nline 2",
                                                   NULL));
  frame = test_peer_wait_event (sse, "quiz", 0, 5000);
  custom = ws_peer_wait_event (ws, "quiz", 0, 5000);
  g_assert_nonnull (frame);
  g_assert_nonnull (custom);
  g_assert_cmpstr (json_object_get_string_member (custom, "data"), ==, frame->data);
  g_assert_cmpstr (json_object_get_string_member (custom, "id"), ==, "q1");
  g_assert_nonnull (ws_peer_wait_event (ws, "client", 0, 5000));
  g_assert_nonnull (ws_peer_wait_event (ws, "config", 0, 5000));
}

static JsonObject *
send_and_wait_reply (WsPeer     *peer,
                     const char *text)
{
  guint n = ws_peer_count_event (peer, "reply");

  ws_peer_send_text (peer, text);
  return ws_peer_wait_event (peer, "reply", n, 5000);
}

/* The socket's reply carries what the POST would answer, status and body. */
static void
assert_same_answer (TestHub    *hub,
                    WsPeer     *peer,
                    const char *extra_headers,
                    const char *person)
{
  g_autofree char *message = g_strdup_printf ("{\"event\":\"addPerson\",\"id\":\"r\",\"data\":%s}",
                                              person);
  g_autoptr(TestResponse) post = test_post_json_to (hub->port, "/addPerson", extra_headers,
                                                    person);
  JsonObject *reply = send_and_wait_reply (peer, message);
  g_autoptr(JsonNode) post_body = test_parse_json (post->body);
  g_autofree char *post_text = json_to_string (post_body, FALSE);
  g_autofree char *reply_text = NULL;

  g_assert_nonnull (reply);
  g_assert_cmpstr (json_object_get_string_member (reply, "id"), ==, "r");
  g_assert_cmpint (json_object_get_int_member (reply, "status"), ==, post->status);
  reply_text = data_text (reply);
  g_assert_cmpstr (reply_text, ==, post_text);
}

static void
test_adds (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(WsPeer) peer = open_socket (hub, "/connect", NULL);
  JsonObject *reply;

  reply = send_and_wait_reply (peer, "{\"event\":\"addPerson\",\"data\":{\"name\":\"Bo\",\"age\":7}}");
  g_assert_nonnull (reply);
  g_assert_cmpint (json_object_get_int_member (reply, "status"), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply, "data"),
                                                  "name"), ==, "Bo");
  g_assert_nonnull (ws_peer_wait_event (peer, "message", 1, 5000));
  g_assert_cmpstr (sse_hub_person_store_get_json (hub->store), ==, "[{\"name\":\"Bo\",\"age\":7}]");

  /* Refusals in the POST's words and fields. */
  assert_same_answer (hub, peer, "", "{\"name\":\"\",\"age\":7}");
  assert_same_answer (hub, peer, "", "{\"name\":\"Cy\",\"age\":900}");

  /* Not JSON, an unknown event: refused in words, the socket stays. */
  reply = send_and_wait_reply (peer, "hello?");
  g_assert_cmpint (json_object_get_int_member (reply, "status"), ==, 400);
  g_assert_nonnull (json_object_get_string_member (json_object_get_object_member (reply, "data"),
                                                   "error"));
  reply = send_and_wait_reply (peer, "{\"event\":\"removePerson\",\"data\":{}}");
  g_assert_cmpint (json_object_get_int_member (reply, "status"), ==, 400);
  g_assert_false (peer->closed);
  g_assert_nonnull (test_find_log_text (sse_hub_server_get_log (hub->server),
                                        SSE_HUB_LOG_REQUEST, "WS"));
}

static void
test_read_only_foreign_origin (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(WsPeer) peer = NULL;
  JsonObject *reply;

  g_object_set (hub->server, "allow-audience-writes", FALSE, NULL);
  peer = open_socket (hub, "/connect", TEST_FOREIGN_ORIGIN);
  assert_same_answer (hub, peer, TEST_FOREIGN_ORIGIN, "{\"name\":\"Eve\",\"age\":30}");
  reply = ws_peer_find_event (peer, "reply", 0);
  g_assert_cmpint (json_object_get_int_member (reply, "status"), ==, 403);
  g_assert_cmpstr (sse_hub_person_store_get_json (hub->store), ==, "[]");

  /* The presenter's own page still adds over its socket. */
  {
    g_autoptr(WsPeer) own = open_socket (hub, "/connect", NULL);

    reply = send_and_wait_reply (own, "{\"event\":\"addPerson\",\"data\":{\"name\":\"P\",\"age\":1}}");
    g_assert_cmpint (json_object_get_int_member (reply, "status"), ==, 200);
  }
}

static JsonObject *
socket_add (WsPeer     *peer,
            const char *name)
{
  g_autofree char *text = g_strdup_printf ("{\"event\":\"addPerson\",\"data\":"
                                           "{\"name\":\"%s\",\"age\":3}}", name);

  return send_and_wait_reply (peer, text);
}

/* An audience socket's adds draw on its computer's posting budget, person
 * cap and error budget, the very ones its POSTs draw on, and are refused
 * in the POST's words. */
static void
test_budgets (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(WsPeer) peer = open_socket (hub, "/connect", TEST_FOREIGN_ORIGIN);
  g_autoptr(TestResponse) post = NULL;
  g_autoptr(SseHubPerson) posted = NULL;
  g_autoptr(SseHubPerson) added = NULL;
  JsonObject *reply;

  /* Three adds a minute: one POST and two socket adds spend them. */
  g_object_set (hub->server, "rate-limit", 3, "audience-rate-limit", 0, NULL);
  post = test_post_json_to (hub->port, "/addPerson", TEST_FOREIGN_ORIGIN,
                            "{\"name\":\"Po\",\"age\":3}");
  g_assert_cmpuint (post->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (socket_add (peer, "S1"), "status"), ==, 200);
  g_assert_cmpint (json_object_get_int_member (socket_add (peer, "S2"), "status"), ==, 200);
  assert_same_answer (hub, peer, TEST_FOREIGN_ORIGIN, "{\"name\":\"S3\",\"age\":3}");
  g_assert_cmpint (json_object_get_int_member (ws_peer_find_event (peer, "reply", 2), "status"),
                   ==, 429);

  /* Added under its computer, as the POST's person was. */
  posted = g_list_model_get_item (G_LIST_MODEL (hub->store), 0);
  added = g_list_model_get_item (G_LIST_MODEL (hub->store), 1);
  g_assert_nonnull (sse_hub_person_get_added_by (added));
  g_assert_cmpstr (sse_hub_person_get_added_by (added), ==, sse_hub_person_get_added_by (posted));

  /* The computer's person cap counts both. */
  g_object_set (hub->server, "rate-limit", 0, "max-persons-per-address", 3, NULL);
  assert_same_answer (hub, peer, TEST_FOREIGN_ORIGIN, "{\"name\":\"S4\",\"age\":3}");
  g_assert_cmpint (json_object_get_int_member (ws_peer_find_event (peer, "reply", 3), "status"),
                   ==, 429);

  /* Refused socket adds spend the error budget a POST checks first ... */
  g_object_set (hub->server, "max-persons-per-address", 0, NULL);
  for (guint i = 0; i < SSE_HUB_ERROR_BUDGET_PER_MINUTE; i++)
    {
      reply = send_and_wait_reply (peer, "{\"event\":\"addPerson\",\"data\":{\"name\":\"\"}}");
      g_assert_cmpint (json_object_get_int_member (reply, "status"), ==, 400);
    }
  /* ... and past it, a valid add waits on the socket as in a POST. */
  assert_same_answer (hub, peer, TEST_FOREIGN_ORIGIN, "{\"name\":\"S5\",\"age\":3}");
  reply = socket_add (peer, "S6");
  g_assert_cmpint (json_object_get_int_member (reply, "status"), ==, 429);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 3);
  g_assert_false (peer->closed);
}

static void
test_resume (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autofree char *revision = NULL;
  g_autofree char *path = NULL;

  test_hub_add (hub, "Ada", 36);
  revision = test_revision_of (hub);
  path = g_strdup_printf ("/connect?lastEventId=%s", revision);
  {
    g_autoptr(WsPeer) current = open_socket (hub, path, NULL);
    g_autoptr(WsPeer) fresh = open_socket (hub, "/connect?lastEventId=1", NULL);

    g_assert_nonnull (ws_peer_wait_event (fresh, "message", 0, 5000));
    g_assert_nonnull (ws_peer_wait_event (current, "client", 0, 5000));
    g_assert_cmpuint (ws_peer_count_event (current, "message"), ==, 0);
    /* The log says which pipe came back. */
    g_assert_cmpint (test_log_position (sse_hub_server_get_log (hub->server), "ws:resume", NULL),
                     >=, 0);
  }
}

static gboolean
dead_closed (gpointer data)
{
  WsPeer **peers = data;

  /* The live one answers its pings as it reads. */
  ws_peer_read (peers[0]);
  ws_peer_read (peers[1]);
  return peers[1]->closed;
}

static void
test_ping_pong (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(WsPeer) alive = NULL;
  g_autoptr(WsPeer) dead = NULL;

  g_object_set (hub->server, "keepalive-interval", 1, NULL);
  alive = open_socket (hub, "/connect", NULL);
  dead = open_socket (hub, "/connect", NULL);
  dead->auto_pong = FALSE;

  g_assert_nonnull (ws_peer_wait_event (alive, "heartbeat", 0, 3000));
  g_assert_cmpuint (ws_peer_count_opcode (alive, 0x9), >=, 1);
  /* One interval for the pong, then the next keep-alive finds it late. */
  g_assert_true (test_pump_until (dead_closed, (WsPeer *[]) { alive, dead }, 5000));
  g_assert_false (alive->closed);
  g_assert_true (test_wait_n_clients (hub, 1));
  g_assert_nonnull (test_find_log_text (sse_hub_server_get_log (hub->server),
                                        SSE_HUB_LOG_REFUSAL, "pong-missed"));

  /* A ping of the client's own is answered with its payload. */
  ws_peer_send_frame (alive, 0x9, TRUE, "tick", 4);
  test_pump (200);
  ws_peer_read (alive);
  g_assert_cmpuint (ws_peer_count_opcode (alive, 0xA), ==, 1);
}

static void
test_close_codes (void)
{
  const guint8 bad_utf8[] = { 0xc3, 0x28 };
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autofree char *big = g_malloc0 (20000);

  {
    g_autoptr(WsPeer) peer = open_socket (hub, "/connect", NULL);
    ws_peer_send_frame (peer, 0x2, TRUE, "bin", 3);
    g_assert_true (ws_peer_wait_closed (peer, 5000));
    g_assert_cmpuint (peer->close_code, ==, 1003);
  }
  {
    g_autoptr(WsPeer) peer = open_socket (hub, "/connect", NULL);
    ws_peer_send_frame (peer, 0x1, TRUE, bad_utf8, sizeof bad_utf8);
    g_assert_true (ws_peer_wait_closed (peer, 5000));
    g_assert_cmpuint (peer->close_code, ==, 1007);
  }
  {
    g_autoptr(WsPeer) peer = open_socket (hub, "/connect", NULL);
    memset (big, 'a', 19999);
    ws_peer_send_frame (peer, 0x1, TRUE, big, 19999);
    g_assert_true (ws_peer_wait_closed (peer, 5000));
    g_assert_cmpuint (peer->close_code, ==, 1009);
  }
  {
    /* Fragments count together. */
    g_autoptr(WsPeer) peer = open_socket (hub, "/connect", NULL);
    ws_peer_send_frame (peer, 0x1, FALSE, big, 9000);
    ws_peer_send_frame (peer, 0x0, TRUE, big, 9000);
    g_assert_true (ws_peer_wait_closed (peer, 5000));
    g_assert_cmpuint (peer->close_code, ==, 1009);
  }
  {
    g_autoptr(WsPeer) peer = open_socket (hub, "/connect", NULL);
    ws_peer_send_frame (peer, 0x0, TRUE, "x", 1);
    g_assert_true (ws_peer_wait_closed (peer, 5000));
    g_assert_cmpuint (peer->close_code, ==, 1002);
  }
  {
    /* The peer's close is echoed. */
    g_autoptr(WsPeer) peer = open_socket (hub, "/connect", NULL);
    const guint8 going[] = { 0x03, 0xe8 };

    ws_peer_send_frame (peer, 0x8, TRUE, going, sizeof going);
    g_assert_true (ws_peer_wait_closed (peer, 5000));
    g_assert_cmpuint (peer->close_code, ==, 1000);
  }
  g_assert_true (test_wait_n_clients (hub, 0));
}

static void
test_fragmented_add (void)
{
  const char *text = "{\"event\":\"addPerson\",\"data\":{\"name\":\"Frag\",\"age\":5}}";
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(WsPeer) peer = open_socket (hub, "/connect", NULL);
  JsonObject *reply;

  ws_peer_send_frame (peer, 0x1, FALSE, text, 10);
  /* A control frame may come between fragments. */
  ws_peer_send_frame (peer, 0x9, TRUE, "p", 1);
  ws_peer_send_frame (peer, 0x0, FALSE, text + 10, 20);
  ws_peer_send_frame (peer, 0x0, TRUE, text + 30, strlen (text) - 30);
  reply = ws_peer_wait_event (peer, "reply", 0, 5000);
  g_assert_nonnull (reply);
  g_assert_cmpint (json_object_get_int_member (reply, "status"), ==, 200);
  g_assert_cmpuint (ws_peer_count_opcode (peer, 0xA), ==, 1);
}

static void
test_full_across_transports (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) sse = NULL;
  g_autoptr(WsPeer) ws = NULL;
  g_autoptr(WsPeer) third = NULL;
  JsonObject *full;

  /* Loopback as audience, two streams for its address. */
  g_object_set (hub->server, "trust-local", FALSE, "max-streams-per-address", 2, NULL);
  sse = test_peer_open_stream (hub->port, NULL);
  ws = open_socket (hub, "/connect", NULL);
  g_assert_true (test_wait_n_clients (hub, 2));

  third = ws_peer_connect (hub->port, "/connect", NULL, 0);
  full = ws_peer_wait_event (third, "full", 0, 5000);
  g_assert_nonnull (full);
  g_assert_true (ws_peer_wait_closed (third, 5000));
  g_assert_cmpuint (third->close_code, ==, 1008);
  g_assert_cmpstr (third->close_reason, ==, "address-full");
  g_assert_true (test_wait_n_clients (hub, 2));
}

/* Pings answered to a peer that never reads: its backlog stays bounded,
 * and it is dropped (at the pong bound, or at the queue cap by the next
 * broadcast, whichever comes first). */
static void
test_ping_flood (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(WsPeer) peer = ws_peer_connect (hub->port, "/connect", NULL, 2048);
  GListModel *clients = sse_hub_server_get_clients (hub->server);
  g_autoptr(SseHubClient) client = NULL;
  guint64 most_queued = 0;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  char payload[125];

  memset (payload, 'p', sizeof payload);
  g_assert_nonnull (ws_peer_wait_event (peer, "hello", 0, 5000));
  g_assert_true (test_wait_n_clients (hub, 1));
  client = g_list_model_get_item (clients, 0);
  peer->reading = FALSE;
  /* Past the bound for a second, or eight times past it at once (the
   * queue's own rule for a backlog that does not drain). */
  while (g_list_model_get_n_items (clients) > 0 && g_get_monotonic_time () < deadline)
    {
      ws_peer_send_frame (peer, 0x9, TRUE, payload, sizeof payload);
      most_queued = MAX (most_queued, sse_hub_client_get_bytes_queued (client));
    }
  g_assert_true (test_wait_n_clients (hub, 0));
  g_assert_cmpuint (most_queued, <=, 8 * 4 * 1024 * 1024);
}

#define N_CHANGES 300

static gboolean
has_newest (gpointer data)
{
  WsPeer *peer = data;
  TestHub *hub = g_object_get_data (G_OBJECT (peer->socket), "hub");
  guint n = ws_peer_count_event (peer, "message");
  g_autofree char *text = NULL;

  ws_peer_read (peer);
  if (n == 0)
    return FALSE;
  text = data_text (ws_peer_find_event (peer, "message", n - 1));
  return g_strcmp0 (text, sse_hub_person_store_get_json (hub->store)) == 0;
}

static void
test_stalled_reader (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(WsPeer) peer = ws_peer_connect (hub->port, "/connect", NULL, 2048);
  SseHubClient *client;
  guint64 most_queued = 0;
  guint n_lists;

  g_object_set (hub->server, "queue-cap", 64 * 1024, NULL);
  g_assert_nonnull (ws_peer_wait_event (peer, "hello", 0, 5000));
  g_assert_true (test_wait_n_clients (hub, 1));
  client = g_list_model_get_item (sse_hub_server_get_clients (hub->server), 0);
  peer->reading = FALSE;

  for (guint i = 0; i < N_CHANGES; i++)
    {
      g_autofree char *name = g_strdup_printf ("person %04u with a long name to fill the frame", i);

      test_hub_add (hub, name, 20 + i % 50);
      most_queued = MAX (most_queued, sse_hub_client_get_bytes_queued (client));
    }
  test_pump (100);
  most_queued = MAX (most_queued, sse_hub_client_get_bytes_queued (client));

  /* Bounded, and still there: the lists were conflated, not piled up. */
  g_assert_cmpuint (most_queued, <=, 64 * 1024);
  g_assert_cmpuint (g_list_model_get_n_items (sse_hub_server_get_clients (hub->server)), ==, 1);

  peer->reading = TRUE;
  g_object_set_data (G_OBJECT (peer->socket), "hub", hub);
  g_assert_true (test_pump_until (has_newest, peer, 10000));
  n_lists = ws_peer_count_event (peer, "message");
  g_assert_cmpuint (n_lists, <, N_CHANGES);
  g_assert_false (peer->closed);
  g_object_unref (client);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/websocket/handshake", test_handshake);
  g_test_add_func ("/websocket/same-events", test_same_events);
  g_test_add_func ("/websocket/adds", test_adds);
  g_test_add_func ("/websocket/read-only-foreign-origin", test_read_only_foreign_origin);
  g_test_add_func ("/websocket/budgets", test_budgets);
  g_test_add_func ("/websocket/resume", test_resume);
  g_test_add_func ("/websocket/ping-pong", test_ping_pong);
  g_test_add_func ("/websocket/close-codes", test_close_codes);
  g_test_add_func ("/websocket/fragmented-add", test_fragmented_add);
  g_test_add_func ("/websocket/full-across-transports", test_full_across_transports);
  g_test_add_func ("/websocket/stalled-reader", test_stalled_reader);
  g_test_add_func ("/websocket/ping-flood", test_ping_flood);

  return g_test_run ();
}
