/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "sse-hub-journal-format.h"
#include "sse-hub-wire.h"

static void
assert_frame (GBytes     *frame,
              const char *expected)
{
  gsize size;
  const char *data = g_bytes_get_data (frame, &size);

  g_assert_cmpmem (data, size, expected, strlen (expected));
  g_bytes_unref (frame);
}

static void
test_frame_plain (void)
{
  assert_frame (sse_hub_format_frame (NULL, "7", "[]"), "id: 7\ndata: []\n\n");
  assert_frame (sse_hub_format_frame ("client", NULL, "[1,2]"), "event: client\ndata: [1,2]\n\n");
  assert_frame (sse_hub_format_frame ("hello", "3", "x"), "event: hello\nid: 3\ndata: x\n\n");
  assert_frame (sse_hub_format_frame (NULL, NULL, ""), "data:\n\n");
}

static void
test_frame_multiline (void)
{
  assert_frame (sse_hub_format_frame (NULL, NULL, "a\nb"), "data: a\ndata: b\n\n");
  assert_frame (sse_hub_format_frame (NULL, NULL, "a\r\nb"), "data: a\ndata: b\n\n");
  assert_frame (sse_hub_format_frame (NULL, NULL, "a\rb"), "data: a\ndata: b\n\n");
  assert_frame (sse_hub_format_frame (NULL, NULL, "a\n\nb\n"), "data: a\ndata:\ndata: b\ndata:\n\n");
}

static void
test_frame_injection (void)
{
  /* A line break in an event name or id must not start a new field. */
  assert_frame (sse_hub_format_frame ("x\ndata: evil", "1\r\nretry: 1", "ok"),
                "event: x\nid: 1\ndata: ok\n\n");
}

static void
test_frame_utf8 (void)
{
  assert_frame (sse_hub_format_frame (NULL, NULL, "[{\"name\":\"李小龙 🐉\"}]"),
                "data: [{\"name\":\"李小龙 🐉\"}]\n\n");
}

static void
test_comment_and_retry (void)
{
  assert_frame (sse_hub_format_comment ("keep-alive"), ": keep-alive\n\n");
  assert_frame (sse_hub_format_comment ("a\nb"), ": a\n: b\n\n");
  assert_frame (sse_hub_format_heartbeat (), ": keep-alive\n\nevent: heartbeat\ndata:\n\n");
  assert_frame (sse_hub_format_retry (2500), "retry: 2500\n\n");
}

static void
test_person_json (void)
{
  g_autofree char *json = sse_hub_person_json ("a\"b\n<c>", 22);

  g_assert_cmpstr (json, ==, "{\"name\":\"a\\\"b\\n<c>\",\"age\":22}");
}

static void
test_event_payloads (void)
{
  static const guint64 ids[] = { 1, 22, 18446744073709551615u };
  static const char * const events[] = { "poll", "say \"hi\"", NULL };
  g_autofree char *hello = sse_hub_hello_json (7, TRUE, 3000, 15000, NULL);
  g_autofree char *hello_ro = sse_hub_hello_json (8, FALSE, 2251, 1000, events);
  g_autofree char *config_on = sse_hub_config_json (TRUE, NULL);
  g_autofree char *config_off = sse_hub_config_json (FALSE, events);
  g_autofree char *full = sse_hub_full_json (30000, SSE_HUB_FULL_HUB, 1000);
  g_autofree char *address_full = sse_hub_full_json (31000, SSE_HUB_FULL_ADDRESS, 8);
  g_autofree char *no_clients = sse_hub_client_ids_json (NULL, 0);
  g_autofree char *clients = sse_hub_client_ids_json (ids, G_N_ELEMENTS (ids));

  g_assert_cmpstr (hello, ==,
                   "{\"id\":7,\"writes\":true,\"retry\":3000,\"heartbeatMs\":15000,\"events\":[]}");
  g_assert_cmpstr (hello_ro, ==,
                   "{\"id\":8,\"writes\":false,\"retry\":2251,\"heartbeatMs\":1000,"
                   "\"events\":[\"poll\",\"say \\\"hi\\\"\"]}");
  g_assert_cmpstr (full, ==,
                   "{\"error\":\"The hub is full; trying again later\",\"reason\":\"full\","
                   "\"limit\":1000,\"retryMs\":30000}");
  g_assert_cmpstr (address_full, ==,
                   "{\"error\":\"This computer has the most streams one computer may open; "
                   "trying again later\",\"reason\":\"address-full\",\"limit\":8,"
                   "\"retryMs\":31000}");
  g_assert_cmpstr (config_on, ==, "{\"writes\":true,\"events\":[]}");
  g_assert_cmpstr (config_off, ==, "{\"writes\":false,\"events\":[\"poll\",\"say \\\"hi\\\"\"]}");
  g_assert_cmpstr (no_clients, ==, "[]");
  g_assert_cmpstr (clients, ==, "[1,22,18446744073709551615]");
}

static void
test_stream_head (void)
{
  g_autoptr(GString) head = g_string_new ("x");

  sse_hub_append_stream_head (head, "sse-hub/1.2.3");
  g_assert_cmpstr (head->str, ==,
                   "xHTTP/1.1 200 OK\r\n"
                   "Server: sse-hub/1.2.3\r\n"
                   "Content-Type: text/event-stream; charset=utf-8\r\n"
                   "Cache-Control: no-cache, no-transform\r\n"
                   "X-Accel-Buffering: no\r\n"
                   "Access-Control-Allow-Origin: *\r\n"
                   "Connection: close\r\n"
                   "\r\n");
}

static char *
join_headers (const SseHubHeader *table)
{
  GString *out = g_string_new (NULL);

  for (const SseHubHeader *header = table; header->name != NULL; header++)
    g_string_append_printf (out, "%s: %s\n", header->name, header->value);

  return g_string_free (out, FALSE);
}

static void
test_cors_headers (void)
{
  g_autofree char *cors = join_headers (sse_hub_cors_headers ());
  g_autofree char *preflight = join_headers (sse_hub_preflight_headers ());

  g_assert_cmpstr (cors, ==, "Access-Control-Allow-Origin: *\n");
  g_assert_cmpstr (preflight, ==,
                   "Access-Control-Allow-Methods: GET, POST, OPTIONS\n"
                   "Access-Control-Allow-Headers: Content-Type, Last-Event-ID, Idempotency-Key\n"
                   "Access-Control-Max-Age: 86400\n"
                   "Allow: GET, POST, OPTIONS\n");
}

/* The journal's add line and the wire share the person's one text. */
static void
test_person_json_members (void)
{
  g_autoptr(SseHubPerson) person = sse_hub_person_new ("Zoë", 150);
  g_autofree char *line = sse_hub_journal_add_line (person);

  g_assert_cmpstr (sse_hub_person_get_json (person), ==, "{\"name\":\"Zoë\",\"age\":150}");
  g_assert_cmpstr (line, ==, "{\"op\":\"add\",\"name\":\"Zoë\",\"age\":150}\n");
}

static void
test_validate_name (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *long_name = g_strnfill (SSE_HUB_NAME_MAX_CHARS, 'x');
  g_autofree char *too_long = g_strnfill (SSE_HUB_NAME_MAX_CHARS + 1, 'x');
  g_autoptr(GString) long_cjk = g_string_new (NULL);

  g_assert_true (sse_hub_validate_name ("  Ada \t", -1, &name, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "Ada");

  g_assert_true (sse_hub_validate_name (long_name, -1, NULL, &error));
  g_assert_false (sse_hub_validate_name (too_long, -1, NULL, &error));
  g_assert_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_NAME);
  g_clear_error (&error);

  /* The limit counts characters, not bytes. */
  for (guint i = 0; i < SSE_HUB_NAME_MAX_CHARS; i++)
    g_string_append (long_cjk, "龙");
  g_assert_true (sse_hub_validate_name (long_cjk->str, -1, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (sse_hub_validate_name ("\u3000 ", -1, NULL, &error));
  g_assert_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_NAME);
  g_clear_error (&error);

  g_assert_false (sse_hub_validate_name ("a\x1b[31m", -1, NULL, &error));
  g_assert_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_NAME);
  g_clear_error (&error);

  g_assert_false (sse_hub_validate_name ("a\0b", 3, NULL, &error));
  g_assert_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_NAME);
  g_clear_error (&error);

  g_assert_false (sse_hub_validate_name ("\xff", -1, NULL, &error));
  g_assert_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_NAME);
}

static void
test_validate_age (void)
{
  const char *good[] = { "0", "22", "150", "007" };
  const char *bad[] = { "", "-1", "151", "1.5", "1e2", "abc", "+3", " 3", "99999999999999999999" };
  g_autoptr(GError) error = NULL;
  gint64 age;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_assert_true (sse_hub_parse_age_string (good[i], &age, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpint (age, ==, 7);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (sse_hub_parse_age_string (bad[i], &age, &error));
      g_assert_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_AGE);
      g_clear_error (&error);
    }

  g_assert_false (sse_hub_validate_age (-1, NULL));
  g_assert_false (sse_hub_validate_age (151, NULL));
  g_assert_true (sse_hub_validate_age (150, NULL));
}

static void
test_parse_bodies (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  const char *body;
  gint64 age = 0;

  g_assert_true (sse_hub_parse_person_body ("application/json; charset=UTF-8",
                                            "{\"name\":\"lzc\",\"age\":20}", 23,
                                            &name, &age, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "lzc");
  g_assert_cmpint (age, ==, 20);
  g_clear_pointer (&name, g_free);

  g_assert_true (sse_hub_parse_person_body ("application/x-www-form-urlencoded",
                                            "name=lzc2+%E6%9D%8E&age=22", 26,
                                            &name, &age, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "lzc2 李");
  g_assert_cmpint (age, ==, 22);
  g_clear_pointer (&name, g_free);

  /* An escaped backslash before u0000 is not a NUL escape. */
  body = "{\"name\":\"a\\\\u0000\",\"age\":1}";
  g_assert_true (sse_hub_parse_person_body ("application/json", body, strlen (body),
                                            &name, &age, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "a\\u0000");
}

static void
test_error_json (void)
{
  g_autoptr(GError) error = g_error_new_literal (SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_AGE, "bad \"age\"");
  g_autofree char *json = sse_hub_error_to_json (error);

  g_assert_cmpstr (json, ==, "{\"error\":\"bad \\\"age\\\"\",\"field\":\"age\"}");
  g_assert_cmpuint (sse_hub_error_http_status (error), ==, 400);
}

static void
test_custom_event (void)
{
  static const struct { const char *name; const char *id; const char *data; int code; } cases[] = {
    { "quiz", NULL, "a\nb", -1 },
    { "quiz: part 2", "q-7", "", -1 },
    { "Frage", "", "x", -1 },
    { "", NULL, "x", SSE_HUB_ERROR_INVALID_EVENT_NAME },
    { NULL, NULL, "x", SSE_HUB_ERROR_INVALID_EVENT_NAME },
    { "two\nlines", NULL, "x", SSE_HUB_ERROR_INVALID_EVENT_NAME },
    { "cr\r", NULL, "x", SSE_HUB_ERROR_INVALID_EVENT_NAME },
    { " quiz", NULL, "x", SSE_HUB_ERROR_INVALID_EVENT_NAME },
    { "quiz ", NULL, "x", SSE_HUB_ERROR_INVALID_EVENT_NAME },
    { "Message", NULL, "x", SSE_HUB_ERROR_INVALID_EVENT_NAME },
    { "quiz", "a\nb", "x", SSE_HUB_ERROR_INVALID_EVENT_ID },
    { "quiz", NULL, NULL, SSE_HUB_ERROR_INVALID_EVENT_DATA },
  };
  g_autofree char *big = g_strnfill (SSE_HUB_EVENT_DATA_MAX_BYTES + 1, 'x');
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean ok = sse_hub_validate_custom_event (cases[i].name, cases[i].id, cases[i].data,
                                                   &error);

      if (cases[i].code < 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_error (error, SSE_HUB_ERROR, cases[i].code);
          g_assert_false (ok);
          g_clear_error (&error);
        }
    }

  /* Every name the hub sends itself is refused. */
  for (const char * const *name = sse_hub_reserved_event_names (); *name != NULL; name++)
    {
      g_assert_false (sse_hub_validate_custom_event (*name, NULL, "x", &error));
      g_assert_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_EVENT_NAME);
      g_assert_cmpstr (sse_hub_error_field (error), ==, "event");
      g_clear_error (&error);
    }
  g_assert_true (g_strv_contains (sse_hub_reserved_event_names (), SSE_HUB_EVENT_HELLO));
  g_assert_true (g_strv_contains (sse_hub_reserved_event_names (), "message"));

  g_assert_false (sse_hub_validate_custom_event ("quiz", NULL, big, &error));
  g_assert_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_EVENT_DATA);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wire/frame/plain", test_frame_plain);
  g_test_add_func ("/wire/frame/multiline", test_frame_multiline);
  g_test_add_func ("/wire/frame/injection", test_frame_injection);
  g_test_add_func ("/wire/frame/utf8", test_frame_utf8);
  g_test_add_func ("/wire/frame/comment-retry", test_comment_and_retry);
  g_test_add_func ("/wire/person-json", test_person_json);
  g_test_add_func ("/wire/person-json/members", test_person_json_members);
  g_test_add_func ("/wire/event-payloads", test_event_payloads);
  g_test_add_func ("/wire/stream-head", test_stream_head);
  g_test_add_func ("/wire/cors-headers", test_cors_headers);
  g_test_add_func ("/wire/validate/name", test_validate_name);
  g_test_add_func ("/wire/validate/age", test_validate_age);
  g_test_add_func ("/wire/parse/bodies", test_parse_bodies);
  g_test_add_func ("/wire/error-json", test_error_json);
  g_test_add_func ("/wire/custom-event", test_custom_event);

  return g_test_run ();
}
