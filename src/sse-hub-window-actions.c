/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sse-hub-event-composer.h"
#include "sse-hub-toast.h"
#include "sse-hub-window-private.h"

/* Zoom steps for Ctrl+plus / Ctrl+minus, within the text-scale key's range. */
static const double zoom_steps[] = {
  0.5, 0.67, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0
};

/* ------------------------------------------------------------------------ */
/* Serving and the join address                                             */

typedef enum {
  ENDING_STOP,
  ENDING_CLOSE,
  ENDING_QUIT,
} Ending;

static void
end_serving (SseHubWindow *self,
             Ending        ending)
{
  switch (ending)
    {
    case ENDING_STOP:
      sse_hub_server_stop (self->server);
      break;
    case ENDING_CLOSE:
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
      break;
    case ENDING_QUIT:
      g_application_quit (G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
on_end_response (AdwMessageDialog *dialog,
                 const char       *response,
                 SseHubWindow     *self)
{
  Ending ending = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "sse-hub-ending"));

  if (g_str_equal (response, "end"))
    end_serving (self, ending);
}

/* A stray key or click must not end the class: while anyone is connected,
 * ask first, with keeping the streams as the answer Enter and Escape give. */
static void
confirm_end_serving (SseHubWindow *self,
                     Ending        ending)
{
  guint n_clients = g_list_model_get_n_items (sse_hub_server_get_clients (self->server));
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  if (!sse_hub_server_get_running (self->server) || n_clients == 0)
    {
      end_serving (self, ending);
      return;
    }

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Stop serving %u client?",
                                          "Stop serving %u clients?", n_clients),
                             n_clients);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       _("Every browser connected now loses "
                                                         "its live updates.")));
  adw_message_dialog_add_responses (dialog,
                                    "keep", _("_Keep Serving"),
                                    "end", ending == ENDING_STOP ? _("_Stop Serving") : _("_Quit"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "end", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  /* Read from the back of the room like the window: at its zoom. */
  gtk_widget_add_css_class (GTK_WIDGET (dialog), "sse-hub-window");
  g_object_set_data (G_OBJECT (dialog), "sse-hub-ending", GINT_TO_POINTER (ending));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_end_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
sse_hub_window_request_quit (SseHubWindow *self)
{
  g_return_if_fail (SSE_HUB_IS_WINDOW (self));

  confirm_end_serving (self, ENDING_QUIT);
}

gboolean
_sse_hub_window_confirm_close (SseHubWindow *self)
{
  if (self->close_confirmed)
    return FALSE;

  confirm_end_serving (self, ENDING_CLOSE);
  return !self->close_confirmed;
}

static void
toggle_serving_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  SseHubWindow *self = SSE_HUB_WINDOW (widget);

  if (sse_hub_server_get_running (self->server))
    confirm_end_serving (self, ENDING_STOP);
  else
    sse_hub_window_start_serving (self);
}

static void
start_serving_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  sse_hub_window_start_serving (SSE_HUB_WINDOW (widget));
}

static void
copy_url_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SseHubWindow *self = SSE_HUB_WINDOW (widget);
  const char *join_url = sse_hub_join_panel_get_join_url (self->join_panel);

  if (join_url == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), join_url);
  sse_hub_toast_show (GTK_WIDGET (self->toast_overlay), _("Address copied"));
}

static void
open_url_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SseHubWindow *self = SSE_HUB_WINDOW (widget);
  const char *join_url = sse_hub_join_panel_get_join_url (self->join_panel);

  if (join_url != NULL)
    gtk_show_uri (GTK_WINDOW (self), join_url, GDK_CURRENT_TIME);
}

/* ------------------------------------------------------------------------ */
/* Teaching controls: what SSE does when the stream ends, and named events  */

static void
drop_all_connections_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  SseHubWindow *self = SSE_HUB_WINDOW (widget);
  guint dropped = sse_hub_server_drop_all_clients (self->server);
  g_autofree char *text = NULL;

  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Dropped %u connection; an SSE browser comes back by "
                                       "itself with Last-Event-ID, a WebSocket page by its script",
                                       "Dropped %u connections; SSE browsers come back by "
                                       "themselves with Last-Event-ID, WebSocket pages by their "
                                       "script",
                                       dropped),
                          dropped);
  sse_hub_toast_show_now (GTK_WIDGET (self->toast_overlay), text);
}

static void
send_event_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SseHubWindow *self = SSE_HUB_WINDOW (widget);

  gtk_window_present (GTK_WINDOW (sse_hub_event_composer_new (GTK_WINDOW (self), self->server)));
}

/* Both act on open streams: nothing to do while the hub is stopped. */
void
_sse_hub_window_update_teaching_actions (SseHubWindow *self)
{
  gboolean running = sse_hub_server_get_running (self->server);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.drop-all-connections", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.send-event", running);
}

/* ------------------------------------------------------------------------ */
/* Persons and the event log: the pages do the work                         */

static void
add_person_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  sse_hub_persons_page_add_from_form (SSE_HUB_WINDOW (widget)->persons_page);
}

static void
focus_add_form_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  SseHubWindow *self = SSE_HUB_WINDOW (widget);

  sse_hub_window_set_view (self, "persons");
  sse_hub_persons_page_focus_form (self->persons_page);
}

static void
clear_persons_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  sse_hub_persons_page_clear (SSE_HUB_WINDOW (widget)->persons_page);
}

static void
update_clear_persons_enabled (SseHubWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.clear-persons",
                                 sse_hub_persons_page_get_has_persons (self->persons_page));
}

static void
clear_log_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  sse_hub_event_log_view_clear (SSE_HUB_WINDOW (widget)->event_log_view);
}

static void
copy_log_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  sse_hub_event_log_view_copy (SSE_HUB_WINDOW (widget)->event_log_view);
}

static void
export_log_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  sse_hub_event_log_view_export (SSE_HUB_WINDOW (widget)->event_log_view);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  sse_hub_toast_undo_last (GTK_WIDGET (SSE_HUB_WINDOW (widget)->toast_overlay));
}

/* ------------------------------------------------------------------------ */
/* Zoom and full screen                                                     */

/* Presenting has a zoom of its own, so that leaving it restores the desk's. */
static const char *
text_scale_key (SseHubWindow *self)
{
  return self->presentation_mode ? "presentation-text-scale" : "text-scale";
}

/* The whole window's text follows the zoom: a font size on the window node
 * is inherited by every label, and Adwaita sizes titles relative to it. */
void
_sse_hub_window_apply_text_scale (SseHubWindow *self)
{
  double scale = g_settings_get_double (self->settings, text_scale_key (self));
  g_autofree char *font_name = NULL;
  g_autoptr(PangoFontDescription) font = NULL;
  double points = 11;
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *css = NULL;

  g_object_get (gtk_settings_get_default (), "gtk-font-name", &font_name, NULL);
  if (font_name != NULL)
    font = pango_font_description_from_string (font_name);
  if (font != NULL && pango_font_description_get_size (font) > 0 &&
      !pango_font_description_get_size_is_absolute (font))
    points = (double) pango_font_description_get_size (font) / PANGO_SCALE;

  g_ascii_formatd (number, sizeof number, "%.2f", points * scale);
  css = g_strdup_printf ("window.sse-hub-window { font-size: %spt; }", number);
  gtk_css_provider_load_from_data (self->zoom_provider, css, -1);
}

static void
set_text_scale (SseHubWindow *self,
                double        scale)
{
  g_settings_set_double (self->settings, text_scale_key (self), CLAMP (scale, 0.5, 3.0));
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SseHubWindow *self = SSE_HUB_WINDOW (widget);
  double scale = g_settings_get_double (self->settings, text_scale_key (self));

  if (g_str_equal (action_name, "win.zoom-reset"))
    {
      set_text_scale (self, 1.0);
      return;
    }

  if (g_str_equal (action_name, "win.zoom-in"))
    {
      for (guint i = 0; i < G_N_ELEMENTS (zoom_steps); i++)
        if (zoom_steps[i] > scale + 0.001)
          {
            set_text_scale (self, zoom_steps[i]);
            return;
          }
    }
  else
    {
      for (guint i = G_N_ELEMENTS (zoom_steps); i > 0; i--)
        if (zoom_steps[i - 1] < scale - 0.001)
          {
            set_text_scale (self, zoom_steps[i - 1]);
            return;
          }
    }
}

static void
fullscreen_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  GtkWindow *window = GTK_WINDOW (widget);

  if (gtk_window_is_fullscreen (window))
    gtk_window_unfullscreen (window);
  else
    gtk_window_fullscreen (window);
}

static void
leave_presentation_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  sse_hub_window_set_presentation_mode (SSE_HUB_WINDOW (widget), FALSE);
}

/* ------------------------------------------------------------------------ */
/* Set-up                                                                   */

void
_sse_hub_window_class_actions_init (GtkWidgetClass *widget_class)
{
  static const struct { guint key; const char *view; } view_keys[] = {
    { GDK_KEY_1, "persons" }, { GDK_KEY_2, "log" }, { GDK_KEY_3, "clients" },
    { GDK_KEY_KP_1, "persons" }, { GDK_KEY_KP_2, "log" }, { GDK_KEY_KP_3, "clients" },
  };
  /* Menus show the binding added last: the keys a laptop has. */
  static const struct { guint key; const char *action; } zoom_keys[] = {
    { GDK_KEY_KP_Add, "win.zoom-in" }, { GDK_KEY_equal, "win.zoom-in" },
    { GDK_KEY_plus, "win.zoom-in" }, { GDK_KEY_KP_Subtract, "win.zoom-out" },
    { GDK_KEY_minus, "win.zoom-out" }, { GDK_KEY_KP_0, "win.zoom-reset" },
    { GDK_KEY_0, "win.zoom-reset" },
  };

  gtk_widget_class_install_action (widget_class, "win.toggle-serving", NULL, toggle_serving_action);
  gtk_widget_class_install_action (widget_class, "win.start-serving", NULL, start_serving_action);
  gtk_widget_class_install_action (widget_class, "win.copy-url", NULL, copy_url_action);
  gtk_widget_class_install_action (widget_class, "win.open-url", NULL, open_url_action);
  gtk_widget_class_install_action (widget_class, "win.add-person", NULL, add_person_action);
  gtk_widget_class_install_action (widget_class, "win.focus-add-form", NULL, focus_add_form_action);
  gtk_widget_class_install_action (widget_class, "win.clear-persons", NULL, clear_persons_action);
  gtk_widget_class_install_action (widget_class, "win.clear-log", NULL, clear_log_action);
  gtk_widget_class_install_action (widget_class, "win.copy-log", NULL, copy_log_action);
  gtk_widget_class_install_action (widget_class, "win.export-log", NULL, export_log_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-reset", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.fullscreen", NULL, fullscreen_action);
  gtk_widget_class_install_property_action (widget_class, "win.view", "view");
  gtk_widget_class_install_property_action (widget_class, "win.presentation-mode",
                                            "presentation-mode");
  gtk_widget_class_install_action (widget_class, "win.leave-presentation-mode", NULL,
                                   leave_presentation_action);
  gtk_widget_class_install_action (widget_class, "win.drop-all-connections", NULL,
                                   drop_all_connections_action);
  gtk_widget_class_install_action (widget_class, "win.send-event", NULL, send_event_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.focus-add-form", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK,
                                       "win.clear-log", NULL);
  /* A text field with its own typing to undo takes Ctrl+Z first. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK,
                                       "win.undo", NULL);
  /* Not Ctrl+Shift+D: that opens the GTK Inspector. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.drop-all-connections", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "win.send-event", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (zoom_keys); i++)
    gtk_widget_class_add_binding_action (widget_class, zoom_keys[i].key, GDK_CONTROL_MASK,
                                         zoom_keys[i].action, NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "win.fullscreen", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.show-join-panel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.presentation-mode", NULL);
  /* Disabled outside presentation mode, so Escape still reaches the rest. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0,
                                       "win.leave-presentation-mode", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (view_keys); i++)
    gtk_widget_class_add_binding_action (widget_class, view_keys[i].key, GDK_CONTROL_MASK,
                                         "win.view", "s", view_keys[i].view);
}

/* After the template and the settings: the actions read both. */
void
_sse_hub_window_actions_init (SseHubWindow *self)
{
  g_autoptr(GAction) join_panel_action = NULL;

  /* Once the class has joined, the lists need the room more than the QR
   * code does, most of all when zoomed for a projector. */
  join_panel_action = g_settings_create_action (self->settings, "show-join-panel");
  g_action_map_add_action (G_ACTION_MAP (self), join_panel_action);

  g_signal_connect_object (self->persons_page, "notify::has-persons",
                           G_CALLBACK (update_clear_persons_enabled), self, G_CONNECT_SWAPPED);
  update_clear_persons_enabled (self);

  self->zoom_provider = gtk_css_provider_new ();
  gtk_style_context_add_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                              GTK_STYLE_PROVIDER (self->zoom_provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_signal_connect_object (self->settings, "changed::text-scale",
                           G_CALLBACK (_sse_hub_window_apply_text_scale), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::presentation-text-scale",
                           G_CALLBACK (_sse_hub_window_apply_text_scale), self, G_CONNECT_SWAPPED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.leave-presentation-mode", FALSE);
  _sse_hub_window_apply_text_scale (self);
}

void
_sse_hub_window_actions_dispose (SseHubWindow *self)
{
  /* The settings outlive a closed window (and tell every window of a
   * change): the action that follows them goes with this one. */
  g_action_map_remove_action (G_ACTION_MAP (self), "show-join-panel");
  if (self->zoom_provider != NULL)
    {
      gtk_style_context_remove_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                                     GTK_STYLE_PROVIDER (self->zoom_provider));
      g_clear_object (&self->zoom_provider);
    }
}
