/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "Stopped reading" means it: a reader still taking bytes is not dropped
 * for a burst of named events past the cap, while one whose backlog goes
 * undrained is, and the log gives the figures. */
#include <string.h>

#include "hub-test.h"

#define CAP     (64 * 1024)
#define N_BURST 100

static guint
n_clients (TestHub *hub)
{
  return g_list_model_get_n_items (sse_hub_server_get_clients (hub->server));
}

typedef struct
{
  TestPeer *peer;
  guint     wanted;
} Burst;

static gboolean
burst_received (gpointer data)
{
  Burst *burst = data;

  return test_peer_count_events (burst->peer, "burst") >= burst->wanted || burst->peer->closed;
}

static void
test_draining_reader_kept (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) reader = NULL;
  g_autofree char *payload = g_strnfill (4096, 'b');
  Burst burst = { NULL, N_BURST };

  g_object_set (hub->server, "queue-cap", CAP, NULL);
  reader = test_peer_open_stream_small_window (hub->port);
  test_peer_hello_id (reader);
  burst.peer = reader;

  /* 400 KiB of events at once, six caps: more than the kernel takes in one
   * go, so most of it waits in the hub while the reader catches up. */
  for (guint i = 0; i < N_BURST; i++)
    sse_hub_server_publish (hub->server, SSE_HUB_LOG_NOTICE, "burst", NULL, payload);
  g_assert_cmpuint (n_clients (hub), ==, 1);

  g_assert_true (test_pump_until (burst_received, &burst, 10000));
  g_assert_false (reader->closed);
  g_assert_cmpuint (test_peer_count_events (reader, "burst"), ==, N_BURST);
  g_assert_cmpuint (n_clients (hub), ==, 1);
}

static void
test_undrained_reader_dropped (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) stalled = NULL;
  g_autofree char *payload = g_strnfill (4096, 's');
  GListModel *log;
  const char *text = NULL;

  g_object_set (hub->server, "queue-cap", CAP, NULL);
  stalled = test_peer_open_stream_small_window (hub->port);
  test_peer_hello_id (stalled);
  stalled->reading = FALSE;

  /* Under the cap but never taken: dropped once it sat a while. */
  for (guint i = 0; i < 200 && n_clients (hub) == 1; i++)
    {
      sse_hub_server_publish (hub->server, SSE_HUB_LOG_NOTICE, "bulk", NULL, payload);
      test_pump (20);
    }
  g_assert_cmpuint (n_clients (hub), ==, 0);

  log = G_LIST_MODEL (sse_hub_server_get_log (hub->server));
  sse_hub_event_log_flush (sse_hub_server_get_log (hub->server));
  for (guint i = 0; i < g_list_model_get_n_items (log) && text == NULL; i++)
    {
      g_autoptr(SseHubLogEntry) entry = g_list_model_get_item (log, i);

      if (sse_hub_log_entry_get_event (entry) == SSE_HUB_LOG_EVENT_SLOW_CLIENT)
        text = test_log_entry_read (entry);
    }
  g_assert_nonnull (text);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "stopped reading"));
  g_assert_nonnull (strstr (text, "nothing taken for"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/draining/reader-kept", test_draining_reader_kept);
  g_test_add_func ("/draining/undrained-reader-dropped", test_undrained_reader_dropped);

  return g_test_run ();
}
