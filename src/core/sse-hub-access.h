/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "sse-hub-fanout.h"
#include "sse-hub-peer.h"
#include "sse-hub-rate-limiter.h"
#include "sse-hub-refusal.h"
#include "sse-hub-wire.h"

G_BEGIN_DECLS

/* Each request's peer, built once (see sse-hub-peer.h), which Host names
 * the hub answers to, and the limits on the audience.  The server
 * owns it and writes the settings; the stream slots follow the fan-out's
 * streams through its signals. */
typedef struct
{
  /* settings */
  gboolean           trust_local;
  gboolean           allow_audience_writes;
  guint              max_clients;
  guint              max_streams_per_address;
  guint              max_persons_per_address;
  guint              bound_port;       /* the hub's own origin; 0 while stopped */

  /* owned */
  SseHubRateLimiter *rate_limiter;     /* per address group, and the audience's shared budget */
  SseHubFanout      *fanout;
  GHashTable        *stream_groups;    /* SseHubClient → its address group, or "presenter" */
  GHashTable        *group_streams;    /* address group → open streams (GUINT_TO_POINTER) */
  GHashTable        *group_persons;    /* address group → persons added since the hub began */
  GHashTable        *blocked;          /* set of address groups the presenter blocked */
  SseHubRateLimiter *error_budget;     /* per address group: refused posts */
  GPtrArray         *local_addresses;  /* GInetAddress: this machine's, cached briefly */
  gint64             local_addresses_read; /* monotonic µs */
} SseHubAccess;

SseHubAccess *sse_hub_access_new              (SseHubFanout      *fanout);
void          sse_hub_access_free             (SseHubAccess      *self);
/* The request's peer, built once; owned by the message. */
SseHubPeer   *sse_hub_access_get_peer         (SseHubAccess      *self,
                                               SoupServerMessage *message);
gboolean      sse_hub_access_check_host       (SseHubAccess      *self,
                                               SseHubPeer        *peer,
                                               GError           **error);
gboolean      sse_hub_access_admit_stream     (SseHubAccess      *self,
                                               SseHubPeer        *peer,
                                               SseHubFullReason  *out_reason);
/* Counts the stream in its group until the fan-out lets it go. */
void          sse_hub_access_track_stream     (SseHubAccess      *self,
                                               SseHubClient      *client,
                                               SseHubPeer        *peer);
/* Whether a stream_groups entry is the presenter's, not a computer's. */
gboolean      sse_hub_access_is_presenter_key (const char        *group);
/* An audience post: TRUE when it may go on, else FALSE with the reason
 * and error set.  Spends nothing. */
gboolean      sse_hub_access_check_post       (SseHubAccess      *self,
                                               SseHubPeer        *peer,
                                               SseHubRefusal     *out_reason,
                                               GError           **error);
/* A valid audience post (or a socket's add, message NULL) takes one token
 * from its computer's bucket and one from the class's, or is refused
 * (Retry-After set on a message). */
gboolean      sse_hub_access_take_post_budget (SseHubAccess      *self,
                                               SoupServerMessage *message,
                                               SseHubPeer        *peer,
                                               SseHubRefusal     *out_reason,
                                               GError           **error);
/* From the headers: a blocked computer's streams and posts, and the posts
 * of a computer that spent its error budget, are refused. */
gboolean      sse_hub_access_check_sender     (SseHubAccess      *self,
                                               SoupServerMessage *message,
                                               SseHubPeer        *peer,
                                               SseHubRefusal     *out_reason,
                                               GError           **error);
/* A computer that spent its error budget has its posts and socket adds
 * refused (Retry-After set on a message; NULL for a socket's add). */
gboolean      sse_hub_access_check_error_budget (SseHubAccess      *self,
                                                 SoupServerMessage *message,
                                                 SseHubPeer        *peer,
                                                 SseHubRefusal     *out_reason,
                                                 GError           **error);
/* A computer's refused post spends its own error budget. */
void          sse_hub_access_charge_error     (SseHubAccess      *self,
                                               SseHubPeer        *peer);
void          sse_hub_access_count_person     (SseHubAccess      *self,
                                               SseHubPeer        *peer);
/* A counted post the store then refused added nobody. */
void          sse_hub_access_uncount_person   (SseHubAccess      *self,
                                               SseHubPeer        *peer);

G_END_DECLS
