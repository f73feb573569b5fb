/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sse-hub-client.h"
#include "sse-hub-ws-session.h"

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
/* How long the kernel has taken nothing of a waiting backlog; 0 when
 * nothing waits.  A queue is refused (OVER_CAP: the client stopped
 * reading) when this reaches 10 s, or the backlog passes the cap and this
 * 1 s, or the backlog passes 8 caps. */
gint64                   sse_hub_client_get_undrained_us (SseHubClient *self);
/* Frames queued between cork and uncork leave together, in one write. */
void                     sse_hub_client_cork         (SseHubClient    *self);
SseHubClientQueueResult  sse_hub_client_uncork       (SseHubClient    *self);
/* Makes the client a WebSocket one (it takes the session): every frame
 * queued from then on is translated into socket messages
 * (sse_hub_ws_from_sse), and its socket is read by the session. */
void                     sse_hub_client_set_websocket (SseHubClient    *self,
                                                       SseHubWsSession *session);
SseHubWsSession         *sse_hub_client_get_ws_session (SseHubClient   *self);
/* A socket frame queued as it is, untranslated (a reply). */
SseHubClientQueueResult  sse_hub_client_queue_raw    (SseHubClient    *self,
                                                      GBytes          *frame,
                                                      gsize            queue_cap);
/* A socket frame of the protocol's own (the handshake's answer, pong,
 * close), queued as it is and beyond the cap. */
SseHubClientQueueResult  sse_hub_client_queue_control (SseHubClient    *self,
                                                       GBytes          *frame);
/* Queues a close frame; nothing is queued after it, and closing the
 * client then shuts the connection down gently. */
void                     sse_hub_client_send_close   (SseHubClient    *self,
                                                      guint16          code,
                                                      const char      *reason);
/* The socket has something to read: FALSE when the client is gone (an SSE
 * client sends nothing after its request, so for it, always). */
gboolean                 sse_hub_client_readable     (SseHubClient    *self);
void                     sse_hub_client_count_received (SseHubClient  *self,
                                                        gsize          bytes);
/* The connection's descriptor, for watching it; -1 once closed. */
int                      sse_hub_client_get_fd       (SseHubClient *self);
void                     sse_hub_client_close        (SseHubClient *self);

/* A copy of client for a view on another thread (SseHubServerProxy): no
 * connection, nothing shared with client, so it may be handed over and
 * then read there alone; its counters change only by set_counters. */
SseHubClient            *sse_hub_client_new_mirror   (SseHubClient *client);
void                     sse_hub_client_set_counters (SseHubClient *self,
                                                      guint64       events_sent,
                                                      guint64       bytes_sent,
                                                      guint64       bytes_received);

G_END_DECLS
