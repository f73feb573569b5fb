/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The person list's file: the three lines as written, read back by the
 * same file, and a journal written by the store replaying to its list. */
#include <string.h>

#include "hub-test.h"
#include "sse-hub-journal-format.h"

static char *
names_of (GPtrArray *persons)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < persons->len; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? "," : "",
                            sse_hub_person_get_json (g_ptr_array_index (persons, i)));
  return g_string_free (names, FALSE);
}

static void
test_lines (void)
{
  g_autoptr(SseHubPerson) person = sse_hub_person_new ("Zoë \"Z\" \\ 👩🏽‍💻", 150);
  g_autofree char *add = sse_hub_journal_add_line (person);
  g_autofree char *remove = sse_hub_journal_remove_line (4294967295u);
  g_autofree char *clear = sse_hub_journal_clear_line ();

  g_assert_cmpstr (add, ==, "{\"op\":\"add\",\"name\":\"Zoë \\\"Z\\\" \\\\ 👩🏽‍💻\",\"age\":150}\n");
  g_assert_cmpstr (remove, ==, "{\"op\":\"remove\",\"index\":4294967295}\n");
  g_assert_cmpstr (clear, ==, "{\"op\":\"clear\"}\n");
}

/* Lines made by the writers, read by the reader. */
static void
test_replay_own_lines (void)
{
  g_autoptr(GPtrArray) persons = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) journal = g_string_new (NULL);
  g_autofree char *names = NULL;
  const char *const written[] = { "Ada", "שלום", "back\\slash", "\"q\"", "李" };

  for (guint i = 0; i < G_N_ELEMENTS (written); i++)
    {
      g_autoptr(SseHubPerson) person = sse_hub_person_new (written[i], i);
      g_autofree char *line = sse_hub_journal_add_line (person);

      g_string_append (journal, line);
      if (i == 1)
        {
          g_autofree char *clear = sse_hub_journal_clear_line ();

          g_string_append (journal, clear);
        }
    }
  {
    g_autofree char *remove = sse_hub_journal_remove_line (1);

    g_string_append (journal, remove);
  }

  g_assert_cmpuint (sse_hub_journal_replay (persons, journal->str, journal->len), ==, 0);
  names = names_of (persons);
  g_assert_cmpstr (names, ==, "{\"name\":\"back\\\\slash\",\"age\":2},{\"name\":\"李\",\"age\":4}");
}

static void
test_compact_round_trip (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "persons.jsonl", NULL);
  g_autoptr(GPtrArray) persons = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize length;

  g_ptr_array_add (persons, sse_hub_person_new ("Ada", 36));
  g_ptr_array_add (persons, sse_hub_person_new ("مرحبا", 7));
  g_assert_true (sse_hub_journal_write_compact (path, persons, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_cmpstr (contents, ==,
                   "{\"op\":\"add\",\"name\":\"Ada\",\"age\":36}\n"
                   "{\"op\":\"add\",\"name\":\"مرحبا\",\"age\":7}\n");
  g_assert_cmpuint (sse_hub_journal_replay (again, contents, length), ==, 0);
  before = names_of (persons);
  after = names_of (again);
  g_assert_cmpstr (after, ==, before);

  test_remove_dir (dir);
}

static void
change_and_wait (SseHubPersonStore *store,
                 const char        *op,
                 const char        *name,
                 guint              number)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (g_str_equal (op, "add"))
    {
      g_autoptr(SseHubPerson) person = NULL;

      sse_hub_person_store_add_async (store, name, number, NULL, test_keep_result, &result);
      person = sse_hub_person_store_add_finish (store, test_wait_result (&result), &error);
    }
  else if (g_str_equal (op, "remove"))
    {
      sse_hub_person_store_remove_async (store, number, NULL, test_keep_result, &result);
      sse_hub_person_store_remove_finish (store, test_wait_result (&result), &error);
    }
  else
    {
      sse_hub_person_store_clear_async (store, NULL, test_keep_result, &result);
      sse_hub_person_store_clear_finish (store, test_wait_result (&result), &error);
    }
  g_assert_no_error (error);
}

/* The journal as the store wrote it, before any compaction, replays to the
 * list the store held. */
static void
test_store_journal_replays (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "persons.jsonl", NULL);
  g_autoptr(GPtrArray) replayed = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *list = NULL;
  g_autofree char *expected = NULL;
  SseHubPersonStore *store = sse_hub_person_store_new (path);
  gsize length;

  g_assert_true (sse_hub_person_store_load (store, &error));
  change_and_wait (store, "add", "Ada \"A\"", 36);
  change_and_wait (store, "add", "back\\slash", 1);
  change_and_wait (store, "add", "👩🏽‍💻", 2);
  change_and_wait (store, "remove", NULL, 1);
  change_and_wait (store, "clear", NULL, 0);
  /* Undo of the clear: the persons come back at the end, in order. */
  change_and_wait (store, "add", "Ada \"A\"", 36);
  change_and_wait (store, "add", "👩🏽‍💻", 2);
  change_and_wait (store, "add", "שלום", 3);
  change_and_wait (store, "remove", NULL, 0);
  expected = g_strdup (sse_hub_person_store_get_json (store));
  g_assert_finalize_object (store);

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_nonnull (strstr (contents, "{\"op\":\"clear\"}\n"));
  g_assert_nonnull (strstr (contents, "{\"op\":\"remove\",\"index\":1}\n"));
  g_assert_cmpuint (sse_hub_journal_replay (replayed, contents, length), ==, 0);
  list = names_of (replayed);
  g_assert_cmpstr (list, ==, "{\"name\":\"👩🏽‍💻\",\"age\":2},{\"name\":\"שלום\",\"age\":3}");
  g_assert_true (g_str_has_suffix (expected, "]"));
  g_assert_nonnull (strstr (expected, list));
  g_assert_cmpuint (strlen (expected), ==, strlen (list) + 2);

  test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/journal/lines", test_lines);
  g_test_add_func ("/journal/replay-own-lines", test_replay_own_lines);
  g_test_add_func ("/journal/compact-round-trip", test_compact_round_trip);
  g_test_add_func ("/journal/store-journal-replays", test_store_journal_replays);

  return g_test_run ();
}
