/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The list's wire text is assembled from each person's cached text: it must
 * stay byte for byte what json-glib writes for the same list, whatever
 * the names and whatever mix of changes made it; and however many persons
 * one sync adds, the streams get one list for it. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "hub-test.h"
#include "sse-hub-wire.h"

/* Names that need escaping or are more than one byte a character: quotes,
 * backslashes, a slash, HTML, emoji (with a joiner and a skin tone),
 * right-to-left text and marks, a line separator, CJK. */
static const char *const tricky_names[] = {
  "Ada \"the\" Countess",
  "back\\slash\\\\",
  "a/b </script>",
  "<b>&amp;</b>",
  "👩🏽‍💻 Zoë",
  "שלום עולם",
  "مرحبا \u200f(1)\u200e",
  "line\u2028sep\u2029para",
  "李小龙",
  "'single' `tick`",
};

static char *
json_glib_person (const char *name,
                  gint64      age)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "age");
  json_builder_add_int_value (builder, age);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* What the store used to build for every change: a node tree of the whole
 * list, then a generator pass. */
static char *
json_glib_list (GListModel *persons)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (persons); i++)
    {
      g_autoptr(SseHubPerson) person = g_list_model_get_item (persons, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, sse_hub_person_get_name (person));
      json_builder_set_member_name (builder, "age");
      json_builder_add_int_value (builder, sse_hub_person_get_age (person));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
assert_list_text (SseHubPersonStore *store)
{
  g_autofree char *expected = json_glib_list (G_LIST_MODEL (store));

  g_assert_cmpstr (sse_hub_person_store_get_json (store), ==, expected);
}

/* The store refuses control characters in names, but a person's own text
 * must still be right for them. */
static void
test_person_text (void)
{
  const char *const more[] = { "tab\there", "nl\ncr\r", "nul-less \x01\x1f\x7f", "\xc2\x85 c1" };

  for (guint i = 0; i < G_N_ELEMENTS (tricky_names); i++)
    {
      g_autoptr(SseHubPerson) person = sse_hub_person_new (tricky_names[i], i);
      g_autofree char *expected = json_glib_person (tricky_names[i], i);

      g_assert_cmpstr (sse_hub_person_get_json (person), ==, expected);
    }
  for (guint i = 0; i < G_N_ELEMENTS (more); i++)
    {
      g_autoptr(SseHubPerson) person = sse_hub_person_new (more[i], 150);
      g_autofree char *expected = json_glib_person (more[i], 150);

      g_assert_cmpstr (sse_hub_person_get_json (person), ==, expected);
    }
}

typedef struct
{
  guint pending;
} Outstanding;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Outstanding *outstanding = user_data;
  SseHubPersonStore *store = SSE_HUB_PERSON_STORE (source);
  g_autoptr(SseHubPerson) person = NULL;
  g_autoptr(GError) error = NULL;

  if (g_async_result_is_tagged (result, sse_hub_person_store_add_by_async))
    person = sse_hub_person_store_add_finish (store, result, &error);
  else if (g_async_result_is_tagged (result, sse_hub_person_store_remove_async))
    sse_hub_person_store_remove_finish (store, result, &error);
  else
    sse_hub_person_store_clear_finish (store, result, &error);
  g_assert_no_error (error);
  outstanding->pending--;
}

static gboolean
none_outstanding (gpointer data)
{
  return ((Outstanding *) data)->pending == 0;
}

/* Random changes, a few at a time before waiting (so some share a sync),
 * as the audience and the presenter make them: adds, removals anywhere,
 * Clear All, and Undo, which adds what was taken back at the end in its
 * order, as the window does. */
static void
run_mixes (SseHubPersonStore *store,
           guint              seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GPtrArray) taken = g_ptr_array_new_with_free_func (g_object_unref);
  Outstanding outstanding = { 0 };

  for (guint round = 0; round < 120; round++)
    {
      guint n_ops = g_rand_int_range (rand, 1, 6);
      guint len = g_list_model_get_n_items (G_LIST_MODEL (store));

      for (guint op = 0; op < n_ops; op++)
        {
          guint dice = g_rand_int_range (rand, 0, 100);

          outstanding.pending++;
          if (dice < 8 && len > 0)
            {
              /* Clear All, remembered for Undo. */
              g_ptr_array_set_size (taken, 0);
              for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
                g_ptr_array_add (taken, g_list_model_get_item (G_LIST_MODEL (store), i));
              sse_hub_person_store_clear_async (store, NULL, on_done, &outstanding);
              break;
            }
          else if (dice < 30 && len > 0)
            {
              guint position = g_rand_int_range (rand, 0, len);

              g_ptr_array_set_size (taken, 0);
              g_ptr_array_add (taken, g_list_model_get_item (G_LIST_MODEL (store), position));
              sse_hub_person_store_remove_async (store, position, NULL, on_done, &outstanding);
              break;
            }
          else if (dice < 40 && taken->len > 0)
            {
              outstanding.pending--;
              for (guint i = 0; i < taken->len; i++)
                {
                  SseHubPerson *person = g_ptr_array_index (taken, i);

                  outstanding.pending++;
                  sse_hub_person_store_add_async (store, sse_hub_person_get_name (person),
                                                  sse_hub_person_get_age (person), NULL, on_done,
                                                  &outstanding);
                }
              g_ptr_array_set_size (taken, 0);
            }
          else
            {
              const char *name = tricky_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (tricky_names))];

              sse_hub_person_store_add_async (store, name, g_rand_int_range (rand, 0, 151), NULL,
                                              on_done, &outstanding);
            }
        }

      g_assert_true (test_pump_until (none_outstanding, &outstanding, 10000));
      assert_list_text (store);
    }
}

static void
test_mixes_memory (void)
{
  SseHubPersonStore *store = sse_hub_person_store_new (NULL);

  assert_list_text (store);
  run_mixes (store, 1);
  run_mixes (store, 2);
  g_assert_finalize_object (store);
}

static void
test_mixes_journal (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "persons.jsonl", NULL);
  g_autoptr(GError) error = NULL;
  SseHubPersonStore *store = sse_hub_person_store_new (path);
  g_autofree char *before = NULL;

  g_assert_true (sse_hub_person_store_load (store, &error));
  run_mixes (store, 3);
  before = g_strdup (sse_hub_person_store_get_json (store));
  g_assert_finalize_object (store);

  /* Reloaded from the journal: the persons' texts made afresh. */
  store = sse_hub_person_store_new (path);
  g_assert_true (sse_hub_person_store_load (store, &error));
  g_assert_cmpstr (sse_hub_person_store_get_json (store), ==, before);
  assert_list_text (store);
  g_assert_finalize_object (store);
  test_remove_dir (dir);
}

static void
count_revisions (GObject    *store,
                 GParamSpec *pspec,
                 guint      *n)
{
  (*n)++;
}

static void
on_added (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SseHubPerson) person = NULL;
  g_autoptr(GError) error = NULL;

  person = sse_hub_server_add_person_finish (SSE_HUB_SERVER (source), result, &error);
  g_assert_no_error (error);
  (*(guint *) user_data)--;
}

static gboolean
zero (gpointer data)
{
  return *(guint *) data == 0;
}

typedef struct
{
  TestPeer   *peer;
  const char *json;
} ListWait;

static gboolean
has_list (gpointer data)
{
  ListWait *wait = data;

  for (guint i = 0; i < wait->peer->frames->len; i++)
    {
      TestFrame *frame = g_ptr_array_index (wait->peer->frames, i);

      if (frame->event == NULL && g_strcmp0 (frame->data, wait->json) == 0)
        return TRUE;
    }
  return FALSE;
}

/* 60 persons in one go while every sync takes 300 ms: two syncs at most
 * (the first may take the first person alone), so two list frames at most,
 * each logged after the requests that made it. */
#define N_BATCHED 60

static void
test_one_frame_per_batch (void)
{
  g_autoptr(TestHub) hub = NULL;
  g_autoptr(TestPeer) peer = NULL;
  SseHubEventLog *log;
  guint n_revisions = 0;
  guint pending = N_BATCHED;
  guint lists_before;
  guint last_add = 0;
  guint last_list = 0;
  ListWait wait;

  g_setenv ("SSE_HUB_TEST_SYNC_DELAY_MS", "300", TRUE);
  hub = test_hub_new ();
  g_unsetenv ("SSE_HUB_TEST_SYNC_DELAY_MS");
  log = sse_hub_server_get_log (hub->server);
  peer = test_peer_open_stream (hub->port, NULL);
  test_peer_hello_id (peer);
  g_assert_true (test_peer_wait_frames (peer, 2, 5000));
  lists_before = test_peer_count_events (peer, NULL);

  g_signal_connect (hub->store, "notify::revision", G_CALLBACK (count_revisions), &n_revisions);
  for (guint i = 0; i < N_BATCHED; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s %u", tricky_names[i % G_N_ELEMENTS (tricky_names)], i);

      sse_hub_server_add_person_async (hub->server, name, i, NULL, on_added, &pending);
    }
  g_assert_true (test_pump_until (zero, &pending, 10000));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, N_BATCHED);
  wait.peer = peer;
  wait.json = sse_hub_person_store_get_json (hub->store);
  g_assert_true (test_pump_until (has_list, &wait, 5000));
  test_pump (100);

  g_assert_cmpuint (n_revisions, >=, 1);
  g_assert_cmpuint (n_revisions, <=, 2);
  g_assert_cmpuint (test_peer_count_events (peer, NULL) - lists_before, <=, n_revisions);
  g_signal_handlers_disconnect_by_data (hub->store, &n_revisions);

  /* Cause before effect: no "added" after the last list went out. */
  sse_hub_event_log_flush (log);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (log)); i++)
    {
      g_autoptr(SseHubLogEntry) entry = g_list_model_get_item (G_LIST_MODEL (log), i);

      if (sse_hub_log_entry_get_kind (entry) == SSE_HUB_LOG_REQUEST &&
          g_strcmp0 (sse_hub_log_entry_get_event_name (entry), "add") == 0)
        last_add = i;
      else if (sse_hub_log_entry_get_kind (entry) == SSE_HUB_LOG_PERSONS)
        last_list = i;
    }
  g_assert_cmpuint (last_add, >, 0);
  g_assert_cmpuint (last_add, <, last_list);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/person-list-text/person-text", test_person_text);
  g_test_add_func ("/person-list-text/mixes-memory", test_mixes_memory);
  g_test_add_func ("/person-list-text/mixes-journal", test_mixes_journal);
  g_test_add_func ("/person-list-text/one-frame-per-batch", test_one_frame_per_batch);

  return g_test_run ();
}
