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

/* The overlay outlives what it holds while it is disposed: weakly, then. */
static GWeakRef *
weak_ref_new (gpointer object)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, object);
  return ref;
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

/* ------------------------------------------------------------------------ */
/* Room for toasts                                                          */

#define N_TOASTS_KEY "sse-hub-n-toasts"
#define ROOM_KEY "sse-hub-toast-room"

static void
update_room (AdwToastOverlay *overlay)
{
  GWeakRef *room_ref = g_object_get_data (G_OBJECT (overlay), ROOM_KEY);
  g_autoptr(GtkRevealer) room = room_ref != NULL ? g_weak_ref_get (room_ref) : NULL;
  guint n_toasts = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (overlay), N_TOASTS_KEY));

  if (room != NULL)
    gtk_revealer_set_reveal_child (room, n_toasts > 0);
}

static void
on_toast_dismissed (AdwToast        *toast,
                    AdwToastOverlay *overlay)
{
  guint n_toasts = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (overlay), N_TOASTS_KEY));

  g_object_set_data (G_OBJECT (overlay), N_TOASTS_KEY, GUINT_TO_POINTER (n_toasts - 1));
  update_room (overlay);
}

static void
add_toast (AdwToastOverlay *overlay,
           AdwToast        *toast)
{
  guint n_toasts = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (overlay), N_TOASTS_KEY));

  g_object_set_data (G_OBJECT (overlay), N_TOASTS_KEY, GUINT_TO_POINTER (n_toasts + 1));
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed), overlay, 0);
  update_room (overlay);
  adw_toast_overlay_add_toast (overlay, toast);
}

void
sse_hub_toast_set_room (AdwToastOverlay *overlay,
                        GtkRevealer     *room)
{
  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));
  g_return_if_fail (GTK_IS_REVEALER (room));

  g_object_set_data_full (G_OBJECT (overlay), ROOM_KEY, weak_ref_new (room), weak_ref_free);
  update_room (overlay);
}

/* ------------------------------------------------------------------------ */
/* Notices                                                                  */

static void
show (GtkWidget          *widget,
      const char         *text,
      AdwToastPriority    priority)
{
  AdwToastOverlay *overlay = find_overlay (widget);
  AdwToast *toast;

  if (overlay == NULL)
    return;

  toast = toast_new (text, 3);
  adw_toast_set_priority (toast, priority);
  add_toast (overlay, toast);
}

void
sse_hub_toast_show (GtkWidget  *widget,
                    const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (text != NULL);

  show (widget, text, ADW_TOAST_PRIORITY_NORMAL);
}

void
sse_hub_toast_show_now (GtkWidget  *widget,
                        const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (text != NULL);

  show (widget, text, ADW_TOAST_PRIORITY_HIGH);
}

/* ------------------------------------------------------------------------ */
/* Undo                                                                     */

#define LAST_UNDO_KEY "sse-hub-last-undo"


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

/* Gone, or undone: nothing for Ctrl+Z to undo there any more. */
static void
on_undo_dismissed (AdwToast        *toast,
                   AdwToastOverlay *overlay)
{
  GWeakRef *last = g_object_get_data (G_OBJECT (overlay), LAST_UNDO_KEY);
  g_autoptr(AdwToast) last_toast = last != NULL ? g_weak_ref_get (last) : NULL;

  if (last_toast == toast)
    g_object_set_data (G_OBJECT (overlay), LAST_UNDO_KEY, NULL);
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
  /* Ctrl+Z undoes this one while it shows: a weak reference, since the
   * overlay lets go of the toast once it is dismissed. */
  g_object_set_data_full (G_OBJECT (overlay), LAST_UNDO_KEY, weak_ref_new (toast),
                          weak_ref_free);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_undo_dismissed), overlay, 0);
  add_toast (overlay, toast);
}

gboolean
sse_hub_toast_undo_last (GtkWidget *widget)
{
  AdwToastOverlay *overlay;
  GWeakRef *last;
  g_autoptr(AdwToast) toast = NULL;
  UndoToast *undo;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);

  overlay = find_overlay (widget);
  last = overlay != NULL ? g_object_get_data (G_OBJECT (overlay), LAST_UNDO_KEY) : NULL;
  toast = last != NULL ? g_weak_ref_get (last) : NULL;
  if (toast == NULL)
    return FALSE;

  undo = g_object_get_data (G_OBJECT (toast), "sse-hub-undo");
  if (undo->done)
    return FALSE;

  on_undo_clicked (undo);
  adw_toast_dismiss (toast);
  return TRUE;
}
