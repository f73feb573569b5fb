/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Shows text, taken literally, in widget if it is a toast overlay, else in
 * the nearest one around it; nowhere when there is none (a page on its own). */
void sse_hub_toast_show (GtkWidget  *widget,
                         const char *text);
/* The same at once, ahead of queued notices: what a teaching control did. */
void sse_hub_toast_show_now (GtkWidget  *widget,
                             const char *text);

/* The same with an Undo button: undo runs with data if it is pressed;
 * destroy frees data once the toast is gone either way. */
void sse_hub_toast_show_undo (GtkWidget      *widget,
                              const char     *text,
                              GCallback       undo,
                              gpointer        data,
                              GDestroyNotify  destroy);

/* Undoes what the newest Undo toast in the overlay offers, as its button
 * would; FALSE when there is nothing left to undo. */
gboolean sse_hub_toast_undo_last (GtkWidget *widget);

/* While the overlay shows a toast, room reveals: a strip at the bottom of
 * the content, so that no toast covers a button or the newest log line. */
void sse_hub_toast_set_room (AdwToastOverlay *overlay,
                             GtkRevealer     *room);

G_END_DECLS
