/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window over the hub's own thread (issue 22): every change the hub
 * makes reaches the window, in order, whichever thread made it; and the
 * streams never wait for the window, not even for a window that hangs. */
#include "config.h"

#include <json-glib/json-glib.h>

#include "proxy-test.h"
#include "ui-test.h"

#define THREAD_POSTS 12
#define FORM_ADDS    12
#define STALL_SECONDS 10

/* ------------------------------------------------------------------------ */
/* What the window's persons model did                                      */

typedef struct
{
  guint   position;
  guint   removed;
  GStrv   added;
} Change;

static void
change_free (gpointer data)
{
  Change *change = data;

  g_strfreev (change->added);
  g_free (change);
}

typedef struct
{
  GPtrArray  *changes;   /* Change, as the model announced them */
  GHashTable *seen;      /* every name the window has shown */
} Recorder;

static char *
name_at (GListModel *model,
         guint       position)
{
  g_autoptr(SseHubPerson) person = g_list_model_get_item (model, position);

  return g_strdup (sse_hub_person_get_name (person));
}

/* "Thread 07" came after "Thread 06" on its poster, "Form 07" after
 * "Form 06" in the form: the window must have shown the one before. */
static void
assert_predecessor_seen (Recorder   *recorder,
                         const char *name)
{
  g_autofree char *before = NULL;
  guint number;
  char prefix[16];

  if (sscanf (name, "%15s %u", prefix, &number) != 2 || number == 0)
    return;
  before = g_strdup_printf ("%s %02u", prefix, number - 1);
  if (!g_hash_table_contains (recorder->seen, before))
    g_error ("the window showed %s before %s", name, before);
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Recorder   *recorder)
{
  Change *change = g_new0 (Change, 1);

  change->position = position;
  change->removed = removed;
  change->added = g_new0 (char *, added + 1);
  for (guint i = 0; i < added; i++)
    {
      change->added[i] = name_at (model, position + i);
      assert_predecessor_seen (recorder, change->added[i]);
      g_hash_table_add (recorder->seen, g_strdup (change->added[i]));
    }
  g_ptr_array_add (recorder->changes, change);
}

/* The recorded changes applied to an empty list, in order. */
static GPtrArray *
replay (Recorder *recorder)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < recorder->changes->len; i++)
    {
      Change *change = recorder->changes->pdata[i];

      g_assert_cmpuint (change->position + change->removed, <=, names->len);
      g_ptr_array_remove_range (names, change->position, change->removed);
      for (guint j = 0; change->added[j] != NULL; j++)
        g_ptr_array_insert (names, change->position + j, g_strdup (change->added[j]));
    }

  return names;
}

static GPtrArray *
model_names (GListModel *model)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (names, name_at (model, i));
  return names;
}

static gint
compare_row_y (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return GPOINTER_TO_INT (a) - GPOINTER_TO_INT (b);
}

/* A row seen again after a scroll may land a pixel off: the same row. */
static void
note_row (GTree      *rows,
          int         y,
          const char *name)
{
  for (int near = y - 3; near <= y + 3; near++)
    if (g_tree_lookup (rows, GINT_TO_POINTER (near)) != NULL)
      return;
  g_tree_insert (rows, GINT_TO_POINTER (y), g_strdup (name));
}

/* The names the persons list draws, top to bottom, read off its rows: the
 * list makes rows only for what is in view, so it is scrolled through. */
static GPtrArray *
shown_names (Fixture *fixture)
{
  GtkWidget *view = GTK_WIDGET (fixture->w.persons_view);
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  g_autoptr(GTree) rows = g_tree_new_full (compare_row_y, NULL, NULL, g_free);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  double value = 0;

  for (;;)
    {
      WidgetQuery on_screen = { .type = GTK_TYPE_LABEL, .mapped = TRUE };
      g_autoptr(GPtrArray) labels = NULL;

      gtk_adjustment_set_value (adjustment, value);
      settle (200);
      labels = widget_find_all (view, &on_screen);
      for (guint i = 0; i < labels->len; i++)
        {
          const char *text = gtk_label_get_text (labels->pdata[i]);
          graphene_point_t point;

          if (!g_str_has_prefix (text, "Thread ") && !g_str_has_prefix (text, "Form ") &&
              !g_str_equal (text, "Last"))
            continue;
          g_assert_true (gtk_widget_compute_point (labels->pdata[i], view,
                                                   &GRAPHENE_POINT_INIT (0, 0), &point));
          /* Where the row is in the whole list, whatever the scrolling. */
          note_row (rows, (int) (point.y + gtk_adjustment_get_value (adjustment) + 0.5), text);
        }
      if (gtk_adjustment_get_value (adjustment) >=
          gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) - 1)
        break;
      value = gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) / 2;
    }

  for (GTreeNode *node = g_tree_node_first (rows); node != NULL; node = g_tree_node_next (node))
    g_ptr_array_add (names, g_strdup (g_tree_node_value (node)));
  return names;
}

static void
assert_same_names (GPtrArray  *expected,
                   GPtrArray  *actual,
                   const char *what)
{
  g_autoptr(GString) listed = g_string_new (NULL);

  for (guint i = 0; i < expected->len && i < actual->len; i++)
    if (!g_str_equal (expected->pdata[i], actual->pdata[i]))
      g_error ("%s: %s at %u, the hub has %s", what, (char *) actual->pdata[i], i,
               (char *) expected->pdata[i]);
  for (guint i = 0; i < expected->len; i++)
    g_string_append_printf (listed, "%s%s", i > 0 ? ", " : "", (char *) expected->pdata[i]);
  g_test_message ("%s: %u persons: %s", what, actual->len, listed->str);
  g_assert_cmpuint (actual->len, ==, expected->len);
}

/* ------------------------------------------------------------------------ */
/* Every change, in order, from either thread                               */

typedef struct
{
  guint port;
  gint  done;     /* atomic */
  guint refused;  /* posts not answered 200 */
} Poster;

static gpointer
poster_thread (gpointer data)
{
  Poster *poster = data;

  for (guint i = 0; i < THREAD_POSTS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Thread %02u", i);

      if (test_blocking_post_person (poster->port, name) != 200)
        poster->refused++;
      /* Paced so that its posts fall between the window's own changes. */
      g_usleep (70 * 1000);
    }

  g_atomic_int_set (&poster->done, 1);
  return NULL;
}

static gboolean
poster_done (gpointer data)
{
  return g_atomic_int_get (&((Poster *) data)->done);
}

/* The window's own remove button, on the first row on screen. */
static void
remove_first_row (Fixture *fixture)
{
  WidgetQuery remove = { .type = GTK_TYPE_BUTTON, .mapped = TRUE };
  g_autoptr(GPtrArray) buttons = widget_find_all (fixture->w.persons_view, &remove);

  if (buttons->len > 0)
    g_signal_emit_by_name (buttons->pdata[0], "clicked");
}

static void
test_every_change_in_order (Fixture       *fixture,
                            gconstpointer  user_data)
{
  GListModel *shown = G_LIST_MODEL (gtk_column_view_get_model (fixture->w.persons_view));
  Recorder recorder = { g_ptr_array_new_with_free_func (change_free),
                        g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  Poster poster = { fixture->port, 0, 0 };
  g_autoptr(GPtrArray) hub = NULL;
  g_autoptr(GPtrArray) model = NULL;
  g_autoptr(GPtrArray) replayed = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GThread *thread;

  resize (fixture, 1920, 1080);
  g_signal_connect (shown, "items-changed", G_CALLBACK (on_items_changed), &recorder);
  thread = g_thread_new ("poster", poster_thread, &poster);

  /* Meanwhile the presenter adds, removes, clears and undoes. */
  for (guint i = 0; i < FORM_ADDS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Form %02u", i);

      submit_form (fixture, name, 40);
      settle (30);
      /* Whatever these find to do, the hub's list is the judge. */
      if (i == 2 || i == 8)
        remove_first_row (fixture);
      if (i == 3 || i == 6)
        gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL);
      if (i == 5)
        gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.clear-persons", NULL);
      settle (20);
    }
  wait_until (poster_done, &poster, "the poster thread");
  g_thread_join (thread);
  g_assert_cmpuint (poster.refused, ==, 0);

  /* The hub runs the window's changes in call order and answers one once
   * the window shows it: after this one, the window has everything. */
  hub_add (fixture, "Last", 1);
  settle (300);

  hub = test_wire_names (fixture->port);
  model = model_names (sse_hub_server_proxy_get_persons (fixture->hub));
  replayed = replay (&recorder);
  rows = shown_names (fixture);
  g_assert_cmpuint (hub->len, >, 1);
  assert_same_names (hub, model, "the window's model");
  assert_same_names (hub, replayed, "its changes replayed");
  assert_same_names (hub, rows, "its rows");
  /* Both threads' changes went through the window. */
  g_assert_true (g_hash_table_contains (recorder.seen, "Thread 00"));
  g_assert_true (g_hash_table_contains (recorder.seen, "Form 00"));

  g_signal_handlers_disconnect_by_data (shown, &recorder);
  g_ptr_array_unref (recorder.changes);
  g_hash_table_unref (recorder.seen);
}

/* ------------------------------------------------------------------------ */
/* The streams never wait for the window                                    */

#define STALLED_NAME "Unblocked Ada"

typedef struct
{
  GMutex   lock;
  GCond    cond;
  guint    port;
  gboolean listening;   /* the reader holds the list: its stream is open */
  gboolean blocked;     /* the main thread is stuck in a frame */
  gboolean delivered;   /* the reader got the posted person */
  guint    status;      /* the post's answer */
  gboolean stall_over;
  gboolean delivered_while_stalled;
  gint64   stalled_us;
} Stall;

/* A browser on another core: it listens, posts once the window hangs,
 * and says when its own stream carried the person. */
static gpointer
reader_thread (gpointer data)
{
  Stall *stall = data;
  g_autoptr(GSocketConnection) stream = test_blocking_open_stream (stall->port);
  g_autoptr(GString) received = g_string_new (NULL);
  gboolean listed;
  guint status;
  gboolean delivered;

  g_assert_nonnull (stream);
  listed = test_blocking_read_until (stream, received, "data: [");
  g_mutex_lock (&stall->lock);
  stall->listening = listed;
  g_cond_broadcast (&stall->cond);
  while (!stall->blocked)
    g_cond_wait (&stall->cond, &stall->lock);
  g_mutex_unlock (&stall->lock);

  status = test_blocking_post_person (stall->port, STALLED_NAME);
  delivered = test_blocking_read_until (stream, received, STALLED_NAME);

  g_mutex_lock (&stall->lock);
  stall->status = status;
  stall->delivered = delivered;
  g_cond_broadcast (&stall->cond);
  g_mutex_unlock (&stall->lock);
  return NULL;
}

/* A frame that takes as long as it takes: the window draws nothing and
 * reads no mirror until the reader thread has its person, or 10 s. */
static gboolean
stall_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       data)
{
  Stall *stall = data;
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + STALL_SECONDS * G_USEC_PER_SEC;

  g_mutex_lock (&stall->lock);
  stall->blocked = TRUE;
  g_cond_broadcast (&stall->cond);
  while (!stall->delivered && g_cond_wait_until (&stall->cond, &stall->lock, deadline))
    ;
  stall->delivered_while_stalled = stall->delivered;
  stall->stalled_us = g_get_monotonic_time () - start;
  stall->stall_over = TRUE;
  g_mutex_unlock (&stall->lock);
  return G_SOURCE_REMOVE;
}

static gboolean
read_locked (Stall          *stall,
             const gboolean *flag)
{
  gboolean value;

  g_mutex_lock (&stall->lock);
  value = *flag;
  g_mutex_unlock (&stall->lock);
  return value;
}

static gboolean
reader_listening (gpointer data)
{
  Stall *stall = data;

  return read_locked (stall, &stall->listening);
}

static gboolean
stall_over (gpointer data)
{
  Stall *stall = data;

  return read_locked (stall, &stall->stall_over);
}

static void
test_streams_never_wait (Fixture       *fixture,
                         gconstpointer  user_data)
{
  Stall stall = { .port = fixture->port };
  GThread *thread;

  g_mutex_init (&stall.lock);
  g_cond_init (&stall.cond);
  thread = g_thread_new ("reader", reader_thread, &stall);
  wait_until (reader_listening, &stall, "the reader's stream");

  gtk_widget_add_tick_callback (GTK_WIDGET (fixture->window), stall_tick_cb, &stall, NULL);
  gtk_widget_queue_draw (GTK_WIDGET (fixture->window));
  wait_until (stall_over, &stall, "the stalled frame to end");
  g_thread_join (thread);

  g_test_message ("the window hung %" G_GINT64_FORMAT " ms; the post answered %u",
                  stall.stalled_us / 1000, stall.status);
  g_assert_cmpuint (stall.status, ==, 200);
  g_assert_true (stall.delivered_while_stalled);
  g_assert_cmpint (stall.stalled_us, <, STALL_SECONDS * G_USEC_PER_SEC);

  /* Once it draws again, the window shows what happened meanwhile. */
  wait_for_persons (fixture, 1);
  settle (200);
  g_assert_nonnull (widget_find_label (fixture->w.persons_view, STALLED_NAME));

  g_cond_clear (&stall.cond);
  g_mutex_clear (&stall.lock);
}

int
main (int   argc,
      char *argv[])
{
  AdwApplication *app = ui_test_init (&argc, &argv);

  UI_TEST_ADD ("/ui/hub-thread/every-change-in-order", test_every_change_in_order);
  UI_TEST_ADD ("/ui/hub-thread/streams-never-wait", test_streams_never_wait);

  return ui_test_run (app);
}
