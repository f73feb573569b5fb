/* SPDX-License-Identifier: GPL-3.0-or-later */
/* State, not history: a reader that falls behind gets the newest list
 * instead of a backlog or a drop, one that keeps up gets every revision,
 * one that stops for good is still dropped at its cap; and a POST is
 * answered only once its person is on disk, without the main loop ever
 * waiting for the disk. */
#include <string.h>
#include <sys/socket.h>

#include "hub-test.h"
#include "sse-hub-wire.h"

#define N_CHANGES 150

static guint
n_clients (TestHub *hub)
{
  return g_list_model_get_n_items (sse_hub_server_get_clients (hub->server));
}

/* Long names make every list frame a few kilobytes: N_CHANGES of them are
 * many times the cap. */
static void
add_numbered (TestHub *hub,
              guint    i)
{
  g_autofree char *name = g_strdup_printf ("person %04u with a long name to fill the frame", i);

  test_hub_add (hub, name, 20 + i % 50);
}

typedef struct
{
  TestPeer   *peer;
  const char *json;
} NewestWait;

static TestFrame *
last_list (TestPeer *peer)
{
  for (guint i = peer->frames->len; i > 0; i--)
    {
      TestFrame *frame = g_ptr_array_index (peer->frames, i - 1);

      if (frame->event == NULL && frame->data != NULL)
        return frame;
    }
  return NULL;
}

static gboolean
has_newest_list (gpointer data)
{
  NewestWait *wait = data;
  TestFrame *frame = last_list (wait->peer);

  return frame != NULL && g_strcmp0 (frame->data, wait->json) == 0;
}

/* The revisions of the unnamed messages, in the order received; checks
 * that they only increase. */
static GArray *
list_ids (TestPeer *peer)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (guint64));

  for (guint i = 0; i < peer->frames->len; i++)
    {
      TestFrame *frame = g_ptr_array_index (peer->frames, i);
      guint64 id;

      if (frame->event != NULL || frame->data == NULL)
        continue;
      g_assert_nonnull (frame->id);
      id = g_ascii_strtoull (frame->id, NULL, 10);
      if (ids->len > 0)
        g_assert_cmpuint (id, >, g_array_index (ids, guint64, ids->len - 1));
      g_array_append_val (ids, id);
    }
  return ids;
}

static guint
position_of_event (TestPeer   *peer,
                   const char *event)
{
  for (guint i = 0; i < peer->frames->len; i++)
    if (g_strcmp0 (((TestFrame *) g_ptr_array_index (peer->frames, i))->event, event) == 0)
      return i;
  g_assert_not_reached ();
}

static void
test_paused_reader_gets_newest (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) paused = NULL;
  g_autoptr(TestPeer) steady = NULL;
  g_autoptr(GArray) paused_ids = NULL;
  g_autoptr(GArray) steady_ids = NULL;
  NewestWait wait;
  guint64 revision;

  /* 64 KiB, while the lists sent meanwhile add up to more than a MiB. */
  g_object_set (hub->server, "queue-cap", 64 * 1024, NULL);
  paused = test_peer_open_stream_small_window (hub->port);
  steady = test_peer_open_stream (hub->port, NULL);
  test_peer_hello_id (paused);
  test_peer_hello_id (steady);
  g_assert_true (test_peer_wait_frames (paused, 2, 5000));

  paused->reading = FALSE;
  for (guint i = 0; i < N_CHANGES; i++)
    {
      add_numbered (hub, i);
      /* A named event in the middle must stay ahead of the lists after it. */
      if (i == N_CHANGES / 2)
        sse_hub_server_publish (hub->server, SSE_HUB_LOG_NOTICE, "marker", NULL, "{}");
    }
  revision = sse_hub_person_store_get_revision (hub->store);

  /* Still connected: nothing it needs was more than the cap. */
  g_assert_cmpuint (n_clients (hub), ==, 2);
  paused->reading = TRUE;
  wait.peer = paused;
  wait.json = sse_hub_person_store_get_json (hub->store);
  g_assert_true (test_pump_until (has_newest_list, &wait, 10000));
  g_assert_false (paused->closed);

  /* A valid stream, ids only increasing, the last list the newest, and
   * far fewer lists than changes. */
  paused_ids = list_ids (paused);
  g_assert_cmpuint (g_array_index (paused_ids, guint64, paused_ids->len - 1), ==, revision);
  g_assert_cmpuint (paused_ids->len, <, N_CHANGES / 2);
  g_assert_cmpuint (position_of_event (paused, "marker"), <,
                    paused->frames->len - 1);
  g_assert_nonnull (strstr (paused->body->str, "event: marker\n"));

  /* The one that kept up saw every revision, one message per change. */
  wait.peer = steady;
  g_assert_true (test_pump_until (has_newest_list, &wait, 10000));
  steady_ids = list_ids (steady);
  g_assert_cmpuint (steady_ids->len, ==, N_CHANGES + 1);
  for (guint i = 1; i < steady_ids->len; i++)
    g_assert_cmpuint (g_array_index (steady_ids, guint64, i), ==,
                      g_array_index (steady_ids, guint64, i - 1) + 1);
}

static const char *
find_drop_text (SseHubEventLog *log)
{
  GListModel *model = G_LIST_MODEL (log);

  sse_hub_event_log_flush (log);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SseHubLogEntry) entry = g_list_model_get_item (model, i);

      if (g_strcmp0 (sse_hub_log_entry_get_event_name (entry), "dropped") == 0)
        return test_log_entry_read (entry);
    }
  return NULL;
}

/* List changes alone never fill a stalled reader's cap; events that are
 * not state do, and then it is dropped, and the log says why. */
static void
test_stalled_reader_dropped (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestPeer) stalled = NULL;
  g_autofree char *payload = g_strnfill (4096, 'p');
  const char *text;

  g_object_set (hub->server, "queue-cap", 64 * 1024, NULL);
  stalled = test_peer_open_stream_small_window (hub->port);
  test_peer_hello_id (stalled);
  stalled->reading = FALSE;

  for (guint i = 0; i < N_CHANGES; i++)
    add_numbered (hub, i);
  g_assert_cmpuint (n_clients (hub), ==, 1);
  g_assert_null (find_drop_text (sse_hub_server_get_log (hub->server)));

  /* Loopback's socket buffers hide a few MiB before the queue grows. */
  for (guint i = 0; i < 2000 && n_clients (hub) == 1; i++)
    {
      sse_hub_server_publish (hub->server, SSE_HUB_LOG_NOTICE, "bulk", NULL, payload);
      test_pump (1);
    }
  g_assert_cmpuint (n_clients (hub), ==, 0);

  text = find_drop_text (sse_hub_server_get_log (hub->server));
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, "stopped reading"));
  g_assert_nonnull (strstr (text, "cap 65536"));
}

/* ------------------------------------------------------------------------ */
/* The disk                                                                  */

#define SYNC_DELAY_MS 400
#define N_POSTS 5

static TestHub *
slow_disk_hub (void)
{
  TestHub *hub;

  g_setenv ("SSE_HUB_TEST_SYNC_DELAY_MS", G_STRINGIFY (SYNC_DELAY_MS), TRUE);
  hub = test_hub_new ();
  g_unsetenv ("SSE_HUB_TEST_SYNC_DELAY_MS");
  return hub;
}

static TestPeer *
post_person (TestHub    *hub,
             const char *name)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"age\":30}", name);
  g_autofree char *request = g_strdup_printf ("POST /addPerson HTTP/1.1\r\n"
                                              "Host: 127.0.0.1:%u\r\n"
                                              "Content-Type: application/json\r\n"
                                              "Content-Length: %zu\r\n"
                                              "\r\n%s",
                                              hub->port, strlen (body), body);

  return test_peer_connect (hub->port, request);
}

typedef struct
{
  TestPeer **peers;
  guint      n;
  gint64    *answered;  /* monotonic µs, 0 until the status line is in */
} Answers;

static gboolean
all_answered (gpointer data)
{
  Answers *answers = data;
  gboolean all = TRUE;

  for (guint i = 0; i < answers->n; i++)
    {
      if (answers->answered[i] == 0 && answers->peers[i]->status != 0)
        answers->answered[i] = g_get_monotonic_time ();
      all &= answers->answered[i] != 0;
    }
  return all;
}

/* 200 means on disk: never before the sync; the loop serves other requests
 * meanwhile; and posts that arrive during a sync share the next one. */
static void
test_answer_after_sync (void)
{
  g_autoptr(TestHub) hub = slow_disk_hub ();
  g_autoptr(TestPeer) listener = test_peer_open_stream (hub->port, NULL);
  TestPeer *posts[N_POSTS];
  gint64 answered[N_POSTS] = { 0 };
  Answers answers = { posts, N_POSTS, answered };
  g_autoptr(TestPeer) page = NULL;
  gint64 page_answered = 0;
  Answers page_answer = { &page, 1, &page_answered };
  guint64 revision;
  gint64 started;

  test_peer_hello_id (listener);
  revision = sse_hub_person_store_get_revision (hub->store);

  started = g_get_monotonic_time ();
  posts[0] = post_person (hub, "First");
  test_pump (50);
  for (guint i = 1; i < N_POSTS; i++)
    posts[i] = post_person (hub, "Later");

  /* While the first sync runs, the page is served at once. */
  page = test_peer_connect (hub->port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  g_assert_true (test_pump_until (all_answered, &page_answer, 5000));
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_cmpint (page_answered - started, <, SYNC_DELAY_MS * 1000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 0);
  g_assert_cmpuint (sse_hub_person_store_get_revision (hub->store), ==, revision);
  g_assert_null (test_peer_find_event (listener, NULL, 1));

  g_assert_true (test_pump_until (all_answered, &answers, 10000));
  for (guint i = 0; i < N_POSTS; i++)
    {
      g_assert_cmpuint (posts[i]->status, ==, 200);
      g_assert_cmpint (answered[i] - started, >=, SYNC_DELAY_MS * 1000);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, N_POSTS);

  /* Group commit: the four later posts shared one sync after the first,
   * where one sync each would take N_POSTS delays. */
  for (guint i = 1; i < N_POSTS; i++)
    g_assert_cmpint (answered[i] - started, <, (N_POSTS - 1) * SYNC_DELAY_MS * 1000);
  g_assert_true (test_peer_wait_event (listener, NULL, 1, 5000) != NULL);
  g_assert_null (test_peer_find_event (listener, NULL, 3));

  for (guint i = 0; i < N_POSTS; i++)
    test_peer_free (posts[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conflation/paused-reader-gets-newest", test_paused_reader_gets_newest);
  g_test_add_func ("/conflation/stalled-reader-dropped", test_stalled_reader_dropped);
  g_test_add_func ("/conflation/answer-after-sync", test_answer_after_sync);

  return g_test_run ();
}
