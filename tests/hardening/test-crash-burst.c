/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The hub killed with SIGKILL at random moments during bursts of posts,
 * many times over: the data file always loads, and every person that was
 * answered 200 is in it. */
#include <signal.h>
#include <string.h>

#include "hub-test.h"

#define ROUNDS     15
#define BURST      24

static gboolean
contains_name (SseHubPersonStore *store,
               const char        *name)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SseHubPerson) person = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (g_str_equal (sse_hub_person_get_name (person), name))
        return TRUE;
    }

  return FALSE;
}

static void
test_crash_during_bursts (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "persons.jsonl", NULL);
  g_autoptr(GPtrArray) acknowledged = g_ptr_array_new_with_free_func (g_free);
  guint total_sent = 0;

  for (guint round = 0; round < ROUNDS; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) hub = NULL;
      g_autoptr(GPtrArray) peers = g_ptr_array_new_with_free_func ((GDestroyNotify) test_peer_free);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(SseHubPersonStore) store = NULL;
      guint kill_after_ms = g_test_rand_int_range (0, 50);
      guint port;

      hub = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              g_getenv ("SSE_HUB_BINARY"), "--headless", "--bind", "127.0.0.1",
                              "--port", "0", "--data-file", path, "--rate-limit", "0",
                              "--max-persons", "100000", NULL);
      g_assert_no_error (error);
      port = test_read_hub_port (hub);

      /* Every post on its own connection, all at once. */
      for (guint i = 0; i < BURST; i++)
        {
          char *name = g_strdup_printf ("r%u-p%u", round, i);
          g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"age\":%u}", name, i);
          g_autofree char *request = g_strdup_printf ("POST /addPerson HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                      "Content-Type: application/json\r\n"
                                                      "Content-Length: %zu\r\n\r\n%s",
                                                      strlen (body), body);

          g_ptr_array_add (names, name);
          g_ptr_array_add (peers, test_peer_connect (port, request));
        }
      total_sent += BURST;

      test_pump (kill_after_ms);
      g_subprocess_send_signal (hub, SIGKILL);
      g_assert_true (g_subprocess_wait (hub, NULL, &error));
      g_assert_no_error (error);

      /* Whatever answer reached us was sent before the kill. */
      test_pump (100);
      for (guint i = 0; i < BURST; i++)
        {
          TestPeer *peer = g_ptr_array_index (peers, i);

          if (peer->status == 200)
            g_ptr_array_add (acknowledged, g_strdup (g_ptr_array_index (names, i)));
          else
            g_assert_cmpuint (peer->status, ==, 0);
        }

      store = sse_hub_person_store_new (path);
      sse_hub_person_store_set_max_persons (store, 100000);
      g_assert_true (sse_hub_person_store_load (store, &error));
      g_assert_no_error (error);
      for (guint i = 0; i < acknowledged->len; i++)
        if (!contains_name (store, g_ptr_array_index (acknowledged, i)))
          g_error ("round %u: %s was answered 200 but is not in the file",
                   round, (char *) g_ptr_array_index (acknowledged, i));
    }

  g_test_message ("%u posts, %u answered 200 before a kill, all of them kept",
                  total_sent, acknowledged->len);
  /* Some answers must have come back, or nothing was tested. */
  g_assert_cmpuint (acknowledged->len, >, 0);

  test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("SSE_HUB_BINARY") == NULL)
    g_error ("SSE_HUB_BINARY must name the sse-hub executable");

  g_test_add_func ("/hardening/crash-during-bursts", test_crash_during_bursts);

  return g_test_run ();
}
