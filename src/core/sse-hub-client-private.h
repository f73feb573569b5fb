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

/* State frames each carry a whole state (the person list, the client ids):
 * a client that has fallen behind needs only the newest of each kind. */
typedef enum
{
  SSE_HUB_FRAME_OTHER,          /* queued in full: hello, keep-alive, named events */
  SSE_HUB_FRAME_STATE_PERSONS,  /* the unnamed list message */
  SSE_HUB_FRAME_STATE_CLIENTS,  /* the `client` event */
  SSE_HUB_N_FRAME_KINDS,
} SseHubFrameKind;

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
/* A state frame replaces an unsent one of its kind still queued; the
 * cap then counts what cannot be conflated. */
SseHubClientQueueResult  sse_hub_client_queue        (SseHubClient    *self,
                                                      GBytes          *frame,
                                                      SseHubFrameKind  kind,
                                                      gsize            queue_cap);
/* Frames queued between cork and uncork leave together, in one write. */
void                     sse_hub_client_cork         (SseHubClient    *self);
SseHubClientQueueResult  sse_hub_client_uncork       (SseHubClient    *self);
/* The connection's descriptor, for watching it; -1 once closed. */
int                      sse_hub_client_get_fd       (SseHubClient *self);
void                     sse_hub_client_close        (SseHubClient *self);

G_END_DECLS
