/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sse-hub-rate-limiter.h"

/* Forget every bucket when the table reaches this size, so a flood of
 * addresses cannot grow memory without bound. */
#define MAX_BUCKETS 4096

typedef struct
{
  double tokens;
  gint64 updated;  /* µs, on the limiter's clock */
} RateBucket;

struct _SseHubRateLimiter
{
  GHashTable      *buckets;  /* key → RateBucket */
  SseHubClockFunc  clock;
  gpointer         clock_data;
  guint            rate;     /* tokens per minute, 0 = no limit */
};

static gint64
monotonic_clock (gpointer user_data)
{
  return g_get_monotonic_time ();
}

SseHubRateLimiter *
sse_hub_rate_limiter_new (guint per_minute)
{
  SseHubRateLimiter *self = g_new0 (SseHubRateLimiter, 1);

  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->clock = monotonic_clock;
  self->rate = per_minute;

  return self;
}

void
sse_hub_rate_limiter_free (SseHubRateLimiter *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->buckets);
  g_free (self);
}

void
sse_hub_rate_limiter_set_clock (SseHubRateLimiter *self,
                                SseHubClockFunc    clock,
                                gpointer           user_data)
{
  g_return_if_fail (self != NULL);

  self->clock = clock != NULL ? clock : monotonic_clock;
  self->clock_data = user_data;
}

guint
sse_hub_rate_limiter_get_rate (SseHubRateLimiter *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->rate;
}

void
sse_hub_rate_limiter_set_rate (SseHubRateLimiter *self,
                               guint              per_minute)
{
  g_return_if_fail (self != NULL);
  self->rate = per_minute;
}

/* The bucket's tokens at now, without storing anything. */
static double
refilled_tokens (SseHubRateLimiter *self,
                 const RateBucket  *bucket,
                 gint64             now)
{
  /* Multiplying before dividing keeps whole seconds exact: at 30 a minute,
   * two seconds refill one whole token, not 0.999…. */
  return MIN ((double) self->rate,
              bucket->tokens + (double) (now - bucket->updated) * self->rate / 60e6);
}

gboolean
sse_hub_rate_limiter_take (SseHubRateLimiter *self,
                           const char        *key)
{
  RateBucket *bucket;
  gint64 now;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (self->rate == 0)
    return TRUE;

  now = self->clock (self->clock_data);
  bucket = g_hash_table_lookup (self->buckets, key);
  if (bucket == NULL)
    {
      if (g_hash_table_size (self->buckets) >= MAX_BUCKETS)
        g_hash_table_remove_all (self->buckets);

      bucket = g_new0 (RateBucket, 1);
      bucket->tokens = self->rate;
      bucket->updated = now;
      g_hash_table_insert (self->buckets, g_strdup (key), bucket);
    }

  bucket->tokens = refilled_tokens (self, bucket, now);
  bucket->updated = now;

  if (bucket->tokens < 1.0)
    return FALSE;

  bucket->tokens -= 1.0;
  return TRUE;
}

guint
sse_hub_rate_limiter_retry_after (SseHubRateLimiter *self,
                                  const char        *key)
{
  RateBucket *bucket;
  double missing;
  double seconds;
  guint whole;

  g_return_val_if_fail (self != NULL, 1);
  g_return_val_if_fail (key != NULL, 1);

  bucket = g_hash_table_lookup (self->buckets, key);
  if (self->rate == 0 || bucket == NULL)
    return 1;

  missing = 1.0 - refilled_tokens (self, bucket, self->clock (self->clock_data));
  if (missing <= 0.0)
    return 1;

  /* Written this way round the division is exact for whole rates, so two
   * seconds stay two and do not round up to three. */
  seconds = missing * 60.0 / self->rate;
  whole = (guint) seconds;
  if (whole < seconds)
    whole++;

  return MAX (whole, 1);
}
