/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sse-hub-row-follow.h"

/* A list view re-measures its rows over a few frames after new ones come:
 * keep going to the end for that long. */
#define SETTLE_MS 1000
#define AT_END_SLACK 8

typedef struct
{
  GtkWidget     *scroller;     /* borrowed: it owns this struct */
  GtkAdjustment *adjustment;   /* borrowed: the scroller owns it */
  gboolean       at_end;       /* the reader's place, as last seen */
  double         last_upper;
  double         last_page_size;
  double         last_value;
  guint          settle_source;
  GdkFrameClock *frame_clock;  /* while a scroll waits for the frame's end */
  gulong         after_paint_id;
} RowFollow;

static gboolean
adjustment_at_end (GtkAdjustment *adjustment)
{
  return gtk_adjustment_get_value (adjustment) >=
         gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) -
         AT_END_SLACK;
}

static void
scroll_to_end (RowFollow *follow)
{
  gtk_adjustment_set_value (follow->adjustment,
                            gtk_adjustment_get_upper (follow->adjustment) -
                            gtk_adjustment_get_page_size (follow->adjustment));
}

static void
cancel_scroll (RowFollow *follow)
{
  if (follow->frame_clock == NULL)
    return;
  /* A window going away takes its clock's handlers with it. */
  if (g_signal_handler_is_connected (follow->frame_clock, follow->after_paint_id))
    g_signal_handler_disconnect (follow->frame_clock, follow->after_paint_id);
  follow->after_paint_id = 0;
  g_clear_object (&follow->frame_clock);
}

static void
on_value_changed (GtkAdjustment *adjustment,
                  RowFollow     *follow)
{
  double value = gtk_adjustment_get_value (adjustment);
  double upper = gtk_adjustment_get_upper (adjustment);
  double page_size = gtk_adjustment_get_page_size (adjustment);

  /* Moved while the content kept its size: the reader scrolled. */
  if (adjustment_at_end (adjustment))
    follow->at_end = TRUE;
  else if (upper == follow->last_upper && page_size == follow->last_page_size &&
           value < follow->last_value - 0.5)
    {
      follow->at_end = FALSE;
      g_clear_handle_id (&follow->settle_source, g_source_remove);
      cancel_scroll (follow);
    }

  follow->last_value = value;
  follow->last_upper = upper;
  follow->last_page_size = page_size;
}

static void
on_after_paint (GdkFrameClock *frame_clock,
                RowFollow     *follow)
{
  cancel_scroll (follow);
  scroll_to_end (follow);
}

/* Go to the end once the frame is drawn: then the list is laid out for
 * every row it holds, while from an idle or the model's own signal rows
 * added or removed since would leave it no row at the asked position. */
static void
queue_scroll_to_end (RowFollow *follow)
{
  GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (follow->scroller);

  if (follow->frame_clock != NULL || frame_clock == NULL)
    return;
  follow->frame_clock = g_object_ref (frame_clock);
  follow->after_paint_id = g_signal_connect (frame_clock, "after-paint",
                                             G_CALLBACK (on_after_paint), follow);
  gdk_frame_clock_request_phase (frame_clock, GDK_FRAME_CLOCK_PHASE_AFTER_PAINT);
}

/* The list grew or its rows were measured again: keep to its end. */
static void
on_changed (GtkAdjustment *adjustment,
            RowFollow     *follow)
{
  if (follow->settle_source != 0)
    queue_scroll_to_end (follow);
}

static gboolean
settled_cb (gpointer user_data)
{
  RowFollow *follow = user_data;

  follow->settle_source = 0;
  return G_SOURCE_REMOVE;
}

static void
row_follow_free (gpointer data)
{
  RowFollow *follow = data;

  g_clear_handle_id (&follow->settle_source, g_source_remove);
  cancel_scroll (follow);
  g_signal_handlers_disconnect_by_data (follow->adjustment, follow);
  g_object_unref (follow->adjustment);
  g_free (follow);
}

void
sse_hub_row_follow_attach (GtkScrolledWindow *scroller)
{
  RowFollow *follow;

  g_return_if_fail (GTK_IS_SCROLLED_WINDOW (scroller));

  follow = g_new0 (RowFollow, 1);
  follow->scroller = GTK_WIDGET (scroller);
  follow->adjustment = g_object_ref (gtk_scrolled_window_get_vadjustment (scroller));
  follow->at_end = TRUE;
  g_signal_connect (follow->adjustment, "value-changed", G_CALLBACK (on_value_changed), follow);
  g_signal_connect (follow->adjustment, "changed", G_CALLBACK (on_changed), follow);
  g_object_set_data_full (G_OBJECT (scroller), "sse-hub-row-follow", follow, row_follow_free);
}

void
sse_hub_row_follow_rows_added (GtkScrolledWindow *scroller)
{
  RowFollow *follow;

  g_return_if_fail (GTK_IS_SCROLLED_WINDOW (scroller));

  follow = g_object_get_data (G_OBJECT (scroller), "sse-hub-row-follow");
  g_return_if_fail (follow != NULL);

  if (!follow->at_end)
    return;

  g_clear_handle_id (&follow->settle_source, g_source_remove);
  follow->settle_source = g_timeout_add (SETTLE_MS, settled_cb, follow);
  queue_scroll_to_end (follow);
}
