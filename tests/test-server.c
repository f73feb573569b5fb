/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/socket.h>

#include "hub-test.h"
#include "sse-hub-client.h"
#include "sse-hub-wire.h"

#define JSON "application/json"
#define FORM "application/x-www-form-urlencoded"

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static char *
revision_of (TestHub *hub)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, sse_hub_person_store_get_revision (hub->store));
}

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
  revision = revision_of (hub);

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
  { JSON, "{", 400, "body" },
  { JSON, "not json", 400, "body" },
  { JSON, "", 400, "body" },
  { JSON, "{\"name\":\"a\",\"age\":2", 400, "body" },
  { JSON, "[]", 400, "body" },
  { JSON, "[{\"name\":\"a\",\"age\":2}]", 400, "body" },
  { JSON, "null", 400, "body" },
  { JSON, "\"Ada\"", 400, "body" },
  { JSON, "42", 400, "body" },
  { JSON, "{\"age\":20}", 400, "name" },
  { JSON, "{\"name\":\"\",\"age\":20}", 400, "name" },
  { JSON, "{\"name\":\"   \",\"age\":20}", 400, "name" },
  { JSON, "{\"name\":\"\\t\\u3000\",\"age\":20}", 400, "name" },
  { JSON, "{\"name\":null,\"age\":20}", 400, "name" },
  { JSON, "{\"name\":42,\"age\":20}", 400, "name" },
  { JSON, "{\"name\":true,\"age\":20}", 400, "name" },
  { JSON, "{\"name\":[\"a\"],\"age\":20}", 400, "name" },
  { JSON, "{\"name\":{\"first\":\"a\"},\"age\":20}", 400, "name" },
  { JSON, "{\"name\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",\"age\":1}", 400, "name" },
  { JSON, "{\"name\":\"a\\u0007b\",\"age\":1}", 400, "name" },
  { JSON, "{\"name\":\"a\\nb\",\"age\":1}", 400, "name" },
  { JSON, "{\"name\":\"a\\u0000b\",\"age\":1}", 400, "body" },
  { JSON, "{\"name\":\"\xff\xfe\",\"age\":1}", 400, "body" },
  { JSON, "{\"name\":\"a\"}", 400, "age" },
  { JSON, "{\"name\":\"a\",\"age\":-1}", 400, "age" },
  { JSON, "{\"name\":\"a\",\"age\":151}", 400, "age" },
  { JSON, "{\"name\":\"a\",\"age\":1e10}", 400, "age" },
  { JSON, "{\"name\":\"a\",\"age\":22.5}", 400, "age" },
  { JSON, "{\"name\":\"a\",\"age\":\"abc\"}", 400, "age" },
  { JSON, "{\"name\":\"a\",\"age\":null}", 400, "age" },
  { JSON, "{\"name\":\"a\",\"age\":[22]}", 400, "age" },
  { JSON, "{\"name\":\"a\",\"age\":{\"years\":22}}", 400, "age" },
  { JSON, "{\"name\":\"a\",\"age\":true}", 400, "age" },
  { FORM, "name=&age=2", 400, "name" },
  { FORM, "age=2", 400, "name" },
  { FORM, "name=+++&age=2", 400, "name" },
  { FORM, "name=a%00b&age=2", 400, "name" },
  { FORM, "name=%ff&age=2", 400, "name" },
  { FORM, "name=a%0Ab&age=2", 400, "name" },
  { FORM, "name=a&age=", 400, "age" },
  { FORM, "name=a", 400, "age" },
  { FORM, "name=a&age=-3", 400, "age" },
  { FORM, "name=a&age=2.5", 400, "age" },
  { FORM, "name=a&age=%00", 400, "age" },
  { FORM, "name=a&age=twenty", 400, "age" },
  { FORM, "name=a%zz&age=2", 400, "body" },
  { FORM, "name=a%2&age=2", 400, "body" },
  { FORM, "", 400, "body" },
  { "text/plain", "name=a&age=2", 415, "content-type" },
  { "application/xml", "<person/>", 415, "content-type" },
  { "multipart/form-data; boundary=x", "--x--", 415, "content-type" },
  { NULL, "{\"name\":\"a\",\"age\":2}", 415, "content-type" },
};

static void
assert_refused (TestHub      *hub,
                TestResponse *response,
                guint         status,
                const char   *field)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  g_assert_cmpuint (response->status, ==, status);
  node = parse_json (response->body);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_node_get_object (node);
  g_assert_true (strlen (json_object_get_string_member (object, "error")) > 0);
  if (field != NULL)
    g_assert_cmpstr (json_object_get_string_member (object, "field"), ==, field);
}

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
      assert_refused (hub, response, bad->status, bad->field);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 1);
      g_assert_cmpuint (sse_hub_person_store_get_revision (hub->store), ==, revision);
    }
}

static void
test_oversize_body (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autofree char *big = g_strnfill (64 * 1024, 'x');
  g_autoptr(TestResponse) too_large = test_http_post (hub->port, FORM, big, -1);
  g_autoptr(TestResponse) chunked = NULL;
  g_autoptr(TestResponse) smuggled = NULL;
  const char *chunked_request =
    "POST /addPerson HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    "13\r\n{\"name\":\"a\",\"age\":1}\r\n0\r\n\r\n";
  const char *both =
    "POST /addPerson HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    "Content-Type: application/json\r\nContent-Length: 19\r\nTransfer-Encoding: chunked\r\n\r\n"
    "13\r\n{\"name\":\"a\",\"age\":1}\r\n0\r\n\r\n";

  assert_refused (hub, too_large, 413, "body");

  chunked = test_http_raw (hub->port, chunked_request, strlen (chunked_request));
  assert_refused (hub, chunked, 411, "body");

  smuggled = test_http_raw (hub->port, both, strlen (both));
  g_assert_cmpuint (smuggled->status, ==, 400);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 0);
}

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

  json_post = test_http_post (hub->port, JSON, "{\"name\":\"Grace\",\"age\":45}", -1);
  g_assert_cmpuint (json_post->status, ==, 200);
  g_assert_cmpstr (json_post->body, ==, "{\"name\":\"Grace\",\"age\":45}");

  /* The original demo's form post: the age arrives as text, stored as a number. */
  form_post = test_http_post (hub->port, FORM "; charset=UTF-8", "name=lzc2&age=22", -1);
  g_assert_cmpuint (form_post->status, ==, 200);
  g_assert_cmpstr (form_post->body, ==, "{\"name\":\"lzc2\",\"age\":22}");

  g_object_set_data (holder, "needle", (gpointer) "{\"name\":\"lzc2\",\"age\":22}");
  g_assert_true (test_pump_until (all_have_list_with, peers, 5000));

  for (guint i = 1; i <= n_peers; i++)
    {
      TestPeer *peer = g_ptr_array_index (peers, i);
      g_autofree char *revision = revision_of (hub);
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

static gboolean
has_n_clients (gpointer data)
{
  TestHub *hub = g_object_get_data (data, "hub");
  guint expected = GPOINTER_TO_UINT (g_object_get_data (data, "n"));

  return g_list_model_get_n_items (sse_hub_server_get_clients (hub->server)) == expected;
}

static gboolean
wait_n_clients (TestHub *hub,
                guint    n)
{
  g_autoptr(GObject) data = g_object_new (G_TYPE_OBJECT, NULL);

  g_object_set_data (data, "hub", hub);
  g_object_set_data (data, "n", GUINT_TO_POINTER (n));
  return test_pump_until (has_n_clients, data, 10000);
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
  g_assert_true (wait_n_clients (hub, 201));
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
  revision = revision_of (hub);

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

  assert_refused (hub, not_found, 404, NULL);
  assert_refused (hub, not_allowed, 405, NULL);
  g_assert_cmpstr (allow, ==, "POST, OPTIONS");
  assert_refused (hub, connect_post, 405, NULL);
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
  g_assert_cmpstr (cache, ==, "max-age=0, stale-while-revalidate=86400");
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
      g_assert_cmpstr (again_cache, ==, "max-age=0, stale-while-revalidate=86400");
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
  g_assert_true (wait_n_clients (hub, 2));

  /* The slow peer stops reading: its socket buffers fill, then its queue. */
  slow->reading = FALSE;
  for (guint i = 0; i < n_events; i++)
    {
      g_autofree char *data = g_strdup_printf ("%u %s", i, payload);

      sse_hub_server_publish (hub->server, SSE_HUB_LOG_NOTICE, "bulk", NULL, data);
      test_pump (2);
    }

  g_assert_true (wait_n_clients (hub, 1));
  g_assert_nonnull (test_peer_wait_event (normal, "bulk", n_events - 1, 10000));
  for (guint i = 0; i < n_events; i++)
    {
      TestFrame *frame = test_peer_find_event (normal, "bulk", i);

      g_assert_cmpuint (g_ascii_strtoull (frame->data, NULL, 10), ==, i);
    }
}

static gboolean
stream_ended (gpointer data)
{
  return ((TestPeer *) data)->closed;
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
  g_assert_true (test_pump_until (stream_ended, turned_away, 5000));
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
  g_assert_true (wait_n_clients (hub, 1));
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
  g_assert_true (wait_n_clients (hub, 3));

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
  g_assert_true (wait_n_clients (hub, 1));
  g_assert_cmpint (g_get_monotonic_time () - started, <, keepalive * G_USEC_PER_SEC);

  remaining = g_list_model_get_item (sse_hub_server_get_clients (hub->server), 0);
  g_assert_cmpuint (sse_hub_client_get_id (remaining), ==, stays_id);
  g_assert_cmpstr (sse_hub_client_get_user_agent (remaining), ==, "hub-test");
  g_assert_cmpstr (sse_hub_client_get_remote_address (remaining), ==, "127.0.0.1");
  g_assert_cmpuint (sse_hub_client_get_events_sent (remaining), >=, 2);
}

static void
test_writes_disabled (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) peer = test_peer_open_stream (hub->port, NULL);
  g_autoptr(TestResponse) refused = NULL;
  g_autoptr(TestResponse) trusted = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SseHubPerson) person = NULL;
  TestFrame *config;

  test_peer_hello_id (peer);
  g_object_set (hub->server, "trust-local", FALSE, "allow-audience-writes", FALSE, NULL);

  config = test_peer_wait_event (peer, "config", 0, 5000);
  g_assert_nonnull (config);
  g_assert_cmpstr (config->data, ==, "{\"writes\":false,\"events\":[]}");

  refused = test_http_post (hub->port, JSON, "{\"name\":\"Eve\",\"age\":30}", -1);
  assert_refused (hub, refused, 403, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 0);

  /* The presenter's window still adds. */
  person = sse_hub_server_add_person (hub->server, "Presenter", 40, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (person);

  /* And the presenter's own machine counts as the presenter when trusted. */
  g_object_set (hub->server, "trust-local", TRUE, NULL);
  trusted = test_http_post (hub->port, JSON, "{\"name\":\"Local\",\"age\":30}", -1);
  g_assert_cmpuint (trusted->status, ==, 200);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 2);
}

/* The text of the newest log entry with this event name, or NULL. */
static const char *
find_log_text (SseHubEventLog *log,
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
          text = sse_hub_log_entry_get_text (entry);
        }
    }

  return text;
}

/* libsoup 3.2 has no phrase of its own for 429. */
static void
assert_too_many_requests (TestHub      *hub,
                          TestResponse *response)
{
  assert_refused (hub, response, 429, NULL);
  g_assert_true (g_str_has_prefix (response->headers, "HTTP/1.1 429 Too Many Requests\r\n"));
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
      g_autoptr(TestResponse) ok = test_http_post (hub->port, FORM, "name=a&age=1", -1);

      g_assert_cmpuint (ok->status, ==, 200);
    }

  limited = test_http_post (hub->port, FORM, "name=a&age=1", -1);
  assert_too_many_requests (hub, limited);
  g_assert_nonnull (strstr (find_log_text (sse_hub_server_get_log (hub->server),
                                           SSE_HUB_LOG_REFUSAL, "rate-limit"), "127.0.0.1"));
  retry_after = test_response_dup_header (limited, "Retry-After");
  g_assert_nonnull (retry_after);
  /* 3 a minute: the next token is about 20 s away, not a fixed guess. */
  g_assert_cmpuint (g_ascii_strtoull (retry_after, NULL, 10), >=, 19);
  g_assert_cmpuint (g_ascii_strtoull (retry_after, NULL, 10), <=, 20);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 3);
}

typedef struct
{
  TestPeer   *peer;
  const char *expected;
} ListWait;

static gboolean
last_list_matches (gpointer data)
{
  ListWait *wait = data;
  guint n = test_peer_count_events (wait->peer, NULL);

  return n > 0 && g_strcmp0 (test_peer_find_event (wait->peer, NULL, n - 1)->data,
                             wait->expected) == 0;
}

static void
test_presenter_changes (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) peer = test_peer_open_stream (hub->port, NULL);
  SseHubEventLog *log = sse_hub_server_get_log (hub->server);
  g_autoptr(GError) error = NULL;
  ListWait wait = { peer, "[{\"name\":\"Ada\",\"age\":36},{\"name\":\"Bob\",\"age\":7}]" };

  test_peer_hello_id (peer);
  test_hub_add (hub, "Ada", 36);
  test_hub_add (hub, "Bob", 7);
  g_assert_true (test_pump_until (last_list_matches, &wait, 5000));
  g_assert_cmpstr (find_log_text (log, SSE_HUB_LOG_REQUEST, "add"), ==, "presenter added {\"name\":\"Bob\",\"age\":7}");

  g_assert_true (sse_hub_server_remove_person (hub->server, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  wait.expected = "[{\"name\":\"Bob\",\"age\":7}]";
  g_assert_true (test_pump_until (last_list_matches, &wait, 5000));
  g_assert_cmpstr (find_log_text (log, SSE_HUB_LOG_REQUEST, "remove"), ==,
                   "presenter removed {\"name\":\"Ada\",\"age\":36}");

  /* A refused change leaves the list and the log as they were. */
  g_assert_false (sse_hub_server_remove_person (hub->server, 5, NULL, NULL, &error));
  g_assert_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpstr (find_log_text (log, SSE_HUB_LOG_REQUEST, "remove"), ==,
                   "presenter removed {\"name\":\"Ada\",\"age\":36}");

  test_hub_add (hub, "Cy", 9);
  g_assert_true (sse_hub_server_clear_persons (hub->server, NULL, NULL, &error));
  g_assert_no_error (error);
  wait.expected = "[]";
  g_assert_true (test_pump_until (last_list_matches, &wait, 5000));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 0);
  g_assert_cmpstr (find_log_text (log, SSE_HUB_LOG_REQUEST, "clear"), ==, "presenter cleared 2 persons");
}

static void
test_store_full (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestResponse) full = NULL;

  sse_hub_person_store_set_max_persons (hub->store, 2);
  test_hub_add (hub, "One", 1);
  test_hub_add (hub, "Two", 2);

  full = test_http_post (hub->port, JSON, "{\"name\":\"Three\",\"age\":3}", -1);
  assert_refused (hub, full, 507, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 2);
}

static void
test_event_log (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  SseHubEventLog *log = sse_hub_server_get_log (hub->server);
  guint max = sse_hub_event_log_get_max_entries (log);
  g_autoptr(SseHubLogEntry) last = NULL;

  for (guint i = 0; i < max * 3; i++)
    sse_hub_server_publish (hub->server, SSE_HUB_LOG_NOTICE, "tick", NULL, "x");
  /* Entries reach the model in batches, never one by one. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), <, max);
  test_pump (300);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, max);
  last = g_list_model_get_item (G_LIST_MODEL (log), max - 1);
  g_assert_cmpstr (sse_hub_log_entry_get_text (last), ==, "event: tick\ndata: x\n\n");
  g_assert_cmpstr (sse_hub_log_entry_get_event_name (last), ==, "tick");

  sse_hub_event_log_clear (log);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 0);
}

/* The window's Undo for a clear: the old entries go back before the new
 * ones, and never past max-entries. */
static void
test_event_log_restore (void)
{
  g_autoptr(SseHubEventLog) log = sse_hub_event_log_new (4);
  g_autoptr(GPtrArray) taken = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SseHubLogEntry) first = NULL;
  g_autoptr(SseHubLogEntry) last = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *text = g_strdup_printf ("old %u", i);

      sse_hub_event_log_append (log, SSE_HUB_LOG_NOTICE, NULL, 0, 0, text);
    }
  sse_hub_event_log_flush (log);
  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (taken, g_list_model_get_item (G_LIST_MODEL (log), i));
  sse_hub_event_log_clear (log);
  sse_hub_event_log_append (log, SSE_HUB_LOG_NOTICE, NULL, 0, 0, "new");

  sse_hub_event_log_restore (log, taken);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 4);
  first = g_list_model_get_item (G_LIST_MODEL (log), 0);
  last = g_list_model_get_item (G_LIST_MODEL (log), 3);
  g_assert_cmpstr (sse_hub_log_entry_get_text (first), ==, "old 0");
  g_assert_cmpstr (sse_hub_log_entry_get_text (last), ==, "new");

  /* Full: only the newest old entries that fit come back. */
  sse_hub_event_log_restore (log, taken);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 4);
}

static void
test_dual_stack (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) peer = NULL;
  g_autoptr(SseHubClient) client = NULL;
  g_auto(GStrv) urls = NULL;

  /* Every interface: IPv6 and IPv4 on one socket, shown as plain IPv4. */
  g_object_set (hub->server, "bind-address", NULL, NULL);
  hub->port = sse_hub_server_get_bound_port (hub->server);
  peer = test_peer_open_stream (hub->port, NULL);
  test_peer_hello_id (peer);

  client = g_list_model_get_item (sse_hub_server_get_clients (hub->server), 0);
  g_assert_cmpstr (sse_hub_client_get_remote_address (client), ==, "127.0.0.1");

  urls = sse_hub_server_dup_urls (hub->server);
  g_assert_nonnull (urls[0]);
  for (guint i = 0; urls[i] != NULL; i++)
    {
      g_autofree char *suffix = g_strdup_printf (":%u/", hub->port);

      g_assert_true (g_str_has_prefix (urls[i], "http://"));
      g_assert_true (g_str_has_suffix (urls[i], suffix));
      /* Loopback is only offered when there is no network at all. */
      if (urls[1] != NULL)
        g_assert_null (strstr (urls[i], "127.0.0.1"));
    }
}

static void
test_slowloris (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) trickle = NULL;
  g_autoptr(TestPeer) browser = NULL;
  gint64 start;

  g_object_set (hub->server, "request-timeout", 1, NULL);
  trickle = test_peer_connect (hub->port, "GET /connect HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a");

  /* Others are served while the trickler waits. */
  browser = test_peer_open_stream (hub->port, NULL);
  test_peer_hello_id (browser);

  start = g_get_monotonic_time ();
  g_assert_true (test_pump_until (stream_ended, trickle, 5000));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
  g_assert_cmpuint (trickle->raw->len, ==, 0);
  g_assert_false (browser->closed);
}

static void
test_hostile_requests (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(GString) huge = g_string_new ("GET /connect HTTP/1.1\r\nHost: x\r\n");
  const char *garbage[] = {
    "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",  /* a TLS hello */
    "HELLO\r\n\r\n",
    "GET\r\n\r\n",
    "GET / HTTP/9.9\r\n\r\n",
    "GET / HTTP/1.1\r\nHost x\r\n\r\n",
  };
  g_autoptr(TestPeer) survivor = NULL;

  /* Bytes that never form a request are closed by the deadline. */
  g_object_set (hub->server, "request-timeout", 1, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autoptr(TestResponse) response = test_http_raw (hub->port, garbage[i], strlen (garbage[i]));

      g_test_message ("garbage %u answered %u", i, response->status);
      g_assert_true (response->status == 0 || response->status >= 400);
    }

  /* 1 MiB of headers is refused, not buffered. */
  while (huge->len < 1024 * 1024)
    g_string_append (huge, "X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
  g_string_append (huge, "\r\n");
  {
    g_autoptr(TestResponse) response = test_http_raw (hub->port, huge->str, huge->len);

    g_assert_true (response->status == 0 || response->status >= 400);
  }

  g_assert_cmpuint (g_list_model_get_n_items (sse_hub_server_get_clients (hub->server)), ==, 0);
  survivor = test_peer_open_stream (hub->port, NULL);
  test_peer_hello_id (survivor);
}

static void
on_error (SseHubServer *server,
          GError       *error,
          gpointer      user_data)
{
  *(GError **) user_data = g_error_copy (error);
}

static void
test_restart_on_new_port (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestHub) other = test_hub_new ();
  g_autoptr(TestPeer) before = test_peer_open_stream (hub->port, NULL);
  g_autoptr(TestPeer) after = NULL;
  g_autoptr(GError) error = NULL;
  guint old_port = hub->port;

  test_peer_hello_id (before);
  g_signal_connect (hub->server, "error", G_CALLBACK (on_error), &error);

  /* Changing the port while serving restarts on it; open streams end. */
  g_object_set (hub->server, "port", 0, NULL);
  g_object_set (hub->server, "bind-address", "::1", NULL);
  g_assert_no_error (error);
  g_assert_true (sse_hub_server_get_running (hub->server));
  g_assert_true (test_pump_until (stream_ended, before, 5000));
  g_assert_cmpuint (g_list_model_get_n_items (sse_hub_server_get_clients (hub->server)), ==, 0);

  /* A port in use: the error signal, and the hub is stopped, not crashed. */
  g_object_set (hub->server, "bind-address", "127.0.0.1", NULL);
  g_object_set (hub->server, "port", other->port, NULL);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_assert_false (sse_hub_server_get_running (hub->server));

  g_clear_error (&error);
  g_object_set (hub->server, "port", old_port, NULL);
  g_assert_true (sse_hub_server_start (hub->server, &error));
  g_assert_no_error (error);
  after = test_peer_open_stream (old_port, NULL);
  test_peer_hello_id (after);
}

/* ------------------------------------------------------------------------ */
/* Access: on loopback everyone is the presenter's machine, but a page from
 * another origin open on it is audience, so these rules show here too. */

#define FOREIGN_ORIGIN "Origin: http://elsewhere.example\r\n"

static TestResponse *
post_json_to (guint       port,
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

static TestResponse *
post_with_headers (guint       port,
                   const char *extra_headers,
                   const char *body)
{
  return post_json_to (port, "/addPerson", extra_headers, body);
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
      g_ptr_array_add (peers, test_peer_open_stream (hub->port, FOREIGN_ORIGIN));
      g_assert_cmpstr (first_event (g_ptr_array_index (peers, i)), ==, "hello");
    }
  late = test_peer_open_stream (hub->port, FOREIGN_ORIGIN);
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
  g_assert_true (wait_n_clients (hub, 1 + SSE_HUB_PRESENTER_STREAM_SLOTS));
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
  one = test_peer_open_stream (hub->port, FOREIGN_ORIGIN);
  two = test_peer_open_stream (hub->port, FOREIGN_ORIGIN);
  g_assert_cmpstr (first_event (one), ==, "hello");
  g_assert_cmpstr (first_event (two), ==, "hello");

  three = test_peer_open_stream (hub->port, FOREIGN_ORIGIN);
  g_assert_true (test_pump_until (stream_ended, three, 5000));
  g_assert_cmpuint (three->status, ==, 200);
  g_assert_cmpstr (first_event (three), ==, "full");
  g_assert_nonnull (strstr (test_peer_find_event (three, "full", 0)->data,
                            "\"reason\":\"address-full\""));
  g_assert_cmpint (((TestFrame *) g_ptr_array_index (three->frames, 0))->retry, >=, 22500);
  g_assert_nonnull (strstr (find_log_text (log, SSE_HUB_LOG_REFUSAL, "address-full"),
                            "127.0.0.1"));

  /* The presenter is not held to it; a stream that ends frees its slot. */
  own = test_peer_open_stream (hub->port, NULL);
  g_assert_cmpstr (first_event (own), ==, "hello");
  test_peer_close (one);
  g_assert_true (wait_n_clients (hub, 2));
  again = test_peer_open_stream (hub->port, FOREIGN_ORIGIN);
  g_assert_cmpstr (first_event (again), ==, "hello");

  /* 0 turns the limit off. */
  g_clear_pointer (&three, test_peer_free);
  g_object_set (hub->server, "max-streams-per-address", 0, NULL);
  three = test_peer_open_stream (hub->port, FOREIGN_ORIGIN);
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
  const char *audience[] = { FOREIGN_ORIGIN, other_port, other_scheme, "Origin: null\r\n" };

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
      assert_refused (hub, response, 403, NULL);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==,
                    G_N_ELEMENTS (presenter));
  g_assert_nonnull (strstr (find_log_text (sse_hub_server_get_log (hub->server),
                                           SSE_HUB_LOG_REFUSAL, "writes-off"), "127.0.0.1"));
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
  sent = post_json_to (hub->port, "/event", "",
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
  again = post_json_to (hub->port, "/event", "", "{\"event\":\"poll\",\"data\":\"\"}");
  g_assert_cmpuint (again->status, ==, 200);
  g_assert_nonnull (test_peer_wait_event (peer, "poll", 1, 5000));
  g_assert_cmpuint (test_peer_count_events (peer, "config"), ==, 1);
  late = test_peer_open_stream (hub->port, NULL);
  test_peer_hello_id (late);
  g_assert_nonnull (strstr (test_peer_find_event (late, "hello", 0)->data, ",\"events\":[\"poll\"]}"));

  foreign = post_json_to (hub->port, "/event", FOREIGN_ORIGIN, "{\"event\":\"spoof\",\"data\":\"x\"}");
  assert_refused (hub, foreign, 403, NULL);
  reserved = post_json_to (hub->port, "/event", "", "{\"event\":\"Hello\",\"data\":\"x\"}");
  assert_refused (hub, reserved, 400, "event");
  no_data = post_json_to (hub->port, "/event", "", "{\"event\":\"quiz\"}");
  assert_refused (hub, no_data, 400, "data");

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
        assert_refused (hub, response, 403, "host");
      }
  g_assert_cmpuint (g_list_model_get_n_items (sse_hub_server_get_clients (hub->server)), ==, 0);
  g_assert_nonnull (find_log_text (sse_hub_server_get_log (hub->server),
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
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *retry_after = NULL;
  SseHubEventLog *log = sse_hub_server_get_log (hub->server);
  const char *person = "{\"name\":\"a\",\"age\":1}";

  /* A total per address for the life of the hub. */
  g_object_set (hub->server, "rate-limit", 0, "audience-rate-limit", 0,
                "max-persons-per-address", 2, NULL);
  assert_posts_stored (hub->port, FOREIGN_ORIGIN, 2);
  third = post_with_headers (hub->port, FOREIGN_ORIGIN, person);
  assert_too_many_requests (hub, third);
  node = parse_json (third->body);
  g_assert_nonnull (strstr (json_object_get_string_member (json_node_get_object (node), "error"),
                            "added 2 persons"));
  retry_after = test_response_dup_header (third, "Retry-After");
  g_assert_null (retry_after);
  g_assert_nonnull (find_log_text (log, SSE_HUB_LOG_REFUSAL, "address-total"));

  /* Clearing the list gives no fresh allowance; the presenter is exempt. */
  g_assert_true (sse_hub_server_clear_persons (hub->server, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (test_pump_until (list_is_empty, hub->store, 5000));
  still = post_with_headers (hub->port, FOREIGN_ORIGIN, person);
  assert_refused (hub, still, 429, NULL);
  assert_posts_stored (hub->port, "", 3);

  /* The audience's shared budget: two a minute for everyone. */
  g_object_set (hub->server, "max-persons-per-address", 0, "audience-rate-limit", 2, NULL);
  assert_posts_stored (hub->port, FOREIGN_ORIGIN, 2);
  over_budget = post_with_headers (hub->port, FOREIGN_ORIGIN, person);
  assert_too_many_requests (hub, over_budget);
  g_clear_pointer (&retry_after, g_free);
  retry_after = test_response_dup_header (over_budget, "Retry-After");
  g_assert_nonnull (retry_after);
  g_assert_cmpuint (g_ascii_strtoull (retry_after, NULL, 10), >=, 29);
  g_assert_cmpuint (g_ascii_strtoull (retry_after, NULL, 10), <=, 30);
  g_assert_nonnull (find_log_text (log, SSE_HUB_LOG_REFUSAL, "audience-budget"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 5);
}

/* Where the first entry with this event name (and text holding part,
 * if not NULL) is in the log, or -1. */
static int
log_position (SseHubEventLog *log,
              const char     *event_name,
              const char     *part)
{
  GListModel *model = G_LIST_MODEL (log);

  sse_hub_event_log_flush (log);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SseHubLogEntry) entry = g_list_model_get_item (model, i);

      if (g_strcmp0 (sse_hub_log_entry_get_event_name (entry), event_name) == 0 &&
          (part == NULL || strstr (sse_hub_log_entry_get_text (entry), part) != NULL))
        return (int) i;
    }

  return -1;
}

static SseHubLogEntry *
log_entry_at (SseHubEventLog *log,
              int             position)
{
  g_assert_cmpint (position, >=, 0);
  return g_list_model_get_item (G_LIST_MODEL (log), position);
}

/* The request that caused a broadcast is in the log before it, whether it
 * came from a browser or from the window, and counts its own bytes. */
static void
test_log_cause_before_effect (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) peer = test_peer_open_stream (hub->port, NULL);
  SseHubEventLog *log = sse_hub_server_get_log (hub->server);
  g_autoptr(TestResponse) response = NULL;
  g_autoptr(SseHubLogEntry) post_entry = NULL;
  g_autofree char *request = NULL;
  const char *body = "{\"name\":\"Ada\",\"age\":36}";
  ListWait wait = { peer, "[{\"name\":\"Ada\",\"age\":36}]" };
  int post, broadcast, add;

  test_peer_hello_id (peer);
  request = g_strdup_printf ("POST /addPerson HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n"
                             "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                             hub->port, strlen (body), body);
  response = test_http_raw (hub->port, request, strlen (request));
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_true (test_pump_until (last_list_matches, &wait, 5000));

  post = log_position (log, "POST", "Ada");
  broadcast = log_position (log, "message", "Ada");
  g_assert_cmpint (post, >=, 0);
  g_assert_cmpint (post, <, broadcast);
  /* The request's bytes as they arrived, not the length of the log line. */
  post_entry = log_entry_at (log, post);
  g_assert_cmpuint (sse_hub_log_entry_get_bytes (post_entry), ==, strlen (request));

  test_hub_add (hub, "Bob", 7);
  wait.expected = "[{\"name\":\"Ada\",\"age\":36},{\"name\":\"Bob\",\"age\":7}]";
  g_assert_true (test_pump_until (last_list_matches, &wait, 5000));
  add = log_position (log, "add", "Bob");
  g_assert_cmpint (add, >=, 0);
  g_assert_cmpint (add, <, log_position (log, "message", "Bob"));
}

static SseHubLogEntry *
connect_entry (TestHub    *hub,
               const char *event_name,
               const char *part)
{
  return log_entry_at (sse_hub_server_get_log (hub->server),
                       log_position (sse_hub_server_get_log (hub->server), event_name, part));
}

/* Each stream's list is in the log: sent on a first connect, resent to a
 * client that is behind, skipped for one that has the current list. */
static void
test_log_connect_frames (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) fresh = NULL;
  g_autoptr(TestPeer) current = NULL;
  g_autoptr(TestPeer) behind = NULL;
  g_autoptr(SseHubLogEntry) sent = NULL;
  g_autoptr(SseHubLogEntry) skipped = NULL;
  g_autoptr(SseHubLogEntry) resent = NULL;
  g_autofree char *revision = NULL;
  g_autofree char *header = NULL;
  g_autofree char *skipped_text = NULL;
  g_autofree char *resent_text = NULL;
  g_autofree char *fresh_text = NULL;

  test_hub_add (hub, "Ada", 36);
  revision = revision_of (hub);

  fresh = test_peer_open_stream (hub->port, NULL);
  fresh_text = g_strdup_printf ("client %" G_GUINT64_FORMAT " sent no Last-Event-ID: list sent",
                                test_peer_hello_id (fresh));
  g_assert_nonnull (test_peer_wait_event (fresh, NULL, 0, 5000));
  sent = connect_entry (hub, "connect", fresh_text);
  g_assert_cmpint (sse_hub_log_entry_get_kind (sent), ==, SSE_HUB_LOG_HELLO);
  g_assert_cmpuint (sse_hub_log_entry_get_recipients (sent), ==, 1);
  g_assert_cmpuint (sse_hub_log_entry_get_bytes (sent), ==,
                    strlen ("id: \ndata: [{\"name\":\"Ada\",\"age\":36}]\n\n") + strlen (revision));
  g_assert_nonnull (strstr (sse_hub_log_entry_get_text (sent), "data: [{\"name\":\"Ada\""));

  header = g_strdup_printf ("Last-Event-ID: %s\r\n", revision);
  current = test_peer_open_stream (hub->port, header);
  skipped_text = g_strdup_printf ("client %" G_GUINT64_FORMAT " sent Last-Event-ID %s, "
                                  "the current list: list skipped",
                                  test_peer_hello_id (current), revision);
  skipped = connect_entry (hub, "resume", skipped_text);
  g_assert_cmpuint (sse_hub_log_entry_get_recipients (skipped), ==, 0);
  g_assert_cmpuint (sse_hub_log_entry_get_bytes (skipped), ==, 0);

  behind = test_peer_open_stream (hub->port, "Last-Event-ID: 12\r\n");
  resent_text = g_strdup_printf ("client %" G_GUINT64_FORMAT " sent Last-Event-ID 12, list is at "
                                 "%s: list resent", test_peer_hello_id (behind), revision);
  g_assert_nonnull (test_peer_wait_event (behind, NULL, 0, 5000));
  resent = connect_entry (hub, "resume", resent_text);
  g_assert_cmpuint (sse_hub_log_entry_get_bytes (resent), ==, sse_hub_log_entry_get_bytes (sent));
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
  g_assert_true (test_pump_until (stream_ended, second, 5000));
  test_pump (200);
  g_assert_false (first->closed);
  g_assert_false (third->closed);
  g_assert_cmpuint (g_list_model_get_n_items (clients), ==, 2);
  g_assert_cmpint (log_position (log, "disconnect", "client"), >=, 0);
  /* Gone already: nothing more to do or log. */
  g_assert_cmpuint (sse_hub_server_disconnect_client (hub->server, victim), ==, 0);

  g_assert_cmpuint (sse_hub_server_drop_all_clients (hub->server), ==, 2);
  g_assert_true (test_pump_until (stream_ended, first, 5000));
  g_assert_true (test_pump_until (stream_ended, third, 5000));
  g_assert_cmpuint (g_list_model_get_n_items (clients), ==, 0);
  g_assert_nonnull (strstr (find_log_text (log, SSE_HUB_LOG_NOTICE, "drop-all"),
                            "dropped all 2 streams"));
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
  g_assert_nonnull (find_log_text (sse_hub_server_get_log (hub->server), SSE_HUB_LOG_NOTICE,
                                   "quiz"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/connect-stream", test_connect_stream);
  g_test_add_func ("/server/bad-bodies", test_bad_bodies);
  g_test_add_func ("/server/oversize-body", test_oversize_body);
  g_test_add_func ("/server/broadcast", test_broadcast);
  g_test_add_func ("/server/client-events", test_client_events);
  g_test_add_func ("/server/connect-storm", test_connect_storm);
  g_test_add_func ("/server/last-event-id", test_last_event_id);
  g_test_add_func ("/server/keepalive", test_keepalive);
  g_test_add_func ("/server/preflight", test_preflight);
  g_test_add_func ("/server/not-found-and-method", test_not_found_and_method);
  g_test_add_func ("/server/audience-page", test_audience_page);
  g_test_add_func ("/server/page-revalidation", test_page_revalidation);
  g_test_add_func ("/server/slow-reader-dropped", test_slow_reader_dropped);
  g_test_add_func ("/server/full-hub", test_full_hub);
  g_test_add_func ("/server/disconnects", test_disconnects);
  g_test_add_func ("/server/writes-disabled", test_writes_disabled);
  g_test_add_func ("/server/rate-limit", test_rate_limit);
  g_test_add_func ("/server/store-full", test_store_full);
  g_test_add_func ("/server/presenter-changes", test_presenter_changes);
  g_test_add_func ("/server/event-log", test_event_log);
  g_test_add_func ("/server/event-log-restore", test_event_log_restore);
  g_test_add_func ("/server/log/cause-before-effect", test_log_cause_before_effect);
  g_test_add_func ("/server/log/connect-frames", test_log_connect_frames);
  g_test_add_func ("/server/teach/drop-and-disconnect", test_drop_and_disconnect);
  g_test_add_func ("/server/teach/custom-event", test_custom_event);
  g_test_add_func ("/server/restart-on-new-port", test_restart_on_new_port);
  g_test_add_func ("/server/dual-stack", test_dual_stack);
  g_test_add_func ("/server/hostile/slowloris", test_slowloris);
  g_test_add_func ("/server/hostile/requests", test_hostile_requests);
  g_test_add_func ("/server/access/presenter-slots", test_presenter_slots);
  g_test_add_func ("/server/access/streams-per-address", test_streams_per_address);
  g_test_add_func ("/server/access/origin", test_origin_rules);
  g_test_add_func ("/server/access/host", test_host_check);
  g_test_add_func ("/server/custom-event/route", test_custom_event_route);
  g_test_add_func ("/server/custom-event/names-cap", test_custom_event_names_cap);
  g_test_add_func ("/server/access/posting-limits", test_posting_limits);

  return g_test_run ();
}
