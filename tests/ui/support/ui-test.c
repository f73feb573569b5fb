/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "proxy-test.h"
#include "ui-test.h"

const char firefox_agent[] =
  "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
const char iphone_agent[] =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 "
  "(KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1";
const char android_agent[] =
  "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
  "Chrome/119.0.6045.163 Mobile Safari/537.36";

AdwApplication *
ui_test_init (int    *argc,
              char ***argv)
{
  g_autoptr(GError) error = NULL;
  AdwApplication *app;

  /* The zh_CN run: the catalogue built in this tree. */
  if (g_getenv ("SSE_HUB_TEST_LOCALEDIR") != NULL)
    {
      setlocale (LC_ALL, "");
      bindtextdomain (GETTEXT_PACKAGE, g_getenv ("SSE_HUB_TEST_LOCALEDIR"));
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }

  g_test_init (argc, argv, NULL);

  /* Registered but not run: its startup loads the stylesheet and the
   * shortcuts window from the app's resources, as in the real app. */
  app = adw_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (app));
  return app;
}

int
ui_test_run (AdwApplication *app)
{
  int status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_object_unref (app);
  return status;
}

/* ------------------------------------------------------------------------ */
/* Main loop                                                                */

void
settle (guint ms)
{
  test_pump (ms);
}

void
wait_until (Condition    condition,
            gpointer     data,
            const char  *what)
{
  if (!test_pump_until (condition, data, TIMEOUT_SECONDS * 1000))
    g_error ("timed out waiting for %s", what);
}

typedef struct
{
  TestPeer   *peer;
  const char *event;
  const char *data_part;
} Expectation;

static gboolean
peer_received (gpointer data)
{
  Expectation *expectation = data;

  return test_peer_find_frame (expectation->peer, expectation->event,
                               expectation->data_part) != NULL;
}

void
wait_for_frame (TestPeer   *peer,
                const char *event,
                const char *data_part)
{
  Expectation expectation = { peer, event, data_part };
  g_autofree char *what = g_strdup_printf ("event %s with %s", event != NULL ? event : "(unnamed)",
                                           data_part != NULL ? data_part : "any data");

  wait_until (peer_received, &expectation, what);
}

/* ------------------------------------------------------------------------ */
/* Fixture                                                                  */

void
ui_widgets_find (SseHubWindow *window,
                 UiWidgets    *w)
{
  GtkWidget *persons, *clients, *log, *join;

  /* The views are the only widgets of their types; inside each, the
   * controls are found by kind or by their .ui id. */
  persons = widget_find (window, &(WidgetQuery) { .type = SSE_HUB_TYPE_PERSONS_PAGE });
  clients = widget_find (window, &(WidgetQuery) { .type = SSE_HUB_TYPE_CLIENTS_PAGE });
  log = widget_find (window, &(WidgetQuery) { .type = SSE_HUB_TYPE_EVENT_LOG_VIEW });
  join = widget_find (window, &(WidgetQuery) { .type = SSE_HUB_TYPE_JOIN_PANEL });
  g_assert_nonnull (persons);
  g_assert_nonnull (clients);
  g_assert_nonnull (log);
  g_assert_nonnull (join);

  *w = (UiWidgets) {
    .name_entry = widget_find_id (persons, GTK_TYPE_EDITABLE, "name_entry"),
    .age_spin = widget_find_id (persons, GTK_TYPE_SPIN_BUTTON, "age_spin"),
    .form_error_label = widget_find_id (persons, GTK_TYPE_LABEL, "form_error_label"),
    .persons_view = widget_find_id (persons, GTK_TYPE_COLUMN_VIEW, "persons_view"),
    .refusal_label = widget_find_id (persons, GTK_TYPE_LABEL, "refusal_label"),
    .clients_view = widget_find_id (clients, GTK_TYPE_COLUMN_VIEW, "clients_view"),
    .clients_stack = widget_find_id (clients, GTK_TYPE_STACK, "clients_stack"),
    .log_view = widget_find_id (log, GTK_TYPE_LIST_VIEW, "log_view"),
    .pause_button = widget_find_id (log, GTK_TYPE_TOGGLE_BUTTON, "pause_button"),
    .jump_button = widget_find_id (log, GTK_TYPE_BUTTON, "jump_button"),
    .url_label = widget_find_id (join, GTK_TYPE_LABEL, "url_label"),
    .local_only_label = widget_find_id (join, GTK_TYPE_LABEL, "local_only_label"),
    .status_label = widget_find_id (window, GTK_TYPE_LABEL, "status_label"),
    .error_revealer = widget_find_id (window, GTK_TYPE_REVEALER, "error_revealer"),
    .error_label = widget_find_id (window, GTK_TYPE_LABEL, "error_label"),
    .leaflet = widget_find_id (window, ADW_TYPE_LEAFLET, "leaflet"),
    .view_switcher = widget_find_id (window, GTK_TYPE_BOX, "view_switcher"),
    .persons_page = persons,
    .clients_page = clients,
    .event_log_view = log,
    .join_scroller = join,
    .join_panel = SSE_HUB_JOIN_PANEL (join),
  };
}

void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("sse-hub-ui-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->data_file = g_build_filename (fixture->dir, "persons.jsonl", NULL);

  /* user_data: a sync delay in milliseconds, read when the file opens */
  if (user_data != NULL)
    g_setenv ("SSE_HUB_TEST_SYNC_DELAY_MS", user_data, TRUE);
  fixture->hub = sse_hub_server_proxy_new (fixture->data_file);
  sse_hub_server_proxy_load (fixture->hub, &error);
  g_assert_no_error (error);
  if (user_data != NULL)
    g_unsetenv ("SSE_HUB_TEST_SYNC_DELAY_MS");

  /* A short keep-alive: a departed client is noticed on the next write. */
  g_object_set (fixture->hub,
                "port", 0,
                "bind-address", "127.0.0.1",
                "keepalive-interval", 1,
                NULL);
  sse_hub_server_proxy_start (fixture->hub, &error);
  g_assert_no_error (error);
  fixture->port = sse_hub_server_proxy_get_bound_port (fixture->hub);
  g_assert_cmpuint (fixture->port, >, 0);

  /* Our own reference, so that teardown can check the window goes away. */
  fixture->window = sse_hub_window_new (GTK_APPLICATION (g_application_get_default ()),
                                       fixture->hub);
  g_object_ref (fixture->window);
  ui_widgets_find (fixture->window, &fixture->w);
  gtk_window_present (GTK_WINDOW (fixture->window));
  settle (300);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));
}

void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  static const char *window_keys[] = { "window-width", "window-height", "text-scale",
                                       "presentation-text-scale", "show-join-panel" };
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;

  /* The memory backend lives as long as the process: the next test starts
   * from the defaults. */
  for (guint i = 0; i < G_N_ELEMENTS (window_keys); i++)
    g_settings_reset (settings, window_keys[i]);

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  settle (50);
  g_assert_finalize_object (fixture->window);

  /* As the app quits: streams ended, the list on disk, then the thread. */
  sse_hub_server_proxy_shut_down (fixture->hub, &error);
  g_assert_no_error (error);
  g_assert_finalize_object (fixture->hub);

  g_unlink (fixture->data_file);
  g_rmdir (fixture->dir);
  g_free (fixture->data_file);
  g_free (fixture->dir);
}

/* ------------------------------------------------------------------------ */
/* What the window shows                                                    */

gboolean
count_reached (gpointer data)
{
  Count *count = data;

  return count->count (count->fixture) == count->expected;
}

guint
n_persons (Fixture *fixture)
{
  return g_list_model_get_n_items (sse_hub_server_proxy_get_persons (fixture->hub));
}

guint
n_client_rows (Fixture *fixture)
{
  GtkSelectionModel *model = gtk_column_view_get_model (fixture->w.clients_view);

  return g_list_model_get_n_items (G_LIST_MODEL (model));
}

void
wait_for_persons (Fixture *fixture,
                  guint    persons)
{
  Count count = { fixture, n_persons, persons };

  wait_until (count_reached, &count, "the list to be saved");
}

void
hub_add (Fixture    *fixture,
         const char *name,
         gint64      age)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SseHubPerson) person = test_proxy_add (fixture->hub, name, age, &error);

  g_assert_no_error (error);
  g_assert_nonnull (person);
}

void
submit_form (Fixture    *fixture,
             const char *name,
             int         age)
{
  gtk_editable_set_text (fixture->w.name_entry, name);
  gtk_spin_button_set_value (fixture->w.age_spin, age);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->w.name_entry),
                                             "win.add-person", NULL));
}

GSocketConnection *
post_person (Fixture    *fixture,
             const char *body)
{
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  GSocketConnection *connection;

  request = g_strdup_printf ("POST /addPerson HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                             "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                             "Connection: close\r\n\r\n%s",
                             fixture->port, strlen (body), body);
  connection = g_socket_client_connect_to_host (socket_client, "127.0.0.1", fixture->port, NULL,
                                                &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

static guint
n_fresh_rows (Fixture *fixture)
{
  WidgetQuery fresh = { .css_class = "fresh" };
  g_autoptr(GPtrArray) rows = widget_find_all (fixture->w.persons_view, &fresh);

  return rows->len;
}

gboolean
has_fresh_row (gpointer data)
{
  return n_fresh_rows (data) == 1;
}

gboolean
has_no_fresh_row (gpointer data)
{
  return n_fresh_rows (data) == 0;
}

void
assert_shows_url (Fixture    *fixture,
                  const char *url)
{
  g_assert_cmpstr (gtk_label_get_text (fixture->w.url_label), ==, url);
}

void
assert_url_on_one_line (Fixture *fixture)
{
  PangoLayout *layout = gtk_label_get_layout (fixture->w.url_label);
  int width;

  g_assert_cmpint (pango_layout_get_line_count (layout), ==, 1);
  /* Not cut off either: the address shrinks rather than lose its end. */
  g_assert_false (pango_layout_is_ellipsized (layout));
  pango_layout_get_pixel_size (layout, &width, NULL);
  g_assert_cmpint (width, <=, gtk_widget_get_width (GTK_WIDGET (fixture->w.url_label)));
}

typedef struct
{
  Fixture *fixture;
  int      width;
  int      height;
} Size;

/* The new size is allocated and the switcher has followed the leaflet. */
static gboolean
has_size (gpointer data)
{
  Size *size = data;
  UiWidgets *w = &size->fixture->w;
  /* The window's own border takes a few pixels of its default size. */
  int width = gtk_widget_get_width (GTK_WIDGET (size->fixture->window));
  int height = gtk_widget_get_height (GTK_WIDGET (size->fixture->window));

  return ABS (width - size->width) <= 20 && ABS (height - size->height) <= 20 &&
         gtk_widget_get_visible (w->view_switcher) == adw_leaflet_get_folded (w->leaflet);
}

void
resize (Fixture *fixture,
        int      width,
        int      height)
{
  Size size = { fixture, width, height };

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), width, height);
  wait_until (has_size, &size, "the window to take its new size");
  settle (300);
}

/* ------------------------------------------------------------------------ */
/* The event log                                                            */

int
log_position (Fixture    *fixture,
              const char *event_name,
              const char *part)
{
  GListModel *log = sse_hub_server_proxy_get_log (fixture->hub);

  sse_hub_server_proxy_flush_log (fixture->hub);
  for (guint i = 0; i < g_list_model_get_n_items (log); i++)
    {
      g_autoptr(SseHubLogEntry) entry = g_list_model_get_item (log, i);

      if (g_strcmp0 (sse_hub_log_entry_get_event_name (entry), event_name) == 0 &&
          (part == NULL || strstr (test_log_entry_read (entry), part) != NULL))
        return (int) i;
    }

  return -1;
}

typedef struct
{
  Fixture    *fixture;
  const char *event_name;
  const char *part;
} LogWait;

static gboolean
log_has (gpointer data)
{
  LogWait *wait = data;

  return log_position (wait->fixture, wait->event_name, wait->part) >= 0;
}

void
wait_for_log (Fixture    *fixture,
              const char *event_name,
              const char *part)
{
  LogWait wait = { fixture, event_name, part };
  g_autofree char *what = g_strdup_printf ("a log entry %s with %s", event_name, part);

  wait_until (log_has, &wait, what);
}
