/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Send Event: the preview is the wire, reserved names send nothing. */
#include "config.h"

#include <string.h>

#include "sse-hub-event-composer.h"
#include "ui-test.h"

static SseHubEventComposer *
find_composer (void)
{
  WidgetQuery shown = { .type = SSE_HUB_TYPE_EVENT_COMPOSER, .visible = TRUE };

  return SSE_HUB_EVENT_COMPOSER (widget_find_toplevel (&shown));
}

static SseHubEventComposer *
open_composer (Fixture                    *fixture,
               SseHubEventComposerWidgets *widgets)
{
  SseHubEventComposer *composer;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.send-event", NULL));
  settle (200);
  composer = find_composer ();
  g_assert_nonnull (composer);
  sse_hub_event_composer_get_widgets (composer, widgets);
  return composer;
}

/* The composer's preview is what a real client receives, byte for byte;
 * a name the hub uses itself is refused in the window and sends nothing. */
static void
test_send_event (Fixture       *fixture,
                 gconstpointer  user_data)
{
  static const char expected[] = "event: quiz\nid: q1\ndata: Which port?\ndata: 3001\n\n";
  TestPeer *client = test_peer_open_stream_as (fixture->port, firefox_agent, NULL);
  SseHubEventComposerWidgets widgets;
  SseHubEventComposer *composer;
  g_autofree char *preview = NULL;
  gsize received;

  wait_for_frame (client, "hello", NULL);
  open_composer (fixture, &widgets);
  gtk_editable_set_text (widgets.name_entry, "quiz");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (widgets.data_view), "Which port?\n3001", -1);
  gtk_editable_set_text (widgets.id_entry, "q1");
  preview = g_strdup (gtk_label_get_text (widgets.preview_label));
  g_assert_cmpstr (preview, ==, expected);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (widgets.error_label)));

  g_signal_emit_by_name (widgets.send_button, "clicked");
  wait_for_frame (client, "quiz", "3001");
  g_assert_nonnull (strstr (client->body->str, preview));
  g_assert_null (find_composer ());
  g_assert_cmpint (log_position (fixture, "quiz", "data: 3001"), >=, 0);

  /* A reserved name: said beside the field, and Send does nothing. */
  composer = open_composer (fixture, &widgets);
  gtk_editable_set_text (widgets.name_entry, "hello");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (widgets.data_view), "spoof", -1);
  settle (100);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (widgets.error_label)));
  g_assert_nonnull (strstr (gtk_label_get_text (widgets.error_label), "hello"));
  g_assert_cmpstr (gtk_label_get_text (widgets.preview_label), ==, "");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (widgets.send_button)));
  received = client->body->len;
  /* Ctrl+Enter reaches the action even with the button greyed out. */
  gtk_widget_activate_action (GTK_WIDGET (composer), "composer.send", NULL);
  settle (500);
  g_assert_true (find_composer () == composer);
  /* Only keep-alives and heartbeats came since. */
  g_assert_null (strstr (client->body->str + received, "spoof"));
  g_assert_null (strstr (client->body->str + received, "event: hello"));
  g_assert_cmpint (log_position (fixture, "hello", "spoof"), ==, -1);
  gtk_window_destroy (GTK_WINDOW (composer));

  test_peer_free (client);
}

int
main (int   argc,
      char *argv[])
{
  AdwApplication *app = ui_test_init (&argc, &argv);

  UI_TEST_ADD ("/ui/teach/send-event", test_send_event);

  return ui_test_run (app);
}
