/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Monotonic time in µs; the limiter reads it through this so tests can
 * move time by hand. */
typedef gint64 (*SseHubClockFunc) (gpointer user_data);

/* A token bucket per key (a remote address): each holds up to rate tokens
 * and refills at rate per minute.  Rate 0 means no limit. */
typedef struct _SseHubRateLimiter SseHubRateLimiter;

SseHubRateLimiter *sse_hub_rate_limiter_new         (guint               per_minute);
void               sse_hub_rate_limiter_free        (SseHubRateLimiter  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SseHubRateLimiter, sse_hub_rate_limiter_free)

void               sse_hub_rate_limiter_set_clock   (SseHubRateLimiter  *self,
                                                     SseHubClockFunc     clock,
                                                     gpointer            user_data);
guint              sse_hub_rate_limiter_get_rate    (SseHubRateLimiter  *self);
void               sse_hub_rate_limiter_set_rate    (SseHubRateLimiter  *self,
                                                     guint               per_minute);
/* Takes one token for key; FALSE when its bucket is empty. */
gboolean           sse_hub_rate_limiter_take        (SseHubRateLimiter  *self,
                                                     const char         *key);
/* Whole seconds, at least 1, until key has a token again: the value of
 * a Retry-After header. */
guint              sse_hub_rate_limiter_retry_after (SseHubRateLimiter  *self,
                                                     const char         *key);

G_END_DECLS
