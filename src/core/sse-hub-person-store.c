/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "sse-hub-durable-file.h"
#include "sse-hub-journal.h"
#include "sse-hub-person-store.h"
#include "sse-hub-wire.h"

/* Persistence is an append-only journal of JSON lines, one per change,
 * synced before a change is reported as done; it is rewritten compactly (one
 * "add" line per person) at load and at flush so it never grows for long.
 *
 * A change is checked at once against the list as it will be once every
 * queued change is saved, written by the journal's thread, and enters the
 * list (a new revision) only once it is on disk: nobody ever sees a person
 * who could still be lost. */

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
  char      *json;       /* cached wire form of the list, NULL when stale */

  SseHubJournal *journal; /* NULL when memory-only or closed */
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
  g_clear_pointer (&self->persons, g_ptr_array_unref);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->json, g_free);

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
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (SSE_HUB_IS_PERSON_STORE (self), NULL);

  if (self->json != NULL)
    return self->json;

  builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->persons->len; i++)
    {
      SseHubPerson *person = g_ptr_array_index (self->persons, i);

      json_builder_begin_object (builder);
      sse_hub_person_json_add_members (builder, sse_hub_person_get_name (person),
                                       sse_hub_person_get_age (person));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  self->json = json_to_string (root, FALSE);

  return self->json;
}

static void
changed (SseHubPersonStore *self,
         guint              position,
         guint              removed,
         guint              added)
{
  self->revision++;
  g_clear_pointer (&self->json, g_free);

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
      changed (self, self->persons->len - 1, 0, 1);
      break;

    case CHANGE_REMOVE:
      /* Checked when queued; only a refused earlier change can undo that. */
      if (change->position >= self->persons->len)
        break;
      g_ptr_array_remove_index (self->persons, change->position);
      changed (self, change->position, 1, 0);
      break;

    case CHANGE_CLEAR:
      removed = self->persons->len;
      if (removed == 0)
        break;
      g_ptr_array_set_size (self->persons, 0);
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

static void
finish_change (SseHubPersonStore *self,
               GTask             *task,
               const GError      *error)
{
  if (error != NULL)
    g_task_return_error (task, g_error_copy (error));
  else
    g_task_return_boolean (task, TRUE);
}

/* One batch of the journal, in order.  The notifications wait for the end
 * of the batch, so a burst of posts costs one broadcast per sync, and for
 * the callers' completions to be queued: whoever reacts to the revision
 * by going through the main loop comes after the completions. */
static void
on_journal_batch (const SseHubJournalResult *results,
                  guint                      n_results,
                  gpointer                   user_data)
{
  SseHubPersonStore *self = user_data;
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean refused = FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 0; i < n_results; i++)
    {
      GTask *task = results[i].item;

      self->n_pending--;
      if (results[i].error == NULL)
        apply_change (self, g_task_get_task_data (task));
      else
        refused = TRUE;
      g_ptr_array_add (tasks, task);
    }
  /* A refused change takes back what the queued ones were checked against;
   * the changes still queued are refused as well (see sse-hub-journal.c). */
  if (refused || self->n_pending == 0)
    self->pending_len = self->persons->len;

  for (guint i = 0; i < n_results; i++)
    finish_change (self, g_ptr_array_index (tasks, i), results[i].error);
  g_object_thaw_notify (G_OBJECT (self));
}

/* Queues a checked change: saved by the journal's thread, or applied at
 * once in a store with no file. */
static void
submit_change (SseHubPersonStore   *self,
               Change              *change,
               const char          *line,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, submit_change);
  g_task_set_task_data (task, change, (GDestroyNotify) change_free);

  if (self->path == NULL)
    {
      g_object_freeze_notify (G_OBJECT (self));
      apply_change (self, change);
      self->pending_len = self->persons->len;
      finish_change (self, task, NULL);
      g_object_unref (task);
      g_object_thaw_notify (G_OBJECT (self));
      return;
    }

  self->pending_len = length_after (self->pending_len, change);
  self->n_pending++;
  sse_hub_journal_append (self->journal, line, task);
}

/* Not loaded, or the file could not be opened again: said at once. */
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

SseHubPerson *
sse_hub_person_store_add (SseHubPersonStore    *self,
                          const char           *name,
                          gint64                age,
                          GAsyncReadyCallback   callback,
                          gpointer              user_data,
                          GError              **error)
{
  g_autofree char *valid_name = NULL;
  g_autofree char *line = NULL;
  Change *change;

  g_return_val_if_fail (SSE_HUB_IS_PERSON_STORE (self), NULL);

  if (!sse_hub_validate_name (name, -1, &valid_name, error) ||
      !sse_hub_validate_age (age, error) ||
      !check_journal_open (self, error))
    return NULL;

  if (self->pending_len >= self->max_persons)
    {
      g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_STORE_FULL,
                   _("The list is full (%u persons)"), self->max_persons);
      return NULL;
    }

  change = g_new0 (Change, 1);
  change->kind = CHANGE_ADD;
  change->person = sse_hub_person_new (valid_name, age);
  line = sse_hub_journal_add_line (change->person);
  submit_change (self, change, line, callback, user_data);

  return g_object_ref (change->person);
}

gboolean
sse_hub_person_store_remove (SseHubPersonStore    *self,
                             guint                 position,
                             GAsyncReadyCallback   callback,
                             gpointer              user_data,
                             GError              **error)
{
  g_autofree char *line = NULL;
  Change *change;

  g_return_val_if_fail (SSE_HUB_IS_PERSON_STORE (self), FALSE);

  if (!check_journal_open (self, error))
    return FALSE;

  if (position >= self->pending_len)
    {
      g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_NOT_FOUND,
                   _("There is no person at position %u"), position);
      return FALSE;
    }

  change = g_new0 (Change, 1);
  change->kind = CHANGE_REMOVE;
  change->position = position;
  line = g_strdup_printf ("{\"op\":\"remove\",\"index\":%u}\n", position);
  submit_change (self, change, line, callback, user_data);

  return TRUE;
}

gboolean
sse_hub_person_store_clear (SseHubPersonStore    *self,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data,
                            GError              **error)
{
  Change *change;

  g_return_val_if_fail (SSE_HUB_IS_PERSON_STORE (self), FALSE);

  if (!check_journal_open (self, error))
    return FALSE;

  /* Clearing an empty list changes nothing and writes nothing. */
  if (self->pending_len == 0)
    {
      g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

      g_task_set_source_tag (task, submit_change);
      g_task_return_boolean (task, TRUE);
      return TRUE;
    }

  change = g_new0 (Change, 1);
  change->kind = CHANGE_CLEAR;
  submit_change (self, change, "{\"op\":\"clear\"}\n", callback, user_data);
  return TRUE;
}

gboolean
sse_hub_person_store_change_finish (SseHubPersonStore  *self,
                                    GAsyncResult       *result,
                                    GError            **error)
{
  g_return_val_if_fail (SSE_HUB_IS_PERSON_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

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

  self->journal = sse_hub_journal_new (fd, on_journal_batch, self);
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
  g_autofree char *contents = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GError) read_error = NULL;
  gsize length = 0;
  guint damaged;
  guint old_len;

  g_return_val_if_fail (SSE_HUB_IS_PERSON_STORE (self), FALSE);

  if (self->path == NULL)
    return TRUE;

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_STORAGE,
                   _("Could not create %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  /* Loading replaces the list: nothing may be on its way to the file. */
  g_return_val_if_fail (self->n_pending == 0, FALSE);

  close_journal (self);
  old_len = self->persons->len;
  g_ptr_array_set_size (self->persons, 0);

  if (!g_file_get_contents (self->path, &contents, &length, &read_error) &&
      !g_error_matches (read_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_STORAGE,
                   _("Could not read %s: %s"), self->path, read_error->message);
      return FALSE;
    }

  damaged = sse_hub_journal_replay (self->persons, contents, length);
  if (damaged > 0)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
      g_autofree char *aside = g_strdup_printf ("%s.damaged-%s", self->path, stamp);

      if (g_rename (self->path, aside) == 0)
        g_message ("%s had %u damaged line(s); kept %u person(s) and moved the file to %s",
                   self->path, damaged, self->persons->len, aside);
      else
        g_message ("%s had %u damaged line(s); kept %u person(s)",
                   self->path, damaged, self->persons->len);
    }

  self->pending_len = self->persons->len;
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
