/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The computers above the clients list (issue 19): each computer with its
 * stream count, Block closing its streams and listing it with Unblock,
 * Remove Its Persons with Undo, and the persons list naming the computer
 * that added each.  Loopback is made audience with trust-local off. */
#include "config.h"

#include <string.h>

#include "ui-test.h"

#define COMPUTER "127.0.0.1"

/* As the hub says, asked through the window's proxy. */
static gboolean
is_blocked (Fixture    *fixture,
            const char *computer)
{
  g_auto(GStrv) blocked = sse_hub_server_proxy_dup_blocked_computers (fixture->hub);

  return g_strv_contains ((const char * const *) blocked, computer);
}

static guint
post (Fixture    *fixture,
      const char *name)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"age\":30}", name);
  g_autoptr(TestResponse) response = test_http_post (fixture->port, TEST_JSON, body, -1);

  return response->status;
}

/* The mapped button in the panel running action for the computer. */
static GtkWidget *
find_button (Fixture    *fixture,
             const char *action)
{
  WidgetQuery query = { .type = GTK_TYPE_BUTTON, .action_name = action, .mapped = TRUE };

  return widget_find (fixture->window, &query);
}

static gboolean
has_button (gpointer data)
{
  gpointer *args = data;

  return find_button (args[0], args[1]) != NULL;
}

static void
wait_for_button (Fixture    *fixture,
                 const char *action)
{
  gpointer args[] = { fixture, (gpointer) action };

  wait_until (has_button, args, action);
}

static void
test_block_and_unblock (Fixture       *fixture,
                        gconstpointer  user_data)
{
  Count none = { fixture, n_client_rows, 0 };
  TestPeer *first;
  TestPeer *second;

  g_object_set (fixture->hub, "trust-local", FALSE, NULL);
  sse_hub_window_set_view (fixture->window, "clients");
  first = test_peer_open_stream (fixture->port, NULL);
  second = test_peer_open_stream (fixture->port, NULL);
  wait_for_frame (first, "hello", NULL);
  wait_for_frame (second, "hello", NULL);

  wait_for_button (fixture, "computers.block");
  settle (200);
  g_assert_nonnull (widget_find_label (fixture->window, COMPUTER));
  g_assert_nonnull (widget_find_label (fixture->window, "2 streams"));

  g_signal_emit_by_name (find_button (fixture, "computers.block"), "clicked");
  wait_until (test_peer_closed, first, "the first stream to close");
  wait_until (test_peer_closed, second, "the second stream to close");
  wait_until (count_reached, &none, "no client rows");
  g_assert_true (is_blocked (fixture, COMPUTER));
  g_assert_cmpuint (post (fixture, "Eve"), ==, 403);

  wait_for_button (fixture, "computers.unblock");
  g_signal_emit_by_name (find_button (fixture, "computers.unblock"), "clicked");
  settle (100);
  g_assert_false (is_blocked (fixture, COMPUTER));
  g_assert_cmpuint (post (fixture, "Eve"), ==, 200);

  test_peer_free (first);
  test_peer_free (second);
}

static void
test_remove_its_persons (Fixture       *fixture,
                         gconstpointer  user_data)
{
  TestPeer *stream;

  g_object_set (fixture->hub, "trust-local", FALSE, NULL);
  g_assert_cmpuint (post (fixture, "Mallory"), ==, 200);
  g_assert_cmpuint (post (fixture, "Trudy"), ==, 200);
  /* Through the core, not the form: the form's toast is not this test's. */
  sse_hub_server_proxy_add_person_async (fixture->hub, "Presenter", 40, NULL, NULL, NULL);
  wait_for_persons (fixture, 3);

  /* The persons list says which computer added whom. */
  settle (200);
  g_assert_nonnull (widget_find_label (fixture->window, COMPUTER));

  sse_hub_window_set_view (fixture->window, "clients");
  stream = test_peer_open_stream (fixture->port, NULL);
  wait_for_frame (stream, "hello", NULL);
  wait_for_button (fixture, "computers.remove-persons");
  g_signal_emit_by_name (find_button (fixture, "computers.remove-persons"), "clicked");
  wait_for_persons (fixture, 1);

  /* Undo (Ctrl+Z, as the toast's button) brings both back. */
  settle (200);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL));
  wait_for_persons (fixture, 3);

  test_peer_free (stream);
}

int
main (int   argc,
      char *argv[])
{
  AdwApplication *app = ui_test_init (&argc, &argv);

  UI_TEST_ADD ("/ui/computers/block-and-unblock", test_block_and_unblock);
  UI_TEST_ADD ("/ui/computers/remove-its-persons", test_remove_its_persons);

  return ui_test_run (app);
}
