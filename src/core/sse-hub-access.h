/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "sse-hub-fanout.h"
#include "sse-hub-rate-limiter.h"
#include "sse-hub-wire.h"

G_BEGIN_DECLS

/* Who is the presenter (this machine, and no other web origin), which Host
 * names the hub answers to, and the limits on everyone else.  The server
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
  GPtrArray         *local_addresses;  /* GInetAddress: this machine's, cached briefly */
  gint64             local_addresses_read; /* monotonic µs */
} SseHubAccess;

SseHubAccess *sse_hub_access_new              (SseHubFanout      *fanout);
void          sse_hub_access_free             (SseHubAccess      *self);
gboolean      sse_hub_access_check_host       (SseHubAccess      *self,
                                               SoupServerMessage *message,
                                               GError           **error);
gboolean      sse_hub_access_is_presenter     (SseHubAccess      *self,
                                               SoupServerMessage *message);
gboolean      sse_hub_access_admit_stream     (SseHubAccess      *self,
                                               gboolean           presenter,
                                               const char        *group,
                                               SseHubFullReason  *out_reason);
/* Counts the stream in its group until the fan-out lets it go. */
void          sse_hub_access_track_stream     (SseHubAccess      *self,
                                               SseHubClient      *client,
                                               gboolean           presenter,
                                               const char        *group);
/* An audience post: NULL when it may go on, else the refusal's short name
 * for the event log, with error set. */
const char   *sse_hub_access_check_post       (SseHubAccess      *self,
                                               SoupServerMessage *message,
                                               const char        *group,
                                               GError           **error);
void          sse_hub_access_count_person     (SseHubAccess      *self,
                                               const char        *group);

G_END_DECLS
