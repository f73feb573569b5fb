/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SSE_HUB_TYPE_FRESH_ROWS (sse_hub_fresh_rows_get_type ())
G_DECLARE_FINAL_TYPE (SseHubFreshRows, sse_hub_fresh_rows, SSE_HUB, FRESH_ROWS, GObject)

/* Makes rows of newly added persons stand out for a few seconds: the name
 * column's factory puts the CSS class "fresh" on the row of each marked
 * person until its time is up. */
SseHubFreshRows    *sse_hub_fresh_rows_new              (void);
GtkListItemFactory *sse_hub_fresh_rows_get_name_factory (SseHubFreshRows *self);
/* The n_added persons of persons from position on were just added. */
void                sse_hub_fresh_rows_mark             (SseHubFreshRows *self,
                                                         GListModel      *persons,
                                                         guint            position,
                                                         guint            n_added);
/* Another list: nothing on it is new. */
void                sse_hub_fresh_rows_forget           (SseHubFreshRows *self);

G_END_DECLS
