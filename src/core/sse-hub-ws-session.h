/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sse-hub-client.h"

G_BEGIN_DECLS

/* The reading half of a WebSocket client: the bytes it sent, reassembled
 * into messages; pings answered, a close answered, protocol faults closed
 * with their code.  The writing half is SseHubClient's own queue. */
typedef struct _SseHubWsSession SseHubWsSession;

/* A whole text message (valid UTF-8); wire_bytes counts its frames'
 * headers too. */
typedef void (*SseHubWsMessageFunc) (SseHubClient *client,
                                     const char   *text,
                                     gsize         length,
                                     gsize         wire_bytes,
                                     gpointer      user_data);

SseHubWsSession *sse_hub_ws_session_new   (SseHubWsMessageFunc  func,
                                           gpointer             user_data,
                                           GDestroyNotify       destroy);
void             sse_hub_ws_session_free  (SseHubWsSession     *self);
/* Reads what the socket holds; FALSE when the client must go (it closed,
 * or broke the protocol and was sent a close frame). */
gboolean         sse_hub_ws_session_read  (SseHubWsSession     *self,
                                           SseHubClient        *client,
                                           GSocket             *socket);
/* A ping went out: the deadline runs from the first unanswered one. */
void             sse_hub_ws_session_ping_sent (SseHubWsSession *self,
                                               gint64           now);
/* TRUE when a ping has waited more than deadline µs for its pong. */
gboolean         sse_hub_ws_session_pong_overdue (SseHubWsSession *self,
                                                  gint64           now,
                                                  gint64           deadline);

G_END_DECLS
