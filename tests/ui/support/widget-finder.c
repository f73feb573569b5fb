/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <adwaita.h>

#include "widget-finder.h"

static const char *
widget_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_text (GTK_LABEL (widget));
  if (GTK_IS_BUTTON (widget))
    return gtk_button_get_label (GTK_BUTTON (widget));
  if (ADW_IS_PREFERENCES_ROW (widget))
    return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));

  return NULL;
}

static gboolean
matches (GtkWidget         *widget,
         const WidgetQuery *query)
{
  if (query->type != 0 && !G_TYPE_CHECK_INSTANCE_TYPE (widget, query->type))
    return FALSE;
  if (query->mapped && !gtk_widget_get_mapped (widget))
    return FALSE;
  if (query->visible && !gtk_widget_get_visible (widget))
    return FALSE;
  if (query->css_class != NULL && !gtk_widget_has_css_class (widget, query->css_class))
    return FALSE;
  if (query->id != NULL &&
      g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), query->id) != 0)
    return FALSE;
  if (query->text != NULL && g_strcmp0 (widget_text (widget), query->text) != 0)
    return FALSE;
  if (query->action_name != NULL &&
      (!GTK_IS_ACTIONABLE (widget) ||
       g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)),
                  query->action_name) != 0))
    return FALSE;

  return TRUE;
}

static void
collect (GtkWidget         *widget,
         const WidgetQuery *query,
         GPtrArray         *found)
{
  if (query->skip_popovers && GTK_IS_POPOVER (widget))
    return;

  if (matches (widget, query))
    g_ptr_array_add (found, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, query, found);
}

GPtrArray *
widget_find_all (gpointer           root,
                 const WidgetQuery *query)
{
  GPtrArray *found = g_ptr_array_new ();

  g_return_val_if_fail (GTK_IS_WIDGET (root), found);

  collect (root, query, found);
  return found;
}

GtkWidget *
widget_find (gpointer           root,
             const WidgetQuery *query)
{
  g_autoptr(GPtrArray) found = widget_find_all (root, query);

  return found->len > 0 ? found->pdata[0] : NULL;
}

GtkWidget *
widget_find_toplevel (const WidgetQuery *query)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (matches (window, query))
        return window;
    }

  return NULL;
}

GtkLabel *
widget_find_label (gpointer    root,
                   const char *text)
{
  WidgetQuery query = { .type = GTK_TYPE_LABEL, .text = text, .mapped = TRUE };

  return GTK_LABEL (widget_find (root, &query));
}

gpointer
widget_find_id (gpointer    root,
                GType       type,
                const char *id)
{
  WidgetQuery query = { .type = type, .id = id };
  GtkWidget *found = widget_find (root, &query);

  if (found == NULL)
    g_error ("no %s with the id %s", g_type_name (type), id);
  return found;
}
