/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Typed refusals against a real hub: each reason is answered with its
 * status, announced once on the server's "refused" signal with the peer,
 * the field and the path, and logged under the same reason. */
#include "hub-test.h"
#include "sse-hub-wire.h"

typedef struct
{
  guint          count;
  SseHubRefusal  reason;
  char          *host;
  SseHubPeerRole role;
  char          *field;
  char          *path;
} Refused;

static void
on_refused (SseHubServer  *server,
            SseHubPeer    *peer,
            SseHubRefusal  reason,
            const char    *field,
            const char    *path,
            Refused       *refused)
{
  refused->count++;
  refused->reason = reason;
  refused->role = sse_hub_peer_get_role (peer);
  g_free (refused->host);
  refused->host = g_strdup (sse_hub_peer_get_host (peer));
  g_free (refused->field);
  refused->field = g_strdup (field);
  g_free (refused->path);
  refused->path = g_strdup (path);
}

static void
refused_clear (Refused *refused)
{
  g_clear_pointer (&refused->host, g_free);
  g_clear_pointer (&refused->field, g_free);
  g_clear_pointer (&refused->path, g_free);
}

/* A hub whose loopback requests are the audience's. */
static TestHub *
audience_hub (Refused *refused)
{
  TestHub *hub = test_hub_new ();

  g_object_set (hub->server, "trust-local", FALSE, NULL);
  g_signal_connect (hub->server, "refused", G_CALLBACK (on_refused), refused);
  return hub;
}

static SseHubLogEntry *
last_refusal (TestHub *hub)
{
  GListModel *log = G_LIST_MODEL (sse_hub_server_get_log (hub->server));

  sse_hub_event_log_flush (sse_hub_server_get_log (hub->server));
  for (guint i = g_list_model_get_n_items (log); i > 0; i--)
    {
      g_autoptr(SseHubLogEntry) entry = g_list_model_get_item (log, i - 1);

      if (sse_hub_log_entry_get_event (entry) == SSE_HUB_LOG_EVENT_REFUSAL)
        return entry;
    }

  return NULL;
}

/* The one refusal since the last check was for reason, at path, about
 * field, and the log says the same. */
static void
assert_refused (TestHub       *hub,
                Refused       *refused,
                SseHubRefusal  reason,
                const char    *path,
                const char    *field)
{
  SseHubLogEntry *entry;

  g_assert_cmpuint (refused->count, ==, 1);
  g_assert_cmpint (refused->reason, ==, reason);
  g_assert_cmpstr (refused->host, ==, "127.0.0.1");
  g_assert_cmpstr (refused->path, ==, path);
  g_assert_cmpstr (refused->field, ==, field);

  entry = last_refusal (hub);
  g_assert_nonnull (entry);
  g_assert_cmpint (sse_hub_log_entry_get_record (entry)->refusal, ==, reason);
  g_assert_cmpuint (sse_hub_log_entry_get_record (entry)->status, ==,
                    sse_hub_refusal_get_status (reason));
  g_assert_cmpstr (sse_hub_log_entry_get_event_name (entry), ==, sse_hub_refusal_get_name (reason));
  refused->count = 0;
}

static void
post_refused (TestHub       *hub,
              Refused       *refused,
              const char    *content_type,
              const char    *body,
              SseHubRefusal  reason,
              const char    *field)
{
  g_autoptr(TestResponse) response = test_http_post (hub->port, content_type, body, -1);

  g_assert_cmpuint (response->status, ==, sse_hub_refusal_get_status (reason));
  assert_refused (hub, refused, reason, "/addPerson", field);
}

static void
raw_refused (TestHub       *hub,
             Refused       *refused,
             const char    *request,
             SseHubRefusal  reason,
             const char    *path,
             const char    *field)
{
  g_autoptr(TestResponse) response = test_http_raw (hub->port, request, strlen (request));

  g_assert_cmpuint (response->status, ==, sse_hub_refusal_get_status (reason));
  assert_refused (hub, refused, reason, path, field);
}

#define PERSON "{\"name\":\"Ada\",\"age\":36}"
#define JSON   "application/json"

static void
test_bodies (void)
{
  Refused refused = { 0 };
  g_autoptr(TestHub) hub = audience_hub (&refused);
  g_autofree char *big = g_strnfill (64 * 1024, 'x');

  post_refused (hub, &refused, JSON, "{\"name\":\"\",\"age\":3}", SSE_HUB_REFUSAL_BAD_REQUEST, "name");
  post_refused (hub, &refused, "text/plain", PERSON, SSE_HUB_REFUSAL_CONTENT_TYPE, "content-type");

  post_refused (hub, &refused, JSON, big, SSE_HUB_REFUSAL_TOO_LARGE, "body");

  refused_clear (&refused);
}

static void
test_limits (void)
{
  Refused refused = { 0 };
  g_autoptr(TestHub) hub = audience_hub (&refused);
  g_autoptr(TestResponse) first = NULL;
  g_autoptr(TestResponse) second = NULL;

  /* Writes off: 403. */
  g_object_set (hub->server, "allow-audience-writes", FALSE, NULL);
  post_refused (hub, &refused, JSON, PERSON, SSE_HUB_REFUSAL_WRITES_OFF, NULL);
  g_object_set (hub->server, "allow-audience-writes", TRUE, NULL);

  /* One computer's own rate. */
  g_object_set (hub->server, "rate-limit", 1, "audience-rate-limit", 0,
                "max-persons-per-address", 0, NULL);
  first = test_http_post (hub->port, JSON, PERSON, -1);
  g_assert_cmpuint (first->status, ==, 200);
  post_refused (hub, &refused, JSON, PERSON, SSE_HUB_REFUSAL_RATE, NULL);

  /* The whole audience's budget: a new one holds one post. */
  g_object_set (hub->server, "rate-limit", 0, "audience-rate-limit", 1, NULL);
  second = test_http_post (hub->port, JSON, PERSON, -1);
  g_assert_cmpuint (second->status, ==, 200);
  post_refused (hub, &refused, JSON, PERSON, SSE_HUB_REFUSAL_AUDIENCE_BUDGET, NULL);

  /* The persons one computer may add: it has added two. */
  g_object_set (hub->server, "audience-rate-limit", 0, "max-persons-per-address", 1, NULL);
  post_refused (hub, &refused, JSON, PERSON, SSE_HUB_REFUSAL_COMPUTER_TOTAL, NULL);

  /* A full list. */
  g_object_set (hub->server, "max-persons-per-address", 0, NULL);
  sse_hub_person_store_set_max_persons (hub->store, 1);
  post_refused (hub, &refused, JSON, PERSON, SSE_HUB_REFUSAL_LIST_FULL, NULL);

  refused_clear (&refused);
}

static void
test_routes (void)
{
  Refused refused = { 0 };
  g_autoptr(TestHub) hub = audience_hub (&refused);
  g_autofree char *foreign_host = NULL;
  g_autofree char *not_found = NULL;
  g_autofree char *method = NULL;
  g_autofree char *event = NULL;
  g_autofree char *foreign_event = NULL;
  const char *body = "{\"event\":\"tick\",\"data\":\"x\"}";

  foreign_host = g_strdup_printf ("GET / HTTP/1.1\r\nHost: evil.example:%u\r\n\r\n", hub->port);
  raw_refused (hub, &refused, foreign_host, SSE_HUB_REFUSAL_HOST, "/", "host");
  not_found = g_strdup_printf ("GET /nope HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", hub->port);
  raw_refused (hub, &refused, not_found, SSE_HUB_REFUSAL_NOT_FOUND, "/nope", NULL);
  method = g_strdup_printf ("GET /addPerson HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", hub->port);
  raw_refused (hub, &refused, method, SSE_HUB_REFUSAL_METHOD, "/addPerson", NULL);

  /* The presenter's route, from the audience... */
  event = g_strdup_printf ("POST /event HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                           "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                           hub->port, strlen (body), body);
  raw_refused (hub, &refused, event, SSE_HUB_REFUSAL_PRESENTER_ONLY, "/event", NULL);
  g_assert_cmpint (refused.role, ==, SSE_HUB_PEER_UNTRUSTED);

  /* ...and from a page of another site in the presenter's browser. */
  g_object_set (hub->server, "trust-local", TRUE, NULL);
  foreign_event = g_strdup_printf ("POST /event HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                                   "Origin: http://evil.example\r\n"
                                   "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                                   hub->port, strlen (body), body);
  raw_refused (hub, &refused, foreign_event, SSE_HUB_REFUSAL_ORIGIN, "/event", NULL);
  g_assert_cmpint (refused.role, ==, SSE_HUB_PEER_FOREIGN_ORIGIN);

  refused_clear (&refused);
}

static gboolean
has_hello (gpointer data)
{
  return test_peer_find_event (data, SSE_HUB_EVENT_HELLO, 0) != NULL;
}

static void
test_streams (void)
{
  Refused refused = { 0 };
  g_autoptr(TestHub) hub = audience_hub (&refused);
  g_autoptr(TestPeer) stream = NULL;
  g_autofree char *request = NULL;

  request = g_strdup_printf ("GET /connect HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", hub->port);
  stream = test_peer_open_stream (hub->port, NULL);
  g_assert_true (test_pump_until (has_hello, stream, 5000));

  /* A full hub answers 200 and a full event: EventSource comes back later. */
  g_object_set (hub->server, "max-streams-per-address", 1, NULL);
  raw_refused (hub, &refused, request, SSE_HUB_REFUSAL_STREAM_CAP, "/connect", NULL);
  g_object_set (hub->server, "max-streams-per-address", 0, "max-clients", 1, NULL);
  raw_refused (hub, &refused, request, SSE_HUB_REFUSAL_HUB_FULL, "/connect", NULL);

  refused_clear (&refused);
}

static gboolean
has_refusal (gpointer data)
{
  return ((Refused *) data)->count > 0;
}

static void
test_timeout (void)
{
  Refused refused = { 0 };
  g_autoptr(TestHub) hub = audience_hub (&refused);
  g_autoptr(TestPeer) slow = NULL;

  /* Headers that never end: closed without an answer. */
  g_object_set (hub->server, "request-timeout", 1, NULL);
  slow = test_peer_connect (hub->port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  g_assert_true (test_pump_until (has_refusal, &refused, 5000));
  g_assert_cmpuint (sse_hub_refusal_get_status (SSE_HUB_REFUSAL_TIMEOUT), ==, 0);
  g_assert_cmpuint (refused.count, ==, 1);
  g_assert_cmpint (refused.reason, ==, SSE_HUB_REFUSAL_TIMEOUT);
  g_assert_cmpstr (refused.host, ==, "127.0.0.1");
  g_assert_cmpint (sse_hub_log_entry_get_record (last_refusal (hub))->refusal, ==,
                   SSE_HUB_REFUSAL_TIMEOUT);

  refused_clear (&refused);
}

static void
test_from_another_computer (void)
{
  Refused refused = { 0 };
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autofree char *lan = test_find_lan_address ();
  g_autofree char *request = NULL;
  g_autoptr(TestResponse) response = NULL;

  if (lan == NULL)
    {
      g_test_skip ("this machine has no address besides loopback");
      return;
    }

  /* Trusted as the presenter's machine is, the hub still sees a student. */
  g_signal_connect (hub->server, "refused", G_CALLBACK (on_refused), &refused);
  g_object_set (hub->server, "allow-audience-writes", FALSE, NULL);
  request = g_strdup_printf ("POST /addPerson HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                             "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                             hub->port, strlen (PERSON), PERSON);
  response = test_http_raw_from (lan, hub->port, request, strlen (request));
  g_assert_cmpuint (response->status, ==, 403);
  g_assert_cmpuint (refused.count, ==, 1);
  g_assert_cmpint (refused.reason, ==, SSE_HUB_REFUSAL_WRITES_OFF);
  g_assert_cmpint (refused.role, ==, SSE_HUB_PEER_REMOTE);
  g_assert_cmpstr (refused.host, ==, lan);

  refused_clear (&refused);
}

static void
test_statuses_match_errors (void)
{
  /* A refusal answers with the status its wire error has. */
  const SseHubError codes[] = {
    SSE_HUB_ERROR_INVALID_NAME, SSE_HUB_ERROR_UNSUPPORTED_TYPE, SSE_HUB_ERROR_TOO_LARGE,
    SSE_HUB_ERROR_BLOCKED, SSE_HUB_ERROR_WRITES_DISABLED, SSE_HUB_ERROR_RATE_LIMITED,
    SSE_HUB_ERROR_STORE_FULL, SSE_HUB_ERROR_STORAGE, SSE_HUB_ERROR_NOT_FOUND,
    SSE_HUB_ERROR_METHOD_NOT_ALLOWED, SSE_HUB_ERROR_FOREIGN_HOST, SSE_HUB_ERROR_PRESENTER_ONLY,
  };
  GEnumClass *klass = g_type_class_ref (SSE_HUB_TYPE_REFUSAL);

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (SSE_HUB_ERROR, codes[i], "x");

      g_assert_cmpuint (sse_hub_refusal_get_status (sse_hub_refusal_from_error (error)), ==,
                        sse_hub_error_http_status (error));
    }

  /* Each reason's name is its enum nick, and each has words. */
  for (guint i = 0; i < klass->n_values; i++)
    {
      g_assert_cmpstr (klass->values[i].value_nick, ==, sse_hub_refusal_get_name (i));
      g_assert_nonnull (sse_hub_refusal_get_sentence (i));
    }
  g_type_class_unref (klass);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/refusals/statuses-match-errors", test_statuses_match_errors);
  g_test_add_func ("/refusals/bodies", test_bodies);
  g_test_add_func ("/refusals/limits", test_limits);
  g_test_add_func ("/refusals/routes", test_routes);
  g_test_add_func ("/refusals/streams", test_streams);
  g_test_add_func ("/refusals/timeout", test_timeout);
  g_test_add_func ("/refusals/from-another-computer", test_from_another_computer);

  return g_test_run ();
}
