/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a presenter relies on in front of a class: new persons in view, rows
 * where they belong, clients told apart. */
#include "config.h"

#include "sse-hub-event-composer.h"
#include "sse-hub-preferences-window.h"
#include "ui-test.h"

static GtkAdjustment *
persons_adjustment (Fixture *fixture)
{
  return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (fixture->w.persons_view));
}

static gboolean
persons_at_end (gpointer data)
{
  GtkAdjustment *adjustment = persons_adjustment (data);

  return gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment) &&
         gtk_adjustment_get_value (adjustment) >=
         gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) - 8;
}

static gboolean
newest_in_view (gpointer data)
{
  Fixture *fixture = data;

  return persons_at_end (fixture) &&
         widget_find_label (fixture->w.persons_view, "Newcomer 39") != NULL;
}

/* Past a screenful, a new person scrolls into view with its highlight, and
 * the presenter reading further up is left alone. */
static void
test_new_person_in_view (Fixture       *fixture,
                         gconstpointer  user_data)
{
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *name = g_strdup_printf ("Newcomer %u", i);

      test_hub_add (&(TestHub) { .server = fixture->server }, name, 20);
    }
  wait_until (newest_in_view, fixture, "the newest person to scroll into view");

  gtk_adjustment_set_value (persons_adjustment (fixture), 0);
  settle (100);
  test_hub_add (&(TestHub) { .server = fixture->server }, "Latecomer", 20);
  settle (500);
  g_assert_cmpfloat (gtk_adjustment_get_value (persons_adjustment (fixture)), <, 100);
}

/* Each limit is a row of its own in its group, not one row inside another. */
static void
test_preferences_rows_apart (void)
{
  static const char *titles[] = { "_Most Clients at Once", "Most _Streams per Computer" };
  GtkWidget *preferences = GTK_WIDGET (sse_hub_preferences_window_new (NULL));

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      WidgetQuery query = { .type = ADW_TYPE_PREFERENCES_ROW, .text = titles[i] };
      GtkWidget *row = widget_find (preferences, &query);

      g_assert_nonnull (row);
      g_assert_null (gtk_widget_get_ancestor (gtk_widget_get_parent (row),
                                              ADW_TYPE_PREFERENCES_ROW));
    }

  gtk_window_destroy (GTK_WINDOW (preferences));
}

/* Side by side, three browsers alike still differ by their id. */
static void
test_clients_told_apart (Fixture       *fixture,
                         gconstpointer  user_data)
{
  GListModel *columns = gtk_column_view_get_columns (fixture->w.clients_view);
  g_autoptr(GtkColumnViewColumn) id_column = g_list_model_get_item (columns, 0);

  resize (fixture, 1920, 1080);
  g_assert_false (adw_leaflet_get_folded (fixture->w.leaflet));
  g_assert_cmpstr (gtk_column_view_column_get_title (id_column), ==, "ID");
  g_assert_true (gtk_column_view_column_get_visible (id_column));
}

static gboolean
room_open (gpointer data)
{
  Fixture *fixture = data;
  GtkWidget *room = widget_find (fixture->window,
                                 &(WidgetQuery) { .css_class = "toast-room", .mapped = TRUE });

  return room != NULL && gtk_widget_get_height (room) > 0;
}

static gboolean
drop_toast_shown (gpointer data)
{
  return widget_find_label (data, "Dropped 0 connections; SSE browsers come back by themselves with "
                            "Last-Event-ID, WebSocket pages by their script") != NULL;
}

/* A toast takes a strip of its own below Clear All, Undo is a key away, and
 * what a teaching control did shows at once, ahead of a waiting notice. */
static void
test_toasts (Fixture       *fixture,
             gconstpointer  user_data)
{
  WidgetQuery clear_query = { .action_name = "win.clear-persons", .mapped = TRUE };
  WidgetQuery room_query = { .css_class = "toast-room" };
  GtkWidget *clear_button;
  graphene_rect_t clear_bounds;
  graphene_rect_t room_bounds;

  submit_form (fixture, "Ada", 36);
  submit_form (fixture, "Grace", 45);
  wait_for_persons (fixture, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.clear-persons",
                                             NULL));
  wait_for_persons (fixture, 0);
  wait_until (room_open, fixture, "room for the toast");
  settle (500);
  clear_button = widget_find (fixture->window, &clear_query);
  g_assert_nonnull (clear_button);
  g_assert_true (gtk_widget_compute_bounds (clear_button, GTK_WIDGET (fixture->window),
                                            &clear_bounds));
  g_assert_true (gtk_widget_compute_bounds (widget_find (fixture->window, &room_query),
                                            GTK_WIDGET (fixture->window), &room_bounds));
  g_assert_cmpfloat (clear_bounds.origin.y + clear_bounds.size.height, <=, room_bounds.origin.y);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL));
  wait_for_persons (fixture, 2);
  /* Once only: the toast that offered it is gone. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL));
  settle (200);
  g_assert_cmpuint (n_persons (fixture), ==, 2);

  submit_form (fixture, "Edsger", 72);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.drop-all-connections", NULL));
  wait_until (drop_toast_shown, fixture->window, "the Drop All toast, at once");
}

/* Send Event opens ready to type, counts the bytes it previews, keeps Tab
 * for moving on, follows the presentation zoom and says a wrong name under
 * the name. */
static void
test_composer (Fixture       *fixture,
               gconstpointer  user_data)
{
  GtkWidget *composer;
  SseHubEventComposerWidgets widgets;
  WidgetQuery size_query = { .type = GTK_TYPE_LABEL, .text = "21 bytes", .mapped = TRUE };
  GtkWidget *focus;

  sse_hub_window_set_presentation_mode (fixture->window, TRUE);
  settle (300);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.send-event", NULL));
  settle (300);
  composer = widget_find_toplevel (&(WidgetQuery) { .type = SSE_HUB_TYPE_EVENT_COMPOSER });
  g_assert_nonnull (composer);
  sse_hub_event_composer_get_widgets (SSE_HUB_EVENT_COMPOSER (composer), &widgets);

  focus = gtk_root_get_focus (GTK_ROOT (composer));
  g_assert_true (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (widgets.name_entry)));
  g_assert_false (gtk_text_view_get_accepts_tab (widgets.data_view));
  /* The same text size as the window it was opened from. */
  g_assert_cmpint (pango_font_description_get_size (pango_context_get_font_description (
                     gtk_widget_get_pango_context (GTK_WIDGET (widgets.name_entry)))), ==,
                   pango_font_description_get_size (pango_context_get_font_description (
                     gtk_widget_get_pango_context (GTK_WIDGET (fixture->w.name_entry)))));

  /* "event: quiz\ndata: 1\n\n" */
  gtk_editable_set_text (widgets.name_entry, "quiz");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (widgets.data_view), "1", -1);
  g_assert_nonnull (widget_find (composer, &size_query));

  gtk_editable_set_text (widgets.name_entry, "hello");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (widgets.error_label)));
  g_assert_true (gtk_widget_get_next_sibling (GTK_WIDGET (widgets.name_entry)) ==
                 GTK_WIDGET (widgets.error_label));

  gtk_window_destroy (GTK_WINDOW (composer));
  sse_hub_window_set_presentation_mode (fixture->window, FALSE);
  settle (300);
}

/* On a 1366×768 laptop the persons and the log are side by side; a cleared
 * log says it is empty rather than showing a blank. */
static void
test_laptop_layout (Fixture       *fixture,
                    gconstpointer  user_data)
{
  WidgetQuery empty_query = { .type = ADW_TYPE_STATUS_PAGE, .mapped = TRUE };

  resize (fixture, 1366, 768);
  g_assert_false (adw_leaflet_get_folded (fixture->w.leaflet));
  g_assert_true (gtk_widget_get_mapped (fixture->w.persons_page));
  g_assert_true (gtk_widget_get_mapped (fixture->w.event_log_view));

  g_assert_null (widget_find (fixture->w.event_log_view, &empty_query));
  /* The fixture's one-second keep-alive would log again before the check. */
  g_object_set (fixture->server, "keepalive-interval", 600, NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.clear-log", NULL));
  sse_hub_event_log_flush (sse_hub_server_get_log (fixture->server));
  settle (200);
  g_assert_nonnull (widget_find (fixture->w.event_log_view, &empty_query));
}

int
main (int   argc,
      char *argv[])
{
  AdwApplication *app = ui_test_init (&argc, &argv);

  UI_TEST_ADD ("/ui/presenter/new-person-in-view", test_new_person_in_view);
  UI_TEST_ADD ("/ui/presenter/clients-told-apart", test_clients_told_apart);
  UI_TEST_ADD ("/ui/presenter/toasts", test_toasts);
  UI_TEST_ADD ("/ui/presenter/composer", test_composer);
  UI_TEST_ADD ("/ui/presenter/laptop-layout", test_laptop_layout);
  g_test_add_func ("/ui/presenter/preferences-rows-apart", test_preferences_rows_apart);

  return ui_test_run (app);
}
