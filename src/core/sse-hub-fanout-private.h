/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the fan-out's files share: sse-hub-fanout.c (the streams, the
 * broadcasts, keep-alive and hang-ups), sse-hub-fanout-ids.c (the
 * coalesced `client` event) and sse-hub-fanout-events.c (custom events). */

#include "sse-hub-client-private.h"
#include "sse-hub-fanout.h"

G_BEGIN_DECLS

struct _SseHubFanout
{
  GObject            parent_instance;

  /* owned */
  SseHubPersonStore *store;
  SseHubEventLog    *log;
  GHashTable        *streams;        /* set of SseHubClient (ref): fast to walk for broadcasts */
  GListStore        *clients;        /* SseHubClient, in connection order */
  GBytes            *persons_frame;  /* the list frame for persons_frame_revision */
  guint64            persons_frame_revision;
  GPtrArray         *event_names;    /* NULL-terminated: custom events announced so far */
  guint              n_websockets;   /* streams that are WebSocket clients */
  GBytes            *persons_ws_of;  /* the list frame persons_ws_size was measured on */
  gsize              persons_ws_size;
  gboolean           custom_id_sent; /* the last custom event had an id of its own */

  /* settings */
  gsize              queue_cap;
  guint              keepalive_interval;

  /* while started */
  gboolean           running;
  int                hangup_fd;      /* epoll set of the streams' sockets; -1 while stopped */
  guint              hangup_source;
  guint              keepalive_source;
  guint              persons_broadcast_source;

  /* the `client` event: due at clients_changed_at + its window; then
   * handed out a slice at a time to the streams open when it was made */
  guint              clients_event_source;
  gint64             clients_changed_at;  /* monotonic µs of the first change not yet sent */
  guint              clients_slice_source;
  GBytes            *clients_frame;
  GPtrArray         *clients_pending;     /* SseHubClient (ref) */
  guint              clients_next;
  guint              clients_recipients;
  guint              clients_ws_recipients;
};

/* sse-hub-fanout.c: queues frame for each of clients; returns how many
 * took it, and adds the WebSocket ones among them to *ws_recipients. */
guint     sse_hub_fanout_deliver                 (SseHubFanout     *self,
                                                  SseHubClient    **clients,
                                                  guint             n,
                                                  SseHubFrameKind   frame_kind,
                                                  GBytes           *frame,
                                                  guint            *ws_recipients);

/* sse-hub-fanout-ids.c: membership changed; and the end of the event
 * being handed out, logged as far as it got. */
void      sse_hub_fanout_schedule_clients_event  (SseHubFanout     *self);
void      sse_hub_fanout_finish_clients_event    (SseHubFanout     *self);

G_END_DECLS
