/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sse-hub-fresh-rows.h"
#include "sse-hub-person.h"

#define FRESH_USEC (3 * G_USEC_PER_SEC)
#define CHECK_INTERVAL_MS 250

struct _SseHubFreshRows
{
  GObject             parent_instance;

  /* owned */
  GtkListItemFactory *name_factory;
  GHashTable         *fresh_persons;  /* SseHubPerson → gint64 monotonic time it ends */
  GHashTable         *bound_items;    /* GtkListItem of the name column, on screen */
  guint               check_source;
};

G_DEFINE_FINAL_TYPE (SseHubFreshRows, sse_hub_fresh_rows, G_TYPE_OBJECT)

/* GTK 4.8 gives a column view's row no widget of its own to style: a cell's
 * child sits in the cell, the cell in the row. */
static GtkWidget *
row_of (GtkListItem *list_item)
{
  GtkWidget *child = gtk_list_item_get_child (list_item);
  GtkWidget *cell = child != NULL ? gtk_widget_get_parent (child) : NULL;

  return cell != NULL ? gtk_widget_get_parent (cell) : NULL;
}

static void
update_row (SseHubFreshRows *self,
            GtkListItem     *list_item)
{
  GtkWidget *row = row_of (list_item);
  gpointer person = gtk_list_item_get_item (list_item);

  if (row == NULL)
    return;

  if (person != NULL && g_hash_table_contains (self->fresh_persons, person))
    gtk_widget_add_css_class (row, "fresh");
  else
    gtk_widget_remove_css_class (row, "fresh");
}

static gboolean
check_cb (gpointer user_data)
{
  SseHubFreshRows *self = user_data;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer list_item;
  gpointer until;

  g_hash_table_iter_init (&iter, self->fresh_persons);
  while (g_hash_table_iter_next (&iter, NULL, &until))
    if (*(gint64 *) until <= now)
      g_hash_table_iter_remove (&iter);

  g_hash_table_iter_init (&iter, self->bound_items);
  while (g_hash_table_iter_next (&iter, &list_item, NULL))
    update_row (self, list_item);

  if (g_hash_table_size (self->fresh_persons) > 0)
    return G_SOURCE_CONTINUE;

  self->check_source = 0;
  return G_SOURCE_REMOVE;
}

void
sse_hub_fresh_rows_mark (SseHubFreshRows *self,
                         GListModel      *persons,
                         guint            position,
                         guint            n_added)
{
  GHashTableIter iter;
  gpointer list_item;

  g_return_if_fail (SSE_HUB_IS_FRESH_ROWS (self));
  g_return_if_fail (G_IS_LIST_MODEL (persons));

  for (guint i = 0; i < n_added; i++)
    {
      gint64 *until = g_new (gint64, 1);

      *until = g_get_monotonic_time () + FRESH_USEC;
      g_hash_table_replace (self->fresh_persons, g_list_model_get_item (persons, position + i),
                            until);
    }

  /* Rows bound before the mark (the list view binds during items-changed). */
  g_hash_table_iter_init (&iter, self->bound_items);
  while (g_hash_table_iter_next (&iter, &list_item, NULL))
    update_row (self, list_item);

  if (self->check_source == 0 && n_added > 0)
    self->check_source = g_timeout_add (CHECK_INTERVAL_MS, check_cb, self);
}

void
sse_hub_fresh_rows_forget (SseHubFreshRows *self)
{
  g_return_if_fail (SSE_HUB_IS_FRESH_ROWS (self));

  g_hash_table_remove_all (self->fresh_persons);
}

static void
name_cell_setup (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (list_item, label);
}

static void
name_cell_bind (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                SseHubFreshRows          *self)
{
  SseHubPerson *person = gtk_list_item_get_item (list_item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)),
                      sse_hub_person_get_name (person));
  g_hash_table_add (self->bound_items, list_item);
  update_row (self, list_item);
}

static void
name_cell_unbind (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  SseHubFreshRows          *self)
{
  GtkWidget *row = row_of (list_item);

  g_hash_table_remove (self->bound_items, list_item);
  if (row != NULL)
    gtk_widget_remove_css_class (row, "fresh");
}

SseHubFreshRows *
sse_hub_fresh_rows_new (void)
{
  return g_object_new (SSE_HUB_TYPE_FRESH_ROWS, NULL);
}

GtkListItemFactory *
sse_hub_fresh_rows_get_name_factory (SseHubFreshRows *self)
{
  g_return_val_if_fail (SSE_HUB_IS_FRESH_ROWS (self), NULL);

  return self->name_factory;
}

static void
sse_hub_fresh_rows_dispose (GObject *object)
{
  SseHubFreshRows *self = SSE_HUB_FRESH_ROWS (object);

  g_clear_handle_id (&self->check_source, g_source_remove);
  if (self->name_factory != NULL)
    g_signal_handlers_disconnect_by_data (self->name_factory, self);
  g_clear_object (&self->name_factory);
  g_hash_table_remove_all (self->fresh_persons);
  g_hash_table_remove_all (self->bound_items);

  G_OBJECT_CLASS (sse_hub_fresh_rows_parent_class)->dispose (object);
}

static void
sse_hub_fresh_rows_finalize (GObject *object)
{
  SseHubFreshRows *self = SSE_HUB_FRESH_ROWS (object);

  g_clear_pointer (&self->fresh_persons, g_hash_table_unref);
  g_clear_pointer (&self->bound_items, g_hash_table_unref);

  G_OBJECT_CLASS (sse_hub_fresh_rows_parent_class)->finalize (object);
}

static void
sse_hub_fresh_rows_class_init (SseHubFreshRowsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sse_hub_fresh_rows_dispose;
  object_class->finalize = sse_hub_fresh_rows_finalize;
}

static void
sse_hub_fresh_rows_init (SseHubFreshRows *self)
{
  self->fresh_persons = g_hash_table_new_full (NULL, NULL, g_object_unref, g_free);
  self->bound_items = g_hash_table_new (NULL, NULL);

  self->name_factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (self->name_factory, "setup", G_CALLBACK (name_cell_setup), NULL);
  g_signal_connect (self->name_factory, "bind", G_CALLBACK (name_cell_bind), self);
  g_signal_connect (self->name_factory, "unbind", G_CALLBACK (name_cell_unbind), self);
}
