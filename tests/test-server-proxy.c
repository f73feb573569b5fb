/* SPDX-License-Identifier: GPL-3.0-or-later */

/* SseHubServerProxy: the app's hub on a thread of its own, seen through
 * what the window reads (the proxy's mirrors, signals and calls on this
 * thread's context) and what a browser reads (HTTP and SSE over loopback).
 * Helper threads talk to the hub over blocking sockets only: they never
 * iterate a context, so they prove nothing waits for this thread. */

#include <glib/gstdio.h>

#include "hub-test.h"
#include "proxy-test.h"
#include "sse-hub-server-proxy.h"
#include "sse-hub-wire.h"

typedef TestProxy Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  test_proxy_set_up (fixture, TRUE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  test_proxy_tear_down (fixture);
}

/* ------------------------------------------------------------------------ */
/* Blocking sockets, for threads that never touch a main context            */

typedef struct
{
  guint       port;
  const char *prefix;
  guint       count;
  gint        done;     /* atomic */
  guint       n_ok;
} Poster;

static gpointer
poster_thread (gpointer data)
{
  Poster *poster = data;

  for (guint i = 0; i < poster->count; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s%u", poster->prefix, i);

      if (test_blocking_post_person (poster->port, name) == 200)
        poster->n_ok++;
    }
  g_atomic_int_set (&poster->done, 1);
  return NULL;
}

/* An event stream read on a thread: says when the hello came and when
 * the body holds needle. */
typedef struct
{
  guint     port;
  char     *needle;
  GMutex    lock;
  GCond     cond;
  gint      connected;  /* atomic: GLib's GMutex is invisible to TSan */
  gint      seen;       /* atomic */
} StreamReader;

static gpointer
stream_reader_thread (gpointer data)
{
  StreamReader *reader = data;
  g_autoptr(GSocketConnection) connection = test_blocking_open_stream (reader->port);
  GInputStream *in;
  g_autoptr(GString) body = g_string_new (NULL);
  char buffer[4096];
  gssize n;

  g_assert_nonnull (connection);
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, NULL)) > 0)
    {
      g_string_append_len (body, buffer, n);
      gboolean seen = strstr (body->str, reader->needle) != NULL;

      g_mutex_lock (&reader->lock);
      if (strstr (body->str, "event: hello") != NULL)
        g_atomic_int_set (&reader->connected, TRUE);
      if (seen)
        g_atomic_int_set (&reader->seen, TRUE);
      g_cond_broadcast (&reader->cond);
      g_mutex_unlock (&reader->lock);
      if (seen)
        break;
    }
  return NULL;
}

/* Waits on this thread without iterating any context. */
static gboolean
reader_wait (StreamReader *reader,
             gint         *flag)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  gboolean result;

  g_mutex_lock (&reader->lock);
  while (!g_atomic_int_get (flag) && g_cond_wait_until (&reader->cond, &reader->lock, deadline))
    ;
  result = g_atomic_int_get (flag);
  g_mutex_unlock (&reader->lock);
  return result;
}

/* ------------------------------------------------------------------------ */
/* Reading the mirrors                                                      */

static int
find_name (GListModel *persons,
           const char *name)
{
  guint n = g_list_model_get_n_items (persons);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SseHubPerson) person = g_list_model_get_item (persons, i);

      if (g_strcmp0 (sse_hub_person_get_name (person), name) == 0)
        return i;
    }
  return -1;
}

typedef struct
{
  GListModel *model;
  const char *name;
} NameWait;

static gboolean
name_listed (gpointer data)
{
  NameWait *wait = data;

  return find_name (wait->model, wait->name) >= 0;
}

static gboolean
flag_set (gpointer flag)
{
  return g_atomic_int_get ((gint *) flag) != 0;
}

typedef struct
{
  GListModel *model;
  guint       n;
} CountWait;

static gboolean
has_n_items (gpointer data)
{
  CountWait *wait = data;

  return g_list_model_get_n_items (wait->model) == wait->n;
}

static gboolean
wait_n_items (GListModel *model,
              guint       n)
{
  CountWait wait = { model, n };

  return test_pump_until (has_n_items, &wait, 10000);
}

/* ------------------------------------------------------------------------ */
/* 1. The streams never wait for the window                                 */

static void
test_streams_never_wait (Fixture       *fixture,
                         gconstpointer  data)
{
  StreamReader reader = { fixture->port, (char *) "\"Blocked0\"" };
  Poster poster = { fixture->port, "Blocked", 1 };
  g_autoptr(GThread) reader_thread = NULL;
  g_autoptr(GThread) post_thread = NULL;
  NameWait wait = { sse_hub_server_proxy_get_persons (fixture->proxy), "Blocked0" };

  g_mutex_init (&reader.lock);
  g_cond_init (&reader.cond);
  reader_thread = g_thread_new ("reader", stream_reader_thread, &reader);
  g_assert_true (reader_wait (&reader, &reader.connected));

  /* From here this thread, the proxy's owner, iterates nothing: were the
   * hub on it, the post would never be answered nor the list sent. */
  post_thread = g_thread_new ("poster", poster_thread, &poster);
  g_assert_true (reader_wait (&reader, &reader.seen));
  g_thread_join (g_steal_pointer (&post_thread));
  g_assert_cmpuint (poster.n_ok, ==, 1);
  g_thread_join (g_steal_pointer (&reader_thread));
  g_assert_cmpint (find_name (wait.model, "Blocked0"), <, 0);

  /* The window's turn: the change waits in the mirror's queue. */
  g_assert_true (test_pump_until (name_listed, &wait, 10000));

  g_mutex_clear (&reader.lock);
  g_cond_clear (&reader.cond);
}

/* ------------------------------------------------------------------------ */
/* 2. Order                                                                 */

/* The mirror's items-changed, replayed on a list of names. */
static void
on_persons_changed (GListModel *model,
                    guint       position,
                    guint       removed,
                    guint       added,
                    GPtrArray  *replay)
{
  g_ptr_array_remove_range (replay, position, removed);
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(SseHubPerson) person = g_list_model_get_item (model, position + i);

      g_ptr_array_insert (replay, position + i, g_strdup (sse_hub_person_get_name (person)));
    }
}

typedef struct
{
  SseHubServerProxy *proxy;
  gint               pending;
  guint              n_failed;
} Changes;

/* Every completion finds the person it added already in the mirror. */
static void
on_added (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  Changes *changes = data;
  g_autoptr(SseHubPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  guint position;

  person = sse_hub_server_proxy_add_person_finish (changes->proxy, result, &error);
  g_assert_no_error (error);
  g_assert_true (g_list_store_find (G_LIST_STORE (sse_hub_server_proxy_get_persons (changes->proxy)),
                                    person, &position));
  changes->pending--;
}

static void
on_changed (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Changes *changes = data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (g_async_result_is_tagged (result, sse_hub_server_proxy_remove_person_async))
    ok = sse_hub_server_proxy_remove_person_finish (changes->proxy, result, &error);
  else
    ok = sse_hub_server_proxy_clear_persons_finish (changes->proxy, result, &error);
  if (!ok)
    {
      g_assert_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_NOT_FOUND);
      changes->n_failed++;
    }
  changes->pending--;
}

static gboolean
changes_done (gpointer data)
{
  return ((Changes *) data)->pending == 0;
}

static SseHubPerson *
person_named (GListModel *persons,
              const char *name)
{
  int position = find_name (persons, name);

  g_assert_cmpint (position, >=, 0);
  return g_list_model_get_item (persons, position);
}

static void
assert_mirror_is (GListModel *persons,
                  GPtrArray  *names)
{
  g_assert_cmpuint (g_list_model_get_n_items (persons), ==, names->len);
  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr(SseHubPerson) person = g_list_model_get_item (persons, i);

      g_assert_cmpstr (sse_hub_person_get_name (person), ==, g_ptr_array_index (names, i));
    }
}

static void
test_order (Fixture       *fixture,
            gconstpointer  data)
{
  SseHubServerProxy *proxy = fixture->proxy;
  GListModel *persons = sse_hub_server_proxy_get_persons (proxy);
  g_autoptr(GPtrArray) replay = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) snapshot = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) names = NULL;
  Changes changes = { proxy };
  Poster posts = { fixture->port, "Post", 8 };
  Poster more = { fixture->port, "Late", 5 };
  g_autoptr(GThread) thread = NULL;
  g_autoptr(SseHubPerson) a2 = NULL;
  g_autoptr(SseHubPerson) p3 = NULL;

  g_signal_connect (persons, "items-changed", G_CALLBACK (on_persons_changed), replay);

  /* The proxy's adds and another thread's posts, at the same time. */
  thread = g_thread_new ("poster", poster_thread, &posts);
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *name = g_strdup_printf ("Proxy%u", i);

      changes.pending++;
      sse_hub_server_proxy_add_person_async (proxy, name, 20 + i, NULL, on_added, &changes);
      test_pump (5);
    }
  g_assert_true (test_pump_until (changes_done, &changes, 10000));
  g_assert_true (test_pump_until (flag_set, &posts.done, 10000));
  g_thread_join (g_steal_pointer (&thread));
  g_assert_cmpuint (posts.n_ok, ==, 8);
  g_assert_true (wait_n_items (persons, 14));

  /* Removed by person; once more when it is gone already. */
  a2 = person_named (persons, "Proxy2");
  p3 = person_named (persons, "Post3");
  changes.pending += 3;
  sse_hub_server_proxy_remove_person_async (proxy, a2, NULL, on_changed, &changes);
  sse_hub_server_proxy_remove_person_async (proxy, p3, NULL, on_changed, &changes);
  sse_hub_server_proxy_remove_person_async (proxy, a2, NULL, on_changed, &changes);
  g_assert_true (test_pump_until (changes_done, &changes, 10000));
  g_assert_cmpuint (changes.n_failed, ==, 1);
  g_assert_cmpint (find_name (persons, "Proxy2"), <, 0);
  g_assert_cmpint (find_name (persons, "Post3"), <, 0);
  g_assert_cmpuint (g_list_model_get_n_items (persons), ==, 12);

  /* Clear, then Undo (each person restored) while posts arrive. */
  for (guint i = 0; i < g_list_model_get_n_items (persons); i++)
    g_ptr_array_add (snapshot, g_list_model_get_item (persons, i));
  changes.pending++;
  sse_hub_server_proxy_clear_persons_async (proxy, NULL, on_changed, &changes);
  g_assert_true (test_pump_until (changes_done, &changes, 10000));
  g_assert_cmpuint (g_list_model_get_n_items (persons), ==, 0);

  thread = g_thread_new ("poster", poster_thread, &more);
  for (guint i = 0; i < snapshot->len; i++)
    {
      changes.pending++;
      sse_hub_server_proxy_restore_person_async (proxy, g_ptr_array_index (snapshot, i), NULL,
                                                 on_added, &changes);
    }
  g_assert_true (test_pump_until (changes_done, &changes, 10000));
  g_assert_true (test_pump_until (flag_set, &more.done, 10000));
  g_thread_join (g_steal_pointer (&thread));
  g_assert_true (wait_n_items (persons, snapshot->len + 5));

  /* The mirror is the hub's list, in order, and its signals retell it. */
  names = test_wire_names (fixture->port);
  assert_mirror_is (persons, names);
  assert_mirror_is (persons, replay);
  g_signal_handlers_disconnect_by_data (persons, replay);
}

/* ------------------------------------------------------------------------ */
/* 3. Clients                                                               */

static gboolean
mirror_has_ids (GListModel *clients,
                guint64    *ids,
                guint       n)
{
  if (g_list_model_get_n_items (clients) != n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SseHubClient) client = g_list_model_get_item (clients, i);

      if (sse_hub_client_get_id (client) != ids[i])
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  GListModel *clients;
  guint64    *ids;
  guint       n;
} IdsWait;

static gboolean
ids_match (gpointer data)
{
  IdsWait *wait = data;

  return mirror_has_ids (wait->clients, wait->ids, wait->n);
}

typedef struct
{
  SseHubClient *client;
  guint64       events;
  guint64       bytes;
} CounterWait;

static gboolean
counters_moved (gpointer data)
{
  CounterWait *wait = data;

  return sse_hub_client_get_events_sent (wait->client) > wait->events &&
         sse_hub_client_get_bytes_sent (wait->client) > wait->bytes;
}

static void
test_clients (Fixture       *fixture,
              gconstpointer  data)
{
  SseHubServerProxy *proxy = fixture->proxy;
  GListModel *clients = sse_hub_server_proxy_get_clients (proxy);
  TestPeer *peers[3];
  guint64 ids[3];
  IdsWait wait = { clients, ids, 3 };
  g_autoptr(SseHubClient) first = NULL;
  CounterWait counters;
  g_autoptr(SseHubPerson) person = NULL;
  guint n_clients;

  for (guint i = 0; i < 3; i++)
    {
      peers[i] = test_peer_open_stream_as (fixture->port, "Mirror/1.0", NULL);
      g_assert_nonnull (test_peer_wait_event (peers[i], "hello", 0, 10000));
      ids[i] = test_peer_hello_id (peers[i]);
    }
  g_assert_true (test_pump_until (ids_match, &wait, 10000));
  g_object_get (proxy, "n-clients", &n_clients, NULL);
  g_assert_cmpuint (n_clients, ==, 3);
  first = g_list_model_get_item (clients, 0);
  g_assert_cmpstr (sse_hub_client_get_user_agent (first), ==, "Mirror/1.0");
  g_assert_cmpstr (sse_hub_client_get_remote_address (first), ==, "127.0.0.1");
  g_assert_cmpint (sse_hub_client_get_transport (first), ==, SSE_HUB_TRANSPORT_SSE);

  /* The presenter ends the middle one, by id. */
  g_assert_cmpuint (sse_hub_server_proxy_disconnect_client (proxy, ids[1]), ==, 1);
  g_assert_cmpuint (sse_hub_server_proxy_disconnect_client (proxy, ids[1]), ==, 0);
  g_assert_true (test_pump_until (test_peer_closed, peers[1], 10000));
  ids[1] = ids[2];
  wait.n = 2;
  g_assert_true (test_pump_until (ids_match, &wait, 10000));

  /* A browser that leaves by itself. */
  test_peer_close (peers[2]);
  wait.n = 1;
  g_assert_true (test_pump_until (ids_match, &wait, 10000));

  /* The counters the mirror shows move after a post. */
  counters.client = first;
  counters.events = sse_hub_client_get_events_sent (first);
  counters.bytes = sse_hub_client_get_bytes_sent (first);
  person = test_proxy_add (proxy, "Counted", 33, NULL);
  g_assert_nonnull (person);
  g_assert_true (test_pump_until (counters_moved, &counters, 10000));

  g_assert_cmpuint (sse_hub_server_proxy_drop_all_clients (proxy), ==, 1);
  g_assert_true (test_pump_until (test_peer_closed, peers[0], 10000));
  g_assert_true (wait_n_items (clients, 0));
  g_object_get (proxy, "n-clients", &n_clients, NULL);
  g_assert_cmpuint (n_clients, ==, 0);

  for (guint i = 0; i < 3; i++)
    test_peer_free (peers[i]);
}

/* ------------------------------------------------------------------------ */
/* 4. Log                                                                   */

static int
log_position (GListModel *log,
              const char *name)
{
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", name);
  guint n = g_list_model_get_n_items (log);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SseHubLogEntry) entry = g_list_model_get_item (log, i);

      if (sse_hub_log_entry_get_event (entry) == SSE_HUB_LOG_EVENT_PERSON_ADDED &&
          strstr (sse_hub_log_entry_get_text (entry), quoted) != NULL)
        return i;
    }
  return -1;
}

static void
test_log (Fixture       *fixture,
          gconstpointer  data)
{
  SseHubServerProxy *proxy = fixture->proxy;
  GListModel *log = sse_hub_server_proxy_get_log (proxy);
  Changes changes = { proxy };
  g_autoptr(GPtrArray) taken = NULL;
  int previous = -1;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("Logged%u", i);

      changes.pending++;
      sse_hub_server_proxy_add_person_async (proxy, name, 40, NULL, on_added, &changes);
    }
  g_assert_true (test_pump_until (changes_done, &changes, 10000));

  /* flush() returns with the hub's pending entries in the mirror. */
  sse_hub_server_proxy_flush_log (proxy);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("Logged%u", i);
      int position = log_position (log, name);

      g_assert_cmpint (position, >, previous);
      previous = position;
    }

  /* Clear and Undo: the same entries come back, in the same order. */
  taken = sse_hub_server_proxy_clear_log (proxy);
  g_assert_cmpuint (taken->len, >=, 5);
  g_assert_cmpuint (g_list_model_get_n_items (log), ==, 0);
  sse_hub_server_proxy_restore_log (proxy, taken);
  g_assert_cmpuint (g_list_model_get_n_items (log), >=, taken->len);
  for (guint i = 0; i < taken->len; i++)
    {
      g_autoptr(SseHubLogEntry) entry = g_list_model_get_item (log, i);

      g_assert_true (entry == g_ptr_array_index (taken, i));
    }
}

/* ------------------------------------------------------------------------ */
/* 5. Lifetime                                                              */

static void
on_added_late (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(SseHubPerson) person = NULL;

  person = sse_hub_server_proxy_add_person_finish (SSE_HUB_SERVER_PROXY (source), result, NULL);
  g_assert_nonnull (person);
  g_atomic_int_set ((gint *) data, 1);
}

static void
test_lifetime (Fixture       *fixture,
               gconstpointer  data)
{
  SseHubServerProxy *proxy = g_steal_pointer (&fixture->proxy);
  Poster posts = { fixture->port, "Racing", 20 };
  g_autoptr(GThread) thread = NULL;
  TestPeer *peers[3];
  gint added = 0;
  g_autofree char *path = g_build_filename (fixture->dir, "persons.jsonl", NULL);
  g_autoptr(SseHubPersonStore) replayed = sse_hub_person_store_new (path);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 3; i++)
    {
      peers[i] = test_peer_open_stream (fixture->port, NULL);
      g_assert_nonnull (test_peer_wait_event (peers[i], "hello", 0, 10000));
    }
  g_assert_true (wait_n_items (sse_hub_server_proxy_get_clients (proxy), 3));

  /* An add in flight holds the proxy until its callback has run. */
  sse_hub_server_proxy_add_person_async (proxy, "Last", 50, NULL, on_added_late, &added);
  g_object_add_weak_pointer (G_OBJECT (proxy), (gpointer *) &proxy);
  thread = g_thread_new ("poster", poster_thread, &posts);
  g_usleep (20000);
  g_object_unref (proxy);
  g_assert_true (test_pump_until (flag_set, &added, 10000));
  /* Freed once the callback's task let go: the thread joined, the list
   * flushed, every stream ended. */
  g_assert_null (proxy);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (test_pump_until (test_peer_closed, peers[i], 10000));
      test_peer_free (peers[i]);
    }
  g_thread_join (g_steal_pointer (&thread));

  /* What was saved replays: "Last" and the posts answered 200. */
  g_assert_true (sse_hub_person_store_load (replayed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (find_name (G_LIST_MODEL (replayed), "Last"), >=, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (replayed)), >=, posts.n_ok + 1);
}

/* A list never read is never rewritten: the app stays stopped when its
 * file cannot be read, and quits. */
static void
test_unread_file_kept (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "persons.jsonl", NULL);
  const char *line = "{\"name\":\"Kept\",\"age\":7}\n";
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  SseHubServerProxy *proxy;

  g_assert_true (g_file_set_contents (path, line, -1, &error));
  proxy = sse_hub_server_proxy_new (path);
  g_assert_true (sse_hub_server_proxy_shut_down (proxy, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (proxy);

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_cmpstr (contents, ==, line);
  test_remove_dir (dir);
}

/* ------------------------------------------------------------------------ */
/* 6. Settings                                                              */

/* The app binds its settings to the proxy as it did to the server: the
 * value reads back at once and reaches the hub (a keep-alive every second
 * instead of every 15). */
static void
test_settings (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new ("com.example.SseHub");
  g_autoptr(TestPeer) peer = NULL;
  guint interval;

  g_settings_bind (settings, "keepalive-interval", fixture->proxy, "keepalive-interval",
                   G_SETTINGS_BIND_GET);
  g_object_get (fixture->proxy, "keepalive-interval", &interval, NULL);
  g_assert_cmpuint (interval, ==, SSE_HUB_DEFAULT_KEEPALIVE_SECONDS);

  peer = test_peer_open_stream (fixture->port, NULL);
  g_assert_nonnull (test_peer_wait_event (peer, "hello", 0, 10000));
  g_settings_set_uint (settings, "keepalive-interval", 1);
  g_object_get (fixture->proxy, "keepalive-interval", &interval, NULL);
  g_assert_cmpuint (interval, ==, 1);
  g_assert_true (test_pump_until (test_peer_got_keepalive, peer, 5000));

  g_settings_unbind (fixture->proxy, "keepalive-interval");
}

/* ------------------------------------------------------------------------ */
/* 7. Signals                                                               */

typedef struct
{
  SseHubRefusal  reason;
  char          *host;
  char          *path;
  GError        *error;
  guint          running_notifies;
} Heard;

static void
on_refused (SseHubServerProxy *proxy,
            SseHubPeer        *peer,
            SseHubRefusal      reason,
            const char        *field,
            const char        *path,
            Heard             *heard)
{
  heard->reason = reason;
  g_free (heard->host);
  heard->host = g_strdup (sse_hub_peer_get_host (peer));
  g_free (heard->path);
  heard->path = g_strdup (path);
}

static void
on_error (SseHubServerProxy *proxy,
          GError            *error,
          Heard             *heard)
{
  g_clear_error (&heard->error);
  heard->error = g_error_copy (error);
}

static void
on_running (SseHubServerProxy *proxy,
            GParamSpec        *pspec,
            Heard             *heard)
{
  heard->running_notifies++;
}

static gboolean
heard_path (gpointer data)
{
  return ((Heard *) data)->path != NULL;
}

static gboolean
heard_error (gpointer data)
{
  return ((Heard *) data)->error != NULL;
}

/* The hub's refusals and errors reach the window as the server's did. */
static void
test_signals (Fixture       *fixture,
              gconstpointer  data)
{
  SseHubServerProxy *proxy = fixture->proxy;
  Heard heard = { 0 };
  g_autoptr(TestResponse) response = NULL;
  g_autoptr(GSocket) busy = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_signal_connect (proxy, "refused", G_CALLBACK (on_refused), &heard);
  g_signal_connect (proxy, "error", G_CALLBACK (on_error), &heard);
  g_signal_connect (proxy, "notify::running", G_CALLBACK (on_running), &heard);

  response = test_http_post (fixture->port, TEST_JSON, "{\"name\":\"\",\"age\":3}", -1);
  g_assert_cmpuint (response->status, ==, 400);
  g_assert_true (test_pump_until (heard_path, &heard, 10000));
  g_assert_cmpint (heard.reason, ==, SSE_HUB_REFUSAL_BAD_REQUEST);
  g_assert_cmpstr (heard.host, ==, "127.0.0.1");
  g_assert_cmpstr (heard.path, ==, "/addPerson");

  /* A port taken by someone else: the hub's restart fails on its own. */
  busy = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (busy, any_port, FALSE, &error));
  g_assert_true (g_socket_listen (busy, &error));
  bound = g_socket_get_local_address (busy, &error);
  g_assert_no_error (error);
  g_object_set (proxy, "port",
                (guint) g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)), NULL);
  g_assert_true (test_pump_until (heard_error, &heard, 10000));
  g_assert_false (sse_hub_server_proxy_get_running (proxy));
  g_assert_cmpuint (sse_hub_server_proxy_get_bound_port (proxy), ==, 0);
  g_assert_cmpuint (heard.running_notifies, >=, 1);

  g_signal_handlers_disconnect_by_data (proxy, &heard);
  g_clear_error (&heard.error);
  g_free (heard.host);
  g_free (heard.path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/server-proxy/streams-never-wait", Fixture, NULL, fixture_set_up,
              test_streams_never_wait, fixture_tear_down);
  g_test_add ("/server-proxy/order", Fixture, NULL, fixture_set_up, test_order,
              fixture_tear_down);
  g_test_add ("/server-proxy/clients", Fixture, NULL, fixture_set_up, test_clients,
              fixture_tear_down);
  g_test_add ("/server-proxy/log", Fixture, NULL, fixture_set_up, test_log, fixture_tear_down);
  g_test_add ("/server-proxy/lifetime", Fixture, NULL, fixture_set_up, test_lifetime,
              fixture_tear_down);
  g_test_add_func ("/server-proxy/unread-file-kept", test_unread_file_kept);
  g_test_add ("/server-proxy/settings", Fixture, NULL, fixture_set_up, test_settings,
              fixture_tear_down);
  g_test_add ("/server-proxy/signals", Fixture, NULL, fixture_set_up, test_signals,
              fixture_tear_down);
  return g_test_run ();
}
