/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Monotonic time in µs; the limiter reads it through this so tests can
 * move time by hand. */
typedef gint64 (*SseHubClockFunc) (gpointer user_data);

/* Posting budgets: a token bucket per key (an address group, see
 * sse_hub_peer_get_group()) and one audience bucket that every key shares.
 * Each bucket holds up to its rate in tokens and refills at rate per
 * minute; a rate of 0 turns that bucket off.  The per-key table is
 * bounded: it forgets buckets that have refilled completely (they say
 * nothing a new bucket would not), then the least recently used. */
typedef struct _SseHubRateLimiter SseHubRateLimiter;

typedef enum
{
  SSE_HUB_RATE_ALLOWED,
  SSE_HUB_RATE_KEY_EMPTY,       /* the key's own bucket is empty */
  SSE_HUB_RATE_AUDIENCE_EMPTY,  /* the bucket all keys share is empty */
} SseHubRateVerdict;

SseHubRateLimiter *sse_hub_rate_limiter_new           (guint               per_minute);
void               sse_hub_rate_limiter_free          (SseHubRateLimiter  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SseHubRateLimiter, sse_hub_rate_limiter_free)

void               sse_hub_rate_limiter_set_clock     (SseHubRateLimiter  *self,
                                                       SseHubClockFunc     clock,
                                                       gpointer            user_data);
guint              sse_hub_rate_limiter_get_rate      (SseHubRateLimiter  *self);
void               sse_hub_rate_limiter_set_rate      (SseHubRateLimiter  *self,
                                                       guint               per_minute);
guint              sse_hub_rate_limiter_get_audience_rate (SseHubRateLimiter *self);
/* A new audience rate starts with a full bucket. */
void               sse_hub_rate_limiter_set_audience_rate (SseHubRateLimiter *self,
                                                           guint              per_minute);
/* Takes one token from key's bucket and one from the audience bucket, or
 * nothing when either is empty; says which one was. */
SseHubRateVerdict  sse_hub_rate_limiter_take          (SseHubRateLimiter  *self,
                                                       const char         *key);
/* What sse_hub_rate_limiter_take() would say, taking nothing. */
SseHubRateVerdict  sse_hub_rate_limiter_peek          (SseHubRateLimiter  *self,
                                                       const char         *key);
/* Whole seconds, at least 1, until both key's bucket and the audience
 * bucket have a token again: the value of a Retry-After header. */
guint              sse_hub_rate_limiter_retry_after   (SseHubRateLimiter  *self,
                                                       const char         *key);

G_END_DECLS
