/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sse-hub-client.h"
#include "sse-hub-clients-page-private.h"
#include "sse-hub-computers-panel.h"
#include "sse-hub-user-agent.h"

#define REFRESH_SECONDS 1

/* The connected-for and sent columns change without a notify, so no
 * expression binding can follow them: each keeps its bound cells, and the
 * refresh redraws those. */
typedef struct
{
  char       *(*text) (SseHubClient *client);
  GHashTable  *bound;   /* GtkListItem* on screen */
} LiveColumn;

struct _SseHubClientsPage
{
  GtkWidget            parent_instance;

  /* template widgets */
  SseHubComputersPanel *computers_panel;
  GtkStack            *clients_stack;
  GtkColumnView       *clients_view;
  GtkColumnViewColumn *client_connected_column;
  GtkColumnViewColumn *client_sent_column;
  GtkColumnViewColumn *client_disconnect_column;
  AdwStatusPage       *clients_empty_page;
  GtkLabel            *transport_cost_label;
  gboolean             compact;

  /* owned */
  SseHubServerProxy   *hub;
  char                *join_url;
  LiveColumn           connected;
  LiveColumn           sent;
  guint                refresh_source;
  guint                cost_source;   /* the cost line, right after a map */
};

/* A plain widget rather than an AdwBin: its one child, the stack, is a
 * template child, which disposing the template unparents itself. */
G_DEFINE_FINAL_TYPE (SseHubClientsPage, sse_hub_clients_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_HUB,
  PROP_JOIN_URL,
  PROP_REFRESHING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------ */
/* Cell texts                                                               */

static char *
format_duration (gint64 seconds)
{
  if (seconds < 60)
    return g_strdup_printf (_("%d s"), (int) seconds);
  if (seconds < 3600)
    return g_strdup_printf (_("%d min %02d s"), (int) (seconds / 60), (int) (seconds % 60));
  return g_strdup_printf (_("%d h %02d min"), (int) (seconds / 3600), (int) (seconds % 3600 / 60));
}

static char *
client_id_text (GtkListItem  *list_item,
                SseHubClient *client)
{
  if (client == NULL)
    return NULL;

  return g_strdup_printf ("%" G_GUINT64_FORMAT, sse_hub_client_get_id (client));
}

static char *
client_browser_text (GtkListItem  *list_item,
                     SseHubClient *client)
{
  const SseHubUserAgent *agent;

  if (client == NULL)
    return NULL;

  agent = sse_hub_user_agent_for_client (client);
  return g_strdup (agent->browser != NULL ? agent->browser : C_("browser", "Unknown"));
}

static char *
client_os_text (GtkListItem  *list_item,
                SseHubClient *client)
{
  const SseHubUserAgent *agent;

  if (client == NULL)
    return NULL;

  agent = sse_hub_user_agent_for_client (client);
  return g_strdup (agent->os != NULL ? agent->os : C_("system", "Unknown"));
}

static char *
client_transport_text (GtkListItem  *list_item,
                       SseHubClient *client)
{
  if (client == NULL)
    return NULL;

  /* Names of protocols: the same in every language. */
  return g_strdup (sse_hub_client_get_transport (client) == SSE_HUB_TRANSPORT_WEBSOCKET
                   ? "WebSocket" : "SSE");
}

static char *
client_connected_text (SseHubClient *client)
{
  gint64 seconds = (g_get_real_time () - sse_hub_client_get_connected_at (client)) / G_USEC_PER_SEC;

  return format_duration (MAX (seconds, 0));
}

static char *
client_sent_text (SseHubClient *client)
{
  guint64 events = sse_hub_client_get_events_sent (client);
  /* Formatted apart: xgettext cannot read G_GUINT64_FORMAT in a msgid. */
  g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, events);
  g_autofree char *size = g_format_size (sse_hub_client_get_bytes_sent (client));

  g_autofree char *sent = NULL;
  g_autofree char *received = NULL;

  /* TRANSLATORS: a number of events, then an amount of data like "1.2 kB" */
  sent = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s event · %s", "%s events · %s",
                                       (gulong) MIN (events, G_MAXULONG)),
                          count, size);
  if (sse_hub_client_get_transport (client) != SSE_HUB_TRANSPORT_WEBSOCKET)
    return g_steal_pointer (&sent);

  /* A socket talks back: what it sent, frame headers included. */
  received = g_format_size (sse_hub_client_get_bytes_received (client));
  /* TRANSLATORS: what the hub sent, then an amount of data like "120 bytes" */
  return g_strdup_printf (_("%s · received %s"), sent, received);
}

/* The latest list over each pipe: the comparison at a glance. */
static void
update_transport_cost (SseHubClientsPage *self)
{
  SseHubTransportCost cost;
  g_autofree char *text = NULL;
  g_autofree char *sse_bytes = NULL;
  g_autofree char *ws_bytes = NULL;
  g_autofree char *sse = NULL;
  g_autofree char *ws = NULL;

  if (self->hub == NULL || !sse_hub_server_proxy_get_running (self->hub))
    return;

  sse_hub_server_proxy_get_transport_cost (self->hub, &cost);
  sse_bytes = g_strdup_printf ("%" G_GSIZE_FORMAT, cost.sse_bytes);
  ws_bytes = g_strdup_printf ("%" G_GSIZE_FORMAT, cost.ws_bytes);
  /* TRANSLATORS: bytes of the latest list as one SSE event, and how many
   * clients get it over SSE */
  sse = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "SSE %s bytes to %u client",
                                      "SSE %s bytes to %u clients", cost.sse_clients),
                         sse_bytes, cost.sse_clients);
  /* TRANSLATORS: the same list as one WebSocket message */
  ws = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "WebSocket %s bytes to %u client",
                                     "WebSocket %s bytes to %u clients", cost.ws_clients),
                        ws_bytes, cost.ws_clients);
  /* TRANSLATORS: the two parts above, SSE first */
  text = g_strdup_printf (_("Latest list on the wire: %s · %s"), sse, ws);
  gtk_label_set_text (self->transport_cost_label, text);
}

/* ------------------------------------------------------------------------ */
/* Live cells                                                               */

static void
live_cell_setup (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (list_item, label);
}

static void
update_live_cell (LiveColumn  *column,
                  GtkListItem *list_item)
{
  g_autofree char *text = column->text (gtk_list_item_get_item (list_item));

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

static void
live_cell_bind (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                LiveColumn               *column)
{
  update_live_cell (column, list_item);
  g_hash_table_add (column->bound, list_item);
}

static void
live_cell_unbind (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  LiveColumn               *column)
{
  g_hash_table_remove (column->bound, list_item);
}

static void
live_column_init (LiveColumn          *column,
                  GtkColumnViewColumn *view_column,
                  char               *(*text) (SseHubClient *client))
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  column->text = text;
  column->bound = g_hash_table_new (NULL, NULL);
  g_signal_connect (factory, "setup", G_CALLBACK (live_cell_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (live_cell_bind), column);
  g_signal_connect (factory, "unbind", G_CALLBACK (live_cell_unbind), column);
  g_signal_connect (factory, "teardown", G_CALLBACK (live_cell_unbind), column);
  gtk_column_view_column_set_factory (view_column, factory);
}

static void
refresh_live_column (LiveColumn *column)
{
  GHashTableIter iter;
  gpointer list_item;

  /* Only the rows on screen are bound, so this costs the same for ten
   * clients as for ten thousand. */
  g_hash_table_iter_init (&iter, column->bound);
  while (g_hash_table_iter_next (&iter, &list_item, NULL))
    if (gtk_list_item_get_item (list_item) != NULL)
      update_live_cell (column, list_item);
}

/* ------------------------------------------------------------------------ */
/* Disconnect                                                               */

static void
disconnect_cell_setup (GtkSignalListItemFactory *factory,
                       GtkListItem              *list_item)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("network-offline-symbolic");

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  /* Given to a visible widget, a tooltip asks the X server where the
   * pointer is, a round trip for each row a connect storm sets up. */
  gtk_widget_set_visible (button, FALSE);
  gtk_widget_set_tooltip_text (button,
                               _("Disconnect this page: over SSE its browser comes back after its retry, over WebSocket its script reconnects"));
  gtk_widget_set_visible (button, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Disconnect"), -1);
  gtk_list_item_set_child (list_item, button);
}

static void
disconnect_cell_bind (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item)
{
  SseHubClient *client = gtk_list_item_get_item (list_item);
  GtkActionable *button = GTK_ACTIONABLE (gtk_list_item_get_child (list_item));

  /* By id, not by row: the row may show another client by the time the
   * click arrives.  The target first: the action takes a parameter. */
  gtk_actionable_set_action_target_value (button,
                                          g_variant_new_uint64 (sse_hub_client_get_id (client)));
  gtk_actionable_set_action_name (button, "clients.disconnect");
}

static void
disconnect_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SseHubClientsPage *self = SSE_HUB_CLIENTS_PAGE (widget);

  if (self->hub != NULL)
    sse_hub_server_proxy_disconnect_client (self->hub, g_variant_get_uint64 (parameter));
}

static void
disconnect_column_init (SseHubClientsPage *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (disconnect_cell_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (disconnect_cell_bind), NULL);
  gtk_column_view_column_set_factory (self->client_disconnect_column, factory);
}

void
sse_hub_clients_page_refresh (SseHubClientsPage *self)
{
  g_return_if_fail (SSE_HUB_IS_CLIENTS_PAGE (self));

  refresh_live_column (&self->connected);
  refresh_live_column (&self->sent);
  update_transport_cost (self);
}

static gboolean
refresh_cb (gpointer user_data)
{
  sse_hub_clients_page_refresh (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
cost_cb (gpointer user_data)
{
  SseHubClientsPage *self = user_data;

  self->cost_source = 0;
  update_transport_cost (self);
  return G_SOURCE_REMOVE;
}

/* Mapped means on screen: the visible page of a shown window.  Hidden, the
 * counters need no redraw, so the timer only runs in between. */
static void
sse_hub_clients_page_map (GtkWidget *widget)
{
  SseHubClientsPage *self = SSE_HUB_CLIENTS_PAGE (widget);

  GTK_WIDGET_CLASS (sse_hub_clients_page_parent_class)->map (widget);

  /* The cells kept what they showed when the page went away.  The cost is
   * asked of the hub, whose answer brings the mirrors up to date: not in
   * the middle of a layout, which a map can be. */
  refresh_live_column (&self->connected);
  refresh_live_column (&self->sent);
  if (self->cost_source == 0)
    self->cost_source = g_idle_add (cost_cb, self);
  if (self->refresh_source == 0)
    {
      self->refresh_source = g_timeout_add_seconds (REFRESH_SECONDS, refresh_cb, self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESHING]);
    }
}

static void
sse_hub_clients_page_unmap (GtkWidget *widget)
{
  SseHubClientsPage *self = SSE_HUB_CLIENTS_PAGE (widget);

  if (self->refresh_source != 0)
    {
      g_clear_handle_id (&self->refresh_source, g_source_remove);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESHING]);
    }

  GTK_WIDGET_CLASS (sse_hub_clients_page_parent_class)->unmap (widget);
}

/* ------------------------------------------------------------------------ */
/* List and empty page                                                      */

/* ID, Address, Browser, System, Transport, Connected, Sent, Disconnect:
 * the id tells apart three "Chrome · Linux" rows, even from one computer. */
#define TRANSPORT_COLUMN 4

static void
update_columns (SseHubClientsPage *self)
{
  static const gboolean shown_when_compact[] = { TRUE, FALSE, TRUE, TRUE, TRUE, FALSE, FALSE, TRUE };
  GListModel *columns = gtk_column_view_get_columns (self->clients_view);
  gboolean sockets = FALSE;

  /* The transport earns its width only once a socket is open: read off
   * the mirror, as every connect and leave comes here. */
  if (self->hub != NULL)
    {
      GListModel *clients = sse_hub_server_proxy_get_clients (self->hub);
      guint n_items = g_list_model_get_n_items (clients);

      for (guint i = 0; i < n_items && !sockets; i++)
        {
          g_autoptr(SseHubClient) client = g_list_model_get_item (clients, i);

          sockets = sse_hub_client_get_transport (client) == SSE_HUB_TRANSPORT_WEBSOCKET;
        }
    }
  for (guint i = 0; i < g_list_model_get_n_items (columns) && i < G_N_ELEMENTS (shown_when_compact);
       i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      gtk_column_view_column_set_visible (column, (!self->compact || shown_when_compact[i]) &&
                                                  (i != TRANSPORT_COLUMN || sockets));
    }
}

static void
on_clients_changed (SseHubClientsPage *self)
{
  GListModel *clients = self->hub != NULL ? sse_hub_server_proxy_get_clients (self->hub) : NULL;
  guint n_items = clients != NULL ? g_list_model_get_n_items (clients) : 0;

  /* The cost line is asked of the hub thread: the once-a-second refresh
   * redraws it, not every batch of a connect storm. */
  gtk_stack_set_visible_child_name (self->clients_stack, n_items > 0 ? "list" : "empty");
  update_columns (self);
}

static void
update_empty_description (SseHubClientsPage *self)
{
  g_autofree char *description = NULL;

  /* AdwStatusPage descriptions are markup. */
  if (self->join_url != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (self->join_url, -1);

      description = g_strdup_printf (_("Students open <b>%s</b> in a browser, or scan the QR "
                                       "code. They appear here as they connect."), escaped);
    }
  else
    description = g_strdup (_("Start serving, then students open the address shown here."));
  adw_status_page_set_description (self->clients_empty_page, description);
}

/* ------------------------------------------------------------------------ */
/* Object                                                                   */

SseHubServerProxy *
sse_hub_clients_page_get_hub (SseHubClientsPage *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENTS_PAGE (self), NULL);
  return self->hub;
}

void
sse_hub_clients_page_set_hub (SseHubClientsPage *self,
                              SseHubServerProxy *hub)
{
  g_autoptr(GtkSelectionModel) selection = NULL;

  g_return_if_fail (SSE_HUB_IS_CLIENTS_PAGE (self));
  g_return_if_fail (hub == NULL || SSE_HUB_IS_SERVER_PROXY (hub));

  if (self->hub == hub)
    return;

  if (self->hub != NULL)
    g_signal_handlers_disconnect_by_data (sse_hub_server_proxy_get_clients (self->hub), self);
  g_set_object (&self->hub, hub);
  if (hub != NULL)
    {
      GListModel *clients = sse_hub_server_proxy_get_clients (hub);

      selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (clients)));
      g_signal_connect_object (clients, "items-changed", G_CALLBACK (on_clients_changed), self,
                               G_CONNECT_SWAPPED);
    }

  gtk_column_view_set_model (self->clients_view, selection);
  sse_hub_computers_panel_set_hub (self->computers_panel, hub);
  on_clients_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HUB]);
}

const char *
sse_hub_clients_page_get_join_url (SseHubClientsPage *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENTS_PAGE (self), NULL);
  return self->join_url;
}

void
sse_hub_clients_page_set_join_url (SseHubClientsPage *self,
                                   const char        *join_url)
{
  g_return_if_fail (SSE_HUB_IS_CLIENTS_PAGE (self));

  if (g_strcmp0 (self->join_url, join_url) == 0)
    return;

  g_free (self->join_url);
  self->join_url = g_strdup (join_url);
  update_empty_description (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOIN_URL]);
}

void
sse_hub_clients_page_set_compact (SseHubClientsPage *self,
                                  gboolean           compact)
{
  g_return_if_fail (SSE_HUB_IS_CLIENTS_PAGE (self));

  self->compact = compact;
  update_columns (self);
}

static void
sse_hub_clients_page_dispose (GObject *object)
{
  SseHubClientsPage *self = SSE_HUB_CLIENTS_PAGE (object);

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_clear_handle_id (&self->cost_source, g_source_remove);
  if (self->hub != NULL)
    g_signal_handlers_disconnect_by_data (sse_hub_server_proxy_get_clients (self->hub), self);
  gtk_widget_dispose_template (GTK_WIDGET (self), SSE_HUB_TYPE_CLIENTS_PAGE);
  g_clear_object (&self->hub);

  G_OBJECT_CLASS (sse_hub_clients_page_parent_class)->dispose (object);
}

static void
sse_hub_clients_page_finalize (GObject *object)
{
  SseHubClientsPage *self = SSE_HUB_CLIENTS_PAGE (object);

  g_clear_pointer (&self->connected.bound, g_hash_table_unref);
  g_clear_pointer (&self->sent.bound, g_hash_table_unref);
  g_clear_pointer (&self->join_url, g_free);

  G_OBJECT_CLASS (sse_hub_clients_page_parent_class)->finalize (object);
}

static void
sse_hub_clients_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  SseHubClientsPage *self = SSE_HUB_CLIENTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_HUB:
      g_value_set_object (value, self->hub);
      break;
    case PROP_JOIN_URL:
      g_value_set_string (value, self->join_url);
      break;
    case PROP_REFRESHING:
      g_value_set_boolean (value, self->refresh_source != 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sse_hub_clients_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  SseHubClientsPage *self = SSE_HUB_CLIENTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_HUB:
      sse_hub_clients_page_set_hub (self, g_value_get_object (value));
      break;
    case PROP_JOIN_URL:
      sse_hub_clients_page_set_join_url (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sse_hub_clients_page_class_init (SseHubClientsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sse_hub_clients_page_dispose;
  object_class->finalize = sse_hub_clients_page_finalize;
  object_class->get_property = sse_hub_clients_page_get_property;
  object_class->set_property = sse_hub_clients_page_set_property;
  widget_class->map = sse_hub_clients_page_map;
  widget_class->unmap = sse_hub_clients_page_unmap;
  /* The computers above the streams (sse-hub-computers-panel.c). */
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);

  properties[PROP_HUB] =
    g_param_spec_object ("hub", NULL, NULL, SSE_HUB_TYPE_SERVER_PROXY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_JOIN_URL] =
    g_param_spec_string ("join-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REFRESHING] =
    g_param_spec_boolean ("refreshing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The cell templates look items up by type name. */
  g_type_ensure (SSE_HUB_TYPE_CLIENT);
  g_type_ensure (SSE_HUB_TYPE_COMPUTERS_PANEL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/SseHub/sse-hub-clients-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SseHubClientsPage, computers_panel);
  gtk_widget_class_bind_template_child (widget_class, SseHubClientsPage, clients_stack);
  gtk_widget_class_bind_template_child (widget_class, SseHubClientsPage, clients_view);
  gtk_widget_class_bind_template_child (widget_class, SseHubClientsPage, client_connected_column);
  gtk_widget_class_bind_template_child (widget_class, SseHubClientsPage, client_sent_column);
  gtk_widget_class_bind_template_child (widget_class, SseHubClientsPage, client_disconnect_column);
  gtk_widget_class_bind_template_child (widget_class, SseHubClientsPage, clients_empty_page);
  gtk_widget_class_bind_template_child (widget_class, SseHubClientsPage, transport_cost_label);
  gtk_widget_class_bind_template_callback (widget_class, client_id_text);
  gtk_widget_class_bind_template_callback (widget_class, client_browser_text);
  gtk_widget_class_bind_template_callback (widget_class, client_os_text);
  gtk_widget_class_bind_template_callback (widget_class, client_transport_text);

  gtk_widget_class_install_action (widget_class, "clients.disconnect", "t", disconnect_action);
}

static void
sse_hub_clients_page_init (SseHubClientsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);

  live_column_init (&self->connected, self->client_connected_column, client_connected_text);
  live_column_init (&self->sent, self->client_sent_column, client_sent_text);
  disconnect_column_init (self);
  on_clients_changed (self);
  update_empty_description (self);
}
