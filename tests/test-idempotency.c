/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Idempotency-Key on POST /addPerson, through real HTTP: a repeat gets the
 * first answer and stores nothing; the keys kept are bounded in number and
 * in time. */
#include <string.h>

#include "hub-test.h"
#include "sse-hub-idempotency.h"

static char *
add_request (guint       port,
             const char *key,
             const char *body)
{
  return g_strdup_printf ("POST /addPerson HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n"
                          "Content-Type: application/json\r\nIdempotency-Key: %s\r\n"
                          "Content-Length: %zu\r\n\r\n%s",
                          port, key, strlen (body), body);
}

static TestResponse *
post_with_key (TestHub    *hub,
               const char *key,
               const char *body)
{
  g_autofree char *request = add_request (hub->port, key, body);

  return test_http_raw (hub->port, request, strlen (request));
}

static guint
post_status (TestHub    *hub,
             const char *key,
             const char *body)
{
  g_autoptr(TestResponse) response = post_with_key (hub, key, body);

  return response->status;
}

static guint
n_persons (TestHub *hub)
{
  return g_list_model_get_n_items (G_LIST_MODEL (hub->store));
}

static void
test_repeat_gets_first_answer (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestResponse) first = post_with_key (hub, "\"k-1\"", "{\"name\":\"Ann\",\"age\":30}");
  g_autoptr(TestResponse) again = post_with_key (hub, "\"k-1\"", "{\"name\":\"Ann\",\"age\":30}");
  g_autoptr(TestResponse) other = post_with_key (hub, "k-1", "{\"name\":\"Bob\",\"age\":31}");
  g_autofree char *first_replayed = test_response_dup_header (first, "Idempotent-Replayed");
  g_autofree char *again_replayed = test_response_dup_header (again, "Idempotent-Replayed");

  g_assert_cmpuint (first->status, ==, 200);
  g_assert_null (first_replayed);
  g_assert_cmpuint (again->status, ==, 200);
  g_assert_cmpstr (again->body, ==, first->body);
  g_assert_cmpstr (again_replayed, ==, "true");
  /* The same key for another person is a mistake, not a repeat. */
  g_assert_cmpuint (other->status, ==, 400);
  g_assert_nonnull (strstr (other->body, "Idempotency-Key"));
  g_assert_cmpuint (n_persons (hub), ==, 1);
  g_assert_cmpuint (sse_hub_idempotency_get_n_keys (sse_hub_server_get_idempotency (hub->server)), ==, 1);
}

static gboolean
both_closed (gpointer data)
{
  TestPeer **peers = data;

  return peers[0]->closed && peers[1]->closed;
}

/* A retry that reaches the hub while the first is still being stored
 * (both were held up on the way) waits for the first one's answer. */
static void
test_concurrent_repeats_store_once (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autofree char *request = add_request (hub->port, "k-2", "{\"name\":\"Cy\",\"age\":40}");
  TestPeer *peers[2];

  for (guint i = 0; i < 2; i++)
    {
      peers[i] = test_peer_connect (hub->port, NULL);
      g_assert_cmpint (g_socket_send (peers[i]->socket, request, strlen (request), NULL, NULL),
                       ==, (gssize) strlen (request));
    }
  g_assert_true (test_pump_until (both_closed, peers, 10000));

  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpuint (peers[i]->status, ==, 200);
      g_assert_cmpstr (peers[i]->body->str, ==, "{\"name\":\"Cy\",\"age\":40}");
      test_peer_free (peers[i]);
    }
  g_assert_cmpuint (n_persons (hub), ==, 1);
}

static void
test_refusal_is_not_kept (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestResponse) invalid = post_with_key (hub, "k-3", "{\"name\":\"\",\"age\":40}");
  g_autoptr(TestResponse) bad_key = post_with_key (hub, "\"a b\"", "{\"name\":\"Di\",\"age\":40}");

  g_assert_cmpuint (invalid->status, ==, 400);
  g_assert_cmpuint (bad_key->status, ==, 400);
  g_assert_cmpuint (sse_hub_idempotency_get_n_keys (sse_hub_server_get_idempotency (hub->server)), ==, 0);
  g_assert_cmpuint (n_persons (hub), ==, 0);
}

static void
test_keys_are_bounded (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  const char *body = "{\"name\":\"Ed\",\"age\":50}";

  sse_hub_idempotency_set_limits (sse_hub_server_get_idempotency (hub->server), 2, 60);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *key = g_strdup_printf ("bound-%u", i);
      g_autoptr(TestResponse) response = post_with_key (hub, key, body);

      g_assert_cmpuint (response->status, ==, 200);
      g_assert_cmpuint (sse_hub_idempotency_get_n_keys (sse_hub_server_get_idempotency (hub->server)), <=, 2);
    }
  g_assert_cmpuint (n_persons (hub), ==, 3);

  /* The oldest went first: its repeat is new again; the newest is not. */
  g_assert_cmpuint (post_status (hub, "bound-2", body), ==, 200);
  g_assert_cmpuint (n_persons (hub), ==, 3);
  g_assert_cmpuint (post_status (hub, "bound-0", body), ==, 200);
  g_assert_cmpuint (n_persons (hub), ==, 4);

  /* And in time. */
  sse_hub_idempotency_set_limits (sse_hub_server_get_idempotency (hub->server), 2, 1);
  test_pump (1100);
  g_assert_cmpuint (sse_hub_idempotency_get_n_keys (sse_hub_server_get_idempotency (hub->server)), ==, 0);
  g_assert_cmpuint (post_status (hub, "bound-2", body), ==, 200);
  g_assert_cmpuint (n_persons (hub), ==, 5);
}

static void
test_preflight_allows_the_header (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autofree char *request = g_strdup_printf ("OPTIONS /addPerson HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                                              "Connection: close\r\nOrigin: http://example.org\r\n"
                                              "Access-Control-Request-Method: POST\r\n"
                                              "Access-Control-Request-Headers: idempotency-key\r\n\r\n",
                                              hub->port);
  g_autoptr(TestResponse) response = test_http_raw (hub->port, request, strlen (request));
  g_autofree char *allowed = test_response_dup_header (response, "Access-Control-Allow-Headers");

  g_assert_nonnull (strstr (allowed, "Idempotency-Key"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/idempotency/repeat-gets-first-answer", test_repeat_gets_first_answer);
  g_test_add_func ("/idempotency/concurrent-repeats-store-once", test_concurrent_repeats_store_once);
  g_test_add_func ("/idempotency/refusal-is-not-kept", test_refusal_is_not_kept);
  g_test_add_func ("/idempotency/keys-are-bounded", test_keys_are_bounded);
  g_test_add_func ("/idempotency/preflight-allows-the-header", test_preflight_allows_the_header);

  return g_test_run ();
}
