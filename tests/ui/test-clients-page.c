/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The clients page: rows for connected browsers, their refresh, the
 * parsed user agent, a thousand clients, and Disconnect on one row. */
#include "config.h"

#include <string.h>

#include "sse-hub-headless.h"
#include "sse-hub-user-agent.h"
#include "ui-test.h"

static void
test_client_list (Fixture       *fixture,
                  gconstpointer  user_data)
{
  Count one = { fixture, n_client_rows, 1 };
  Count none = { fixture, n_client_rows, 0 };
  TestPeer *client;

  g_assert_cmpstr (gtk_stack_get_visible_child_name (fixture->w.clients_stack), ==, "empty");
  sse_hub_window_set_view (fixture->window, "clients");

  client = test_peer_open_stream_as (fixture->port, firefox_agent, NULL);
  wait_until (count_reached, &one, "the client to appear");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (fixture->w.clients_stack), ==, "list");

  settle (300);
  g_assert_nonnull (widget_find_label (fixture->w.clients_view, "127.0.0.1"));
  g_assert_nonnull (widget_find_label (fixture->w.clients_view, "Firefox 120"));
  g_assert_nonnull (widget_find_label (fixture->w.clients_view, "Linux"));
  g_assert_nonnull (strstr (gtk_label_get_text (fixture->w.status_label), "1 client"));

  /* The counters follow the wire without a notify: the refresh does it. */
  sse_hub_clients_page_refresh (SSE_HUB_CLIENTS_PAGE (fixture->w.clients_page));

  test_peer_free (client);
  wait_until (count_reached, &none, "the client to leave");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (fixture->w.clients_stack), ==, "empty");
  settle (300);
  g_assert_nonnull (strstr (gtk_label_get_text (fixture->w.status_label), "0 clients"));
}

typedef struct
{
  Fixture *fixture;
  gint64   last_tick;
  gint64   longest_gap;
  guint    published;
  guint    to_publish;
} Ticker;

/* Publishes on a 10 ms beat and notes how late each beat is: a window that
 * stalls on the traffic shows up as a long gap. */
static gboolean
tick_cb (gpointer user_data)
{
  Ticker *ticker = user_data;
  gint64 now = g_get_monotonic_time ();
  g_autofree char *data = g_strdup_printf ("{\"tick\":%u}", ticker->published);
  g_autoptr(GError) error = NULL;

  if (ticker->last_tick != 0)
    ticker->longest_gap = MAX (ticker->longest_gap, now - ticker->last_tick);
  ticker->last_tick = now;

  /* The composer's path: a named event to every client. */
  sse_hub_server_proxy_send_custom_event (ticker->fixture->hub, "tick", NULL, data, &error);
  g_assert_no_error (error);
  if (++ticker->published < ticker->to_publish)
    return G_SOURCE_CONTINUE;

  return G_SOURCE_REMOVE;
}

static gboolean
ticker_done (gpointer data)
{
  Ticker *ticker = data;

  return ticker->published == ticker->to_publish;
}

static void
test_busy_hub (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autofree char *request = g_strdup_printf ("GET /connect HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                                              "User-Agent: %s\r\n\r\n",
                                              fixture->port, android_agent);
  Count all = { fixture, n_client_rows, 1000 };
  Ticker ticker = { fixture, 0, 0, 0, 200 };
  gint64 start;

  sse_hub_raise_fd_limit ();
  sse_hub_window_set_view (fixture->window, "clients");

  /* A thousand browsers that never read: the kernel buffers what they get. */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < all.expected; i++)
    {
      g_autoptr(GError) error = NULL;
      GSocketConnection *connection;

      connection = g_socket_client_connect_to_host (socket_client, "127.0.0.1", fixture->port,
                                                    NULL, &error);
      g_assert_no_error (error);
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                 request, strlen (request), NULL, NULL, &error);
      g_assert_no_error (error);
      g_ptr_array_add (sockets, connection);

      if (i % 50 == 49)
        g_main_context_iteration (NULL, FALSE);
    }
  wait_until (count_reached, &all, "a thousand clients");
  g_test_message ("1000 clients in %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000);
  settle (300);
  g_assert_nonnull (strstr (gtk_label_get_text (fixture->w.status_label), "1000 clients"));

  /* 100 events a second to all of them for two seconds. */
  g_timeout_add (10, tick_cb, &ticker);
  wait_until (ticker_done, &ticker, "the events to go out");
  sse_hub_clients_page_refresh (SSE_HUB_CLIENTS_PAGE (fixture->w.clients_page));
  g_test_message ("longest gap between 10 ms beats: %" G_GINT64_FORMAT " ms",
                  ticker.longest_gap / 1000);
  g_assert_cmpint (ticker.longest_gap, <, 500 * 1000);

  g_ptr_array_set_size (sockets, 0);
}

static gboolean
clients_refreshing (Fixture *fixture)
{
  gboolean refreshing;

  g_object_get (fixture->w.clients_page, "refreshing", &refreshing, NULL);
  return refreshing;
}

static gboolean
clients_refresh_stopped (gpointer data)
{
  Fixture *fixture = data;

  return !clients_refreshing (fixture);
}

/* The once-a-second counters redraw costs nothing while nobody sees it. */
static void
test_clients_refresh_visible (Fixture       *fixture,
                              gconstpointer  user_data)
{
  /* The views slide: the one left behind is unmapped once the slide ends. */
  sse_hub_window_set_view (fixture->window, "persons");
  wait_until (clients_refresh_stopped, fixture, "the refresh to stop");

  sse_hub_window_set_view (fixture->window, "clients");
  settle (100);
  g_assert_true (clients_refreshing (fixture));

  sse_hub_window_set_view (fixture->window, "log");
  wait_until (clients_refresh_stopped, fixture, "the refresh to stop");

  sse_hub_window_set_view (fixture->window, "clients");
  settle (100);
  g_assert_true (clients_refreshing (fixture));

  /* A hidden window shows no page at all. */
  gtk_widget_set_visible (GTK_WIDGET (fixture->window), FALSE);
  settle (100);
  g_assert_false (clients_refreshing (fixture));
}

/* Rows are bound again on every scroll and page switch; the agent is read
 * once per client and the same parse serves every bind after. */
static void
test_agent_parsed_once (Fixture       *fixture,
                        gconstpointer  user_data)
{
  Count one = { fixture, n_client_rows, 1 };
  GListModel *clients = sse_hub_server_proxy_get_clients (fixture->hub);
  TestPeer *client = test_peer_open_stream_as (fixture->port, iphone_agent, NULL);
  g_autoptr(SseHubClient) hub_client = NULL;
  const SseHubUserAgent *agent;

  sse_hub_window_set_view (fixture->window, "clients");
  wait_until (count_reached, &one, "the client to appear");
  settle (300);
  g_assert_nonnull (widget_find_label (fixture->w.clients_view, "Safari 17"));

  hub_client = g_list_model_get_item (clients, 0);
  agent = sse_hub_user_agent_for_client (hub_client);
  g_assert_cmpstr (agent->browser, ==, "Safari 17");
  g_assert_cmpstr (agent->os, ==, "iOS 17");

  sse_hub_window_set_view (fixture->window, "log");
  settle (100);
  sse_hub_window_set_view (fixture->window, "clients");
  sse_hub_clients_page_refresh (SSE_HUB_CLIENTS_PAGE (fixture->w.clients_page));
  settle (300);
  g_assert_nonnull (widget_find_label (fixture->w.clients_view, "iOS 17"));
  g_assert_true (sse_hub_user_agent_for_client (hub_client) == agent);

  test_peer_free (client);
}

/* The button on one client's row closes that stream and no other. */
static void
test_disconnect_one (Fixture       *fixture,
                     gconstpointer  user_data)
{
  const char *agents[] = { firefox_agent, iphone_agent, android_agent };
  TestPeer *clients[G_N_ELEMENTS (agents)];
  Count all = { fixture, n_client_rows, G_N_ELEMENTS (agents) };
  WidgetQuery disconnect = { .type = GTK_TYPE_BUTTON, .action_name = "clients.disconnect",
                             .mapped = TRUE };
  g_autoptr(GPtrArray) buttons = NULL;
  g_autoptr(SseHubClient) victim = NULL;
  GtkWidget *button = NULL;
  g_autofree char *logged = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    {
      clients[i] = test_peer_open_stream_as (fixture->port, agents[i], NULL);
      wait_for_frame (clients[i], "hello", NULL);
    }
  wait_until (count_reached, &all, "three clients");
  sse_hub_window_set_view (fixture->window, "clients");
  settle (300);

  victim = g_list_model_get_item (sse_hub_server_proxy_get_clients (fixture->hub), 1);
  buttons = widget_find_all (fixture->w.clients_view, &disconnect);
  for (guint i = 0; i < buttons->len; i++)
    {
      GVariant *target = gtk_actionable_get_action_target_value (buttons->pdata[i]);

      if (target != NULL && g_variant_get_uint64 (target) == sse_hub_client_get_id (victim))
        button = buttons->pdata[i];
    }
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  /* One tooltip for both pipes: it must not promise a WebSocket page a
   * retry its browser never makes. */
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (button), "over WebSocket its script"));
  g_signal_emit_by_name (button, "clicked");

  wait_until (test_peer_closed, clients[1], "the chosen stream to end");
  all.expected = 2;
  wait_until (count_reached, &all, "two clients");
  settle (300);
  g_assert_false (clients[0]->closed);
  g_assert_false (clients[2]->closed);
  logged = g_strdup_printf ("presenter disconnected client %" G_GUINT64_FORMAT,
                            sse_hub_client_get_id (victim));
  g_assert_cmpint (log_position (fixture, "disconnect", logged), >=, 0);

  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    test_peer_free (clients[i]);
}

int
main (int   argc,
      char *argv[])
{
  AdwApplication *app = ui_test_init (&argc, &argv);

  UI_TEST_ADD ("/ui/window/client-list", test_client_list);
  UI_TEST_ADD ("/ui/window/busy-hub", test_busy_hub);
  UI_TEST_ADD ("/ui/window/clients-refresh-visible", test_clients_refresh_visible);
  UI_TEST_ADD ("/ui/window/agent-parsed-once", test_agent_parsed_once);
  UI_TEST_ADD ("/ui/teach/disconnect-one", test_disconnect_one);

  return ui_test_run (app);
}
