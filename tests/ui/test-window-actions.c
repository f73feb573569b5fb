/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The win.* actions and key bindings: view switching, mnemonics, the
 * shortcuts window, presentation mode and Drop All Connections. */
#include "config.h"

#include <string.h>

#include "ui-test.h"

/* The window's key bindings (its shortcut controllers' shortcuts). */
static GPtrArray *
window_shortcuts (Fixture *fixture)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (fixture->window));
  GPtrArray *shortcuts = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_SHORTCUT_CONTROLLER (controller))
        for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
          g_ptr_array_add (shortcuts, g_list_model_get_item (G_LIST_MODEL (controller), j));
    }

  return shortcuts;
}

/* The window's shortcut for keys, run the way a key press runs it. */
static gboolean
press_shortcut (Fixture    *fixture,
                const char *accelerator)
{
  g_autoptr(GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (accelerator);
  g_autoptr(GPtrArray) shortcuts = window_shortcuts (fixture);

  for (guint i = 0; i < shortcuts->len; i++)
    {
      GtkShortcut *shortcut = shortcuts->pdata[i];

      if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
        return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                             GTK_WIDGET (fixture->window),
                                             gtk_shortcut_get_arguments (shortcut));
    }

  g_error ("no shortcut for %s", accelerator);
}

static void
test_view_shortcuts (Fixture       *fixture,
                     gconstpointer  user_data)
{
  resize (fixture, 1000, 700);
  g_assert_true (adw_leaflet_get_folded (fixture->w.leaflet));

  g_assert_true (press_shortcut (fixture, "<Control>2"));
  g_assert_cmpstr (sse_hub_window_get_view (fixture->window), ==, "log");
  g_assert_true (press_shortcut (fixture, "<Control>3"));
  g_assert_cmpstr (sse_hub_window_get_view (fixture->window), ==, "clients");
  settle (600);
  g_assert_true (gtk_widget_get_mapped (fixture->w.clients_page));
  g_assert_true (press_shortcut (fixture, "<Control>1"));
  g_assert_cmpstr (sse_hub_window_get_view (fixture->window), ==, "persons");
  settle (600);
  g_assert_true (gtk_widget_get_mapped (fixture->w.persons_page));
  g_assert_false (gtk_widget_get_mapped (fixture->w.clients_page));

  /* Side by side, Ctrl+2 takes the keyboard to the log. */
  resize (fixture, 1920, 1080);
  g_assert_true (press_shortcut (fixture, "<Control>2"));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fixture->window)),
                                         fixture->w.event_log_view));
}

static void
collect_mnemonics (GtkWidget  *window,
                   GHashTable *owners)
{
  /* A menu's popover is a surface of its own, with its own mnemonics. */
  WidgetQuery in_window = { .type = GTK_TYPE_LABEL, .skip_popovers = TRUE };
  g_autoptr(GPtrArray) labels = widget_find_all (window, &in_window);

  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = labels->pdata[i];
      guint key = gdk_keyval_to_lower (gtk_label_get_mnemonic_keyval (label));
      const char *text = gtk_label_get_label (label);
      const char *other = g_hash_table_lookup (owners, GUINT_TO_POINTER (key));

      if (!gtk_label_get_use_underline (label) || key == GDK_KEY_VoidSymbol)
        continue;
      if (other != NULL)
        g_error ("Alt+%s belongs to both “%s” and “%s”", gdk_keyval_name (key), other, text);
      g_hash_table_insert (owners, GUINT_TO_POINTER (key), (gpointer) text);
    }
}

static void
test_unique_mnemonics (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GHashTable) owners = g_hash_table_new (NULL, NULL);

  /* Folded, so the view switcher's buttons are part of the window too;
   * hidden widgets (the error banner) count as well. */
  resize (fixture, 1000, 700);
  collect_mnemonics (GTK_WIDGET (fixture->window), owners);
  g_assert_cmpuint (g_hash_table_size (owners), >=, 8);
  g_assert_nonnull (g_hash_table_lookup (owners, GUINT_TO_POINTER (GDK_KEY_c)));
  g_assert_nonnull (g_hash_table_lookup (owners, GUINT_TO_POINTER (GDK_KEY_y)));
}

/* ------------------------------------------------------------------------ */
/* Presentation mode                                                        */

/* The text size a label is drawn at, in pixels (96 dpi). */
static double
label_pixels (GtkWidget *label)
{
  PangoFontDescription *font = pango_context_get_font_description (
    gtk_widget_get_pango_context (label));
  double size = (double) pango_font_description_get_size (font) / PANGO_SCALE;

  return pango_font_description_get_size_is_absolute (font) ? size : size * 96 / 72;
}

static int
image_size (Fixture *fixture)
{
  WidgetQuery on_screen = { .type = GTK_TYPE_IMAGE, .mapped = TRUE };
  GtkWidget *image = widget_find (fixture->w.persons_view, &on_screen);
  int size;

  g_assert_nonnull (image);
  gtk_widget_measure (image, GTK_ORIENTATION_VERTICAL, -1, &size, NULL, NULL, NULL);
  return size;
}

static void
test_presentation_mode (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *window = GTK_WIDGET (fixture->window);
  double normal_pixels;
  int normal_icon;

  submit_form (fixture, "Ada", 36);
  settle (300);
  normal_pixels = label_pixels (GTK_WIDGET (fixture->w.url_label));
  normal_icon = image_size (fixture);

  /* F5: full screen, large text, the presentation style. */
  g_assert_true (press_shortcut (fixture, "F5"));
  g_assert_true (sse_hub_window_get_presentation_mode (fixture->window));
  g_assert_true (gtk_widget_has_css_class (window, "presentation"));
  settle (600);
  g_assert_cmpfloat (label_pixels (GTK_WIDGET (fixture->w.url_label)), >=,
                     normal_pixels * 1.45);
  /* Icons grow with the text (the row's trash can). */
  g_assert_cmpint (image_size (fixture), >=, normal_icon * 1.4);
  /* Body text at least 16 px: a person's name in the list. */
  g_assert_cmpfloat (label_pixels (GTK_WIDGET (widget_find_label (fixture->w.persons_view, "Ada"))),
                     >=, 16);

  /* Zooming while presenting changes the presentation zoom only. */
  g_assert_true (gtk_widget_activate_action (window, "win.zoom-in", NULL));
  g_assert_cmpfloat (g_settings_get_double (settings, "presentation-text-scale"), >, 1.5);
  g_assert_cmpfloat (g_settings_get_double (settings, "text-scale"), ==, 1.0);

  /* Escape leaves, back at the desk's size. */
  g_assert_true (press_shortcut (fixture, "Escape"));
  g_assert_false (sse_hub_window_get_presentation_mode (fixture->window));
  g_assert_false (gtk_widget_has_css_class (window, "presentation"));
  settle (600);
  g_assert_cmpfloat (label_pixels (GTK_WIDGET (fixture->w.url_label)), ==, normal_pixels);
  /* Outside presentation mode Escape is left to the rest of the window. */
  g_assert_false (press_shortcut (fixture, "Escape"));

  /* The menu's stateful action toggles it too. */
  g_assert_true (gtk_widget_activate_action (window, "win.presentation-mode", NULL));
  g_assert_true (sse_hub_window_get_presentation_mode (fixture->window));
  g_assert_true (gtk_widget_activate_action (window, "win.presentation-mode", NULL));
  g_assert_false (sse_hub_window_get_presentation_mode (fixture->window));
}

static gboolean
all_finished (gpointer data)
{
  TestPeer **clients = data;

  for (guint i = 0; clients[i] != NULL; i++)
    if (!clients[i]->closed)
      return FALSE;

  return TRUE;
}

/* Drop All Connections ends every real stream; the browsers come back with
 * Last-Event-ID and are spared the list they already have. */
static void
test_drop_all (Fixture       *fixture,
               gconstpointer  user_data)
{
  const char *agents[] = { firefox_agent, iphone_agent, android_agent };
  TestPeer *clients[G_N_ELEMENTS (agents) + 1] = { NULL };
  TestPeer *back[G_N_ELEMENTS (agents)];
  Count all = { fixture, n_client_rows, G_N_ELEMENTS (agents) };
  int dropped;

  submit_form (fixture, "Ada Lovelace", 36);
  wait_for_persons (fixture, 1);
  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    {
      clients[i] = test_peer_open_stream_as (fixture->port, agents[i], NULL);
      wait_for_frame (clients[i], NULL, "Ada");
    }
  wait_until (count_reached, &all, "three clients");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.drop-all-connections", NULL));
  wait_until (all_finished, clients, "every stream to end");
  all.expected = 0;
  wait_until (count_reached, &all, "no clients");
  dropped = log_position (fixture, "drop-all", "dropped all 3 connections");
  g_assert_cmpint (dropped, >=, 0);

  /* What EventSource does after its retry. */
  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    {
      g_autofree char *header = g_strdup_printf ("Last-Event-ID: %s\r\n", test_peer_last_event_id (clients[i]));

      back[i] = test_peer_open_stream_as (fixture->port, agents[i], header);
      wait_for_frame (back[i], "hello", NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    {
      g_autofree char *skipped = g_strdup_printf ("sent Last-Event-ID %s, the current list: "
                                                  "list skipped", test_peer_last_event_id (clients[i]));

      wait_for_log (fixture, "resume", skipped);
      g_assert_cmpint (log_position (fixture, "resume", skipped), >, dropped);
    }

  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    {
      test_peer_free (clients[i]);
      test_peer_free (back[i]);
    }
}

/* Every key of the window is in the shortcuts window (keypad and "="
 * variants of the zoom keys aside). */
static void
test_shortcuts_listed (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data ("/com/example/SseHub/gtk/help-overlay.ui",
                                                     G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  const char *overlay = g_bytes_get_data (bytes, NULL);
  g_autoptr(GPtrArray) shortcuts = window_shortcuts (fixture);
  guint n_checked = 0;

  g_assert_nonnull (overlay);
  for (guint i = 0; i < shortcuts->len; i++)
    {
      GtkShortcut *shortcut = shortcuts->pdata[i];
      GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
      g_autofree char *trigger = gtk_shortcut_trigger_to_string (
        gtk_shortcut_get_trigger (shortcut));
      g_autofree char *escaped = g_markup_escape_text (trigger, -1);
      g_autofree char *property = g_strdup_printf ("\"accelerator\">%s<", escaped);
      g_autofree char *by_name = NULL;

      /* GtkWindow's own keys (Space, Enter) are signals, not actions. */
      if (!GTK_IS_NAMED_ACTION (action) ||
          strstr (trigger, "KP_") != NULL || strstr (trigger, "equal") != NULL)
        continue;
      /* Or listed by its action, whose accelerator GTK fills in. */
      by_name = g_strdup_printf ("\"action-name\">%s<",
                                 gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)));
      if (strstr (overlay, property) == NULL && strstr (overlay, by_name) == NULL)
        g_error ("%s is not in the shortcuts window", trigger);
      n_checked++;
    }

  g_assert_cmpuint (n_checked, >=, 12);
}

int
main (int   argc,
      char *argv[])
{
  AdwApplication *app = ui_test_init (&argc, &argv);

  UI_TEST_ADD ("/ui/lecture/view-shortcuts", test_view_shortcuts);
  UI_TEST_ADD ("/ui/lecture/unique-mnemonics", test_unique_mnemonics);
  UI_TEST_ADD ("/ui/lecture/shortcuts-listed", test_shortcuts_listed);
  UI_TEST_ADD ("/ui/lecture/presentation-mode", test_presentation_mode);
  UI_TEST_ADD ("/ui/teach/drop-all", test_drop_all);

  return ui_test_run (app);
}
