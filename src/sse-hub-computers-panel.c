/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Computers above the clients list: which hold how many streams, and the
 * presenter's power over each (see sse_hub_server_block_computer()). */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "sse-hub-computers-panel.h"
#include "sse-hub-toast.h"

/* Rows shown at once before the list scrolls: the clients table stays in
 * view however many computers there are. */
#define MAX_HEIGHT 220

struct _SseHubComputersPanel
{
  GtkWidget          parent_instance;

  /* owned */
  GtkWidget         *scroller;
  GtkListBox        *list;
  SseHubServerProxy *hub;
  guint              rebuild_source;
};

G_DEFINE_FINAL_TYPE (SseHubComputersPanel, sse_hub_computers_panel, GTK_TYPE_WIDGET)

static GtkWidget *
action_button (const char *label,
               const char *action,
               const char *computer)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (computer));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  return button;
}

static void
add_row (SseHubComputersPanel *self,
         const char           *computer,
         const char           *subtitle,
         gboolean              blocked)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), computer);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (blocked)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               action_button (_("_Unblock"), "computers.unblock", computer));
  else
    {
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 action_button (_("_Remove Its Persons"), "computers.remove-persons",
                                                computer));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 action_button (_("_Block"), "computers.block", computer));
    }
  gtk_list_box_append (self->list, row);
}

static gboolean
rebuild (gpointer user_data)
{
  SseHubComputersPanel *self = user_data;
  g_autoptr(GPtrArray) counts = NULL;
  g_auto(GStrv) blocked = NULL;
  GtkWidget *child;

  self->rebuild_source = 0;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  if (self->hub != NULL)
    {
      counts = sse_hub_server_proxy_dup_computer_streams (self->hub);
      blocked = sse_hub_server_proxy_dup_blocked_computers (self->hub);
      for (guint i = 0; i < counts->len; i++)
        {
          SseHubComputerStreams *streams = g_ptr_array_index (counts, i);
          g_autofree char *subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u stream",
                                                                    "%u streams", streams->streams),
                                                       streams->streams);

          add_row (self, streams->computer, subtitle, FALSE);
        }
      for (guint i = 0; blocked[i] != NULL; i++)
        add_row (self, blocked[i], _("Blocked until unblocked or the hub restarts"), TRUE);
    }

  gtk_widget_set_visible (self->scroller,
                          gtk_widget_get_first_child (GTK_WIDGET (self->list)) != NULL);
  return G_SOURCE_REMOVE;
}

/* Many streams come and go at once: one rebuild per main-loop turn. */
static void
schedule_rebuild (SseHubComputersPanel *self)
{
  if (self->rebuild_source == 0)
    self->rebuild_source = g_idle_add (rebuild, self);
}

/* ------------------------------------------------------------------------ */
/* Actions                                                                  */

static void
block_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SseHubComputersPanel *self = SSE_HUB_COMPUTERS_PANEL (widget);
  const char *computer = g_variant_get_string (parameter, NULL);
  g_autofree char *text = NULL;

  if (self->hub == NULL)
    return;

  if (g_str_equal (action_name, "computers.block"))
    {
      sse_hub_server_proxy_block_computer (self->hub, computer);
      text = g_strdup_printf (_("Blocked %s: its streams are closed"), computer);
    }
  else
    {
      sse_hub_server_proxy_unblock_computer (self->hub, computer);
      text = g_strdup_printf (_("Unblocked %s"), computer);
    }
  /* Blocking a computer with no stream changes no client row. */
  schedule_rebuild (self);
  sse_hub_toast_show_now (widget, text);
}

typedef struct
{
  SseHubServerProxy *hub;
  GPtrArray         *persons;
} Restore;

static void
restore_free (Restore *restore)
{
  g_object_unref (restore->hub);
  g_ptr_array_unref (restore->persons);
  g_free (restore);
}

static void
restore_persons (Restore *restore)
{
  for (guint i = 0; i < restore->persons->len; i++)
    sse_hub_server_proxy_restore_person_async (restore->hub,
                                               g_ptr_array_index (restore->persons, i),
                                               NULL, NULL, NULL);
}

static void
on_persons_removed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GtkWidget) widget = user_data;
  g_autoptr(GPtrArray) removed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  Restore *restore;

  removed = sse_hub_server_proxy_remove_computer_persons_finish (SSE_HUB_SERVER_PROXY (source),
                                                                 result, &error);
  if (removed == NULL)
    {
      sse_hub_toast_show (widget, error->message);
      return;
    }

  if (removed->len == 0)
    {
      sse_hub_toast_show (widget, _("That computer added nobody"));
      return;
    }

  restore = g_new0 (Restore, 1);
  restore->hub = g_object_ref (SSE_HUB_SERVER_PROXY (source));
  restore->persons = g_ptr_array_ref (removed);
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Removed %u person", "Removed %u persons",
                                       removed->len),
                          removed->len);
  sse_hub_toast_show_undo (widget, text, G_CALLBACK (restore_persons), restore,
                           (GDestroyNotify) restore_free);
}

static void
remove_persons_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  SseHubComputersPanel *self = SSE_HUB_COMPUTERS_PANEL (widget);

  if (self->hub == NULL)
    return;

  sse_hub_server_proxy_remove_computer_persons_async (self->hub,
                                                      g_variant_get_string (parameter, NULL),
                                                      NULL, on_persons_removed,
                                                      g_object_ref (widget));
}

/* ------------------------------------------------------------------------ */
/* Object                                                                   */

void
sse_hub_computers_panel_set_hub (SseHubComputersPanel *self,
                                 SseHubServerProxy    *hub)
{
  g_return_if_fail (SSE_HUB_IS_COMPUTERS_PANEL (self));
  g_return_if_fail (hub == NULL || SSE_HUB_IS_SERVER_PROXY (hub));

  if (self->hub != NULL)
    g_signal_handlers_disconnect_by_data (sse_hub_server_proxy_get_clients (self->hub), self);
  g_set_object (&self->hub, hub);
  if (hub != NULL)
    {
      g_signal_connect_object (sse_hub_server_proxy_get_clients (hub), "items-changed",
                               G_CALLBACK (schedule_rebuild), self, G_CONNECT_SWAPPED);
    }

  schedule_rebuild (self);
}

static void
sse_hub_computers_panel_dispose (GObject *object)
{
  SseHubComputersPanel *self = SSE_HUB_COMPUTERS_PANEL (object);

  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  sse_hub_computers_panel_set_hub (self, NULL);
  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);

  G_OBJECT_CLASS (sse_hub_computers_panel_parent_class)->dispose (object);
}

static void
sse_hub_computers_panel_class_init (SseHubComputersPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sse_hub_computers_panel_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_install_action (widget_class, "computers.block", "s", block_action);
  gtk_widget_class_install_action (widget_class, "computers.unblock", "s", block_action);
  gtk_widget_class_install_action (widget_class, "computers.remove-persons", "s",
                                   remove_persons_action);
}

static void
sse_hub_computers_panel_init (SseHubComputersPanel *self)
{
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Computers"), -1);

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (self->scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (self->scroller), MAX_HEIGHT);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->list));
  gtk_widget_set_margin_bottom (self->scroller, 6);
  gtk_widget_set_visible (self->scroller, FALSE);
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
}
