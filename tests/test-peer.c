/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The peer, built from real requests on a real socket: its address and
 * address group, whether it is this machine, whether its Host names this
 * machine, and whether it is the presenter, and if not, why not. */
#include "hub-test.h"
#include "sse-hub-peer.h"
#include "sse-hub-listener.h"

typedef struct
{
  SoupServer  *soup;
  guint        port;
  GPtrArray   *local_addresses;
  gboolean     trust_local;
  SseHubPeer  *peer;  /* of the last request */
} PeerServer;

static void
handle (SoupServer        *soup,
        SoupServerMessage *message,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  PeerServer *server = user_data;

  g_clear_object (&server->peer);
  server->peer = sse_hub_peer_new (message, server->local_addresses, server->port,
                                   server->trust_local);
  soup_server_message_set_status (message, SOUP_STATUS_NO_CONTENT, NULL);
}

static void
peer_server_init (PeerServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, TRUE, &error));
  g_assert_true (g_socket_listen (socket, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  server->soup = soup_server_new (NULL, NULL);
  soup_server_add_handler (server->soup, NULL, handle, server, NULL);
  soup_server_listen_socket (server->soup, socket, 0, &error);
  g_assert_no_error (error);
  server->local_addresses = sse_hub_listener_dup_interface_addresses ();
  server->trust_local = TRUE;
}

static void
peer_server_clear (PeerServer *server)
{
  g_clear_object (&server->peer);
  g_clear_pointer (&server->local_addresses, g_ptr_array_unref);
  soup_server_disconnect (server->soup);
  g_clear_object (&server->soup);
}

/* The peer of one GET with these headers (a Host of 127.0.0.1 unless
 * given), sent from source (NULL: loopback). */
static SseHubPeer *
peer_of (PeerServer *server,
         const char *source,
         const char *headers)
{
  g_autofree char *request = NULL;
  g_autoptr(TestResponse) response = NULL;

  if (headers == NULL || strstr (headers, "Host:") == NULL)
    request = g_strdup_printf ("GET / HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n%s\r\n", server->port,
                               headers != NULL ? headers : "");
  else
    request = g_strdup_printf ("GET / HTTP/1.1\r\n%s\r\n", headers);
  response = test_http_raw_from (source, server->port, request, strlen (request));
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_NO_CONTENT);
  g_assert_nonnull (server->peer);

  return server->peer;
}

static void
test_loopback_is_presenter (void)
{
  PeerServer server = { 0 };
  SseHubPeer *peer;

  peer_server_init (&server);

  peer = peer_of (&server, NULL, NULL);
  g_assert_cmpstr (sse_hub_peer_get_host (peer), ==, "127.0.0.1");
  g_assert_cmpstr (sse_hub_peer_get_group (peer), ==, "127.0.0.1");
  g_assert_true (sse_hub_peer_get_is_local (peer));
  g_assert_true (sse_hub_peer_get_host_is_own (peer));
  g_assert_cmpint (sse_hub_peer_get_role (peer), ==, SSE_HUB_PEER_PRESENTER);
  g_assert_true (sse_hub_peer_is_presenter (peer));

  peer_server_clear (&server);
}

static void
test_origin_rules (void)
{
  PeerServer server = { 0 };
  g_autofree char *own = NULL;
  g_autofree char *own_name = NULL;
  g_autofree char *other_port = NULL;

  peer_server_init (&server);
  own = g_strdup_printf ("Origin: http://127.0.0.1:%u\r\n", server.port);
  own_name = g_strdup_printf ("Origin: http://localhost:%u\r\n", server.port);
  other_port = g_strdup_printf ("Origin: http://127.0.0.1:%u\r\n", server.port + 1);

  /* The hub's own page, under its address or its name. */
  g_assert_true (sse_hub_peer_is_presenter (peer_of (&server, NULL, own)));
  g_assert_true (sse_hub_peer_is_presenter (peer_of (&server, NULL, own_name)));

  /* A page from elsewhere, open in the presenter's browser, is audience. */
  g_assert_cmpint (sse_hub_peer_get_role (peer_of (&server, NULL, "Origin: http://evil.example\r\n")),
                   ==, SSE_HUB_PEER_FOREIGN_ORIGIN);
  g_assert_cmpint (sse_hub_peer_get_role (peer_of (&server, NULL, other_port)),
                   ==, SSE_HUB_PEER_FOREIGN_ORIGIN);
  g_assert_cmpint (sse_hub_peer_get_role (peer_of (&server, NULL, "Origin: null\r\n")),
                   ==, SSE_HUB_PEER_FOREIGN_ORIGIN);
  g_assert_true (sse_hub_peer_get_is_local (server.peer));

  /* Without trust, this machine is audience too. */
  server.trust_local = FALSE;
  g_assert_cmpint (sse_hub_peer_get_role (peer_of (&server, NULL, own)), ==, SSE_HUB_PEER_UNTRUSTED);

  peer_server_clear (&server);
}

static void
test_host_rules (void)
{
  PeerServer server = { 0 };
  g_autofree char *by_name = NULL;
  g_autofree char *by_v6 = NULL;

  peer_server_init (&server);
  by_name = g_strdup_printf ("Host: localhost:%u\r\n", server.port);
  by_v6 = g_strdup_printf ("Host: [::1]:%u\r\n", server.port);

  g_assert_true (sse_hub_peer_get_host_is_own (peer_of (&server, NULL, by_name)));
  g_assert_true (sse_hub_peer_get_host_is_own (peer_of (&server, NULL, by_v6)));
  g_assert_true (sse_hub_peer_get_host_is_own (peer_of (&server, NULL, "Host: 127.0.0.1\r\n")));
  /* DNS rebinding: a name of someone else's that resolves here. */
  g_assert_false (sse_hub_peer_get_host_is_own (peer_of (&server, NULL,
                                                         "Host: evil.example:80\r\n")));
  g_assert_false (sse_hub_peer_get_host_is_own (peer_of (&server, NULL, "Host: 10.9.9.9\r\n")));

  peer_server_clear (&server);
}

static void
test_fetch_site (void)
{
  PeerServer server = { 0 };
  g_autofree char *own = NULL;
  g_autofree char *own_cross = NULL;

  peer_server_init (&server);
  own = g_strdup_printf ("Origin: http://127.0.0.1:%u\r\nSec-Fetch-Site: same-origin\r\n",
                         server.port);
  own_cross = g_strdup_printf ("Origin: http://127.0.0.1:%u\r\nSec-Fetch-Site: cross-site\r\n",
                               server.port);

  /* Typed in the address bar, or the hub's own page. */
  g_assert_true (sse_hub_peer_is_presenter (peer_of (&server, NULL, "Sec-Fetch-Site: none\r\n")));
  g_assert_true (sse_hub_peer_is_presenter (peer_of (&server, NULL, own)));
  /* An image or iframe of another site carries no Origin, but says where
   * it came from; and no Origin outweighs what the browser says. */
  g_assert_cmpint (sse_hub_peer_get_role (peer_of (&server, NULL, "Sec-Fetch-Site: cross-site\r\n")),
                   ==, SSE_HUB_PEER_FOREIGN_ORIGIN);
  g_assert_cmpint (sse_hub_peer_get_role (peer_of (&server, NULL, "Sec-Fetch-Site: same-site\r\n")),
                   ==, SSE_HUB_PEER_FOREIGN_ORIGIN);
  g_assert_cmpint (sse_hub_peer_get_role (peer_of (&server, NULL, own_cross)),
                   ==, SSE_HUB_PEER_FOREIGN_ORIGIN);

  peer_server_clear (&server);
}

/* An absolute-form target is checked by its authority, not by Host. */
static void
test_absolute_target (void)
{
  PeerServer server = { 0 };
  g_autofree char *own = NULL;
  g_autofree char *foreign = NULL;
  g_autoptr(TestResponse) own_response = NULL;
  g_autoptr(TestResponse) foreign_response = NULL;

  peer_server_init (&server);
  own = g_strdup_printf ("GET http://127.0.0.1:%u/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", server.port);
  foreign = g_strdup ("GET http://evil.example/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

  own_response = test_http_raw (server.port, own, strlen (own));
  g_assert_true (sse_hub_peer_get_host_is_own (server.peer));
  foreign_response = test_http_raw (server.port, foreign, strlen (foreign));
  g_assert_false (sse_hub_peer_get_host_is_own (server.peer));

  peer_server_clear (&server);
}

static void
test_other_computer (void)
{
  PeerServer server = { 0 };
  g_autofree char *lan = test_find_lan_address ();
  SseHubPeer *peer;

  if (lan == NULL)
    {
      g_test_skip ("this machine has no address besides loopback");
      return;
    }

  peer_server_init (&server);

  /* From an address that is neither loopback nor the one it reached: as a
   * student's laptop would, whatever its Origin. */
  peer = peer_of (&server, lan, NULL);
  g_assert_cmpstr (sse_hub_peer_get_host (peer), ==, lan);
  g_assert_cmpstr (sse_hub_peer_get_group (peer), ==, lan);
  g_assert_false (sse_hub_peer_get_is_local (peer));
  g_assert_cmpint (sse_hub_peer_get_role (peer), ==, SSE_HUB_PEER_REMOTE);
  g_assert_false (sse_hub_peer_is_presenter (peer));

  peer_server_clear (&server);
}

static void
test_address_groups (void)
{
  /* The hub has an address on 2001:db8:1:2::/64 and on fe80::/64. */
  const char *own[] = { "2001:db8:1:2::1", "fe80::1", "::1" };
  const struct { const char *address; const char *group; } cases[] = {
    { "192.168.1.5", "192.168.1.5" },
    { "::ffff:192.168.1.5", "192.168.1.5" },
    /* A neighbour on the hub's own link: one address, one computer. */
    { "2001:db8:1:2:a:b:c:d", "2001:db8:1:2:a:b:c:d" },
    { "2001:db8:1:2::7", "2001:db8:1:2::7" },
    { "fe80::a:b", "fe80::a:b" },
    /* A routed /64 is one computer's, privacy addresses and all. */
    { "2001:db8:1:3::1", "2001:db8:1:3::/64" },
    { "2001:db8:1:3:a:b:c:d", "2001:db8:1:3::/64" },
    { "::1", "::/64" },
    { "not an address", "not an address" },
  };
  g_autoptr(GPtrArray) local = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < G_N_ELEMENTS (own); i++)
    g_ptr_array_add (local, g_inet_address_new_from_string (own[i]));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *group = sse_hub_address_group (cases[i].address, local);

      g_assert_cmpstr (group, ==, cases[i].group);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/peer/loopback-is-presenter", test_loopback_is_presenter);
  g_test_add_func ("/peer/origin-rules", test_origin_rules);
  g_test_add_func ("/peer/host-rules", test_host_rules);
  g_test_add_func ("/peer/fetch-site", test_fetch_site);
  g_test_add_func ("/peer/absolute-target", test_absolute_target);
  g_test_add_func ("/peer/other-computer", test_other_computer);
  g_test_add_func ("/peer/address-groups", test_address_groups);

  return g_test_run ();
}
