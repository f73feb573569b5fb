/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sse-hub-join-panel-private.h"
#include "sse-hub-qr.h"

/* A hotspot or a new Wi-Fi changes addresses in several steps: wait for
 * them to settle before drawing a new QR code. */
#define NETWORK_SETTLE_MS 500

/* The scheme and the path, beside the host and port. */
#define SMALL_PART_SCALE 0.45

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
  SseHubServerProxy *hub;
  char              *join_url;
  double             url_fit;         /* how much the address shrinks to fit */
  guint              fit_source;
  guint              network_source;

  SseHubJoinPanelUrlsFunc dup_urls;
};

G_DEFINE_FINAL_TYPE (SseHubJoinPanel, sse_hub_join_panel, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_HUB,
  PROP_JOIN_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
bound_to_loopback (SseHubServerProxy *hub)
{
  const char *bind = sse_hub_server_proxy_get_bind_address (hub);
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

/* The class reads the address off the wall and types it: on one line,
 * the host and port big, the scheme and path, which browsers fill in,
 * small; the label's text (what is selected and copied) stays the whole
 * address.  fit shrinks all of it when the panel is narrower. */
static PangoAttrList *
url_attributes (const char *url,
                double      fit)
{
  const char *host = strstr (url, "://");
  const char *path;
  PangoAttrList *attrs = pango_attr_list_new ();
  PangoAttribute *attr;
  guint ends[3];

  if (host == NULL)
    {
      attr = pango_attr_scale_new (fit);
      pango_attr_list_insert (attrs, attr);
      return attrs;
    }

  host += strlen ("://");
  path = strchr (host, '/');
  ends[0] = host - url;
  ends[1] = path != NULL ? (guint) (path - url) : strlen (url);
  ends[2] = strlen (url);
  for (guint i = 0, begin = 0; i < G_N_ELEMENTS (ends); begin = ends[i++])
    {
      gboolean small = i != 1;

      attr = pango_attr_scale_new (fit * (small ? SMALL_PART_SCALE : 1.0));
      attr->start_index = begin;
      attr->end_index = ends[i];
      pango_attr_list_insert (attrs, attr);
      if (small)
        {
          attr = pango_attr_weight_new (PANGO_WEIGHT_BOLD);
          attr->start_index = begin;
          attr->end_index = ends[i];
          pango_attr_list_insert (attrs, attr);
        }
    }

  return attrs;
}

static void
set_url_text (SseHubJoinPanel *self,
              const char      *url)
{
  g_autoptr(PangoAttrList) attrs = url_attributes (url, self->url_fit);

  gtk_label_set_text (self->url_label, url);
  gtk_label_set_attributes (self->url_label, attrs);
}

static gboolean
apply_fit_cb (gpointer user_data)
{
  SseHubJoinPanel *self = user_data;

  self->fit_source = 0;
  set_url_text (self, gtk_label_get_text (self->url_label));
  return G_SOURCE_REMOVE;
}

/* The panel lays out its one child itself (no layout manager) so that it
 * can fit the address once it knows its width. */
static GtkSizeRequestMode
sse_hub_join_panel_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
sse_hub_join_panel_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));

  if (child != NULL)
    gtk_widget_measure (child, orientation, for_size, minimum, natural,
                        minimum_baseline, natural_baseline);
}

/* The label asks for a fixed width (width-chars) and the address shrinks
 * to what it is given, rather than widening the panel until the lists
 * beside it fold into one view. */
/* The address's width at this fit, in the label's font. */
static int
url_width (SseHubJoinPanel *self,
           const char      *url,
           double           fit)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self->url_label),
                                                                  url);
  g_autoptr(PangoAttrList) attrs = url_attributes (url, fit);
  int width;

  pango_layout_set_attributes (layout, attrs);
  pango_layout_get_pixel_size (layout, &width, NULL);
  return width;
}

static void
sse_hub_join_panel_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  SseHubJoinPanel *self = SSE_HUB_JOIN_PANEL (widget);
  const char *url = gtk_label_get_text (self->url_label);
  int room, needed;
  double fit = 1.0;

  gtk_widget_allocate (adw_bin_get_child (ADW_BIN (widget)), width, height, baseline, NULL);

  room = gtk_widget_get_width (GTK_WIDGET (self->url_label));
  needed = url_width (self, url, 1.0);
  if (room <= 0 || needed <= 0)
    return;
  /* Glyphs do not scale exactly with the size: step down until it fits. */
  if (needed > room)
    for (fit = (int) (100.0 * room / needed) / 100.0;
         fit > 0.3 && url_width (self, url, fit) > room;
         fit -= 0.01)
      ;
  /* Not now: a label changed in the middle of a layout would be drawn
   * before it is allocated again. */
  if (ABS (fit - self->url_fit) >= 0.005)
    {
      self->url_fit = fit;
      if (self->fit_source == 0)
        self->fit_source = g_idle_add (apply_fit_cb, self);
    }
}

static void
update_join_panel (SseHubJoinPanel *self)
{
  gboolean running = self->hub != NULL && sse_hub_server_proxy_get_running (self->hub);
  g_auto(GStrv) urls = running ? self->dup_urls (self->hub) : NULL;
  g_autoptr(SseHubQr) qr = NULL;

  set_join_url (self, urls != NULL ? urls[0] : NULL);

  set_url_text (self, self->join_url != NULL ? self->join_url : _("Not serving"));
  if (self->join_url != NULL)
    qr = sse_hub_qr_new (self->join_url);
  if (qr != NULL)
    sse_hub_qr_set_scale_factor (qr, gtk_widget_get_scale_factor (GTK_WIDGET (self->qr_picture)));
  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (qr));
  gtk_widget_set_visible (GTK_WIDGET (self->qr_picture), qr != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->join_hint_label), !running);
  gtk_widget_set_sensitive (self->url_actions, self->join_url != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->local_only_label),
                          running && bound_to_loopback (self->hub));

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

  self->dup_urls = dup_urls != NULL ? dup_urls : sse_hub_server_proxy_dup_urls;
}

void
sse_hub_join_panel_set_qr_size (SseHubJoinPanel *self,
                                int              size)
{
  g_return_if_fail (SSE_HUB_IS_JOIN_PANEL (self));

  gtk_widget_set_size_request (GTK_WIDGET (self->qr_picture), size, size);
}

SseHubServerProxy *
sse_hub_join_panel_get_hub (SseHubJoinPanel *self)
{
  g_return_val_if_fail (SSE_HUB_IS_JOIN_PANEL (self), NULL);
  return self->hub;
}

void
sse_hub_join_panel_set_hub (SseHubJoinPanel   *self,
                            SseHubServerProxy *hub)
{
  g_return_if_fail (SSE_HUB_IS_JOIN_PANEL (self));
  g_return_if_fail (hub == NULL || SSE_HUB_IS_SERVER_PROXY (hub));

  if (self->hub == hub)
    return;

  if (self->hub != NULL)
    g_signal_handlers_disconnect_by_data (self->hub, self);
  g_set_object (&self->hub, hub);
  if (hub != NULL)
    {
      g_signal_connect_object (hub, "notify::running", G_CALLBACK (update_join_panel), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (hub, "notify::bind-address", G_CALLBACK (update_join_panel),
                               self, G_CONNECT_SWAPPED);
    }

  update_join_panel (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HUB]);
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

  if (self->hub != NULL)
    g_signal_handlers_disconnect_by_data (self->hub, self);
  g_signal_handlers_disconnect_by_data (g_network_monitor_get_default (), self);
  g_clear_handle_id (&self->network_source, g_source_remove);
  g_clear_handle_id (&self->fit_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), SSE_HUB_TYPE_JOIN_PANEL);
  g_clear_object (&self->hub);

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
    case PROP_HUB:
      g_value_set_object (value, self->hub);
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
    case PROP_HUB:
      sse_hub_join_panel_set_hub (self, g_value_get_object (value));
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
  widget_class->get_request_mode = sse_hub_join_panel_get_request_mode;
  widget_class->measure = sse_hub_join_panel_measure;
  widget_class->size_allocate = sse_hub_join_panel_size_allocate;

  properties[PROP_HUB] =
    g_param_spec_object ("hub", NULL, NULL, SSE_HUB_TYPE_SERVER_PROXY,
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
  self->dup_urls = sse_hub_server_proxy_dup_urls;
  self->url_fit = 1.0;
  gtk_widget_set_layout_manager (GTK_WIDGET (self), NULL);
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (g_network_monitor_get_default (), "network-changed",
                           G_CALLBACK (on_network_changed), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (self->qr_picture, "notify::scale-factor",
                           G_CALLBACK (on_qr_scale_factor_changed), self, G_CONNECT_SWAPPED);
  update_join_panel (self);
}
