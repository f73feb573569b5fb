/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "sse-hub-server.h"

G_BEGIN_DECLS

/* The listening socket, the join addresses, the request deadline and the
 * peer's address. */
GSocket   *sse_hub_listener_create_socket          (const char        *bind_address,
                                                    guint              port,
                                                    GError           **error);
GStrv      sse_hub_listener_dup_urls               (const char        *bind_address,
                                                    guint              port);
/* Every address of this machine's interfaces, loopback included. */
GPtrArray *sse_hub_listener_dup_interface_addresses (void);
/* Closes requests that take longer than the server's request-timeout to
 * arrive, and logs them in its event log. */
void       sse_hub_listener_watch_deadlines        (SseHubServer      *server,
                                                    SoupServer        *soup);
char      *sse_hub_peer_dup_host                   (SoupServerMessage *message);
gboolean   sse_hub_peer_is_local                   (SoupServerMessage *message);

G_END_DECLS
