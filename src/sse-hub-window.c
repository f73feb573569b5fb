/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sse-hub-clients-page-private.h"
#include "sse-hub-join-panel-private.h"
#include "sse-hub-persons-page.h"
#include "sse-hub-resources.h"
#include "sse-hub-toast.h"
#include "sse-hub-window-private.h"

#define STATUS_DELAY_MS 100
/* The QR code's share of the window: large enough to scan from the back
 * row, small enough to leave the lists most of the width. */
#define QR_WIDTH_SHARE 0.18
#define QR_HEIGHT_SHARE 0.5
#define QR_MIN_SIZE 240

G_DEFINE_FINAL_TYPE (SseHubWindow, sse_hub_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_HUB,
  PROP_VIEW,
  PROP_PRESENTATION_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------ */
/* Header: serve button and status line                                     */

/* "http://192.168.1.5:3001/" → "192.168.1.5:3001", for the header. */
static char *
url_to_host (const char *url)
{
  const char *start = g_str_has_prefix (url, "http://") ? url + strlen ("http://") : url;
  gsize length = strlen (start);

  if (length > 0 && start[length - 1] == '/')
    length--;

  return g_strndup (start, length);
}

/* Read off the clients mirror rather than asked of the hub: the header
 * never waits for the hub thread. */
static guint
count_sockets (GListModel *clients)
{
  guint n_items = g_list_model_get_n_items (clients);
  guint sockets = 0;

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SseHubClient) client = g_list_model_get_item (clients, i);

      sockets += sse_hub_client_get_transport (client) == SSE_HUB_TRANSPORT_WEBSOCKET;
    }

  return sockets;
}

static void
update_status (SseHubWindow *self)
{
  gboolean running = sse_hub_server_proxy_get_running (self->hub);
  const char *join_url = sse_hub_join_panel_get_join_url (self->join_panel);
  GListModel *clients = sse_hub_server_proxy_get_clients (self->hub);
  guint n_clients = g_list_model_get_n_items (clients);
  g_autofree char *text = NULL;

  if (running && join_url != NULL)
    {
      g_autofree char *host = url_to_host (join_url);
      guint sockets;

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Serving on %s · %u client",
                                           "Serving on %s · %u clients", n_clients),
                              host, n_clients);
      /* Both pipes counted once any socket is open. */
      sockets = count_sockets (clients);
      if (sockets > 0)
        {
          g_autofree char *serving = g_steal_pointer (&text);

          /* TRANSLATORS: the status, then clients per transport */
          text = g_strdup_printf (_("%s (SSE %u · WebSocket %u)"), serving,
                                  n_clients - sockets, sockets);
        }
    }
  else if (running)
    text = g_strdup (_("Serving"));
  else if (self->error_message != NULL)
    text = g_strdup (_("Not serving"));
  else
    text = g_strdup (_("Stopped"));

  gtk_label_set_text (self->status_label, text);
  if (!running && self->error_message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static gboolean
status_timeout_cb (gpointer user_data)
{
  SseHubWindow *self = user_data;

  self->status_source = 0;
  update_status (self);
  return G_SOURCE_REMOVE;
}

/* A connect storm changes the count hundreds of times a second: redraw the
 * header at most ten times a second. */
static void
queue_status_update (SseHubWindow *self)
{
  if (self->status_source == 0)
    self->status_source = g_timeout_add (STATUS_DELAY_MS, status_timeout_cb, self);
}

static void
update_serve_button (SseHubWindow *self)
{
  gboolean running = sse_hub_server_proxy_get_running (self->hub);

  gtk_button_set_label (self->serve_button, running ? _("_Stop Serving") : _("_Start Serving"));
  gtk_button_set_use_underline (self->serve_button, TRUE);
  if (running)
    gtk_widget_remove_css_class (GTK_WIDGET (self->serve_button), "suggested-action");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->serve_button), "suggested-action");
}

/* ------------------------------------------------------------------------ */
/* Serving state and the error banner                                       */

static void
on_running_changed (SseHubWindow *self)
{
  if (sse_hub_server_proxy_get_running (self->hub))
    {
      g_clear_pointer (&self->error_message, g_free);
      gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
    }

  update_serve_button (self);
  update_status (self);
  _sse_hub_window_update_teaching_actions (self);
}

void
sse_hub_window_show_error (SseHubWindow *self,
                           const char   *message)
{
  g_return_if_fail (SSE_HUB_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  g_free (self->error_message);
  self->error_message = g_strdup (message);
  gtk_label_set_text (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
  update_status (self);
}

/* After "Choose Another Port…": a new port is a new attempt. */
static void
on_port_changed (SseHubWindow *self)
{
  if (self->error_message != NULL && !sse_hub_server_proxy_get_running (self->hub))
    sse_hub_window_start_serving (self);
}

static void
on_server_error (SseHubWindow *self,
                 GError       *error)
{
  sse_hub_window_show_error (self, error->message);
}

gboolean
sse_hub_window_start_serving (SseHubWindow *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (SSE_HUB_IS_WINDOW (self), FALSE);

  if (!sse_hub_server_proxy_start (self->hub, &error))
    {
      sse_hub_window_show_error (self, error->message);
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Views, presentation mode and the QR code's size                          */

const char *
sse_hub_window_get_view (SseHubWindow *self)
{
  g_return_val_if_fail (SSE_HUB_IS_WINDOW (self), NULL);

  /* The action that mirrors this property reads it before the template. */
  if (self->leaflet == NULL)
    return "persons";

  return adw_leaflet_get_visible_child_name (self->leaflet);
}

void
sse_hub_window_set_view (SseHubWindow *self,
                         const char   *view)
{
  GtkWidget *page;
  GtkWidget *focus;

  g_return_if_fail (SSE_HUB_IS_WINDOW (self));
  g_return_if_fail (view != NULL);

  page = adw_leaflet_get_child_by_name (self->leaflet, view);
  if (page == NULL)
    return;

  adw_leaflet_set_visible_child (self->leaflet, page);
  /* Side by side, "showing" a view means going there with the keyboard. */
  focus = gtk_root_get_focus (GTK_ROOT (self));
  if (!adw_leaflet_get_folded (self->leaflet) &&
      (focus == NULL || !gtk_widget_is_ancestor (focus, page)))
    gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD);
}

gboolean
sse_hub_window_get_presentation_mode (SseHubWindow *self)
{
  g_return_val_if_fail (SSE_HUB_IS_WINDOW (self), FALSE);
  return self->presentation_mode;
}

void
sse_hub_window_set_presentation_mode (SseHubWindow *self,
                                      gboolean      presentation_mode)
{
  g_return_if_fail (SSE_HUB_IS_WINDOW (self));

  presentation_mode = !!presentation_mode;
  if (self->presentation_mode == presentation_mode)
    return;

  self->presentation_mode = presentation_mode;
  if (presentation_mode)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "presentation");
      gtk_window_fullscreen (GTK_WINDOW (self));
      /* One click in the corner would end the class. */
      adw_header_bar_set_show_end_title_buttons (self->header_bar, FALSE);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "presentation");
      gtk_window_unfullscreen (GTK_WINDOW (self));
      adw_header_bar_set_show_end_title_buttons (self->header_bar, TRUE);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.leave-presentation-mode",
                                 presentation_mode);
  _sse_hub_window_apply_text_scale (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENTATION_MODE]);
}

/* Leaving full screen some other way (F11, the window manager) ends the
 * presentation too. */
static void
on_fullscreened_changed (SseHubWindow *self)
{
  if (!gtk_window_is_fullscreen (GTK_WINDOW (self)))
    sse_hub_window_set_presentation_mode (self, FALSE);
}

static void
on_view_changed (SseHubWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW]);
}

static gboolean
sync_view_switcher_cb (gpointer user_data)
{
  SseHubWindow *self = user_data;

  self->switcher_source = 0;
  gtk_widget_set_visible (self->view_switcher, adw_leaflet_get_folded (self->leaflet));
  sse_hub_clients_page_set_compact (self->clients_page, !adw_leaflet_get_folded (self->leaflet));
  return G_SOURCE_REMOVE;
}

/* The leaflet folds while it is allocated: show the switcher (and the
 * clients' full table) right after, not in the middle of the allocation. */
static void
on_folded_changed (SseHubWindow *self)
{
  if (self->switcher_source == 0)
    self->switcher_source = g_idle_add (sync_view_switcher_cb, self);
}

static gboolean
apply_qr_size_cb (gpointer user_data)
{
  SseHubWindow *self = user_data;

  self->qr_size_source = 0;
  sse_hub_join_panel_set_qr_size (self->join_panel, self->qr_size);
  return G_SOURCE_REMOVE;
}

/* Size requests cannot change during an allocation: the QR code follows the
 * window's size right after. */
static void
sse_hub_window_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  SseHubWindow *self = SSE_HUB_WINDOW (widget);
  int qr_size = MAX (QR_MIN_SIZE, (int) MIN (width * QR_WIDTH_SHARE, height * QR_HEIGHT_SHARE));

  GTK_WIDGET_CLASS (sse_hub_window_parent_class)->size_allocate (widget, width, height, baseline);

  if (qr_size != self->qr_size)
    {
      self->qr_size = qr_size;
      if (self->qr_size_source == 0)
        self->qr_size_source = g_idle_add (apply_qr_size_cb, self);
    }
}

/* ------------------------------------------------------------------------ */
/* Object                                                                   */

static gboolean
sse_hub_window_close_request (GtkWindow *window)
{
  if (_sse_hub_window_confirm_close (SSE_HUB_WINDOW (window)))
    return TRUE;

  return GTK_WINDOW_CLASS (sse_hub_window_parent_class)->close_request (window);
}

static void
sse_hub_window_constructed (GObject *object)
{
  SseHubWindow *self = SSE_HUB_WINDOW (object);

  G_OBJECT_CLASS (sse_hub_window_parent_class)->constructed (object);

  g_assert (self->hub != NULL);

  /* The join panel first: the header and the clients page read its address. */
  sse_hub_join_panel_set_hub (self->join_panel, self->hub);
  sse_hub_persons_page_set_hub (self->persons_page, self->hub);
  sse_hub_clients_page_set_hub (self->clients_page, self->hub);
  sse_hub_event_log_view_set_hub (self->event_log_view, self->hub);
  g_object_bind_property (self->join_panel, "join-url", self->clients_page, "join-url",
                          G_BINDING_SYNC_CREATE);

  g_signal_connect_object (self->join_panel, "notify::join-url", G_CALLBACK (update_status), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (sse_hub_server_proxy_get_clients (self->hub), "items-changed",
                           G_CALLBACK (queue_status_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->hub, "notify::running", G_CALLBACK (on_running_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->hub, "notify::port", G_CALLBACK (on_port_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->hub, "error", G_CALLBACK (on_server_error), self,
                           G_CONNECT_SWAPPED);
  on_running_changed (self);
  g_object_bind_property (self->hub, "writable", self->disk_full_revealer, "reveal-child",
                          G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);

  /* Typing starts in the form, never on Stop Serving: a Space or an Enter
   * right after launch must not end the class. */
  sse_hub_persons_page_focus_form (self->persons_page);
}

static void
sse_hub_window_dispose (GObject *object)
{
  SseHubWindow *self = SSE_HUB_WINDOW (object);

  g_clear_handle_id (&self->status_source, g_source_remove);
  g_clear_handle_id (&self->qr_size_source, g_source_remove);
  g_clear_handle_id (&self->switcher_source, g_source_remove);
  /* The leaflet loses its pages on the way out: no view to report then. */
  if (self->leaflet != NULL)
    g_signal_handlers_disconnect_by_data (self->leaflet, self);
  if (self->hub != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->hub, self);
      g_signal_handlers_disconnect_by_data (sse_hub_server_proxy_get_clients (self->hub), self);
    }
  _sse_hub_window_actions_dispose (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), SSE_HUB_TYPE_WINDOW);

  g_clear_object (&self->settings);
  g_clear_object (&self->hub);

  G_OBJECT_CLASS (sse_hub_window_parent_class)->dispose (object);
}

static void
sse_hub_window_finalize (GObject *object)
{
  SseHubWindow *self = SSE_HUB_WINDOW (object);

  g_clear_pointer (&self->error_message, g_free);

  G_OBJECT_CLASS (sse_hub_window_parent_class)->finalize (object);
}

static void
sse_hub_window_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SseHubWindow *self = SSE_HUB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_HUB:
      g_value_set_object (value, self->hub);
      break;
    case PROP_VIEW:
      g_value_set_string (value, sse_hub_window_get_view (self));
      break;
    case PROP_PRESENTATION_MODE:
      g_value_set_boolean (value, self->presentation_mode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sse_hub_window_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SseHubWindow *self = SSE_HUB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_HUB:
      self->hub = g_value_dup_object (value);
      break;
    case PROP_VIEW:
      sse_hub_window_set_view (self, g_value_get_string (value));
      break;
    case PROP_PRESENTATION_MODE:
      sse_hub_window_set_presentation_mode (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sse_hub_window_class_init (SseHubWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  /* Through the bundle itself rather than by path: that also makes the
   * linker keep the bundle (whose constructor registers it for the
   * stylesheet, the shortcuts window and the child templates) out of the
   * static library. */
  g_autoptr(GBytes) template = NULL;

  object_class->constructed = sse_hub_window_constructed;
  object_class->dispose = sse_hub_window_dispose;
  object_class->finalize = sse_hub_window_finalize;
  object_class->get_property = sse_hub_window_get_property;
  object_class->set_property = sse_hub_window_set_property;

  properties[PROP_HUB] =
    g_param_spec_object ("hub", NULL, NULL, SSE_HUB_TYPE_SERVER_PROXY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VIEW] =
    g_param_spec_string ("view", NULL, NULL, "persons",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRESENTATION_MODE] =
    g_param_spec_boolean ("presentation-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  widget_class->size_allocate = sse_hub_window_size_allocate;
  GTK_WINDOW_CLASS (klass)->close_request = sse_hub_window_close_request;

  /* The template names these classes: register them before it is parsed. */
  g_type_ensure (SSE_HUB_TYPE_JOIN_PANEL);
  g_type_ensure (SSE_HUB_TYPE_PERSONS_PAGE);
  g_type_ensure (SSE_HUB_TYPE_CLIENTS_PAGE);
  g_type_ensure (SSE_HUB_TYPE_EVENT_LOG_VIEW);

  template = g_resource_lookup_data (sse_hub_get_resource (),
                                    "/com/example/SseHub/sse-hub-window.ui",
                                    G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  gtk_widget_class_set_template (widget_class, template);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, toast_room);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, serve_button);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, disk_full_revealer);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, join_panel);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, join_separator);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, view_switcher);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, persons_page);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, clients_page);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, event_log_view);

  _sse_hub_window_class_actions_init (widget_class);
}

static void
sse_hub_window_init (SseHubWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self), "sse-hub-window");
  sse_hub_toast_set_room (self->toast_overlay, self->toast_room);

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "show-join-panel", self->join_panel, "visible",
                   G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "show-join-panel", self->join_separator, "visible",
                   G_SETTINGS_BIND_GET);

  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (on_folded_changed), self,
                           G_CONNECT_SWAPPED);
  sync_view_switcher_cb (self);
  g_signal_connect_object (self->leaflet, "notify::visible-child", G_CALLBACK (on_view_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::fullscreened", G_CALLBACK (on_fullscreened_changed), NULL);

  _sse_hub_window_actions_init (self);
}

SseHubWindow *
sse_hub_window_new (GtkApplication    *application,
                    SseHubServerProxy *hub)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (SSE_HUB_IS_SERVER_PROXY (hub), NULL);

  return g_object_new (SSE_HUB_TYPE_WINDOW,
                       "application", application,
                       "hub", hub,
                       NULL);
}

SseHubServerProxy *
sse_hub_window_get_hub (SseHubWindow *self)
{
  g_return_val_if_fail (SSE_HUB_IS_WINDOW (self), NULL);
  return self->hub;
}
