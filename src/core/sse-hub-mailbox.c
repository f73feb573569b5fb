/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sse-hub-mailbox.h"

static gboolean
mailbox_dispatch (GSource     *source,
                  GSourceFunc  callback,
                  gpointer     user_data)
{
  g_source_set_ready_time (source, -1);
  return callback (user_data);
}

static GSourceFuncs mailbox_funcs = { NULL, NULL, mailbox_dispatch, NULL, NULL, NULL };

void
sse_hub_mailbox_init (SseHubMailbox *box,
                      GMainContext  *context,
                      gint           priority,
                      GSourceFunc    drain,
                      gpointer       data)
{
  g_mutex_init (&box->lock);
  g_queue_init (&box->items);
  box->source = g_source_new (&mailbox_funcs, sizeof (GSource));
  g_source_set_priority (box->source, priority);
  g_source_set_callback (box->source, drain, data, NULL);
  g_source_attach (box->source, context);
}

/* g_source_set_ready_time() locks the source's context and wakes it: it
 * may be called from the writing thread. */
void
sse_hub_mailbox_post (SseHubMailbox *box,
                      gpointer       item)
{
  g_mutex_lock (&box->lock);
  if (g_queue_is_empty (&box->items))
    g_source_set_ready_time (box->source, 0);
  g_queue_push_tail (&box->items, item);
  sse_hub_tsan_release (box);
  g_mutex_unlock (&box->lock);
}

gpointer
sse_hub_mailbox_take (SseHubMailbox *box)
{
  gpointer item;

  g_mutex_lock (&box->lock);
  sse_hub_tsan_acquire (box);
  item = g_queue_pop_head (&box->items);
  g_mutex_unlock (&box->lock);
  return item;
}

guint
sse_hub_mailbox_length (SseHubMailbox *box)
{
  guint length;

  g_mutex_lock (&box->lock);
  length = box->items.length;
  if (length > 0)
    g_source_set_ready_time (box->source, 0);
  g_mutex_unlock (&box->lock);
  return length;
}

void
sse_hub_mailbox_clear (SseHubMailbox  *box,
                       GDestroyNotify  free_item)
{
  g_source_destroy (box->source);
  g_clear_pointer (&box->source, g_source_unref);
  g_queue_clear_full (&box->items, free_item);
  g_mutex_clear (&box->lock);
}
