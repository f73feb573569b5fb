/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Whether a peer is the presenter, and if not, why not. */
typedef enum
{
  SSE_HUB_PEER_PRESENTER,       /* this machine, and no other web origin made the request */
  SSE_HUB_PEER_REMOTE,          /* another computer: the audience */
  SSE_HUB_PEER_FOREIGN_ORIGIN,  /* this machine, but a page from another origin */
  SSE_HUB_PEER_UNTRUSTED,       /* this machine, but trust-local is off */
} SseHubPeerRole;

#define SSE_HUB_TYPE_PEER (sse_hub_peer_get_type ())
G_DECLARE_FINAL_TYPE (SseHubPeer, sse_hub_peer, SSE_HUB, PEER, GObject)

/* Who sent a request, worked out once from it: the address as people read
 * it (192.168.1.5, not ::ffff:192.168.1.5), the address group limits count
 * by, whether the peer is this machine, whether its Host header names this
 * machine, and its role.  local_addresses: this machine's interface
 * addresses (GInetAddress); bound_port: the port the hub listens on, which
 * the hub's own Origin carries; trust_local: the server's trust-local. */
SseHubPeer     *sse_hub_peer_new             (SoupServerMessage *message,
                                              GPtrArray         *local_addresses,
                                              guint              bound_port,
                                              gboolean           trust_local);

const char     *sse_hub_peer_get_host        (SseHubPeer        *self);
const char     *sse_hub_peer_get_group       (SseHubPeer        *self);
gboolean        sse_hub_peer_get_is_local    (SseHubPeer        *self);
/* FALSE when the request's Host is not this machine (DNS rebinding); a
 * request without Host is left to libsoup. */
gboolean        sse_hub_peer_get_host_is_own (SseHubPeer        *self);
SseHubPeerRole  sse_hub_peer_get_role        (SseHubPeer        *self);
gboolean        sse_hub_peer_is_presenter    (SseHubPeer        *self);

/* The key limits count by: an IPv4 address as it is; an IPv6 address by
 * its /64 (a phone's privacy addresses share one), except inside a /64 of
 * one of local_addresses (this machine's: GInetAddress, may be NULL),
 * where devices on the hub's own link each count by their address; an
 * IPv4-mapped IPv6 address as IPv4.  Anything else is its own key. */
char           *sse_hub_address_group        (const char        *address,
                                              GPtrArray         *local_addresses);

G_END_DECLS
