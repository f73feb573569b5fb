/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>

#include "sse-hub-headless.h"
#include "sse-hub-refusal-summary.h"

/* How long ended streams get to reach their browsers before the process
 * exits. */
#define DRAIN_MS 200

void
sse_hub_headless_options_init (SseHubHeadlessOptions *options)
{
  g_return_if_fail (options != NULL);

  *options = (SseHubHeadlessOptions) {
    .port = SSE_HUB_DEFAULT_PORT,
    .keepalive_seconds = SSE_HUB_DEFAULT_KEEPALIVE_SECONDS,
    .max_clients = SSE_HUB_DEFAULT_MAX_CLIENTS,
    .queue_cap = SSE_HUB_DEFAULT_QUEUE_CAP,
    .rate_limit = SSE_HUB_DEFAULT_RATE_LIMIT,
    .audience_rate_limit = SSE_HUB_DEFAULT_AUDIENCE_RATE_LIMIT,
    .max_streams_per_address = SSE_HUB_DEFAULT_MAX_STREAMS_PER_ADDRESS,
    .max_persons_per_address = SSE_HUB_DEFAULT_MAX_PERSONS_PER_ADDRESS,
    .max_persons = SSE_HUB_PERSON_STORE_DEFAULT_MAX_PERSONS,
  };
}

void
sse_hub_prepare_process (void)
{
  sse_hub_raise_fd_limit ();
  /* A peer that vanishes mid-write must cost an error, not the process. */
  signal (SIGPIPE, SIG_IGN);
}

static gboolean
drained_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
sse_hub_shut_down_hub (SseHubServer  *server,
                       GError       **error)
{
  gboolean drained = FALSE;

  g_return_val_if_fail (SSE_HUB_IS_SERVER (server), FALSE);

  sse_hub_server_stop (server);

  g_timeout_add (DRAIN_MS, drained_cb, &drained);
  while (!drained)
    g_main_context_iteration (NULL, TRUE);

  return sse_hub_person_store_flush (sse_hub_server_get_store (server), error);
}

/* ------------------------------------------------------------------------ */
/* Refusals on stderr                                                       */

/* Headless mode has no log view: refusals, drops and limit hits go to
 * stderr, at most one line per kind per second, so a presenter in a
 * terminal sees an attack without drowning in it. */
typedef struct
{
  SseHubRefusalSummary *summary;
  guint                 source;
  SseHubServer         *server;  /* borrowed; NULL once it stops */
} RefusalReport;

#define TOP_COMPUTERS 3

/* Who holds the streams: what a presenter needs to know to block one. */
static void
print_top_computers (RefusalReport *report)
{
  g_autoptr(GPtrArray) counts = NULL;
  g_autoptr(GString) line = NULL;

  if (report->server == NULL)
    return;
  counts = sse_hub_server_dup_computer_streams (report->server);
  if (counts->len == 0)
    return;

  line = g_string_new ("sse-hub: most streams:");
  for (guint i = 0; i < MIN (counts->len, TOP_COMPUTERS); i++)
    {
      SseHubComputerStreams *streams = g_ptr_array_index (counts, i);

      g_string_append_printf (line, "%s %s (%u)", i > 0 ? "," : "", streams->computer,
                              streams->streams);
    }
  if (counts->len > TOP_COMPUTERS)
    g_string_append_printf (line, ", %u more computers", counts->len - TOP_COMPUTERS);
  g_printerr ("%s\n", line->str);
}

static void schedule_report (RefusalReport *report);

static void
print_due_lines (RefusalReport *report,
                 gint64         now)
{
  g_auto(GStrv) lines = sse_hub_refusal_summary_take_due (report->summary, now);

  for (guint i = 0; lines[i] != NULL; i++)
    g_printerr ("sse-hub: %s\n", lines[i]);
  if (lines[0] != NULL)
    print_top_computers (report);
}

static gboolean
report_due_cb (gpointer user_data)
{
  RefusalReport *report = user_data;

  report->source = 0;
  print_due_lines (report, g_get_monotonic_time ());
  schedule_report (report);

  return G_SOURCE_REMOVE;
}

static void
schedule_report (RefusalReport *report)
{
  gint64 due = sse_hub_refusal_summary_get_next_due (report->summary);

  if (report->source != 0 || due < 0)
    return;

  report->source = g_timeout_add (MAX (due - g_get_monotonic_time (), 0) / 1000 + 1,
                                  report_due_cb, report);
}

static void
count (RefusalReport *report,
       const char    *what,
       const char    *peer)
{
  sse_hub_refusal_summary_add (report->summary, what, peer, g_get_monotonic_time ());
  schedule_report (report);
}

/* Untranslated: the lines are for terminals and scripts. */
static void
on_refused (SseHubServer  *server,
            SseHubPeer    *peer,
            SseHubRefusal  reason,
            const char    *field,
            const char    *path,
            RefusalReport *report)
{
  count (report, sse_hub_refusal_get_sentence (reason), sse_hub_peer_get_host (peer));
}

/* What the hub drops or stalls on without a request to refuse. */
static void
on_log_entry_added (SseHubEventLog *log,
                    SseHubLogEntry *entry,
                    RefusalReport  *report)
{
  g_autofree char *sentence = NULL;

  switch (sse_hub_log_entry_get_event (entry))
    {
    case SSE_HUB_LOG_EVENT_SLOW_CLIENT:
      count (report, "slow clients dropped", sse_hub_log_entry_get_peer (entry));
      break;
    case SSE_HUB_LOG_EVENT_DESCRIPTORS_OUT:
      count (report, "out of file descriptors, new connections wait", NULL);
      break;
    case SSE_HUB_LOG_EVENT_ACCEPT_FAILED:
      count (report, "accepting a connection failed", NULL);
      break;
    case SSE_HUB_LOG_EVENT_ACCEPTING_AGAIN:
      /* The end of a listener stall, reported once per stall. */
      sentence = sse_hub_log_entry_dup_sentence (entry, FALSE);
      g_printerr ("sse-hub: %s\n", sentence);
      break;
    default:
      break;
    }
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

int
sse_hub_headless_run (const SseHubHeadlessOptions *options)
{
  /* Before the server: freed after it, whose last entries it may see. */
  g_autoptr(SseHubRefusalSummary) summary = sse_hub_refusal_summary_new ();
  RefusalReport report = { summary, 0, NULL };
  g_autoptr(SseHubPersonStore) store = NULL;
  g_autoptr(SseHubServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *default_path = NULL;
  g_auto(GStrv) urls = NULL;
  guint sigint_source, sigterm_source;

  g_return_val_if_fail (options != NULL, 1);

  sse_hub_prepare_process ();

  if (options->data_file == NULL)
    default_path = sse_hub_person_store_default_path ();
  store = sse_hub_person_store_new (options->data_file != NULL ? options->data_file : default_path);
  sse_hub_person_store_set_max_persons (store, options->max_persons);
  if (!sse_hub_person_store_load (store, &error))
    {
      g_printerr ("sse-hub: %s\n", error->message);
      return 1;
    }

  server = sse_hub_server_new (store);
  g_object_set (server,
                "port", options->port,
                "bind-address", options->bind_address,
                "keepalive-interval", options->keepalive_seconds,
                "max-clients", options->max_clients,
                "queue-cap", options->queue_cap,
                "rate-limit", options->rate_limit,
                "audience-rate-limit", options->audience_rate_limit,
                "max-streams-per-address", options->max_streams_per_address,
                "max-persons-per-address", options->max_persons_per_address,
                "allow-audience-writes", !options->read_only,
                NULL);
  g_signal_connect (sse_hub_server_get_log (server), "entry-added",
                    G_CALLBACK (on_log_entry_added), &report);
  g_signal_connect (server, "refused", G_CALLBACK (on_refused), &report);
  report.server = server;

  if (!sse_hub_server_start (server, &error))
    {
      g_printerr ("sse-hub: %s\n", error->message);
      return 1;
    }

  /* The first line is for scripts and tests (port 0 picks a free port);
   * it stays untranslated on purpose. */
  g_print ("sse-hub: listening on port %u\n", sse_hub_server_get_bound_port (server));
  urls = sse_hub_server_dup_urls (server);
  for (guint i = 0; urls[i] != NULL; i++)
    g_print ("  %s\n", urls[i]);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint_source = g_unix_signal_add (SIGINT, quit_cb, loop);
  sigterm_source = g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint_source);
  g_source_remove (sigterm_source);
  g_signal_handlers_disconnect_by_data (sse_hub_server_get_log (server), &report);
  g_signal_handlers_disconnect_by_data (server, &report);
  g_clear_handle_id (&report.source, g_source_remove);
  report.server = NULL;
  /* Windows still open at the end are told too. */
  print_due_lines (&report, G_MAXINT64);

  if (!sse_hub_shut_down_hub (server, &error))
    {
      g_printerr ("sse-hub: %s\n", error->message);
      return 1;
    }

  g_print ("sse-hub: stopped\n");
  return 0;
}
