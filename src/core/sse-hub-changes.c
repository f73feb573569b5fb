/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The presenter's changes to the person list: adding, removing and clearing
 * go to the store and, once saved, into the event log, the same way for
 * each.  The broadcast follows from the store's new revision, after the
 * log entry (see on_batch in sse-hub-person-store.c). */
#include "config.h"

#include "sse-hub-server.h"
#include "sse-hub-wire.h"

/* What a removal or a clear took away, as the list was when the presenter
 * asked: the log records it once the store has saved the change. */
typedef struct
{
  SseHubPerson *person;  /* the person removed, or NULL (a position past the end) */
  guint         number;  /* the position removed, or how many were cleared */
} Removal;

static void
removal_free (Removal *removal)
{
  g_clear_object (&removal->person);
  g_free (removal);
}

/* person: what the entry is about, in the JSON text it already keeps. */
static void
log_change (SseHubServer   *self,
            SseHubLogEvent  event,
            const char     *event_name,
            SseHubPerson   *person,
            guint           number)
{
  SseHubLogRecord record = {
    .kind = SSE_HUB_LOG_REQUEST,
    .event = event,
    .event_name = event_name,
    .text = person != NULL ? sse_hub_person_get_json (person) : NULL,
    .text_length = -1,
    .number = number,
  };

  /* Made in the window: no bytes, since nothing crossed the network. */
  sse_hub_event_log_add (sse_hub_server_get_log (self), &record);
}

static GTask *
change_task_new (SseHubServer        *self,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

/* A change once queued is saved and logged whatever becomes of the
 * cancellable, so the store gets none: only the answer is cancelled. */
static gboolean
cancelled_before (GTask *task)
{
  if (!g_task_return_error_if_cancelled (task))
    return FALSE;

  g_object_unref (task);
  return TRUE;
}

static void
on_person_added (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(SseHubPerson) person = NULL;
  GError *error = NULL;

  person = sse_hub_person_store_add_finish (SSE_HUB_PERSON_STORE (source), result, &error);
  if (person == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  log_change (g_task_get_source_object (task), SSE_HUB_LOG_EVENT_PERSON_ADDED, "add", person, 0);
  g_task_return_pointer (task, g_steal_pointer (&person), g_object_unref);
}

/* The presenter's own path to change the list: see sse-hub-server.h. */
void
sse_hub_server_add_person_async (SseHubServer        *self,
                                 const char          *name,
                                 gint64               age,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  SseHubPersonStore *store;
  GTask *task;

  g_return_if_fail (SSE_HUB_IS_SERVER (self));
  store = sse_hub_server_get_store (self);

  task = change_task_new (self, sse_hub_server_add_person_async, cancellable, callback, user_data);
  if (cancelled_before (task))
    return;
  sse_hub_person_store_add_async (store, name, age, NULL, on_person_added, task);
}

/* Undoing a removal: the person comes back still marked with the computer
 * that added it, so removing that computer's persons again finds it. */
void
sse_hub_server_restore_person_async (SseHubServer        *self,
                                     SseHubPerson        *person,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SSE_HUB_IS_SERVER (self));
  g_return_if_fail (SSE_HUB_IS_PERSON (person));

  task = change_task_new (self, sse_hub_server_add_person_async, cancellable, callback, user_data);
  if (cancelled_before (task))
    return;
  sse_hub_person_store_add_by_async (sse_hub_server_get_store (self), sse_hub_person_get_name (person),
                                     sse_hub_person_get_age (person),
                                     sse_hub_person_get_added_by (person),
                                     NULL, on_person_added, task);
}

SseHubPerson *
sse_hub_server_add_person_finish (SseHubServer  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        sse_hub_server_add_person_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Removals and clears say what they took away, as the list was when the
 * presenter asked. */
static void
on_removed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SseHubPersonStore *store = SSE_HUB_PERSON_STORE (source);
  Removal *removal = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean ok;

  if (g_task_get_source_tag (task) == sse_hub_server_remove_person_async)
    {
      ok = sse_hub_person_store_remove_finish (store, result, &error);
      if (ok)
        log_change (g_task_get_source_object (task), SSE_HUB_LOG_EVENT_PERSON_REMOVED, "remove",
                    removal->person, removal->number);
    }
  else
    {
      ok = sse_hub_person_store_clear_finish (store, result, &error);
      /* Clearing an empty list: nothing to record. */
      if (ok && removal->number > 0)
        log_change (g_task_get_source_object (task), SSE_HUB_LOG_EVENT_LIST_CLEARED, "clear",
                    NULL, removal->number);
    }

  if (!ok)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
sse_hub_server_remove_person_async (SseHubServer        *self,
                                    guint                position,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  Removal *removal;
  SseHubPersonStore *store;
  GTask *task;

  g_return_if_fail (SSE_HUB_IS_SERVER (self));
  store = sse_hub_server_get_store (self);

  task = change_task_new (self, sse_hub_server_remove_person_async, cancellable, callback,
                          user_data);
  if (cancelled_before (task))
    return;
  removal = g_new0 (Removal, 1);
  removal->person = g_list_model_get_item (G_LIST_MODEL (store), position);
  removal->number = position;
  g_task_set_task_data (task, removal, (GDestroyNotify) removal_free);
  sse_hub_person_store_remove_async (store, position, NULL, on_removed, task);
}

gboolean
sse_hub_server_remove_person_finish (SseHubServer  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        sse_hub_server_remove_person_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sse_hub_server_clear_persons_async (SseHubServer        *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  Removal *removal;
  SseHubPersonStore *store;
  GTask *task;

  g_return_if_fail (SSE_HUB_IS_SERVER (self));
  store = sse_hub_server_get_store (self);

  task = change_task_new (self, sse_hub_server_clear_persons_async, cancellable, callback,
                          user_data);
  if (cancelled_before (task))
    return;
  removal = g_new0 (Removal, 1);
  removal->number = g_list_model_get_n_items (G_LIST_MODEL (store));
  g_task_set_task_data (task, removal, (GDestroyNotify) removal_free);
  sse_hub_person_store_clear_async (store, NULL, on_removed, task);
}

gboolean
sse_hub_server_clear_persons_finish (SseHubServer  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        sse_hub_server_clear_persons_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
