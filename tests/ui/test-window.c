/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "sse-hub-event-composer.h"
#include "sse-hub-event-log-view-private.h"
#include "sse-hub-headless.h"
#include "sse-hub-preferences-window.h"
#include "sse-hub-join-panel-private.h"
#include "sse-hub-user-agent.h"
#include "sse-hub-window-private.h"
#include "sse-hub-wire.h"
#include "sse-reader.h"

#define TIMEOUT_SECONDS 15

static const char firefox_agent[] =
  "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
static const char iphone_agent[] =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 "
  "(KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1";
static const char android_agent[] =
  "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
  "Chrome/119.0.6045.163 Mobile Safari/537.36";

typedef struct
{
  char                *dir;
  char                *data_file;
  SseHubPersonStore   *store;
  SseHubServer        *server;
  SseHubWindow        *window;
  SseHubWindowWidgets  w;
  guint                port;
} Fixture;

/* ------------------------------------------------------------------------ */
/* Main loop helpers                                                        */

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets the window lay out and draw: list rows only exist once allocated. */
static void
settle (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

typedef gboolean (*Condition) (gpointer data);

static void
wait_until (Condition    condition,
            gpointer     data,
            const char  *what)
{
  gboolean timed_out = FALSE;
  guint source = g_timeout_add_seconds (TIMEOUT_SECONDS, set_flag_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (timed_out)
    g_error ("timed out waiting for %s", what);
  g_source_remove (source);
}

/* ------------------------------------------------------------------------ */
/* Widget tree helpers                                                      */

static void
collect_labels (GtkWidget *widget,
                GPtrArray *labels)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (labels, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, labels);
}

/* The first mapped label under widget that shows exactly text. */
static GtkLabel *
find_label (gpointer    widget,
            const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect_labels (widget, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_str_equal (gtk_label_get_text (labels->pdata[i]), text))
      return labels->pdata[i];

  return NULL;
}

/* ------------------------------------------------------------------------ */
/* An event-stream client on a plain socket                                 */

typedef struct
{
  char *event;
  char *id;
  char *data;
} ReceivedFrame;

static void
received_frame_free (ReceivedFrame *frame)
{
  g_free (frame->event);
  g_free (frame->id);
  g_free (frame->data);
  g_free (frame);
}

typedef struct
{
  GSocketConnection *connection;
  GCancellable      *cancellable;
  SseReader          reader;
  GPtrArray         *frames;  /* ReceivedFrame */
  GString           *raw;     /* every byte received */
  char              *last_event_id; /* as EventSource keeps it */
  gboolean           finished;
} SseClient;

static gboolean
sse_client_on_frame (gpointer        user_data,
                     const SseFrame *frame)
{
  SseClient *client = user_data;
  ReceivedFrame *received = g_new (ReceivedFrame, 1);

  received->event = g_strdup (frame->event);
  received->id = g_strdup (frame->id);
  received->data = g_strdup (frame->data);
  if (frame->id != NULL)
    {
      g_free (client->last_event_id);
      client->last_event_id = g_strdup (frame->id);
    }
  g_ptr_array_add (client->frames, received);
  return TRUE;
}

static const SseReaderCallbacks client_callbacks = { .on_frame = sse_client_on_frame };

static void read_more (SseClient *client);

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  SseClient *client = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      client->finished = TRUE;
      return;
    }

  g_string_append_len (client->raw, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  sse_reader_feed (&client->reader, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  read_more (client);
}

static void
read_more (SseClient *client)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (client->connection));

  g_input_stream_read_bytes_async (input, 8192, G_PRIORITY_DEFAULT, client->cancellable,
                                   on_read, client);
}

/* extra_headers: whole header lines, or "" */
static SseClient *
sse_client_open_with (guint       port,
                      const char *user_agent,
                      const char *extra_headers)
{
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  SseClient *client = g_new0 (SseClient, 1);
  GOutputStream *output;

  client->connection = g_socket_client_connect_to_host (socket_client, "127.0.0.1", port,
                                                        NULL, &error);
  g_assert_no_error (error);
  client->cancellable = g_cancellable_new ();
  client->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) received_frame_free);
  client->raw = g_string_new (NULL);
  sse_reader_init (&client->reader, &client_callbacks, client);

  request = g_strdup_printf ("GET /connect HTTP/1.1\r\n"
                             "Host: 127.0.0.1:%u\r\n"
                             "Accept: text/event-stream\r\n"
                             "User-Agent: %s\r\n"
                             "%s"
                             "\r\n", port, user_agent, extra_headers);
  output = g_io_stream_get_output_stream (G_IO_STREAM (client->connection));
  g_output_stream_write_all (output, request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);

  read_more (client);
  return client;
}

static SseClient *
sse_client_open (guint       port,
                 const char *user_agent)
{
  return sse_client_open_with (port, user_agent, "");
}

static gboolean
client_finished (gpointer data)
{
  return ((SseClient *) data)->finished;
}

static void
sse_client_close (SseClient *client)
{
  g_cancellable_cancel (client->cancellable);
  wait_until (client_finished, client, "the read to end");
  g_io_stream_close (G_IO_STREAM (client->connection), NULL, NULL);

  g_object_unref (client->connection);
  g_object_unref (client->cancellable);
  sse_reader_clear (&client->reader);
  g_ptr_array_unref (client->frames);
  g_string_free (client->raw, TRUE);
  g_free (client->last_event_id);
  g_free (client);
}

typedef struct
{
  SseClient  *client;
  const char *event;
  const char *data_part;
} Expectation;

static gboolean
client_received (gpointer data)
{
  Expectation *expectation = data;
  GPtrArray *frames = expectation->client->frames;

  for (guint i = 0; i < frames->len; i++)
    {
      ReceivedFrame *frame = g_ptr_array_index (frames, i);

      if (g_strcmp0 (frame->event, expectation->event) == 0 &&
          (expectation->data_part == NULL ||
           (frame->data != NULL && strstr (frame->data, expectation->data_part) != NULL)))
        return TRUE;
    }

  return FALSE;
}

/* Waits for a frame with this event (NULL = unnamed) whose data holds
 * data_part (NULL = any data). */
static void
wait_for_frame (SseClient  *client,
                const char *event,
                const char *data_part)
{
  Expectation expectation = { client, event, data_part };
  g_autofree char *what = g_strdup_printf ("event %s with %s", event != NULL ? event : "(unnamed)",
                                           data_part != NULL ? data_part : "any data");

  wait_until (client_received, &expectation, what);
}

/* ------------------------------------------------------------------------ */
/* Fixture                                                                  */

static void
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
  fixture->store = sse_hub_person_store_new (fixture->data_file);
  sse_hub_person_store_load (fixture->store, &error);
  g_assert_no_error (error);
  g_unsetenv ("SSE_HUB_TEST_SYNC_DELAY_MS");

  fixture->server = sse_hub_server_new (fixture->store);
  /* A short keep-alive: a departed client is noticed on the next write. */
  g_object_set (fixture->server,
                "port", 0,
                "bind-address", "127.0.0.1",
                "keepalive-interval", 1,
                NULL);
  sse_hub_server_start (fixture->server, &error);
  g_assert_no_error (error);
  fixture->port = sse_hub_server_get_bound_port (fixture->server);
  g_assert_cmpuint (fixture->port, >, 0);

  /* Our own reference, so that teardown can check the window goes away. */
  fixture->window = sse_hub_window_new (GTK_APPLICATION (g_application_get_default ()),
                                       fixture->server);
  g_object_ref (fixture->window);
  sse_hub_window_get_widgets (fixture->window, &fixture->w);
  gtk_window_present (GTK_WINDOW (fixture->window));
  settle (300);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));
}

static void
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

  sse_hub_server_stop (fixture->server);
  g_assert_finalize_object (fixture->server);

  sse_hub_person_store_flush (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_finalize_object (fixture->store);

  g_unlink (fixture->data_file);
  g_rmdir (fixture->dir);
  g_free (fixture->data_file);
  g_free (fixture->dir);
}

static guint
n_persons (Fixture *fixture)
{
  return g_list_model_get_n_items (G_LIST_MODEL (fixture->store));
}

/* Something the window shows reaching a number: persons, client rows. */
typedef struct
{
  Fixture  *fixture;
  guint   (*count) (Fixture *fixture);
  guint     expected;
} Count;

static gboolean
count_reached (gpointer data)
{
  Count *count = data;

  return count->count (count->fixture) == count->expected;
}

/* Changes reach the list once they are on disk. */
static void
wait_for_persons (Fixture *fixture,
                  guint    persons)
{
  Count count = { fixture, n_persons, persons };

  wait_until (count_reached, &count, "the list to be saved");
}

static guint
n_client_rows (Fixture *fixture)
{
  GtkSelectionModel *model = gtk_column_view_get_model (fixture->w.clients_view);

  return g_list_model_get_n_items (G_LIST_MODEL (model));
}

/* Types into the form and presses Add, as the presenter would. */
static void
submit_form (Fixture    *fixture,
             const char *name,
             int         age)
{
  gtk_editable_set_text (fixture->w.name_entry, name);
  gtk_spin_button_set_value (fixture->w.age_spin, age);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->w.name_entry),
                                             "win.add-person", NULL));
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                    */

static gboolean
is_running (Fixture *fixture)
{
  gboolean running;

  g_object_get (fixture->server, "running", &running, NULL);
  return running;
}

/* The join address as the label shows it: the line may break only after
 * the scheme, where a zero-width space marks the place. */
static void
assert_shows_url (Fixture    *fixture,
                  const char *url)
{
  const char *host = strstr (url, "://") + strlen ("://");
  g_autofree char *shown = g_strdup_printf ("%.*s\u200b%s", (int) (host - url), url, host);

  g_assert_cmpstr (gtk_label_get_text (fixture->w.url_label), ==, shown);
}

/* A join address too wide for one line breaks after "http://", never
 * inside the host and port the class has to type. */
static void
assert_url_unbroken (Fixture *fixture)
{
  PangoLayout *layout = gtk_label_get_layout (fixture->w.url_label);
  const char *text = gtk_label_get_text (fixture->w.url_label);

  for (int i = 1; i < pango_layout_get_line_count (layout); i++)
    {
      PangoLayoutLine *line = pango_layout_get_line_readonly (layout, i);
      g_autofree char *before = g_strndup (text, line->start_index);

      g_assert_cmpint (i, ==, 1);
      g_assert_true (g_str_has_suffix (before, "://\u200b"));
    }
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
  sse_hub_server_set_bind_address (fixture->server, NULL);
  g_assert_true (is_running (fixture));
  g_assert_false (gtk_widget_get_visible (fixture->w.local_only_label));
  g_test_message ("join address: %s", gtk_label_get_text (fixture->w.url_label));
  sse_hub_server_set_bind_address (fixture->server, "127.0.0.1");
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
  g_autoptr(SseHubServer) other = sse_hub_server_new (NULL);

  /* Another program takes the port while the hub is stopped. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.toggle-serving", NULL));
  g_object_set (fixture->server, "port", fixture->port, NULL);
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
  g_object_set (fixture->server, "port", 0, NULL);
  g_assert_true (is_running (fixture));
  g_assert_false (gtk_revealer_get_reveal_child (fixture->w.error_revealer));
  g_assert_cmpuint (sse_hub_server_get_bound_port (fixture->server), !=, fixture->port);

  /* Once the port is free, Try Again works too. */
  sse_hub_server_stop (fixture->server);
  g_object_set (fixture->server, "port", fixture->port, NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.start-serving", NULL));
  g_assert_false (is_running (fixture));
  g_assert_true (gtk_revealer_get_reveal_child (fixture->w.error_revealer));
  sse_hub_server_stop (other);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.start-serving", NULL));
  g_assert_true (is_running (fixture));
  g_assert_cmpuint (sse_hub_server_get_bound_port (fixture->server), ==, fixture->port);
  g_assert_false (gtk_revealer_get_reveal_child (fixture->w.error_revealer));
  g_assert_cmpstr (gtk_label_get_text (fixture->w.status_label), !=, "Not serving");
}

static void
test_add_reaches_client (Fixture       *fixture,
                         gconstpointer  user_data)
{
  SseClient *client = sse_client_open (fixture->port, firefox_agent);

  wait_for_frame (client, "hello", NULL);

  submit_form (fixture, "  Ada Lovelace ", 36);
  wait_for_frame (client, NULL, "\"name\":\"Ada Lovelace\",\"age\":36");

  g_assert_cmpuint (n_persons (fixture), ==, 1);
  g_assert_cmpstr (gtk_editable_get_text (fixture->w.name_entry), ==, "");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->w.form_error_label)));

  settle (200);
  g_assert_nonnull (find_label (fixture->w.persons_view, "Ada Lovelace"));
  g_assert_nonnull (find_label (fixture->w.persons_view, "36"));

  sse_client_close (client);
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
  SseClient *client = sse_client_open (fixture->port, firefox_agent);
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
  g_assert_nonnull (find_label (fixture->w.persons_view, "Slow Disk"));
  sse_client_close (client);
}

static void
test_client_list (Fixture       *fixture,
                  gconstpointer  user_data)
{
  Count one = { fixture, n_client_rows, 1 };
  Count none = { fixture, n_client_rows, 0 };
  SseClient *client;

  g_assert_cmpstr (gtk_stack_get_visible_child_name (fixture->w.clients_stack), ==, "empty");
  sse_hub_window_set_view (fixture->window, "clients");

  client = sse_client_open (fixture->port, firefox_agent);
  wait_until (count_reached, &one, "the client to appear");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (fixture->w.clients_stack), ==, "list");

  settle (300);
  g_assert_nonnull (find_label (fixture->w.clients_view, "127.0.0.1"));
  g_assert_nonnull (find_label (fixture->w.clients_view, "Firefox 120"));
  g_assert_nonnull (find_label (fixture->w.clients_view, "Linux"));
  g_assert_nonnull (strstr (gtk_label_get_text (fixture->w.status_label), "1 client"));

  /* The counters follow the wire without a notify: the refresh does it. */
  sse_hub_window_refresh_clients (fixture->window);

  sse_client_close (client);
  wait_until (count_reached, &none, "the client to leave");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (fixture->w.clients_stack), ==, "empty");
  settle (300);
  g_assert_nonnull (strstr (gtk_label_get_text (fixture->w.status_label), "0 clients"));
}

static void
test_bad_name (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autofree char *long_name = g_strnfill (SSE_HUB_NAME_MAX_CHARS + 1, 'a');
  guint64 revision = sse_hub_person_store_get_revision (fixture->store);
  const char *message;

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
  g_assert_cmpuint (sse_hub_person_store_get_revision (fixture->store), ==, revision);

  /* Fixing the name clears the error as it is typed. */
  gtk_editable_set_text (fixture->w.name_entry, "Grace");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->w.form_error_label)));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (fixture->w.name_entry), "error"));
  g_assert_cmpuint (n_persons (fixture), ==, 0);
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window))
        return ADW_MESSAGE_DIALOG (window);
    }

  return NULL;
}

static void
collect_buttons (GtkWidget *widget,
                 GPtrArray *buttons)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (buttons, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_buttons (child, buttons);
}

/* The Undo button of the toast on screen, as the presenter would press it. */
static void
press_undo (Fixture *fixture)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  /* Long enough for an earlier toast to finish sliding away. */
  settle (600);
  collect_buttons (GTK_WIDGET (fixture->window), buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (buttons->pdata[i]), "_Undo") == 0)
      {
        g_signal_emit_by_name (buttons->pdata[i], "clicked");
        return;
      }

  g_error ("no Undo button on screen");
}

static const char *
person_name_at (Fixture *fixture,
                guint    position)
{
  g_autoptr(SseHubPerson) person = g_list_model_get_item (G_LIST_MODEL (fixture->store), position);

  return sse_hub_person_get_name (person);
}

static void
test_remove_and_clear (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  SseHubEventLog *log = sse_hub_server_get_log (fixture->server);
  guint n_log_entries;

  submit_form (fixture, "Ada", 36);
  submit_form (fixture, "Alan", 41);
  submit_form (fixture, "Grace", 85);
  wait_for_persons (fixture, 3);
  settle (300);

  /* The row's own button removes that row's person; Undo brings them back
   * (at the end: the store only appends). */
  collect_buttons (GTK_WIDGET (fixture->w.persons_view), buttons);
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
  g_assert_null (find_message_dialog ());
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
  g_assert_nonnull (find_label (fixture->window, "No Persons Yet"));

  /* Ctrl+L clears the log; Undo puts the entries back. */
  sse_hub_event_log_flush (log);
  n_log_entries = g_list_model_get_n_items (G_LIST_MODEL (log));
  g_assert_cmpuint (n_log_entries, >, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.clear-log", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 0);
  press_undo (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), >=, n_log_entries);
}

static void
assert_no_markup_parsed (GtkWidget  *root,
                         const char *name)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect_labels (root, labels);
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
  SseHubEventLog *log = sse_hub_server_get_log (fixture->server);
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
      label = find_label (fixture->w.persons_view, names[i]);
      g_assert_nonnull (label);
      g_assert_false (gtk_label_get_use_markup (label));
    }
  g_assert_null (find_label (fixture->w.persons_view, "x"));
  g_assert_null (find_label (fixture->w.persons_view, "big"));
  assert_no_markup_parsed (GTK_WIDGET (fixture->window), "<b>x</b>");

  /* The event log shows the frames literally too. */
  sse_hub_window_set_view (fixture->window, "log");
  sse_hub_event_log_flush (log);
  settle (300);
  {
    g_autoptr(GPtrArray) labels = g_ptr_array_new ();
    gboolean found = FALSE;

    collect_labels (GTK_WIDGET (fixture->w.log_view), labels);
    for (guint i = 0; i < labels->len; i++)
      found |= strstr (gtk_label_get_text (labels->pdata[i]), "\"name\":\"<b>x</b>\"") != NULL;
    g_assert_true (found);
  }
  assert_no_markup_parsed (GTK_WIDGET (fixture->window), "<b>x</b>");
}

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

static void
test_log_bounded (Fixture       *fixture,
                  gconstpointer  user_data)
{
  SseHubEventLog *log = sse_hub_server_get_log (fixture->server);
  GListModel *shown = G_LIST_MODEL (gtk_list_view_get_model (fixture->w.log_view));
  guint max_entries = sse_hub_event_log_get_max_entries (log);
  SseClient *client = sse_client_open (fixture->port, android_agent);
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

      sse_hub_server_publish (fixture->server, SSE_HUB_LOG_NOTICE, "burst", NULL, data);
      if (i % 100 == 99)
        settle (10);
    }
  last = g_strdup_printf ("{\"n\":%u}", 4 * max_entries - 1);
  wait_for_frame (client, "burst", last);
  sse_hub_event_log_flush (log);
  settle (200);
  g_test_message ("%u events in %" G_GINT64_FORMAT " ms", 4 * max_entries,
                  (g_get_monotonic_time () - start) / 1000);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), <=, max_entries);
  g_assert_cmpuint (g_list_model_get_n_items (shown), <=, max_entries);
  g_assert_cmpuint (g_list_model_get_n_items (shown), >, 0);

  /* Paused, the view holds still while the log goes on. */
  gtk_toggle_button_set_active (fixture->w.pause_button, TRUE);
  paused_count = g_list_model_get_n_items (shown);
  sse_hub_server_publish (fixture->server, SSE_HUB_LOG_NOTICE, "later", NULL, "{}");
  sse_hub_event_log_clear (log);
  sse_hub_server_publish (fixture->server, SSE_HUB_LOG_NOTICE, "later", NULL, "{}");
  sse_hub_event_log_flush (log);
  settle (50);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, paused_count);
  gtk_toggle_button_set_active (fixture->w.pause_button, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==,
                    g_list_model_get_n_items (G_LIST_MODEL (log)));

  /* Copy puts the shown frames on the clipboard as text; a long one as its
   * first few KiB, with its true size. */
  sse_hub_server_publish (fixture->server, SSE_HUB_LOG_NOTICE, "copied", NULL, "{\"copy\":1}");
  {
    g_autofree char *long_data = g_strnfill (3 * SSE_HUB_EVENT_LOG_MAX_TEXT, 'x');

    /* "event: long\ndata: " + data + "\n\n" */
    sse_hub_server_publish (fixture->server, SSE_HUB_LOG_NOTICE, "long", NULL, long_data);
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
  sse_hub_event_log_flush (log);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 0);

  sse_client_close (client);
}

typedef struct
{
  Fixture *fixture;
  gint64   last_tick;
  gint64   longest_gap;
  guint    published;
  guint    to_publish;
} Ticker;

/* Publishes on a 10 ms beat and notes how late each beat is: a window that
 * stalls on the traffic shows up as a long gap. */
static gboolean
tick_cb (gpointer user_data)
{
  Ticker *ticker = user_data;
  gint64 now = g_get_monotonic_time ();
  g_autofree char *data = g_strdup_printf ("{\"tick\":%u}", ticker->published);

  if (ticker->last_tick != 0)
    ticker->longest_gap = MAX (ticker->longest_gap, now - ticker->last_tick);
  ticker->last_tick = now;

  sse_hub_server_publish (ticker->fixture->server, SSE_HUB_LOG_NOTICE, "tick", NULL, data);
  if (++ticker->published < ticker->to_publish)
    return G_SOURCE_CONTINUE;

  return G_SOURCE_REMOVE;
}

static gboolean
ticker_done (gpointer data)
{
  Ticker *ticker = data;

  return ticker->published == ticker->to_publish;
}

static void
test_busy_hub (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autofree char *request = g_strdup_printf ("GET /connect HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                                              "User-Agent: %s\r\n\r\n",
                                              fixture->port, android_agent);
  Count all = { fixture, n_client_rows, 1000 };
  Ticker ticker = { fixture, 0, 0, 0, 200 };
  gint64 start;

  sse_hub_raise_fd_limit ();
  sse_hub_window_set_view (fixture->window, "clients");

  /* A thousand browsers that never read: the kernel buffers what they get. */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < all.expected; i++)
    {
      g_autoptr(GError) error = NULL;
      GSocketConnection *connection;

      connection = g_socket_client_connect_to_host (socket_client, "127.0.0.1", fixture->port,
                                                    NULL, &error);
      g_assert_no_error (error);
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                 request, strlen (request), NULL, NULL, &error);
      g_assert_no_error (error);
      g_ptr_array_add (sockets, connection);

      if (i % 50 == 49)
        g_main_context_iteration (NULL, FALSE);
    }
  wait_until (count_reached, &all, "a thousand clients");
  g_test_message ("1000 clients in %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000);
  settle (300);
  g_assert_nonnull (strstr (gtk_label_get_text (fixture->w.status_label), "1000 clients"));

  /* 100 events a second to all of them for two seconds. */
  g_timeout_add (10, tick_cb, &ticker);
  wait_until (ticker_done, &ticker, "the events to go out");
  sse_hub_window_refresh_clients (fixture->window);
  g_test_message ("longest gap between 10 ms beats: %" G_GINT64_FORMAT " ms",
                  ticker.longest_gap / 1000);
  g_assert_cmpint (ticker.longest_gap, <, 500 * 1000);

  g_ptr_array_set_size (sockets, 0);
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
  SseClient *clients[G_N_ELEMENTS (agents)];
  Count all = { fixture, n_client_rows, G_N_ELEMENTS (agents) };
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkAdjustment *hadjustment;

  for (guint i = 0; i < G_N_ELEMENTS (persons); i++)
    submit_form (fixture, persons[i].name, persons[i].age);
  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    clients[i] = sse_client_open (fixture->port, agents[i]);
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
    sse_client_close (clients[i]);
}

static gboolean
clients_refresh_stopped (gpointer data)
{
  Fixture *fixture = data;

  return !sse_hub_window_get_clients_refresh_active (fixture->window);
}

/* The once-a-second counters redraw costs nothing while nobody sees it. */
static void
test_clients_refresh_visible (Fixture       *fixture,
                              gconstpointer  user_data)
{
  /* The views slide: the one left behind is unmapped once the slide ends. */
  sse_hub_window_set_view (fixture->window, "persons");
  wait_until (clients_refresh_stopped, fixture, "the refresh to stop");

  sse_hub_window_set_view (fixture->window, "clients");
  settle (100);
  g_assert_true (sse_hub_window_get_clients_refresh_active (fixture->window));

  sse_hub_window_set_view (fixture->window, "log");
  wait_until (clients_refresh_stopped, fixture, "the refresh to stop");

  sse_hub_window_set_view (fixture->window, "clients");
  settle (100);
  g_assert_true (sse_hub_window_get_clients_refresh_active (fixture->window));

  /* A hidden window shows no page at all. */
  gtk_widget_set_visible (GTK_WIDGET (fixture->window), FALSE);
  settle (100);
  g_assert_false (sse_hub_window_get_clients_refresh_active (fixture->window));
}

/* Rows are bound again on every scroll and page switch; the agent is read
 * once per client and the same parse serves every bind after. */
static void
test_agent_parsed_once (Fixture       *fixture,
                        gconstpointer  user_data)
{
  Count one = { fixture, n_client_rows, 1 };
  GListModel *clients = sse_hub_server_get_clients (fixture->server);
  SseClient *client = sse_client_open (fixture->port, iphone_agent);
  g_autoptr(SseHubClient) hub_client = NULL;
  const SseHubUserAgent *agent;

  sse_hub_window_set_view (fixture->window, "clients");
  wait_until (count_reached, &one, "the client to appear");
  settle (300);
  g_assert_nonnull (find_label (fixture->w.clients_view, "Safari 17"));

  hub_client = g_list_model_get_item (clients, 0);
  agent = sse_hub_user_agent_for_client (hub_client);
  g_assert_cmpstr (agent->browser, ==, "Safari 17");
  g_assert_cmpstr (agent->os, ==, "iOS 17");

  sse_hub_window_set_view (fixture->window, "log");
  settle (100);
  sse_hub_window_set_view (fixture->window, "clients");
  sse_hub_window_refresh_clients (fixture->window);
  settle (300);
  g_assert_nonnull (find_label (fixture->w.clients_view, "iOS 17"));
  g_assert_true (sse_hub_user_agent_for_client (hub_client) == agent);

  sse_client_close (client);
}

/* The spin button in the preferences row with this title, or NULL. */
static GtkSpinButton *
find_row_spin (GtkWidget  *widget,
               const char *title,
               gboolean    in_row)
{
  if (in_row && GTK_IS_SPIN_BUTTON (widget))
    return GTK_SPIN_BUTTON (widget);

  in_row = in_row || (ADW_IS_PREFERENCES_ROW (widget) &&
                      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)),
                                 title) == 0);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkSpinButton *spin = find_row_spin (child, title, in_row);

      if (spin != NULL)
        return spin;
    }

  return NULL;
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
      GtkSpinButton *spin = find_row_spin (preferences, rows[i].title, FALSE);

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


/* ------------------------------------------------------------------------ */
/* Lecture layout                                                           */

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
  SseHubWindowWidgets *w = &size->fixture->w;
  /* The window's own border takes a few pixels of its default size. */
  int width = gtk_widget_get_width (GTK_WIDGET (size->fixture->window));
  int height = gtk_widget_get_height (GTK_WIDGET (size->fixture->window));

  return ABS (width - size->width) <= 20 && ABS (height - size->height) <= 20 &&
         gtk_widget_get_visible (w->view_switcher) == adw_leaflet_get_folded (w->leaflet);
}

static void
resize (Fixture *fixture,
        int      width,
        int      height)
{
  Size size = { fixture, width, height };

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), width, height);
  wait_until (has_size, &size, "the window to take its new size");
  settle (300);
}

/* On screen: mapped, with room to be read. */
static gboolean
is_shown (GtkWidget *widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) >= 300 &&
         gtk_widget_get_height (widget) >= 300;
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
  g_assert_cmpint (sse_hub_join_panel_get_qr_size (fixture->w.join_panel), >=, 340);
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
collect_mnemonics (GtkWidget  *widget,
                   GHashTable *owners)
{
  /* A menu's popover is a surface of its own, with its own mnemonics. */
  if (GTK_IS_POPOVER (widget))
    return;

  if (GTK_IS_LABEL (widget) && gtk_label_get_use_underline (GTK_LABEL (widget)))
    {
      guint key = gdk_keyval_to_lower (gtk_label_get_mnemonic_keyval (GTK_LABEL (widget)));
      const char *text = gtk_label_get_label (GTK_LABEL (widget));
      const char *other = g_hash_table_lookup (owners, GUINT_TO_POINTER (key));

      if (key != GDK_KEY_VoidSymbol)
        {
          if (other != NULL)
            g_error ("Alt+%s belongs to both “%s” and “%s”", gdk_keyval_name (key), other, text);
          g_hash_table_insert (owners, GUINT_TO_POINTER (key), (gpointer) text);
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_mnemonics (child, owners);
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
/* New persons and refused posts                                            */

static GSocketConnection *
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

static void
count_fresh_rows (GtkWidget *widget,
                  guint     *n_fresh)
{
  if (gtk_widget_has_css_class (widget, "fresh"))
    (*n_fresh)++;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    count_fresh_rows (child, n_fresh);
}

static guint
n_fresh_rows (Fixture *fixture)
{
  guint n_fresh = 0;

  count_fresh_rows (GTK_WIDGET (fixture->w.persons_view), &n_fresh);
  return n_fresh;
}

static gboolean
has_fresh_row (gpointer data)
{
  return n_fresh_rows (data) == 1;
}

static gboolean
has_no_fresh_row (gpointer data)
{
  return n_fresh_rows (data) == 0;
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

/* ------------------------------------------------------------------------ */
/* The log follows the newest entry                                         */

static void
publish_notices (Fixture *fixture,
                 guint    n)
{
  for (guint i = 0; i < n; i++)
    sse_hub_server_publish (fixture->server, SSE_HUB_LOG_NOTICE, "tick", NULL, "x");
  sse_hub_event_log_flush (sse_hub_server_get_log (fixture->server));
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
  return sse_hub_event_log_view_get_following (SSE_HUB_EVENT_LOG_VIEW (fixture->w.event_log_view));
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

  /* The presenter scrolls back to read: new entries leave the view alone. */
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
  second = sse_hub_window_new (GTK_APPLICATION (g_application_get_default ()), fixture->server);
  gtk_window_set_default_size (GTK_WINDOW (second), 1920, 1080);
  gtk_window_present (GTK_WINDOW (second));
  sse_hub_window_get_widgets (second, &second_fixture.w);
  settle (800);
  g_assert_cmpfloat (gtk_adjustment_get_upper (log_adjustment (&second_fixture)), >,
                     gtk_adjustment_get_page_size (log_adjustment (&second_fixture)));
  wait_until (log_at_end, &second_fixture, "a new window to open at the newest entry");
  gtk_window_destroy (GTK_WINDOW (second));
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

static GtkWidget *
find_image (GtkWidget *widget)
{
  if (GTK_IS_IMAGE (widget) && gtk_widget_get_mapped (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *image = find_image (child);

      if (image != NULL)
        return image;
    }

  return NULL;
}

static int
image_size (Fixture *fixture)
{
  GtkWidget *image = find_image (GTK_WIDGET (fixture->w.persons_view));
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
  g_assert_cmpfloat (label_pixels (GTK_WIDGET (find_label (fixture->w.persons_view, "Ada"))),
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

/* ------------------------------------------------------------------------ */
/* The join address follows the network                                    */

static GStrv
fake_hotspot_urls (SseHubServer *server)
{
  g_autofree char *url = g_strdup_printf ("http://10.42.0.1:%u/",
                                          sse_hub_server_get_bound_port (server));
  char *urls[] = { url, NULL };

  return g_strdupv (urls);
}

static gboolean
url_is_hotspot (gpointer data)
{
  Fixture *fixture = data;

  return g_str_has_prefix (gtk_label_get_text (fixture->w.url_label), "http://\u200b10.42.0.1:");
}

static void
test_network_change (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", fixture->port);

  /* The laptop turns on a hotspot: nothing changes until the network
   * monitor says so, then the address, the QR code and the header follow. */
  sse_hub_join_panel_set_urls_func (fixture->w.join_panel, fake_hotspot_urls);
  settle (100);
  assert_shows_url (fixture, url);

  sse_hub_join_panel_network_changed (fixture->w.join_panel);
  sse_hub_join_panel_network_changed (fixture->w.join_panel);
  wait_until (url_is_hotspot, fixture, "the address to follow the network");
  g_assert_true (g_str_has_prefix (sse_hub_join_panel_get_join_url (fixture->w.join_panel),
                                   "http://10.42.0.1:"));
  settle (300);
  g_assert_nonnull (strstr (gtk_label_get_text (fixture->w.status_label), "10.42.0.1"));

  sse_hub_join_panel_set_urls_func (fixture->w.join_panel, NULL);
  sse_hub_join_panel_network_changed (fixture->w.join_panel);
  settle (800);
  assert_shows_url (fixture, url);
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

  sse_hub_server_stop (fixture->server);
  g_object_set (fixture->server, "bind-address", NULL, "port", SSE_HUB_DEFAULT_PORT, NULL);
  sse_hub_server_start (fixture->server, &error);
  g_assert_no_error (error);
  fixture->port = sse_hub_server_get_bound_port (fixture->server);
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
  SseClient *clients[G_N_ELEMENTS (agents)];
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
  assert_url_unbroken (fixture);

  /* Through the hub rather than the form: no toasts over the picture. */
  for (guint i = 0; i < G_N_ELEMENTS (persons); i++)
    sse_hub_server_add_person_async (fixture->server, persons[i].name, persons[i].age,
                                     NULL, NULL, NULL);
  wait_for_persons (fixture, G_N_ELEMENTS (persons));
  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    clients[i] = sse_client_open (fixture->port, agents[i]);
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
    sse_client_close (clients[i]);
}

/* ------------------------------------------------------------------------ */
/* A truthful log and the teaching controls                                 */

/* Where the first log entry with this event name (and text holding part,
 * if not NULL) is, from position from on; -1 if none. */
static int
log_position_from (Fixture    *fixture,
                   int         from,
                   const char *event_name,
                   const char *part)
{
  GListModel *log = G_LIST_MODEL (sse_hub_server_get_log (fixture->server));

  sse_hub_event_log_flush (SSE_HUB_EVENT_LOG (log));
  for (guint i = MAX (from, 0); i < g_list_model_get_n_items (log); i++)
    {
      g_autoptr(SseHubLogEntry) entry = g_list_model_get_item (log, i);

      if (g_strcmp0 (sse_hub_log_entry_get_event_name (entry), event_name) == 0 &&
          (part == NULL || strstr (sse_hub_log_entry_get_text (entry), part) != NULL))
        return (int) i;
    }

  return -1;
}

static int
log_position (Fixture    *fixture,
              const char *event_name,
              const char *part)
{
  return log_position_from (fixture, 0, event_name, part);
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

static void
wait_for_log (Fixture    *fixture,
              const char *event_name,
              const char *part)
{
  LogWait wait = { fixture, event_name, part };
  g_autofree char *what = g_strdup_printf ("a log entry %s with %s", event_name, part);

  wait_until (log_has, &wait, what);
}

/* The request that caused a change comes before the frame that carried it,
 * for a browser's post and for the presenter's form alike. */
static void
test_log_cause_first (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GSocketConnection) posted = NULL;
  SseClient *client = sse_client_open (fixture->port, firefox_agent);

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

  sse_client_close (client);
}

/* Each stream's list is logged with the Last-Event-ID its browser sent. */
static void
test_connect_logged (Fixture       *fixture,
                     gconstpointer  user_data)
{
  SseClient *first = sse_client_open (fixture->port, firefox_agent);
  SseClient *resumed = NULL;
  g_autofree char *header = NULL;
  g_autofree char *skipped = NULL;

  wait_for_frame (first, NULL, NULL);
  wait_for_log (fixture, "connect", "sent no Last-Event-ID: list sent");
  g_assert_nonnull (first->last_event_id);

  header = g_strdup_printf ("Last-Event-ID: %s\r\n", first->last_event_id);
  resumed = sse_client_open_with (fixture->port, iphone_agent, header);
  wait_for_frame (resumed, "hello", NULL);
  skipped = g_strdup_printf ("sent Last-Event-ID %s, the current list: list skipped",
                             first->last_event_id);
  wait_for_log (fixture, "resume", skipped);

  sse_client_close (first);
  sse_client_close (resumed);
}

static gboolean
all_finished (gpointer data)
{
  SseClient **clients = data;

  for (guint i = 0; clients[i] != NULL; i++)
    if (!clients[i]->finished)
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
  SseClient *clients[G_N_ELEMENTS (agents) + 1] = { NULL };
  SseClient *back[G_N_ELEMENTS (agents)];
  Count all = { fixture, n_client_rows, G_N_ELEMENTS (agents) };
  int dropped;

  submit_form (fixture, "Ada Lovelace", 36);
  wait_for_persons (fixture, 1);
  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    {
      clients[i] = sse_client_open (fixture->port, agents[i]);
      wait_for_frame (clients[i], NULL, "Ada");
    }
  wait_until (count_reached, &all, "three clients");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.drop-all-connections", NULL));
  wait_until (all_finished, clients, "every stream to end");
  all.expected = 0;
  wait_until (count_reached, &all, "no clients");
  dropped = log_position (fixture, "drop-all", "dropped all 3 streams");
  g_assert_cmpint (dropped, >=, 0);

  /* What EventSource does after its retry. */
  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    {
      g_autofree char *header = g_strdup_printf ("Last-Event-ID: %s\r\n", clients[i]->last_event_id);

      back[i] = sse_client_open_with (fixture->port, agents[i], header);
      wait_for_frame (back[i], "hello", NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    {
      g_autofree char *skipped = g_strdup_printf ("sent Last-Event-ID %s, the current list: "
                                                  "list skipped", clients[i]->last_event_id);

      wait_for_log (fixture, "resume", skipped);
      g_assert_cmpint (log_position (fixture, "resume", skipped), >, dropped);
    }

  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    {
      sse_client_close (clients[i]);
      sse_client_close (back[i]);
    }
}

/* The button on one client's row closes that stream and no other. */
static void
test_disconnect_one (Fixture       *fixture,
                     gconstpointer  user_data)
{
  const char *agents[] = { firefox_agent, iphone_agent, android_agent };
  SseClient *clients[G_N_ELEMENTS (agents)];
  Count all = { fixture, n_client_rows, G_N_ELEMENTS (agents) };
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  g_autoptr(SseHubClient) victim = NULL;
  GtkWidget *button = NULL;
  g_autofree char *logged = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    {
      clients[i] = sse_client_open (fixture->port, agents[i]);
      wait_for_frame (clients[i], "hello", NULL);
    }
  wait_until (count_reached, &all, "three clients");
  sse_hub_window_set_view (fixture->window, "clients");
  settle (300);

  victim = g_list_model_get_item (sse_hub_server_get_clients (fixture->server), 1);
  collect_buttons (GTK_WIDGET (fixture->w.clients_view), buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      GVariant *target = gtk_actionable_get_action_target_value (buttons->pdata[i]);

      if (g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]), "clients.disconnect") == 0 &&
          target != NULL && g_variant_get_uint64 (target) == sse_hub_client_get_id (victim))
        button = buttons->pdata[i];
    }
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");

  wait_until (client_finished, clients[1], "the chosen stream to end");
  all.expected = 2;
  wait_until (count_reached, &all, "two clients");
  settle (300);
  g_assert_false (clients[0]->finished);
  g_assert_false (clients[2]->finished);
  logged = g_strdup_printf ("presenter disconnected client %" G_GUINT64_FORMAT,
                            sse_hub_client_get_id (victim));
  g_assert_cmpint (log_position (fixture, "disconnect", logged), >=, 0);

  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    sse_client_close (clients[i]);
}

static SseHubEventComposer *
find_composer (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (SSE_HUB_IS_EVENT_COMPOSER (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return SSE_HUB_EVENT_COMPOSER (window);
    }

  return NULL;
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
  SseClient *client = sse_client_open (fixture->port, firefox_agent);
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
  g_assert_nonnull (strstr (client->raw->str, preview));
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
  received = client->raw->len;
  /* Ctrl+Enter reaches the action even with the button greyed out. */
  gtk_widget_activate_action (GTK_WIDGET (composer), "composer.send", NULL);
  settle (500);
  g_assert_true (find_composer () == composer);
  /* Only keep-alives and heartbeats came since. */
  g_assert_null (strstr (client->raw->str + received, "spoof"));
  g_assert_null (strstr (client->raw->str + received, "event: hello"));
  g_assert_cmpint (log_position (fixture, "hello", "spoof"), ==, -1);
  gtk_window_destroy (GTK_WINDOW (composer));

  sse_client_close (client);
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
  g_autoptr(AdwApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  /* The zh_CN run: the catalogue built in this tree. */
  if (g_getenv ("SSE_HUB_TEST_LOCALEDIR") != NULL)
    {
      setlocale (LC_ALL, "");
      bindtextdomain (GETTEXT_PACKAGE, g_getenv ("SSE_HUB_TEST_LOCALEDIR"));
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }

  g_test_init (&argc, &argv, NULL);

  /* Registered but not run: its startup loads the stylesheet and the
   * shortcuts window from the app's resources, as in the real app. */
  app = adw_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (app));

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/ui/window/basics", test_window_basics);
  ADD ("/ui/window/port-in-use", test_port_in_use);
  ADD ("/ui/window/add-reaches-client", test_add_reaches_client);
  ADD ("/ui/window/client-list", test_client_list);
  ADD ("/ui/window/bad-name", test_bad_name);
  ADD ("/ui/window/markup-literal", test_markup_literal);
  ADD ("/ui/window/remove-and-clear", test_remove_and_clear);
  ADD ("/ui/window/log-bounded", test_log_bounded);
  ADD ("/ui/window/busy-hub", test_busy_hub);
  ADD ("/ui/window/screenshots", test_screenshots);
  ADD ("/ui/window/clients-refresh-visible", test_clients_refresh_visible);
  ADD ("/ui/window/agent-parsed-once", test_agent_parsed_once);
  ADD ("/ui/lecture/layout", test_lecture_layout);
  ADD ("/ui/lecture/view-shortcuts", test_view_shortcuts);
  ADD ("/ui/lecture/unique-mnemonics", test_unique_mnemonics);
  ADD ("/ui/lecture/shortcuts-listed", test_shortcuts_listed);
  ADD ("/ui/lecture/fresh-and-refused", test_fresh_and_refused);
  ADD ("/ui/lecture/log-follows", test_log_follows);
  ADD ("/ui/lecture/presentation-mode", test_presentation_mode);
  ADD ("/ui/lecture/network-change", test_network_change);
  ADD ("/ui/lecture/screenshots", test_presentation_screenshots);
  ADD ("/ui/teach/log-cause-first", test_log_cause_first);
  ADD ("/ui/teach/connect-logged", test_connect_logged);
  ADD ("/ui/teach/drop-all", test_drop_all);
  ADD ("/ui/teach/disconnect-one", test_disconnect_one);
  ADD ("/ui/teach/send-event", test_send_event);

#undef ADD

  g_test_add ("/ui/window/slow-disk", Fixture, G_STRINGIFY (SLOW_SYNC_MS), fixture_set_up,
              test_slow_disk, fixture_tear_down);
  g_test_add_func ("/ui/preferences/limits", test_preferences_limits);

  status = g_test_run ();
  g_application_release (G_APPLICATION (app));
  return status;
}
