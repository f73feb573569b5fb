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
  GtkLabel     *error_label;
  GtkButton    *send_button;

  /* owned */
  SseHubServer *server;
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

/* Checks the fields; on success returns the frame, on failure says why
 * beside the fields. */
static GBytes *
compose (SseHubEventComposer *self)
{
  const char *name = gtk_editable_get_text (self->name_entry);
  g_autofree char *data = dup_data (self);
  g_autoptr(GError) error = NULL;

  if (!sse_hub_validate_custom_event (name, id_or_null (self), data, &error))
    {
      /* Nothing typed yet is not a mistake worth a red line. */
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), *name != '\0');
      gtk_label_set_text (self->error_label, error->message);
      return NULL;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
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

  if (!sse_hub_server_send_custom_event (self->server, gtk_editable_get_text (self->name_entry),
                                         id_or_null (self), data, &error))
    {
      /* The hub may refuse what the form accepted: too many names. */
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }

  gtk_window_close (GTK_WINDOW (self));
}

static void
sse_hub_event_composer_dispose (GObject *object)
{
  SseHubEventComposer *self = SSE_HUB_EVENT_COMPOSER (object);

  g_clear_object (&self->server);

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

  g_signal_connect_object (gtk_text_view_get_buffer (self->data_view), "changed",
                           G_CALLBACK (on_field_changed), self, G_CONNECT_SWAPPED);
  on_field_changed (self);
}

SseHubEventComposer *
sse_hub_event_composer_new (GtkWindow    *parent,
                            SseHubServer *server)
{
  SseHubEventComposer *self;

  g_return_val_if_fail (SSE_HUB_IS_SERVER (server), NULL);

  self = g_object_new (SSE_HUB_TYPE_EVENT_COMPOSER, "transient-for", parent, NULL);
  self->server = g_object_ref (server);

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
