/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Posting mode (--posters P): no stream clients, P keep-alive connections
 * each posting the next person as soon as the last was answered, and the
 * accepted posts per second for each thousand persons on the list, to see
 * whether a post costs more as the list grows. */

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "bench-private.h"

void
phase_posting (Bench *b)
{
  gint64 last_progress = now_us ();
  int next = 0;
  int answered = 0;

  b->posting_start_us = now_us ();
  while (b->hub_gone == FALSE && bench_interrupted == 0)
    {
      int done = 0;

      for (int i = 0; i < b->posters && next < b->n_posts; i++)
        if (b->posts[i].state == POST_IDLE)
          post_start (b, &b->posts[i], next++);

      for (int k = 0; k < next; k++)
        done += b->post_done_us[k] >= 0;
      if (done > answered)
        {
          answered = done;
          last_progress = b->now_us;
        }
      if (answered == b->n_posts)
        return;
      if (b->now_us - last_progress > (gint64) b->timeout_s * G_USEC_PER_SEC)
        {
          bench_error (b, "no POST answered for %d s; %d of %d answered", b->timeout_s,
                       answered, b->n_posts);
          b->posts_failed += b->n_posts - answered;
          return;
        }
      loop_once (b, 5);
    }
}

static int
compare_gint64 (const void *x,
                const void *y)
{
  gint64 a = *(const gint64 *) x;
  gint64 c = *(const gint64 *) y;

  return (a > c) - (a < c);
}

/* The list holds prefill + i persons when the i-th accepted answer arrives
 * (in the order they arrived); a thousand's rate is the answers while the
 * list was in it over the time from the previous thousand's last answer to
 * its own last. */
int
report_posting (Bench          *b,
                const Measures *m)
{
  g_autofree gint64 *done = g_new (gint64, b->n_posts + 1);
  g_autofree gint64 *round_trips = g_new (gint64, b->n_posts + 1);
  g_autoptr(GString) rates = g_string_new (NULL);
  int n = 0;
  gint64 since;
  gboolean ok;

  for (int k = 0; k < b->n_posts; k++)
    if (b->post_status[k] >= 200 && b->post_status[k] < 300)
      {
        done[n] = b->post_done_us[k];
        round_trips[n++] = b->post_done_us[k] - b->post_sent_us[k];
      }
  qsort (done, n, sizeof (gint64), compare_gint64);
  qsort (round_trips, n, sizeof (gint64), compare_gint64);

  g_print ("\nsse-hub-bench: posting mode, %d keep-alive posters, %d posts, hub on %s%s\n",
           b->posters, b->n_posts, b->host_header, b->spawned ? " (started by the benchmark)" : "");
  since = b->posting_start_us;
  for (int first = 0; first < n;)
    {
      int thousand = (b->prefill + first) / 1000;
      int last = first;
      double rate;

      while (last + 1 < n && (b->prefill + last + 1) / 1000 == thousand)
        last++;
      rate = done[last] > since ? (last - first + 1) * 1e6 / (done[last] - since) : 0;
      g_print ("  %d-%dk persons listed: %d posts accepted, %.0f per second\n", thousand,
               thousand + 1, last - first + 1, rate);
      g_string_append_printf (rates, " posts_per_s_%dk=%.0f", thousand, rate);
      since = done[last];
      first = last + 1;
    }
  if (n > 0)
    g_print ("  overall      %.0f accepted posts per second; answered in p50 %.1f ms, "
             "p99 %.1f ms\n",
             n * 1e6 / (done[n - 1] - b->posting_start_us),
             round_trips[n / 2] / 1000.0, round_trips[MIN (n - 1, n * 99 / 100)] / 1000.0);
  if (m->cpu_start >= 0 && m->cpu_end >= 0)
    g_print ("  cpu          hub %.2f s; benchmark %.2f s\n", m->cpu_end - m->cpu_start,
             m->own_cpu_end);

  ok = bench_interrupted == 0 && b->posts_failed == 0 && n == b->n_posts &&
       (!b->spawned || b->hub_exit_status == 0);
  g_print ("RESULT posters=%d posts=%d accepted=%d prefill=%d%s ok=%d\n", b->posters, b->n_posts,
           n, b->prefill, rates->str, ok ? 1 : 0);
  return ok ? 0 : 1;
}
