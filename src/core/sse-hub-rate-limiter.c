/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>

#include "sse-hub-rate-limiter.h"

/* The most keys remembered at once, so that a flood of addresses cannot
 * grow memory without bound. */
#define MAX_BUCKETS 4096

typedef struct
{
  double  tokens;
  gint64  updated;   /* µs, on the limiter's clock */
  GList  *lru_link;  /* in the limiter's lru queue; data is the table's key */
} RateBucket;

struct _SseHubRateLimiter
{
  GHashTable      *buckets;        /* key → RateBucket */
  GQueue           lru;            /* keys, least recently used first */
  RateBucket       audience;
  SseHubClockFunc  clock;
  gpointer         clock_data;
  guint            rate;           /* tokens per minute per key, 0 = no limit */
  guint            audience_rate;  /* tokens per minute for everyone, 0 = no limit */
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
  g_queue_init (&self->lru);
  self->clock = monotonic_clock;
  self->rate = per_minute;

  return self;
}

void
sse_hub_rate_limiter_free (SseHubRateLimiter *self)
{
  if (self == NULL)
    return;

  g_queue_clear (&self->lru);
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

guint
sse_hub_rate_limiter_get_audience_rate (SseHubRateLimiter *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->audience_rate;
}

void
sse_hub_rate_limiter_set_audience_rate (SseHubRateLimiter *self,
                                        guint              per_minute)
{
  g_return_if_fail (self != NULL);

  self->audience_rate = per_minute;
  self->audience.tokens = per_minute;
  self->audience.updated = self->clock (self->clock_data);
}

/* The bucket's tokens at now, without storing anything. */
static double
refilled_tokens (const RateBucket *bucket,
                 guint             rate,
                 gint64            now)
{
  /* Multiplying before dividing keeps whole seconds exact: at 30 a minute,
   * two seconds refill one whole token, not 0.999…. */
  return MIN ((double) rate, bucket->tokens + (double) (now - bucket->updated) * rate / 60e6);
}

static void
refill (RateBucket *bucket,
        guint       rate,
        gint64      now)
{
  bucket->tokens = refilled_tokens (bucket, rate, now);
  bucket->updated = now;
}

static gboolean
forget_if_full (gpointer key,
                gpointer value,
                gpointer user_data)
{
  SseHubRateLimiter *self = user_data;
  RateBucket *bucket = value;

  if (refilled_tokens (bucket, self->rate, self->clock (self->clock_data)) < self->rate)
    return FALSE;

  g_queue_delete_link (&self->lru, bucket->lru_link);
  return TRUE;
}

/* Makes room for one more key without wiping what the table knows about
 * addresses that are still being limited. */
static void
make_room (SseHubRateLimiter *self)
{
  if (g_hash_table_size (self->buckets) < MAX_BUCKETS)
    return;

  g_hash_table_foreach_remove (self->buckets, forget_if_full, self);
  if (g_hash_table_size (self->buckets) >= MAX_BUCKETS)
    g_hash_table_remove (self->buckets, g_queue_pop_head (&self->lru));
}

static RateBucket *
bucket_for (SseHubRateLimiter *self,
            const char        *key,
            gint64             now)
{
  RateBucket *bucket = g_hash_table_lookup (self->buckets, key);
  char *owned_key;

  if (bucket != NULL)
    {
      g_queue_unlink (&self->lru, bucket->lru_link);
      g_queue_push_tail_link (&self->lru, bucket->lru_link);
      return bucket;
    }

  make_room (self);
  owned_key = g_strdup (key);
  bucket = g_new0 (RateBucket, 1);
  bucket->tokens = self->rate;
  bucket->updated = now;
  g_queue_push_tail (&self->lru, owned_key);
  bucket->lru_link = g_queue_peek_tail_link (&self->lru);
  g_hash_table_insert (self->buckets, owned_key, bucket);

  return bucket;
}

SseHubRateVerdict
sse_hub_rate_limiter_take (SseHubRateLimiter *self,
                           const char        *key)
{
  RateBucket *bucket = NULL;
  gint64 now;

  g_return_val_if_fail (self != NULL, SSE_HUB_RATE_KEY_EMPTY);
  g_return_val_if_fail (key != NULL, SSE_HUB_RATE_KEY_EMPTY);

  now = self->clock (self->clock_data);
  if (self->rate > 0)
    {
      bucket = bucket_for (self, key, now);
      refill (bucket, self->rate, now);
      if (bucket->tokens < 1.0)
        return SSE_HUB_RATE_KEY_EMPTY;
    }

  /* Checked second, so that one address past its own rate cannot spend
   * what the rest of the class shares. */
  if (self->audience_rate > 0)
    {
      refill (&self->audience, self->audience_rate, now);
      if (self->audience.tokens < 1.0)
        return SSE_HUB_RATE_AUDIENCE_EMPTY;
      self->audience.tokens -= 1.0;
    }

  if (bucket != NULL)
    bucket->tokens -= 1.0;

  return SSE_HUB_RATE_ALLOWED;
}

SseHubRateVerdict
sse_hub_rate_limiter_peek (SseHubRateLimiter *self,
                           const char        *key)
{
  RateBucket *bucket;
  gint64 now;

  g_return_val_if_fail (self != NULL, SSE_HUB_RATE_KEY_EMPTY);
  g_return_val_if_fail (key != NULL, SSE_HUB_RATE_KEY_EMPTY);

  now = self->clock (self->clock_data);
  bucket = g_hash_table_lookup (self->buckets, key);
  if (self->rate > 0 && bucket != NULL && refilled_tokens (bucket, self->rate, now) < 1.0)
    return SSE_HUB_RATE_KEY_EMPTY;
  if (self->audience_rate > 0 && refilled_tokens (&self->audience, self->audience_rate, now) < 1.0)
    return SSE_HUB_RATE_AUDIENCE_EMPTY;

  return SSE_HUB_RATE_ALLOWED;
}

/* Whole seconds until the bucket has a token; 0 when it has one. */
static guint
seconds_until_token (const RateBucket *bucket,
                     guint             rate,
                     gint64            now)
{
  double missing;
  double seconds;
  guint whole;

  if (rate == 0 || bucket == NULL)
    return 0;

  missing = 1.0 - refilled_tokens (bucket, rate, now);
  if (missing <= 0.0)
    return 0;

  /* Written this way round the division is exact for whole rates, so two
   * seconds stay two and do not round up to three. */
  seconds = missing * 60.0 / rate;
  whole = (guint) seconds;
  if (whole < seconds)
    whole++;

  return whole;
}

guint
sse_hub_rate_limiter_retry_after (SseHubRateLimiter *self,
                                  const char        *key)
{
  gint64 now;
  guint key_wait;
  guint audience_wait;

  g_return_val_if_fail (self != NULL, 1);
  g_return_val_if_fail (key != NULL, 1);

  now = self->clock (self->clock_data);
  key_wait = seconds_until_token (g_hash_table_lookup (self->buckets, key), self->rate, now);
  audience_wait = seconds_until_token (&self->audience, self->audience_rate, now);

  return MAX (MAX (key_wait, audience_wait), 1);
}
