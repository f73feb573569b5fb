/* SPDX-License-Identifier: GPL-3.0-or-later */

/* SseHubServerProxy's quick calls and forwarded limits, each checked on
 * the wire: a hub whose loopback requests are the audience's (trust-local
 * off), so that its streams and posts belong to one computer the presenter
 * can block and clear; a custom event; the transport cost; the join URLs;
 * the store's max-persons. */

#include "hub-test.h"
#include "proxy-test.h"
#include "sse-hub-server-proxy.h"
#include "sse-hub-wire.h"

#define COMPUTER "127.0.0.1"

typedef TestProxy Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  test_proxy_set_up (fixture, FALSE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  test_proxy_tear_down (fixture);
}

static guint
post (guint       port,
      const char *name)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"age\":20}", name);
  g_autoptr(TestResponse) response = test_http_post (port, TEST_JSON, body, -1);

  return response->status;
}

static char *
names_of (GListModel *persons)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (persons); i++)
    {
      g_autoptr(SseHubPerson) person = g_list_model_get_item (persons, i);

      g_string_append_printf (names, "%s%s", i > 0 ? "," : "",
                              sse_hub_person_get_name (person));
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

typedef struct
{
  GListModel *persons;
  const char *names;
} NamesWait;

static gboolean
names_are (gpointer data)
{
  NamesWait *wait = data;
  g_autofree char *names = names_of (wait->persons);

  return g_str_equal (names, wait->names);
}

static void
wait_names (GListModel *persons,
            const char *names)
{
  NamesWait wait = { persons, names };
  g_autofree char *found = NULL;

  if (!test_pump_until (names_are, &wait, 10000))
    {
      found = names_of (persons);
      g_assert_cmpstr (found, ==, names);
    }
}

/* Blocked and unblocked, its persons removed, then brought back. */
static void
test_computers (Fixture       *fixture,
                gconstpointer  data)
{
  SseHubServerProxy *proxy = fixture->proxy;
  GListModel *persons = sse_hub_server_proxy_get_persons (proxy);
  g_autoptr(TestPeer) first = test_peer_open_stream (fixture->port, NULL);
  g_autoptr(TestPeer) second = test_peer_open_stream (fixture->port, NULL);
  g_autoptr(GPtrArray) counts = NULL;
  g_autoptr(GPtrArray) removed = NULL;
  g_autoptr(SseHubPerson) presenter = NULL;
  g_auto(GStrv) blocked = NULL;
  g_auto(GStrv) none = NULL;
  GAsyncResult *result = NULL;
  SseHubComputerStreams *top;

  g_assert_nonnull (test_peer_wait_event (first, "hello", 0, 10000));
  g_assert_nonnull (test_peer_wait_event (second, "hello", 0, 10000));
  counts = sse_hub_server_proxy_dup_computer_streams (proxy);
  g_assert_cmpuint (counts->len, ==, 1);
  top = g_ptr_array_index (counts, 0);
  g_assert_cmpstr (top->computer, ==, COMPUTER);
  g_assert_cmpuint (top->streams, ==, 2);

  g_assert_cmpuint (post (fixture->port, "A"), ==, 200);
  presenter = test_proxy_add (proxy, "Presenter", 30, NULL);
  g_assert_nonnull (presenter);
  g_assert_cmpuint (post (fixture->port, "B"), ==, 200);
  wait_names (persons, "A,Presenter,B");

  sse_hub_server_proxy_block_computer (proxy, COMPUTER);
  blocked = sse_hub_server_proxy_dup_blocked_computers (proxy);
  g_assert_cmpstrv (blocked, ((const char *[]) { COMPUTER, NULL }));
  g_assert_true (test_pump_until (test_peer_closed, first, 10000));
  g_assert_true (test_pump_until (test_peer_closed, second, 10000));
  g_assert_cmpuint (post (fixture->port, "Eve"), ==, 403);
  sse_hub_server_proxy_unblock_computer (proxy, COMPUTER);
  none = sse_hub_server_proxy_dup_blocked_computers (proxy);
  g_assert_cmpstrv (none, ((const char *[]) { NULL }));

  /* The computer's persons go, and come back with Undo. */
  sse_hub_server_proxy_remove_computer_persons_async (proxy, COMPUTER, NULL, test_keep_result,
                                                      &result);
  removed = sse_hub_server_proxy_remove_computer_persons_finish (proxy, test_wait_result (&result),
                                                                 NULL);
  g_clear_object (&result);
  g_assert_cmpuint (removed->len, ==, 2);
  wait_names (persons, "Presenter");
  for (guint i = 0; i < removed->len; i++)
    {
      g_autoptr(SseHubPerson) back = NULL;

      sse_hub_server_proxy_restore_person_async (proxy, g_ptr_array_index (removed, i), NULL,
                                                 test_keep_result, &result);
      back = sse_hub_server_proxy_add_person_finish (proxy, test_wait_result (&result), NULL);
      g_clear_object (&result);
      g_assert_cmpstr (sse_hub_person_get_added_by (back), ==, COMPUTER);
    }
  wait_names (persons, "Presenter,A,B");
}

static gboolean
got_quiz (gpointer data)
{
  return test_peer_find_event (data, "quiz", 0) != NULL;
}

/* Validated on the hub, the answer back at once; sent to every page. */
static void
test_custom_event (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(TestPeer) peer = test_peer_open_stream (fixture->port, NULL);
  g_autoptr(GError) error = NULL;
  TestFrame *frame;

  g_assert_nonnull (test_peer_wait_event (peer, "hello", 0, 10000));
  g_assert_false (sse_hub_server_proxy_send_custom_event (fixture->proxy, "two\nlines", NULL,
                                                          "x", &error));
  g_assert_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_EVENT_NAME);
  g_assert_true (sse_hub_server_proxy_send_custom_event (fixture->proxy, "quiz", "7",
                                                         "Which port?", NULL));
  g_assert_true (test_pump_until (got_quiz, peer, 10000));
  frame = test_peer_find_event (peer, "quiz", 0);
  g_assert_cmpstr (frame->id, ==, "7");
  g_assert_cmpstr (frame->data, ==, "Which port?");
}

/* The cost of the list as it is, the URLs as bound, nothing once stopped. */
static void
test_cost_and_urls (Fixture       *fixture,
                    gconstpointer  data)
{
  SseHubServerProxy *proxy = fixture->proxy;
  g_autoptr(TestPeer) peer = test_peer_open_stream (fixture->port, NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", fixture->port);
  g_auto(GStrv) urls = NULL;
  g_auto(GStrv) stopped = NULL;
  g_autoptr(SseHubPerson) person = NULL;
  SseHubTransportCost before;
  SseHubTransportCost after;

  g_assert_nonnull (test_peer_wait_event (peer, "hello", 0, 10000));
  sse_hub_server_proxy_get_transport_cost (proxy, &before);
  g_assert_cmpuint (before.sse_clients, ==, 1);
  g_assert_cmpuint (before.ws_clients, ==, 0);
  person = test_proxy_add (proxy, "Costly", 30, NULL);
  sse_hub_server_proxy_get_transport_cost (proxy, &after);
  g_assert_cmpuint (after.sse_bytes, >, before.sse_bytes);
  g_assert_cmpuint (after.ws_bytes, >, before.ws_bytes);

  urls = sse_hub_server_proxy_dup_urls (proxy);
  g_assert_true (g_strv_contains ((const char * const *) urls, url));
  sse_hub_server_proxy_stop (proxy);
  g_assert_false (sse_hub_server_proxy_get_running (proxy));
  stopped = sse_hub_server_proxy_dup_urls (proxy);
  g_assert_cmpuint (g_strv_length (stopped), ==, 0);
}

/* The store's limit, set on the proxy, holds for both paths. */
static void
test_max_persons (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(SseHubPerson) first = NULL;
  g_autoptr(SseHubPerson) second = NULL;
  g_autoptr(SseHubPerson) third = NULL;
  g_autoptr(GError) error = NULL;

  g_object_set (fixture->proxy, "max-persons", 2, NULL);
  first = test_proxy_add (fixture->proxy, "One", 30, NULL);
  second = test_proxy_add (fixture->proxy, "Two", 30, NULL);
  g_assert_nonnull (second);
  third = test_proxy_add (fixture->proxy, "Three", 30, &error);
  g_assert_null (third);
  g_assert_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_STORE_FULL);
  g_assert_cmpuint (post (fixture->port, "Four"), ==, 507);
  g_assert_cmpuint (g_list_model_get_n_items (sse_hub_server_proxy_get_persons (fixture->proxy)),
                    ==, 2);
}

static void
count_changes (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               GArray     *changes)
{
  guint change[3] = { position, removed, added };

  g_array_append_vals (changes, change, 3);
}

static gboolean
has_n_items (gpointer model)
{
  return g_list_model_get_n_items (model) == 6;
}

/* The hub ends the streams one by one, in no particular order; the window
 * gets one splice for them all. */
static void
test_drop_all_one_splice (Fixture       *fixture,
                          gconstpointer  data)
{
  GListModel *clients = sse_hub_server_proxy_get_clients (fixture->proxy);
  g_autoptr(GPtrArray) peers = g_ptr_array_new_with_free_func ((GDestroyNotify) test_peer_free);
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < 6; i++)
    {
      g_ptr_array_add (peers, test_peer_open_stream (fixture->port, NULL));
      g_assert_nonnull (test_peer_wait_event (g_ptr_array_index (peers, i), "hello", 0, 10000));
    }
  g_assert_true (test_pump_until (has_n_items, clients, 10000));

  g_signal_connect (clients, "items-changed", G_CALLBACK (count_changes), changes);
  g_assert_cmpuint (sse_hub_server_proxy_drop_all_clients (fixture->proxy), ==, 6);
  g_assert_cmpuint (g_list_model_get_n_items (clients), ==, 0);
  g_assert_cmpuint (changes->len, ==, 3);
  g_assert_cmpuint (g_array_index (changes, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (changes, guint, 1), ==, 6);
  g_assert_cmpuint (g_array_index (changes, guint, 2), ==, 0);
  g_signal_handlers_disconnect_by_data (clients, changes);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/server-proxy-calls/computers", Fixture, NULL, fixture_set_up, test_computers,
              fixture_tear_down);
  g_test_add ("/server-proxy-calls/custom-event", Fixture, NULL, fixture_set_up,
              test_custom_event, fixture_tear_down);
  g_test_add ("/server-proxy-calls/cost-and-urls", Fixture, NULL, fixture_set_up,
              test_cost_and_urls, fixture_tear_down);
  g_test_add ("/server-proxy-calls/max-persons", Fixture, NULL, fixture_set_up,
              test_max_persons, fixture_tear_down);
  g_test_add ("/server-proxy-calls/drop-all-one-splice", Fixture, NULL, fixture_set_up,
              test_drop_all_one_splice, fixture_tear_down);
  return g_test_run ();
}
