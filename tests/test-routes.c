/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The routes through real sockets: /connect, /addPerson and /event, their
 * refusals, the audience page, CORS preflight, 404 and 405. */
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/socket.h>

#include "hub-test.h"
#include "sse-hub-client.h"
#include "sse-hub-wire.h"

static void
test_connect_stream (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) peer = NULL;
  g_autofree char *revision = NULL;
  TestFrame *first, *list;

  /* Saving runs the main loop: the stream opens once the person is in. */
  test_hub_add (hub, "Ada", 36);
  peer = test_peer_open_stream (hub->port, NULL);
  revision = test_revision_of (hub);

  g_assert_true (test_peer_wait_frames (peer, 3, 5000));
  g_assert_cmpuint (peer->status, ==, 200);
  g_assert_nonnull (strstr ((char *) peer->raw->data, "Content-Type: text/event-stream; charset=utf-8\r\n"));
  g_assert_nonnull (strstr ((char *) peer->raw->data, "Cache-Control: no-cache, no-transform\r\n"));
  g_assert_nonnull (strstr ((char *) peer->raw->data, "X-Accel-Buffering: no\r\n"));
  g_assert_nonnull (strstr ((char *) peer->raw->data, "Access-Control-Allow-Origin: *\r\n"));

  /* No BOM, and the retry comes first, jittered around the default. */
  g_assert_true (g_str_has_prefix (peer->body->str, "retry: "));
  g_assert_null (strchr (peer->body->str, '\r'));
  first = g_ptr_array_index (peer->frames, 0);
  g_assert_cmpint (first->retry, >=, 2250);
  g_assert_cmpint (first->retry, <=, 3750);

  g_assert_cmpuint (test_peer_hello_id (peer), >, 0);
  {
    g_autofree char *expected = g_strdup_printf ("{\"id\":%" G_GUINT64_FORMAT
                                                 ",\"writes\":true,\"retry\":%" G_GINT64_FORMAT
                                                 ",\"heartbeatMs\":%u,\"events\":[]}",
                                                 test_peer_hello_id (peer), first->retry,
                                                 SSE_HUB_DEFAULT_KEEPALIVE_SECONDS * 1000);

    g_assert_cmpstr (test_peer_find_event (peer, "hello", 0)->data, ==, expected);
  }

  list = test_peer_find_event (peer, NULL, 0);
  g_assert_nonnull (list);
  g_assert_cmpstr (list->id, ==, revision);
  g_assert_cmpstr (list->data, ==, "[{\"name\":\"Ada\",\"age\":36}]");
}

typedef struct
{
  const char *content_type;
  const char *body;
  guint       status;
  const char *field;
} BadBody;

static const BadBody bad_bodies[] = {
  { TEST_JSON, "{", 400, "body" },
  { TEST_JSON, "not json", 400, "body" },
  { TEST_JSON, "", 400, "body" },
  { TEST_JSON, "{\"name\":\"a\",\"age\":2", 400, "body" },
  { TEST_JSON, "[]", 400, "body" },
  { TEST_JSON, "[{\"name\":\"a\",\"age\":2}]", 400, "body" },
  { TEST_JSON, "null", 400, "body" },
  { TEST_JSON, "\"Ada\"", 400, "body" },
  { TEST_JSON, "42", 400, "body" },
  { TEST_JSON, "{\"age\":20}", 400, "name" },
  { TEST_JSON, "{\"name\":\"\",\"age\":20}", 400, "name" },
  { TEST_JSON, "{\"name\":\"   \",\"age\":20}", 400, "name" },
  { TEST_JSON, "{\"name\":\"\\t\\u3000\",\"age\":20}", 400, "name" },
  { TEST_JSON, "{\"name\":null,\"age\":20}", 400, "name" },
  { TEST_JSON, "{\"name\":42,\"age\":20}", 400, "name" },
  { TEST_JSON, "{\"name\":true,\"age\":20}", 400, "name" },
  { TEST_JSON, "{\"name\":[\"a\"],\"age\":20}", 400, "name" },
  { TEST_JSON, "{\"name\":{\"first\":\"a\"},\"age\":20}", 400, "name" },
  { TEST_JSON, "{\"name\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",\"age\":1}", 400, "name" },
  { TEST_JSON, "{\"name\":\"a\\u0007b\",\"age\":1}", 400, "name" },
  { TEST_JSON, "{\"name\":\"a\\nb\",\"age\":1}", 400, "name" },
  { TEST_JSON, "{\"name\":\"a\\u0000b\",\"age\":1}", 400, "body" },
  { TEST_JSON, "{\"name\":\"\xff\xfe\",\"age\":1}", 400, "body" },
  { TEST_JSON, "{\"name\":\"a\"}", 400, "age" },
  { TEST_JSON, "{\"name\":\"a\",\"age\":-1}", 400, "age" },
  { TEST_JSON, "{\"name\":\"a\",\"age\":151}", 400, "age" },
  { TEST_JSON, "{\"name\":\"a\",\"age\":1e10}", 400, "age" },
  { TEST_JSON, "{\"name\":\"a\",\"age\":22.5}", 400, "age" },
  { TEST_JSON, "{\"name\":\"a\",\"age\":\"abc\"}", 400, "age" },
  { TEST_JSON, "{\"name\":\"a\",\"age\":null}", 400, "age" },
  { TEST_JSON, "{\"name\":\"a\",\"age\":[22]}", 400, "age" },
  { TEST_JSON, "{\"name\":\"a\",\"age\":{\"years\":22}}", 400, "age" },
  { TEST_JSON, "{\"name\":\"a\",\"age\":true}", 400, "age" },
  { TEST_FORM, "name=&age=2", 400, "name" },
  { TEST_FORM, "age=2", 400, "name" },
  { TEST_FORM, "name=+++&age=2", 400, "name" },
  { TEST_FORM, "name=a%00b&age=2", 400, "name" },
  { TEST_FORM, "name=%ff&age=2", 400, "name" },
  { TEST_FORM, "name=a%0Ab&age=2", 400, "name" },
  { TEST_FORM, "name=a&age=", 400, "age" },
  { TEST_FORM, "name=a", 400, "age" },
  { TEST_FORM, "name=a&age=-3", 400, "age" },
  { TEST_FORM, "name=a&age=2.5", 400, "age" },
  { TEST_FORM, "name=a&age=%00", 400, "age" },
  { TEST_FORM, "name=a&age=twenty", 400, "age" },
  { TEST_FORM, "name=a%zz&age=2", 400, "body" },
  { TEST_FORM, "name=a%2&age=2", 400, "body" },
  { TEST_FORM, "", 400, "body" },
  { "text/plain", "name=a&age=2", 415, "content-type" },
  { "application/xml", "<person/>", 415, "content-type" },
  { "multipart/form-data; boundary=x", "--x--", 415, "content-type" },
  { NULL, "{\"name\":\"a\",\"age\":2}", 415, "content-type" },
};

static void
test_bad_bodies (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  guint64 revision;

  test_hub_add (hub, "Kept", 1);
  revision = sse_hub_person_store_get_revision (hub->store);

  g_assert_cmpuint (G_N_ELEMENTS (bad_bodies), >=, 30);
  for (guint i = 0; i < G_N_ELEMENTS (bad_bodies); i++)
    {
      const BadBody *bad = &bad_bodies[i];
      g_autoptr(TestResponse) response = test_http_post (hub->port, bad->content_type,
                                                         bad->body, -1);

      g_autofree char *printable = g_strescape (bad->body, NULL);

      g_test_message ("bad body %u: %s", i, printable);
      test_assert_refused (hub, response, bad->status, bad->field);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 1);
      g_assert_cmpuint (sse_hub_person_store_get_revision (hub->store), ==, revision);
    }
}

static void
test_oversize_body (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autofree char *big = g_strnfill (64 * 1024, 'x');
  g_autoptr(TestResponse) too_large = test_http_post (hub->port, TEST_FORM, big, -1);
  g_autoptr(TestResponse) chunked = NULL;
  g_autoptr(TestResponse) smuggled = NULL;
  const char *chunked_request =
    "POST /addPerson HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    "14\r\n{\"name\":\"a\",\"age\":1}\r\n0\r\n\r\n";
  const char *both =
    "POST /addPerson HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    "Content-Type: application/json\r\nContent-Length: 19\r\nTransfer-Encoding: chunked\r\n\r\n"
    "13\r\n{\"name\":\"a\",\"age\":1}\r\n0\r\n\r\n";

  test_assert_refused (hub, too_large, 413, "body");

  chunked = test_http_raw (hub->port, chunked_request, strlen (chunked_request));
  /* A chunked body within the limit is read like any other. */
  g_assert_cmpuint (chunked->status, ==, 200);

  smuggled = test_http_raw (hub->port, both, strlen (both));
  g_assert_cmpuint (smuggled->status, ==, 400);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 1);
}

static void
test_preflight (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  const char *request = "OPTIONS /addPerson HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                        "Origin: http://localhost:3000\r\n"
                        "Access-Control-Request-Method: POST\r\n"
                        "Access-Control-Request-Headers: content-type\r\n\r\n";
  g_autoptr(TestResponse) response = test_http_raw (hub->port, request, strlen (request));
  g_autofree char *origin = test_response_dup_header (response, "Access-Control-Allow-Origin");
  g_autofree char *headers = test_response_dup_header (response, "Access-Control-Allow-Headers");
  g_autofree char *methods = test_response_dup_header (response, "Access-Control-Allow-Methods");

  g_assert_cmpuint (response->status, ==, 204);
  g_assert_cmpstr (origin, ==, "*");
  g_assert_nonnull (strstr (headers, "Content-Type"));
  g_assert_nonnull (strstr (headers, "Last-Event-ID"));
  g_assert_nonnull (strstr (methods, "POST"));
}

static void
test_not_found_and_method (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  const char *missing = "GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  const char *wrong = "DELETE /addPerson HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  const char *post_connect = "POST /connect HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                             "Content-Length: 0\r\n\r\n";
  g_autoptr(TestResponse) not_found = test_http_raw (hub->port, missing, strlen (missing));
  g_autoptr(TestResponse) not_allowed = test_http_raw (hub->port, wrong, strlen (wrong));
  g_autoptr(TestResponse) connect_post = test_http_raw (hub->port, post_connect, strlen (post_connect));
  g_autofree char *allow = test_response_dup_header (not_allowed, "Allow");
  g_autofree char *allow_connect = test_response_dup_header (connect_post, "Allow");

  test_assert_refused (hub, not_found, 404, NULL);
  test_assert_refused (hub, not_allowed, 405, NULL);
  g_assert_cmpstr (allow, ==, "POST, OPTIONS");
  test_assert_refused (hub, connect_post, 405, NULL);
  g_assert_cmpstr (allow_connect, ==, "GET, OPTIONS");
}

static void
test_audience_page (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  const char *request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  g_autoptr(TestResponse) page = test_http_raw (hub->port, request, strlen (request));
  g_autofree char *type = test_response_dup_header (page, "Content-Type");
  g_autofree char *csp = test_response_dup_header (page, "Content-Security-Policy");
  g_autofree char *nosniff = test_response_dup_header (page, "X-Content-Type-Options");
  const char *dotdot = "GET /../web/index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  g_autoptr(TestResponse) escaped = test_http_raw (hub->port, dotdot, strlen (dotdot));

  g_assert_cmpuint (page->status, ==, 200);
  g_assert_cmpstr (type, ==, "text/html; charset=utf-8");
  g_assert_nonnull (strstr (csp, "default-src 'none'"));
  g_assert_cmpstr (nosniff, ==, "nosniff");
  g_assert_nonnull (strstr (page->body, "<html"));
  g_assert_cmpuint (escaped->status, !=, 200);
}

static TestResponse *
get_with_tag (TestHub    *hub,
              const char *path,
              const char *if_none_match)
{
  g_autofree char *request = NULL;

  request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s%s%s\r\n",
                             path, if_none_match != NULL ? "If-None-Match: " : "",
                             if_none_match != NULL ? if_none_match : "",
                             if_none_match != NULL ? "\r\n" : "");
  return test_http_raw (hub->port, request, strlen (request));
}

/* A reload revalidates each file and gets a 304 without the body. */
static void
test_page_revalidation (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestResponse) script = get_with_tag (hub, "/app.js", NULL);
  g_autoptr(TestResponse) page = get_with_tag (hub, "/", NULL);
  g_autofree char *tag = test_response_dup_header (script, "ETag");
  g_autofree char *page_tag = test_response_dup_header (page, "ETag");
  g_autofree char *cache = test_response_dup_header (script, "Cache-Control");
  g_autofree char *weak_list = NULL;
  const char *matching[] = { tag, "*", NULL, NULL };

  g_assert_cmpuint (script->status, ==, 200);
  g_assert_cmpstr (cache, ==, "max-age=600");
  g_assert_nonnull (tag);
  g_assert_true (g_str_has_prefix (tag, "\"") && g_str_has_suffix (tag, "\""));
  g_assert_cmpstr (page_tag, !=, tag);

  weak_list = g_strdup_printf ("\"other\", W/%s", tag);
  matching[2] = weak_list;
  for (guint i = 0; i < G_N_ELEMENTS (matching) - 1; i++)
    {
      g_autoptr(TestResponse) again = get_with_tag (hub, "/app.js", matching[i]);
      g_autofree char *again_tag = test_response_dup_header (again, "ETag");
      g_autofree char *again_cache = test_response_dup_header (again, "Cache-Control");
      g_autofree char *csp = test_response_dup_header (again, "Content-Security-Policy");

      g_assert_cmpuint (again->status, ==, 304);
      g_assert_cmpstr (again_tag, ==, tag);
      g_assert_cmpstr (again_cache, ==, "max-age=600");
      g_assert_nonnull (csp);
      g_assert_cmpstr (again->body, ==, "");
    }

  {
    g_autoptr(TestResponse) changed = get_with_tag (hub, "/app.js", "\"0123456789abcdef\"");
    g_autoptr(TestResponse) other_file = get_with_tag (hub, "/", tag);

    g_assert_cmpuint (changed->status, ==, 200);
    g_assert_cmpstr (changed->body, ==, script->body);
    g_assert_cmpuint (other_file->status, ==, 200);
  }
}

static void
test_writes_disabled (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) peer = test_peer_open_stream (hub->port, NULL);
  g_autoptr(TestResponse) refused = NULL;
  g_autoptr(TestResponse) trusted = NULL;
  TestFrame *config;

  test_peer_hello_id (peer);
  g_object_set (hub->server, "trust-local", FALSE, "allow-audience-writes", FALSE, NULL);

  config = test_peer_wait_event (peer, "config", 0, 5000);
  g_assert_nonnull (config);
  g_assert_cmpstr (config->data, ==, "{\"writes\":false,\"events\":[]}");

  refused = test_http_post (hub->port, TEST_JSON, "{\"name\":\"Eve\",\"age\":30}", -1);
  test_assert_refused (hub, refused, 403, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 0);

  /* The presenter's window still adds. */
  test_hub_add (hub, "Presenter", 40);

  /* And the presenter's own machine counts as the presenter when trusted. */
  g_object_set (hub->server, "trust-local", TRUE, NULL);
  trusted = test_http_post (hub->port, TEST_JSON, "{\"name\":\"Local\",\"age\":30}", -1);
  g_assert_cmpuint (trusted->status, ==, 200);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 2);
}

static void
test_rate_limit (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestResponse) limited = NULL;
  g_autofree char *retry_after = NULL;

  g_object_set (hub->server, "trust-local", FALSE, "rate-limit", 3, NULL);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(TestResponse) ok = test_http_post (hub->port, TEST_FORM, "name=a&age=1", -1);

      g_assert_cmpuint (ok->status, ==, 200);
    }

  limited = test_http_post (hub->port, TEST_FORM, "name=a&age=1", -1);
  test_assert_too_many_requests (hub, limited);
  g_assert_nonnull (strstr (test_find_log_text (sse_hub_server_get_log (hub->server),
                                           SSE_HUB_LOG_REFUSAL, "rate-limit"), "127.0.0.1"));
  retry_after = test_response_dup_header (limited, "Retry-After");
  g_assert_nonnull (retry_after);
  /* 3 a minute: the next token is about 20 s away, not a fixed guess. */
  g_assert_cmpuint (g_ascii_strtoull (retry_after, NULL, 10), >=, 19);
  g_assert_cmpuint (g_ascii_strtoull (retry_after, NULL, 10), <=, 20);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 3);
}

static void
test_store_full (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestResponse) full = NULL;

  sse_hub_person_store_set_max_persons (hub->store, 2);
  test_hub_add (hub, "One", 1);
  test_hub_add (hub, "Two", 2);

  full = test_http_post (hub->port, TEST_JSON, "{\"name\":\"Three\",\"age\":3}", -1);
  test_assert_refused (hub, full, 507, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 2);
}

/* POST /event: the presenter's script sends a named event; the stream
 * first learns the name in config, then gets the frame byte for byte. */
static void
test_custom_event_route (void)
{
  static const char frame[] = "event: poll\nid: q1\ndata: Which is faster?\ndata: A or B\n\n";
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) peer = test_peer_open_stream (hub->port, NULL);
  g_autoptr(TestResponse) sent = NULL;
  g_autoptr(TestResponse) again = NULL;
  g_autoptr(TestResponse) foreign = NULL;
  g_autoptr(TestResponse) reserved = NULL;
  g_autoptr(TestResponse) no_data = NULL;
  g_autoptr(TestPeer) late = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *answer = NULL;
  const char *config_at;
  const char *frame_at;

  test_peer_hello_id (peer);
  sent = test_post_json_to (hub->port, "/event", "",
                       "{\"event\":\"poll\",\"id\":\"q1\",\"data\":\"Which is faster?\\nA or B\"}");
  g_assert_cmpuint (sent->status, ==, 200);
  answer = g_strdup_printf ("{\"event\":\"poll\",\"bytes\":%zu}", strlen (frame));
  g_assert_cmpstr (sent->body, ==, answer);

  g_assert_nonnull (test_peer_wait_event (peer, "poll", 0, 5000));
  expected = g_strdup_printf ("event: config\ndata: {\"writes\":true,\"events\":[\"poll\"]}\n\n%s",
                              frame);
  config_at = strstr (peer->body->str, "event: config\n");
  frame_at = strstr (peer->body->str, frame);
  g_assert_nonnull (config_at);
  g_assert_true (g_str_has_prefix (config_at, expected));
  g_assert_true (frame_at > config_at);

  /* A known name is not announced again; a page that connects now hears
   * of it in hello. */
  again = test_post_json_to (hub->port, "/event", "", "{\"event\":\"poll\",\"data\":\"\"}");
  g_assert_cmpuint (again->status, ==, 200);
  g_assert_nonnull (test_peer_wait_event (peer, "poll", 1, 5000));
  g_assert_cmpuint (test_peer_count_events (peer, "config"), ==, 1);
  late = test_peer_open_stream (hub->port, NULL);
  test_peer_hello_id (late);
  g_assert_nonnull (strstr (test_peer_find_event (late, "hello", 0)->data, ",\"events\":[\"poll\"]}"));

  foreign = test_post_json_to (hub->port, "/event", TEST_FOREIGN_ORIGIN, "{\"event\":\"spoof\",\"data\":\"x\"}");
  test_assert_refused (hub, foreign, 403, NULL);
  reserved = test_post_json_to (hub->port, "/event", "", "{\"event\":\"Hello\",\"data\":\"x\"}");
  test_assert_refused (hub, reserved, 400, "event");
  no_data = test_post_json_to (hub->port, "/event", "", "{\"event\":\"quiz\"}");
  test_assert_refused (hub, no_data, 400, "data");

  test_pump (200);
  g_assert_cmpuint (test_peer_count_events (peer, "spoof"), ==, 0);
  g_assert_cmpuint (test_peer_count_events (peer, "config"), ==, 1);
}

/* The announced list is capped; past it a new name is refused and the
 * pages are left as they were. */
static void
test_custom_event_names_cap (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < SSE_HUB_MAX_CUSTOM_EVENT_NAMES; i++)
    {
      g_autofree char *name = g_strdup_printf ("event-%u", i);

      g_assert_true (sse_hub_server_send_custom_event (hub->server, name, NULL, "x", NULL));
    }
  g_assert_false (sse_hub_server_send_custom_event (hub->server, "one-more", NULL, "x", &error));
  g_assert_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_EVENT_NAME);
  g_assert_true (sse_hub_server_send_custom_event (hub->server, "event-0", "", "again", NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/connect-stream", test_connect_stream);
  g_test_add_func ("/server/bad-bodies", test_bad_bodies);
  g_test_add_func ("/server/oversize-body", test_oversize_body);
  g_test_add_func ("/server/preflight", test_preflight);
  g_test_add_func ("/server/not-found-and-method", test_not_found_and_method);
  g_test_add_func ("/server/audience-page", test_audience_page);
  g_test_add_func ("/server/page-revalidation", test_page_revalidation);
  g_test_add_func ("/server/writes-disabled", test_writes_disabled);
  g_test_add_func ("/server/rate-limit", test_rate_limit);
  g_test_add_func ("/server/store-full", test_store_full);
  g_test_add_func ("/server/custom-event/route", test_custom_event_route);
  g_test_add_func ("/server/custom-event/names-cap", test_custom_event_names_cap);

  return g_test_run ();
}
