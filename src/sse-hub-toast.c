/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sse-hub-toast.h"

/* Undo needs time to find the button: longer than a plain notice. */
#define UNDO_TIMEOUT_SECONDS 8

static AdwToastOverlay *
find_overlay (GtkWidget *widget)
{
  if (ADW_IS_TOAST_OVERLAY (widget))
    return ADW_TOAST_OVERLAY (widget);

  return ADW_TOAST_OVERLAY (gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY));
}

static AdwToast *
toast_new (const char *text,
           guint       timeout)
{
  /* AdwToast titles are Pango markup in libadwaita 1.2: escape everything. */
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, timeout);
  return toast;
}

void
sse_hub_toast_show (GtkWidget  *widget,
                    const char *text)
{
  AdwToastOverlay *overlay;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (text != NULL);

  overlay = find_overlay (widget);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (overlay, toast_new (text, 3));
}

typedef struct
{
  GCallback      undo;
  gpointer       data;
  GDestroyNotify destroy;
  gboolean       done;
} UndoToast;

static void
undo_toast_free (gpointer data)
{
  UndoToast *undo = data;

  if (undo->destroy != NULL)
    undo->destroy (undo->data);
  g_free (undo);
}

/* Once only: the button stays pressable while the toast slides away. */
static void
on_undo_clicked (UndoToast *undo)
{
  if (undo->done)
    return;

  undo->done = TRUE;
  ((void (*) (gpointer)) undo->undo) (undo->data);
}

void
sse_hub_toast_show_undo (GtkWidget      *widget,
                         const char     *text,
                         GCallback       undo,
                         gpointer        data,
                         GDestroyNotify  destroy)
{
  AdwToastOverlay *overlay;
  AdwToast *toast;
  UndoToast *undo_toast;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (text != NULL);
  g_return_if_fail (undo != NULL);

  overlay = find_overlay (widget);
  if (overlay == NULL)
    {
      if (destroy != NULL)
        destroy (data);
      return;
    }

  toast = toast_new (text, UNDO_TIMEOUT_SECONDS);
  adw_toast_set_button_label (toast, _("_Undo"));
  /* At once, ahead of a queued notice: Undo is wanted right after. */
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  undo_toast = g_new0 (UndoToast, 1);
  undo_toast->undo = undo;
  undo_toast->data = data;
  undo_toast->destroy = destroy;
  /* The toast owns data and goes once dismissed, pressed or timed out. */
  g_object_set_data_full (G_OBJECT (toast), "sse-hub-undo", undo_toast, undo_toast_free);
  g_signal_connect_swapped (toast, "button-clicked", G_CALLBACK (on_undo_clicked), undo_toast);
  adw_toast_overlay_add_toast (overlay, toast);
}
