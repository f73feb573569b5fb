/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sse-hub-rate-limiter.h"

/* Time moves only when a test says so. */
static gint64
fake_clock (gpointer user_data)
{
  return *(gint64 *) user_data;
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
    g_assert_true (sse_hub_rate_limiter_take (limiter, "a"));
  g_assert_false (sse_hub_rate_limiter_take (limiter, "a"));

  /* 30 a minute is one token every two seconds. */
  now += 1999999;
  g_assert_false (sse_hub_rate_limiter_take (limiter, "a"));
  now += 1;
  g_assert_true (sse_hub_rate_limiter_take (limiter, "a"));
  g_assert_false (sse_hub_rate_limiter_take (limiter, "a"));

  /* Refilling stops at the bucket's size. */
  now += (gint64) 3600 * G_USEC_PER_SEC;
  for (guint i = 0; i < 30; i++)
    g_assert_true (sse_hub_rate_limiter_take (limiter, "a"));
  g_assert_false (sse_hub_rate_limiter_take (limiter, "a"));
}

static void
test_keys_are_separate (void)
{
  gint64 now = 0;
  g_autoptr(SseHubRateLimiter) limiter = limiter_at (1, &now);

  g_assert_true (sse_hub_rate_limiter_take (limiter, "a"));
  g_assert_false (sse_hub_rate_limiter_take (limiter, "a"));
  g_assert_true (sse_hub_rate_limiter_take (limiter, "b"));
}

static void
test_retry_after (void)
{
  gint64 now = 0;
  g_autoptr(SseHubRateLimiter) limiter = limiter_at (30, &now);

  /* Unknown keys and keys with tokens left may retry at once: 1 s at least. */
  g_assert_cmpuint (sse_hub_rate_limiter_retry_after (limiter, "a"), ==, 1);
  while (sse_hub_rate_limiter_take (limiter, "a"))
    ;
  g_assert_cmpuint (sse_hub_rate_limiter_retry_after (limiter, "a"), ==, 2);

  /* Rounded up, never down. */
  now += 500000;
  g_assert_cmpuint (sse_hub_rate_limiter_retry_after (limiter, "a"), ==, 2);
  now += 600000;
  g_assert_cmpuint (sse_hub_rate_limiter_retry_after (limiter, "a"), ==, 1);

  /* Asking does not spend or refill anything. */
  g_assert_false (sse_hub_rate_limiter_take (limiter, "a"));
  now += G_USEC_PER_SEC;
  g_assert_true (sse_hub_rate_limiter_take (limiter, "a"));

  /* Slow rates wait long: 2 a minute is 30 s per token. */
  sse_hub_rate_limiter_set_rate (limiter, 2);
  g_assert_true (sse_hub_rate_limiter_take (limiter, "slow"));
  g_assert_true (sse_hub_rate_limiter_take (limiter, "slow"));
  g_assert_cmpuint (sse_hub_rate_limiter_retry_after (limiter, "slow"), ==, 30);
}

static void
test_no_limit (void)
{
  gint64 now = 0;
  g_autoptr(SseHubRateLimiter) limiter = limiter_at (0, &now);

  for (guint i = 0; i < 10000; i++)
    g_assert_true (sse_hub_rate_limiter_take (limiter, "a"));
  g_assert_cmpuint (sse_hub_rate_limiter_get_rate (limiter), ==, 0);
  g_assert_cmpuint (sse_hub_rate_limiter_retry_after (limiter, "a"), ==, 1);
}

static void
test_table_is_bounded (void)
{
  gint64 now = 0;
  g_autoptr(SseHubRateLimiter) limiter = limiter_at (1, &now);

  g_assert_true (sse_hub_rate_limiter_take (limiter, "first"));
  g_assert_false (sse_hub_rate_limiter_take (limiter, "first"));

  /* A flood of new addresses empties the table rather than growing it,
   * so the first address starts over with a full bucket. */
  for (guint i = 0; i < 4096; i++)
    {
      g_autofree char *key = g_strdup_printf ("10.0.%u.%u", i / 256, i % 256);

      g_assert_true (sse_hub_rate_limiter_take (limiter, key));
    }
  g_assert_true (sse_hub_rate_limiter_take (limiter, "first"));
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

  return g_test_run ();
}
