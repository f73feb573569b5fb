/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The presenter's power over one computer, against a real hub whose
 * loopback requests are the audience's (trust-local off): its streams
 * counted and closed, its streams and posts refused while blocked, the
 * persons it added removed and brought back. */
#include <string.h>

#include "hub-test.h"

#define COMPUTER "127.0.0.1"

static TestHub *
audience_hub (void)
{
  TestHub *hub = test_hub_new ();

  g_object_set (hub->server, "trust-local", FALSE, NULL);
  return hub;
}

static guint
post (TestHub    *hub,
      const char *name)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"age\":20}", name);
  g_autoptr(TestResponse) response = test_http_post (hub->port, TEST_JSON, body, -1);

  return response->status;
}

static void
test_block (void)
{
  g_autoptr(TestHub) hub = audience_hub ();
  g_autoptr(TestPeer) first = test_peer_open_stream (hub->port, NULL);
  g_autoptr(TestPeer) second = test_peer_open_stream (hub->port, NULL);
  g_autoptr(TestPeer) refused = NULL;
  g_autoptr(GPtrArray) counts = NULL;
  g_auto(GStrv) blocked = NULL;
  SseHubComputerStreams *top;

  g_assert_nonnull (test_peer_wait_event (first, "hello", 0, 5000));
  g_assert_nonnull (test_peer_wait_event (second, "hello", 0, 5000));
  counts = sse_hub_server_dup_computer_streams (hub->server);
  g_assert_cmpuint (counts->len, ==, 1);
  top = g_ptr_array_index (counts, 0);
  g_assert_cmpstr (top->computer, ==, COMPUTER);
  g_assert_cmpuint (top->streams, ==, 2);

  sse_hub_server_block_computer (hub->server, COMPUTER);
  blocked = sse_hub_server_dup_blocked_computers (hub->server);
  g_assert_cmpstrv (blocked, ((const char *[]) { COMPUTER, NULL }));

  /* Its streams close, new ones and its posts are refused. */
  g_assert_true (test_pump_until (test_peer_closed, first, 5000));
  g_assert_true (test_pump_until (test_peer_closed, second, 5000));
  g_assert_cmpuint (g_list_model_get_n_items (sse_hub_server_get_clients (hub->server)), ==, 0);
  refused = test_peer_open_stream (hub->port, NULL);
  g_assert_true (test_pump_until (test_peer_closed, refused, 5000));
  g_assert_cmpuint (refused->status, ==, 403);
  g_assert_cmpuint (post (hub, "Eve"), ==, 403);

  sse_hub_server_unblock_computer (hub->server, COMPUTER);
  g_assert_false (sse_hub_server_is_computer_blocked (hub->server, COMPUTER));
  g_assert_cmpuint (post (hub, "Eve"), ==, 200);
}

static void
test_remove_its_persons (void)
{
  g_autoptr(TestHub) hub = audience_hub ();
  GListModel *persons = G_LIST_MODEL (hub->store);
  GAsyncResult *result = NULL;
  g_autoptr(GPtrArray) removed = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (post (hub, "A"), ==, 200);
  test_hub_add (hub, "Presenter", 40);
  g_assert_cmpuint (post (hub, "B"), ==, 200);

  {
    g_autoptr(SseHubPerson) first = g_list_model_get_item (persons, 0);
    g_autoptr(SseHubPerson) own = g_list_model_get_item (persons, 1);

    g_assert_cmpstr (sse_hub_person_get_added_by (first), ==, COMPUTER);
    g_assert_null (sse_hub_person_get_added_by (own));
  }

  sse_hub_server_remove_computer_persons_async (hub->server, COMPUTER, NULL, test_keep_result, &result);
  removed = sse_hub_server_remove_computer_persons_finish (hub->server, test_wait_result (&result),
                                                           &error);
  g_clear_object (&result);
  g_assert_no_error (error);
  g_assert_cmpuint (removed->len, ==, 2);
  g_assert_cmpstr (sse_hub_person_get_name (g_ptr_array_index (removed, 0)), ==, "A");
  g_assert_cmpstr (sse_hub_person_get_name (g_ptr_array_index (removed, 1)), ==, "B");
  g_assert_cmpuint (g_list_model_get_n_items (persons), ==, 1);

  /* Undo: they come back, still the computer's. */
  for (guint i = 0; i < removed->len; i++)
    {
      g_autoptr(SseHubPerson) back = NULL;

      sse_hub_server_restore_person_async (hub->server, g_ptr_array_index (removed, i), NULL,
                                           test_keep_result, &result);
      back = sse_hub_server_add_person_finish (hub->server, test_wait_result (&result), &error);
      g_clear_object (&result);
      g_assert_no_error (error);
      g_assert_cmpstr (sse_hub_person_get_added_by (back), ==, COMPUTER);
    }
  g_assert_cmpuint (g_list_model_get_n_items (persons), ==, 3);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/computers/block", test_block);
  g_test_add_func ("/computers/remove-its-persons", test_remove_its_persons);

  return g_test_run ();
}
