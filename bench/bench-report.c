/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The figures of a run, for people and, on the last line, for scripts. */

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "bench-private.h"

guint64
expected_deliveries (Bench *b)
{
  return (guint64) b->hellos * b->posts_ok;
}

static int
compare_gint64 (const void *a,
                const void *b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted values, in milliseconds. */
static double
percentile_ms (const gint64 *sorted,
               gsize         n,
               double        p)
{
  gsize rank;

  if (n == 0)
    return 0;
  rank = (gsize) (p * n + 0.999999);
  rank = CLAMP (rank, 1, n);
  return sorted[rank - 1] / 1000.0;
}

static guint
count_duplicate_ids (Bench *b)
{
  g_autofree gint64 *ids = g_new (gint64, b->n_clients);
  gsize n = 0;
  guint duplicates = 0;

  for (int i = 0; i < b->n_clients; i++)
    if (b->clients[i].hello)
      ids[n++] = (gint64) b->clients[i].hub_id;
  qsort (ids, n, sizeof *ids, compare_gint64);
  for (gsize i = 1; i < n; i++)
    duplicates += ids[i] == ids[i - 1];
  return duplicates;
}

int
report (Bench          *b,
        const Measures *m)
{
  g_autofree gint64 *latencies = g_new (gint64, (gsize) b->n_clients * b->n_posts + 1);
  g_autofree gint64 *hello_latencies = g_new (gint64, b->n_clients + 1);
  g_autofree gint64 *fanout = g_new (gint64, b->n_posts + 1);
  g_autofree gint64 *round_trips = g_new (gint64, b->n_posts + 1);
  gsize n_latencies = 0, n_hello = 0, n_fanout = 0, n_round_trips = 0;
  guint64 expected = expected_deliveries (b);
  guint64 missing = expected - MIN (expected, b->delivered);
  double connect_ms = b->hellos > 0 ? (b->last_hello_us - b->first_connect_us) / 1000.0 : 0;
  double list_ms = b->list_ids_us > 0 ? (b->list_ids_us - b->first_connect_us) / 1000.0 : -1;
  double rss_per_client = -1;
  double deliveries_per_s = 0;
  guint duplicate_ids = count_duplicate_ids (b);
  int final_holders = 0;
  gint64 last_final_us = 0;
  double final_ms;
  gboolean ok;

  for (int i = 0; i < b->n_clients; i++)
    {
      const Client *c = &b->clients[i];

      if (c->hello)
        hello_latencies[n_hello++] = c->hello_us - c->connect_us;
      for (int k = 0; k < b->n_posts; k++)
        if (b->latency_us[(gsize) i * b->n_posts + k] >= 0)
          latencies[n_latencies++] = b->latency_us[(gsize) i * b->n_posts + k];
    }
  for (int k = 0; k < b->n_posts; k++)
    {
      gint64 slowest = -1;

      if (b->post_status[k] != 200)
        continue;
      round_trips[n_round_trips++] = b->post_done_us[k] - b->post_sent_us[k];
      for (int i = 0; i < b->n_clients; i++)
        slowest = MAX (slowest, b->latency_us[(gsize) i * b->n_posts + k]);
      if (slowest >= 0)
        fanout[n_fanout++] = slowest;
    }
  /* Holding the final list: every post has arrived at that client. */
  for (int i = 0; i < b->n_clients; i++)
    if (b->clients[i].hello && b->clients[i].final_us > 0)
      {
        final_holders++;
        last_final_us = MAX (last_final_us, b->clients[i].final_us);
      }
  final_ms = last_final_us > 0 ? (last_final_us - b->last_post_sent_us) / 1000.0 : -1;
  qsort (latencies, n_latencies, sizeof (gint64), compare_gint64);
  qsort (hello_latencies, n_hello, sizeof (gint64), compare_gint64);
  qsort (fanout, n_fanout, sizeof (gint64), compare_gint64);
  qsort (round_trips, n_round_trips, sizeof (gint64), compare_gint64);

  if (m->rss_before_kib >= 0 && m->rss_after_kib >= 0 && b->hellos > 0)
    rss_per_client = (double) (m->rss_after_kib - m->rss_before_kib) / b->hellos;
  if (b->delivered > 0 && b->last_delivery_us > b->post_sent_us[0])
    deliveries_per_s = b->delivered * 1e6 / (b->last_delivery_us - b->post_sent_us[0]);

  g_print ("\n");
  g_print ("sse-hub-bench: %d clients, %d posts, hub on %s%s\n", b->n_clients, b->n_posts,
           b->host_header, b->spawned ? " (started by the benchmark)" : "");
  g_print ("  connect      %d of %d clients had their hello %.1f ms after the first connect()\n",
           b->hellos, b->n_clients, connect_ms);
  g_print ("               per client: p50 %.1f ms, p99 %.1f ms, max %.1f ms "
           "(--batch %d in flight)\n",
           percentile_ms (hello_latencies, n_hello, 0.50),
           percentile_ms (hello_latencies, n_hello, 0.99),
           percentile_ms (hello_latencies, n_hello, 1.0), b->batch);
  if (b->connect_retries > 0)
    g_print ("               connect() said EAGAIN %u times (retried)\n", b->connect_retries);
  if (b->failed > 0 || b->dropped > 0 || duplicate_ids > 0)
    g_print ("               FAILED %d before hello, LOST %d after hello, %u duplicate ids\n",
             b->failed, b->dropped, duplicate_ids);
  if (list_ms >= 0)
    g_print ("  membership   client 0 last got a list of %u ids %.1f ms after the first "
             "connect()\n",
             b->list_ids, list_ms);
  g_print ("  storm cost   %" G_GUINT64_FORMAT " `client` frames, %" G_GUINT64_FORMAT
           " bytes (%.2f MB, %.1f frames per client)\n",
           b->storm_client_frames, b->storm_client_bytes, b->storm_client_bytes / 1e6,
           b->hellos > 0 ? (double) b->storm_client_frames / b->hellos : 0);
  if (rss_per_client >= 0)
    g_print ("  hub memory   RSS %.1f MiB idle, %.1f MiB with the clients: %.1f KiB per client\n",
             m->rss_before_kib / 1024.0, m->rss_after_kib / 1024.0, rss_per_client);
  else
    g_print ("  hub memory   not measured (give --hub-pid with --url)\n");
  g_print ("  fan-out      %d posts (%d failed) x %d clients: %" G_GUINT64_FORMAT " of %"
           G_GUINT64_FORMAT " deliveries, %" G_GUINT64_FORMAT " missing\n",
           b->posts_sent, b->posts_failed, b->hellos, b->delivered, expected, missing);
  g_print ("  latency      POST sent -> person parsed by a client: p50 %.1f ms, p99 %.1f ms, "
           "max %.1f ms\n",
           percentile_ms (latencies, n_latencies, 0.50),
           percentile_ms (latencies, n_latencies, 0.99),
           percentile_ms (latencies, n_latencies, 1.0));
  g_print ("               last client of a post: p50 %.1f ms, max %.1f ms; "
           "POST answered in p50 %.1f ms, max %.1f ms\n",
           percentile_ms (fanout, n_fanout, 0.50), percentile_ms (fanout, n_fanout, 1.0),
           percentile_ms (round_trips, n_round_trips, 0.50),
           percentile_ms (round_trips, n_round_trips, 1.0));
  g_print ("  final list   %d of %d clients hold it (%d dropped), the last %.1f ms after "
           "the last POST (%d persons before, %s)\n",
           final_holders, b->hellos, b->dropped, final_ms, b->prefill,
           b->rate > 0 ? "posted at --rate" : "one post at a time");
  g_print ("  throughput   %.0f deliveries/s from the first POST to the last delivery "
           "(%d ms between posts)\n", deliveries_per_s, b->gap_ms);
  if (b->protocol_errors > 0 || b->revision_errors > 0)
    g_print ("  PROTOCOL     %u stream errors, %u ids not a growing number\n",
             b->protocol_errors, b->revision_errors);
  if (b->late_client_frames > 0)
    g_print ("  later        %" G_GUINT64_FORMAT " `client` frames (%" G_GUINT64_FORMAT
             " bytes) after the storm\n", b->late_client_frames, b->late_client_bytes);
  if (m->cpu_start >= 0 && m->cpu_end >= 0)
    g_print ("  cpu          hub %.2f s for the storm, %.2f s for the posts; "
             "benchmark %.2f s + %.2f s\n",
             m->cpu_connected - m->cpu_start, m->cpu_end - m->cpu_connected,
             m->own_cpu_connected, m->own_cpu_end - m->own_cpu_connected);
  if (b->spawned && b->hub_exit_status != 0)
    g_print ("  HUB EXIT     %s %d\n",
             WIFSIGNALED (b->hub_exit_status) ? "killed by signal" : "status",
             WIFSIGNALED (b->hub_exit_status) ? WTERMSIG (b->hub_exit_status)
                                              : WEXITSTATUS (b->hub_exit_status));

  ok = bench_interrupted == 0 && b->failed == 0 && b->dropped == 0 && missing == 0 &&
       b->posts_failed == 0 && b->posts_sent == b->n_posts && b->protocol_errors == 0 &&
       b->revision_errors == 0 && duplicate_ids == 0 && (!b->spawned || b->hub_exit_status == 0);

  g_print ("RESULT clients=%d connected=%d connect_ms=%.1f hello_p99_ms=%.1f posts=%d "
           "deliveries=%" G_GUINT64_FORMAT " missing=%" G_GUINT64_FORMAT
           " p50_ms=%.1f p99_ms=%.1f max_ms=%.1f deliveries_per_s=%.0f"
           " client_event_bytes=%" G_GUINT64_FORMAT " client_event_frames=%" G_GUINT64_FORMAT
           " rss_kib_per_client=%.1f prefill=%d rate=%d dropped=%d final_list=%d"
           " final_ms=%.1f ok=%d\n",
           b->n_clients, b->hellos, connect_ms, percentile_ms (hello_latencies, n_hello, 0.99),
           b->posts_ok, b->delivered, missing,
           percentile_ms (latencies, n_latencies, 0.50),
           percentile_ms (latencies, n_latencies, 0.99),
           percentile_ms (latencies, n_latencies, 1.0),
           deliveries_per_s, b->storm_client_bytes, b->storm_client_frames, rss_per_client,
           b->prefill, b->rate, b->dropped, final_holders, final_ms, ok ? 1 : 0);

  return ok ? 0 : 1;
}
