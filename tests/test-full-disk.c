/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A full disk, made for real: the data file lives on a 64 KiB tmpfs in a
 * mount namespace of this test's own, filled up by a filler file.  The
 * headless hub is started on it and talked to as browsers do. */
#include <glib/gstdio.h>
#include <signal.h>

#include "hub-test.h"
#include "small-disk.h"
#include "sse-hub-person-store.h"

#define FULL_SENTENCE "The disk is full: the list is read-only until space returns"
#define SPACE_SENTENCE "The disk has space again: the list takes changes"

static char *disk;               /* the tmpfs, or NULL */
static const char *no_disk_reason;

static void
save_two_persons (const char *path)
{
  g_autoptr(SseHubPersonStore) store = sse_hub_person_store_new (path);
  g_autoptr(GError) error = NULL;
  const char *names[] = { "Ada", "Grace" };

  g_assert_true (sse_hub_person_store_load (store, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(SseHubPerson) person = NULL;

      sse_hub_person_store_add_async (store, names[i], 40, NULL, test_keep_result, &result);
      person = sse_hub_person_store_add_finish (store, test_wait_result (&result), &error);
      g_assert_no_error (error);
    }
  g_assert_true (sse_hub_person_store_flush (store, &error));
}

static GSubprocess *
spawn_hub (const char *path,
           guint      *port)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *hub = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                       G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                                       g_getenv ("SSE_HUB_BINARY"), "--headless",
                                       "--bind", "127.0.0.1", "--port", "0",
                                       "--data-file", path, NULL);

  g_assert_no_error (error);
  *port = test_read_hub_port (hub);
  return hub;
}

/* Waits, the main loop running, for this line on the hub's stderr; lines
 * of other kinds (the refusal summary) may come between. */
static void
wait_error_line (GDataInputStream *lines,
                 const char       *expected)
{
  for (;;)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *line = NULL;

      g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL,
                                           test_keep_result, &result);
      line = g_data_input_stream_read_line_finish_utf8 (lines, test_wait_result (&result),
                                                        NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_equal (line, expected))
        return;
      g_assert_true (g_str_has_prefix (line, "sse-hub: posts refused"));
    }
}

static TestResponse *
post_person (guint       port,
             const char *name)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"age\":30}", name);

  return test_http_post (port, TEST_JSON, body, -1);
}

static void
stop_hub (GSubprocess *hub)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (hub, SIGTERM);
  g_assert_true (g_subprocess_wait (hub, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (hub));
  g_assert_cmpint (g_subprocess_get_exit_status (hub), ==, 0);
}

static guint
count_saved (const char *path)
{
  g_autoptr(SseHubPersonStore) store = sse_hub_person_store_new (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (sse_hub_person_store_load (store, &error));
  g_assert_no_error (error);
  return g_list_model_get_n_items (G_LIST_MODEL (store));
}

static gboolean
check_disk (void)
{
  if (disk == NULL)
    {
      g_test_skip (no_disk_reason);
      return FALSE;
    }
  if (g_getenv ("SSE_HUB_BINARY") == NULL)
    {
      g_test_skip ("SSE_HUB_BINARY is not set");
      return FALSE;
    }
  return TRUE;
}

/* Full at start: the hub starts, serves the list it read, refuses changes
 * with the reason, and takes them once space returns. */
static void
test_full_at_start (void)
{
  g_autofree char *path = NULL;
  g_autofree char *filler = NULL;
  g_autoptr(GSubprocess) hub = NULL;
  g_autoptr(GDataInputStream) errors = NULL;
  g_autoptr(TestPeer) stream = NULL;
  g_autoptr(TestResponse) refused = NULL;
  g_autoptr(TestResponse) added = NULL;
  TestFrame *list;
  guint port;

  if (!check_disk ())
    return;

  path = g_build_filename (disk, "persons.jsonl", NULL);
  save_two_persons (path);
  filler = test_fill_disk (disk);

  hub = spawn_hub (path, &port);
  errors = g_data_input_stream_new (g_subprocess_get_stderr_pipe (hub));
  wait_error_line (errors, "sse-hub: " FULL_SENTENCE);

  stream = test_peer_open_stream (port, NULL);
  list = test_peer_wait_event (stream, NULL, 0, 5000);
  g_assert_nonnull (list);
  g_assert_nonnull (strstr (list->data, "\"Ada\""));
  g_assert_nonnull (strstr (list->data, "\"Grace\""));

  refused = post_person (port, "Linus");
  g_assert_cmpuint (refused->status, ==, 500);
  g_assert_nonnull (strstr (refused->body, FULL_SENTENCE));

  g_assert_cmpint (g_unlink (filler), ==, 0);
  wait_error_line (errors, "sse-hub: " SPACE_SENTENCE);

  added = post_person (port, "Linus");
  g_assert_cmpuint (added->status, ==, 200);
  list = test_peer_wait_event (stream, NULL, 1, 5000);
  g_assert_nonnull (list);
  g_assert_nonnull (strstr (list->data, "\"Linus\""));

  stop_hub (hub);
  g_assert_cmpuint (count_saved (path), ==, 3);
  g_unlink (path);
}

/* The disk fills while the hub runs: the change that hit it is refused,
 * the hub turns read-only, and writable again once there is space. */
static void
test_fills_while_running (void)
{
  g_autofree char *path = NULL;
  g_autofree char *filler = NULL;
  g_autoptr(GSubprocess) hub = NULL;
  g_autoptr(GDataInputStream) errors = NULL;
  g_autoptr(TestResponse) refused = NULL;
  g_autoptr(TestResponse) added = NULL;
  guint port, n_added = 0;

  if (!check_disk ())
    return;

  path = g_build_filename (disk, "persons.jsonl", NULL);
  hub = spawn_hub (path, &port);
  errors = g_data_input_stream_new (g_subprocess_get_stderr_pipe (hub));
  filler = test_fill_disk (disk);

  /* The journal's last page has room for a few lines still. */
  for (;;)
    {
      g_autofree char *name = g_strdup_printf ("person-%u", n_added);
      g_autoptr(TestResponse) response = post_person (port, name);

      if (response->status != 200)
        {
          g_assert_cmpuint (response->status, ==, 500);
          break;
        }
      g_assert_cmpuint (++n_added, <, 1000);
    }
  wait_error_line (errors, "sse-hub: " FULL_SENTENCE);

  refused = post_person (port, "late");
  g_assert_cmpuint (refused->status, ==, 500);
  g_assert_nonnull (strstr (refused->body, FULL_SENTENCE));

  g_assert_cmpint (g_unlink (filler), ==, 0);
  wait_error_line (errors, "sse-hub: " SPACE_SENTENCE);

  added = post_person (port, "late");
  g_assert_cmpuint (added->status, ==, 200);

  stop_hub (hub);
  g_assert_cmpuint (count_saved (path), ==, n_added + 1);
  g_unlink (path);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  disk = test_mount_small_disk (&no_disk_reason);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/full-disk/at-start", test_full_at_start);
  g_test_add_func ("/full-disk/while-running", test_fills_while_running);

  status = g_test_run ();
  test_unmount_small_disk (disk);
  return status;
}
