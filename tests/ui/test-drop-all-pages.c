/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Drop All Connections with real pages on both pipes: headless Chromium
 * holds one audience page on SSE and one on a WebSocket
 * (tests/browser/drop-all-peer.mjs); the presenter drops them both from the
 * window, the SSE page comes back by itself with Last-Event-ID, the socket's
 * page by its script with ?lastEventId=, and the log says which was which. */
#include "config.h"

#include <string.h>

#include "sse-hub-log-text.h"
#include "ui-test.h"

/* SSE's retry is 3 s, jittered; a socket's page tries again after 1 s. */
#define BACK_TIMEOUT_MS 30000

typedef struct
{
  GSubprocess      *node;
  GDataInputStream *out;
  GPtrArray        *lines;
  gboolean          eof;
  gboolean          exited;
} Peer;

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Peer *peer = data;
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                          NULL, &error);

  if (line == NULL)
    {
      peer->eof = TRUE;
      return;
    }
  g_test_message ("browsers: %s", line);
  g_ptr_array_add (peer->lines, line);
  g_data_input_stream_read_line_async (peer->out, G_PRIORITY_DEFAULT, NULL,
                                       on_line, peer);
}

static void
on_node_exit (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Peer *peer = data;

  if (g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL))
    peer->exited = TRUE;
}

/* The line that starts with prefix, or NULL. */
static const char *
peer_line (Peer       *peer,
           const char *prefix)
{
  for (guint i = 0; i < peer->lines->len; i++)
    if (g_str_has_prefix (peer->lines->pdata[i], prefix))
      return peer->lines->pdata[i];
  return NULL;
}

static gboolean
peer_ready (gpointer data)
{
  return peer_line (data, "ready") != NULL || ((Peer *) data)->eof;
}

static gboolean
peer_both_back (gpointer data)
{
  return (peer_line (data, "back sse ") != NULL && peer_line (data, "back ws ") != NULL) ||
         ((Peer *) data)->eof;
}

static gboolean
peer_done (gpointer data)
{
  return ((Peer *) data)->exited && ((Peer *) data)->eof;
}

/* Where node, the script and its npm packages are, or why the test cannot
 * run here (no Node, no Chromium, npm packages not installed). */
static char *
missing_tool (const char **node,
              const char **script)
{
  const char *chromium = g_getenv ("CHROMIUM");
  g_autofree char *dir = NULL;
  g_autofree char *modules = NULL;

  *node = g_getenv ("NODE");
  *script = g_getenv ("DROP_ALL_PEER");
  if (*node == NULL || *script == NULL || !g_file_test (*node, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup ("node not found");
  if (chromium == NULL || !g_file_test (chromium, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup ("chromium not found");
  dir = g_path_get_dirname (*script);
  modules = g_build_filename (dir, "node_modules", "playwright-core", NULL);
  if (!g_file_test (modules, G_FILE_TEST_IS_DIR))
    return g_strdup ("tests/browser/node_modules not installed (npm ci)");
  return NULL;
}

static gboolean
status_says (gpointer data)
{
  Fixture *fixture = data;

  return strstr (gtk_label_get_text (fixture->w.status_label),
                 "2 clients (SSE 1 · WebSocket 1)") != NULL;
}

/* List rows exist once laid out: the new rows after a drop, too. */
static gboolean
rows_show_both (gpointer data)
{
  Fixture *fixture = data;

  sse_hub_clients_page_refresh (SSE_HUB_CLIENTS_PAGE (fixture->w.clients_page));
  return widget_find_label (fixture->w.clients_view, "SSE") != NULL &&
         widget_find_label (fixture->w.clients_view, "WebSocket") != NULL;
}

/* One client on each pipe, in the list and in the header. */
static void
assert_one_per_transport (Fixture *fixture)
{
  Count two = { fixture, n_client_rows, 2 };

  wait_until (count_reached, &two, "both pages in the clients list");
  wait_until (status_says, fixture, "the header to count one client per transport");
  wait_until (rows_show_both, fixture, "a row on SSE and a row on WebSocket");
}

/* The entry's body as the window shows it, after the drop. */
static void
assert_resume_logged (Fixture    *fixture,
                      const char *event_name,
                      const char *label,
                      int         dropped)
{
  GListModel *log = sse_hub_server_proxy_get_log (fixture->hub);
  g_autoptr(SseHubLogEntry) entry = NULL;
  g_autofree char *body = NULL;
  int position;

  wait_for_log (fixture, event_name, label);
  position = log_position (fixture, event_name, label);
  g_assert_cmpint (position, >, dropped);
  entry = g_list_model_get_item (log, position);
  body = sse_hub_log_entry_format_body (entry, -1);
  g_assert_true (g_str_has_prefix (body, label));
  /* The list did not change while the page was away: it came back with
   * the id of the list it holds. */
  g_assert_nonnull (strstr (body, "the current list: list skipped"));
}

static void
test_drop_all_pages (Fixture       *fixture,
                     gconstpointer  user_data)
{
  const char *node_path;
  const char *script;
  g_autofree char *missing = missing_tool (&node_path, &script);
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  Peer peer = { 0 };
  int dropped;

  if (missing != NULL)
    {
      g_test_skip (missing);
      return;
    }

  /* A list with an id: the pages have something to come back with. */
  hub_add (fixture, "Ada Lovelace", 36);
  sse_hub_window_set_view (fixture->window, "clients");

  url = g_strdup_printf ("http://127.0.0.1:%u/", fixture->port);
  peer.node = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE,
                                &error, node_path, script, url, NULL);
  g_assert_no_error (error);
  peer.out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (peer.node));
  peer.lines = g_ptr_array_new_with_free_func (g_free);
  g_data_input_stream_read_line_async (peer.out, G_PRIORITY_DEFAULT, NULL, on_line, &peer);
  g_subprocess_wait_async (peer.node, NULL, on_node_exit, &peer);

  if (!test_pump_until (peer_ready, &peer, BACK_TIMEOUT_MS) || peer_line (&peer, "ready") == NULL)
    g_error ("the pages did not go live");
  assert_one_per_transport (fixture);

  /* As the presenter does it: the action asks nothing first. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.drop-all-connections", NULL));
  wait_for_log (fixture, "drop-all", "dropped all 2 connections");
  dropped = log_position (fixture, "drop-all", "dropped all 2 connections");
  g_assert_cmpint (dropped, >=, 0);

  if (!test_pump_until (peer_both_back, &peer, BACK_TIMEOUT_MS) ||
      peer_line (&peer, "back sse ") == NULL || peer_line (&peer, "back ws ") == NULL)
    g_error ("a page did not come back by itself");
  /* What each page says about how it came back. */
  g_assert_nonnull (strstr (peer_line (&peer, "back sse "),
                            "Connected: updates arrive live | This page gets its updates over "
                            "SSE: EventSource reconnects by itself."));
  g_assert_nonnull (strstr (peer_line (&peer, "back ws "),
                            "Connected again: this page’s script reconnected the WebSocket"));
  assert_one_per_transport (fixture);

  /* Each resume says its pipe and what that pipe sent. */
  assert_resume_logged (fixture, "resume", "SSE client", dropped);
  assert_resume_logged (fixture, "ws:resume", "WebSocket client", dropped);
  g_assert_cmpint (log_position (fixture, "resume", "sent Last-Event-ID"), >, dropped);
  g_assert_cmpint (log_position (fixture, "ws:resume", "came back with ?lastEventId="), >, dropped);

  /* Then the script closes the browser and exits, 0 when both pages came
   * back with no script error. */
  g_assert_true (g_output_stream_close (g_subprocess_get_stdin_pipe (peer.node), NULL, NULL));
  if (!test_pump_until (peer_done, &peer, BACK_TIMEOUT_MS))
    g_error ("the browsers did not close");
  g_assert_true (g_subprocess_get_if_exited (peer.node));
  g_assert_cmpint (g_subprocess_get_exit_status (peer.node), ==, 0);

  g_object_unref (peer.out);
  g_object_unref (peer.node);
  g_ptr_array_unref (peer.lines);
}

int
main (int   argc,
      char *argv[])
{
  AdwApplication *app = ui_test_init (&argc, &argv);

  UI_TEST_ADD ("/ui/teach/drop-all-pages", test_drop_all_pages);

  return ui_test_run (app);
}
