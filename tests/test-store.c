/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "hub-test.h"
#include "sse-hub-wire.h"

static SseHubPersonStore *
load_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  SseHubPersonStore *store = sse_hub_person_store_new (path);

  g_assert_true (sse_hub_person_store_load (store, &error));
  g_assert_no_error (error);
  return store;
}

static void
assert_names (SseHubPersonStore *store,
              const char        *expected)
{
  g_autoptr(GString) names = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SseHubPerson) person = g_list_model_get_item (G_LIST_MODEL (store), i);

      g_string_append_printf (names, "%s%s:%" G_GINT64_FORMAT, i > 0 ? "," : "",
                              sse_hub_person_get_name (person), sse_hub_person_get_age (person));
    }
  g_assert_cmpstr (names->str, ==, expected);
}

static void
add_person (SseHubPersonStore *store,
            const char        *name,
            gint64             age)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SseHubPerson) person = NULL;

  sse_hub_person_store_add_async (store, name, age, NULL, test_keep_result, &result);
  person = sse_hub_person_store_add_finish (store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (person);
}

static void
test_round_trip (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "sub", "persons.jsonl", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  SseHubPersonStore *store = load_store (path);
  SseHubPersonStore *again;
  guint64 revision = sse_hub_person_store_get_revision (store);

  add_person (store, "Ada", 36);
  add_person (store, "李小龙 <b>x</b>", 32);
  add_person (store, "Bob", 7);
  add_person (store, "Cy", 9);
  sse_hub_person_store_remove_async (store, 2, NULL, test_keep_result, &result);
  g_assert_true (sse_hub_person_store_remove_finish (store, test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (sse_hub_person_store_get_revision (store), ==, revision + 5);
  g_assert_cmpstr (sse_hub_person_store_get_json (store), ==,
                   "[{\"name\":\"Ada\",\"age\":36},{\"name\":\"李小龙 <b>x</b>\",\"age\":32},"
                   "{\"name\":\"Cy\",\"age\":9}]");

  /* No flush: the journal alone must carry every change. */
  g_assert_finalize_object (store);
  again = load_store (path);
  assert_names (again, "Ada:36,李小龙 <b>x</b>:32,Cy:9");

  sse_hub_person_store_clear_async (again, NULL, test_keep_result, &result);
  g_assert_true (sse_hub_person_store_clear_finish (again, test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_true (sse_hub_person_store_flush (again, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (again);
  again = load_store (path);
  assert_names (again, "");
  g_assert_finalize_object (again);

  g_clear_pointer (&path, g_free);
  path = g_build_filename (dir, "sub", NULL);
  test_remove_dir (path);
  test_remove_dir (dir);
}

static guint
count_damaged (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (handle)) != NULL)
    n += strstr (name, ".damaged-") != NULL;

  return n;
}

static void
test_corrupt_file (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "persons.jsonl", NULL);
  const char *damaged =
    "{\"op\":\"add\",\"name\":\"Ada\",\"age\":36}\n"
    "garbage that is not json\n"
    "{\"op\":\"add\",\"name\":\"\",\"age\":3}\n"
    "{\"op\":\"add\",\"name\":\"Bob\",\"age\":999}\n"
    "{\"op\":\"remove\",\"index\":42}\n"
    "\xff\xfe\n"
    "{\"op\":\"add\",\"name\":\"Cy\",\"age\":9}\n"
    "{\"op\":\"add\",\"name\":\"Tru";
  g_autoptr(GError) error = NULL;
  SseHubPersonStore *store;

  g_assert_true (g_file_set_contents (path, damaged, -1, &error));

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "*damaged*");
  store = load_store (path);
  g_test_assert_expected_messages ();

  assert_names (store, "Ada:36,Cy:9");
  g_assert_cmpuint (count_damaged (dir), ==, 1);

  /* The rewritten file is clean and takes new writes. */
  add_person (store, "Dee", 4);
  g_assert_finalize_object (store);
  store = load_store (path);
  assert_names (store, "Ada:36,Cy:9,Dee:4");
  g_assert_cmpuint (count_damaged (dir), ==, 1);
  g_assert_finalize_object (store);

  test_remove_dir (dir);
}

static void
test_empty_and_binary_files (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "persons.jsonl", NULL);
  g_autoptr(GError) error = NULL;
  const char binary[] = { 0, 1, 2, 3, '\n', 0 };
  SseHubPersonStore *store;

  g_assert_true (g_file_set_contents (path, "", 0, &error));
  store = load_store (path);
  assert_names (store, "");
  g_assert_finalize_object (store);

  g_assert_true (g_file_set_contents (path, binary, sizeof binary, &error));
  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "*damaged*");
  store = load_store (path);
  g_test_assert_expected_messages ();
  assert_names (store, "");
  g_assert_finalize_object (store);

  test_remove_dir (dir);
}

static void
test_storage_failure_leaves_state (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "persons.jsonl", NULL);
  g_autoptr(GError) error = NULL;
  SseHubPersonStore *store = load_store (path);
  g_autoptr(SseHubPerson) person = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  /* A path that is a directory can be neither read nor appended to. */
  g_assert_finalize_object (store);
  store = sse_hub_person_store_new (dir);
  g_assert_false (sse_hub_person_store_load (store, &error));
  g_assert_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_STORAGE);
  g_clear_error (&error);

  sse_hub_person_store_add_async (store, "Ada", 36, NULL, test_keep_result, &result);
  person = sse_hub_person_store_add_finish (store, test_wait_result (&result), &error);
  g_assert_null (person);
  g_assert_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_STORAGE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_clear_object (&result);
  g_assert_finalize_object (store);

  test_remove_dir (dir);
}

static GSubprocess *
spawn_hub (const char *path,
           const char *port)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                           g_getenv ("SSE_HUB_BINARY"), "--headless",
                                           "--bind", "127.0.0.1", "--port", port,
                                           "--data-file", path, NULL);

  g_assert_no_error (error);
  return process;
}

/* A person answered with 200 is on disk: SIGKILL right after the answer
 * (no flush, no shutdown) must not lose it. */
static void
test_crash_after_ok (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "persons.jsonl", NULL);
  g_autoptr(GString) expected = g_string_new (NULL);

  if (g_getenv ("SSE_HUB_BINARY") == NULL)
    {
      g_test_skip ("SSE_HUB_BINARY is not set");
      return;
    }

  for (guint round = 0; round < 5; round++)
    {
      g_autoptr(GSubprocess) hub = spawn_hub (path, "0");
      g_autoptr(GError) error = NULL;
      guint port = test_read_hub_port (hub);
      g_autofree char *body = g_strdup_printf ("{\"name\":\"crash-%u\",\"age\":%u}", round, round);
      g_autoptr(TestResponse) response = test_http_post (port, "application/json", body, -1);

      g_assert_cmpuint (response->status, ==, 200);
      g_subprocess_send_signal (hub, SIGKILL);
      g_subprocess_wait (hub, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_subprocess_get_term_sig (hub), ==, SIGKILL);

      g_string_append_printf (expected, "%scrash-%u:%u", round > 0 ? "," : "", round, round);
    }

  {
    g_autoptr(SseHubPersonStore) store = load_store (path);

    assert_names (store, expected->str);
  }

  test_remove_dir (dir);
}

static void
test_headless_lifecycle (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "persons.jsonl", NULL);
  g_autoptr(GSubprocess) hub = NULL;
  g_autoptr(GSubprocess) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port_text = NULL;
  g_autofree char *second_err = NULL;
  guint port;

  if (g_getenv ("SSE_HUB_BINARY") == NULL)
    {
      g_test_skip ("SSE_HUB_BINARY is not set");
      return;
    }

  hub = spawn_hub (path, "0");
  port = test_read_hub_port (hub);
  port_text = g_strdup_printf ("%u", port);

  /* A port in use: one line on stderr and exit status 1. */
  second = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                             &error, g_getenv ("SSE_HUB_BINARY"), "--headless",
                             "--bind", "127.0.0.1", "--port", port_text,
                             "--data-file", path, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (second, NULL, NULL, NULL, &second_err, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (second), ==, 1);
  g_assert_nonnull (strstr (second_err, "already in use"));
  g_assert_cmpuint (strlen (second_err), ==, strchr (second_err, '\n') - second_err + 1);

  /* SIGTERM: clean exit 0. */
  g_subprocess_send_signal (hub, SIGTERM);
  g_assert_true (g_subprocess_wait (hub, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (hub));
  g_assert_cmpint (g_subprocess_get_exit_status (hub), ==, 0);

  test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/round-trip", test_round_trip);
  g_test_add_func ("/store/corrupt-file", test_corrupt_file);
  g_test_add_func ("/store/empty-and-binary", test_empty_and_binary_files);
  g_test_add_func ("/store/storage-failure", test_storage_failure_leaves_state);
  g_test_add_func ("/store/crash-after-ok", test_crash_after_ok);
  g_test_add_func ("/store/headless-lifecycle", test_headless_lifecycle);

  return g_test_run ();
}
