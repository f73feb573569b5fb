/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Headless mode's refusal lines, on a clock the test drives: one line per
 * kind per second, within a second of the first refusal, every refusal
 * counted, the addresses named.  Kinds are the refusals' own sentences. */
#include "sse-hub-refusal.h"
#include "sse-hub-refusal-summary.h"

#define SECOND G_USEC_PER_SEC

static void
assert_lines (SseHubRefusalSummary *summary,
              gint64                now,
              const char * const   *expected)
{
  g_auto(GStrv) lines = sse_hub_refusal_summary_take_due (summary, now);

  g_assert_cmpstrv (lines, expected);
}

static void
test_quiet_prints_nothing (void)
{
  g_autoptr(SseHubRefusalSummary) summary = sse_hub_refusal_summary_new ();
  const char *none[] = { NULL };

  g_assert_cmpint (sse_hub_refusal_summary_get_next_due (summary), ==, -1);
  assert_lines (summary, 100 * SECOND, none);
}

static void
test_one_line_per_second (void)
{
  g_autoptr(SseHubRefusalSummary) summary = sse_hub_refusal_summary_new ();
  const gint64 start = 50 * SECOND;
  const char *rate = sse_hub_refusal_get_sentence (SSE_HUB_REFUSAL_RATE);
  const char *none[] = { NULL };
  const char *first[] = {
    "posts refused (rate limit per computer): 11 in the last second, from 10.0.0.2", NULL
  };
  const char *second[] = {
    "posts refused (rate limit per computer): 1 in the last second, from 10.0.0.2", NULL
  };

  for (guint i = 0; i < 11; i++)
    sse_hub_refusal_summary_add (summary, rate, "10.0.0.2", start + i * SECOND / 20);

  /* Due one second after the first refusal, not before. */
  g_assert_cmpint (sse_hub_refusal_summary_get_next_due (summary), ==, start + SECOND);
  assert_lines (summary, start + SECOND - 1, none);
  assert_lines (summary, start + SECOND, first);
  g_assert_cmpint (sse_hub_refusal_summary_get_next_due (summary), ==, -1);

  /* The next refusal opens a new window. */
  sse_hub_refusal_summary_add (summary, rate, "10.0.0.2", start + 3 * SECOND);
  assert_lines (summary, start + 4 * SECOND - 1, none);
  assert_lines (summary, start + 4 * SECOND, second);
}

static void
test_kinds_apart (void)
{
  g_autoptr(SseHubRefusalSummary) summary = sse_hub_refusal_summary_new ();
  const char *both[] = {
    "slow clients dropped: 2 in the last second, from 10.0.0.5",
    "requests refused (not addressed to this machine): 1 in the last second",
    NULL
  };

  const char *host = sse_hub_refusal_get_sentence (SSE_HUB_REFUSAL_HOST);

  sse_hub_refusal_summary_add (summary, "slow clients dropped", "10.0.0.5", 0);
  sse_hub_refusal_summary_add (summary, host, NULL, SECOND / 2);
  sse_hub_refusal_summary_add (summary, "slow clients dropped", "10.0.0.5", SECOND / 2);

  assert_lines (summary, 2 * SECOND, both);
}

static void
test_many_addresses (void)
{
  g_autoptr(SseHubRefusalSummary) summary = sse_hub_refusal_summary_new ();
  const char *expected[] = {
    "streams refused (hub full): 42 in the last second, "
    "from 10.0.0.0, 10.0.0.1, 10.0.0.2 and 37 more",
    NULL
  };
  const char *full = sse_hub_refusal_get_sentence (SSE_HUB_REFUSAL_HUB_FULL);

  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *peer = g_strdup_printf ("10.0.0.%u", i);

      sse_hub_refusal_summary_add (summary, full, peer, i);
    }
  /* Repeats count as refusals, not as addresses. */
  sse_hub_refusal_summary_add (summary, full, "10.0.0.1", 100);
  sse_hub_refusal_summary_add (summary, full, "10.0.0.39", 101);

  assert_lines (summary, SECOND, expected);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/refusal-summary/quiet-prints-nothing", test_quiet_prints_nothing);
  g_test_add_func ("/refusal-summary/one-line-per-second", test_one_line_per_second);
  g_test_add_func ("/refusal-summary/kinds-apart", test_kinds_apart);
  g_test_add_func ("/refusal-summary/many-addresses", test_many_addresses);

  return g_test_run ();
}
