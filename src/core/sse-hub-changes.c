/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The presenter's changes to the person list: one entry point for adding,
 * removing and clearing, so each is validated by the store and recorded in
 * the event log the same way. */
#include "config.h"

#include <string.h>

#include "sse-hub-server.h"
#include "sse-hub-wire.h"

typedef enum
{
  PERSON_ADD,
  PERSON_REMOVE,
  PERSON_CLEAR,
} PersonChangeKind;

typedef struct
{
  PersonChangeKind  kind;
  const char       *name;      /* PERSON_ADD */
  gint64            age;       /* PERSON_ADD */
  guint             position;  /* PERSON_REMOVE */
} PersonChange;

/* A change on its way to the disk, and what the event log says once it is
 * saved (text NULL: nothing to record). */
typedef struct
{
  SseHubServer        *server;
  const char          *event_name;
  char                *text;
  GAsyncReadyCallback  callback;
  gpointer             user_data;
} PendingChange;

static void
pending_change_free (PendingChange *pending)
{
  g_object_unref (pending->server);
  g_free (pending->text);
  g_free (pending);
}

static char *
describe_person (const char   *verb,
                 SseHubPerson *person)
{
  g_autofree char *json = sse_hub_person_json (sse_hub_person_get_name (person),
                                               sse_hub_person_get_age (person));

  return g_strdup_printf ("presenter %s %s", verb, json);
}

static void
on_change_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PendingChange *pending = user_data;
  SseHubServer *self = pending->server;
  g_autoptr(GTask) task = g_task_new (self, NULL, pending->callback, pending->user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, on_change_saved);

  if (!sse_hub_person_store_change_finish (SSE_HUB_PERSON_STORE (source), result, &error))
    g_task_return_error (task, error);
  else
    {
      if (pending->text != NULL)
        sse_hub_event_log_append (sse_hub_server_get_log (self), SSE_HUB_LOG_REQUEST,
                                  pending->event_name, 0, strlen (pending->text), pending->text);
      g_task_return_boolean (task, TRUE);
    }

  pending_change_free (pending);
}

/* Every change the presenter makes passes here, so the event log shows
 * removals and clears as well as adds, once they are saved.  The broadcast
 * follows from the store's new revision. */
static gboolean
apply_presenter_change (SseHubServer         *self,
                        const PersonChange   *change,
                        GAsyncReadyCallback   callback,
                        gpointer              user_data,
                        SseHubPerson        **out_added,
                        GError              **error)
{
  SseHubPersonStore *store = sse_hub_server_get_store (self);
  GListModel *persons = G_LIST_MODEL (store);
  g_autoptr(SseHubPerson) person = NULL;
  PendingChange *pending = g_new0 (PendingChange, 1);
  guint n_cleared;
  gboolean accepted = FALSE;

  pending->server = g_object_ref (self);
  pending->callback = callback;
  pending->user_data = user_data;

  switch (change->kind)
    {
    case PERSON_ADD:
      person = sse_hub_person_store_add (store, change->name, change->age,
                                         on_change_saved, pending, error);
      accepted = person != NULL;
      pending->event_name = "add";
      pending->text = accepted ? describe_person ("added", person) : NULL;
      break;

    case PERSON_REMOVE:
      person = g_list_model_get_item (persons, change->position);
      pending->event_name = "remove";
      pending->text = person != NULL ? describe_person ("removed", person)
                                     : g_strdup_printf ("presenter removed person %u",
                                                        change->position);
      accepted = sse_hub_person_store_remove (store, change->position,
                                              on_change_saved, pending, error);
      break;

    case PERSON_CLEAR:
      n_cleared = g_list_model_get_n_items (persons);
      pending->event_name = "clear";
      if (n_cleared > 0)
        pending->text = g_strdup_printf ("presenter cleared %u %s", n_cleared,
                                         n_cleared == 1 ? "person" : "persons");
      accepted = sse_hub_person_store_clear (store, on_change_saved, pending, error);
      break;

    default:
      g_assert_not_reached ();
    }

  /* A refusal never reaches the callback. */
  if (!accepted)
    {
      pending_change_free (pending);
      return FALSE;
    }

  if (out_added != NULL)
    *out_added = g_steal_pointer (&person);

  return TRUE;
}

SseHubPerson *
sse_hub_server_add_person (SseHubServer         *self,
                           const char           *name,
                           gint64                age,
                           GAsyncReadyCallback   callback,
                           gpointer              user_data,
                           GError              **error)
{
  PersonChange change = { .kind = PERSON_ADD, .name = name, .age = age };
  SseHubPerson *person = NULL;

  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), NULL);

  apply_presenter_change (self, &change, callback, user_data, &person, error);
  return person;
}

gboolean
sse_hub_server_remove_person (SseHubServer         *self,
                              guint                 position,
                              GAsyncReadyCallback   callback,
                              gpointer              user_data,
                              GError              **error)
{
  PersonChange change = { .kind = PERSON_REMOVE, .position = position };

  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), FALSE);

  return apply_presenter_change (self, &change, callback, user_data, NULL, error);
}

gboolean
sse_hub_server_clear_persons (SseHubServer         *self,
                              GAsyncReadyCallback   callback,
                              gpointer              user_data,
                              GError              **error)
{
  PersonChange change = { .kind = PERSON_CLEAR };

  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), FALSE);

  return apply_presenter_change (self, &change, callback, user_data, NULL, error);
}

gboolean
sse_hub_server_change_finish (SseHubServer  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
