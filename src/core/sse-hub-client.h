/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  SSE_HUB_TRANSPORT_SSE,
  SSE_HUB_TRANSPORT_WEBSOCKET,
} SseHubTransport;

#define SSE_HUB_TYPE_CLIENT (sse_hub_client_get_type ())
G_DECLARE_FINAL_TYPE (SseHubClient, sse_hub_client, SSE_HUB, CLIENT, GObject)

/* One connected event-stream client.  The counters change on every event, so
 * they send no notify signal (10,000 clients would drown the main loop);
 * views read them when they refresh. */
guint64     sse_hub_client_get_id             (SseHubClient *self);
const char *sse_hub_client_get_remote_address (SseHubClient *self);
const char *sse_hub_client_get_user_agent     (SseHubClient *self);
/* Wall-clock time of connection, in microseconds since the epoch. */
gint64      sse_hub_client_get_connected_at   (SseHubClient *self);
guint64     sse_hub_client_get_events_sent    (SseHubClient *self);
guint64     sse_hub_client_get_bytes_sent     (SseHubClient *self);
guint64     sse_hub_client_get_bytes_queued   (SseHubClient *self);
/* What a WebSocket client sent, frame headers and all; 0 for SSE. */
guint64     sse_hub_client_get_bytes_received (SseHubClient *self);
SseHubTransport sse_hub_client_get_transport  (SseHubClient *self);

G_END_DECLS
