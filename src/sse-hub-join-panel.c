/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sse-hub-join-panel-private.h"
#include "sse-hub-qr.h"

/* A hotspot or a new Wi-Fi changes addresses in several steps: wait for
 * them to settle before drawing a new QR code. */
#define NETWORK_SETTLE_MS 500

struct _SseHubJoinPanel
{
  AdwBin        parent_instance;

  /* template widgets */
  GtkLabel     *url_label;
  GtkLabel     *join_hint_label;
  GtkPicture   *qr_picture;
  GtkWidget    *url_actions;
  GtkLabel     *local_only_label;
  GtkLabel     *other_urls_label;

  /* owned */
  SseHubServer *server;
  char         *join_url;
  guint         network_source;

  SseHubJoinPanelUrlsFunc dup_urls;
};

G_DEFINE_FINAL_TYPE (SseHubJoinPanel, sse_hub_join_panel, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SERVER,
  PROP_JOIN_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
bound_to_loopback (SseHubServer *server)
{
  const char *bind = sse_hub_server_get_bind_address (server);
  g_autoptr(GInetAddress) address = NULL;

  if (bind == NULL || *bind == '\0')
    return FALSE;
  if (g_str_equal (bind, "localhost"))
    return TRUE;

  address = g_inet_address_new_from_string (bind);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static void
set_join_url (SseHubJoinPanel *self,
              const char      *join_url)
{
  if (g_strcmp0 (self->join_url, join_url) == 0)
    return;

  g_free (self->join_url);
  self->join_url = g_strdup (join_url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOIN_URL]);
}

/* The class reads the address off the wall and types it: a line may break
 * after "http://" (a zero-width space marks the place) but never inside the
 * host and port. */
static void
set_url_text (GtkLabel   *label,
              const char *url)
{
  const char *host = strstr (url, "://");
  g_autofree char *text = NULL;

  if (host != NULL)
    host += strlen ("://");
  text = host != NULL ? g_strdup_printf ("%.*s\u200b%s", (int) (host - url), url, host)
                      : g_strdup (url);
  gtk_label_set_text (label, text);
}

static void
update_join_panel (SseHubJoinPanel *self)
{
  gboolean running = self->server != NULL && sse_hub_server_get_running (self->server);
  g_auto(GStrv) urls = running ? self->dup_urls (self->server) : NULL;
  g_autoptr(SseHubQr) qr = NULL;

  set_join_url (self, urls != NULL ? urls[0] : NULL);

  set_url_text (self->url_label, self->join_url != NULL ? self->join_url : _("Not serving"));
  if (self->join_url != NULL)
    qr = sse_hub_qr_new (self->join_url);
  if (qr != NULL)
    sse_hub_qr_set_scale_factor (qr, gtk_widget_get_scale_factor (GTK_WIDGET (self->qr_picture)));
  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (qr));
  gtk_widget_set_visible (GTK_WIDGET (self->qr_picture), qr != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->join_hint_label), !running);
  gtk_widget_set_sensitive (self->url_actions, self->join_url != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->local_only_label),
                          running && bound_to_loopback (self->server));

  if (urls != NULL && urls[0] != NULL && urls[1] != NULL)
    {
      g_autofree char *others = g_strjoinv ("\n", urls + 1);
      g_autofree char *text = g_strdup_printf (_("Also reachable at:\n%s"), others);

      gtk_label_set_text (self->other_urls_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->other_urls_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->other_urls_label), FALSE);
}

static void
on_qr_scale_factor_changed (SseHubJoinPanel *self)
{
  GdkPaintable *qr = gtk_picture_get_paintable (self->qr_picture);

  if (qr != NULL)
    sse_hub_qr_set_scale_factor (SSE_HUB_QR (qr),
                                 gtk_widget_get_scale_factor (GTK_WIDGET (self->qr_picture)));
}

static gboolean
network_settled_cb (gpointer user_data)
{
  SseHubJoinPanel *self = user_data;

  self->network_source = 0;
  update_join_panel (self);
  return G_SOURCE_REMOVE;
}

/* GNetworkMonitor::network-changed */
static void
on_network_changed (SseHubJoinPanel *self)
{
  g_clear_handle_id (&self->network_source, g_source_remove);
  self->network_source = g_timeout_add (NETWORK_SETTLE_MS, network_settled_cb, self);
}

void
sse_hub_join_panel_set_urls_func (SseHubJoinPanel         *self,
                                  SseHubJoinPanelUrlsFunc  dup_urls)
{
  g_return_if_fail (SSE_HUB_IS_JOIN_PANEL (self));

  self->dup_urls = dup_urls != NULL ? dup_urls : sse_hub_server_dup_urls;
}

void
sse_hub_join_panel_set_qr_size (SseHubJoinPanel *self,
                                int              size)
{
  g_return_if_fail (SSE_HUB_IS_JOIN_PANEL (self));

  gtk_widget_set_size_request (GTK_WIDGET (self->qr_picture), size, size);
}

SseHubServer *
sse_hub_join_panel_get_server (SseHubJoinPanel *self)
{
  g_return_val_if_fail (SSE_HUB_IS_JOIN_PANEL (self), NULL);
  return self->server;
}

void
sse_hub_join_panel_set_server (SseHubJoinPanel *self,
                               SseHubServer    *server)
{
  g_return_if_fail (SSE_HUB_IS_JOIN_PANEL (self));
  g_return_if_fail (server == NULL || SSE_HUB_IS_SERVER (server));

  if (self->server == server)
    return;

  if (self->server != NULL)
    g_signal_handlers_disconnect_by_data (self->server, self);
  g_set_object (&self->server, server);
  if (server != NULL)
    {
      g_signal_connect_object (server, "notify::running", G_CALLBACK (update_join_panel), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (server, "notify::bind-address", G_CALLBACK (update_join_panel),
                               self, G_CONNECT_SWAPPED);
    }

  update_join_panel (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER]);
}

const char *
sse_hub_join_panel_get_join_url (SseHubJoinPanel *self)
{
  g_return_val_if_fail (SSE_HUB_IS_JOIN_PANEL (self), NULL);
  return self->join_url;
}

static void
sse_hub_join_panel_dispose (GObject *object)
{
  SseHubJoinPanel *self = SSE_HUB_JOIN_PANEL (object);

  if (self->server != NULL)
    g_signal_handlers_disconnect_by_data (self->server, self);
  g_signal_handlers_disconnect_by_data (g_network_monitor_get_default (), self);
  g_clear_handle_id (&self->network_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), SSE_HUB_TYPE_JOIN_PANEL);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (sse_hub_join_panel_parent_class)->dispose (object);
}

static void
sse_hub_join_panel_finalize (GObject *object)
{
  SseHubJoinPanel *self = SSE_HUB_JOIN_PANEL (object);

  g_clear_pointer (&self->join_url, g_free);

  G_OBJECT_CLASS (sse_hub_join_panel_parent_class)->finalize (object);
}

static void
sse_hub_join_panel_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SseHubJoinPanel *self = SSE_HUB_JOIN_PANEL (object);

  switch (prop_id)
    {
    case PROP_SERVER:
      g_value_set_object (value, self->server);
      break;
    case PROP_JOIN_URL:
      g_value_set_string (value, self->join_url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sse_hub_join_panel_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  SseHubJoinPanel *self = SSE_HUB_JOIN_PANEL (object);

  switch (prop_id)
    {
    case PROP_SERVER:
      sse_hub_join_panel_set_server (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sse_hub_join_panel_class_init (SseHubJoinPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sse_hub_join_panel_dispose;
  object_class->finalize = sse_hub_join_panel_finalize;
  object_class->get_property = sse_hub_join_panel_get_property;
  object_class->set_property = sse_hub_join_panel_set_property;

  properties[PROP_SERVER] =
    g_param_spec_object ("server", NULL, NULL, SSE_HUB_TYPE_SERVER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_JOIN_URL] =
    g_param_spec_string ("join-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/SseHub/sse-hub-join-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, SseHubJoinPanel, url_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubJoinPanel, join_hint_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubJoinPanel, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, SseHubJoinPanel, url_actions);
  gtk_widget_class_bind_template_child (widget_class, SseHubJoinPanel, local_only_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubJoinPanel, other_urls_label);
}

static void
sse_hub_join_panel_init (SseHubJoinPanel *self)
{
  self->dup_urls = sse_hub_server_dup_urls;
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (g_network_monitor_get_default (), "network-changed",
                           G_CALLBACK (on_network_changed), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (self->qr_picture, "notify::scale-factor",
                           G_CALLBACK (on_qr_scale_factor_changed), self, G_CONNECT_SWAPPED);
  update_join_panel (self);
}
