/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sse-hub-client.h"

G_BEGIN_DECLS

typedef enum
{
  SSE_HUB_CLIENT_QUEUED,    /* sent, or queued behind earlier frames */
  SSE_HUB_CLIENT_OVER_CAP,  /* the backlog would pass the cap: nothing queued */
  SSE_HUB_CLIENT_GONE,      /* the peer went away */
} SseHubClientQueueResult;

/* The client owns its connection once the server has answered the request
 * headers: libsoup keeps a main-loop source alive for every paused message,
 * and GLib walks all of them on each loop turn, so ten thousand paused
 * streams made every accept cost in proportion to the audience.  A client
 * here costs the loop nothing until a write would block. */
SseHubClient            *sse_hub_client_new          (guint64       id,
                                                      const char   *remote_address,
                                                      const char   *user_agent,
                                                      GIOStream    *stream,
                                                      GSocket      *socket);
SseHubClientQueueResult  sse_hub_client_queue        (SseHubClient *self,
                                                      GBytes       *frame,
                                                      gsize         queue_cap);
/* The connection's descriptor, for watching it; -1 once closed. */
int                      sse_hub_client_get_fd       (SseHubClient *self);
void                     sse_hub_client_close        (SseHubClient *self);

G_END_DECLS
