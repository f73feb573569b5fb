/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "sse-hub-server.h"

G_BEGIN_DECLS

/* The listening socket, the join addresses and the request deadline. */
GSocket   *sse_hub_listener_create_socket          (const char        *bind_address,
                                                    guint              port,
                                                    GError           **error);
GStrv      sse_hub_listener_dup_urls               (const char        *bind_address,
                                                    guint              port);
/* Every address of this machine's interfaces, loopback included. */
GPtrArray *sse_hub_listener_dup_interface_addresses (void);
/* Closes a request that has not arrived whole within the server's
 * request-timeout, once missed has logged and announced it. */
/* The request is answered without libsoup: no deadline for it. */
void       sse_hub_listener_forget_deadline        (SoupServerMessage    *message);
typedef void (*SseHubDeadlineMissed) (SseHubServer      *server,
                                      SoupServerMessage *message);
void       sse_hub_listener_watch_deadlines        (SseHubServer         *server,
                                                    SoupServer           *soup,
                                                    SseHubDeadlineMissed  missed);

G_END_DECLS
