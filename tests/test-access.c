/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Access: on loopback everyone is the presenter's machine, but a page from
 * another origin open on it is audience, so these rules show here too. */
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/socket.h>

#include "hub-test.h"
#include "sse-hub-client.h"
#include "sse-hub-wire.h"

static TestResponse *
post_with_headers (guint       port,
                   const char *extra_headers,
                   const char *body)
{
  return test_post_json_to (port, "/addPerson", extra_headers, body);
}

static TestResponse *
get_with_host (guint       port,
               const char *path,
               const char *host)
{
  g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: %s\r\n"
                                              "Connection: close\r\n\r\n", path, host);

  return test_http_raw (port, request, strlen (request));
}

static void
assert_posts_stored (guint       port,
                     const char *extra_headers,
                     guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TestResponse) ok = post_with_headers (port, extra_headers,
                                                      "{\"name\":\"a\",\"age\":1}");

      g_assert_cmpuint (ok->status, ==, 200);
    }
}

/* The event a stream was answered with first: "hello" or "full". */
static const char *
first_event (TestPeer *peer)
{
  TestFrame *frame = NULL;

  for (guint i = 0; frame == NULL && i < 100; i++)
    {
      frame = test_peer_find_event (peer, "hello", 0);
      if (frame == NULL)
        frame = test_peer_find_event (peer, "full", 0);
      if (frame == NULL)
        test_pump (50);
    }
  g_assert_nonnull (frame);

  return frame->event;
}

static void
test_presenter_slots (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(GPtrArray) peers = g_ptr_array_new_with_free_func ((GDestroyNotify) test_peer_free);
  TestPeer *late;
  TestPeer *one_too_many;

  g_object_set (hub->server, "max-clients", 2, "max-streams-per-address", 0, NULL);
  for (guint i = 0; i < 2; i++)
    {
      g_ptr_array_add (peers, test_peer_open_stream (hub->port, TEST_FOREIGN_ORIGIN));
      g_assert_cmpstr (first_event (g_ptr_array_index (peers, i)), ==, "hello");
    }
  late = test_peer_open_stream (hub->port, TEST_FOREIGN_ORIGIN);
  g_ptr_array_add (peers, late);
  g_assert_cmpstr (first_event (late), ==, "full");
  g_assert_nonnull (strstr (test_peer_find_event (late, "full", 0)->data, "\"reason\":\"full\""));

  /* The audience has every slot; the projector still connects. */
  for (guint i = 0; i < SSE_HUB_PRESENTER_STREAM_SLOTS; i++)
    {
      TestPeer *own = test_peer_open_stream (hub->port, NULL);

      g_ptr_array_add (peers, own);
      g_assert_cmpstr (first_event (own), ==, "hello");
    }
  one_too_many = test_peer_open_stream (hub->port, NULL);
  g_ptr_array_add (peers, one_too_many);
  g_assert_cmpstr (first_event (one_too_many), ==, "full");
  g_assert_cmpuint (g_list_model_get_n_items (sse_hub_server_get_clients (hub->server)), ==,
                    2 + SSE_HUB_PRESENTER_STREAM_SLOTS);

  /* A slot the presenter gives back is the presenter's again. */
  test_peer_close (g_ptr_array_index (peers, 3));
  g_assert_true (test_wait_n_clients (hub, 1 + SSE_HUB_PRESENTER_STREAM_SLOTS));
  g_ptr_array_add (peers, test_peer_open_stream (hub->port, NULL));
  g_assert_cmpstr (first_event (g_ptr_array_index (peers, peers->len - 1)), ==, "hello");
}

static void
test_streams_per_address (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) one = NULL;
  g_autoptr(TestPeer) two = NULL;
  g_autoptr(TestPeer) three = NULL;
  g_autoptr(TestPeer) own = NULL;
  g_autoptr(TestPeer) again = NULL;
  SseHubEventLog *log = sse_hub_server_get_log (hub->server);

  g_object_set (hub->server, "max-streams-per-address", 2, NULL);
  one = test_peer_open_stream (hub->port, TEST_FOREIGN_ORIGIN);
  two = test_peer_open_stream (hub->port, TEST_FOREIGN_ORIGIN);
  g_assert_cmpstr (first_event (one), ==, "hello");
  g_assert_cmpstr (first_event (two), ==, "hello");

  three = test_peer_open_stream (hub->port, TEST_FOREIGN_ORIGIN);
  g_assert_true (test_pump_until (test_peer_closed, three, 5000));
  g_assert_cmpuint (three->status, ==, 200);
  g_assert_cmpstr (first_event (three), ==, "full");
  g_assert_nonnull (strstr (test_peer_find_event (three, "full", 0)->data,
                            "\"reason\":\"address-full\""));
  g_assert_cmpint (((TestFrame *) g_ptr_array_index (three->frames, 0))->retry, >=, 22500);
  g_assert_nonnull (strstr (test_find_log_text (log, SSE_HUB_LOG_REFUSAL, "address-full"),
                            "127.0.0.1"));

  /* The presenter is not held to it; a stream that ends frees its slot. */
  own = test_peer_open_stream (hub->port, NULL);
  g_assert_cmpstr (first_event (own), ==, "hello");
  test_peer_close (one);
  g_assert_true (test_wait_n_clients (hub, 2));
  again = test_peer_open_stream (hub->port, TEST_FOREIGN_ORIGIN);
  g_assert_cmpstr (first_event (again), ==, "hello");

  /* 0 turns the limit off. */
  g_clear_pointer (&three, test_peer_free);
  g_object_set (hub->server, "max-streams-per-address", 0, NULL);
  three = test_peer_open_stream (hub->port, TEST_FOREIGN_ORIGIN);
  g_assert_cmpstr (first_event (three), ==, "hello");
}

static void
test_origin_rules (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  const char *name = g_get_host_name ();
  g_autofree char *own_ip = g_strdup_printf ("Origin: http://127.0.0.1:%u\r\n", hub->port);
  g_autofree char *own_name = g_strdup_printf ("Origin: http://localhost:%u\r\n", hub->port);
  g_autofree char *own_ipv6 = g_strdup_printf ("Origin: http://[::1]:%u\r\n", hub->port);
  g_autofree char *own_host = g_strdup_printf ("Origin: http://%s.local:%u\r\n", name, hub->port);
  g_autofree char *other_port = g_strdup_printf ("Origin: http://127.0.0.1:%u\r\n", hub->port + 1);
  g_autofree char *other_scheme = g_strdup_printf ("Origin: https://127.0.0.1:%u\r\n", hub->port);
  const char *presenter[] = { "", own_ip, own_name, own_ipv6, own_host };
  const char *audience[] = { TEST_FOREIGN_ORIGIN, other_port, other_scheme, "Origin: null\r\n" };

  g_object_set (hub->server, "allow-audience-writes", FALSE, NULL);

  /* The hub's own pages (no Origin, or the hub's own) write as the
   * presenter; any other origin is audience, refused while writes are off. */
  for (guint i = 0; i < G_N_ELEMENTS (presenter); i++)
    {
      g_autoptr(TestResponse) response = post_with_headers (hub->port, presenter[i],
                                                            "{\"name\":\"own\",\"age\":1}");

      g_test_message ("presenter: %s", presenter[i]);
      g_assert_cmpuint (response->status, ==, 200);
    }
  for (guint i = 0; i < G_N_ELEMENTS (audience); i++)
    {
      g_autoptr(TestResponse) response = post_with_headers (hub->port, audience[i],
                                                            "{\"name\":\"other\",\"age\":1}");

      g_test_message ("audience: %s", audience[i]);
      test_assert_refused (hub, response, 403, NULL);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==,
                    G_N_ELEMENTS (presenter));
  g_assert_nonnull (strstr (test_find_log_text (sse_hub_server_get_log (hub->server),
                                           SSE_HUB_LOG_REFUSAL, "writes-off"), "127.0.0.1"));
}

static void
test_host_check (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autofree char *name = g_strdup (g_get_host_name ());
  g_autofree char *upper_local = g_ascii_strup (name, -1);
  const char *paths[] = { "/", "/connect", "/nowhere", "/addPerson" };
  g_autofree char *own_local = g_strconcat (upper_local, ".LOCAL", NULL);
  const char *own[] = { "localhost", "127.0.0.1", "127.0.0.2", "[::1]", name, own_local };
  const char *foreign[] = { "attacker.example", "127.0.0.1.attacker.example", "localhost.evil",
                            "0.0.0.0", "8.8.8.8", "[2001:db8::1]" };

  for (guint i = 0; i < G_N_ELEMENTS (foreign); i++)
    for (guint j = 0; j < G_N_ELEMENTS (paths); j++)
      {
        g_autofree char *host = g_strdup_printf ("%s:%u", foreign[i], hub->port);
        g_autoptr(TestResponse) response = get_with_host (hub->port, paths[j], host);

        g_test_message ("Host: %s, %s", host, paths[j]);
        test_assert_refused (hub, response, 403, "host");
      }
  g_assert_cmpuint (g_list_model_get_n_items (sse_hub_server_get_clients (hub->server)), ==, 0);
  g_assert_nonnull (test_find_log_text (sse_hub_server_get_log (hub->server),
                                   SSE_HUB_LOG_REFUSAL, "host"));

  for (guint i = 0; i < G_N_ELEMENTS (own); i++)
    {
      g_autofree char *with_port = g_strdup_printf ("%s:%u", own[i], hub->port);
      g_autoptr(TestResponse) response = get_with_host (hub->port, "/", with_port);
      g_autoptr(TestResponse) without_port = get_with_host (hub->port, "/", own[i]);

      g_test_message ("Host: %s", with_port);
      g_assert_cmpuint (response->status, ==, 200);
      g_assert_cmpuint (without_port->status, ==, 200);
    }
}

static gboolean
list_is_empty (gpointer store)
{
  return g_list_model_get_n_items (G_LIST_MODEL (store)) == 0;
}

static void
test_posting_limits (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestResponse) third = NULL;
  g_autoptr(TestResponse) still = NULL;
  g_autoptr(TestResponse) over_budget = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *retry_after = NULL;
  SseHubEventLog *log = sse_hub_server_get_log (hub->server);
  const char *person = "{\"name\":\"a\",\"age\":1}";

  /* A total per address for the life of the hub. */
  g_object_set (hub->server, "rate-limit", 0, "audience-rate-limit", 0,
                "max-persons-per-address", 2, NULL);
  assert_posts_stored (hub->port, TEST_FOREIGN_ORIGIN, 2);
  third = post_with_headers (hub->port, TEST_FOREIGN_ORIGIN, person);
  test_assert_too_many_requests (hub, third);
  node = test_parse_json (third->body);
  g_assert_nonnull (strstr (json_object_get_string_member (json_node_get_object (node), "error"),
                            "added 2 persons"));
  retry_after = test_response_dup_header (third, "Retry-After");
  g_assert_null (retry_after);
  g_assert_nonnull (test_find_log_text (log, SSE_HUB_LOG_REFUSAL, "address-total"));

  /* Clearing the list gives no fresh allowance; the presenter is exempt. */
  sse_hub_server_clear_persons_async (hub->server, NULL, NULL, NULL);
  g_assert_true (test_pump_until (list_is_empty, hub->store, 5000));
  still = post_with_headers (hub->port, TEST_FOREIGN_ORIGIN, person);
  test_assert_refused (hub, still, 429, NULL);
  assert_posts_stored (hub->port, "", 3);

  /* The audience's shared budget: two a minute for everyone. */
  g_object_set (hub->server, "max-persons-per-address", 0, "audience-rate-limit", 2, NULL);
  assert_posts_stored (hub->port, TEST_FOREIGN_ORIGIN, 2);
  over_budget = post_with_headers (hub->port, TEST_FOREIGN_ORIGIN, person);
  test_assert_too_many_requests (hub, over_budget);
  g_clear_pointer (&retry_after, g_free);
  retry_after = test_response_dup_header (over_budget, "Retry-After");
  g_assert_nonnull (retry_after);
  g_assert_cmpuint (g_ascii_strtoull (retry_after, NULL, 10), >=, 29);
  g_assert_cmpuint (g_ascii_strtoull (retry_after, NULL, 10), <=, 30);
  g_assert_nonnull (test_find_log_text (log, SSE_HUB_LOG_REFUSAL, "audience-budget"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 5);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/access/presenter-slots", test_presenter_slots);
  g_test_add_func ("/server/access/streams-per-address", test_streams_per_address);
  g_test_add_func ("/server/access/origin", test_origin_rules);
  g_test_add_func ("/server/access/host", test_host_check);
  g_test_add_func ("/server/access/posting-limits", test_posting_limits);

  return g_test_run ();
}
