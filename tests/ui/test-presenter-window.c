/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a presenter relies on in front of a class: new persons in view, rows
 * where they belong, clients told apart. */
#include "config.h"

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
  wait_until (persons_at_end, fixture, "the newest person to scroll into view");
  settle (300);
  g_assert_nonnull (widget_find_label (fixture->w.persons_view, "Newcomer 39"));

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

int
main (int   argc,
      char *argv[])
{
  AdwApplication *app = ui_test_init (&argc, &argv);

  UI_TEST_ADD ("/ui/presenter/new-person-in-view", test_new_person_in_view);
  UI_TEST_ADD ("/ui/presenter/clients-told-apart", test_clients_told_apart);
  g_test_add_func ("/ui/presenter/preferences-rows-apart", test_preferences_rows_apart);

  return ui_test_run (app);
}
