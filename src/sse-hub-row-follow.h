/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Keeps rows appended to a scrolled list in view while the reader is at its
 * end; once they scroll away, new rows leave the view alone until they come
 * back to the end.  Lives as long as scroller. */
void sse_hub_row_follow_attach     (GtkScrolledWindow *scroller);
/* Rows were appended to the list inside scroller. */
void sse_hub_row_follow_rows_added (GtkScrolledWindow *scroller);

G_END_DECLS
