/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Who sent a request: worked out once, when the request is routed, and
 * read by the routes, the access rules, the limits and the log. */
#include "config.h"

#include <string.h>

#include "sse-hub-peer.h"

struct _SseHubPeer
{
  GObject         parent_instance;

  char           *host;
  char           *group;
  gboolean        is_local;
  gboolean        host_is_own;
  SseHubPeerRole  role;
};

G_DEFINE_FINAL_TYPE (SseHubPeer, sse_hub_peer, G_TYPE_OBJECT)

static const guint8 mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static void
sse_hub_peer_finalize (GObject *object)
{
  SseHubPeer *self = SSE_HUB_PEER (object);

  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->group, g_free);

  G_OBJECT_CLASS (sse_hub_peer_parent_class)->finalize (object);
}

static void
sse_hub_peer_class_init (SseHubPeerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sse_hub_peer_finalize;
}

static void
sse_hub_peer_init (SseHubPeer *self)
{
}

/* Devices on the hub's own link share its /64 (SLAAC): there each address
 * is a computer of its own.  A /64 routed to the hub is one computer's. */
static gboolean
is_on_own_link (GPtrArray    *local_addresses,
                GInetAddress *address)
{
  const guint8 *bytes;

  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
    return FALSE;

  bytes = g_inet_address_to_bytes (address);
  for (guint i = 0; i < local_addresses->len; i++)
    {
      GInetAddress *local = g_ptr_array_index (local_addresses, i);

      if (g_inet_address_get_family (local) == G_SOCKET_FAMILY_IPV6 &&
          !g_inet_address_get_is_loopback (local) &&
          memcmp (g_inet_address_to_bytes (local), bytes, 8) == 0)
        return TRUE;
    }

  return FALSE;
}

char *
sse_hub_address_group (const char *address,
                       GPtrArray  *local_addresses)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GInetAddress) network = NULL;
  g_autofree char *text = NULL;
  guint8 bytes[16];

  g_return_val_if_fail (address != NULL, NULL);

  inet = g_inet_address_new_from_string (address);
  if (inet == NULL || g_inet_address_get_family (inet) != G_SOCKET_FAMILY_IPV6)
    return g_strdup (address);

  memcpy (bytes, g_inet_address_to_bytes (inet), sizeof bytes);
  if (memcmp (bytes, mapped_prefix, sizeof mapped_prefix) == 0)
    {
      network = g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);
      return g_inet_address_to_string (network);
    }

  if (local_addresses != NULL && is_on_own_link (local_addresses, inet))
    return g_inet_address_to_string (inet);

  memset (bytes + 8, 0, 8);
  network = g_inet_address_new_from_bytes (bytes, G_SOCKET_FAMILY_IPV6);
  text = g_inet_address_to_string (network);
  return g_strconcat (text, "/64", NULL);
}

static GInetAddress *
normalized_address (GSocketAddress *address)
{
  GInetAddress *inet;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;

  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));

  /* A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d. */
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    {
      const guint8 *bytes = g_inet_address_to_bytes (inet);

      if (memcmp (bytes, mapped_prefix, sizeof mapped_prefix) == 0)
        return g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);
    }

  return g_object_ref (inet);
}

static gboolean
is_local_address (GPtrArray    *local_addresses,
                  GInetAddress *address)
{
  if (g_inet_address_get_is_loopback (address))
    return TRUE;

  for (guint i = 0; i < local_addresses->len; i++)
    if (g_inet_address_equal (address, g_ptr_array_index (local_addresses, i)))
      return TRUE;

  return FALSE;
}

/* host has no port and no brackets. */
static gboolean
names_this_machine (GPtrArray  *local_addresses,
                    const char *host)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);
  g_autofree char *local_name = NULL;
  const char *name;

  if (address != NULL)
    return is_local_address (local_addresses, address);

  name = g_get_host_name ();
  local_name = g_strconcat (name, ".local", NULL);

  return g_ascii_strcasecmp (host, "localhost") == 0 ||
         g_ascii_strcasecmp (host, name) == 0 ||
         g_ascii_strcasecmp (host, local_name) == 0;
}

/* "name:port", "[v6]:port" or either without the port, as Host has it. */
static char *
host_without_port (const char *host)
{
  const char *colon;

  if (host[0] == '[')
    {
      const char *end = strchr (host, ']');

      return end != NULL ? g_strndup (host + 1, end - host - 1) : NULL;
    }

  /* More than one colon is a bare IPv6 literal, which has no port. */
  colon = strchr (host, ':');
  if (colon != NULL && strchr (colon + 1, ':') == NULL)
    return g_strndup (host, colon - host);

  return g_strdup (host);
}

/* A web page that makes its own name resolve to this machine (DNS
 * rebinding) would otherwise reach the hub as the presenter's browser. */
static gboolean
host_header_is_own (GPtrArray  *local_addresses,
                    const char *host)
{
  g_autofree char *name = NULL;

  if (host == NULL)
    return TRUE;

  name = host_without_port (host);
  return name != NULL && names_this_machine (local_addresses, name);
}

/* No Origin (the hub's own page opening a stream, curl, the window's
 * tests), or the hub itself: http, one of this machine's names, its port. */
static gboolean
origin_is_own (GPtrArray  *local_addresses,
               guint       bound_port,
               const char *origin)
{
  g_autoptr(GUri) uri = NULL;
  gint port;

  if (origin == NULL)
    return TRUE;

  uri = g_uri_parse (origin, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0 ||
      g_uri_get_host (uri) == NULL)
    return FALSE;

  port = g_uri_get_port (uri);
  if (port == -1)
    port = 80;

  return (guint) port == bound_port && names_this_machine (local_addresses, g_uri_get_host (uri));
}

/* Fetch metadata says who made the request: a page of another site
 * (cross-site) or of a sibling subdomain (same-site) is not the hub's own
 * page, whatever its Origin; images and iframes carry no Origin. */
static gboolean
fetch_site_is_own (const char *site)
{
  return site == NULL || g_str_equal (site, "none") || g_str_equal (site, "same-origin");
}

SseHubPeer *
sse_hub_peer_new (SoupServerMessage *message,
                  GPtrArray         *local_addresses,
                  guint              bound_port,
                  gboolean           trust_local)
{
  SoupMessageHeaders *headers;
  g_autoptr(GInetAddress) remote = NULL;
  g_autoptr(GInetAddress) local = NULL;
  GUri *uri;
  SseHubPeer *self;

  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (message), NULL);
  g_return_val_if_fail (local_addresses != NULL, NULL);

  headers = soup_server_message_get_request_headers (message);
  remote = normalized_address (soup_server_message_get_remote_address (message));
  local = normalized_address (soup_server_message_get_local_address (message));
  uri = soup_server_message_get_uri (message);

  self = g_object_new (SSE_HUB_TYPE_PEER, NULL);
  self->host = remote != NULL ? g_inet_address_to_string (remote)
                              : g_strdup (soup_server_message_get_remote_host (message));
  if (self->host == NULL)
    self->host = g_strdup ("");
  self->group = sse_hub_address_group (self->host, local_addresses);
  /* The presenter's own machine: loopback, or a peer whose address is the
   * address it reached us on. */
  self->is_local = remote != NULL &&
                   (g_inet_address_get_is_loopback (remote) ||
                    (local != NULL && g_inet_address_equal (remote, local)));
  /* An absolute-form target names the host in its authority, which the
   * request's URI carries; for the origin form it is the Host header's. */
  self->host_is_own = host_header_is_own (local_addresses,
                                          soup_message_headers_get_one (headers, "Host")) &&
                      (uri == NULL || g_uri_get_host (uri) == NULL ||
                       names_this_machine (local_addresses, g_uri_get_host (uri)));

  if (!self->is_local)
    self->role = SSE_HUB_PEER_REMOTE;
  else if (!trust_local)
    self->role = SSE_HUB_PEER_UNTRUSTED;
  else if (!origin_is_own (local_addresses, bound_port,
                           soup_message_headers_get_one (headers, "Origin")) ||
           !fetch_site_is_own (soup_message_headers_get_one (headers, "Sec-Fetch-Site")))
    self->role = SSE_HUB_PEER_FOREIGN_ORIGIN;
  else
    self->role = SSE_HUB_PEER_PRESENTER;

  return self;
}

const char *
sse_hub_peer_get_host (SseHubPeer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_PEER (self), NULL);
  return self->host;
}

const char *
sse_hub_peer_get_group (SseHubPeer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_PEER (self), NULL);
  return self->group;
}

gboolean
sse_hub_peer_get_is_local (SseHubPeer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_PEER (self), FALSE);
  return self->is_local;
}

gboolean
sse_hub_peer_get_host_is_own (SseHubPeer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_PEER (self), FALSE);
  return self->host_is_own;
}

SseHubPeerRole
sse_hub_peer_get_role (SseHubPeer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_PEER (self), SSE_HUB_PEER_REMOTE);
  return self->role;
}

gboolean
sse_hub_peer_is_presenter (SseHubPeer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_PEER (self), FALSE);
  return self->role == SSE_HUB_PEER_PRESENTER;
}
