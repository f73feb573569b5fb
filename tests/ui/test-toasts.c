/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An Undo toast right after a form's toast, undone at once.  libadwaita 1.2
 * asserted (show_toast: !info->widget) when the high-priority Undo toast was
 * dismissed before the toast it postponed had slid away: these go through
 * that sequence on the persons page and in the computers panel. */
#include "config.h"

#include "ui-test.h"

static GtkWidget *
find_undo (Fixture *fixture)
{
  WidgetQuery undo = { .type = GTK_TYPE_BUTTON, .text = "_Undo", .mapped = TRUE };

  return widget_find (fixture->window, &undo);
}

static gboolean
has_undo (gpointer fixture)
{
  return find_undo (fixture) != NULL;
}

/* libadwaita dismisses the toast itself when its button is pressed, which
 * 1.2 cannot survive during the 300 ms slide in; a hand is slower anyway. */
#define SLIDE_IN_MS 350

static void
test_persons_undo_at_once (Fixture       *fixture,
                           gconstpointer  user_data)
{
  WidgetQuery on_screen = { .type = GTK_TYPE_BUTTON, .mapped = TRUE };
  g_autoptr(GPtrArray) buttons = NULL;

  submit_form (fixture, "Ada", 36);
  wait_for_persons (fixture, 1);
  settle (300);

  /* The form's toast is still up when the row's Remove brings Undo. */
  buttons = widget_find_all (fixture->w.persons_view, &on_screen);
  g_assert_cmpuint (buttons->len, >=, 1);
  g_signal_emit_by_name (buttons->pdata[buttons->len - 1], "clicked");
  wait_for_persons (fixture, 0);
  wait_until (has_undo, fixture, "the Undo toast");
  settle (SLIDE_IN_MS + 50);
  g_signal_emit_by_name (find_undo (fixture), "clicked");
  wait_for_persons (fixture, 1);

  /* The form's toast comes back and goes; Undo is spent. */
  settle (600);
  g_assert_null (find_undo (fixture));
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL);
  settle (200);
  g_assert_cmpuint (n_persons (fixture), ==, 1);
}

static GtkWidget *
find_remove_persons (Fixture *fixture)
{
  WidgetQuery query = { .type = GTK_TYPE_BUTTON, .action_name = "computers.remove-persons",
                        .mapped = TRUE };

  return widget_find (fixture->window, &query);
}

static gboolean
has_remove_persons (gpointer fixture)
{
  return find_remove_persons (fixture) != NULL;
}

static void
test_computer_undo_at_once (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(TestResponse) response = NULL;
  TestPeer *stream;

  /* Loopback counts as an audience computer with trust-local off. */
  g_object_set (fixture->hub, "trust-local", FALSE, NULL);
  response = test_http_post (fixture->port, TEST_JSON, "{\"name\":\"Mallory\",\"age\":30}", -1);
  g_assert_cmpuint (response->status, ==, 200);
  stream = test_peer_open_stream (fixture->port, NULL);
  wait_for_frame (stream, "hello", NULL);
  submit_form (fixture, "Presenter", 40);
  wait_for_persons (fixture, 2);

  sse_hub_window_set_view (fixture->window, "clients");
  settle (200);
  wait_until (has_remove_persons, fixture, "Remove Its Persons");
  g_signal_emit_by_name (find_remove_persons (fixture), "clicked");
  wait_for_persons (fixture, 1);
  /* Ctrl+Z the moment the Undo toast is up: the hub holds its dismissal
   * until the slide in is over. */
  wait_until (has_undo, fixture, "the Undo toast");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL));
  wait_for_persons (fixture, 2);
  settle (600);

  test_peer_free (stream);
}

int
main (int   argc,
      char *argv[])
{
  AdwApplication *app = ui_test_init (&argc, &argv);

  UI_TEST_ADD ("/ui/toasts/persons-undo-at-once", test_persons_undo_at_once);
  UI_TEST_ADD ("/ui/toasts/computer-undo-at-once", test_computer_undo_at_once);

  return ui_test_run (app);
}
