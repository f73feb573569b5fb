/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Kept-alive connections: several requests on one connection, and no
 * descriptor left behind when a browser closes one while it is idle (the
 * libsoup 3.2 leak that the parking works around). */
#include <string.h>

#include "hub-test.h"

static guint
count_open_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

typedef struct
{
  TestPeer *peer;
  guint     n;
} Answers;

static guint
count_answers (TestPeer *peer)
{
  g_autofree char *raw = g_strndup (peer->raw->len > 0 ? (const char *) peer->raw->data : "",
                                    peer->raw->len);
  guint n = 0;

  for (const char *at = strstr (raw, "HTTP/1.1 "); at != NULL; at = strstr (at + 1, "HTTP/1.1 "))
    n++;
  return n;
}

static gboolean
answered (gpointer data)
{
  Answers *answers = data;

  return count_answers (answers->peer) >= answers->n;
}

static char *
get_request (guint port)
{
  return g_strdup_printf ("GET /style.css HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", port);
}

static void
test_requests_share_a_connection (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autofree char *request = get_request (hub->port);
  g_autoptr(TestPeer) peer = test_peer_connect (hub->port, request);
  Answers answers = { peer, 1 };

  g_assert_true (test_pump_until (answered, &answers, 5000));
  g_assert_false (g_strstr_len ((const char *) peer->raw->data, peer->raw->len, "Connection: close"));
  g_assert_false (peer->closed);

  /* The second request on the same connection is answered too, and so is a
   * post, whose answer waits for the disk. */
  g_assert_cmpint (g_socket_send (peer->socket, request, strlen (request), NULL, NULL), ==,
                   (gssize) strlen (request));
  answers.n = 2;
  g_assert_true (test_pump_until (answered, &answers, 5000));
  {
    const char *body = "{\"name\":\"Kim\",\"age\":9}";
    g_autofree char *post = g_strdup_printf ("POST /addPerson HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                                             "Content-Type: application/json\r\n"
                                             "Content-Length: %zu\r\n\r\n%s",
                                             hub->port, strlen (body), body);

    g_assert_cmpint (g_socket_send (peer->socket, post, strlen (post), NULL, NULL), ==,
                     (gssize) strlen (post));
  }
  answers.n = 3;
  g_assert_true (test_pump_until (answered, &answers, 5000));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hub->store)), ==, 1);
  g_assert_false (peer->closed);
}

/* A browser closes its idle connections when a tab goes; each one's
 * descriptor must go too. */
static void
test_idle_close_frees_the_descriptor (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autofree char *request = get_request (hub->port);
  guint before;

  /* One round first: whatever the hub opens once (its caches) is not a leak. */
  {
    g_autoptr(TestPeer) warm = test_peer_connect (hub->port, request);
    Answers answers = { warm, 1 };

    g_assert_true (test_pump_until (answered, &answers, 5000));
  }
  test_pump (200);
  before = count_open_fds ();

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(TestPeer) peer = test_peer_connect (hub->port, request);
      Answers answers = { peer, 1 };

      g_assert_true (test_pump_until (answered, &answers, 5000));
      test_pump (20);
    }
  test_pump (300);

  g_assert_cmpuint (count_open_fds (), <=, before);
}

static gboolean
peer_closed (gpointer data)
{
  return ((TestPeer *) data)->closed;
}

/* A connection handed back from parking is still under the request
 * deadline: a peer that trickles its next request is cut off. */
static void
test_deadline_on_a_kept_connection (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autofree char *request = get_request (hub->port);
  g_autoptr(TestPeer) peer = NULL;
  Answers answers = { NULL, 1 };
  const char *partial = "GET / HTTP/1.1\r\nX-Slow: a";

  g_object_set (hub->server, "request-timeout", 1, NULL);
  peer = answers.peer = test_peer_connect (hub->port, request);
  g_assert_true (test_pump_until (answered, &answers, 5000));
  g_assert_cmpint (g_socket_send (peer->socket, partial, strlen (partial), NULL, NULL), ==,
                   (gssize) strlen (partial));
  g_assert_true (test_pump_until (peer_closed, peer, 5000));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/parking/requests-share-a-connection", test_requests_share_a_connection);
  g_test_add_func ("/parking/idle-close-frees-the-descriptor", test_idle_close_frees_the_descriptor);
  g_test_add_func ("/parking/deadline-on-a-kept-connection", test_deadline_on_a_kept_connection);

  return g_test_run ();
}
