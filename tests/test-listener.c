/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The listener survives running out of descriptors: libsoup 3.2 stops
 * accepting for good on an accept() error, the hub must not. */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "hub-test.h"

#define N_WAITING 40
/* Descriptors the hub may take before accept() fails. */
#define SPARE     4

typedef struct
{
  SseHubEventLog *log;
  SseHubLogKind   kind;
  const char     *event_name;
  guint           seen;
} LogWait;

static void
on_entry_added (SseHubEventLog *log,
                SseHubLogEntry *entry,
                LogWait        *wait)
{
  if (sse_hub_log_entry_get_kind (entry) == wait->kind &&
      g_strcmp0 (sse_hub_log_entry_get_event_name (entry), wait->event_name) == 0)
    wait->seen++;
}

static gboolean
log_seen (gpointer data)
{
  return ((LogWait *) data)->seen > 0;
}

static int
highest_open_fd (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *name;
  int highest = -1;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    highest = MAX (highest, atoi (name));

  return highest;
}

static gboolean
all_answered (gpointer data)
{
  GPtrArray *peers = data;

  for (guint i = 0; i < peers->len; i++)
    if (((TestPeer *) g_ptr_array_index (peers, i))->status == 0)
      return FALSE;

  return TRUE;
}

static void
test_recovers_from_descriptor_exhaustion (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(GPtrArray) peers = g_ptr_array_new_with_free_func ((GDestroyNotify) test_peer_free);
  g_autoptr(TestResponse) response = NULL;
  SseHubEventLog *log = sse_hub_server_get_log (hub->server);
  LogWait stalled = { log, SSE_HUB_LOG_REFUSAL, "descriptors", 0 };
  LogWait recovered = { log, SSE_HUB_LOG_NOTICE, "descriptors", 0 };
  g_autofree char *request = g_strdup_printf ("GET / HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                                              "Connection: close\r\n\r\n", hub->port);
  /* Unfinished, so every accepted one holds its descriptor. */
  g_autofree char *unfinished = g_strndup (request, strlen (request) - 2);
  struct rlimit saved, low;

  g_signal_connect (log, "entry-added", G_CALLBACK (on_entry_added), &stalled);
  g_signal_connect (log, "entry-added", G_CALLBACK (on_entry_added), &recovered);

  /* Connections the hub has not accepted yet: they wait in the backlog. */
  for (guint i = 0; i < N_WAITING; i++)
    g_ptr_array_add (peers, test_peer_connect (hub->port, unfinished));

  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &saved), ==, 0);
  low = saved;
  low.rlim_cur = highest_open_fd () + 1 + SPARE;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &low), ==, 0);

  g_assert_true (test_pump_until (log_seen, &stalled, 5000));
  g_assert_false (all_answered (peers));

  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &saved), ==, 0);
  g_assert_true (test_pump_until (log_seen, &recovered, 10000));
  g_assert_cmpuint (stalled.seen, ==, 1);

  /* Every waiting request is served, and new ones too. */
  for (guint i = 0; i < peers->len; i++)
    g_assert_cmpint (g_socket_send (((TestPeer *) g_ptr_array_index (peers, i))->socket,
                                    "\r\n", 2, NULL, NULL), ==, 2);
  g_assert_true (test_pump_until (all_answered, peers, 10000));
  for (guint i = 0; i < peers->len; i++)
    g_assert_cmpuint (((TestPeer *) g_ptr_array_index (peers, i))->status, ==, 200);
  response = test_http_raw (hub->port, request, strlen (request));
  g_assert_cmpuint (response->status, ==, 200);

  g_signal_handlers_disconnect_by_data (log, &stalled);
  g_signal_handlers_disconnect_by_data (log, &recovered);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/listener/recovers-from-descriptor-exhaustion",
                   test_recovers_from_descriptor_exhaustion);

  return g_test_run ();
}
