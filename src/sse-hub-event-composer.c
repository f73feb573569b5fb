/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Send Event window: a presenter's own named event, checked by the
 * wire rules as it is typed, previewed as the bytes that will go out. */
#include "config.h"

#include <glib/gi18n.h>

#include "sse-hub-event-composer.h"
#include "sse-hub-wire.h"

struct _SseHubEventComposer
{
  AdwWindow     parent_instance;

  /* template widgets */
  GtkEditable  *name_entry;
  GtkEditable  *id_entry;
  GtkTextView  *data_view;
  GtkLabel     *preview_label;
  GtkLabel     *error_label;       /* under the name */
  GtkLabel     *data_error_label;
  GtkLabel     *id_error_label;
  GtkLabel     *size_label;
  GtkButton    *send_button;

  /* owned */
  SseHubServerProxy *hub;
};

G_DEFINE_FINAL_TYPE (SseHubEventComposer, sse_hub_event_composer, ADW_TYPE_WINDOW)

static char *
dup_data (SseHubEventComposer *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->data_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* An empty id field means no id line, rather than an empty "id:" (which
 * would reset the browser's Last-Event-ID). */
static const char *
id_or_null (SseHubEventComposer *self)
{
  const char *id = gtk_editable_get_text (self->id_entry);

  return *id != '\0' ? id : NULL;
}

/* Says what is wrong under the field it is about; NULL clears them all. */
static void
show_error (SseHubEventComposer *self,
            const GError        *error)
{
  GtkLabel *labels[] = { self->error_label, self->data_error_label, self->id_error_label };
  GtkLabel *shown = NULL;

  if (error != NULL && g_error_matches (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_EVENT_DATA))
    shown = self->data_error_label;
  else if (error != NULL && g_error_matches (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_EVENT_ID))
    shown = self->id_error_label;
  else if (error != NULL)
    shown = self->error_label;

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    gtk_widget_set_visible (GTK_WIDGET (labels[i]), labels[i] == shown);
  if (shown != NULL)
    gtk_label_set_text (shown, error->message);
}

/* Checks the fields; on success returns the frame, on failure says why
 * beside the field. */
static GBytes *
compose (SseHubEventComposer *self)
{
  const char *name = gtk_editable_get_text (self->name_entry);
  g_autofree char *data = dup_data (self);
  g_autoptr(GError) error = NULL;

  if (!sse_hub_validate_custom_event (name, id_or_null (self), data, &error))
    {
      /* Nothing typed yet is not a mistake worth a red line. */
      show_error (self, *name != '\0' ? error : NULL);
      return NULL;
    }

  show_error (self, NULL);
  return sse_hub_format_frame (name, id_or_null (self), data);
}

static void
on_field_changed (SseHubEventComposer *self)
{
  g_autoptr(GBytes) frame = compose (self);
  g_autofree char *text = NULL;

  /* The preview is the formatter's own output, byte for byte. */
  if (frame != NULL)
    text = g_strndup (g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
  gtk_label_set_text (self->preview_label, text != NULL ? text : "");
  if (frame != NULL)
    {
      /* A frame is bounded well below 4 GB by the wire rules. */
      guint size = (guint) g_bytes_get_size (frame);
      g_autofree char *size_text = NULL;

      /* What each client receives: the lesson's byte count. */
      size_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u byte", "%u bytes", size),
                                   size);
      gtk_label_set_text (self->size_label, size_text);
    }
  else
    gtk_label_set_text (self->size_label, "");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.send", frame != NULL);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SseHubEventComposer *self = SSE_HUB_EVENT_COMPOSER (widget);
  g_autofree char *data = dup_data (self);
  g_autoptr(GError) error = NULL;

  if (!sse_hub_server_proxy_send_custom_event (self->hub, gtk_editable_get_text (self->name_entry),
                                         id_or_null (self), data, &error))
    {
      /* The hub may refuse what the form accepted: too many names. */
      show_error (self, error);
      return;
    }

  gtk_window_close (GTK_WINDOW (self));
}

static void
sse_hub_event_composer_dispose (GObject *object)
{
  SseHubEventComposer *self = SSE_HUB_EVENT_COMPOSER (object);

  g_clear_object (&self->hub);

  G_OBJECT_CLASS (sse_hub_event_composer_parent_class)->dispose (object);
}

static void
sse_hub_event_composer_class_init (SseHubEventComposerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sse_hub_event_composer_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/SseHub/sse-hub-event-composer.ui");
  gtk_widget_class_bind_template_child (widget_class, SseHubEventComposer, name_entry);
  gtk_widget_class_bind_template_child (widget_class, SseHubEventComposer, id_entry);
  gtk_widget_class_bind_template_child (widget_class, SseHubEventComposer, data_view);
  gtk_widget_class_bind_template_child (widget_class, SseHubEventComposer, preview_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubEventComposer, error_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubEventComposer, data_error_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubEventComposer, id_error_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubEventComposer, size_label);
  gtk_widget_class_bind_template_child (widget_class, SseHubEventComposer, send_button);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);

  gtk_widget_class_install_action (widget_class, "composer.send", NULL, send_action);
  /* Enter belongs to the data's new lines. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "composer.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sse_hub_event_composer_init (SseHubEventComposer *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The main window's zoom, presentation zoom included, applies here too. */
  gtk_widget_add_css_class (GTK_WIDGET (self), "sse-hub-window");
  /* Typing goes into the name, not onto Cancel. */
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));

  g_signal_connect_object (gtk_text_view_get_buffer (self->data_view), "changed",
                           G_CALLBACK (on_field_changed), self, G_CONNECT_SWAPPED);
  on_field_changed (self);
}

SseHubEventComposer *
sse_hub_event_composer_new (GtkWindow         *parent,
                            SseHubServerProxy *hub)
{
  SseHubEventComposer *self;

  g_return_val_if_fail (SSE_HUB_IS_SERVER_PROXY (hub), NULL);

  self = g_object_new (SSE_HUB_TYPE_EVENT_COMPOSER, "transient-for", parent, NULL);
  self->hub = g_object_ref (hub);

  return self;
}

void
sse_hub_event_composer_get_widgets (SseHubEventComposer        *self,
                                    SseHubEventComposerWidgets *widgets)
{
  g_return_if_fail (SSE_HUB_IS_EVENT_COMPOSER (self));

  *widgets = (SseHubEventComposerWidgets) {
    .name_entry = self->name_entry,
    .id_entry = self->id_entry,
    .data_view = self->data_view,
    .preview_label = self->preview_label,
    .error_label = self->error_label,
    .send_button = self->send_button,
  };
}
