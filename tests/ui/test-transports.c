/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two pipes in the window: each client's transport and bytes, the status
 * counting both, the latest list's cost on each, the upgrade in the log,
 * and Drop All ending sockets and streams alike. */
#include "config.h"

#include <string.h>

#include "ui-test.h"
#include "ws-peer.h"

static gboolean
socket_hello (gpointer data)
{
  WsPeer *peer = data;

  ws_peer_read (peer);
  return ws_peer_find_event (peer, "hello", 0) != NULL;
}

static const char *
cost_text (Fixture *fixture)
{
  g_autoptr(GPtrArray) labels = widget_find_all (fixture->w.clients_stack, &(WidgetQuery) {
                                                   .type = GTK_TYPE_LABEL,
                                                   .css_class = "numeric", .mapped = TRUE });

  for (guint i = 0; i < labels->len; i++)
    {
      const char *text = gtk_label_get_text (labels->pdata[i]);

      if (g_str_has_prefix (text, "Latest list on the wire"))
        return text;
    }
  return NULL;
}

static gboolean
socket_closed (gpointer data)
{
  return ws_peer_wait_closed (data, 0);
}

static void
test_both_pipes (Fixture       *fixture,
                 gconstpointer  user_data)
{
  Count two = { fixture, n_client_rows, 2 };
  g_autoptr(TestPeer) sse = NULL;
  g_autoptr(WsPeer) ws = NULL;
  g_autofree char *expected = NULL;
  SseHubTransportCost cost;

  sse_hub_window_set_view (fixture->window, "clients");
  sse = test_peer_open_stream (fixture->port, NULL);
  ws = ws_peer_connect (fixture->port, "/connect", NULL, 0);
  wait_until (socket_hello, ws, "the socket's hello");
  wait_until (count_reached, &two, "both clients");
  settle (300);
  sse_hub_clients_page_refresh (SSE_HUB_CLIENTS_PAGE (fixture->w.clients_page));

  g_assert_nonnull (widget_find_label (fixture->w.clients_view, "SSE"));
  g_assert_nonnull (widget_find_label (fixture->w.clients_view, "WebSocket"));
  g_assert_nonnull (strstr (gtk_label_get_text (fixture->w.status_label),
                            "2 clients (SSE 1 · WebSocket 1)"));

  sse_hub_server_proxy_get_transport_cost (fixture->hub, &cost);
  expected = g_strdup_printf ("Latest list on the wire: SSE %" G_GSIZE_FORMAT " bytes to 1 "
                              "client · WebSocket %" G_GSIZE_FORMAT " bytes to 1 client",
                              cost.sse_bytes, cost.ws_bytes);
  g_assert_cmpstr (cost_text (fixture), ==, expected);

  /* The upgrade, with both keys of the handshake. */
  g_assert_cmpint (log_position (fixture, "101", "Sec-WebSocket-Accept: "), >=, 0);

  sse_hub_server_proxy_drop_all_clients (fixture->hub);
  wait_until (test_peer_closed, sse, "the stream to end");
  wait_until (socket_closed, ws, "the socket to end");
}

int
main (int   argc,
      char *argv[])
{
  AdwApplication *app = ui_test_init (&argc, &argv);

  UI_TEST_ADD ("/ui/transports/both-pipes", test_both_pipes);

  return ui_test_run (app);
}
