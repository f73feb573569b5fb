/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The presenter's changes to the person list: one entry point for adding,
 * removing and clearing, so each is validated by the store and recorded in
 * the event log the same way. */
#include "config.h"

#include <string.h>

#include "sse-hub-server-private.h"
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

static char *
describe_person (const char   *verb,
                 SseHubPerson *person)
{
  g_autofree char *json = sse_hub_person_json (sse_hub_person_get_name (person),
                                               sse_hub_person_get_age (person));

  return g_strdup_printf ("presenter %s %s", verb, json);
}

/* Every change the presenter makes passes here, so the event log shows
 * removals and clears as well as adds.  The broadcast follows from the
 * store's new revision. */
static gboolean
apply_presenter_change (SseHubServer        *self,
                        const PersonChange  *change,
                        SseHubPerson       **out_added,
                        GError             **error)
{
  GListModel *persons = G_LIST_MODEL (self->store);
  g_autoptr(SseHubPerson) person = NULL;
  g_autofree char *text = NULL;
  const char *event_name = NULL;
  guint n_cleared;

  switch (change->kind)
    {
    case PERSON_ADD:
      person = sse_hub_person_store_add (self->store, change->name, change->age, error);
      if (person == NULL)
        return FALSE;
      event_name = "add";
      text = describe_person ("added", person);
      break;

    case PERSON_REMOVE:
      person = g_list_model_get_item (persons, change->position);
      if (!sse_hub_person_store_remove (self->store, change->position, error))
        return FALSE;
      event_name = "remove";
      text = describe_person ("removed", person);
      break;

    case PERSON_CLEAR:
      n_cleared = g_list_model_get_n_items (persons);
      if (!sse_hub_person_store_clear (self->store, error))
        return FALSE;
      /* An empty list stays as it was: nothing to record. */
      if (n_cleared == 0)
        return TRUE;
      event_name = "clear";
      text = g_strdup_printf ("presenter cleared %u %s", n_cleared,
                              n_cleared == 1 ? "person" : "persons");
      break;

    default:
      g_assert_not_reached ();
    }

  sse_hub_event_log_append (self->log, SSE_HUB_LOG_REQUEST, event_name, 0, strlen (text), text);

  if (out_added != NULL)
    *out_added = g_steal_pointer (&person);

  return TRUE;
}

SseHubPerson *
sse_hub_server_add_person (SseHubServer  *self,
                           const char    *name,
                           gint64         age,
                           GError       **error)
{
  PersonChange change = { .kind = PERSON_ADD, .name = name, .age = age };
  SseHubPerson *person = NULL;

  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), NULL);

  apply_presenter_change (self, &change, &person, error);
  return person;
}

gboolean
sse_hub_server_remove_person (SseHubServer  *self,
                              guint          position,
                              GError       **error)
{
  PersonChange change = { .kind = PERSON_REMOVE, .position = position };

  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), FALSE);

  return apply_presenter_change (self, &change, NULL, error);
}

gboolean
sse_hub_server_clear_persons (SseHubServer  *self,
                              GError       **error)
{
  PersonChange change = { .kind = PERSON_CLEAR };

  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), FALSE);

  return apply_presenter_change (self, &change, NULL, error);
}
