/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>

#include "sse-hub-journal.h"
#include "sse-hub-journal-format.h"
#include "sse-hub-person-list-text.h"
#include "sse-hub-person-store.h"
#include "sse-hub-wire.h"
#include "sse-hub-sources.h"

/* Persistence is an append-only journal, one line per change, synced before
 * a change is reported as done, rewritten compactly at load and at flush.
 * A change is checked at once against the list as it will be once every
 * queued change is saved, and enters the list (a new revision) only once it
 * is on disk: nobody ever sees a person who could still be lost. */

typedef enum
{
  CHANGE_ADD,
  CHANGE_REMOVE,
  CHANGE_CLEAR,
} ChangeKind;

typedef struct
{
  ChangeKind    kind;
  SseHubPerson *person;    /* CHANGE_ADD */
  guint         position;  /* CHANGE_REMOVE */
} Change;

struct _SseHubPersonStore
{
  GObject    parent_instance;

  /* owned */
  GPtrArray *persons;
  char      *path;
  GString   *json;       /* the list's wire text, NULL until assembled again */

  SseHubJournal *journal; /* NULL when memory-only or closed */
  GPtrArray *unsaved;        /* memory-only: tasks of the next batch */
  guint      unsaved_source;
  gint64     unsaved_since;  /* main-loop time of the newest of them */
  guint      n_pending;      /* changes queued, not yet saved */
  guint      pending_len;    /* the list's length once they are */
  guint64    revision;
  guint      max_persons;
};

static void sse_hub_person_store_list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SseHubPersonStore, sse_hub_person_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      sse_hub_person_store_list_model_iface_init))

enum {
  PROP_0,
  PROP_PATH,
  PROP_REVISION,
  PROP_MAX_PERSONS,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
sse_hub_person_store_get_item_type (GListModel *model)
{
  return SSE_HUB_TYPE_PERSON;
}

static guint
sse_hub_person_store_get_n_items (GListModel *model)
{
  return SSE_HUB_PERSON_STORE (model)->persons->len;
}

static gpointer
sse_hub_person_store_get_item (GListModel *model,
                               guint       position)
{
  SseHubPersonStore *self = SSE_HUB_PERSON_STORE (model);

  if (position >= self->persons->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->persons, position));
}

static void
sse_hub_person_store_list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = sse_hub_person_store_get_item_type;
  iface->get_n_items = sse_hub_person_store_get_n_items;
  iface->get_item = sse_hub_person_store_get_item;
}

static void
close_journal (SseHubPersonStore *self)
{
  g_clear_pointer (&self->journal, sse_hub_journal_close);
}

static void
sse_hub_person_store_finalize (GObject *object)
{
  SseHubPersonStore *self = SSE_HUB_PERSON_STORE (object);

  close_journal (self);
  /* A memory-only batch holds a reference: none can be left here. */
  g_assert (self->unsaved->len == 0);
  g_clear_pointer (&self->unsaved, g_ptr_array_unref);
  g_clear_pointer (&self->persons, g_ptr_array_unref);
  g_clear_pointer (&self->path, g_free);
  if (self->json != NULL)
    g_string_free (self->json, TRUE);

  G_OBJECT_CLASS (sse_hub_person_store_parent_class)->finalize (object);
}

static void
sse_hub_person_store_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  SseHubPersonStore *self = SSE_HUB_PERSON_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_REVISION:
      g_value_set_uint64 (value, self->revision);
      break;
    case PROP_MAX_PERSONS:
      g_value_set_uint (value, self->max_persons);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->persons->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sse_hub_person_store_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  SseHubPersonStore *self = SSE_HUB_PERSON_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    case PROP_MAX_PERSONS:
      sse_hub_person_store_set_max_persons (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sse_hub_person_store_class_init (SseHubPersonStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sse_hub_person_store_finalize;
  object_class->get_property = sse_hub_person_store_get_property;
  object_class->set_property = sse_hub_person_store_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REVISION] =
    g_param_spec_uint64 ("revision", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_PERSONS] =
    g_param_spec_uint ("max-persons", NULL, NULL, 1, G_MAXUINT,
                       SSE_HUB_PERSON_STORE_DEFAULT_MAX_PERSONS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sse_hub_person_store_init (SseHubPersonStore *self)
{
  self->persons = g_ptr_array_new_with_free_func (g_object_unref);
  self->unsaved = g_ptr_array_new ();
  self->max_persons = SSE_HUB_PERSON_STORE_DEFAULT_MAX_PERSONS;
  /* Revisions start from the wall clock in milliseconds, so a restarted hub
   * never reuses a revision a browser remembers from the previous run and
   * every reconnecting browser gets the list afresh. */
  self->revision = (guint64) (g_get_real_time () / 1000);
}

SseHubPersonStore *
sse_hub_person_store_new (const char *path)
{
  return g_object_new (SSE_HUB_TYPE_PERSON_STORE, "path", path, NULL);
}

char *
sse_hub_person_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "sse-hub", "persons.jsonl", NULL);
}

const char *
sse_hub_person_store_get_path (SseHubPersonStore *self)
{
  g_return_val_if_fail (SSE_HUB_IS_PERSON_STORE (self), NULL);

  return self->path;
}

guint64
sse_hub_person_store_get_revision (SseHubPersonStore *self)
{
  g_return_val_if_fail (SSE_HUB_IS_PERSON_STORE (self), 0);

  return self->revision;
}

guint
sse_hub_person_store_get_max_persons (SseHubPersonStore *self)
{
  g_return_val_if_fail (SSE_HUB_IS_PERSON_STORE (self), 0);

  return self->max_persons;
}

void
sse_hub_person_store_set_max_persons (SseHubPersonStore *self,
                                      guint              max_persons)
{
  g_return_if_fail (SSE_HUB_IS_PERSON_STORE (self));
  g_return_if_fail (max_persons > 0);

  if (self->max_persons == max_persons)
    return;

  self->max_persons = max_persons;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_PERSONS]);
}

const char *
sse_hub_person_store_get_json (SseHubPersonStore *self)
{
  g_return_val_if_fail (SSE_HUB_IS_PERSON_STORE (self), NULL);

  if (self->json == NULL)
    self->json = sse_hub_person_list_text_new (self->persons);

  return self->json->str;
}

/* A removal reassembles the text when it is next needed; an add extends it. */
static void
json_forget (SseHubPersonStore *self)
{
  if (self->json != NULL)
    g_string_free (self->json, TRUE);
  self->json = NULL;
}

static void
changed (SseHubPersonStore *self,
         guint              position,
         guint              removed,
         guint              added)
{
  self->revision++;

  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVISION]);
}

static void
change_free (Change *change)
{
  g_clear_object (&change->person);
  g_free (change);
}

/* Applies a saved change to the list. */
static void
apply_change (SseHubPersonStore *self,
              const Change      *change)
{
  guint removed;

  switch (change->kind)
    {
    case CHANGE_ADD:
      g_ptr_array_add (self->persons, g_object_ref (change->person));
      if (self->json != NULL)
        sse_hub_person_list_text_append (self->json, change->person);
      changed (self, self->persons->len - 1, 0, 1);
      break;

    case CHANGE_REMOVE:
      /* Checked when queued; only a refused earlier change can undo that. */
      if (change->position >= self->persons->len)
        break;
      g_ptr_array_remove_index (self->persons, change->position);
      json_forget (self);
      changed (self, change->position, 1, 0);
      break;

    case CHANGE_CLEAR:
      removed = self->persons->len;
      if (removed == 0)
        break;
      g_ptr_array_set_size (self->persons, 0);
      json_forget (self);
      changed (self, 0, removed, 0);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* The length the list will have once the queued changes are all saved. */
static guint
length_after (guint         length,
              const Change *change)
{
  switch (change->kind)
    {
    case CHANGE_ADD:
      return length + 1;
    case CHANGE_REMOVE:
      return length - 1;
    case CHANGE_CLEAR:
    default:
      return 0;
    }
}

/* One batch of changes, saved together, in order: the journal's, or a
 * memory-only store's.
 *
 * Cause before effect, in this one place: every change of the batch enters
 * the list, then every caller's callback runs, at once, and only then does
 * the store announce the batch's revision (notify::revision, held back by
 * the freeze).  A batch is delivered by a main-loop source whose time is
 * later than that of the calls that made its changes (the journal's comes
 * after a sync; a memory-only store's waits for the clock to move), and a
 * GTask that returns from such a source calls back directly, so a callback that logs
 * the request (the POST's answer, the presenter's "added") logs it before
 * anyone hears of the revision and broadcasts the list.  A cancelled
 * change calls back later, but it has nothing to log.  The one revision
 * per batch is also what makes one list frame per batch. */
static void
on_batch (const SseHubJournalResult *results,
          guint                      n_results,
          gpointer                   user_data)
{
  SseHubPersonStore *self = user_data;
  gboolean refused = FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 0; i < n_results; i++)
    {
      self->n_pending--;
      if (results[i].error == NULL)
        apply_change (self, g_task_get_task_data (results[i].item));
      else
        refused = TRUE;
    }
  /* A refused change takes back what the queued ones were checked against;
   * the changes still queued are refused as well (see sse-hub-journal.c). */
  if (refused || self->n_pending == 0)
    self->pending_len = self->persons->len;

  for (guint i = 0; i < n_results; i++)
    {
      GTask *task = results[i].item;
      Change *change = g_task_get_task_data (task);

      if (results[i].error != NULL)
        g_task_return_error (task, g_error_copy (results[i].error));
      else if (change->kind == CHANGE_ADD)
        g_task_return_pointer (task, g_object_ref (change->person), g_object_unref);
      else
        g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/* A store with no file saves nothing, but its changes still arrive as a
 * batch from the main loop, like the journal's. */
static gboolean
unsaved_batch_cb (gpointer user_data)
{
  SseHubPersonStore *self = user_data;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autofree SseHubJournalResult *results = NULL;

  /* GTask calls back at once only from a later main-loop time than the
   * one its task was made in; on_batch relies on that. */
  if (g_source_get_time (g_main_current_source ()) <= self->unsaved_since)
    return G_SOURCE_CONTINUE;

  tasks = g_steal_pointer (&self->unsaved);
  results = g_new0 (SseHubJournalResult, tasks->len);
  self->unsaved = g_ptr_array_new ();
  self->unsaved_source = 0;
  for (guint i = 0; i < tasks->len; i++)
    results[i].item = g_ptr_array_index (tasks, i);
  on_batch (results, tasks->len, self);

  return G_SOURCE_REMOVE;
}

/* The task takes the change; refused at once, or queued in order. */
static void
submit_change (SseHubPersonStore *self,
               GTask             *task,
               Change            *change,
               const char        *line,
               GError            *refusal)
{
  g_task_set_task_data (task, change, (GDestroyNotify) change_free);

  if (refusal != NULL)
    {
      g_task_return_error (task, refusal);
      g_object_unref (task);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  self->pending_len = length_after (self->pending_len, change);
  self->n_pending++;

  if (self->path != NULL)
    {
      sse_hub_journal_append (self->journal, line, task);
      return;
    }

  g_ptr_array_add (self->unsaved, task);
  self->unsaved_since = g_main_current_source () != NULL
                        ? g_source_get_time (g_main_current_source ()) : 0;
  /* The same priority as the journal's deliveries (sse-hub-journal.c). */
  if (self->unsaved_source == 0)
    self->unsaved_source = sse_hub_idle_add_full (G_PRIORITY_HIGH, unsaved_batch_cb,
                                                  g_object_ref (self), g_object_unref);
}

/* Not loaded, or the file could not be opened again. */
static gboolean
check_journal_open (SseHubPersonStore  *self,
                    GError            **error)
{
  if (self->path == NULL || self->journal != NULL)
    return TRUE;

  g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_STORAGE,
                       _("The person list file is not open"));
  return FALSE;
}

void
sse_hub_person_store_add_by_async (SseHubPersonStore    *self,
                                   const char           *name,
                                   gint64                age,
                                   const char           *added_by,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_autofree char *valid_name = NULL;
  g_autofree char *line = NULL;
  GError *error = NULL;
  Change *change;
  GTask *task;

  g_return_if_fail (SSE_HUB_IS_PERSON_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sse_hub_person_store_add_by_async);
  change = g_new0 (Change, 1);
  change->kind = CHANGE_ADD;

  if (sse_hub_validate_name (name, -1, &valid_name, &error) &&
      sse_hub_validate_age (age, &error) &&
      check_journal_open (self, &error) &&
      self->pending_len >= self->max_persons)
    g_set_error (&error, SSE_HUB_ERROR, SSE_HUB_ERROR_STORE_FULL,
                 _("The list is full (%u persons)"), self->max_persons);

  if (error == NULL)
    {
      change->person = sse_hub_person_new_added_by (valid_name, age, added_by);
      line = sse_hub_journal_add_line (change->person);
    }
  submit_change (self, task, change, line, error);
}

SseHubPerson *
sse_hub_person_store_add_finish (SseHubPersonStore  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (SSE_HUB_IS_PERSON_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        sse_hub_person_store_add_by_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sse_hub_person_store_remove_async (SseHubPersonStore    *self,
                                   guint                 position,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_autofree char *line = NULL;
  GError *error = NULL;
  Change *change;
  GTask *task;

  g_return_if_fail (SSE_HUB_IS_PERSON_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sse_hub_person_store_remove_async);
  change = g_new0 (Change, 1);
  change->kind = CHANGE_REMOVE;
  change->position = position;

  if (check_journal_open (self, &error) && position >= self->pending_len)
    g_set_error (&error, SSE_HUB_ERROR, SSE_HUB_ERROR_NOT_FOUND,
                 _("There is no person at position %u"), position);

  line = sse_hub_journal_remove_line (position);
  submit_change (self, task, change, line, error);
}

gboolean
sse_hub_person_store_remove_finish (SseHubPersonStore  *self,
                                    GAsyncResult       *result,
                                    GError            **error)
{
  g_return_val_if_fail (SSE_HUB_IS_PERSON_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        sse_hub_person_store_remove_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sse_hub_person_store_clear_async (SseHubPersonStore    *self,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data)
{
  g_autofree char *line = sse_hub_journal_clear_line ();
  GError *error = NULL;
  Change *change;
  GTask *task;

  g_return_if_fail (SSE_HUB_IS_PERSON_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sse_hub_person_store_clear_async);
  change = g_new0 (Change, 1);
  change->kind = CHANGE_CLEAR;

  /* Clearing an empty list changes nothing and writes nothing. */
  if (check_journal_open (self, &error) && self->pending_len == 0)
    {
      g_task_set_task_data (task, change, (GDestroyNotify) change_free);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  submit_change (self, task, change, line, error);
}

gboolean
sse_hub_person_store_clear_finish (SseHubPersonStore  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (SSE_HUB_IS_PERSON_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        sse_hub_person_store_clear_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
open_journal (SseHubPersonStore  *self,
              GError            **error)
{
  int fd;

  close_journal (self);

  fd = open (self->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_STORAGE,
                   _("Could not open %s: %s"), self->path, g_strerror (saved_errno));
      return FALSE;
    }

  self->journal = sse_hub_journal_new (fd, on_batch, self);
  return TRUE;
}

/* Rewrites the journal as one line per person, then writes on to it. */
static gboolean
compact (SseHubPersonStore  *self,
         GError            **error)
{
  return sse_hub_journal_write_compact (self->path, self->persons, error) &&
         open_journal (self, error);
}

gboolean
sse_hub_person_store_load (SseHubPersonStore  *self,
                           GError            **error)
{
  g_autoptr(GPtrArray) persons = g_ptr_array_new_with_free_func (g_object_unref);
  guint old_len;

  g_return_val_if_fail (SSE_HUB_IS_PERSON_STORE (self), FALSE);

  if (self->path == NULL)
    return TRUE;

  /* Loading replaces the list: nothing may be on its way to the file. */
  g_return_val_if_fail (self->n_pending == 0, FALSE);

  close_journal (self);
  if (!sse_hub_journal_read (self->path, persons, error))
    return FALSE;

  old_len = self->persons->len;
  g_ptr_array_unref (self->persons);
  self->persons = g_steal_pointer (&persons);
  self->pending_len = self->persons->len;
  json_forget (self);
  if (old_len > 0 || self->persons->len > 0)
    changed (self, 0, old_len, self->persons->len);

  return compact (self, error);
}

gboolean
sse_hub_person_store_flush (SseHubPersonStore  *self,
                            GError            **error)
{
  g_return_val_if_fail (SSE_HUB_IS_PERSON_STORE (self), FALSE);

  /* Compacting writes the list as it is now: with changes still on their
   * way it would leave them out.  The journal is complete as it is. */
  if (self->path == NULL || self->n_pending > 0)
    return TRUE;

  return compact (self, error);
}
