/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The persons page: the add form and its errors, the list, remove, clear
 * and Undo, new rows that stand out and refusals over the list. */
#include "config.h"

#include <string.h>

#include "sse-hub-wire.h"
#include "ui-test.h"

static void
test_add_reaches_client (Fixture       *fixture,
                         gconstpointer  user_data)
{
  TestPeer *client = test_peer_open_stream_as (fixture->port, firefox_agent, NULL);

  wait_for_frame (client, "hello", NULL);

  submit_form (fixture, "  Ada Lovelace ", 36);
  wait_for_frame (client, NULL, "\"name\":\"Ada Lovelace\",\"age\":36");

  g_assert_cmpuint (n_persons (fixture), ==, 1);
  g_assert_cmpstr (gtk_editable_get_text (fixture->w.name_entry), ==, "");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->w.form_error_label)));

  settle (200);
  g_assert_nonnull (widget_find_label (fixture->w.persons_view, "Ada Lovelace"));
  g_assert_nonnull (widget_find_label (fixture->w.persons_view, "36"));

  test_peer_free (client);
}

#define SLOW_SYNC_MS 800

typedef struct
{
  guint   beats;
  gint64  last_beat;
  gint64  longest_gap;
} Beat;

static gboolean
beat_cb (gpointer user_data)
{
  Beat *beat = user_data;
  gint64 now = g_get_monotonic_time ();

  if (beat->last_beat != 0)
    beat->longest_gap = MAX (beat->longest_gap, now - beat->last_beat);
  beat->last_beat = now;
  beat->beats++;
  return G_SOURCE_CONTINUE;
}

/* With a disk that takes SLOW_SYNC_MS to sync, the form answers at once,
 * the window keeps running its timers and drawing, and the person shows up
 * (in the list and on the wire) only once saved. */
static void
test_slow_disk (Fixture       *fixture,
                gconstpointer  user_data)
{
  TestPeer *client = test_peer_open_stream_as (fixture->port, firefox_agent, NULL);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (fixture->window));
  Beat beat = { 0 };
  guint source;
  gint64 started, returned;
  gint64 frames_before;

  wait_for_frame (client, "hello", NULL);
  source = g_timeout_add (10, beat_cb, &beat);
  frames_before = gdk_frame_clock_get_frame_counter (clock);

  started = g_get_monotonic_time ();
  submit_form (fixture, "Slow Disk", 44);
  returned = g_get_monotonic_time ();
  g_assert_cmpint (returned - started, <, SLOW_SYNC_MS * 1000 / 4);
  g_assert_cmpstr (gtk_editable_get_text (fixture->w.name_entry), ==, "");
  g_assert_cmpuint (n_persons (fixture), ==, 0);

  /* Halfway through the sync: still not in the list, the loop alive. */
  settle (SLOW_SYNC_MS / 2);
  g_assert_cmpuint (n_persons (fixture), ==, 0);
  gtk_widget_queue_draw (GTK_WIDGET (fixture->window));

  wait_for_frame (client, NULL, "\"name\":\"Slow Disk\",\"age\":44");
  g_assert_cmpuint (n_persons (fixture), ==, 1);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, SLOW_SYNC_MS * 1000);
  g_source_remove (source);

  g_assert_cmpuint (beat.beats, >=, SLOW_SYNC_MS / 10 / 4);
  g_assert_cmpint (beat.longest_gap, <, SLOW_SYNC_MS * 1000 / 4);
  g_assert_cmpint (gdk_frame_clock_get_frame_counter (clock), >, frames_before);

  settle (200);
  g_assert_nonnull (widget_find_label (fixture->w.persons_view, "Slow Disk"));
  test_peer_free (client);
}

static void
test_bad_name (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autofree char *long_name = g_strnfill (SSE_HUB_NAME_MAX_CHARS + 1, 'a');
  g_autofree char *revision = NULL;
  TestPeer *before;
  TestPeer *after;
  const char *message;

  /* The list's revision as the wire says it: an id on each list frame. */
  before = test_peer_open_stream (fixture->port, NULL);
  wait_for_frame (before, NULL, NULL);
  revision = g_strdup (test_peer_last_event_id (before));
  g_assert_nonnull (revision);

  submit_form (fixture, "   ", 30);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->w.form_error_label)));
  message = gtk_label_get_text (fixture->w.form_error_label);
  g_assert_cmpstr (message, !=, "");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (fixture->w.name_entry), "error"));
  /* What was typed stays, to be corrected. */
  g_assert_cmpstr (gtk_editable_get_text (fixture->w.name_entry), ==, "   ");

  submit_form (fixture, long_name, 30);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->w.form_error_label)));
  g_assert_cmpstr (gtk_editable_get_text (fixture->w.name_entry), ==, long_name);

  g_assert_cmpuint (n_persons (fixture), ==, 0);
  after = test_peer_open_stream (fixture->port, NULL);
  wait_for_frame (after, NULL, NULL);
  g_assert_cmpstr (test_peer_last_event_id (after), ==, revision);
  g_assert_cmpuint (test_peer_count_events (before, NULL), ==, 1);
  test_peer_free (before);
  test_peer_free (after);

  /* Fixing the name clears the error as it is typed. */
  gtk_editable_set_text (fixture->w.name_entry, "Grace");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->w.form_error_label)));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (fixture->w.name_entry), "error"));
  g_assert_cmpuint (n_persons (fixture), ==, 0);
}

/* The Undo button of the toast on screen, as the presenter would press it. */
static void
press_undo (Fixture *fixture)
{
  WidgetQuery undo = { .type = GTK_TYPE_BUTTON, .text = "_Undo", .mapped = TRUE };
  GtkWidget *button;

  /* Long enough for an earlier toast to finish sliding away, which the hub
   * holds until its own slide in is over, and for this one to slide in. */
  settle (1000);
  button = widget_find (fixture->window, &undo);
  if (button == NULL)
    g_error ("no Undo button on screen");
  g_signal_emit_by_name (button, "clicked");
}

static const char *
person_name_at (Fixture *fixture,
                guint    position)
{
  GListModel *persons = sse_hub_server_proxy_get_persons (fixture->hub);
  g_autoptr(SseHubPerson) person = g_list_model_get_item (persons, position);

  return sse_hub_person_get_name (person);
}

static void
test_remove_and_clear (Fixture       *fixture,
                       gconstpointer  user_data)
{
  WidgetQuery on_screen = { .type = GTK_TYPE_BUTTON, .mapped = TRUE };
  WidgetQuery dialog = { .type = ADW_TYPE_MESSAGE_DIALOG };
  g_autoptr(GPtrArray) buttons = NULL;
  GListModel *log = sse_hub_server_proxy_get_log (fixture->hub);
  guint n_log_entries;

  submit_form (fixture, "Ada", 36);
  submit_form (fixture, "Alan", 41);
  submit_form (fixture, "Grace", 85);
  wait_for_persons (fixture, 3);
  settle (300);

  /* The row's own button removes that row's person; Undo brings them back
   * (at the end: the store only appends). */
  buttons = widget_find_all (fixture->w.persons_view, &on_screen);
  g_assert_cmpuint (buttons->len, >=, 3);
  g_signal_emit_by_name (buttons->pdata[buttons->len - 2], "clicked");
  wait_for_persons (fixture, 2);
  g_assert_cmpstr (person_name_at (fixture, 1), ==, "Grace");
  press_undo (fixture);
  wait_for_persons (fixture, 3);
  g_assert_cmpstr (person_name_at (fixture, 2), ==, "Alan");

  /* Clear All asks nothing: it clears and offers Undo, which restores the
   * list in its order. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.clear-persons", NULL));
  g_assert_null (widget_find_toplevel (&dialog));
  wait_for_persons (fixture, 0);
  press_undo (fixture);
  wait_for_persons (fixture, 3);
  g_assert_cmpstr (person_name_at (fixture, 0), ==, "Ada");
  g_assert_cmpstr (person_name_at (fixture, 1), ==, "Grace");
  g_assert_cmpstr (person_name_at (fixture, 2), ==, "Alan");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.clear-persons", NULL));
  wait_for_persons (fixture, 0);
  settle (300);
  g_assert_nonnull (widget_find_label (fixture->window, "No Persons Yet"));

  /* Ctrl+L clears the log; Undo puts the entries back. */
  sse_hub_server_proxy_flush_log (fixture->hub);
  n_log_entries = g_list_model_get_n_items (log);
  g_assert_cmpuint (n_log_entries, >, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.clear-log", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (log), ==, 0);
  press_undo (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (log), >=, n_log_entries);
}

static void
assert_no_markup_parsed (GtkWidget  *root,
                         const char *name)
{
  WidgetQuery on_screen = { .type = GTK_TYPE_LABEL, .mapped = TRUE };
  g_autoptr(GPtrArray) labels = widget_find_all (root, &on_screen);

  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = labels->pdata[i];

      /* A label given the name but showing something else parsed it. */
      if (strstr (gtk_label_get_label (label), name) != NULL)
        g_assert_nonnull (strstr (gtk_label_get_text (label), name));
    }
}

static void
test_markup_literal (Fixture       *fixture,
                     gconstpointer  user_data)
{
  static const char *names[] = { "<b>x</b>", "Tom & Jerry", "<span size=\"xx-large\">big</span>" };
  GtkLabel *label;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      submit_form (fixture, names[i], 20 + i);
      g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->w.form_error_label)));
    }
  wait_for_persons (fixture, G_N_ELEMENTS (names));

  settle (300);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      label = widget_find_label (fixture->w.persons_view, names[i]);
      g_assert_nonnull (label);
      g_assert_false (gtk_label_get_use_markup (label));
    }
  g_assert_null (widget_find_label (fixture->w.persons_view, "x"));
  g_assert_null (widget_find_label (fixture->w.persons_view, "big"));
  assert_no_markup_parsed (GTK_WIDGET (fixture->window), "<b>x</b>");

  /* The event log shows the frames literally too. */
  sse_hub_window_set_view (fixture->window, "log");
  sse_hub_server_proxy_flush_log (fixture->hub);
  settle (300);
  {
    WidgetQuery on_screen = { .type = GTK_TYPE_LABEL, .mapped = TRUE };
    g_autoptr(GPtrArray) labels = widget_find_all (fixture->w.log_view, &on_screen);
    gboolean found = FALSE;

    for (guint i = 0; i < labels->len; i++)
      found |= strstr (gtk_label_get_text (labels->pdata[i]), "\"name\":\"<b>x</b>\"") != NULL;
    g_assert_true (found);
  }
  assert_no_markup_parsed (GTK_WIDGET (fixture->window), "<b>x</b>");
}

static void
test_fresh_and_refused (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GSocketConnection) added = NULL;
  g_autoptr(GSocketConnection) refused = NULL;
  GtkRevealer *revealer;
  gint64 start;

  /* Someone in the audience adds a person: their row stands out, then not. */
  submit_form (fixture, "Ada", 36);
  settle (3500);
  g_assert_true (has_no_fresh_row (fixture));
  added = post_person (fixture, "{\"name\":\"Grace\",\"age\":85}");
  wait_until (has_fresh_row, fixture, "the new row to stand out");
  start = g_get_monotonic_time ();
  wait_until (has_no_fresh_row, fixture, "the new row to calm down");
  g_assert_cmpint (g_get_monotonic_time () - start, >, G_USEC_PER_SEC);

  /* A refused post shows over the list, not only in the log. */
  revealer = GTK_REVEALER (gtk_widget_get_ancestor (
                             GTK_WIDGET (fixture->w.refusal_label), GTK_TYPE_REVEALER));
  g_assert_false (gtk_revealer_get_reveal_child (revealer));
  refused = post_person (fixture, "{\"name\":\"\",\"age\":3}");
  wait_until ((Condition) gtk_revealer_get_reveal_child, revealer, "the refusal to show");
  g_assert_nonnull (strstr (gtk_label_get_text (fixture->w.refusal_label), "400"));
}

int
main (int   argc,
      char *argv[])
{
  AdwApplication *app = ui_test_init (&argc, &argv);

  UI_TEST_ADD ("/ui/window/add-reaches-client", test_add_reaches_client);
  UI_TEST_ADD ("/ui/window/bad-name", test_bad_name);
  UI_TEST_ADD ("/ui/window/markup-literal", test_markup_literal);
  UI_TEST_ADD ("/ui/window/remove-and-clear", test_remove_and_clear);
  UI_TEST_ADD ("/ui/lecture/fresh-and-refused", test_fresh_and_refused);
  g_test_add ("/ui/window/slow-disk", Fixture, G_STRINGIFY (SLOW_SYNC_MS), fixture_set_up,
              test_slow_disk, fixture_tear_down);

  return ui_test_run (app);
}
