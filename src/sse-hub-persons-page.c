/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sse-hub-fresh-rows.h"
#include "sse-hub-row-follow.h"
#include "sse-hub-persons-page.h"
#include "sse-hub-toast.h"
#include "sse-hub-wire.h"

/* How long a refusal shows. */
#define REFUSAL_SECONDS 5

struct _SseHubPersonsPage
{
  AdwBin               parent_instance;

  /* template widgets */
  GtkEntry            *name_entry;
  GtkSpinButton       *age_spin;
  GtkLabel            *form_error_label;
  GtkStack            *persons_stack;
  GtkColumnView       *persons_view;
  GtkColumnViewColumn *person_name_column;
  GtkColumnViewColumn *person_remove_column;
  GtkScrolledWindow   *persons_scroller;
  GtkLabel            *persons_count_label;
  GtkRevealer         *refusal_revealer;
  GtkLabel            *refusal_label;

  /* owned */
  SseHubServerProxy   *hub;
  SseHubFreshRows     *fresh_rows;
  guint                refusal_source;         /* hides the strip */
  guint                refusal_update_source;  /* shows refusal_text */
  char                *refusal_text;
  gboolean             has_persons;
};

G_DEFINE_FINAL_TYPE (SseHubPersonsPage, sse_hub_persons_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_HUB,
  PROP_HAS_PERSONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GListModel *
persons_model (SseHubPersonsPage *self)
{
  return sse_hub_server_proxy_get_persons (self->hub);
}

/* ------------------------------------------------------------------------ */
/* Cells                                                                    */

static char *
person_age_text (GtkListItem  *list_item,
                 SseHubPerson *person)
{
  if (person == NULL)
    return NULL;

  return g_strdup_printf ("%" G_GINT64_FORMAT, sse_hub_person_get_age (person));
}

/* A change refused arrives after the click: it says so then. */
static void
say_if_refused (SseHubPersonsPage *self,
                gboolean           saved,
                GError            *error)
{
  if (!saved)
    sse_hub_toast_show (GTK_WIDGET (self), error->message);
}

static void
on_add_saved (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SseHubPersonsPage) self = user_data;
  g_autoptr(SseHubPerson) added = NULL;
  g_autoptr(GError) error = NULL;

  added = sse_hub_server_proxy_add_person_finish (SSE_HUB_SERVER_PROXY (source), result, &error);
  say_if_refused (self, added != NULL, error);
}

static void
on_remove_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SseHubPersonsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean saved;

  saved = sse_hub_server_proxy_remove_person_finish (SSE_HUB_SERVER_PROXY (source), result, &error);
  say_if_refused (self, saved, error);
}

static void
on_clear_saved (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SseHubPersonsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean saved;

  saved = sse_hub_server_proxy_clear_persons_finish (SSE_HUB_SERVER_PROXY (source), result, &error);
  say_if_refused (self, saved, error);
}

/* ------------------------------------------------------------------------ */
/* Undo                                                                     */

typedef struct
{
  GWeakRef   page;
  GPtrArray *persons;  /* SseHubPerson, in list order */
} PersonsUndo;

static void
persons_undo_free (gpointer data)
{
  PersonsUndo *undo = data;

  g_weak_ref_clear (&undo->page);
  g_ptr_array_unref (undo->persons);
  g_free (undo);
}

/* The store appends only: what comes back goes to the end, in its order. */
static void
persons_undo (PersonsUndo *undo)
{
  g_autoptr(SseHubPersonsPage) self = g_weak_ref_get (&undo->page);

  if (self == NULL || self->hub == NULL)
    return;

  for (guint i = 0; i < undo->persons->len; i++)
    {
      SseHubPerson *person = g_ptr_array_index (undo->persons, i);

      sse_hub_server_proxy_add_person_async (self->hub, sse_hub_person_get_name (person),
                                             sse_hub_person_get_age (person), NULL, on_add_saved,
                                             g_object_ref (self));
    }
}

static void
offer_undo (SseHubPersonsPage *self,
            const char        *text,
            GPtrArray         *persons)
{
  PersonsUndo *undo = g_new0 (PersonsUndo, 1);

  g_weak_ref_init (&undo->page, self);
  undo->persons = g_ptr_array_ref (persons);
  sse_hub_toast_show_undo (GTK_WIDGET (self), text, G_CALLBACK (persons_undo), undo,
                           persons_undo_free);
}

static void
on_remove_person_clicked (GtkButton   *button,
                          GtkListItem *list_item)
{
  GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (button), SSE_HUB_TYPE_PERSONS_PAGE);
  SseHubPersonsPage *self = SSE_HUB_PERSONS_PAGE (page);
  SseHubPerson *person = gtk_list_item_get_item (list_item);
  g_autoptr(GPtrArray) removed = NULL;
  g_autofree char *text = NULL;

  if (person == NULL)
    return;

  /* By the person, not the row's position: the hub's list may be ahead
   * of the mirror by a change it has not shown yet. */
  sse_hub_server_proxy_remove_person_async (self->hub, person, NULL, on_remove_saved,
                                            g_object_ref (self));

  removed = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (removed, g_object_ref (person));
  text = g_strdup_printf (_("Removed %s"), sse_hub_person_get_name (person));
  offer_undo (self, text, removed);
}

/* In code rather than a builder template: the accessible label names the
 * person, which no template binding can set. */
static void
remove_cell_setup (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");

  gtk_widget_add_css_class (button, "flat");
  /* Hidden meanwhile: a visible widget's new tooltip costs an X round trip. */
  gtk_widget_set_visible (button, FALSE);
  gtk_widget_set_tooltip_text (button, _("Remove"));
  gtk_widget_set_visible (button, TRUE);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_remove_person_clicked), list_item, 0);
  gtk_list_item_set_child (list_item, button);
}

static void
remove_cell_bind (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item)
{
  SseHubPerson *person = gtk_list_item_get_item (list_item);
  g_autofree char *label = g_strdup_printf (_("Remove %s"), sse_hub_person_get_name (person));

  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_list_item_get_child (list_item)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* ------------------------------------------------------------------------ */
/* Refusals show where the class looks                                      */

static gboolean
hide_refusal_cb (gpointer user_data)
{
  SseHubPersonsPage *self = user_data;

  self->refusal_source = 0;
  gtk_revealer_set_reveal_child (self->refusal_revealer, FALSE);
  return G_SOURCE_REMOVE;
}

static gboolean
show_refusal_cb (gpointer user_data)
{
  SseHubPersonsPage *self = user_data;

  self->refusal_update_source = 0;
  gtk_label_set_text (self->refusal_label, self->refusal_text);
  gtk_revealer_set_reveal_child (self->refusal_revealer, TRUE);
  g_clear_handle_id (&self->refusal_source, g_source_remove);
  self->refusal_source = g_timeout_add_seconds (REFUSAL_SECONDS, hide_refusal_cb, self);

  return G_SOURCE_REMOVE;
}

/* Every refusal shows but a path that is not there or a wrong method,
 * which a browser's favicon request or a scanner makes all lesson long.
 * The strip shows the newest, at most ten times a second: a flood of
 * refusals must not cost the requests that cause them a redraw each. */
static void
on_refused (SseHubServerProxy *hub,
            SseHubPeer        *peer,
            SseHubRefusal      reason,
            const char        *field,
            const char        *path,
            SseHubPersonsPage *self)
{
  const char *sentence = _(sse_hub_refusal_get_sentence (reason));
  guint status = sse_hub_refusal_get_status (reason);

  if (reason == SSE_HUB_REFUSAL_NOT_FOUND || reason == SSE_HUB_REFUSAL_METHOD)
    return;

  g_free (self->refusal_text);
  if (status != 0)
    self->refusal_text = g_strdup_printf ("%s %s → %u  %s", sse_hub_peer_get_host (peer),
                                          path != NULL ? path : "", status, sentence);
  else
    self->refusal_text = g_strdup_printf ("%s %s  %s", sse_hub_peer_get_host (peer),
                                          path != NULL ? path : "", sentence);

  if (self->refusal_update_source == 0)
    self->refusal_update_source = g_timeout_add (100, show_refusal_cb, self);
}

/* ------------------------------------------------------------------------ */
/* List                                                                     */

static void
on_persons_changed (SseHubPersonsPage *self)
{
  guint n_items = self->hub != NULL ? g_list_model_get_n_items (persons_model (self)) : 0;
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u person",
                                                        "%u persons", n_items), n_items);

  gtk_label_set_text (self->persons_count_label, text);
  gtk_stack_set_visible_child_name (self->persons_stack, n_items > 0 ? "list" : "empty");

  if (self->has_persons != (n_items > 0))
    {
      self->has_persons = n_items > 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_PERSONS]);
    }
}

/* No question first: on stage a dialog is one more thing to read aloud,
 * and Undo puts everything back. */
void
sse_hub_persons_page_clear (SseHubPersonsPage *self)
{
  GListModel *persons;
  guint n_items;
  g_autoptr(GPtrArray) cleared = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (SSE_HUB_IS_PERSONS_PAGE (self));
  g_return_if_fail (self->hub != NULL);

  persons = persons_model (self);
  n_items = g_list_model_get_n_items (persons);
  cleared = g_ptr_array_new_full (n_items, g_object_unref);
  for (guint i = 0; i < n_items; i++)
    g_ptr_array_add (cleared, g_list_model_get_item (persons, i));

  sse_hub_server_proxy_clear_persons_async (self->hub, NULL, on_clear_saved, g_object_ref (self));

  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Cleared %u person",
                                       "Cleared %u persons", n_items), n_items);
  offer_undo (self, text, cleared);
}

/* ------------------------------------------------------------------------ */
/* Add form                                                                 */

static void
set_form_error (SseHubPersonsPage *self,
                const char        *message)
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
on_name_changed (SseHubPersonsPage *self)
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
show_form_refusal (SseHubPersonsPage *self,
                   const char        *message)
{
  set_form_error (self, message);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

typedef struct
{
  SseHubPersonsPage *page;
  char              *name;   /* as typed */
} FormAdd;

/* The form was cleared when the person was sent: a person the store
 * refused (the list full, the disk) comes back into it, to be tried again. */
static void
on_person_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  FormAdd *form = user_data;
  SseHubPersonsPage *self = form->page;
  g_autoptr(SseHubPerson) person = NULL;
  g_autoptr(GError) error = NULL;

  person = sse_hub_server_proxy_add_person_finish (SSE_HUB_SERVER_PROXY (source), result, &error);
  if (person != NULL)
    {
      g_autofree char *added = g_strdup_printf (_("Added %s"), sse_hub_person_get_name (person));

      sse_hub_toast_show (GTK_WIDGET (self), added);
    }
  else
    {
      if (g_str_equal (gtk_editable_get_text (GTK_EDITABLE (self->name_entry)), ""))
        gtk_editable_set_text (GTK_EDITABLE (self->name_entry), form->name);
      show_form_refusal (self, error->message);
    }

  g_object_unref (form->page);
  g_free (form->name);
  g_free (form);
}

/* Returns at once: a name the hub would refuse shows in the form before
 * anything is sent, by the same rule; the person appears in the list once
 * it is saved, while the window goes on drawing. */
void
sse_hub_persons_page_add_from_form (SseHubPersonsPage *self)
{
  g_autoptr(GError) error = NULL;
  const char *name;
  gint64 age;
  FormAdd *form;

  g_return_if_fail (SSE_HUB_IS_PERSONS_PAGE (self));
  g_return_if_fail (self->hub != NULL);

  /* Takes a number still being typed into the spin button. */
  gtk_spin_button_update (self->age_spin);
  name = gtk_editable_get_text (GTK_EDITABLE (self->name_entry));
  age = gtk_spin_button_get_value_as_int (self->age_spin);

  if (!sse_hub_validate_name (name, -1, NULL, &error) || !sse_hub_validate_age (age, &error))
    {
      show_form_refusal (self, error->message);
      return;
    }

  form = g_new0 (FormAdd, 1);
  form->page = g_object_ref (self);
  form->name = g_strdup (name);
  sse_hub_server_proxy_add_person_async (self->hub, name, age, NULL, on_person_saved, form);

  set_form_error (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

void
sse_hub_persons_page_focus_form (SseHubPersonsPage *self)
{
  g_return_if_fail (SSE_HUB_IS_PERSONS_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

/* ------------------------------------------------------------------------ */
/* Object                                                                   */

static void
on_persons_items_changed (GListModel        *persons,
                          guint              position,
                          guint              removed,
                          guint              added,
                          SseHubPersonsPage *self)
{
  if (added > 0)
    sse_hub_fresh_rows_mark (self->fresh_rows, persons, position, added);
  /* A new person shows, fresh, unless the presenter scrolled away to read. */
  if (added > 0 && position + added == g_list_model_get_n_items (persons))
    sse_hub_row_follow_rows_added (self->persons_scroller);
  on_persons_changed (self);
}

static void
disconnect_hub (SseHubPersonsPage *self)
{
  g_signal_handlers_disconnect_by_data (persons_model (self), self);
  g_signal_handlers_disconnect_by_data (self->hub, self);
}

SseHubServerProxy *
sse_hub_persons_page_get_hub (SseHubPersonsPage *self)
{
  g_return_val_if_fail (SSE_HUB_IS_PERSONS_PAGE (self), NULL);
  return self->hub;
}

void
sse_hub_persons_page_set_hub (SseHubPersonsPage *self,
                              SseHubServerProxy *hub)
{
  g_autoptr(GtkSelectionModel) selection = NULL;

  g_return_if_fail (SSE_HUB_IS_PERSONS_PAGE (self));
  g_return_if_fail (hub == NULL || SSE_HUB_IS_SERVER_PROXY (hub));

  if (self->hub == hub)
    return;

  if (self->hub != NULL)
    disconnect_hub (self);
  g_set_object (&self->hub, hub);
  sse_hub_fresh_rows_forget (self->fresh_rows);
  if (hub != NULL)
    {
      selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (persons_model (self))));
      g_signal_connect_object (persons_model (self), "items-changed",
                               G_CALLBACK (on_persons_items_changed), self, 0);
      g_signal_connect_object (hub, "refused", G_CALLBACK (on_refused), self, 0);
    }

  gtk_column_view_set_model (self->persons_view, selection);
  on_persons_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HUB]);
}

gboolean
sse_hub_persons_page_get_has_persons (SseHubPersonsPage *self)
{
  g_return_val_if_fail (SSE_HUB_IS_PERSONS_PAGE (self), FALSE);
  return self->has_persons;
}

static void
sse_hub_persons_page_dispose (GObject *object)
{
  SseHubPersonsPage *self = SSE_HUB_PERSONS_PAGE (object);

  if (self->hub != NULL)
    disconnect_hub (self);
  g_clear_handle_id (&self->refusal_source, g_source_remove);
  g_clear_handle_id (&self->refusal_update_source, g_source_remove);
  g_clear_pointer (&self->refusal_text, g_free);
  g_clear_object (&self->fresh_rows);
  gtk_widget_dispose_template (GTK_WIDGET (self), SSE_HUB_TYPE_PERSONS_PAGE);
  g_clear_object (&self->hub);

  G_OBJECT_CLASS (sse_hub_persons_page_parent_class)->dispose (object);
}


static void
sse_hub_persons_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  SseHubPersonsPage *self = SSE_HUB_PERSONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_HUB:
      g_value_set_object (value, self->hub);
      break;
    case PROP_HAS_PERSONS:
      g_value_set_boolean (value, self->has_persons);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sse_hub_persons_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  SseHubPersonsPage *self = SSE_HUB_PERSONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_HUB:
      sse_hub_persons_page_set_hub (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sse_hub_persons_page_class_init (SseHubPersonsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sse_hub_persons_page_dispose;
  object_class->get_property = sse_hub_persons_page_get_property;
  object_class->set_property = sse_hub_persons_page_set_property;

  properties[PROP_HUB] =
    g_param_spec_object ("hub", NULL, NULL, SSE_HUB_TYPE_SERVER_PROXY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_PERSONS] =
    g_param_spec_boolean ("has-persons", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The cell templates look items up by type name. */
  g_type_ensure (SSE_HUB_TYPE_PERSON);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/SseHub/sse-hub-persons-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SseHubPersonsPage, name_entry);
  gtk_widget_class_bind_template_child (widget_class, SseHubPersonsPage, age_spin);
  gtk_widget_class_bind_template_child (widget_class, SseHubPersonsPage, form_error_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubPersonsPage, persons_stack);
  gtk_widget_class_bind_template_child (widget_class, SseHubPersonsPage, persons_view);
  gtk_widget_class_bind_template_child (widget_class, SseHubPersonsPage, person_name_column);
  gtk_widget_class_bind_template_child (widget_class, SseHubPersonsPage, person_remove_column);
  gtk_widget_class_bind_template_child (widget_class, SseHubPersonsPage, persons_scroller);
  gtk_widget_class_bind_template_child (widget_class, SseHubPersonsPage, refusal_revealer);
  gtk_widget_class_bind_template_child (widget_class, SseHubPersonsPage, refusal_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubPersonsPage, persons_count_label);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, person_age_text);
}

static void
sse_hub_persons_page_init (SseHubPersonsPage *self)
{
  g_autoptr(GtkListItemFactory) remove_factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->fresh_rows = sse_hub_fresh_rows_new ();
  gtk_column_view_column_set_factory (self->person_name_column,
                                      sse_hub_fresh_rows_get_name_factory (self->fresh_rows));

  g_signal_connect (remove_factory, "setup", G_CALLBACK (remove_cell_setup), NULL);
  g_signal_connect (remove_factory, "bind", G_CALLBACK (remove_cell_bind), NULL);
  gtk_column_view_column_set_factory (self->person_remove_column, remove_factory);
  sse_hub_row_follow_attach (self->persons_scroller);
  on_persons_changed (self);
}
