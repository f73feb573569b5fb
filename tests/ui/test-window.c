/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's own wiring: header and status, the error banner, the
 * lecture layout, preferences, and the screenshots of the whole window. */
#include "config.h"

#include <string.h>

#include "sse-hub-preferences-window.h"
#include "sse-hub-wire.h"
#include "ui-test.h"

/* ------------------------------------------------------------------------ */
/* Tests                                                                    */

static gboolean
is_running (Fixture *fixture)
{
  gboolean running;

  g_object_get (fixture->hub, "running", &running, NULL);
  return running;
}

static void
test_window_basics (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", fixture->port);

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==, "SSE Hub");
  assert_shows_url (fixture, url);
  g_assert_nonnull (strstr (gtk_label_get_text (fixture->w.status_label), "127.0.0.1"));
  g_assert_false (gtk_revealer_get_reveal_child (fixture->w.error_revealer));
  /* Bound to loopback: the window says the class cannot reach it. */
  g_assert_true (gtk_widget_get_visible (fixture->w.local_only_label));

  /* Every interface: the warning goes, and the address is not loopback
   * unless this machine has no network at all. */
  sse_hub_server_proxy_set_bind_address (fixture->hub, NULL);
  g_assert_true (is_running (fixture));
  g_assert_false (gtk_widget_get_visible (fixture->w.local_only_label));
  g_test_message ("join address: %s", gtk_label_get_text (fixture->w.url_label));
  sse_hub_server_proxy_set_bind_address (fixture->hub, "127.0.0.1");
  g_assert_true (gtk_widget_get_visible (fixture->w.local_only_label));

  /* Stop and start from the header. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.toggle-serving", NULL));
  g_assert_cmpstr (gtk_label_get_text (fixture->w.status_label), ==, "Stopped");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.toggle-serving", NULL));
  g_assert_nonnull (strstr (gtk_label_get_text (fixture->w.status_label), "Serving on"));
}

static void
test_port_in_use (Fixture       *fixture,
                  gconstpointer  user_data)
{
  /* A plain server on this thread: another program to the hub. */
  g_autoptr(SseHubServer) other = sse_hub_server_new (NULL);

  /* Another program takes the port while the hub is stopped. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.toggle-serving", NULL));
  g_object_set (fixture->hub, "port", fixture->port, NULL);
  g_object_set (other, "port", fixture->port, "bind-address", "127.0.0.1", NULL);
  g_assert_true (sse_hub_server_start (other, NULL));

  /* Starting again is shown in the window, not a crash or a warning. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.toggle-serving", NULL));
  g_assert_false (is_running (fixture));
  g_assert_true (gtk_revealer_get_reveal_child (fixture->w.error_revealer));
  g_assert_nonnull (strstr (gtk_label_get_text (fixture->w.error_label), "in use"));
  g_assert_cmpstr (gtk_label_get_text (fixture->w.status_label), ==, "Not serving");
  g_assert_cmpstr (gtk_label_get_text (fixture->w.url_label), ==, "Not serving");

  /* Picking another port in the preferences is a new attempt. */
  g_object_set (fixture->hub, "port", 0, NULL);
  g_assert_true (is_running (fixture));
  g_assert_false (gtk_revealer_get_reveal_child (fixture->w.error_revealer));
  g_assert_cmpuint (sse_hub_server_proxy_get_bound_port (fixture->hub), !=, fixture->port);

  /* Once the port is free, Try Again works too. */
  sse_hub_server_proxy_stop (fixture->hub);
  g_object_set (fixture->hub, "port", fixture->port, NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.start-serving", NULL));
  g_assert_false (is_running (fixture));
  g_assert_true (gtk_revealer_get_reveal_child (fixture->w.error_revealer));
  sse_hub_server_stop (other);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.start-serving", NULL));
  g_assert_true (is_running (fixture));
  g_assert_cmpuint (sse_hub_server_proxy_get_bound_port (fixture->hub), ==, fixture->port);
  g_assert_false (gtk_revealer_get_reveal_child (fixture->w.error_revealer));
  g_assert_cmpstr (gtk_label_get_text (fixture->w.status_label), !=, "Not serving");
}

static void
save_screenshot (Fixture    *fixture,
                 const char *name)
{
  GtkWidget *widget = GTK_WIDGET (fixture->window);
  const char *dir = g_getenv ("SSE_HUB_SCREENSHOT_DIR");
  g_autofree char *path = g_build_filename (dir != NULL ? dir : ".", name, NULL);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  settle (400);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s (%d×%d)", path, width, height);
}

static void
test_screenshots (Fixture       *fixture,
                  gconstpointer  user_data)
{
  static const struct { const char *name; int age; } persons[] = {
    { "Ada Lovelace", 36 }, { "Alan Turing", 41 }, { "Grace Hopper", 85 },
    { "<b>not bold</b>", 7 }, { "Katherine Johnson", 101 },
  };
  const char *agents[] = { firefox_agent, iphone_agent, android_agent };
  TestPeer *clients[G_N_ELEMENTS (agents)];
  Count all = { fixture, n_client_rows, G_N_ELEMENTS (agents) };
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkAdjustment *hadjustment;

  for (guint i = 0; i < G_N_ELEMENTS (persons); i++)
    submit_form (fixture, persons[i].name, persons[i].age);
  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    clients[i] = test_peer_open_stream_as (fixture->port, agents[i], NULL);
  wait_until (count_reached, &all, "three clients");
  /* Let keep-alives and the client list reach the log. */
  settle (1500);

  save_screenshot (fixture, "window-persons.png");
  sse_hub_window_set_view (fixture->window, "clients");
  save_screenshot (fixture, "window-clients.png");
  sse_hub_window_set_view (fixture->window, "log");
  save_screenshot (fixture, "window-log.png");

  /* Projection: the whole window zooms. */
  g_settings_set_double (settings, "text-scale", 1.75);
  sse_hub_window_set_view (fixture->window, "persons");
  settle (1500);
  save_screenshot (fixture, "window-zoom-persons.png");
  sse_hub_window_set_view (fixture->window, "clients");
  save_screenshot (fixture, "window-zoom-clients.png");

  /* Dark style, as some presenters prefer: the QR code stays dark on light. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  settle (1000);
  save_screenshot (fixture, "window-zoom-clients-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* Zoomed, the clients table is wider than its half of the window; with
   * the join panel hidden (F9) every column is in view. */
  hadjustment = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (fixture->w.clients_view));
  g_assert_cmpfloat (gtk_adjustment_get_upper (hadjustment), >,
                     gtk_adjustment_get_page_size (hadjustment));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.show-join-panel", NULL));
  g_assert_false (g_settings_get_boolean (settings, "show-join-panel"));
  settle (1000);
  g_assert_false (gtk_widget_get_visible (fixture->w.join_scroller));
  g_assert_cmpfloat (gtk_adjustment_get_upper (hadjustment), <=,
                     gtk_adjustment_get_page_size (hadjustment));
  save_screenshot (fixture, "window-zoom-clients-no-join-panel.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.show-join-panel", NULL));
  g_assert_true (g_settings_get_boolean (settings, "show-join-panel"));
  g_assert_true (gtk_widget_get_visible (fixture->w.join_scroller));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.zoom-reset", NULL));
  g_assert_cmpfloat (g_settings_get_double (settings, "text-scale"), ==, 1.0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.zoom-in", NULL));
  g_assert_cmpfloat (g_settings_get_double (settings, "text-scale"), >, 1.0);
  g_settings_reset (settings, "text-scale");

  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    test_peer_free (clients[i]);
}

/* The spin button in the preferences row with this title, or NULL. */
static GtkSpinButton *
find_row_spin (GtkWidget  *preferences,
               const char *title)
{
  WidgetQuery row_query = { .type = ADW_TYPE_PREFERENCES_ROW, .text = title };
  WidgetQuery spin_query = { .type = GTK_TYPE_SPIN_BUTTON };
  GtkWidget *row = widget_find (preferences, &row_query);

  return row != NULL ? GTK_SPIN_BUTTON (widget_find (row, &spin_query)) : NULL;
}

/* The access limits have rows in Preferences that read and write their keys. */
static void
test_preferences_limits (void)
{
  static const struct { const char *key; const char *title; guint default_value; } rows[] = {
    { "max-streams-per-address", "Most _Streams per Computer", 8 },
    { "audience-rate-limit", "Posts per _Minute from the Audience", 300 },
    { "max-persons-per-address", "Most _Persons per Computer", 25 },
  };
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *preferences = GTK_WIDGET (sse_hub_preferences_window_new (NULL));

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      GtkSpinButton *spin = find_row_spin (preferences, rows[i].title);

      g_assert_nonnull (spin);
      g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, rows[i].default_value);
      g_settings_set_uint (settings, rows[i].key, 3);
      g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, 3);
      /* 0 turns the limit off, so the row must reach it. */
      gtk_spin_button_set_value (spin, 0);
      g_assert_cmpuint (g_settings_get_uint (settings, rows[i].key), ==, 0);
      g_settings_reset (settings, rows[i].key);
    }

  gtk_window_destroy (GTK_WINDOW (preferences));
}

/* On screen: mapped, with room to be read. */
static gboolean
is_shown (GtkWidget *widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) >= 300 &&
         gtk_widget_get_height (widget) >= 300;
}


/* The side the window asked of the QR code. */
static int
qr_size (Fixture *fixture)
{
  GtkWidget *qr = widget_find_id (fixture->w.join_panel, GTK_TYPE_PICTURE, "qr_picture");
  int size;

  gtk_widget_get_size_request (qr, &size, NULL);
  return size;
}

static void
test_lecture_layout (Fixture       *fixture,
                     gconstpointer  user_data)
{
  /* A projector's 1920×1080: persons and the log side by side, the
   * clients beside them, no switcher, and a QR code that grew. */
  resize (fixture, 1920, 1080);
  g_assert_false (adw_leaflet_get_folded (fixture->w.leaflet));
  g_assert_true (is_shown (fixture->w.persons_page));
  g_assert_true (is_shown (fixture->w.event_log_view));
  g_assert_true (gtk_widget_get_mapped (fixture->w.clients_page));
  g_assert_false (gtk_widget_get_visible (fixture->w.view_switcher));
  g_assert_cmpint (qr_size (fixture), >=, 340);
  /* The join panel leaves the lists most of the width. */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture->w.join_panel)), <, 1920 * 3 / 10);

  /* A narrow window: one view at a time, chosen with the switcher. */
  resize (fixture, 1000, 700);
  g_assert_true (adw_leaflet_get_folded (fixture->w.leaflet));
  g_assert_true (gtk_widget_get_visible (fixture->w.view_switcher));
  sse_hub_window_set_view (fixture->window, "log");
  settle (600);
  g_assert_true (is_shown (fixture->w.event_log_view));
  g_assert_false (gtk_widget_get_mapped (fixture->w.persons_page));
}

/* ------------------------------------------------------------------------ */
/* Presentation screenshots                                                 */

static gboolean
join_url_is_classroom (gpointer data)
{
  Fixture *fixture = data;
  g_autofree char *url = g_strdup_printf ("http://%s:%u/",
                                          g_getenv ("SSE_HUB_TEST_CLASSROOM_ADDRESS"),
                                          SSE_HUB_DEFAULT_PORT);

  return g_strcmp0 (sse_hub_join_panel_get_join_url (fixture->w.join_panel), url) == 0;
}

/* In the namespace of classroom-netns.sh, serve as a class would see it:
 * on every interface, on the default port. */
static void
serve_classroom (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  if (g_getenv ("SSE_HUB_TEST_CLASSROOM_ADDRESS") == NULL)
    return;

  sse_hub_server_proxy_stop (fixture->hub);
  g_object_set (fixture->hub, "bind-address", NULL, "port", SSE_HUB_DEFAULT_PORT, NULL);
  sse_hub_server_proxy_start (fixture->hub, &error);
  g_assert_no_error (error);
  fixture->port = sse_hub_server_proxy_get_bound_port (fixture->hub);
  wait_until (join_url_is_classroom, fixture, "the classroom join address");
  g_assert_false (gtk_widget_get_visible (fixture->w.local_only_label));
}

static void
test_presentation_screenshots (Fixture       *fixture,
                               gconstpointer  user_data)
{
  static const struct { const char *name; int age; } persons[] = {
    { "Ada Lovelace", 36 }, { "Alan Turing", 41 }, { "Grace Hopper", 85 },
    { "Katherine Johnson", 101 },
  };
  const char *agents[] = { firefox_agent, iphone_agent, android_agent };
  TestPeer *clients[G_N_ELEMENTS (agents)];
  Count all = { fixture, n_client_rows, G_N_ELEMENTS (agents) };
  g_autoptr(GSocketConnection) added = NULL;
  const char *language = g_getenv ("LANGUAGE");
  gboolean chinese = language != NULL && g_str_has_prefix (language, "zh_CN");

  serve_classroom (fixture);
  resize (fixture, 1920, 1080);
  sse_hub_window_set_presentation_mode (fixture->window, TRUE);
  /* No window manager under Xvfb: full screen is the screen's size. */
  resize (fixture, 1920, 1080);
  /* Cause and effect side by side even at the presentation zoom. */
  g_assert_false (adw_leaflet_get_folded (fixture->w.leaflet));
  assert_url_on_one_line (fixture);

  /* Through the hub rather than the form: no toasts over the picture. */
  for (guint i = 0; i < G_N_ELEMENTS (persons); i++)
    sse_hub_server_proxy_add_person_async (fixture->hub, persons[i].name, persons[i].age,
                                           NULL, NULL, NULL);
  wait_for_persons (fixture, G_N_ELEMENTS (persons));
  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    clients[i] = test_peer_open_stream_as (fixture->port, agents[i], NULL);
  wait_until (count_reached, &all, "three clients");
  wait_until (has_no_fresh_row, fixture, "the first rows to calm down");
  /* One from the audience, just now: highlighted; one refused. */
  added = post_person (fixture, "{\"name\":\"Hedy Lamarr\",\"age\":42}");
  g_clear_object (&added);
  added = post_person (fixture, "{\"name\":\"\",\"age\":3}");
  wait_until (has_fresh_row, fixture, "the new row");

  if (chinese)
    save_screenshot (fixture, "window-presentation-zh_CN.png");
  else
    {
      save_screenshot (fixture, "window-presentation.png");
      adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                          ADW_COLOR_SCHEME_FORCE_DARK);
      settle (600);
      save_screenshot (fixture, "window-presentation-dark.png");
      adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                          ADW_COLOR_SCHEME_DEFAULT);
    }

  sse_hub_window_set_presentation_mode (fixture->window, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    test_peer_free (clients[i]);
}

int
main (int   argc,
      char *argv[])
{
  AdwApplication *app = ui_test_init (&argc, &argv);

  UI_TEST_ADD ("/ui/window/basics", test_window_basics);
  UI_TEST_ADD ("/ui/window/port-in-use", test_port_in_use);
  UI_TEST_ADD ("/ui/window/screenshots", test_screenshots);
  UI_TEST_ADD ("/ui/lecture/layout", test_lecture_layout);
  UI_TEST_ADD ("/ui/lecture/screenshots", test_presentation_screenshots);
  g_test_add_func ("/ui/preferences/limits", test_preferences_limits);

  return ui_test_run (app);
}
