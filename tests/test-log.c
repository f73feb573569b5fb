/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The presenter's changes and the event log they and the streams write. */
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/socket.h>

#include "hub-test.h"
#include "sse-hub-client.h"
#include "sse-hub-wire.h"

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
  g_autoptr(GAsyncResult) result = NULL;
  ListWait wait = { peer, "[{\"name\":\"Ada\",\"age\":36},{\"name\":\"Bob\",\"age\":7}]" };

  test_peer_hello_id (peer);
  test_hub_add (hub, "Ada", 36);
  test_hub_add (hub, "Bob", 7);
  g_assert_true (test_pump_until (last_list_matches, &wait, 5000));
  g_assert_cmpstr (test_find_log_text (log, SSE_HUB_LOG_REQUEST, "add"), ==, "presenter added {\"name\":\"Bob\",\"age\":7}");

  sse_hub_server_remove_person_async (hub->server, 0, NULL, test_keep_result, &result);
  g_assert_true (sse_hub_server_remove_person_finish (hub->server, test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  wait.expected = "[{\"name\":\"Bob\",\"age\":7}]";
  g_assert_true (test_pump_until (last_list_matches, &wait, 5000));
  g_assert_cmpstr (test_find_log_text (log, SSE_HUB_LOG_REQUEST, "remove"), ==,
                   "presenter removed {\"name\":\"Ada\",\"age\":36}");

  /* A refused change leaves the list and the log as they were. */
  sse_hub_server_remove_person_async (hub->server, 5, NULL, test_keep_result, &result);
  g_assert_false (sse_hub_server_remove_person_finish (hub->server, test_wait_result (&result), &error));
  g_assert_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_NOT_FOUND);
  g_clear_object (&result);
  g_clear_error (&error);
  g_assert_cmpstr (test_find_log_text (log, SSE_HUB_LOG_REQUEST, "remove"), ==,
                   "presenter removed {\"name\":\"Ada\",\"age\":36}");

  test_hub_add (hub, "Cy", 9);
  sse_hub_server_clear_persons_async (hub->server, NULL, NULL, NULL);
  wait.expected = "[]";
  g_assert_true (test_pump_until (last_list_matches, &wait, 5000));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 0);
  g_assert_cmpstr (test_find_log_text (log, SSE_HUB_LOG_REQUEST, "clear"), ==, "presenter cleared 2 persons");
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

  post = test_log_position (log, "POST", "Ada");
  broadcast = test_log_position (log, "message", "Ada");
  g_assert_cmpint (post, >=, 0);
  g_assert_cmpint (post, <, broadcast);
  /* The request's bytes as they arrived, not the length of the log line. */
  post_entry = test_log_entry_at (log, post);
  g_assert_cmpuint (sse_hub_log_entry_get_bytes (post_entry), ==, strlen (request));

  test_hub_add (hub, "Bob", 7);
  wait.expected = "[{\"name\":\"Ada\",\"age\":36},{\"name\":\"Bob\",\"age\":7}]";
  g_assert_true (test_pump_until (last_list_matches, &wait, 5000));
  add = test_log_position (log, "add", "Bob");
  g_assert_cmpint (add, >=, 0);
  g_assert_cmpint (add, <, test_log_position (log, "message", "Bob"));
}

static SseHubLogEntry *
connect_entry (TestHub    *hub,
               const char *event_name,
               const char *part)
{
  return test_log_entry_at (sse_hub_server_get_log (hub->server),
                       test_log_position (sse_hub_server_get_log (hub->server), event_name, part));
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
  revision = test_revision_of (hub);

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/presenter-changes", test_presenter_changes);
  g_test_add_func ("/server/event-log", test_event_log);
  g_test_add_func ("/server/event-log-restore", test_event_log_restore);
  g_test_add_func ("/server/log/cause-before-effect", test_log_cause_before_effect);
  g_test_add_func ("/server/log/connect-frames", test_log_connect_frames);

  return g_test_run ();
}
