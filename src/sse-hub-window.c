/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sse-hub-client.h"
#include "sse-hub-qr.h"
#include "sse-hub-resources.h"
#include "sse-hub-user-agent.h"
#include "sse-hub-window-private.h"
#include "sse-hub-wire.h"

/* Longest stretch of one frame shown in a log row: a thousand persons make a
 * list frame of tens of kilobytes, which no one reads on a wall. */
#define LOG_ROW_MAX_CHARS 1500
#define REFRESH_SECONDS   1
#define STATUS_DELAY_MS   100

/* Zoom steps for Ctrl+plus / Ctrl+minus, within the text-scale key's range. */
static const double zoom_steps[] = {
  0.5, 0.67, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0
};

typedef char *(*CellTextFunc) (gpointer item);

struct _SseHubWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkButton            *serve_button;
  GtkLabel             *status_label;
  GtkRevealer          *error_revealer;
  GtkLabel             *error_label;
  GtkLabel             *url_label;
  GtkLabel             *join_hint_label;
  GtkPicture           *qr_picture;
  GtkWidget            *url_actions;
  GtkLabel             *local_only_label;
  GtkLabel             *other_urls_label;
  GtkWidget            *join_scroller;
  GtkWidget            *join_separator;
  AdwViewStack         *view_stack;
  GtkEntry             *name_entry;
  GtkSpinButton        *age_spin;
  GtkLabel             *form_error_label;
  GtkStack             *persons_stack;
  GtkColumnView        *persons_view;
  GtkColumnViewColumn  *person_name_column;
  GtkColumnViewColumn  *person_age_column;
  GtkColumnViewColumn  *person_remove_column;
  GtkLabel             *persons_count_label;
  GtkStack             *clients_stack;
  GtkColumnView        *clients_view;
  GtkColumnViewColumn  *client_id_column;
  GtkColumnViewColumn  *client_address_column;
  GtkColumnViewColumn  *client_browser_column;
  GtkColumnViewColumn  *client_os_column;
  GtkColumnViewColumn  *client_connected_column;
  GtkColumnViewColumn  *client_sent_column;
  AdwStatusPage        *clients_empty_page;
  GtkToggleButton      *filter_persons_button;
  GtkToggleButton      *filter_clients_button;
  GtkToggleButton      *filter_keepalive_button;
  GtkToggleButton      *filter_requests_button;
  GtkToggleButton      *filter_refusals_button;
  GtkLabel             *log_status_label;
  GtkToggleButton      *pause_button;
  GtkScrolledWindow    *log_scroller;
  GtkListView          *log_view;

  /* owned */
  SseHubServer         *server;
  GSettings            *settings;
  GtkCssProvider       *zoom_provider;
  GtkCustomFilter      *log_filter;
  GtkFilterListModel   *log_filtered;
  GListStore           *log_snapshot;   /* what a paused log shows */
  GHashTable           *live_cells;     /* GtkListItem* whose text changes over time */
  GtkFileChooserNative *export_chooser;
  char                 *join_url;
  char                 *error_message;

  guint                 refresh_source;
  guint                 status_source;
  guint                 scroll_source;
  guint                 log_kinds_shown; /* bit per SseHubLogKind */
  gboolean              log_follow;      /* scrolled to the end: keep following */
};

G_DEFINE_FINAL_TYPE (SseHubWindow, sse_hub_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SERVER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------ */
/* Small helpers                                                            */

/* AdwToast titles are Pango markup in libadwaita 1.2: escape everything. */
static void
show_toast (SseHubWindow *self,
            const char   *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, 3);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static char *
format_duration (gint64 seconds)
{
  if (seconds < 60)
    return g_strdup_printf (_("%d s"), (int) seconds);
  if (seconds < 3600)
    return g_strdup_printf (_("%d min %02d s"), (int) (seconds / 60), (int) (seconds % 60));
  return g_strdup_printf (_("%d h %02d min"), (int) (seconds / 3600), (int) (seconds % 3600 / 60));
}

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

/* ------------------------------------------------------------------------ */
/* Serving state: header, banner and join panel                             */

static gboolean
server_is_running (SseHubWindow *self)
{
  return sse_hub_server_get_running (self->server);
}

static gboolean
bound_to_loopback (SseHubWindow *self)
{
  const char *bind = sse_hub_server_get_bind_address (self->server);
  g_autoptr(GInetAddress) address = NULL;

  if (bind == NULL || *bind == '\0')
    return FALSE;
  if (g_str_equal (bind, "localhost"))
    return TRUE;

  address = g_inet_address_new_from_string (bind);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static void
update_status (SseHubWindow *self)
{
  gboolean running = server_is_running (self);
  guint n_clients = g_list_model_get_n_items (sse_hub_server_get_clients (self->server));
  g_autofree char *text = NULL;

  if (running && self->join_url != NULL)
    {
      g_autofree char *host = url_to_host (self->join_url);

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Serving on %s · %u client",
                                           "Serving on %s · %u clients", n_clients),
                              host, n_clients);
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
update_join_panel (SseHubWindow *self)
{
  gboolean running = server_is_running (self);
  g_auto(GStrv) urls = running ? sse_hub_server_dup_urls (self->server) : NULL;
  g_autoptr(SseHubQr) qr = NULL;
  g_autofree char *description = NULL;

  g_clear_pointer (&self->join_url, g_free);
  if (urls != NULL && urls[0] != NULL)
    self->join_url = g_strdup (urls[0]);

  gtk_label_set_text (self->url_label, self->join_url != NULL ? self->join_url : _("Not serving"));
  if (self->join_url != NULL)
    qr = sse_hub_qr_new (self->join_url);
  if (qr != NULL)
    sse_hub_qr_set_scale_factor (qr, gtk_widget_get_scale_factor (GTK_WIDGET (self->qr_picture)));
  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (qr));
  gtk_widget_set_visible (GTK_WIDGET (self->qr_picture), qr != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->join_hint_label), !running);
  gtk_widget_set_sensitive (self->url_actions, self->join_url != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->local_only_label), running && bound_to_loopback (self));

  if (urls != NULL && urls[0] != NULL && urls[1] != NULL)
    {
      g_autofree char *others = g_strjoinv ("\n", urls + 1);
      g_autofree char *text = g_strdup_printf (_("Also reachable at:\n%s"), others);

      gtk_label_set_text (self->other_urls_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->other_urls_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->other_urls_label), FALSE);

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

  gtk_button_set_label (self->serve_button, running ? _("_Stop Serving") : _("_Start Serving"));
  gtk_button_set_use_underline (self->serve_button, TRUE);
  if (running)
    gtk_widget_remove_css_class (GTK_WIDGET (self->serve_button), "suggested-action");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->serve_button), "suggested-action");

  update_status (self);
}

static void
on_qr_scale_factor_changed (SseHubWindow *self)
{
  GdkPaintable *qr = gtk_picture_get_paintable (self->qr_picture);

  if (qr != NULL)
    sse_hub_qr_set_scale_factor (SSE_HUB_QR (qr),
                                 gtk_widget_get_scale_factor (GTK_WIDGET (self->qr_picture)));
}

static void
on_running_changed (SseHubWindow *self)
{
  if (server_is_running (self))
    {
      g_clear_pointer (&self->error_message, g_free);
      gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
    }

  update_join_panel (self);
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
  if (self->error_message != NULL && !server_is_running (self))
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

  if (!sse_hub_server_start (self->server, &error))
    {
      sse_hub_window_show_error (self, error->message);
      return FALSE;
    }

  return TRUE;
}

static void
toggle_serving_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  SseHubWindow *self = SSE_HUB_WINDOW (widget);

  if (server_is_running (self))
    sse_hub_server_stop (self->server);
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

  if (self->join_url == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->join_url);
  show_toast (self, _("Address copied"));
}

static void
open_url_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SseHubWindow *self = SSE_HUB_WINDOW (widget);

  if (self->join_url != NULL)
    gtk_show_uri (GTK_WINDOW (self), self->join_url, GDK_CURRENT_TIME);
}

/* ------------------------------------------------------------------------ */
/* Label cells for the column views                                         */

static void
label_cell_setup (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  /* Names can be long; the short client columns scroll instead of hiding
   * their text behind an ellipsis at a large zoom. */
  if (g_object_get_data (G_OBJECT (factory), "ellipsize") != NULL)
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (list_item, label);
}

static void
update_label_cell (GtkListItem *list_item)
{
  CellTextFunc text_func = g_object_get_data (G_OBJECT (list_item), "text-func");
  g_autofree char *text = text_func (gtk_list_item_get_item (list_item));

  /* set_text, never markup: these are names and agents from the network. */
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

static void
label_cell_bind (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 SseHubWindow             *self)
{
  g_object_set_data (G_OBJECT (list_item), "text-func",
                     g_object_get_data (G_OBJECT (factory), "text-func"));
  update_label_cell (list_item);

  if (g_object_get_data (G_OBJECT (factory), "live") != NULL)
    g_hash_table_add (self->live_cells, list_item);
}

static void
label_cell_unbind (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SseHubWindow             *self)
{
  g_hash_table_remove (self->live_cells, list_item);
}

static void
set_label_factory (SseHubWindow        *self,
                   GtkColumnViewColumn *column,
                   CellTextFunc         text_func,
                   gboolean             live)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_object_set_data (G_OBJECT (factory), "text-func", text_func);
  if (live)
    g_object_set_data (G_OBJECT (factory), "live", GINT_TO_POINTER (TRUE));
  if (column == self->person_name_column)
    g_object_set_data (G_OBJECT (factory), "ellipsize", GINT_TO_POINTER (TRUE));

  g_signal_connect (factory, "setup", G_CALLBACK (label_cell_setup), self);
  g_signal_connect (factory, "bind", G_CALLBACK (label_cell_bind), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (label_cell_unbind), self);
  g_signal_connect (factory, "teardown", G_CALLBACK (label_cell_unbind), self);
  gtk_column_view_column_set_factory (column, factory);
}

void
sse_hub_window_refresh_clients (SseHubWindow *self)
{
  GHashTableIter iter;
  gpointer list_item;

  g_return_if_fail (SSE_HUB_IS_WINDOW (self));

  /* Only the rows on screen are bound, so this costs the same for ten
   * clients as for ten thousand. */
  g_hash_table_iter_init (&iter, self->live_cells);
  while (g_hash_table_iter_next (&iter, &list_item, NULL))
    if (gtk_list_item_get_item (list_item) != NULL)
      update_label_cell (list_item);
}

static gboolean
refresh_cb (gpointer user_data)
{
  sse_hub_window_refresh_clients (user_data);
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------------ */
/* Persons                                                                  */

static char *
person_name_text (gpointer item)
{
  return g_strdup (sse_hub_person_get_name (item));
}

static char *
person_age_text (gpointer item)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, sse_hub_person_get_age (item));
}

static void
on_remove_person_clicked (GtkButton    *button,
                          SseHubWindow *self)
{
  GtkListItem *list_item = g_object_get_data (G_OBJECT (button), "list-item");
  SseHubPersonStore *store = sse_hub_server_get_store (self->server);
  gpointer person = gtk_list_item_get_item (list_item);
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (store));

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SseHubPerson) candidate = g_list_model_get_item (G_LIST_MODEL (store), i);
      g_autoptr(GError) error = NULL;

      if (candidate != person)
        continue;

      if (!sse_hub_server_remove_person (self->server, i, &error))
        show_toast (self, error->message);
      return;
    }
}

static void
remove_cell_setup (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SseHubWindow             *self)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Remove"));
  g_object_set_data (G_OBJECT (button), "list-item", list_item);
  g_signal_connect (button, "clicked", G_CALLBACK (on_remove_person_clicked), self);
  gtk_list_item_set_child (list_item, button);
}

static void
remove_cell_bind (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  SseHubWindow             *self)
{
  SseHubPerson *person = gtk_list_item_get_item (list_item);
  g_autofree char *label = g_strdup_printf (_("Remove %s"), sse_hub_person_get_name (person));

  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_list_item_get_child (list_item)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
on_persons_changed (SseHubWindow *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (sse_hub_server_get_store (self->server)));
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u person",
                                                        "%u persons", n_items), n_items);

  gtk_label_set_text (self->persons_count_label, text);
  gtk_stack_set_visible_child_name (self->persons_stack, n_items > 0 ? "list" : "empty");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.clear-persons", n_items > 0);
}

static void
set_form_error (SseHubWindow *self,
                const char   *message)
{
  gtk_label_set_text (self->form_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->form_error_label), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->name_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->name_entry), "error");
}

/* Once an error shows, it follows the typing: it goes away as soon as the
 * name is acceptable, by the same rule the server applies. */
static void
on_name_changed (SseHubWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (!gtk_widget_get_visible (GTK_WIDGET (self->form_error_label)))
    return;

  if (sse_hub_validate_name (gtk_editable_get_text (GTK_EDITABLE (self->name_entry)), -1,
                             NULL, &error))
    set_form_error (self, NULL);
  else
    set_form_error (self, error->message);
}

static void
add_person_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SseHubWindow *self = SSE_HUB_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *added = NULL;
  SseHubPerson *person;

  /* Takes a number still being typed into the spin button. */
  gtk_spin_button_update (self->age_spin);

  person = sse_hub_server_add_person (self->server,
                                      gtk_editable_get_text (GTK_EDITABLE (self->name_entry)),
                                      gtk_spin_button_get_value_as_int (self->age_spin),
                                      &error);
  if (person == NULL)
    {
      set_form_error (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
      return;
    }

  added = g_strdup_printf (_("Added %s"), sse_hub_person_get_name (person));
  g_object_unref (person);

  set_form_error (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
  show_toast (self, added);
}

static void
focus_add_form_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  SseHubWindow *self = SSE_HUB_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "persons");
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

static void
on_clear_persons_response (AdwMessageDialog *dialog,
                           const char       *response,
                           SseHubWindow     *self)
{
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "clear"))
    return;

  if (!sse_hub_server_clear_persons (self->server, &error))
    show_toast (self, error->message);
}

static void
clear_persons_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SseHubWindow *self = SSE_HUB_WINDOW (widget);
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (sse_hub_server_get_store (self->server)));
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "The %u person on the list disappears from every "
                                       "connected browser too.",
                                       "All %u persons on the list disappear from every "
                                       "connected browser too.", n_items),
                          n_items);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Clear All Persons?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "clear", _("C_lear All"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "clear",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_clear_persons_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------ */
/* Clients                                                                  */

static char *
client_id_text (gpointer item)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, sse_hub_client_get_id (item));
}

static char *
client_address_text (gpointer item)
{
  return g_strdup (sse_hub_client_get_remote_address (item));
}

static char *
client_browser_text (gpointer item)
{
  g_autofree char *browser = NULL;
  g_autofree char *os = NULL;

  sse_hub_user_agent_parse (sse_hub_client_get_user_agent (item), &browser, &os);
  return browser != NULL ? g_steal_pointer (&browser) : g_strdup (C_("browser", "Unknown"));
}

static char *
client_os_text (gpointer item)
{
  g_autofree char *browser = NULL;
  g_autofree char *os = NULL;

  sse_hub_user_agent_parse (sse_hub_client_get_user_agent (item), &browser, &os);
  return os != NULL ? g_steal_pointer (&os) : g_strdup (C_("system", "Unknown"));
}

static char *
client_connected_text (gpointer item)
{
  gint64 seconds = (g_get_real_time () - sse_hub_client_get_connected_at (item)) / G_USEC_PER_SEC;

  return format_duration (MAX (seconds, 0));
}

static char *
client_sent_text (gpointer item)
{
  guint64 events = sse_hub_client_get_events_sent (item);
  /* Formatted apart: xgettext cannot read G_GUINT64_FORMAT in a msgid. */
  g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, events);
  g_autofree char *size = g_format_size (sse_hub_client_get_bytes_sent (item));

  /* TRANSLATORS: a number of events, then an amount of data like "1.2 kB" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s event · %s", "%s events · %s",
                                       (gulong) MIN (events, G_MAXULONG)),
                          count, size);
}

static void
on_clients_changed (SseHubWindow *self)
{
  guint n_items = g_list_model_get_n_items (sse_hub_server_get_clients (self->server));

  gtk_stack_set_visible_child_name (self->clients_stack, n_items > 0 ? "list" : "empty");
  queue_status_update (self);
}

/* ------------------------------------------------------------------------ */
/* Event log                                                                */

static guint
log_kind_bit (SseHubLogKind kind)
{
  return 1u << kind;
}

static gboolean
log_filter_func (gpointer item,
                 gpointer user_data)
{
  SseHubWindow *self = user_data;

  return (self->log_kinds_shown & log_kind_bit (sse_hub_log_entry_get_kind (item))) != 0;
}

static void
on_log_filter_toggled (SseHubWindow *self)
{
  guint shown = log_kind_bit (SSE_HUB_LOG_NOTICE);

  if (gtk_toggle_button_get_active (self->filter_persons_button))
    shown |= log_kind_bit (SSE_HUB_LOG_PERSONS);
  if (gtk_toggle_button_get_active (self->filter_clients_button))
    shown |= log_kind_bit (SSE_HUB_LOG_CLIENTS) | log_kind_bit (SSE_HUB_LOG_HELLO);
  if (gtk_toggle_button_get_active (self->filter_keepalive_button))
    shown |= log_kind_bit (SSE_HUB_LOG_KEEPALIVE);
  if (gtk_toggle_button_get_active (self->filter_requests_button))
    shown |= log_kind_bit (SSE_HUB_LOG_REQUEST);
  if (gtk_toggle_button_get_active (self->filter_refusals_button))
    shown |= log_kind_bit (SSE_HUB_LOG_REFUSAL);

  if (shown == self->log_kinds_shown)
    return;

  self->log_kinds_shown = shown;
  if (self->log_filter != NULL)
    gtk_filter_changed (GTK_FILTER (self->log_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static const char *
log_kind_name (SseHubLogKind kind)
{
  switch (kind)
    {
    case SSE_HUB_LOG_PERSONS:
      return "persons";
    case SSE_HUB_LOG_CLIENTS:
      return "clients";
    case SSE_HUB_LOG_HELLO:
      return "hello";
    case SSE_HUB_LOG_KEEPALIVE:
      return "keep-alive";
    case SSE_HUB_LOG_REQUEST:
      return "request";
    case SSE_HUB_LOG_REFUSAL:
      return "refusal";
    case SSE_HUB_LOG_NOTICE:
    default:
      return "notice";
    }
}

static char *
log_entry_heading (SseHubLogEntry *entry)
{
  gint64 usec = sse_hub_log_entry_get_time (entry);
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  g_autofree char *clock = g_date_time_format (time, "%H:%M:%S");
  const char *event = sse_hub_log_entry_get_event_name (entry);
  guint recipients = sse_hub_log_entry_get_recipients (entry);
  gsize bytes = sse_hub_log_entry_get_bytes (entry);
  GString *heading = g_string_new (NULL);

  g_string_append_printf (heading, "%s.%03d  %-10s", clock,
                          (int) (usec % G_USEC_PER_SEC / 1000),
                          event != NULL && *event != '\0'
                            ? event : log_kind_name (sse_hub_log_entry_get_kind (entry)));
  if (recipients > 0)
    g_string_append_printf (heading,
                            g_dngettext (GETTEXT_PACKAGE, "  → %u client", "  → %u clients",
                                         recipients),
                            recipients);
  if (bytes > 0)
    g_string_append_printf (heading, "  %" G_GSIZE_FORMAT " B", bytes);

  return g_string_free (heading, FALSE);
}

/* The frame as sent, without the blank line that ends it. */
static char *
log_entry_body (SseHubLogEntry *entry,
                gssize          max_chars)
{
  const char *text = sse_hub_log_entry_get_text (entry);
  gsize length = text != NULL ? strlen (text) : 0;
  g_autofree char *trimmed = NULL;

  while (length > 0 && (text[length - 1] == '\n' || text[length - 1] == '\r'))
    length--;
  trimmed = g_strndup (text != NULL ? text : "", length);

  if (max_chars >= 0 && g_utf8_strlen (trimmed, -1) > max_chars)
    {
      g_autofree char *cut = g_utf8_substring (trimmed, 0, max_chars);

      return g_strconcat (cut, "…", NULL);
    }

  return g_steal_pointer (&trimmed);
}

static void
log_row_setup (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *heading = gtk_label_new (NULL);
  GtkWidget *body = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "log-heading");
  gtk_label_set_xalign (GTK_LABEL (body), 0);
  gtk_label_set_wrap (GTK_LABEL (body), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (body), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (body, "log-text");
  gtk_box_append (GTK_BOX (box), heading);
  gtk_box_append (GTK_BOX (box), body);
  gtk_widget_add_css_class (box, "log-row");
  gtk_list_item_set_child (list_item, box);
}

static void
log_row_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  SseHubLogEntry *entry = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *heading = gtk_widget_get_first_child (box);
  GtkWidget *body = gtk_widget_get_next_sibling (heading);
  g_autofree char *heading_text = log_entry_heading (entry);
  g_autofree char *body_text = log_entry_body (entry, LOG_ROW_MAX_CHARS);
  static const char *kind_classes[] = { "kind-persons", "kind-clients", "kind-hello",
                                        "kind-keepalive", "kind-request", "kind-refusal",
                                        "kind-notice" };
  SseHubLogKind kind = sse_hub_log_entry_get_kind (entry);

  gtk_label_set_text (GTK_LABEL (heading), heading_text);
  gtk_label_set_text (GTK_LABEL (body), body_text);
  for (guint i = 0; i < G_N_ELEMENTS (kind_classes); i++)
    gtk_widget_remove_css_class (box, kind_classes[i]);
  if (kind < G_N_ELEMENTS (kind_classes))
    gtk_widget_add_css_class (box, kind_classes[kind]);
}

static GListModel *
live_log_model (SseHubWindow *self)
{
  return G_LIST_MODEL (sse_hub_server_get_log (self->server));
}

static void
update_log_status (SseHubWindow *self)
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
}

static gboolean
scroll_log_to_end_cb (gpointer user_data)
{
  SseHubWindow *self = user_data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->log_scroller);

  self->scroll_source = 0;
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  return G_SOURCE_REMOVE;
}

static void
on_log_items_changed (SseHubWindow *self)
{
  update_log_status (self);

  /* New entries arrive at the end: follow them unless the presenter has
   * scrolled back to read something. */
  if (self->log_follow && self->scroll_source == 0)
    self->scroll_source = g_idle_add_full (G_PRIORITY_LOW, scroll_log_to_end_cb, self, NULL);
}

static void
on_log_scrolled (GtkAdjustment *adjustment,
                 SseHubWindow  *self)
{
  double end = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  self->log_follow = gtk_adjustment_get_value (adjustment) >= end - 8;
}

static void
on_pause_toggled (SseHubWindow *self)
{
  if (gtk_toggle_button_get_active (self->pause_button))
    {
      GListModel *live = live_log_model (self);
      guint n_items = g_list_model_get_n_items (live);

      /* A copy of a bounded list: the live log keeps recording meanwhile. */
      g_list_store_remove_all (self->log_snapshot);
      for (guint i = 0; i < n_items; i++)
        {
          g_autoptr(GObject) entry = g_list_model_get_item (live, i);

          g_list_store_append (self->log_snapshot, entry);
        }
      gtk_filter_list_model_set_model (self->log_filtered, G_LIST_MODEL (self->log_snapshot));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button), _("Resume"));
    }
  else
    {
      gtk_filter_list_model_set_model (self->log_filtered, live_log_model (self));
      g_list_store_remove_all (self->log_snapshot);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button), _("Pause"));
    }

  update_log_status (self);
}

static void
clear_log_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SseHubWindow *self = SSE_HUB_WINDOW (widget);

  sse_hub_event_log_clear (sse_hub_server_get_log (self->server));
  g_list_store_remove_all (self->log_snapshot);
}

/* The shown entries (filtered, and frozen when paused) as plain text. */
static char *
shown_log_text (SseHubWindow *self,
                guint        *out_n_entries)
{
  GListModel *model = G_LIST_MODEL (self->log_filtered);
  GString *text = g_string_new (NULL);
  guint n_items;

  if (!gtk_toggle_button_get_active (self->pause_button))
    sse_hub_event_log_flush (sse_hub_server_get_log (self->server));

  n_items = g_list_model_get_n_items (model);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SseHubLogEntry) entry = g_list_model_get_item (model, i);
      g_autofree char *heading = log_entry_heading (entry);
      g_autofree char *body = log_entry_body (entry, -1);

      g_string_append_printf (text, "# %s\n%s\n\n", heading, body);
    }

  *out_n_entries = n_items;
  return g_string_free (text, FALSE);
}

static void
copy_log_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SseHubWindow *self = SSE_HUB_WINDOW (widget);
  guint n_entries;
  g_autofree char *text = shown_log_text (self, &n_entries);
  g_autofree char *message = NULL;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Copied %u log entry",
                                          "Copied %u log entries", n_entries), n_entries);
  show_toast (self, message);
}

static void
on_export_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SseHubWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    message = g_strdup_printf (_("Could not export the log: %s"), error->message);
  else
    {
      g_autofree char *name = g_file_get_basename (G_FILE (source));

      message = g_strdup_printf (_("Log exported to %s"), name);
    }

  show_toast (self, message);
}

static void
on_export_response (GtkNativeDialog *chooser,
                    int              response,
                    SseHubWindow    *self)
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

static void
export_log_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SseHubWindow *self = SSE_HUB_WINDOW (widget);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *name = g_date_time_format (now, "sse-hub-log-%Y-%m-%d-%H%M%S.txt");

  if (self->export_chooser != NULL)
    return;

  self->export_chooser = gtk_file_chooser_native_new (_("Export Event Log"), GTK_WINDOW (self),
                                                      GTK_FILE_CHOOSER_ACTION_SAVE,
                                                      _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->export_chooser), name);
  g_signal_connect (self->export_chooser, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->export_chooser));
}

/* ------------------------------------------------------------------------ */
/* Zoom and full screen                                                     */

/* The whole window's text follows text-scale: a font size on the window node
 * is inherited by every label, and Adwaita sizes titles relative to it. */
static void
apply_text_scale (SseHubWindow *self)
{
  double scale = g_settings_get_double (self->settings, "text-scale");
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
  g_settings_set_double (self->settings, "text-scale", CLAMP (scale, 0.5, 3.0));
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SseHubWindow *self = SSE_HUB_WINDOW (widget);
  double scale = g_settings_get_double (self->settings, "text-scale");

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

/* ------------------------------------------------------------------------ */
/* Object                                                                   */

static void
sse_hub_window_constructed (GObject *object)
{
  SseHubWindow *self = SSE_HUB_WINDOW (object);
  GListModel *persons;
  GListModel *clients;
  GtkAdjustment *log_adjustment;
  GtkSelectionModel *selection;
  g_autoptr(GtkListItemFactory) remove_factory = NULL;
  g_autoptr(GtkListItemFactory) log_factory = NULL;

  G_OBJECT_CLASS (sse_hub_window_parent_class)->constructed (object);

  g_assert (self->server != NULL);
  persons = G_LIST_MODEL (sse_hub_server_get_store (self->server));
  clients = sse_hub_server_get_clients (self->server);

  /* Persons */
  set_label_factory (self, self->person_name_column, person_name_text, FALSE);
  set_label_factory (self, self->person_age_column, person_age_text, FALSE);
  remove_factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (remove_factory, "setup", G_CALLBACK (remove_cell_setup), self);
  g_signal_connect (remove_factory, "bind", G_CALLBACK (remove_cell_bind), self);
  gtk_column_view_column_set_factory (self->person_remove_column, remove_factory);
  selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (persons)));
  gtk_column_view_set_model (self->persons_view, selection);
  g_object_unref (selection);
  g_signal_connect_swapped (persons, "items-changed", G_CALLBACK (on_persons_changed), self);
  on_persons_changed (self);

  /* Clients */
  set_label_factory (self, self->client_id_column, client_id_text, FALSE);
  set_label_factory (self, self->client_address_column, client_address_text, FALSE);
  set_label_factory (self, self->client_browser_column, client_browser_text, FALSE);
  set_label_factory (self, self->client_os_column, client_os_text, FALSE);
  set_label_factory (self, self->client_connected_column, client_connected_text, TRUE);
  set_label_factory (self, self->client_sent_column, client_sent_text, TRUE);
  selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (clients)));
  gtk_column_view_set_model (self->clients_view, selection);
  g_object_unref (selection);
  g_signal_connect_swapped (clients, "items-changed", G_CALLBACK (on_clients_changed), self);
  on_clients_changed (self);

  /* Event log */
  self->log_filter = gtk_custom_filter_new (log_filter_func, self, NULL);
  self->log_filtered = gtk_filter_list_model_new (g_object_ref (live_log_model (self)),
                                                  g_object_ref (GTK_FILTER (self->log_filter)));
  log_factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (log_factory, "setup", G_CALLBACK (log_row_setup), self);
  g_signal_connect (log_factory, "bind", G_CALLBACK (log_row_bind), self);
  gtk_list_view_set_factory (self->log_view, log_factory);
  selection = GTK_SELECTION_MODEL (gtk_no_selection_new (
                                     g_object_ref (G_LIST_MODEL (self->log_filtered))));
  gtk_list_view_set_model (self->log_view, selection);
  g_object_unref (selection);
  g_signal_connect_swapped (self->log_filtered, "items-changed",
                            G_CALLBACK (on_log_items_changed), self);
  log_adjustment = gtk_scrolled_window_get_vadjustment (self->log_scroller);
  g_signal_connect (log_adjustment, "value-changed", G_CALLBACK (on_log_scrolled), self);
  update_log_status (self);

  /* Server state */
  g_signal_connect_swapped (self->server, "notify::running", G_CALLBACK (on_running_changed), self);
  g_signal_connect_swapped (self->server, "notify::bind-address",
                            G_CALLBACK (update_join_panel), self);
  g_signal_connect_swapped (self->server, "notify::port", G_CALLBACK (on_port_changed), self);
  g_signal_connect_swapped (self->server, "error", G_CALLBACK (on_server_error), self);
  g_signal_connect_object (self->qr_picture, "notify::scale-factor",
                           G_CALLBACK (on_qr_scale_factor_changed), self, G_CONNECT_SWAPPED);
  update_join_panel (self);

  self->refresh_source = g_timeout_add_seconds (REFRESH_SECONDS, refresh_cb, self);
}

static void
sse_hub_window_dispose (GObject *object)
{
  SseHubWindow *self = SSE_HUB_WINDOW (object);

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_clear_handle_id (&self->status_source, g_source_remove);
  g_clear_handle_id (&self->scroll_source, g_source_remove);

  if (self->server != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->server, self);
      g_signal_handlers_disconnect_by_data (sse_hub_server_get_store (self->server), self);
      g_signal_handlers_disconnect_by_data (sse_hub_server_get_clients (self->server), self);
    }
  if (self->log_filtered != NULL)
    g_signal_handlers_disconnect_by_data (self->log_filtered, self);
  if (self->export_chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->export_chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->export_chooser));
      g_clear_object (&self->export_chooser);
    }
  if (self->zoom_provider != NULL)
    {
      gtk_style_context_remove_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                                     GTK_STYLE_PROVIDER (self->zoom_provider));
      g_clear_object (&self->zoom_provider);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), SSE_HUB_TYPE_WINDOW);

  g_clear_object (&self->log_filtered);
  g_clear_object (&self->log_filter);
  g_clear_object (&self->settings);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (sse_hub_window_parent_class)->dispose (object);
}

static void
sse_hub_window_finalize (GObject *object)
{
  SseHubWindow *self = SSE_HUB_WINDOW (object);

  g_clear_pointer (&self->live_cells, g_hash_table_unref);
  g_clear_object (&self->log_snapshot);
  g_clear_pointer (&self->join_url, g_free);
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
    case PROP_SERVER:
      g_value_set_object (value, self->server);
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
    case PROP_SERVER:
      self->server = g_value_dup_object (value);
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
   * stylesheet and shortcuts window) out of the static library. */
  g_autoptr(GBytes) template = NULL;

  object_class->constructed = sse_hub_window_constructed;
  object_class->dispose = sse_hub_window_dispose;
  object_class->finalize = sse_hub_window_finalize;
  object_class->get_property = sse_hub_window_get_property;
  object_class->set_property = sse_hub_window_set_property;

  properties[PROP_SERVER] =
    g_param_spec_object ("server", NULL, NULL, SSE_HUB_TYPE_SERVER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  template = g_resource_lookup_data (sse_hub_get_resource (),
                                    "/com/example/SseHub/sse-hub-window.ui",
                                    G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  gtk_widget_class_set_template (widget_class, template);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, serve_button);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, url_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, join_hint_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, url_actions);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, local_only_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, join_scroller);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, join_separator);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, other_urls_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, name_entry);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, age_spin);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, form_error_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, persons_stack);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, persons_view);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, person_name_column);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, person_age_column);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, person_remove_column);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, persons_count_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, clients_stack);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, clients_view);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, client_id_column);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, client_address_column);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, client_browser_column);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, client_os_column);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, client_connected_column);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, client_sent_column);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, clients_empty_page);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, filter_persons_button);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, filter_clients_button);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, filter_keepalive_button);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, filter_requests_button);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, filter_refusals_button);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, log_status_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, log_scroller);
  gtk_widget_class_bind_template_child (widget_class, SseHubWindow, log_view);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_log_filter_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_pause_toggled);

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
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-reset", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.fullscreen", NULL, fullscreen_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.focus-add-form", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK,
                                       "win.clear-log", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK,
                                       "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK,
                                       "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK,
                                       "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK,
                                       "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK,
                                       "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK,
                                       "win.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK,
                                       "win.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "win.fullscreen", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.show-join-panel", NULL);
}

static void
sse_hub_window_init (SseHubWindow *self)
{
  g_autoptr(GAction) join_panel_action = NULL;

  self->live_cells = g_hash_table_new (NULL, NULL);
  self->log_snapshot = g_list_store_new (SSE_HUB_TYPE_LOG_ENTRY);
  self->log_follow = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self), "sse-hub-window");
  on_log_filter_toggled (self);

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);

  /* Once the class has joined, the lists need the room more than the QR
   * code does, most of all when zoomed for a projector. */
  join_panel_action = g_settings_create_action (self->settings, "show-join-panel");
  g_action_map_add_action (G_ACTION_MAP (self), join_panel_action);
  g_settings_bind (self->settings, "show-join-panel", self->join_scroller, "visible",
                   G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "show-join-panel", self->join_separator, "visible",
                   G_SETTINGS_BIND_GET);

  self->zoom_provider = gtk_css_provider_new ();
  gtk_style_context_add_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                              GTK_STYLE_PROVIDER (self->zoom_provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_signal_connect_object (self->settings, "changed::text-scale",
                           G_CALLBACK (apply_text_scale), self, G_CONNECT_SWAPPED);
  apply_text_scale (self);
}

SseHubWindow *
sse_hub_window_new (GtkApplication *application,
                    SseHubServer   *server)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (SSE_HUB_IS_SERVER (server), NULL);

  return g_object_new (SSE_HUB_TYPE_WINDOW,
                       "application", application,
                       "server", server,
                       NULL);
}

SseHubServer *
sse_hub_window_get_server (SseHubWindow *self)
{
  g_return_val_if_fail (SSE_HUB_IS_WINDOW (self), NULL);
  return self->server;
}

void
sse_hub_window_get_widgets (SseHubWindow        *self,
                            SseHubWindowWidgets *widgets)
{
  g_return_if_fail (SSE_HUB_IS_WINDOW (self));
  g_return_if_fail (widgets != NULL);

  *widgets = (SseHubWindowWidgets) {
    .name_entry = GTK_EDITABLE (self->name_entry),
    .age_spin = self->age_spin,
    .form_error_label = self->form_error_label,
    .persons_view = self->persons_view,
    .clients_view = self->clients_view,
    .clients_stack = self->clients_stack,
    .log_view = self->log_view,
    .pause_button = self->pause_button,
    .status_label = self->status_label,
    .url_label = self->url_label,
    .local_only_label = GTK_WIDGET (self->local_only_label),
    .join_scroller = self->join_scroller,
    .error_revealer = self->error_revealer,
    .error_label = self->error_label,
    .view_stack = self->view_stack,
  };
}
