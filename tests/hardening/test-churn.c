/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Twenty rounds of five hundred browsers that come and go the three ways a
 * classroom sees: closing the tab, a reset connection, and a stalled reader.
 * Afterwards nothing may be left: no client in the model, every client
 * object finalized, memory back near where it was. */
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "hub-test.h"
#include "sse-hub-client.h"

/* AddressSanitizer keeps freed memory in quarantine on purpose, so RSS says
 * nothing there; LeakSanitizer checks that run for leaks instead. */
#if defined(__SANITIZE_ADDRESS__)
# define UNDER_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define UNDER_ASAN 1
# endif
#endif

#define ROUNDS     20
#define PER_ROUND  500

typedef struct
{
  guint created;
  guint finalized;
} Census;

static void
on_client_finalized (gpointer  data,
                     GObject  *where_the_object_was)
{
  ((Census *) data)->finalized++;
}

static void
on_clients_changed (GListModel *model,
                    guint       position,
                    guint       removed,
                    guint       added,
                    Census     *census)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GObject) client = g_list_model_get_item (model, i);

      g_object_weak_ref (client, on_client_finalized, census);
      census->created++;
    }
}

static gsize
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + 6, NULL, 10);
}

typedef struct
{
  TestHub *hub;
  guint    n;
} ClientCount;

static gboolean
has_n_clients (gpointer data)
{
  ClientCount *count = data;

  return g_list_model_get_n_items (sse_hub_server_get_clients (count->hub->server)) == count->n;
}

static gboolean
all_greeted (gpointer data)
{
  GPtrArray *peers = data;

  for (guint i = 0; i < peers->len; i++)
    if (test_peer_find_event (g_ptr_array_index (peers, i), "hello", 0) == NULL)
      return FALSE;

  return TRUE;
}

static void
test_churn (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  GListModel *clients = sse_hub_server_get_clients (hub->server);
  g_autofree char *bulk = g_strnfill (64 * 1024, 'x');
  Census census = { 0, 0 };
  gsize baseline = 0;
  gsize after;

  /* Small caps so stalled readers are dropped quickly; a fast roll call so
   * closed and reset peers are noticed within a second. */
  g_object_set (hub->server,
                "max-clients", PER_ROUND + 10,
                "queue-cap", 16 * 1024,
                "keepalive-interval", 1,
                NULL);
  g_signal_connect (clients, "items-changed", G_CALLBACK (on_clients_changed), &census);

  for (guint round = 0; round < ROUNDS; round++)
    {
      g_autoptr(GPtrArray) peers = g_ptr_array_new_with_free_func ((GDestroyNotify) test_peer_free);
      ClientCount all = { hub, PER_ROUND };
      ClientCount none = { hub, 0 };

      for (guint i = 0; i < PER_ROUND; i++)
        {
          /* A third will stall: a tiny receive window fills at once. */
          g_ptr_array_add (peers, i % 3 == 2 ? test_peer_open_stream_small_window (hub->port)
                                             : test_peer_open_stream (hub->port, NULL));
        }
      g_assert_true (test_pump_until (all_greeted, peers, 30000));
      g_assert_true (test_pump_until (has_n_clients, &all, 10000));

      for (guint i = 0; i < PER_ROUND; i++)
        {
          TestPeer *peer = g_ptr_array_index (peers, i);

          if (i % 3 == 0)
            test_peer_close (peer);
          else if (i % 3 == 1)
            test_peer_reset (peer);
          else
            peer->reading = FALSE;
        }

      /* Traffic the stalled third cannot take. */
      for (guint i = 0; i < 8; i++)
        {
          sse_hub_server_publish (hub->server, SSE_HUB_LOG_NOTICE, "bulk", NULL, bulk);
          test_pump (5);
        }

      g_assert_true (test_pump_until (has_n_clients, &none, 15000));

      if (round == 0)
        {
          test_pump (200);
          baseline = rss_kib ();
        }
    }

  test_pump (200);
  after = rss_kib ();
  g_test_message ("clients created %u, finalized %u; RSS after round 1 %zu KiB, at the end %zu KiB",
                  census.created, census.finalized, baseline, after);

  g_assert_cmpuint (g_list_model_get_n_items (clients), ==, 0);
  g_assert_cmpuint (census.created, ==, ROUNDS * PER_ROUND);
  g_assert_cmpuint (census.finalized, ==, census.created);
#ifndef UNDER_ASAN
  g_assert_cmpuint (after, <, baseline + 20 * 1024);
#endif

  g_signal_handlers_disconnect_by_data (clients, &census);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* 500 peers and their server ends are a thousand descriptors. */
  sse_hub_raise_fd_limit ();

  g_test_add_func ("/hardening/churn", test_churn);

  return g_test_run ();
}
