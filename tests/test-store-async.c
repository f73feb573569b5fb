/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The store's and the server's changes, the GIO way: each operation has
 * its _finish, refusals come through it, the callback never runs inside
 * the call, and a cancellable works as GIO's do. */
#include <string.h>

#include "hub-test.h"
#include "sse-hub-wire.h"

static void
test_store_finish_each (void)
{
  SseHubPersonStore *store = sse_hub_person_store_new (NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SseHubPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  guint64 revision = sse_hub_person_store_get_revision (store);

  sse_hub_person_store_add_async (store, "  Ada  ", 36, NULL, test_keep_result, &result);
  /* Never inside the call, even with nothing to save. */
  g_assert_null (result);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  person = sse_hub_person_store_add_finish (store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sse_hub_person_get_name (person), ==, "Ada");
  g_assert_cmpuint (sse_hub_person_store_get_revision (store), ==, revision + 1);
  g_clear_object (&result);

  sse_hub_person_store_remove_async (store, 0, NULL, test_keep_result, &result);
  g_assert_null (result);
  g_assert_true (sse_hub_person_store_remove_finish (store, test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_clear_object (&result);

  /* An empty list clears without a new revision. */
  sse_hub_person_store_clear_async (store, NULL, test_keep_result, &result);
  g_assert_null (result);
  g_assert_true (sse_hub_person_store_clear_finish (store, test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sse_hub_person_store_get_revision (store), ==, revision + 2);
  g_clear_object (&result);

  g_assert_finalize_object (store);
}

static void
test_store_refusals (void)
{
  SseHubPersonStore *store = sse_hub_person_store_new (NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(SseHubPerson) person = NULL;
  g_autoptr(GError) error = NULL;

  sse_hub_person_store_add_async (store, "a\x1b[31m", 3, NULL, test_keep_result, &result);
  person = sse_hub_person_store_add_finish (store, test_wait_result (&result), &error);
  g_assert_null (person);
  g_assert_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_NAME);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Checked against the list as it will be: the second of two adds into
   * a list with room for one is refused before the first is saved. */
  sse_hub_person_store_set_max_persons (store, 1);
  sse_hub_person_store_add_async (store, "One", 1, NULL, test_keep_result, &result);
  sse_hub_person_store_add_async (store, "Two", 2, NULL, test_keep_result, &second);
  person = sse_hub_person_store_add_finish (store, test_wait_result (&second), &error);
  g_assert_null (person);
  g_assert_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_STORE_FULL);
  g_clear_error (&error);
  person = sse_hub_person_store_add_finish (store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&person);
  g_clear_object (&result);

  sse_hub_person_store_remove_async (store, 1, NULL, test_keep_result, &result);
  g_assert_false (sse_hub_person_store_remove_finish (store, test_wait_result (&result), &error));
  g_assert_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_NOT_FOUND);
  g_clear_object (&result);
  g_clear_object (&second);

  g_assert_finalize_object (store);
}

static void
test_store_cancelled_before (void)
{
  SseHubPersonStore *store = sse_hub_person_store_new (NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SseHubPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  guint64 revision = sse_hub_person_store_get_revision (store);

  g_cancellable_cancel (cancellable);
  sse_hub_person_store_add_async (store, "Ada", 36, cancellable, test_keep_result, &result);
  person = sse_hub_person_store_add_finish (store, test_wait_result (&result), &error);
  g_assert_null (person);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&result);
  test_pump (50);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_cmpuint (sse_hub_person_store_get_revision (store), ==, revision);

  sse_hub_person_store_clear_async (store, cancellable, test_keep_result, &result);
  g_assert_false (sse_hub_person_store_clear_finish (store, test_wait_result (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&result);

  g_assert_finalize_object (store);
}

/* Cancelled while the disk is busy: the change is saved all the same (it
 * may already be in the file), but its caller hears "cancelled". */
static void
test_store_cancelled_while_saving (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "persons.jsonl", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SseHubPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  SseHubPersonStore *store = sse_hub_person_store_new (path);

  g_setenv ("SSE_HUB_TEST_SYNC_DELAY_MS", "200", TRUE);
  g_assert_true (sse_hub_person_store_load (store, &error));
  g_unsetenv ("SSE_HUB_TEST_SYNC_DELAY_MS");

  sse_hub_person_store_add_async (store, "Ada", 36, cancellable, test_keep_result, &result);
  test_pump (20);
  g_cancellable_cancel (cancellable);
  person = sse_hub_person_store_add_finish (store, test_wait_result (&result), &error);
  g_assert_null (person);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
  g_clear_object (&result);

  g_assert_finalize_object (store);
  test_remove_dir (dir);
}

/* The server's three operations, each with its _finish, logged once saved;
 * a cancelled one before it is queued changes and logs nothing. */
static void
test_server_finish_each (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  SseHubEventLog *log = sse_hub_server_get_log (hub->server);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SseHubPerson) person = NULL;
  g_autoptr(GError) error = NULL;

  sse_hub_server_add_person_async (hub->server, "Ada \"A\"", 36, NULL, test_keep_result, &result);
  g_assert_null (result);
  person = sse_hub_server_add_person_finish (hub->server, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sse_hub_person_get_name (person), ==, "Ada \"A\"");
  g_assert_cmpstr (test_find_log_text (log, SSE_HUB_LOG_REQUEST, "add"), ==, "presenter added {\"name\":\"Ada \\\"A\\\"\",\"age\":36}");
  g_clear_object (&result);
  g_clear_object (&person);

  g_cancellable_cancel (cancellable);
  sse_hub_server_add_person_async (hub->server, "Bob", 7, cancellable, test_keep_result, &result);
  person = sse_hub_server_add_person_finish (hub->server, test_wait_result (&result), &error);
  g_assert_null (person);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&result);
  test_pump (50);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 1);
  g_assert_null (strstr (test_find_log_text (log, SSE_HUB_LOG_REQUEST, "add"), "Bob"));

  sse_hub_server_remove_person_async (hub->server, 3, NULL, test_keep_result, &result);
  g_assert_false (sse_hub_server_remove_person_finish (hub->server, test_wait_result (&result), &error));
  g_assert_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_NOT_FOUND);
  g_assert_null (test_find_log_text (log, SSE_HUB_LOG_REQUEST, "remove"));
  g_clear_error (&error);
  g_clear_object (&result);

  test_hub_add (hub, "Cy", 9);
  sse_hub_server_remove_person_async (hub->server, 0, NULL, test_keep_result, &result);
  g_assert_true (sse_hub_server_remove_person_finish (hub->server, test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (test_find_log_text (log, SSE_HUB_LOG_REQUEST, "remove"), ==,
                   "presenter removed {\"name\":\"Ada \\\"A\\\"\",\"age\":36}");
  g_clear_object (&result);

  sse_hub_server_clear_persons_async (hub->server, NULL, test_keep_result, &result);
  g_assert_true (sse_hub_server_clear_persons_finish (hub->server, test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (test_find_log_text (log, SSE_HUB_LOG_REQUEST, "clear"), ==, "presenter cleared 1 person");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 0);
}

/* An audience post the store refuses (the list full) takes back what it
 * counted against its address, so it can post once there is room. */
static void
test_refused_post_not_counted (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestResponse) full = NULL;
  g_autoptr(TestResponse) room = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *body = "{\"name\":\"Eve\",\"age\":30}";
  g_autofree char *foreign = g_strdup_printf ("POST /addPerson HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                              "Origin: http://elsewhere.example\r\n"
                                              "Content-Type: application/json\r\n"
                                              "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                                              strlen (body), body);

  g_object_set (hub->server, "trust-local", FALSE, "max-persons-per-address", 1, NULL);
  sse_hub_person_store_set_max_persons (hub->store, 1);
  test_hub_add (hub, "One", 1);

  full = test_http_raw (hub->port, foreign, strlen (foreign));
  g_assert_cmpuint (full->status, ==, 507);

  sse_hub_server_clear_persons_async (hub->server, NULL, test_keep_result, &result);
  g_assert_true (sse_hub_server_clear_persons_finish (hub->server, test_wait_result (&result), &error));
  room = test_http_raw (hub->port, foreign, strlen (foreign));
  g_assert_cmpuint (room->status, ==, 200);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store-async/store-finish-each", test_store_finish_each);
  g_test_add_func ("/store-async/store-refusals", test_store_refusals);
  g_test_add_func ("/store-async/store-cancelled-before", test_store_cancelled_before);
  g_test_add_func ("/store-async/store-cancelled-while-saving", test_store_cancelled_while_saving);
  g_test_add_func ("/store-async/server-finish-each", test_server_finish_each);
  g_test_add_func ("/store-async/refused-post-not-counted", test_refused_post_not_counted);

  return g_test_run ();
}
