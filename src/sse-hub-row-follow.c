/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sse-hub-row-follow.h"

/* A list view re-measures its rows over a few frames after new ones come:
 * keep going to the end for that long. */
#define SETTLE_MS 1000
#define AT_END_SLACK 8

typedef struct
{
  GtkAdjustment *adjustment;   /* borrowed: the scroller owns it */
  gboolean       at_end;       /* the reader's place, as last seen */
  double         last_upper;
  double         last_page_size;
  double         last_value;
  guint          settle_source;
  guint          scroll_source;
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
    }

  follow->last_value = value;
  follow->last_upper = upper;
  follow->last_page_size = page_size;
}

static gboolean
scroll_to_end_cb (gpointer user_data)
{
  RowFollow *follow = user_data;

  follow->scroll_source = 0;
  scroll_to_end (follow);
  return G_SOURCE_REMOVE;
}

/* The list grew: go to its end once it is laid out, not in the middle of
 * the allocation, where the list would not redraw at the new place. */
static void
on_changed (GtkAdjustment *adjustment,
            RowFollow     *follow)
{
  if (follow->settle_source != 0 && follow->scroll_source == 0)
    follow->scroll_source = g_idle_add_full (G_PRIORITY_LOW, scroll_to_end_cb, follow, NULL);
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
  g_clear_handle_id (&follow->scroll_source, g_source_remove);
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
  scroll_to_end (follow);
}
