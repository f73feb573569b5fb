/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sse-hub-rate-limiter.h"

/* Time moves only when a test says so. */
static gint64
fake_clock (gpointer user_data)
{
  return *(gint64 *) user_data;
}

/* One post through both buckets. */
static gboolean
takes (SseHubRateLimiter *limiter,
       const char        *key)
{
  return sse_hub_rate_limiter_take (limiter, key) == SSE_HUB_RATE_ALLOWED;
}

static SseHubRateLimiter *
limiter_at (guint   per_minute,
            gint64 *now)
{
  SseHubRateLimiter *limiter = sse_hub_rate_limiter_new (per_minute);

  sse_hub_rate_limiter_set_clock (limiter, fake_clock, now);
  return limiter;
}

static void
test_burst_then_refill (void)
{
  gint64 now = (gint64) 1000 * G_USEC_PER_SEC;
  g_autoptr(SseHubRateLimiter) limiter = limiter_at (30, &now);

  /* A full bucket: the whole minute's allowance at once, then no more. */
  for (guint i = 0; i < 30; i++)
    g_assert_true (takes (limiter, "a"));
  g_assert_false (takes (limiter, "a"));

  /* 30 a minute is one token every two seconds. */
  now += 1999999;
  g_assert_false (takes (limiter, "a"));
  now += 1;
  g_assert_true (takes (limiter, "a"));
  g_assert_false (takes (limiter, "a"));

  /* Refilling stops at the bucket's size. */
  now += (gint64) 3600 * G_USEC_PER_SEC;
  for (guint i = 0; i < 30; i++)
    g_assert_true (takes (limiter, "a"));
  g_assert_false (takes (limiter, "a"));
}

static void
test_keys_are_separate (void)
{
  gint64 now = 0;
  g_autoptr(SseHubRateLimiter) limiter = limiter_at (1, &now);

  g_assert_true (takes (limiter, "a"));
  g_assert_false (takes (limiter, "a"));
  g_assert_true (takes (limiter, "b"));
}

static void
test_retry_after (void)
{
  gint64 now = 0;
  g_autoptr(SseHubRateLimiter) limiter = limiter_at (30, &now);

  /* Unknown keys and keys with tokens left may retry at once: 1 s at least. */
  g_assert_cmpuint (sse_hub_rate_limiter_retry_after (limiter, "a"), ==, 1);
  while (takes (limiter, "a"))
    ;
  g_assert_cmpuint (sse_hub_rate_limiter_retry_after (limiter, "a"), ==, 2);

  /* Rounded up, never down. */
  now += 500000;
  g_assert_cmpuint (sse_hub_rate_limiter_retry_after (limiter, "a"), ==, 2);
  now += 600000;
  g_assert_cmpuint (sse_hub_rate_limiter_retry_after (limiter, "a"), ==, 1);

  /* Asking does not spend or refill anything. */
  g_assert_false (takes (limiter, "a"));
  now += G_USEC_PER_SEC;
  g_assert_true (takes (limiter, "a"));

  /* Slow rates wait long: 2 a minute is 30 s per token. */
  sse_hub_rate_limiter_set_rate (limiter, 2);
  g_assert_true (takes (limiter, "slow"));
  g_assert_true (takes (limiter, "slow"));
  g_assert_cmpuint (sse_hub_rate_limiter_retry_after (limiter, "slow"), ==, 30);
}

static void
test_no_limit (void)
{
  gint64 now = 0;
  g_autoptr(SseHubRateLimiter) limiter = limiter_at (0, &now);

  for (guint i = 0; i < 10000; i++)
    g_assert_true (takes (limiter, "a"));
  g_assert_cmpuint (sse_hub_rate_limiter_get_rate (limiter), ==, 0);
  g_assert_cmpuint (sse_hub_rate_limiter_retry_after (limiter, "a"), ==, 1);
}

static void
test_table_is_bounded (void)
{
  gint64 now = 0;
  g_autoptr(SseHubRateLimiter) limiter = limiter_at (1, &now);

  g_assert_true (takes (limiter, "first"));
  g_assert_false (takes (limiter, "first"));
  g_assert_true (takes (limiter, "busy"));
  g_assert_false (takes (limiter, "busy"));

  /* A flood of new addresses does not grow the table without bound: the
   * least recently used key goes first, so "first" starts over... */
  for (guint i = 0; i < 4095; i++)
    {
      g_autofree char *key = g_strdup_printf ("10.0.%u.%u", i / 256, i % 256);

      g_assert_true (takes (limiter, key));
      /* ...while an address still posting keeps its empty bucket: the
       * table is never wiped wholesale. */
      if (i % 512 == 0)
        g_assert_false (takes (limiter, "busy"));
    }
  g_assert_true (takes (limiter, "first"));
  g_assert_false (takes (limiter, "busy"));
}

static void
test_full_buckets_go_first (void)
{
  gint64 now = 0;
  g_autoptr(SseHubRateLimiter) limiter = limiter_at (2, &now);

  /* "old" is the least recently used, but still limited; the flood's
   * buckets refill completely after a minute and carry no information. */
  g_assert_true (takes (limiter, "old"));
  g_assert_true (takes (limiter, "old"));
  for (guint i = 0; i < 4095; i++)
    {
      g_autofree char *key = g_strdup_printf ("10.1.%u.%u", i / 256, i % 256);

      g_assert_true (takes (limiter, key));
    }
  now += 30 * G_USEC_PER_SEC;
  g_assert_true (takes (limiter, "newcomer"));

  /* Half a minute refilled one of its two tokens: had it been evicted, it
   * would have two again. */
  g_assert_true (takes (limiter, "old"));
  g_assert_false (takes (limiter, "old"));
}

static void
test_audience_bucket (void)
{
  gint64 now = 0;
  g_autoptr(SseHubRateLimiter) limiter = limiter_at (2, &now);

  sse_hub_rate_limiter_set_audience_rate (limiter, 3);
  g_assert_cmpuint (sse_hub_rate_limiter_get_audience_rate (limiter), ==, 3);

  /* An address past its own rate spends nothing of the shared budget. */
  g_assert_true (takes (limiter, "a"));
  g_assert_true (takes (limiter, "a"));
  g_assert_cmpint (sse_hub_rate_limiter_take (limiter, "a"), ==, SSE_HUB_RATE_KEY_EMPTY);

  /* Many addresses together: three a minute for all of them. */
  g_assert_true (takes (limiter, "b"));
  g_assert_cmpint (sse_hub_rate_limiter_take (limiter, "c"), ==, SSE_HUB_RATE_AUDIENCE_EMPTY);
  g_assert_cmpint (sse_hub_rate_limiter_take (limiter, "d"), ==, SSE_HUB_RATE_AUDIENCE_EMPTY);

  /* A refusal by the shared bucket takes nothing from the address's own,
   * and Retry-After follows the bucket that refused: 3 a minute is 20 s. */
  g_assert_cmpuint (sse_hub_rate_limiter_retry_after (limiter, "c"), ==, 20);
  g_assert_cmpuint (sse_hub_rate_limiter_retry_after (limiter, "a"), ==, 30);
  now += 20 * G_USEC_PER_SEC;
  g_assert_true (takes (limiter, "c"));
  now += 20 * G_USEC_PER_SEC;
  g_assert_true (takes (limiter, "c"));
  g_assert_cmpint (sse_hub_rate_limiter_take (limiter, "c"), ==, SSE_HUB_RATE_KEY_EMPTY);

  /* Without a per-address rate, the shared budget still holds. */
  sse_hub_rate_limiter_set_rate (limiter, 0);
  sse_hub_rate_limiter_set_audience_rate (limiter, 1);
  g_assert_true (takes (limiter, "e"));
  g_assert_cmpint (sse_hub_rate_limiter_take (limiter, "f"), ==, SSE_HUB_RATE_AUDIENCE_EMPTY);
  g_assert_cmpuint (sse_hub_rate_limiter_retry_after (limiter, "f"), ==, 60);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rate-limiter/burst-then-refill", test_burst_then_refill);
  g_test_add_func ("/rate-limiter/keys-are-separate", test_keys_are_separate);
  g_test_add_func ("/rate-limiter/retry-after", test_retry_after);
  g_test_add_func ("/rate-limiter/no-limit", test_no_limit);
  g_test_add_func ("/rate-limiter/table-is-bounded", test_table_is_bounded);
  g_test_add_func ("/rate-limiter/full-buckets-go-first", test_full_buckets_go_first);
  g_test_add_func ("/rate-limiter/audience-bucket", test_audience_bucket);

  return g_test_run ();
}
