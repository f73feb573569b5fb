/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sse-hub-toast.h"

/* Undo needs time to find the button: longer than a plain notice. */
#define UNDO_TIMEOUT_SECONDS 8
/* libadwaita 1.2 slides a toast in for 300 ms, plus a margin. */
#define SLIDE_IN_USEC (350 * G_TIME_SPAN_MILLISECOND)

static AdwToastOverlay *
find_overlay (GtkWidget *widget)
{
  if (ADW_IS_TOAST_OVERLAY (widget))
    return ADW_TOAST_OVERLAY (widget);

  return ADW_TOAST_OVERLAY (gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY));
}

/* ------------------------------------------------------------------------ */
/* One toast in the overlay at a time                                       */

/* libadwaita 1.2 postpones the shown toast when a high-priority one comes,
 * and asserts (show_toast: !info->widget) if the newcomer is dismissed
 * before the postponed one has slid away.  So the overlay never holds more
 * than one toast, always a fresh AdwToast at normal priority, and the queue
 * with its priorities is kept here, as notices a new toast is made from. */

typedef struct
{
  char          *text;
  guint          timeout;
  GCallback      undo;
  gpointer       data;
  GDestroyNotify destroy;
  gboolean       done;
} Notice;

typedef struct
{
  AdwToastOverlay *overlay;
  GQueue    pending;
  AdwToast *shown;
  Notice   *shown_notice;
  /* What Ctrl+Z undoes: the newest Undo notice, shown or pending. */
  Notice   *last_undo;
  gboolean  postponing;
  /* The next toast waits until the last one has slid away (on_dismissed). */
  AdwToast *leaving;
  guint     next_id;
  /* Dismissed during its slide in, a toast's slide out may end first, and
   * libadwaita 1.2 frees it under the running slide in: our own dismissals
   * wait until the slide in is over. */
  gint64    shown_at;
  GSource  *dismiss_later;
  GWeakRef  room;
} Toasts;

#define TOASTS_KEY "sse-hub-toasts"

static void
notice_free (Toasts *toasts,
             Notice *notice)
{
  if (toasts->last_undo == notice)
    toasts->last_undo = NULL;
  if (notice->destroy != NULL)
    notice->destroy (notice->data);
  g_free (notice->text);
  g_free (notice);
}

static void on_toast_gone (gpointer data,
                           GObject *toast);

static void
cancel_dismiss_later (Toasts *toasts)
{
  if (toasts->dismiss_later == NULL)
    return;
  g_source_destroy (toasts->dismiss_later);
  g_clear_pointer (&toasts->dismiss_later, g_source_unref);
}

static void
toasts_free (gpointer data)
{
  Toasts *toasts = data;
  Notice *notice;

  while ((notice = g_queue_pop_head (&toasts->pending)) != NULL)
    notice_free (toasts, notice);
  if (toasts->shown_notice != NULL)
    notice_free (toasts, toasts->shown_notice);
  if (toasts->leaving != NULL)
    g_object_weak_unref (G_OBJECT (toasts->leaving), on_toast_gone, toasts);
  g_clear_handle_id (&toasts->next_id, g_source_remove);
  cancel_dismiss_later (toasts);
  g_weak_ref_clear (&toasts->room);
  g_free (toasts);
}

static Toasts *
get_toasts (AdwToastOverlay *overlay)
{
  Toasts *toasts = g_object_get_data (G_OBJECT (overlay), TOASTS_KEY);

  if (toasts == NULL)
    {
      toasts = g_new0 (Toasts, 1);
      toasts->overlay = overlay;
      g_queue_init (&toasts->pending);
      g_weak_ref_init (&toasts->room, NULL);
      g_object_set_data_full (G_OBJECT (overlay), TOASTS_KEY, toasts, toasts_free);
    }
  return toasts;
}

static void
update_room (Toasts *toasts)
{
  g_autoptr(GtkRevealer) room = g_weak_ref_get (&toasts->room);

  if (room != NULL)
    gtk_revealer_set_reveal_child (room, toasts->shown != NULL || toasts->pending.length > 0);
}

/* Once only: Ctrl+Z and the button may both come. */
static void
notice_undo (Notice *notice)
{
  if (notice->undo == NULL || notice->done)
    return;

  notice->done = TRUE;
  ((void (*) (gpointer)) notice->undo) (notice->data);
}

static void show_next (AdwToastOverlay *overlay);

static gboolean
show_next_cb (gpointer overlay)
{
  get_toasts (overlay)->next_id = 0;
  show_next (overlay);
  return G_SOURCE_REMOVE;
}

static void
on_toast_gone (gpointer  data,
               GObject  *toast)
{
  Toasts *toasts = data;

  toasts->leaving = NULL;
  toasts->next_id = g_idle_add (show_next_cb, toasts->overlay);
}

static gboolean
busy (Toasts *toasts)
{
  return toasts->shown != NULL || toasts->leaving != NULL || toasts->next_id != 0;
}

static void
on_dismissed (AdwToast        *toast,
              AdwToastOverlay *overlay)
{
  Toasts *toasts = get_toasts (overlay);
  Notice *notice = toasts->shown_notice;

  /* The toast may still slide away: its button must not reach the notice. */
  g_signal_handlers_disconnect_by_data (toast, notice);
  g_signal_handlers_disconnect_by_data (toast, overlay);
  /* The user's Undo button or the timeout came first. */
  cancel_dismiss_later (toasts);
  toasts->shown = NULL;
  toasts->shown_notice = NULL;
  /* Postponed behind the urgent notice at the head, unless already undone. */
  if (toasts->postponing && !notice->done)
    g_queue_push_nth (&toasts->pending, notice, 1);
  else
    notice_free (toasts, notice);
  toasts->postponing = FALSE;
  /* A toast shown while another slides away takes longer to come in than
   * that one takes to go; dismissed in between, libadwaita 1.2 frees it
   * with its entry animation still running.  The overlay lets go of a toast
   * once it has slid away: the next one comes then. */
  toasts->leaving = toast;
  g_object_weak_ref (G_OBJECT (toast), on_toast_gone, toasts);
  update_room (toasts);
}

static void
show_next (AdwToastOverlay *overlay)
{
  Toasts *toasts = get_toasts (overlay);
  g_autofree char *escaped = NULL;
  Notice *notice;
  AdwToast *toast;

  /* An overlay out of any window (being disposed) shows nothing more. */
  notice = gtk_widget_get_root (GTK_WIDGET (overlay)) != NULL
           ? g_queue_pop_head (&toasts->pending) : NULL;
  if (notice == NULL)
    {
      update_room (toasts);
      return;
    }

  /* AdwToast titles are Pango markup in libadwaita 1.2: escape everything. */
  escaped = g_markup_escape_text (notice->text, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, notice->timeout);
  if (notice->undo != NULL)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      g_signal_connect_swapped (toast, "button-clicked", G_CALLBACK (notice_undo), notice);
    }
  toasts->shown = toast;
  toasts->shown_notice = notice;
  toasts->shown_at = g_get_monotonic_time ();
  update_room (toasts);
  adw_toast_overlay_add_toast (overlay, toast);
  /* After the overlay's own handler: it has let go of the toast by then. */
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_dismissed), overlay,
                           G_CONNECT_AFTER);
}

static gboolean
dismiss_later_cb (gpointer data)
{
  Toasts *toasts = data;

  g_clear_pointer (&toasts->dismiss_later, g_source_unref);
  if (toasts->shown != NULL)
    adw_toast_dismiss (toasts->shown);
  return G_SOURCE_REMOVE;
}

static void
dismiss_shown (AdwToastOverlay *overlay)
{
  Toasts *toasts = get_toasts (overlay);
  gint64 left = toasts->shown_at + SLIDE_IN_USEC - g_get_monotonic_time ();

  if (toasts->dismiss_later != NULL)
    return;
  /* Unmapped, the overlay skips its animations. */
  if (left <= 0 || !gtk_widget_get_mapped (GTK_WIDGET (overlay)))
    {
      adw_toast_dismiss (toasts->shown);
      return;
    }
  /* The source dies with the Toasts (overlay disposed) or the toast. */
  toasts->dismiss_later = g_timeout_source_new ((left + 999) / 1000);
  g_source_set_callback (toasts->dismiss_later, dismiss_later_cb, toasts, NULL);
  g_source_set_static_name (toasts->dismiss_later, "[sse-hub] toast dismissal");
  g_source_attach (toasts->dismiss_later, g_main_context_get_thread_default ());
}

static void
enqueue (AdwToastOverlay *overlay,
         Notice          *notice,
         gboolean         urgent)
{
  Toasts *toasts = get_toasts (overlay);

  if (!urgent)
    {
      g_queue_push_tail (&toasts->pending, notice);
      if (!busy (toasts))
        show_next (overlay);
      return;
    }

  g_queue_push_head (&toasts->pending, notice);
  if (toasts->shown == NULL)
    {
      if (!busy (toasts))
        show_next (overlay);
      return;
    }
  /* The shown notice comes back, as a new toast, after this one. */
  toasts->postponing = TRUE;
  dismiss_shown (overlay);
}

static Notice *
notice_new (const char *text,
            guint       timeout)
{
  Notice *notice = g_new0 (Notice, 1);

  notice->text = g_strdup (text);
  notice->timeout = timeout;
  return notice;
}

void
sse_hub_toast_set_room (AdwToastOverlay *overlay,
                        GtkRevealer     *room)
{
  Toasts *toasts;

  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));
  g_return_if_fail (GTK_IS_REVEALER (room));

  toasts = get_toasts (overlay);
  g_weak_ref_set (&toasts->room, room);
  update_room (toasts);
}

/* ------------------------------------------------------------------------ */
/* Notices                                                                  */

static void
show (GtkWidget  *widget,
      const char *text,
      gboolean    urgent)
{
  AdwToastOverlay *overlay = find_overlay (widget);

  if (overlay != NULL)
    enqueue (overlay, notice_new (text, 3), urgent);
}

void
sse_hub_toast_show (GtkWidget  *widget,
                    const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (text != NULL);

  show (widget, text, FALSE);
}

void
sse_hub_toast_show_now (GtkWidget  *widget,
                        const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (text != NULL);

  show (widget, text, TRUE);
}

/* ------------------------------------------------------------------------ */
/* Undo                                                                     */

void
sse_hub_toast_show_undo (GtkWidget      *widget,
                         const char     *text,
                         GCallback       undo,
                         gpointer        data,
                         GDestroyNotify  destroy)
{
  AdwToastOverlay *overlay;
  Notice *notice;

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

  notice = notice_new (text, UNDO_TIMEOUT_SECONDS);
  notice->undo = undo;
  notice->data = data;
  notice->destroy = destroy;
  get_toasts (overlay)->last_undo = notice;
  /* At once, ahead of a queued notice: Undo is wanted right after. */
  enqueue (overlay, notice, TRUE);
}

gboolean
sse_hub_toast_undo_last (GtkWidget *widget)
{
  AdwToastOverlay *overlay;
  Toasts *toasts;
  Notice *notice;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);

  overlay = find_overlay (widget);
  if (overlay == NULL)
    return FALSE;

  toasts = get_toasts (overlay);
  notice = toasts->last_undo;
  if (notice == NULL || notice->done)
    return FALSE;

  notice_undo (notice);
  if (notice == toasts->shown_notice)
    dismiss_shown (overlay);
  else
    {
      g_queue_remove (&toasts->pending, notice);
      notice_free (toasts, notice);
    }
  return TRUE;
}
