/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sse-hub-event-log-view.h"
#include "sse-hub-log-text.h"
#include "sse-hub-toast.h"

/* Longest stretch of one frame shown in a log row: a thousand persons make a
 * list frame of tens of kilobytes, which no one reads on a wall. */
#define LOG_ROW_MAX_CHARS 1500

struct _SseHubEventLogView
{
  AdwBin                parent_instance;

  /* template widgets */
  GtkCheckButton       *filter_persons_button;
  GtkCheckButton       *filter_clients_button;
  GtkCheckButton       *filter_keepalive_button;
  GtkCheckButton       *filter_requests_button;
  GtkCheckButton       *filter_refusals_button;
  GtkLabel             *log_status_label;
  GtkToggleButton      *pause_button;
  GtkScrolledWindow    *log_scroller;
  GtkListView          *log_view;
  GtkWidget            *jump_button;
  GtkWidget            *empty_page;

  /* owned */
  SseHubServerProxy    *hub;
  GtkCustomFilter      *log_filter;
  GtkFilterListModel   *log_filtered;
  GListStore           *log_snapshot;   /* what a paused log shows */
  GtkFileChooserNative *export_chooser;

  gboolean              scroll_pending;  /* go to the end after the next layout */
  guint                 log_kinds_shown; /* bit per SseHubLogKind */
  gboolean              log_follow;      /* keep the newest entry in view */
  gboolean              in_layout;       /* the list moves its own view */
  GdkFrameClock        *frame_clock;
  /* the adjustment as last seen, to tell the presenter's scrolling from the
   * list's own re-layout (zoom, F9, new rows) */
  double                last_value;
  double                last_upper;
  double                last_page_size;
};

G_DEFINE_FINAL_TYPE (SseHubEventLogView, sse_hub_event_log_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_HUB,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------ */
/* Row template closures                                                    */

static char *
log_row_heading (GtkListItem    *list_item,
                 SseHubLogEntry *entry)
{
  return entry != NULL ? sse_hub_log_entry_format_heading (entry) : NULL;
}

static char *
log_row_body (GtkListItem    *list_item,
              SseHubLogEntry *entry)
{
  return entry != NULL ? sse_hub_log_entry_format_body (entry, LOG_ROW_MAX_CHARS) : NULL;
}

static GStrv
log_row_classes (GtkListItem    *list_item,
                 SseHubLogEntry *entry)
{
  static const char *kind_classes[] = { "kind-persons", "kind-clients", "kind-hello",
                                        "kind-keepalive", "kind-request", "kind-refusal",
                                        "kind-notice" };
  g_autoptr(GStrvBuilder) classes = g_strv_builder_new ();
  SseHubLogKind kind;

  g_strv_builder_add (classes, "log-row");
  if (entry != NULL)
    {
      kind = sse_hub_log_entry_get_kind (entry);
      if (kind < G_N_ELEMENTS (kind_classes))
        g_strv_builder_add (classes, kind_classes[kind]);
    }

  return g_strv_builder_end (classes);
}

/* ------------------------------------------------------------------------ */
/* Filters, pause and following                                             */

static guint
log_kind_bit (SseHubLogKind kind)
{
  return 1u << kind;
}

static gboolean
log_filter_func (gpointer item,
                 gpointer user_data)
{
  SseHubEventLogView *self = user_data;

  return (self->log_kinds_shown & log_kind_bit (sse_hub_log_entry_get_kind (item))) != 0;
}

static void
on_log_filter_toggled (SseHubEventLogView *self)
{
  guint shown = log_kind_bit (SSE_HUB_LOG_NOTICE);

  if (gtk_check_button_get_active (self->filter_persons_button))
    shown |= log_kind_bit (SSE_HUB_LOG_PERSONS);
  if (gtk_check_button_get_active (self->filter_clients_button))
    shown |= log_kind_bit (SSE_HUB_LOG_CLIENTS) | log_kind_bit (SSE_HUB_LOG_HELLO);
  if (gtk_check_button_get_active (self->filter_keepalive_button))
    shown |= log_kind_bit (SSE_HUB_LOG_KEEPALIVE);
  if (gtk_check_button_get_active (self->filter_requests_button))
    shown |= log_kind_bit (SSE_HUB_LOG_REQUEST);
  if (gtk_check_button_get_active (self->filter_refusals_button))
    shown |= log_kind_bit (SSE_HUB_LOG_REFUSAL);

  if (shown == self->log_kinds_shown)
    return;

  self->log_kinds_shown = shown;
  if (self->log_filter != NULL)
    gtk_filter_changed (GTK_FILTER (self->log_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static GListModel *
live_log_model (SseHubEventLogView *self)
{
  return self->hub != NULL ? sse_hub_server_proxy_get_log (self->hub) : NULL;
}

static void
update_log_status (SseHubEventLogView *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->log_filtered));
  g_autofree char *text = NULL;

  if (gtk_toggle_button_get_active (self->pause_button))
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Paused · %u entry",
                                         "Paused · %u entries", shown), shown);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u entry", "%u entries", shown),
                            shown);
  gtk_label_set_text (self->log_status_label, text);
  /* A cleared log says so rather than showing a blank. */
  gtk_widget_set_visible (self->empty_page, shown == 0);
}

static void
set_following (SseHubEventLogView *self,
               gboolean            follow)
{
  self->log_follow = follow;
  gtk_widget_set_visible (self->jump_button, !follow);
}

static void
scroll_log_to_end (SseHubEventLogView *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->log_scroller);
  double end = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  /* Only a laid-out list can be scrolled; it lays out again once shown,
   * and the "changed" that follows brings it here. */
  if (self->log_follow && gtk_widget_get_mapped (GTK_WIDGET (self->log_view)) &&
      g_list_model_get_n_items (G_LIST_MODEL (self->log_filtered)) > 0 &&
      gtk_adjustment_get_value (adjustment) < end)
    gtk_adjustment_set_value (adjustment, end);
}

/* Scrolled after the frame is drawn, never from an idle: rows the hub's
 * mirror added or dropped since the last layout would leave the list no
 * row at the asked position, which GTK warns about and ignores. */
static void
queue_scroll_to_end (SseHubEventLogView *self)
{
  if (!self->log_follow || self->frame_clock == NULL)
    return;
  self->scroll_pending = TRUE;
  gdk_frame_clock_request_phase (self->frame_clock, GDK_FRAME_CLOCK_PHASE_AFTER_PAINT);
}

static void
on_frame_after_paint (GdkFrameClock      *frame_clock,
                      SseHubEventLogView *self)
{
  if (!self->scroll_pending)
    return;
  self->scroll_pending = FALSE;
  scroll_log_to_end (self);
}

/* The list moves its own view while it lays out (rows leaving the top past
 * the cap, tall rows measured): between a frame's update and paint phases
 * no input is handled, so a move then is never the presenter's. */
static void
on_frame_update (GdkFrameClock      *frame_clock,
                 SseHubEventLogView *self)
{
  self->in_layout = TRUE;
}

static void
on_frame_paint (GdkFrameClock      *frame_clock,
                SseHubEventLogView *self)
{
  self->in_layout = FALSE;
}

static void
on_log_realize (SseHubEventLogView *self)
{
  self->frame_clock = g_object_ref (gtk_widget_get_frame_clock (GTK_WIDGET (self->log_view)));
  g_signal_connect (self->frame_clock, "update", G_CALLBACK (on_frame_update), self);
  g_signal_connect (self->frame_clock, "paint", G_CALLBACK (on_frame_paint), self);
  g_signal_connect (self->frame_clock, "after-paint", G_CALLBACK (on_frame_after_paint), self);
}

static void
on_log_unrealize (SseHubEventLogView *self)
{
  if (self->frame_clock != NULL)
    g_signal_handlers_disconnect_by_data (self->frame_clock, self);
  g_clear_object (&self->frame_clock);
  self->in_layout = FALSE;
  self->scroll_pending = FALSE;
}

static void
on_log_items_changed (SseHubEventLogView *self)
{
  update_log_status (self);
  queue_scroll_to_end (self);
}

/* Rows re-measured after a zoom or a resize move the end: stay there. */
static void
on_log_adjustment_changed (GtkAdjustment      *adjustment,
                           SseHubEventLogView *self)
{
  queue_scroll_to_end (self);
}

static void
on_log_scrolled (GtkAdjustment      *adjustment,
                 SseHubEventLogView *self)
{
  double value = gtk_adjustment_get_value (adjustment);
  double upper = gtk_adjustment_get_upper (adjustment);
  double page_size = gtk_adjustment_get_page_size (adjustment);

  /* Back at the end, by hand or by Jump to Newest: follow again.  Moved up
   * while the content kept its size: the presenter went to read. */
  if (value >= upper - page_size - 8)
    set_following (self, TRUE);
  else if (!self->in_layout && upper == self->last_upper &&
           page_size == self->last_page_size && value < self->last_value - 0.5)
    set_following (self, FALSE);

  self->last_value = value;
  self->last_upper = upper;
  self->last_page_size = page_size;
}

/* A wheel or touchpad turned upwards means reading, whatever the list does
 * with its estimated height meanwhile. */
static gboolean
on_log_wheel (GtkEventControllerScroll *controller,
              double                    dx,
              double                    dy,
              SseHubEventLogView       *self)
{
  if (dy < 0)
    set_following (self, FALSE);
  return GDK_EVENT_PROPAGATE;
}

static void
on_jump_clicked (SseHubEventLogView *self)
{
  set_following (self, TRUE);
  queue_scroll_to_end (self);
}

static void
on_pause_toggled (SseHubEventLogView *self)
{
  if (gtk_toggle_button_get_active (self->pause_button))
    {
      GListModel *live = live_log_model (self);
      guint n_items = live != NULL ? g_list_model_get_n_items (live) : 0;

      /* A copy of a bounded list: the live log keeps recording meanwhile. */
      g_list_store_remove_all (self->log_snapshot);
      for (guint i = 0; i < n_items; i++)
        {
          g_autoptr(GObject) entry = g_list_model_get_item (live, i);

          g_list_store_append (self->log_snapshot, entry);
        }
      gtk_filter_list_model_set_model (self->log_filtered, G_LIST_MODEL (self->log_snapshot));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button), _("Resume"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->pause_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Resume"), -1);
    }
  else
    {
      gtk_filter_list_model_set_model (self->log_filtered, live_log_model (self));
      g_list_store_remove_all (self->log_snapshot);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button), _("Pause"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->pause_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Pause"), -1);
    }

  update_log_status (self);
}

/* ------------------------------------------------------------------------ */
/* Clear, copy and export                                                   */

typedef struct
{
  SseHubServerProxy *hub;
  GPtrArray         *entries;
} LogUndo;

static void
log_undo_free (gpointer data)
{
  LogUndo *undo = data;

  g_object_unref (undo->hub);
  g_ptr_array_unref (undo->entries);
  g_free (undo);
}

static void
log_undo (LogUndo *undo)
{
  sse_hub_server_proxy_restore_log (undo->hub, undo->entries);
}

void
sse_hub_event_log_view_clear (SseHubEventLogView *self)
{
  LogUndo *undo;

  g_return_if_fail (SSE_HUB_IS_EVENT_LOG_VIEW (self));
  g_return_if_fail (self->hub != NULL);

  undo = g_new0 (LogUndo, 1);
  undo->hub = g_object_ref (self->hub);
  undo->entries = sse_hub_server_proxy_clear_log (self->hub);
  g_list_store_remove_all (self->log_snapshot);
  sse_hub_toast_show_undo (GTK_WIDGET (self), _("Event log cleared"), G_CALLBACK (log_undo),
                           undo, log_undo_free);
}

/* The shown entries (filtered, and frozen when paused) as plain text. */
static char *
shown_log_text (SseHubEventLogView *self,
                guint              *out_n_entries)
{
  GListModel *model = G_LIST_MODEL (self->log_filtered);
  GString *text = g_string_new (NULL);
  guint n_items;

  if (!gtk_toggle_button_get_active (self->pause_button) && self->hub != NULL)
    sse_hub_server_proxy_flush_log (self->hub);

  n_items = g_list_model_get_n_items (model);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SseHubLogEntry) entry = g_list_model_get_item (model, i);
      g_autofree char *heading = sse_hub_log_entry_format_heading (entry);
      g_autofree char *body = sse_hub_log_entry_format_body (entry, -1);

      g_string_append_printf (text, "# %s\n%s\n\n", heading, body);
    }

  *out_n_entries = n_items;
  return g_string_free (text, FALSE);
}

void
sse_hub_event_log_view_copy (SseHubEventLogView *self)
{
  guint n_entries;
  g_autofree char *text = NULL;
  g_autofree char *message = NULL;

  g_return_if_fail (SSE_HUB_IS_EVENT_LOG_VIEW (self));

  text = shown_log_text (self, &n_entries);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Copied %u log entry",
                                          "Copied %u log entries", n_entries), n_entries);
  sse_hub_toast_show (GTK_WIDGET (self), message);
}

static void
on_export_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SseHubEventLogView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    message = g_strdup_printf (_("Could not export the log: %s"), error->message);
  else
    {
      g_autofree char *name = g_file_get_basename (G_FILE (source));

      message = g_strdup_printf (_("Log exported to %s"), name);
    }

  sse_hub_toast_show (GTK_WIDGET (self), message);
}

static void
on_export_response (GtkNativeDialog    *chooser,
                    int                 response,
                    SseHubEventLogView *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;
  guint n_entries;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  g_clear_object (&self->export_chooser);
  if (file == NULL)
    return;

  text = shown_log_text (self, &n_entries);
  bytes = g_bytes_new_take (text, strlen (text));
  text = NULL;
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, on_export_written, g_object_ref (self));
}

void
sse_hub_event_log_view_export (SseHubEventLogView *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *name = g_date_time_format (now, "sse-hub-log-%Y-%m-%d-%H%M%S.txt");

  g_return_if_fail (SSE_HUB_IS_EVENT_LOG_VIEW (self));

  if (self->export_chooser != NULL)
    return;

  self->export_chooser =
    gtk_file_chooser_native_new (_("Export Event Log"),
                                 GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                 GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->export_chooser), name);
  g_signal_connect (self->export_chooser, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->export_chooser));
}

/* ------------------------------------------------------------------------ */
/* Object                                                                   */

SseHubServerProxy *
sse_hub_event_log_view_get_hub (SseHubEventLogView *self)
{
  g_return_val_if_fail (SSE_HUB_IS_EVENT_LOG_VIEW (self), NULL);
  return self->hub;
}

void
sse_hub_event_log_view_set_hub (SseHubEventLogView *self,
                                SseHubServerProxy  *hub)
{
  g_return_if_fail (SSE_HUB_IS_EVENT_LOG_VIEW (self));
  g_return_if_fail (hub == NULL || SSE_HUB_IS_SERVER_PROXY (hub));

  if (!g_set_object (&self->hub, hub))
    return;

  /* A paused view keeps its frozen copy; resuming picks up the new log. */
  if (!gtk_toggle_button_get_active (self->pause_button))
    gtk_filter_list_model_set_model (self->log_filtered, live_log_model (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HUB]);
}

static void
sse_hub_event_log_view_dispose (GObject *object)
{
  SseHubEventLogView *self = SSE_HUB_EVENT_LOG_VIEW (object);

  on_log_unrealize (self);
  if (self->log_filtered != NULL)
    g_signal_handlers_disconnect_by_data (self->log_filtered, self);
  if (self->export_chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->export_chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->export_chooser));
      g_clear_object (&self->export_chooser);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), SSE_HUB_TYPE_EVENT_LOG_VIEW);

  g_clear_object (&self->log_filtered);
  g_clear_object (&self->log_filter);
  g_clear_object (&self->hub);

  G_OBJECT_CLASS (sse_hub_event_log_view_parent_class)->dispose (object);
}

static void
sse_hub_event_log_view_finalize (GObject *object)
{
  SseHubEventLogView *self = SSE_HUB_EVENT_LOG_VIEW (object);

  g_clear_object (&self->log_snapshot);

  G_OBJECT_CLASS (sse_hub_event_log_view_parent_class)->finalize (object);
}

static void
sse_hub_event_log_view_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  SseHubEventLogView *self = SSE_HUB_EVENT_LOG_VIEW (object);

  switch (prop_id)
    {
    case PROP_HUB:
      g_value_set_object (value, self->hub);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sse_hub_event_log_view_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  SseHubEventLogView *self = SSE_HUB_EVENT_LOG_VIEW (object);

  switch (prop_id)
    {
    case PROP_HUB:
      sse_hub_event_log_view_set_hub (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sse_hub_event_log_view_class_init (SseHubEventLogViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sse_hub_event_log_view_dispose;
  object_class->finalize = sse_hub_event_log_view_finalize;
  object_class->get_property = sse_hub_event_log_view_get_property;
  object_class->set_property = sse_hub_event_log_view_set_property;

  properties[PROP_HUB] =
    g_param_spec_object ("hub", NULL, NULL, SSE_HUB_TYPE_SERVER_PROXY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/SseHub/sse-hub-event-log-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SseHubEventLogView, filter_persons_button);
  gtk_widget_class_bind_template_child (widget_class, SseHubEventLogView, filter_clients_button);
  gtk_widget_class_bind_template_child (widget_class, SseHubEventLogView, filter_keepalive_button);
  gtk_widget_class_bind_template_child (widget_class, SseHubEventLogView, filter_requests_button);
  gtk_widget_class_bind_template_child (widget_class, SseHubEventLogView, filter_refusals_button);
  gtk_widget_class_bind_template_child (widget_class, SseHubEventLogView, log_status_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubEventLogView, pause_button);
  gtk_widget_class_bind_template_child (widget_class, SseHubEventLogView, log_scroller);
  gtk_widget_class_bind_template_child (widget_class, SseHubEventLogView, log_view);
  gtk_widget_class_bind_template_child (widget_class, SseHubEventLogView, jump_button);
  gtk_widget_class_bind_template_child (widget_class, SseHubEventLogView, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, on_log_filter_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_jump_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_pause_toggled);
  gtk_widget_class_bind_template_callback (widget_class, log_row_heading);
  gtk_widget_class_bind_template_callback (widget_class, log_row_body);
  gtk_widget_class_bind_template_callback (widget_class, log_row_classes);
}

static void
sse_hub_event_log_view_init (SseHubEventLogView *self)
{
  g_autoptr(GtkSelectionModel) selection = NULL;
  GtkAdjustment *log_adjustment;
  GtkEventController *wheel;

  self->log_snapshot = g_list_store_new (SSE_HUB_TYPE_LOG_ENTRY);

  gtk_widget_init_template (GTK_WIDGET (self));
  on_log_filter_toggled (self);
  /* Opens at the newest entries. */
  set_following (self, TRUE);

  self->log_filter = gtk_custom_filter_new (log_filter_func, self, NULL);
  self->log_filtered = gtk_filter_list_model_new (NULL,
                                                  g_object_ref (GTK_FILTER (self->log_filter)));
  selection = GTK_SELECTION_MODEL (gtk_no_selection_new (
                                     g_object_ref (G_LIST_MODEL (self->log_filtered))));
  gtk_list_view_set_model (self->log_view, selection);
  g_signal_connect_swapped (self->log_filtered, "items-changed",
                            G_CALLBACK (on_log_items_changed), self);
  log_adjustment = gtk_scrolled_window_get_vadjustment (self->log_scroller);
  g_signal_connect (log_adjustment, "value-changed", G_CALLBACK (on_log_scrolled), self);
  g_signal_connect (log_adjustment, "changed", G_CALLBACK (on_log_adjustment_changed), self);
  g_signal_connect_swapped (self->log_view, "realize", G_CALLBACK (on_log_realize), self);
  g_signal_connect_swapped (self->log_view, "unrealize", G_CALLBACK (on_log_unrealize), self);
  wheel = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  gtk_event_controller_set_propagation_phase (wheel, GTK_PHASE_CAPTURE);
  g_signal_connect (wheel, "scroll", G_CALLBACK (on_log_wheel), self);
  gtk_widget_add_controller (GTK_WIDGET (self->log_scroller), wheel);
  update_log_status (self);
}
