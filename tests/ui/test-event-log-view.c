/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event log view: bounded, paused, copied, following the newest
 * entry, and truthful about cause, effect and each connect. */
#include "config.h"

#include <string.h>

#include "ui-test.h"

typedef struct
{
  char     *text;
  gboolean  done;
} ClipboardRead;

static void
on_clipboard_text (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ClipboardRead *read = user_data;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  read->done = TRUE;
}

static gboolean
clipboard_done (gpointer data)
{
  return ((ClipboardRead *) data)->done;
}

/* A named event to every client, the composer's way: it is logged as sent. */
static void
send_event (Fixture    *fixture,
            const char *name,
            const char *data)
{
  g_autoptr(GError) error = NULL;

  sse_hub_server_proxy_send_custom_event (fixture->hub, name, NULL, data, &error);
  g_assert_no_error (error);
}

static void
test_log_bounded (Fixture       *fixture,
                  gconstpointer  user_data)
{
  GListModel *log = sse_hub_server_proxy_get_log (fixture->hub);
  GListModel *shown = G_LIST_MODEL (gtk_list_view_get_model (fixture->w.log_view));
  guint max_entries = SSE_HUB_EVENT_LOG_DEFAULT_MAX_ENTRIES;
  TestPeer *client = test_peer_open_stream_as (fixture->port, android_agent, NULL);
  g_autofree char *last = NULL;
  guint paused_count;
  gint64 start;

  wait_for_frame (client, "hello", NULL);
  sse_hub_window_set_view (fixture->window, "log");

  /* Four times what the log keeps, at a pace the window must absorb. */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < 4 * max_entries; i++)
    {
      g_autofree char *data = g_strdup_printf ("{\"n\":%u}", i);

      send_event (fixture, "burst", data);
      if (i % 100 == 99)
        settle (10);
    }
  last = g_strdup_printf ("{\"n\":%u}", 4 * max_entries - 1);
  wait_for_frame (client, "burst", last);
  sse_hub_server_proxy_flush_log (fixture->hub);
  settle (200);
  g_test_message ("%u events in %" G_GINT64_FORMAT " ms", 4 * max_entries,
                  (g_get_monotonic_time () - start) / 1000);

  g_assert_cmpuint (g_list_model_get_n_items (log), <=, max_entries);
  g_assert_cmpuint (g_list_model_get_n_items (shown), <=, max_entries);
  g_assert_cmpuint (g_list_model_get_n_items (shown), >, 0);

  /* Paused, the view holds still while the log goes on. */
  gtk_toggle_button_set_active (fixture->w.pause_button, TRUE);
  paused_count = g_list_model_get_n_items (shown);
  send_event (fixture, "later", "{}");
  g_ptr_array_unref (sse_hub_server_proxy_clear_log (fixture->hub));
  send_event (fixture, "later", "{}");
  sse_hub_server_proxy_flush_log (fixture->hub);
  settle (50);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, paused_count);
  gtk_toggle_button_set_active (fixture->w.pause_button, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==,
                    g_list_model_get_n_items (log));

  /* Copy puts the shown frames on the clipboard as text; a long one as its
   * first few KiB, with its true size. */
  send_event (fixture, "copied", "{\"copy\":1}");
  {
    g_autofree char *long_data = g_strnfill (3 * SSE_HUB_EVENT_LOG_MAX_TEXT, 'x');

    /* "event: long\ndata: " + data + "\n\n" */
    send_event (fixture, "long", long_data);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.copy-log", NULL));
  {
    GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (fixture->window));
    ClipboardRead read = { NULL, FALSE };
    g_autofree char *long_size = g_strdup_printf ("%u B sent\nevent: long\n",
                                                  18 + 3 * SSE_HUB_EVENT_LOG_MAX_TEXT + 2);
    g_autofree char *long_marker = g_strdup_printf ("xxx… (%u bytes in all)\n",
                                                    18 + 3 * SSE_HUB_EVENT_LOG_MAX_TEXT + 2);

    gdk_clipboard_read_text_async (clipboard, NULL, on_clipboard_text, &read);
    wait_until (clipboard_done, &read, "the clipboard");
    g_assert_nonnull (read.text);
    g_assert_nonnull (strstr (read.text, "event: copied\ndata: {\"copy\":1}"));
    g_assert_nonnull (strstr (read.text, long_size));
    g_assert_nonnull (strstr (read.text, long_marker));
    g_free (read.text);
  }

  /* Ctrl+L */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.clear-log", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 0);

  test_peer_free (client);
}

/* ------------------------------------------------------------------------ */
/* The log follows the newest entry                                         */

static void
publish_notices (Fixture *fixture,
                 guint    n)
{
  for (guint i = 0; i < n; i++)
    send_event (fixture, "tick", "x");
  sse_hub_server_proxy_flush_log (fixture->hub);
}

static GtkAdjustment *
log_adjustment (Fixture *fixture)
{
  return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (fixture->w.log_view));
}

static gboolean
log_at_end (gpointer data)
{
  GtkAdjustment *adjustment = log_adjustment (data);

  return gtk_adjustment_get_value (adjustment) >=
         gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) - 8;
}

static gboolean
is_following (Fixture *fixture)
{
  /* The way back to the newest entry is offered only while not following. */
  return !gtk_widget_get_visible (GTK_WIDGET (fixture->w.jump_button));
}

static void
test_log_follows (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  SseHubWindow *second;
  Fixture second_fixture = { 0 };

  resize (fixture, 1920, 1080);
  publish_notices (fixture, 200);
  settle (300);
  wait_until (log_at_end, fixture, "the log to show its newest entry");
  g_assert_true (is_following (fixture));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->w.jump_button)));

  /* The presenter scrolls back to read: new entries leave the view alone.
   * A scroll is many small moves: the first notes the list's height, which
   * a keep-alive may just have changed, the next reads as going up. */
  gtk_adjustment_set_value (log_adjustment (fixture),
                            gtk_adjustment_get_value (log_adjustment (fixture)) - 20);
  gtk_adjustment_set_value (log_adjustment (fixture), 0);
  g_assert_false (is_following (fixture));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->w.jump_button)));
  publish_notices (fixture, 20);
  settle (300);
  g_assert_cmpfloat (gtk_adjustment_get_value (log_adjustment (fixture)), <, 100);

  /* Jump to Newest goes back and follows again. */
  g_signal_emit_by_name (fixture->w.jump_button, "clicked");
  wait_until (log_at_end, fixture, "the jump to the newest entry");
  g_assert_true (is_following (fixture));

  /* Zoom and F9 re-measure every row: still at the newest. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.zoom-in", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.zoom-in", NULL));
  settle (800);
  g_assert_true (is_following (fixture));
  g_assert_true (log_at_end (fixture));
  publish_notices (fixture, 5);
  settle (300);
  wait_until (log_at_end, fixture, "the newest entry after a zoom");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.show-join-panel", NULL));
  settle (800);
  g_assert_true (is_following (fixture));
  g_assert_true (log_at_end (fixture));
  g_settings_reset (settings, "text-scale");

  /* A window opened on a long log opens at its end. */
  second = sse_hub_window_new (GTK_APPLICATION (g_application_get_default ()), fixture->hub);
  gtk_window_set_default_size (GTK_WINDOW (second), 1920, 1080);
  gtk_window_present (GTK_WINDOW (second));
  ui_widgets_find (second, &second_fixture.w);
  settle (800);
  g_assert_cmpfloat (gtk_adjustment_get_upper (log_adjustment (&second_fixture)), >,
                     gtk_adjustment_get_page_size (log_adjustment (&second_fixture)));
  wait_until (log_at_end, &second_fixture, "a new window to open at the newest entry");
  gtk_window_destroy (GTK_WINDOW (second));
}

/* The request that caused a change comes before the frame that carried it,
 * for a browser's post and for the presenter's form alike. */
static void
test_log_cause_first (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GSocketConnection) posted = NULL;
  TestPeer *client = test_peer_open_stream_as (fixture->port, firefox_agent, NULL);

  wait_for_frame (client, "hello", NULL);
  posted = post_person (fixture, "{\"name\":\"Hedy Lamarr\",\"age\":42}");
  wait_for_frame (client, NULL, "Hedy Lamarr");
  wait_for_log (fixture, "message", "Hedy Lamarr");
  g_assert_cmpint (log_position (fixture, "POST", "Hedy Lamarr"), >=, 0);
  g_assert_cmpint (log_position (fixture, "POST", "Hedy Lamarr"), <,
                   log_position (fixture, "message", "Hedy Lamarr"));

  submit_form (fixture, "Ada Lovelace", 36);
  wait_for_frame (client, NULL, "Ada Lovelace");
  wait_for_log (fixture, "message", "Ada Lovelace");
  g_assert_cmpint (log_position (fixture, "add", "presenter added {\"name\":\"Ada Lovelace\""), >=, 0);
  g_assert_cmpint (log_position (fixture, "add", "Ada Lovelace"), <,
                   log_position (fixture, "message", "Ada Lovelace"));

  test_peer_free (client);
}

/* Each stream's list is logged with the Last-Event-ID its browser sent. */
static void
test_connect_logged (Fixture       *fixture,
                     gconstpointer  user_data)
{
  TestPeer *first = test_peer_open_stream_as (fixture->port, firefox_agent, NULL);
  TestPeer *resumed = NULL;
  g_autofree char *header = NULL;
  g_autofree char *skipped = NULL;

  wait_for_frame (first, NULL, NULL);
  wait_for_log (fixture, "connect", "sent no Last-Event-ID: list sent");
  g_assert_nonnull (test_peer_last_event_id (first));

  header = g_strdup_printf ("Last-Event-ID: %s\r\n", test_peer_last_event_id (first));
  resumed = test_peer_open_stream_as (fixture->port, iphone_agent, header);
  wait_for_frame (resumed, "hello", NULL);
  skipped = g_strdup_printf ("sent Last-Event-ID %s, the current list: list skipped",
                             test_peer_last_event_id (first));
  wait_for_log (fixture, "resume", skipped);

  test_peer_free (first);
  test_peer_free (resumed);
}

int
main (int   argc,
      char *argv[])
{
  AdwApplication *app = ui_test_init (&argc, &argv);

  UI_TEST_ADD ("/ui/window/log-bounded", test_log_bounded);
  UI_TEST_ADD ("/ui/lecture/log-follows", test_log_follows);
  UI_TEST_ADD ("/ui/teach/log-cause-first", test_log_cause_first);
  UI_TEST_ADD ("/ui/teach/connect-logged", test_connect_logged);

  return ui_test_run (app);
}
