/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The gate against a real hub: bodies refused from their headers at once,
 * whatever the method, chunked bodies cut at the limit, exactly one Host,
 * and refused posts that spend the sender's error budget, never the
 * class's. */
#include "hub-test.h"
#include "sse-hub-wire.h"

/* Sends request and waits for the hub to answer and close: the time it
 * took, in ms. */
static gint64
timed_raw (TestHub       *hub,
           const char    *request,
           TestResponse **out_response)
{
  gint64 start = g_get_monotonic_time ();

  *out_response = test_http_raw (hub->port, request, strlen (request));
  return (g_get_monotonic_time () - start) / 1000;
}

static void
test_body_from_headers (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  const struct { const char *request; guint status; } cases[] = {
    /* 300 MiB announced on a GET: nothing of it is sent, or waited for. */
    { "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 314572800\r\n\r\n", 413 },
    { "DELETE /addPerson HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello", 413 },
    { "OPTIONS /addPerson HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n", 413 },
    { "HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n\r\n", 413 },
    /* Announces one byte over the limit and sends three: answered now, not
     * at the request deadline. */
    { "POST /addPerson HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: 16385\r\n\r\nabc", 413 },
    { "POST /addPerson HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: 209715200\r\n\r\n", 413 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TestResponse) response = NULL;
      gint64 ms = timed_raw (hub, cases[i].request, &response);
      g_autofree char *connection = NULL;

      g_test_message ("%s: %u in %" G_GINT64_FORMAT " ms", cases[i].request, response->status, ms);
      g_assert_cmpuint (response->status, ==, cases[i].status);
      g_assert_cmpint (ms, <, 2000);
      connection = test_response_dup_header (response, "Connection");
      g_assert_cmpstr (connection, ==, "close");
      g_assert_nonnull (strstr (response->body, "\"field\":\"body\""));
    }

  /* A GET without a body is served as before. */
  {
    g_autoptr(TestResponse) page = NULL;

    timed_raw (hub, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n", &page);
    g_assert_cmpuint (page->status, ==, 200);
  }
}

static void
test_chunked_cut_at_limit (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(GString) request = g_string_new ("POST /addPerson HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                             "Content-Type: application/json\r\n"
                                             "Transfer-Encoding: chunked\r\n\r\n");
  g_autoptr(TestResponse) response = NULL;
  g_autofree char *chunk = g_strnfill (4096, ' ');

  /* 64 KiB in 4 KiB chunks, no end: the hub stops at 16 KiB. */
  for (guint i = 0; i < 16; i++)
    g_string_append_printf (request, "1000\r\n%s\r\n", chunk);

  response = test_http_raw (hub->port, request->str, request->len);
  g_assert_cmpuint (response->status, ==, 413);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 0);
}

static void
test_one_host (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestResponse) two = NULL;
  g_autoptr(TestResponse) none = NULL;
  g_autoptr(TestResponse) foreign = NULL;
  g_autoptr(TestResponse) own = NULL;
  g_autofree char *own_request = NULL;

  timed_raw (hub, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n", &two);
  g_assert_cmpuint (two->status, ==, 400);
  timed_raw (hub, "GET / HTTP/1.0\r\n\r\n", &none);
  g_assert_cmpuint (none->status, ==, 400);
  /* Absolute form: the authority is what is checked. */
  timed_raw (hub, "GET http://evil.example/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", &foreign);
  g_assert_cmpuint (foreign->status, ==, 403);
  own_request = g_strdup_printf ("GET http://127.0.0.1:%u/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                                 hub->port);
  timed_raw (hub, own_request, &own);
  g_assert_cmpuint (own->status, ==, 200);
}

static guint
audience_post (TestHub    *hub,
               const char *body)
{
  g_autoptr(GString) request = g_string_new (NULL);
  g_autoptr(TestResponse) response = NULL;

  g_string_printf (request, "POST /addPerson HTTP/1.1\r\nHost: 127.0.0.1\r\n%s"
                   "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                   TEST_FOREIGN_ORIGIN, strlen (body), body);
  response = test_http_raw (hub->port, request->str, request->len);
  return response->status;
}

static void
test_refused_posts_spend_own_budget (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autofree char *big = g_strnfill (20 * 1024, 'x');

  /* A class budget of five posts a minute. */
  g_object_set (hub->server, "audience-rate-limit", 5, "rate-limit", 0, NULL);

  /* Invalid posts cost the class nothing ... */
  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (audience_post (hub, "{\"name\":\"\",\"age\":3}"), ==, 400);
  g_assert_cmpuint (audience_post (hub, big), ==, 413);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *person = g_strdup_printf ("{\"name\":\"p%u\",\"age\":3}", i);

      g_assert_cmpuint (audience_post (hub, person), ==, 200);
    }
  g_assert_cmpuint (audience_post (hub, "{\"name\":\"p6\",\"age\":3}"), ==, 429);

  /* ... but spend the sender's own error budget: past it, even a valid
   * post waits. */
  g_object_set (hub->server, "audience-rate-limit", 0, NULL);
  for (guint i = 11; i < SSE_HUB_ERROR_BUDGET_PER_MINUTE; i++)
    g_assert_cmpuint (audience_post (hub, "{\"name\":\"\",\"age\":3}"), ==, 400);
  g_assert_cmpuint (audience_post (hub, "{\"name\":\"late\",\"age\":3}"), ==, 429);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 5);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gate/body-from-headers", test_body_from_headers);
  g_test_add_func ("/gate/chunked-cut-at-limit", test_chunked_cut_at_limit);
  g_test_add_func ("/gate/one-host", test_one_host);
  g_test_add_func ("/gate/refused-posts-spend-own-budget", test_refused_posts_spend_own_budget);

  return g_test_run ();
}
