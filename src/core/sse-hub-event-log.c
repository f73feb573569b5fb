/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sse-hub-event-log.h"
#include "sse-hub-sources.h"

#include <string.h>

#define FLUSH_INTERVAL_MS 100

struct _SseHubLogEntry
{
  GObject          parent_instance;

  gint64           time;
  /* its strings are owned copies */
  SseHubLogRecord  record;
};

G_DEFINE_FINAL_TYPE (SseHubLogEntry, sse_hub_log_entry, G_TYPE_OBJECT)

static void
sse_hub_log_entry_finalize (GObject *object)
{
  SseHubLogEntry *self = SSE_HUB_LOG_ENTRY (object);

  g_free ((char *) self->record.event_name);
  g_free ((char *) self->record.peer);
  g_free ((char *) self->record.text);
  g_free ((char *) self->record.method);
  g_free ((char *) self->record.path);
  g_free ((char *) self->record.last_event_id);
  g_free ((char *) self->record.revision);
  g_free ((char *) self->record.ws_key);
  g_free ((char *) self->record.ws_accept);

  G_OBJECT_CLASS (sse_hub_log_entry_parent_class)->finalize (object);
}

static void
sse_hub_log_entry_class_init (SseHubLogEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sse_hub_log_entry_finalize;
}

static void
sse_hub_log_entry_init (SseHubLogEntry *self)
{
}

gint64
sse_hub_log_entry_get_time (SseHubLogEntry *self)
{
  g_return_val_if_fail (SSE_HUB_IS_LOG_ENTRY (self), 0);
  return self->time;
}

SseHubLogKind
sse_hub_log_entry_get_kind (SseHubLogEntry *self)
{
  g_return_val_if_fail (SSE_HUB_IS_LOG_ENTRY (self), 0);
  return self->record.kind;
}

const char *
sse_hub_log_entry_get_event_name (SseHubLogEntry *self)
{
  g_return_val_if_fail (SSE_HUB_IS_LOG_ENTRY (self), NULL);
  return self->record.event_name;
}

guint
sse_hub_log_entry_get_recipients (SseHubLogEntry *self)
{
  g_return_val_if_fail (SSE_HUB_IS_LOG_ENTRY (self), 0);
  return self->record.recipients;
}

gsize
sse_hub_log_entry_get_bytes (SseHubLogEntry *self)
{
  g_return_val_if_fail (SSE_HUB_IS_LOG_ENTRY (self), 0);
  return self->record.bytes;
}

const char *
sse_hub_log_entry_get_peer (SseHubLogEntry *self)
{
  g_return_val_if_fail (SSE_HUB_IS_LOG_ENTRY (self), NULL);
  return self->record.peer;
}

const char *
sse_hub_log_entry_get_text (SseHubLogEntry *self)
{
  g_return_val_if_fail (SSE_HUB_IS_LOG_ENTRY (self), NULL);
  return self->record.text;
}

SseHubLogEvent
sse_hub_log_entry_get_event (SseHubLogEntry *self)
{
  g_return_val_if_fail (SSE_HUB_IS_LOG_ENTRY (self), 0);
  return self->record.event;
}

const SseHubLogRecord *
sse_hub_log_entry_get_record (SseHubLogEntry *self)
{
  g_return_val_if_fail (SSE_HUB_IS_LOG_ENTRY (self), NULL);
  return &self->record;
}

struct _SseHubEventLog
{
  GObject    parent_instance;

  /* owned: oldest first, never more than max_entries */
  GPtrArray *entries;
  /* owned: appended since the last flush */
  GPtrArray *pending;
  guint      flush_source;
  guint      max_entries;
};

enum {
  SIGNAL_ENTRY_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void sse_hub_event_log_list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SseHubEventLog, sse_hub_event_log, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      sse_hub_event_log_list_model_iface_init))

static GType
sse_hub_event_log_get_item_type (GListModel *model)
{
  return SSE_HUB_TYPE_LOG_ENTRY;
}

static guint
sse_hub_event_log_get_n_items (GListModel *model)
{
  return SSE_HUB_EVENT_LOG (model)->entries->len;
}

static gpointer
sse_hub_event_log_get_item (GListModel *model,
                            guint       position)
{
  SseHubEventLog *self = SSE_HUB_EVENT_LOG (model);

  if (position >= self->entries->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->entries, position));
}

static void
sse_hub_event_log_list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = sse_hub_event_log_get_item_type;
  iface->get_n_items = sse_hub_event_log_get_n_items;
  iface->get_item = sse_hub_event_log_get_item;
}

static void
sse_hub_event_log_finalize (GObject *object)
{
  SseHubEventLog *self = SSE_HUB_EVENT_LOG (object);

  g_clear_handle_id (&self->flush_source, sse_hub_source_remove);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);

  G_OBJECT_CLASS (sse_hub_event_log_parent_class)->finalize (object);
}

static void
sse_hub_event_log_class_init (SseHubEventLogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sse_hub_event_log_finalize;

  signals[SIGNAL_ENTRY_ADDED] =
    g_signal_new ("entry-added",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, SSE_HUB_TYPE_LOG_ENTRY);
}

static void
sse_hub_event_log_init (SseHubEventLog *self)
{
  self->entries = g_ptr_array_new_with_free_func (g_object_unref);
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
}

SseHubEventLog *
sse_hub_event_log_new (guint max_entries)
{
  SseHubEventLog *self;

  g_return_val_if_fail (max_entries > 0, NULL);

  self = g_object_new (SSE_HUB_TYPE_EVENT_LOG, NULL);
  self->max_entries = max_entries;

  return self;
}

guint
sse_hub_event_log_get_max_entries (SseHubEventLog *self)
{
  g_return_val_if_fail (SSE_HUB_IS_EVENT_LOG (self), 0);

  return self->max_entries;
}

void
sse_hub_event_log_flush (SseHubEventLog *self)
{
  guint added;
  guint removed = 0;

  g_return_if_fail (SSE_HUB_IS_EVENT_LOG (self));

  g_clear_handle_id (&self->flush_source, sse_hub_source_remove);

  added = self->pending->len;
  if (added == 0)
    return;

  /* pending never holds more than max_entries (see append). */
  if (self->entries->len + added > self->max_entries)
    {
      removed = self->entries->len + added - self->max_entries;
      g_ptr_array_remove_range (self->entries, 0, removed);
    }

  g_ptr_array_extend_and_steal (self->entries, g_steal_pointer (&self->pending));
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);

  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
  g_list_model_items_changed (G_LIST_MODEL (self), self->entries->len - added, 0, added);
}

static gboolean
flush_cb (gpointer user_data)
{
  SseHubEventLog *self = user_data;

  self->flush_source = 0;
  sse_hub_event_log_flush (self);

  return G_SOURCE_REMOVE;
}

/* At most SSE_HUB_EVENT_LOG_MAX_TEXT bytes of the text, cut between
 * characters, with a marker of the true length where anything was cut.  The
 * head names the frame; the end is where a list frame has its newest person. */
static char *
kept_text (const char *text,
           gsize       length)
{
  gsize head;
  gsize tail;

  if (length <= SSE_HUB_EVENT_LOG_MAX_TEXT)
    return g_strndup (text, length);

  head = SSE_HUB_EVENT_LOG_MAX_TEXT / 8;
  tail = length - (SSE_HUB_EVENT_LOG_MAX_TEXT - head);
  /* Back off continuation bytes so no character is split. */
  while (head > 0 && ((guchar) text[head] & 0xc0) == 0x80)
    head--;
  while (tail < length && ((guchar) text[tail] & 0xc0) == 0x80)
    tail++;

  return g_strdup_printf ("%.*s… (%" G_GSIZE_FORMAT " bytes in all)\n…%.*s", (int) head, text,
                          length, (int) (length - tail), text + tail);
}

void
sse_hub_event_log_add (SseHubEventLog        *self,
                       const SseHubLogRecord *record)
{
  SseHubLogEntry *entry;
  const char *text;
  gsize text_length;

  g_return_if_fail (SSE_HUB_IS_EVENT_LOG (self));
  g_return_if_fail (record != NULL);

  text = record->text != NULL ? record->text : "";
  text_length = record->text_length < 0 ? strlen (text) : (gsize) record->text_length;

  entry = g_object_new (SSE_HUB_TYPE_LOG_ENTRY, NULL);
  entry->time = g_get_real_time ();
  entry->record = *record;
  entry->record.event_name = g_strdup (record->event_name);
  entry->record.peer = g_strdup (record->peer);
  entry->record.text = kept_text (text, text_length);
  entry->record.text_length = -1;
  entry->record.method = g_strdup (record->method);
  entry->record.path = g_strdup (record->path);
  entry->record.last_event_id = g_strdup (record->last_event_id);
  entry->record.revision = g_strdup (record->revision);
  entry->record.ws_key = g_strdup (record->ws_key);
  entry->record.ws_accept = g_strdup (record->ws_accept);

  /* Bound the pending batch too, so a storm between two flushes cannot grow
   * memory: the oldest pending entries would be dropped at flush anyway. */
  if (self->pending->len >= self->max_entries)
    g_ptr_array_remove_index (self->pending, 0);
  g_ptr_array_add (self->pending, entry);

  if (self->flush_source == 0)
    self->flush_source = sse_hub_timeout_add (FLUSH_INTERVAL_MS, flush_cb, self);

  g_signal_emit (self, signals[SIGNAL_ENTRY_ADDED], 0, entry);
}

void
sse_hub_event_log_append_full (SseHubEventLog *self,
                               SseHubLogKind   kind,
                               const char     *event_name,
                               const char     *peer,
                               guint           recipients,
                               gsize           bytes,
                               const char     *text,
                               gssize          text_length)
{
  SseHubLogRecord record = {
    .kind = kind,
    .event = SSE_HUB_LOG_EVENT_FRAME,
    .event_name = event_name,
    .peer = peer,
    .recipients = recipients,
    .bytes = bytes,
    .text = text,
    .text_length = text_length,
  };

  sse_hub_event_log_add (self, &record);
}

void
sse_hub_event_log_append (SseHubEventLog *self,
                          SseHubLogKind   kind,
                          const char     *event_name,
                          guint           recipients,
                          gsize           bytes,
                          const char     *text)
{
  sse_hub_event_log_append_full (self, kind, event_name, NULL, recipients, bytes, text, -1);
}

void
sse_hub_event_log_clear (SseHubEventLog *self)
{
  guint removed;

  g_return_if_fail (SSE_HUB_IS_EVENT_LOG (self));

  g_clear_handle_id (&self->flush_source, sse_hub_source_remove);
  g_ptr_array_set_size (self->pending, 0);

  removed = self->entries->len;
  if (removed == 0)
    return;

  g_ptr_array_set_size (self->entries, 0);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
}

void
sse_hub_event_log_restore (SseHubEventLog *self,
                           GPtrArray      *entries)
{
  guint room;
  guint first;

  g_return_if_fail (SSE_HUB_IS_EVENT_LOG (self));
  g_return_if_fail (entries != NULL);

  sse_hub_event_log_flush (self);

  /* The newest of the old entries are the ones worth keeping. */
  room = self->max_entries - MIN (self->entries->len, self->max_entries);
  first = entries->len > room ? entries->len - room : 0;
  for (guint i = entries->len; i > first; i--)
    {
      g_ptr_array_insert (self->entries, 0, g_object_ref (g_ptr_array_index (entries, i - 1)));
    }

  if (entries->len > first)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, entries->len - first);
}
