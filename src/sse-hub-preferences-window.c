/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sse-hub-preferences-window.h"
#include "sse-hub-resources.h"

struct _SseHubPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* template widgets */
  GtkSpinButton        *port_spin;
  GtkSwitch            *network_switch;
  GtkSwitch            *writes_switch;
  GtkSpinButton        *keepalive_spin;
  GtkSpinButton        *max_clients_spin;
  GtkSpinButton        *streams_per_address_spin;
  GtkSpinButton        *audience_rate_spin;
  GtkSpinButton        *persons_per_address_spin;
  GtkSpinButton        *text_scale_spin;

  /* owned */
  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (SseHubPreferencesWindow, sse_hub_preferences_window,
                     ADW_TYPE_PREFERENCES_WINDOW)

static void
sse_hub_preferences_window_dispose (GObject *object)
{
  SseHubPreferencesWindow *self = SSE_HUB_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SSE_HUB_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sse_hub_preferences_window_parent_class)->dispose (object);
}

static void
sse_hub_preferences_window_class_init (SseHubPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  /* Through the bundle itself rather than by path: that also makes the
   * linker keep the bundle (whose constructor registers it for the
   * stylesheet and shortcuts window) out of the static library. */
  g_autoptr(GBytes) template = NULL;

  object_class->dispose = sse_hub_preferences_window_dispose;

  template = g_resource_lookup_data (sse_hub_get_resource (),
                                    "/com/example/SseHub/sse-hub-preferences-window.ui",
                                    G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  gtk_widget_class_set_template (widget_class, template);
  gtk_widget_class_bind_template_child (widget_class, SseHubPreferencesWindow, port_spin);
  gtk_widget_class_bind_template_child (widget_class, SseHubPreferencesWindow, network_switch);
  gtk_widget_class_bind_template_child (widget_class, SseHubPreferencesWindow, writes_switch);
  gtk_widget_class_bind_template_child (widget_class, SseHubPreferencesWindow, keepalive_spin);
  gtk_widget_class_bind_template_child (widget_class, SseHubPreferencesWindow, max_clients_spin);
  gtk_widget_class_bind_template_child (widget_class, SseHubPreferencesWindow,
                                        streams_per_address_spin);
  gtk_widget_class_bind_template_child (widget_class, SseHubPreferencesWindow, audience_rate_spin);
  gtk_widget_class_bind_template_child (widget_class, SseHubPreferencesWindow,
                                        persons_per_address_spin);
  gtk_widget_class_bind_template_child (widget_class, SseHubPreferencesWindow, text_scale_spin);
}

static void
sse_hub_preferences_window_init (SseHubPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  /* The port restarts the server: apply it when the number is committed
   * (Enter, focus out, a click on + or −), which is when "value" changes. */
  g_settings_bind (self->settings, "port",
                   gtk_spin_button_get_adjustment (self->port_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "listen-on-network", self->network_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "allow-audience-writes", self->writes_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "keepalive-interval",
                   gtk_spin_button_get_adjustment (self->keepalive_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "max-clients",
                   gtk_spin_button_get_adjustment (self->max_clients_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "max-streams-per-address",
                   gtk_spin_button_get_adjustment (self->streams_per_address_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "audience-rate-limit",
                   gtk_spin_button_get_adjustment (self->audience_rate_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "max-persons-per-address",
                   gtk_spin_button_get_adjustment (self->persons_per_address_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "text-scale",
                   gtk_spin_button_get_adjustment (self->text_scale_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
}

SseHubPreferencesWindow *
sse_hub_preferences_window_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (SSE_HUB_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
}
