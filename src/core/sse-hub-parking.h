/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Keep-alive without libsoup 3.2's leak.  libsoup 3.2 never closes a
 * kept-alive connection that the peer closes while it is idle (fixed in
 * 3.3, commit d20c6601): one descriptor and its objects per browser
 * connection over a lesson.  So no connection ever idles inside libsoup:
 * once a response is written, the connection is stolen from libsoup and
 * parked here.  A parked connection whose peer sends the next request is
 * handed back (soup_server_accept_iostream); one whose peer closes, that
 * stays idle too long, or that is the oldest of too many, is closed here. */
typedef struct _SseHubParking SseHubParking;

#define SSE_HUB_PARKING_IDLE_SECONDS 60
#define SSE_HUB_PARKING_MAX          512

SseHubParking *sse_hub_parking_new          (SoupServer        *soup,
                                             guint              idle_seconds,
                                             guint              max_parked);
/* Closes every parked connection. */
void           sse_hub_parking_free         (SseHubParking     *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SseHubParking, sse_hub_parking_free)

/* Call once the response is set: keeps the connection for the next request
 * when the request allows it, else says Connection: close. */
void           sse_hub_parking_keep_alive   (SseHubParking     *self,
                                             SoupServerMessage *message);
guint          sse_hub_parking_get_n_parked (SseHubParking     *self);

/* The message's socket, also on a connection handed back from parking
 * (libsoup knows only its stream then). */
GSocket       *sse_hub_parking_get_socket   (SoupServerMessage *message);

G_END_DECLS
