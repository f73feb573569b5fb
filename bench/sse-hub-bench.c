/* SPDX-License-Identifier: GPL-3.0-or-later */

/* sse-hub-bench: connects N SSE clients to a hub on 127.0.0.1, posts M
 * persons and reports connect time, fan-out latency, the cost of the
 * `client` events of the connect storm and the hub's memory per client.
 *
 * The client side is one thread of non-blocking sockets on epoll with a few
 * hundred bytes of state per client and no copies of the `client` lists, so
 * that the figures describe the hub rather than the benchmark.  This file
 * holds the loop, the phases of a run and the command line. */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "bench-private.h"

#define MAX_EPOLL_EVENTS    1024

volatile sig_atomic_t bench_interrupted;

void
bench_error (Bench      *b,
             const char *format,
             ...)
{
  va_list args;

  if (b->error_messages++ >= MAX_ERROR_MESSAGES)
    {
      if (b->error_messages == MAX_ERROR_MESSAGES + 1)
        g_printerr ("sse-hub-bench: (further errors are only counted)\n");
      return;
    }

  g_printerr ("sse-hub-bench: ");
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  g_printerr ("\n");
}

void
loop_once (Bench *b,
           int    timeout_ms)
{
  struct epoll_event events[MAX_EPOLL_EVENTS];
  int n = epoll_wait (b->epfd, events, MAX_EPOLL_EVENTS, timeout_ms);

  b->now_us = now_us ();
  if (n < 0)
    {
      if (errno != EINTR)
        g_error ("epoll_wait: %s", g_strerror (errno));
      return;
    }

  for (int i = 0; i < n; i++)
    {
      guint64 tag = events[i].data.u64;

      if (tag == TAG_HUB_STDOUT)
        hub_stdout_readable (b);
      else if (tag > TAG_POST - MAX_POST_CONNECTIONS && tag <= TAG_POST)
        post_event (b, &b->posts[TAG_POST - tag]);
      else
        client_event (b, &b->clients[tag]);
    }

  if (b->spawned && !b->hub_gone)
    reap_hub (b, WNOHANG);
}

static void
interrupt_handler (int signum)
{
  bench_interrupted = signum;
}

/* A vanished hub or Ctrl+C ends the phases early; the report still runs. */
static gboolean
must_stop (Bench *b)
{
  return b->hub_gone || bench_interrupted != 0;
}

static void
phase_connect (Bench *b)
{
  gint64 deadline;

  deadline = now_us () + (gint64) b->connect_timeout_s * G_USEC_PER_SEC;

  while (b->hellos + b->failed < b->n_clients && !must_stop (b))
    {
      /* Keep at most --batch handshakes in flight: more would only overflow
       * the hub's listen backlog and cost SYN retransmits. */
      while (b->next_client < b->n_clients &&
             b->next_client - b->hellos - b->failed < b->batch &&
             client_start (b, &b->clients[b->next_client]))
        b->next_client++;

      if (now_us () >= deadline)
        break;
      loop_once (b, 20);
    }

  for (int i = 0; i < b->n_clients; i++)
    if (!b->clients[i].hello && b->clients[i].state != CLIENT_CLOSED)
      {
        const char *reason = b->clients[i].state == CLIENT_WAITING
                             ? "not started before the connect timeout"
                             : "no hello before the connect timeout";

        client_close (b, &b->clients[i], reason);
      }
}

/* The storm is over when client 0 has received a list naming everybody and
 * no `client` event arrived anywhere for --settle ms. */
static void
phase_settle (Bench *b)
{
  gint64 deadline = now_us () + (gint64) b->connect_timeout_s * G_USEC_PER_SEC;
  guint target = b->hellos - b->dropped;

  while (!must_stop (b) && b->now_us < deadline)
    {
      if (b->list_ids >= target &&
          b->now_us - b->last_client_event_us >= (gint64) b->settle_ms * 1000)
        break;
      loop_once (b, 10);
    }
  b->storm_over = TRUE;
}

/* Closed loop: one post at a time, --gap after each answer. */
static void
posts_one_at_a_time (Bench *b)
{
  PostConnection *post = &b->posts[0];

  for (int k = 0; k < b->n_posts && !must_stop (b); k++)
    {
      gint64 deadline;
      gint64 next;

      post_start (b, post, k);
      deadline = now_us () + (gint64) b->timeout_s * G_USEC_PER_SEC;
      while (b->post_done_us[k] < 0 && !must_stop (b) && b->now_us < deadline)
        loop_once (b, 5);
      if (b->post_done_us[k] < 0)
        {
          bench_error (b, "POST /addPerson #%d: no response within %d s", k, b->timeout_s);
          b->posts_failed++;
          post_close (b, post);
          continue;
        }

      next = b->post_done_us[k] + (gint64) b->gap_ms * 1000;
      while (k + 1 < b->n_posts && !must_stop (b) && b->now_us < next)
        loop_once (b, (int) MAX (1, (next - b->now_us) / 1000));
    }
}

static PostConnection *
idle_post_connection (Bench *b)
{
  for (int i = 0; i < MAX_POST_CONNECTIONS; i++)
    if (b->posts[i].state == POST_IDLE)
      return &b->posts[i];
  return NULL;
}

/* Open loop, as a class posts: --rate posts per second whether or not the
 * earlier ones were answered, each on an idle connection. */
static void
posts_at_rate (Bench *b)
{
  gint64 start = now_us ();
  gint64 deadline;
  int answered = 0;

  for (int k = 0; k < b->n_posts && !must_stop (b); k++)
    {
      gint64 due = start + (gint64) k * G_USEC_PER_SEC / b->rate;
      PostConnection *post;

      while (!must_stop (b) && now_us () < due)
        loop_once (b, (int) MAX (0, (due - now_us ()) / 1000));
      while ((post = idle_post_connection (b)) == NULL && !must_stop (b))
        loop_once (b, 1);
      if (post != NULL)
        post_start (b, post, k);
    }

  deadline = now_us () + (gint64) b->timeout_s * G_USEC_PER_SEC;
  while (!must_stop (b) && b->now_us < deadline)
    {
      answered = 0;
      for (int k = 0; k < b->n_posts; k++)
        answered += b->post_done_us[k] >= 0;
      if (answered == b->n_posts)
        return;
      loop_once (b, 5);
    }
  bench_error (b, "%d POSTs unanswered %d s after the last", b->n_posts - answered,
               b->timeout_s);
  b->posts_failed += b->n_posts - answered;
}

static void
phase_posts (Bench *b)
{
  if (b->rate > 0)
    posts_at_rate (b);
  else
    posts_one_at_a_time (b);
}

static void
phase_drain (Bench *b)
{
  gint64 last_sent = b->posts_sent > 0 ? b->last_post_sent_us : now_us ();
  gint64 deadline = last_sent + (gint64) b->timeout_s * G_USEC_PER_SEC;

  while (!must_stop (b) && b->delivered < expected_deliveries (b) && b->now_us < deadline)
    loop_once (b, 10);
}

static gboolean
check_options (Bench   *b,
               GError **error)
{
  if (b->posters > 0)
    b->n_clients = 0;
  if (b->posters < 0 || b->posters > MAX_POST_CONNECTIONS)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--posters must be from 0 to %d", MAX_POST_CONNECTIONS);
      return FALSE;
    }
  if ((b->n_clients < 1 && b->posters == 0) || b->n_clients > 1000000 || b->n_posts < 1 || b->n_posts > 100000 ||
      b->batch < 1 || b->gap_ms < 0 || b->timeout_s < 1 || b->connect_timeout_s < 1 ||
      b->settle_ms < 0 || b->prefill < 0 || b->rate < 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "-n, -m, --batch and the timeouts must be positive "
                           "(at most 1000000 clients and 100000 posts)");
      return FALSE;
    }
  if (b->url != NULL && b->hub_path != NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--url and --hub exclude each other");
      return FALSE;
    }
  if (b->url != NULL && b->prefill > 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--prefill needs a hub started by the benchmark (no --url)");
      return FALSE;
    }
  if (b->nchan && (b->url == NULL || b->rate > 0 || b->posters > 0))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--nchan needs --url and posts one at a time (no --rate, no --posters)");
      return FALSE;
    }
  if (b->url == NULL && b->hub_pid_option > 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--hub-pid only goes with --url");
      return FALSE;
    }
  return TRUE;
}

/* Clients connect, then the posts go out and reach them. */
static int
run_streams (Bench    *b,
             Measures *m,
             pid_t     measured_pid)
{
  g_print ("sse-hub-bench: connecting %d clients to http://%s/connect...\n", b->n_clients,
           b->host_header);
  phase_connect (b);
  g_print ("sse-hub-bench: %d clients had their hello; waiting for the `client` events to "
           "settle...\n", b->hellos);
  if (b->no_settle)
    b->storm_over = TRUE;
  else
    phase_settle (b);
  m->rss_after_kib = read_rss_kib (measured_pid);
  m->cpu_connected = read_cpu_seconds (measured_pid);
  m->own_cpu_connected = own_cpu_seconds ();

  if (b->hellos > 0 && !must_stop (b))
    {
      g_print ("sse-hub-bench: posting %d persons...\n", b->n_posts);
      phase_posts (b);
      phase_drain (b);
    }
  m->cpu_end = read_cpu_seconds (measured_pid);
  m->own_cpu_end = own_cpu_seconds ();

  if (b->hub_gone)
    g_printerr ("sse-hub-bench: the hub exited during the run\n");
  if (bench_interrupted != 0)
    g_printerr ("sse-hub-bench: interrupted by signal %d\n", (int) bench_interrupted);
  stop_hub (b);
  return report (b, m);
}

static int
run_posting (Bench    *b,
             Measures *m,
             pid_t     measured_pid)
{
  g_print ("sse-hub-bench: %d posters posting %d persons...\n", b->posters, b->n_posts);
  phase_posting (b);
  m->cpu_end = read_cpu_seconds (measured_pid);
  m->own_cpu_end = own_cpu_seconds ();
  if (b->hub_gone)
    g_printerr ("sse-hub-bench: the hub exited during the run\n");
  stop_hub (b);
  return report_posting (b, m);
}

int
main (int   argc,
      char *argv[])
{
  Bench bench = {
    .n_clients = 1000,
    .n_posts = 20,
    .batch = 256,
    .gap_ms = 50,
    .timeout_s = 10,
    .connect_timeout_s = 60,
    .settle_ms = 300,
    .hub_stdout = -1,
    .epfd = -1,
  };
  Bench *b = &bench;
  g_autofree char *transport = NULL;
  const GOptionEntry entries[] = {
    { "clients", 'n', 0, G_OPTION_ARG_INT, &b->n_clients,
      "Number of SSE clients (default 1000)", "N" },
    { "posts", 'm', 0, G_OPTION_ARG_INT, &b->n_posts,
      "Number of persons to post, one at a time (default 20)", "M" },
    { "url", 0, 0, G_OPTION_ARG_STRING, &b->url,
      "Use the hub already running at http://127.0.0.1:PORT instead of starting one", "URL" },
    { "hub", 0, 0, G_OPTION_ARG_FILENAME, &b->hub_path,
      "The sse-hub executable to start (default: ../src/sse-hub next to this program)",
      "PATH" },
    { "hub-pid", 0, 0, G_OPTION_ARG_INT, &b->hub_pid_option,
      "With --url: process id of that hub, to read its memory and CPU time", "PID" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &b->timeout_s,
      "Seconds to wait for deliveries after the last post, and for each POST answer "
      "(default 10)", "SECONDS" },
    { "connect-timeout", 0, 0, G_OPTION_ARG_INT, &b->connect_timeout_s,
      "Seconds allowed for all clients to get their hello, and again for the `client` "
      "events to settle (default 60)", "SECONDS" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &b->batch,
      "Connections in flight at once during the storm (default 256)", "K" },
    { "gap", 0, 0, G_OPTION_ARG_INT, &b->gap_ms,
      "Milliseconds between a POST's answer and the next POST (default 50)", "MS" },
    { "settle", 0, 0, G_OPTION_ARG_INT, &b->settle_ms,
      "Quiet milliseconds without `client` events that end the storm (default 300)", "MS" },
    { "prefill", 0, 0, G_OPTION_ARG_INT, &b->prefill,
      "Persons already on the list when the hub starts (default 0)", "P" },
    { "transport", 0, 0, G_OPTION_ARG_STRING, &transport,
      "sse (default) or ws: every client on a WebSocket (the hub's, or with --nchan nchan's)",
      "sse|ws" },
    { "nchan", 0, 0, G_OPTION_ARG_NONE, &b->nchan,
      "The hub at --url is nginx + nchan (bench/beside-nchan.sh): a client is in at its 200, "
      "each message is one post's body", NULL },
    { "no-settle", 0, 0, G_OPTION_ARG_NONE, &b->no_settle,
      "Post as soon as the last client is in, while the storm's `client` events are still "
      "going out", NULL },
    { "posters", 0, 0, G_OPTION_ARG_INT, &b->posters,
      "Posting mode: no stream clients, P keep-alive connections posting the M persons "
      "as fast as they are answered; reports posts per second per thousand persons listed",
      "P" },
    { "rate", 0, 0, G_OPTION_ARG_INT, &b->rate,
      "Post at R per second without waiting for the answers, as a class does "
      "(default 0: one at a time, --gap apart)", "R" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  Measures m = { -1, -1, -1, -1, -1, 0, 0 };
  pid_t measured_pid;
  rlim_t fd_limit;
  guint tag;
  int status;

  context = g_option_context_new ("- measure an SSE hub with many clients on 127.0.0.1");
  g_option_context_set_summary (context,
    "Starts sse-hub --headless on a free port (or uses --url), connects N SSE clients to\n"
    "/connect, posts M persons to /addPerson and reports connect time, delivery latency\n"
    "from POST to each client (p50/p99/max), deliveries per second, missing deliveries,\n"
    "the bytes of `client` events during the connect storm and the hub's RSS per client.\n"
    "Ends with one line \"RESULT key=value ...\"; exits 1 when anything was lost or failed.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (g_option_context_parse (context, &argc, &argv, &error))
    {
      b->websocket = g_strcmp0 (transport, "ws") == 0;
      if (transport != NULL && !b->websocket && !g_str_equal (transport, "sse"))
        g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "--transport is sse or ws, not %s", transport);
    }
  if (error != NULL || !check_options (b, &error))
    {
      g_printerr ("sse-hub-bench: %s\n", error->message);
      return 2;
    }

  signal (SIGPIPE, SIG_IGN);
  /* No SA_RESTART: epoll_wait returns at once and the run winds down, so
   * that the hub is stopped and its temporary data file removed. */
  {
    struct sigaction action = { .sa_handler = interrupt_handler };

    sigemptyset (&action.sa_mask);
    sigaction (SIGINT, &action, NULL);
    sigaction (SIGTERM, &action, NULL);
  }
  fd_limit = raise_fd_limit ();
  if (fd_limit < (rlim_t) b->n_clients + 64)
    {
      g_printerr ("sse-hub-bench: %d clients need %d descriptors; the limit is %lu "
                  "(raise the hard limit: ulimit -Hn)\n",
                  b->n_clients, b->n_clients + 64, (unsigned long) fd_limit);
      return 2;
    }

  b->address.sin_family = AF_INET;
  b->address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (b->url != NULL)
    {
      if (!parse_url (b, &error))
        {
          g_printerr ("sse-hub-bench: %s\n", error->message);
          return 2;
        }
    }
  else
    {
      if (b->hub_path == NULL)
        b->hub_path = default_hub_path ();
      if (!spawn_hub (b, &error))
        {
          g_printerr ("sse-hub-bench: %s\n", error->message);
          if (b->hub_pid > 0)
            {
              kill (b->hub_pid, SIGKILL);
              reap_hub (b, 0);
            }
          remove_tmp_dir (b);
          return 1;
        }
    }
  measured_pid = b->spawned ? b->hub_pid : b->hub_pid_option;

  b->host_header = g_strdup_printf ("127.0.0.1:%u", ntohs (b->address.sin_port));
  b->connect_request = g_strdup_printf ("GET /connect HTTP/1.1\r\n"
                                        "Host: %s\r\n"
                                        "User-Agent: sse-hub-bench\r\n"
                                        "Accept: text/event-stream\r\n"
                                        "Cache-Control: no-cache\r\n"
                                        "%s\r\n", b->host_header,
                                        b->websocket ? bench_ws_upgrade_headers () : "");
  b->connect_request_len = strlen (b->connect_request);
  b->read_buffer = g_malloc (READ_BUFFER_SIZE);
  b->clients = g_new0 (Client, b->n_clients);
  for (int i = 0; i < b->n_clients; i++)
    {
      b->clients[i].fd = -1;
      b->clients[i].slot = i;
      b->clients[i].bench = b;
    }
  b->latency_us = g_new (gint64, (gsize) b->n_clients * b->n_posts);
  for (gsize i = 0; i < (gsize) b->n_clients * b->n_posts; i++)
    b->latency_us[i] = -1;

  /* A tag per run keeps the names apart from earlier runs on the same hub. */
  tag = g_random_int () & 0xffffff;
  b->needles = g_new0 (char *, b->n_posts + 1);
  b->post_sent_us = g_new (gint64, b->n_posts);
  b->post_done_us = g_new (gint64, b->n_posts);
  b->post_status = g_new0 (int, b->n_posts);
  for (int k = 0; k < b->n_posts; k++)
    {
      b->needles[k] = g_strdup_printf ("\"bench-%06x-%d\"", tag, k);
      b->post_sent_us[k] = -1;
      b->post_done_us[k] = -1;
    }
  b->needle_prefix = g_strdup_printf ("\"bench-%06x-", tag);
  for (int i = 0; i < MAX_POST_CONNECTIONS; i++)
    {
      b->posts[i].tag = TAG_POST - i;
      b->posts[i].fd = -1;
      b->posts[i].request = g_string_new (NULL);
      b->posts[i].response = g_byte_array_new ();
    }

  b->epfd = epoll_create1 (EPOLL_CLOEXEC);
  if (b->epfd < 0)
    g_error ("epoll_create1: %s", g_strerror (errno));
  if (b->hub_stdout >= 0)
    {
      struct epoll_event event = { .events = EPOLLIN, .data.u64 = TAG_HUB_STDOUT };

      epoll_ctl (b->epfd, EPOLL_CTL_ADD, b->hub_stdout, &event);
    }

  if (b->spawned)
    g_print ("sse-hub-bench: started %s (pid %d) on http://%s/\n", b->hub_path,
             (int) b->hub_pid, b->host_header);
  m.rss_before_kib = read_rss_kib (measured_pid);
  m.cpu_start = read_cpu_seconds (measured_pid);
  if (b->posters > 0)
    status = run_posting (b, &m, measured_pid);
  else
    status = run_streams (b, &m, measured_pid);

  for (int i = 0; i < b->n_clients; i++)
    client_close (b, &b->clients[i], "done");
  for (int i = 0; i < MAX_POST_CONNECTIONS; i++)
    post_close (b, &b->posts[i]);
  if (b->hub_stdout >= 0)
    close (b->hub_stdout);
  close (b->epfd);
  remove_tmp_dir (b);

  g_free (b->clients);
  g_free (b->latency_us);
  g_strfreev (b->needles);
  g_free (b->post_sent_us);
  g_free (b->post_done_us);
  g_free (b->post_status);
  g_free (b->needle_prefix);
  for (int i = 0; i < MAX_POST_CONNECTIONS; i++)
    {
      g_string_free (b->posts[i].request, TRUE);
      g_byte_array_unref (b->posts[i].response);
    }
  g_free (b->read_buffer);
  g_free (b->connect_request);
  g_free (b->host_header);
  g_free (b->tmp_dir);
  g_free (b->url);
  g_free (b->hub_path);

  return status;
}
