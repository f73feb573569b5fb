/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The fan-out: its streams come and go through signals and n-clients, the
 * access rules free a slot through those signals, and in a connect storm
 * the id lists never hold up a list or arrive cut. */
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hub-test.h"
#include "sse-hub-fanout.h"

/* ------------------------------------------------------------------------ */
/* A fan-out on its own, with streams over socket pairs                     */

typedef struct
{
  SseHubFanout *fanout;
  GPtrArray    *added;     /* SseHubClient (ref) */
  GPtrArray    *removed;   /* SseHubClient (ref) */
  guint         notifies;
} Watch;

static void
on_added (SseHubFanout *fanout,
          SseHubClient *client,
          Watch        *watch)
{
  g_ptr_array_add (watch->added, g_object_ref (client));
}

static void
on_removed (SseHubFanout *fanout,
            SseHubClient *client,
            Watch        *watch)
{
  /* Off the books before anyone hears of it. */
  g_assert_cmpuint (sse_hub_fanout_get_n_clients (fanout), ==, watch->added->len -
                    watch->removed->len - 1);
  g_ptr_array_add (watch->removed, g_object_ref (client));
}

static void
on_notify (SseHubFanout *fanout,
           GParamSpec   *pspec,
           Watch        *watch)
{
  watch->notifies++;
}

/* A stream whose far end is returned as a plain descriptor. */
static SseHubClient *
pair_client (guint64  id,
             int     *far_end)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  socket = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  connection = g_socket_connection_factory_create_connection (socket);
  *far_end = fds[1];

  return sse_hub_client_new (id, "127.0.0.1", "test", G_IO_STREAM (connection), socket);
}

/* Everything the far end can read now, appended to bytes. */
static void
drain (int      fd,
       GString *bytes)
{
  char buffer[65536];
  ssize_t n;

  while ((n = recv (fd, buffer, sizeof buffer, MSG_DONTWAIT)) > 0)
    g_string_append_len (bytes, buffer, n);
}

static gboolean
removed_count_is (gpointer data)
{
  Watch *watch = data;

  return watch->removed->len == 1;
}

static void
test_signals_and_n_clients (void)
{
  g_autoptr(SseHubPersonStore) store = sse_hub_person_store_new (NULL);
  g_autoptr(SseHubEventLog) log = sse_hub_event_log_new (100);
  Watch watch = { 0 };
  SseHubClient *first;
  SseHubClient *second;
  int far[2];
  g_autoptr(GError) error = NULL;

  watch.fanout = sse_hub_fanout_new (store, log);
  watch.added = g_ptr_array_new_with_free_func (g_object_unref);
  watch.removed = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (watch.fanout, "stream-added", G_CALLBACK (on_added), &watch);
  g_signal_connect (watch.fanout, "stream-removed", G_CALLBACK (on_removed), &watch);
  g_signal_connect (watch.fanout, "notify::n-clients", G_CALLBACK (on_notify), &watch);
  g_assert_true (sse_hub_fanout_start (watch.fanout, &error));
  g_assert_no_error (error);

  first = pair_client (1, &far[0]);
  second = pair_client (2, &far[1]);
  sse_hub_fanout_add (watch.fanout, first);
  sse_hub_fanout_add (watch.fanout, second);
  g_assert_cmpuint (watch.added->len, ==, 2);
  g_assert_true (watch.added->pdata[0] == first);
  g_assert_cmpuint (watch.notifies, ==, 2);
  g_assert_cmpuint (sse_hub_fanout_get_n_clients (watch.fanout), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (sse_hub_fanout_get_clients (watch.fanout)), ==, 2);

  /* A browser that hangs up is noticed without any write. */
  close (far[0]);
  g_assert_true (test_pump_until (removed_count_is, &watch, 5000));
  g_assert_true (watch.removed->pdata[0] == first);
  g_assert_cmpuint (sse_hub_fanout_get_n_clients (watch.fanout), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (sse_hub_fanout_get_clients (watch.fanout)), ==, 1);

  /* Stopping ends every stream, and says so for each. */
  sse_hub_fanout_stop (watch.fanout);
  g_assert_cmpuint (watch.removed->len, ==, 2);
  g_assert_true (watch.removed->pdata[1] == second);
  g_assert_cmpuint (sse_hub_fanout_get_n_clients (watch.fanout), ==, 0);
  g_assert_cmpuint (watch.notifies, ==, 4);
  close (far[1]);

  g_clear_pointer (&watch.added, g_ptr_array_unref);
  g_clear_pointer (&watch.removed, g_ptr_array_unref);
  g_assert_finalize_object (watch.fanout);
  g_assert_finalize_object (first);
  g_assert_finalize_object (second);
}

/* A stream that stopped reading has an id list queued when a new person
 * list is published: the list goes ahead of it. */
static void
test_list_passes_queued_ids (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(SseHubEventLog) log = sse_hub_event_log_new (100);
  g_autoptr(SseHubFanout) fanout = sse_hub_fanout_new (hub->store, log);
  g_autoptr(SseHubClient) stalled = NULL;
  g_autoptr(SseHubClient) newcomer = NULL;
  g_autoptr(GString) bytes = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *filler = g_strnfill (4000, 'x');
  g_autofree char *list_id = NULL;
  const char *list_at;
  const char *ids_at;
  int far[2];

  g_assert_true (sse_hub_fanout_start (fanout, &error));
  stalled = pair_client (1, &far[0]);
  sse_hub_fanout_add (fanout, stalled);

  /* Named events until the socket is full and frames wait in the hub. */
  while (sse_hub_client_get_bytes_queued (stalled) == 0)
    sse_hub_fanout_publish (fanout, SSE_HUB_LOG_NOTICE, "filler", NULL, filler);

  /* A newcomer's `client` event is queued behind them, then a change. */
  newcomer = pair_client (2, &far[1]);
  sse_hub_fanout_add (fanout, newcomer);
  test_pump (400);
  drain (far[1], bytes);
  g_assert_nonnull (strstr (bytes->str, "event: client\ndata: [1,2]\n"));
  g_string_truncate (bytes, 0);
  test_hub_add (hub, "after the storm", 30);
  sse_hub_fanout_revision_changed (fanout);
  test_pump (50);

  /* The reader comes back. */
  for (guint i = 0; i < 200 && strstr (bytes->str, "event: client") == NULL; i++)
    {
      drain (far[0], bytes);
      test_pump (5);
    }
  list_id = g_strdup_printf ("id: %" G_GUINT64_FORMAT "\n",
                             sse_hub_person_store_get_revision (hub->store));
  list_at = strstr (bytes->str, list_id);
  ids_at = strstr (bytes->str, "event: client\ndata: [1,2]\n");
  g_assert_nonnull (list_at);
  g_assert_nonnull (ids_at);
  g_assert_true (list_at < ids_at);

  sse_hub_fanout_stop (fanout);
  close (far[0]);
  close (far[1]);
}

/* ------------------------------------------------------------------------ */
/* Through the server                                                       */

static guint
n_clients (TestHub *hub)
{
  return g_list_model_get_n_items (sse_hub_server_get_clients (hub->server));
}

static gboolean
no_clients (gpointer data)
{
  return n_clients (data) == 0;
}

/* The address's one slot is free again once its stream has gone: access
 * hears of it from the fan-out. */
static void
test_slot_freed_on_departure (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) first = NULL;
  g_autoptr(TestPeer) refused = NULL;
  g_autoptr(TestPeer) again = NULL;

  /* On loopback everyone is the presenter unless told otherwise. */
  g_object_set (hub->server, "trust-local", FALSE, "max-streams-per-address", 1, NULL);

  first = test_peer_open_stream (hub->port, NULL);
  g_assert_nonnull (test_peer_wait_event (first, "hello", 0, 5000));
  refused = test_peer_open_stream (hub->port, NULL);
  g_assert_nonnull (test_peer_wait_event (refused, "full", 0, 5000));

  test_peer_close (first);
  g_assert_true (test_pump_until (no_clients, hub, 5000));

  again = test_peer_open_stream (hub->port, NULL);
  g_assert_nonnull (test_peer_wait_event (again, "hello", 0, 5000));
  g_assert_null (test_peer_find_event (again, "full", 0));
}

#define STORM 40

typedef struct
{
  TestPeer **peers;
  guint64    last_id;
} StormWait;

static gboolean
first_knows_everyone (gpointer data)
{
  StormWait *wait = data;
  guint n = test_peer_count_events (wait->peers[0], "client");
  TestFrame *frame = n > 0 ? test_peer_find_event (wait->peers[0], "client", n - 1) : NULL;
  g_autofree char *last = g_strdup_printf (",%" G_GUINT64_FORMAT "]", wait->last_id);

  return frame != NULL && g_str_has_suffix (frame->data, last);
}

/* Where the first frame with data and this event name (NULL: unnamed)
 * is in what peer received, or G_MAXINT. */
static gint
frame_index (TestPeer   *peer,
             const char *event)
{
  for (guint i = 0; i < peer->frames->len; i++)
    {
      TestFrame *frame = g_ptr_array_index (peer->frames, i);

      if (frame->data != NULL && g_strcmp0 (frame->event, event) == 0)
        return i;
    }
  return G_MAXINT;
}

/* Everyone connects at once: each gets hello and the list first, and every
 * `client` event is a whole array of distinct ids, the last naming all. */
static void
test_storm_ids_whole (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  TestPeer *peers[STORM];
  StormWait wait = { peers, 0 };

  for (guint i = 0; i < STORM; i++)
    peers[i] = test_peer_open_stream (hub->port, NULL);
  for (guint i = 0; i < STORM; i++)
    g_assert_nonnull (test_peer_wait_event (peers[i], "hello", 0, 5000));
  wait.last_id = test_peer_hello_id (peers[STORM - 1]);
  g_assert_true (test_pump_until (first_knows_everyone, &wait, 10000));

  for (guint i = 0; i < STORM; i++)
    {
      gint hello_at = frame_index (peers[i], "hello");
      gint list_at = frame_index (peers[i], NULL);
      gint ids_at = frame_index (peers[i], "client");

      g_assert_cmpint (hello_at, >=, 0);
      g_assert_cmpint (hello_at, <, list_at);
      g_assert_cmpint (list_at, <, ids_at);

      for (guint k = 0; k < test_peer_count_events (peers[i], "client"); k++)
        {
          TestFrame *frame = test_peer_find_event (peers[i], "client", k);
          g_autoptr(JsonNode) node = json_from_string (frame->data, NULL);
          g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
          JsonArray *ids;

          g_assert_nonnull (node);
          g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
          ids = json_node_get_array (node);
          for (guint j = 0; j < json_array_get_length (ids); j++)
            {
              JsonNode *id = json_array_get_element (ids, j);

              g_assert_cmpint (json_node_get_value_type (id), ==, G_TYPE_INT64);
              g_assert_true (g_hash_table_add (seen, GSIZE_TO_POINTER (json_node_get_int (id))));
            }
        }
    }

  for (guint i = 0; i < STORM; i++)
    test_peer_free (peers[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fanout/signals-and-n-clients", test_signals_and_n_clients);
  g_test_add_func ("/fanout/list-passes-queued-ids", test_list_passes_queued_ids);
  g_test_add_func ("/fanout/slot-freed-on-departure", test_slot_freed_on_departure);
  g_test_add_func ("/fanout/storm-ids-whole", test_storm_ids_whole);

  return g_test_run ();
}
