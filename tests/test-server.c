/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The hub object: listening on both stacks, restarting on a new port, and
 * connections that never send a whole request. */
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/socket.h>

#include "hub-test.h"
#include "sse-hub-client.h"
#include "sse-hub-wire.h"

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
  g_assert_true (test_pump_until (test_peer_closed, trickle, 5000));
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
  g_assert_true (test_pump_until (test_peer_closed, before, 5000));
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/restart-on-new-port", test_restart_on_new_port);
  g_test_add_func ("/server/dual-stack", test_dual_stack);
  g_test_add_func ("/server/hostile/slowloris", test_slowloris);
  g_test_add_func ("/server/hostile/requests", test_hostile_requests);

  return g_test_run ();
}
