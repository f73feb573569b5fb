/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The core made and run on a thread of its own, with its own GMainContext
 * pushed as thread-default: every timer, idle and watch it adds must attach
 * there.  The hub thread holds the global default context the whole time,
 * so a source that strayed there would never run (this thread's pumping of
 * it fails to acquire it) and the frames it sends would never arrive. */

#include <glib/gstdio.h>

#include "hub-test.h"
#include "proxy-test.h"

typedef struct
{
  char         *path;
  GMainContext *context;
  GMainLoop    *loop;
  GMutex        lock;
  GCond         ready;
  guint         port;      /* under lock: 0 until serving */
  SseHubServer *server;    /* touched on the hub thread only */
  gint          log_changes;  /* atomic: the log's batches, as the hub thread saw them */
  gint          added;        /* atomic: the marshalled add finished on the hub thread */
} HubThread;

static void
on_log_changed (GListModel *log,
                guint       position,
                guint       removed,
                guint       added,
                HubThread  *ht)
{
  g_atomic_int_inc (&ht->log_changes);
}

static void
on_added (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  HubThread *ht = data;
  g_autoptr(SseHubPerson) person = NULL;
  g_autoptr(GError) error = NULL;

  /* GTask calls back in the context that was thread-default at the call. */
  g_assert_true (g_main_context_is_owner (ht->context));
  person = sse_hub_server_add_person_finish (SSE_HUB_SERVER (source), result, &error);
  g_assert_no_error (error);
  g_atomic_int_set (&ht->added, 1);
}

/* A change from another thread, as the window's would be: marshalled to
 * the hub's context, the result told back by a flag. */
static gboolean
add_on_hub_cb (gpointer data)
{
  HubThread *ht = data;

  sse_hub_server_add_person_async (ht->server, "Grace", 40, NULL, on_added, ht);
  return G_SOURCE_REMOVE;
}

static gboolean
flag_set (gpointer flag)
{
  return g_atomic_int_get ((gint *) flag) > 0;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gpointer
hub_thread (gpointer data)
{
  HubThread *ht = data;
  GMainContext *global = g_main_context_default ();
  g_autoptr(SseHubPersonStore) store = NULL;
  g_autoptr(SseHubServer) server = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_main_context_acquire (global));
  g_main_context_push_thread_default (ht->context);

  store = sse_hub_person_store_new (ht->path);
  g_assert_true (sse_hub_person_store_load (store, &error));
  server = sse_hub_server_new (store);
  g_object_set (server, "port", 0, "bind-address", "127.0.0.1", "keepalive-interval", 1, NULL);
  g_assert_true (sse_hub_server_start (server, &error));
  g_assert_no_error (error);
  ht->server = server;
  g_signal_connect (sse_hub_server_get_log (server), "items-changed",
                    G_CALLBACK (on_log_changed), ht);

  g_mutex_lock (&ht->lock);
  ht->port = sse_hub_server_get_bound_port (server);
  g_cond_signal (&ht->ready);
  g_mutex_unlock (&ht->lock);

  g_main_loop_run (ht->loop);

  sse_hub_server_stop (server);
  g_assert_true (sse_hub_person_store_flush (store, &error));
  g_assert_no_error (error);
  ht->server = NULL;
  g_clear_object (&server);
  g_clear_object (&store);
  /* What stopping left behind (closing streams, the journal's last batch). */
  while (g_main_context_iteration (ht->context, FALSE))
    ;

  g_main_context_pop_thread_default (ht->context);
  g_main_context_release (global);
  return NULL;
}

static gboolean
got_two_client_ids (gpointer data)
{
  return test_peer_find_frame (data, "client", ",") != NULL;
}

static TestResponse *
post_person (guint       port,
             const char *name)
{
  g_autofree char *request = test_add_person_request (port, name);

  return test_http_raw (port, request, strlen (request));
}

static void
test_hub_on_its_own_thread (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  HubThread ht = { 0 };
  g_autoptr(GThread) thread = NULL;
  g_autoptr(TestPeer) first = NULL;
  g_autoptr(TestPeer) second = NULL;
  g_autoptr(TestResponse) response = NULL;
  g_autoptr(SseHubPersonStore) replayed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SseHubPerson) person = NULL;

  ht.path = g_build_filename (dir, "persons.jsonl", NULL);
  ht.context = g_main_context_new ();
  ht.loop = g_main_loop_new (ht.context, FALSE);
  g_mutex_init (&ht.lock);
  g_cond_init (&ht.ready);

  thread = g_thread_new ("hub", hub_thread, &ht);
  g_mutex_lock (&ht.lock);
  while (ht.port == 0)
    g_cond_wait (&ht.ready, &ht.lock);
  g_mutex_unlock (&ht.lock);

  first = test_peer_open_stream (ht.port, NULL);
  g_assert_nonnull (test_peer_wait_event (first, "hello", 0, 5000));
  g_assert_nonnull (test_peer_wait_event (first, NULL, 0, 5000));

  /* A post: answered once the journal synced, then the list frame. */
  response = post_person (ht.port, "Ada");
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_nonnull (test_peer_wait_event (first, NULL, 1, 5000));
  g_assert_nonnull (test_peer_find_frame (first, NULL, "\"Ada\""));

  /* The event log's batches: its flush timer runs on the hub's context. */
  g_assert_true (test_pump_until (flag_set, &ht.log_changes, 5000));

  g_main_context_invoke (ht.context, add_on_hub_cb, &ht);
  g_assert_true (test_pump_until (flag_set, &ht.added, 5000));
  g_assert_nonnull (test_peer_wait_event (first, NULL, 2, 5000));
  g_assert_nonnull (test_peer_find_frame (first, NULL, "\"Grace\""));

  /* The coalesced `client` event, once a second stream is in. */
  second = test_peer_open_stream (ht.port, NULL);
  g_assert_nonnull (test_peer_wait_event (second, "hello", 0, 5000));
  g_assert_true (test_pump_until (got_two_client_ids, first, 5000));

  /* The keep-alive timer, every second here. */
  g_assert_true (test_pump_until (test_peer_got_keepalive, second, 5000));

  g_main_context_invoke (ht.context, quit_cb, ht.loop);
  g_thread_join (g_steal_pointer (&thread));

  /* What the hub thread journaled replays to the same list. */
  replayed = sse_hub_person_store_new (ht.path);
  g_assert_true (sse_hub_person_store_load (replayed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (replayed)), ==, 2);
  person = g_list_model_get_item (G_LIST_MODEL (replayed), 1);
  g_assert_cmpstr (sse_hub_person_get_name (person), ==, "Grace");

  g_main_loop_unref (ht.loop);
  g_main_context_unref (ht.context);
  g_mutex_clear (&ht.lock);
  g_cond_clear (&ht.ready);
  g_free (ht.path);
  test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub-thread/serves-from-its-own-context", test_hub_on_its_own_thread);
  return g_test_run ();
}
