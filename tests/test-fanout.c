/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The set of streams: broadcast, the coalesced client event, resuming with
 * Last-Event-ID, keep-alive, slow and departed readers, Drop All; the
 * SseHubFanout object's signals and n-clients, a slot freed through them,
 * and in a connect storm id lists that never hold up a list or arrive cut. */
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hub-test.h"
#include "sse-hub-client-private.h"
#include "sse-hub-fanout.h"
#include "sse-hub-wire.h"

static gboolean
all_have_list_with (gpointer data)
{
  GPtrArray *peers = data;
  const char *needle = g_object_get_data (G_OBJECT (g_ptr_array_index (peers, 0)), "needle");

  for (guint i = 1; i < peers->len; i++)
    {
      TestPeer *peer = g_ptr_array_index (peers, i);
      gboolean found = FALSE;

      for (guint j = 0; j < peer->frames->len && !found; j++)
        {
          TestFrame *frame = g_ptr_array_index (peer->frames, j);

          found = frame->event == NULL && frame->data != NULL && strstr (frame->data, needle);
        }
      if (!found)
        return FALSE;
    }

  return TRUE;
}

static void
test_broadcast (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(GPtrArray) peers = g_ptr_array_new ();
  g_autoptr(GObject) holder = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(TestResponse) json_post = NULL;
  g_autoptr(TestResponse) form_post = NULL;
  const guint n_peers = 8;

  g_ptr_array_add (peers, holder);
  for (guint i = 0; i < n_peers; i++)
    g_ptr_array_add (peers, test_peer_open_stream (hub->port, NULL));
  for (guint i = 1; i <= n_peers; i++)
    test_peer_hello_id (g_ptr_array_index (peers, i));

  json_post = test_http_post (hub->port, TEST_JSON, "{\"name\":\"Grace\",\"age\":45}", -1);
  g_assert_cmpuint (json_post->status, ==, 200);
  g_assert_cmpstr (json_post->body, ==, "{\"name\":\"Grace\",\"age\":45}");

  /* The original demo's form post: the age arrives as text, stored as a number. */
  form_post = test_http_post (hub->port, TEST_FORM "; charset=UTF-8", "name=lzc2&age=22", -1);
  g_assert_cmpuint (form_post->status, ==, 200);
  g_assert_cmpstr (form_post->body, ==, "{\"name\":\"lzc2\",\"age\":22}");

  g_object_set_data (holder, "needle", (gpointer) "{\"name\":\"lzc2\",\"age\":22}");
  g_assert_true (test_pump_until (all_have_list_with, peers, 5000));

  for (guint i = 1; i <= n_peers; i++)
    {
      TestPeer *peer = g_ptr_array_index (peers, i);
      g_autofree char *revision = test_revision_of (hub);
      guint n_lists = test_peer_count_events (peer, NULL);
      TestFrame *last = test_peer_find_event (peer, NULL, n_lists - 1);

      g_assert_cmpstr (last->id, ==, revision);
      g_assert_cmpstr (last->data, ==,
                       "[{\"name\":\"Grace\",\"age\":45},{\"name\":\"lzc2\",\"age\":22}]");
    }

  for (guint i = 1; i <= n_peers; i++)
    test_peer_free (g_ptr_array_index (peers, i));
}

static gboolean
client_list_is (TestPeer   *peer,
                const char *expected)
{
  guint n = test_peer_count_events (peer, "client");

  return n > 0 && g_str_equal (test_peer_find_event (peer, "client", n - 1)->data, expected);
}

typedef struct
{
  TestPeer   *peer;
  const char *expected;
} ClientWait;

static gboolean
client_list_matches (gpointer data)
{
  ClientWait *wait = data;

  return client_list_is (wait->peer, wait->expected);
}

static void
test_client_events (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) first = test_peer_open_stream (hub->port, NULL);
  TestPeer *second = NULL;
  g_autofree char *both = NULL;
  g_autofree char *alone = NULL;
  guint64 first_id, second_id;
  ClientWait wait = { NULL, NULL };

  first_id = test_peer_hello_id (first);
  alone = g_strdup_printf ("[%" G_GUINT64_FORMAT "]", first_id);
  wait = (ClientWait) { first, alone };
  g_assert_true (test_pump_until (client_list_matches, &wait, 5000));

  second = test_peer_open_stream (hub->port, NULL);
  second_id = test_peer_hello_id (second);
  g_assert_cmpuint (second_id, !=, first_id);
  both = g_strdup_printf ("[%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT "]", first_id, second_id);
  wait = (ClientWait) { first, both };
  g_assert_true (test_pump_until (client_list_matches, &wait, 5000));
  wait = (ClientWait) { second, both };
  g_assert_true (test_pump_until (client_list_matches, &wait, 5000));

  /* A paused stream notices a departure on its next write. */
  g_object_set (hub->server, "keepalive-interval", 1, NULL);
  test_peer_close (second);
  wait = (ClientWait) { first, alone };
  g_assert_true (test_pump_until (client_list_matches, &wait, 5000));
  g_assert_cmpuint (g_list_model_get_n_items (sse_hub_server_get_clients (hub->server)), ==, 1);
  test_peer_free (second);
}

static void
test_connect_storm (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) watcher = test_peer_open_stream (hub->port, NULL);
  g_autoptr(GPtrArray) storm = g_ptr_array_new_with_free_func ((GDestroyNotify) test_peer_free);
  g_autoptr(GString) expected = g_string_new (NULL);
  ClientWait wait;
  gint64 started;
  guint storm_ms;
  guint most_events;

  test_peer_hello_id (watcher);
  started = g_get_monotonic_time ();
  for (guint i = 0; i < 200; i++)
    g_ptr_array_add (storm, test_peer_open_stream (hub->port, NULL));
  g_assert_true (test_wait_n_clients (hub, 201));
  storm_ms = (g_get_monotonic_time () - started) / 1000;

  g_string_printf (expected, "[%" G_GUINT64_FORMAT, test_peer_hello_id (watcher));
  for (guint i = 0; i < storm->len; i++)
    g_string_append_printf (expected, ",%" G_GUINT64_FORMAT,
                            test_peer_hello_id (g_ptr_array_index (storm, i)));
  g_string_append_c (expected, ']');

  wait = (ClientWait) { watcher, expected->str };
  g_assert_true (test_pump_until (client_list_matches, &wait, 5000));

  /* One broadcast per connect would be 201; coalescing allows one per
   * window of at least 100 ms while the storm lasts (longer on a slow,
   * sanitized or busy machine), and one to settle. */
  most_events = MAX (10, storm_ms / 100 + 2);
  g_test_message ("client events during a %u ms storm: %u (at most %u)", storm_ms,
                  test_peer_count_events (watcher, "client"), most_events);
  g_assert_cmpuint (test_peer_count_events (watcher, "client"), <=, most_events);
}

static void
test_last_event_id (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autofree char *revision = NULL;
  g_autofree char *header = NULL;
  g_autofree char *stale = NULL;
  g_autoptr(TestPeer) current = NULL;
  g_autoptr(TestPeer) by_query = NULL;
  g_autoptr(TestPeer) behind = NULL;
  g_autofree char *query_request = NULL;

  test_hub_add (hub, "Ada", 36);
  revision = test_revision_of (hub);

  header = g_strdup_printf ("Last-Event-ID: %s\r\n", revision);
  current = test_peer_open_stream (hub->port, header);
  g_assert_nonnull (test_peer_wait_event (current, "client", 0, 5000));
  g_assert_cmpuint (test_peer_count_events (current, NULL), ==, 0);

  query_request = g_strdup_printf ("GET /connect?lastEventId=%s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", revision);
  by_query = test_peer_connect (hub->port, query_request);
  g_assert_nonnull (test_peer_wait_event (by_query, "client", 0, 5000));
  g_assert_cmpuint (test_peer_count_events (by_query, NULL), ==, 0);

  stale = g_strdup_printf ("Last-Event-ID: %" G_GUINT64_FORMAT "\r\n",
                           sse_hub_person_store_get_revision (hub->store) - 1);
  behind = test_peer_open_stream (hub->port, stale);
  g_assert_nonnull (test_peer_wait_event (behind, NULL, 0, 5000));
  g_assert_cmpstr (test_peer_find_event (behind, NULL, 0)->id, ==, revision);

  /* After a change, the resumed stream is brought up to date too. */
  test_hub_add (hub, "Bob", 7);
  g_assert_nonnull (test_peer_wait_event (current, NULL, 0, 5000));
  g_assert_nonnull (strstr (test_peer_find_event (current, NULL, 0)->data, "Bob"));
}

static gboolean
has_comment (gpointer data)
{
  TestPeer *peer = data;

  for (guint i = 0; i < peer->frames->len; i++)
    if (g_strcmp0 (((TestFrame *) g_ptr_array_index (peer->frames, i))->comment, "keep-alive") == 0)
      return TRUE;

  return FALSE;
}

static void
test_keepalive (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) peer = NULL;

  g_object_set (hub->server, "keepalive-interval", 1, NULL);
  peer = test_peer_open_stream (hub->port, NULL);
  test_peer_hello_id (peer);
  g_assert_false (has_comment (peer));
  g_assert_true (test_pump_until (has_comment, peer, 3000));

  /* Scripts never see the comment: a named event, with the interval
   * announced in hello, is what lets a page notice a silent path. */
  g_assert_nonnull (test_peer_wait_event (peer, "heartbeat", 0, 3000));
  g_assert_cmpstr (test_peer_find_event (peer, "heartbeat", 0)->data, ==, "");
  g_assert_nonnull (strstr (test_peer_find_event (peer, "hello", 0)->data, ",\"heartbeatMs\":1000,\"events\":[]}"));
}

static void
test_slow_reader_dropped (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) slow = NULL;
  g_autoptr(TestPeer) normal = NULL;
  /* More than loopback's socket buffers can hide (several MiB each way). */
  g_autofree char *payload = g_strnfill (16 * 1024, 'p');
  int small = 4096;
  const guint n_events = 1000;

  g_object_set (hub->server, "queue-cap", 64 * 1024, NULL);
  slow = test_peer_open_stream (hub->port, NULL);
  setsockopt (g_socket_get_fd (slow->socket), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  normal = test_peer_open_stream (hub->port, NULL);
  test_peer_hello_id (slow);
  test_peer_hello_id (normal);
  g_assert_true (test_wait_n_clients (hub, 2));

  /* The slow peer stops reading: its socket buffers fill, then its queue. */
  slow->reading = FALSE;
  for (guint i = 0; i < n_events; i++)
    {
      g_autofree char *data = g_strdup_printf ("%u %s", i, payload);

      sse_hub_server_publish (hub->server, SSE_HUB_LOG_NOTICE, "bulk", NULL, data);
      test_pump (2);
    }

  g_assert_true (test_wait_n_clients (hub, 1));
  g_assert_nonnull (test_peer_wait_event (normal, "bulk", n_events - 1, 10000));
  for (guint i = 0; i < n_events; i++)
    {
      TestFrame *frame = test_peer_find_event (normal, "bulk", i);

      g_assert_cmpuint (g_ascii_strtoull (frame->data, NULL, 10), ==, i);
    }
}

static void
test_full_hub (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) one = NULL;
  g_autoptr(TestPeer) two = NULL;
  g_autoptr(TestPeer) turned_away = NULL;
  TestFrame *retry;

  /* As audience: the presenter's machine keeps slots past the limit (see
   * /server/access/presenter-slots). */
  g_object_set (hub->server, "max-clients", 2, "trust-local", FALSE, NULL);
  one = test_peer_open_stream (hub->port, NULL);
  two = test_peer_open_stream (hub->port, NULL);
  test_peer_hello_id (one);
  test_peer_hello_id (two);

  /* 200, a long retry, a named event and a clean end: EventSource comes
   * back later instead of giving up for good. */
  turned_away = test_peer_open_stream (hub->port, NULL);
  g_assert_true (test_pump_until (test_peer_closed, turned_away, 5000));
  g_assert_cmpuint (turned_away->status, ==, 200);
  g_assert_nonnull (strstr (turned_away->body->str, "event: full\n"));
  retry = g_ptr_array_index (turned_away->frames, 0);
  g_assert_cmpint (retry->retry, >=, 22500);
  {
    g_autofree char *repeated = g_strdup_printf ("\"retryMs\":%" G_GINT64_FORMAT "}", retry->retry);

    g_assert_true (g_str_has_suffix (test_peer_find_event (turned_away, "full", 0)->data, repeated));
  }
  g_assert_null (test_peer_find_event (turned_away, "hello", 0));
  g_assert_cmpuint (g_list_model_get_n_items (sse_hub_server_get_clients (hub->server)), ==, 2);

  /* A place that frees up is taken by the next browser (the departure is
   * noticed on the next write, which the keep-alive provides). */
  g_object_set (hub->server, "keepalive-interval", 1, NULL);
  test_peer_close (two);
  g_assert_true (test_wait_n_clients (hub, 1));
  g_clear_pointer (&turned_away, test_peer_free);
  turned_away = test_peer_open_stream (hub->port, NULL);
  test_peer_hello_id (turned_away);
}

static void
test_disconnects (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) clean = test_peer_open_stream (hub->port, NULL);
  g_autoptr(TestPeer) reset = test_peer_open_stream (hub->port, NULL);
  g_autoptr(TestPeer) stays = test_peer_open_stream (hub->port, NULL);
  g_autoptr(SseHubClient) remaining = NULL;
  guint64 stays_id;
  guint keepalive;
  gint64 started;

  test_peer_hello_id (clean);
  test_peer_hello_id (reset);
  stays_id = test_peer_hello_id (stays);
  g_assert_true (test_wait_n_clients (hub, 3));

  /* Departures are noticed without waiting for a write: well before the
   * first keep-alive, and with nothing else to send once the `client`
   * event of the arrivals is out. */
  g_assert_nonnull (test_peer_wait_event (stays, "client", 0, 5000));
  test_pump (500);
  g_object_get (hub->server, "keepalive-interval", &keepalive, NULL);
  g_assert_cmpuint (keepalive, >=, 15);
  started = g_get_monotonic_time ();
  test_peer_close (clean);
  test_peer_reset (reset);
  g_assert_true (test_wait_n_clients (hub, 1));
  g_assert_cmpint (g_get_monotonic_time () - started, <, keepalive * G_USEC_PER_SEC);

  remaining = g_list_model_get_item (sse_hub_server_get_clients (hub->server), 0);
  g_assert_cmpuint (sse_hub_client_get_id (remaining), ==, stays_id);
  g_assert_cmpstr (sse_hub_client_get_user_agent (remaining), ==, "hub-test");
  g_assert_cmpstr (sse_hub_client_get_remote_address (remaining), ==, "127.0.0.1");
  g_assert_cmpuint (sse_hub_client_get_events_sent (remaining), >=, 2);
}

/* Drop All ends every stream and Disconnect exactly one; both are logged
 * before what they cause. */
static void
test_drop_and_disconnect (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) first = test_peer_open_stream (hub->port, NULL);
  g_autoptr(TestPeer) second = test_peer_open_stream (hub->port, NULL);
  g_autoptr(TestPeer) third = test_peer_open_stream (hub->port, NULL);
  GListModel *clients = sse_hub_server_get_clients (hub->server);
  SseHubEventLog *log = sse_hub_server_get_log (hub->server);
  g_autoptr(SseHubClient) victim = NULL;
  guint64 victim_id;

  test_peer_hello_id (first);
  victim_id = test_peer_hello_id (second);
  test_peer_hello_id (third);
  g_assert_cmpuint (g_list_model_get_n_items (clients), ==, 3);

  victim = g_list_model_get_item (clients, 1);
  g_assert_cmpuint (sse_hub_client_get_id (victim), ==, victim_id);
  g_assert_cmpuint (sse_hub_server_disconnect_client (hub->server, victim), ==, 1);
  g_assert_true (test_pump_until (test_peer_closed, second, 5000));
  test_pump (200);
  g_assert_false (first->closed);
  g_assert_false (third->closed);
  g_assert_cmpuint (g_list_model_get_n_items (clients), ==, 2);
  g_assert_cmpint (test_log_position (log, "disconnect", "client"), >=, 0);
  /* Gone already: nothing more to do or log. */
  g_assert_cmpuint (sse_hub_server_disconnect_client (hub->server, victim), ==, 0);

  g_assert_cmpuint (sse_hub_server_drop_all_clients (hub->server), ==, 2);
  g_assert_true (test_pump_until (test_peer_closed, first, 5000));
  g_assert_true (test_pump_until (test_peer_closed, third, 5000));
  g_assert_cmpuint (g_list_model_get_n_items (clients), ==, 0);
  g_assert_nonnull (strstr (test_find_log_text (log, SSE_HUB_LOG_NOTICE, "drop-all"),
                            "dropped all 2 connections"));
}

/* A presenter's named event: queued for every client as is, never merged
 * with another. */
static void
test_custom_event (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) peer = test_peer_open_stream (hub->port, NULL);
  TestFrame *frame;

  test_peer_hello_id (peer);
  sse_hub_server_publish (hub->server, SSE_HUB_LOG_NOTICE, "quiz", "q1", "Which port?\nA or B");
  sse_hub_server_publish (hub->server, SSE_HUB_LOG_NOTICE, "quiz", NULL, "second");
  frame = test_peer_wait_event (peer, "quiz", 1, 5000);
  g_assert_nonnull (frame);
  g_assert_cmpstr (frame->data, ==, "second");
  frame = test_peer_find_event (peer, "quiz", 0);
  g_assert_cmpstr (frame->id, ==, "q1");
  g_assert_cmpstr (frame->data, ==, "Which port?\nA or B");
  g_assert_nonnull (test_find_log_text (sse_hub_server_get_log (hub->server), SSE_HUB_LOG_NOTICE,
                                   "quiz"));
}

/* EventSource keeps the last id for every later event: an id-less event
 * after one with an id carries the list's revision, so a page tells a
 * repeated id from none; the next id-less one needs no id. */
static void
test_custom_event_id_after_id (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) peer = test_peer_open_stream (hub->port, NULL);
  g_autofree char *revision = NULL;

  test_hub_add (hub, "Ada", 36);
  revision = g_strdup_printf ("%" G_GUINT64_FORMAT,
                              sse_hub_person_store_get_revision (hub->store));
  test_peer_hello_id (peer);
  g_assert_true (sse_hub_server_send_custom_event (hub->server, "quiz", "7", "a", NULL));
  g_assert_true (sse_hub_server_send_custom_event (hub->server, "quiz", NULL, "b", NULL));
  g_assert_true (sse_hub_server_send_custom_event (hub->server, "quiz", "", "c", NULL));
  g_assert_nonnull (test_peer_wait_event (peer, "quiz", 2, 5000));
  g_assert_cmpstr (test_peer_find_event (peer, "quiz", 0)->id, ==, "7");
  g_assert_cmpstr (test_peer_find_event (peer, "quiz", 1)->id, ==, revision);
  g_assert_null (test_peer_find_event (peer, "quiz", 2)->id);
  g_assert_cmpstr (test_peer_last_event_id (peer), ==, revision);
}

/* ------------------------------------------------------------------------ */
/* A fan-out on its own, with streams over socket pairs                     */

typedef struct
{
  SseHubFanout *fanout;
  GPtrArray    *added;     /* SseHubClient (ref) */
  GPtrArray    *removed;   /* SseHubClient (ref) */
  guint         notifies;
} Watch;

static void
on_added (SseHubFanout *fanout,
          SseHubClient *client,
          Watch        *watch)
{
  g_ptr_array_add (watch->added, g_object_ref (client));
}

static void
on_removed (SseHubFanout *fanout,
            SseHubClient *client,
            Watch        *watch)
{
  /* Off the books before anyone hears of it. */
  g_assert_cmpuint (sse_hub_fanout_get_n_clients (fanout), ==, watch->added->len -
                    watch->removed->len - 1);
  g_ptr_array_add (watch->removed, g_object_ref (client));
}

static void
on_notify (SseHubFanout *fanout,
           GParamSpec   *pspec,
           Watch        *watch)
{
  watch->notifies++;
}

/* A stream whose far end is returned as a plain descriptor. */
static SseHubClient *
pair_client (guint64  id,
             int     *far_end)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  socket = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  connection = g_socket_connection_factory_create_connection (socket);
  *far_end = fds[1];

  return sse_hub_client_new (id, "127.0.0.1", "test", G_IO_STREAM (connection), socket);
}

/* Everything the far end can read now, appended to bytes. */
static void
drain (int      fd,
       GString *bytes)
{
  char buffer[65536];
  ssize_t n;

  while ((n = recv (fd, buffer, sizeof buffer, MSG_DONTWAIT)) > 0)
    g_string_append_len (bytes, buffer, n);
}

static gboolean
removed_count_is (gpointer data)
{
  Watch *watch = data;

  return watch->removed->len == 1;
}

static void
test_signals_and_n_clients (void)
{
  g_autoptr(SseHubPersonStore) store = sse_hub_person_store_new (NULL);
  g_autoptr(SseHubEventLog) log = sse_hub_event_log_new (100);
  Watch watch = { 0 };
  SseHubClient *first;
  SseHubClient *second;
  int far[2];
  g_autoptr(GError) error = NULL;

  watch.fanout = sse_hub_fanout_new (store, log);
  watch.added = g_ptr_array_new_with_free_func (g_object_unref);
  watch.removed = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (watch.fanout, "stream-added", G_CALLBACK (on_added), &watch);
  g_signal_connect (watch.fanout, "stream-removed", G_CALLBACK (on_removed), &watch);
  g_signal_connect (watch.fanout, "notify::n-clients", G_CALLBACK (on_notify), &watch);
  g_assert_true (sse_hub_fanout_start (watch.fanout, &error));
  g_assert_no_error (error);

  first = pair_client (1, &far[0]);
  second = pair_client (2, &far[1]);
  sse_hub_fanout_add (watch.fanout, first);
  sse_hub_fanout_add (watch.fanout, second);
  g_assert_cmpuint (watch.added->len, ==, 2);
  g_assert_true (watch.added->pdata[0] == first);
  g_assert_cmpuint (watch.notifies, ==, 2);
  g_assert_cmpuint (sse_hub_fanout_get_n_clients (watch.fanout), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (sse_hub_fanout_get_clients (watch.fanout)), ==, 2);

  /* A browser that hangs up is noticed without any write. */
  close (far[0]);
  g_assert_true (test_pump_until (removed_count_is, &watch, 5000));
  g_assert_true (watch.removed->pdata[0] == first);
  g_assert_cmpuint (sse_hub_fanout_get_n_clients (watch.fanout), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (sse_hub_fanout_get_clients (watch.fanout)), ==, 1);

  /* Stopping ends every stream, and says so for each. */
  sse_hub_fanout_stop (watch.fanout);
  g_assert_cmpuint (watch.removed->len, ==, 2);
  g_assert_true (watch.removed->pdata[1] == second);
  g_assert_cmpuint (sse_hub_fanout_get_n_clients (watch.fanout), ==, 0);
  g_assert_cmpuint (watch.notifies, ==, 4);
  close (far[1]);

  g_clear_pointer (&watch.added, g_ptr_array_unref);
  g_clear_pointer (&watch.removed, g_ptr_array_unref);
  g_assert_finalize_object (watch.fanout);
  g_assert_finalize_object (first);
  g_assert_finalize_object (second);
}

/* A stream that stopped reading has an id list queued when a new person
 * list is published: the list goes ahead of it. */
static void
test_list_passes_queued_ids (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(SseHubEventLog) log = sse_hub_event_log_new (100);
  g_autoptr(SseHubFanout) fanout = sse_hub_fanout_new (hub->store, log);
  g_autoptr(SseHubClient) stalled = NULL;
  g_autoptr(SseHubClient) newcomer = NULL;
  g_autoptr(GString) bytes = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *filler = g_strnfill (4000, 'x');
  g_autofree char *list_id = NULL;
  const char *list_at;
  const char *ids_at;
  int far[2];

  g_assert_true (sse_hub_fanout_start (fanout, &error));
  stalled = pair_client (1, &far[0]);
  sse_hub_fanout_add (fanout, stalled);

  /* Named events until the socket is full and frames wait in the hub. */
  while (sse_hub_client_get_bytes_queued (stalled) == 0)
    sse_hub_fanout_publish (fanout, SSE_HUB_LOG_NOTICE, "filler", NULL, filler);

  /* A newcomer's `client` event is queued behind them, then a change. */
  newcomer = pair_client (2, &far[1]);
  sse_hub_fanout_add (fanout, newcomer);
  test_pump (400);
  drain (far[1], bytes);
  g_assert_nonnull (strstr (bytes->str, "event: client\ndata: [1,2]\n"));
  g_string_truncate (bytes, 0);
  test_hub_add (hub, "after the storm", 30);
  sse_hub_fanout_revision_changed (fanout);
  test_pump (50);

  /* The reader comes back. */
  for (guint i = 0; i < 200 && strstr (bytes->str, "event: client") == NULL; i++)
    {
      drain (far[0], bytes);
      test_pump (5);
    }
  list_id = g_strdup_printf ("id: %" G_GUINT64_FORMAT "\n",
                             sse_hub_person_store_get_revision (hub->store));
  list_at = strstr (bytes->str, list_id);
  ids_at = strstr (bytes->str, "event: client\ndata: [1,2]\n");
  g_assert_nonnull (list_at);
  g_assert_nonnull (ids_at);
  g_assert_true (list_at < ids_at);

  sse_hub_fanout_stop (fanout);
  close (far[0]);
  close (far[1]);
}

/* ------------------------------------------------------------------------ */
/* Through the server                                                       */

static guint
n_clients (TestHub *hub)
{
  return g_list_model_get_n_items (sse_hub_server_get_clients (hub->server));
}

static gboolean
no_clients (gpointer data)
{
  return n_clients (data) == 0;
}

/* The address's one slot is free again once its stream has gone: access
 * hears of it from the fan-out. */
static void
test_slot_freed_on_departure (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) first = NULL;
  g_autoptr(TestPeer) refused = NULL;
  g_autoptr(TestPeer) again = NULL;

  /* On loopback everyone is the presenter unless told otherwise. */
  g_object_set (hub->server, "trust-local", FALSE, "max-streams-per-address", 1, NULL);

  first = test_peer_open_stream (hub->port, NULL);
  g_assert_nonnull (test_peer_wait_event (first, "hello", 0, 5000));
  refused = test_peer_open_stream (hub->port, NULL);
  g_assert_nonnull (test_peer_wait_event (refused, "full", 0, 5000));

  test_peer_close (first);
  g_assert_true (test_pump_until (no_clients, hub, 5000));

  again = test_peer_open_stream (hub->port, NULL);
  g_assert_nonnull (test_peer_wait_event (again, "hello", 0, 5000));
  g_assert_null (test_peer_find_event (again, "full", 0));
}

#define STORM 40

typedef struct
{
  TestPeer **peers;
  guint64    last_id;
} StormWait;

static gboolean
first_knows_everyone (gpointer data)
{
  StormWait *wait = data;
  guint n = test_peer_count_events (wait->peers[0], "client");
  TestFrame *frame = n > 0 ? test_peer_find_event (wait->peers[0], "client", n - 1) : NULL;
  g_autofree char *last = g_strdup_printf (",%" G_GUINT64_FORMAT "]", wait->last_id);

  return frame != NULL && g_str_has_suffix (frame->data, last);
}

/* Where the first frame with data and this event name (NULL: unnamed)
 * is in what peer received, or G_MAXINT. */
static gint
frame_index (TestPeer   *peer,
             const char *event)
{
  for (guint i = 0; i < peer->frames->len; i++)
    {
      TestFrame *frame = g_ptr_array_index (peer->frames, i);

      if (frame->data != NULL && g_strcmp0 (frame->event, event) == 0)
        return i;
    }
  return G_MAXINT;
}

/* Everyone connects at once: each gets hello and the list first, and every
 * `client` event is a whole array of distinct ids, the last naming all. */
static void
test_storm_ids_whole (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  TestPeer *peers[STORM];
  StormWait wait = { peers, 0 };

  for (guint i = 0; i < STORM; i++)
    peers[i] = test_peer_open_stream (hub->port, NULL);
  for (guint i = 0; i < STORM; i++)
    g_assert_nonnull (test_peer_wait_event (peers[i], "hello", 0, 5000));
  wait.last_id = test_peer_hello_id (peers[STORM - 1]);
  g_assert_true (test_pump_until (first_knows_everyone, &wait, 10000));

  for (guint i = 0; i < STORM; i++)
    {
      gint hello_at = frame_index (peers[i], "hello");
      gint list_at = frame_index (peers[i], NULL);
      gint ids_at = frame_index (peers[i], "client");

      g_assert_cmpint (hello_at, >=, 0);
      g_assert_cmpint (hello_at, <, list_at);
      g_assert_cmpint (list_at, <, ids_at);

      for (guint k = 0; k < test_peer_count_events (peers[i], "client"); k++)
        {
          TestFrame *frame = test_peer_find_event (peers[i], "client", k);
          g_autoptr(JsonNode) node = json_from_string (frame->data, NULL);
          g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
          JsonArray *ids;

          g_assert_nonnull (node);
          g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
          ids = json_node_get_array (node);
          for (guint j = 0; j < json_array_get_length (ids); j++)
            {
              JsonNode *id = json_array_get_element (ids, j);

              g_assert_cmpint (json_node_get_value_type (id), ==, G_TYPE_INT64);
              g_assert_true (g_hash_table_add (seen, GSIZE_TO_POINTER (json_node_get_int (id))));
            }
        }
    }

  for (guint i = 0; i < STORM; i++)
    test_peer_free (peers[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/broadcast", test_broadcast);
  g_test_add_func ("/server/client-events", test_client_events);
  g_test_add_func ("/server/connect-storm", test_connect_storm);
  g_test_add_func ("/server/last-event-id", test_last_event_id);
  g_test_add_func ("/server/keepalive", test_keepalive);
  g_test_add_func ("/server/slow-reader-dropped", test_slow_reader_dropped);
  g_test_add_func ("/server/full-hub", test_full_hub);
  g_test_add_func ("/server/disconnects", test_disconnects);
  g_test_add_func ("/server/teach/drop-and-disconnect", test_drop_and_disconnect);
  g_test_add_func ("/server/teach/custom-event", test_custom_event);
  g_test_add_func ("/server/teach/custom-event-id-after-id", test_custom_event_id_after_id);
  g_test_add_func ("/fanout/signals-and-n-clients", test_signals_and_n_clients);
  g_test_add_func ("/fanout/list-passes-queued-ids", test_list_passes_queued_ids);
  g_test_add_func ("/fanout/slot-freed-on-departure", test_slot_freed_on_departure);
  g_test_add_func ("/fanout/storm-ids-whole", test_storm_ids_whole);

  return g_test_run ();
}
