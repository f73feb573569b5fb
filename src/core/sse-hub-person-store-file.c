/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>

#include "sse-hub-journal-format.h"
#include "sse-hub-person-store-private.h"
#include "sse-hub-sources.h"
#include "sse-hub-wire.h"

/* The store's file: read at load, rewritten compactly at load and at flush,
 * and what happens when the disk is full.  A full disk does not lose the
 * list that was read: the store serves it read-only, refuses changes, and
 * tries to write the list again every few seconds until it can. */

#define RETRY_SECONDS 2

static gboolean
open_journal (SseHubPersonStore  *self,
              GError            **error)
{
  int fd;

  _sse_hub_person_store_close_journal (self);

  fd = open (self->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, SSE_HUB_ERROR,
                   saved_errno == ENOSPC || saved_errno == EDQUOT
                   ? SSE_HUB_ERROR_NO_SPACE : SSE_HUB_ERROR_STORAGE,
                   _("Could not open %s: %s"), self->path, g_strerror (saved_errno));
      return FALSE;
    }

  self->journal = sse_hub_journal_new (fd, _sse_hub_person_store_on_batch, self);
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
  g_autoptr(GError) local_error = NULL;
  guint old_len;

  g_return_val_if_fail (SSE_HUB_IS_PERSON_STORE (self), FALSE);

  if (self->path == NULL)
    return TRUE;

  /* Loading replaces the list: nothing may be on its way to the file. */
  g_return_val_if_fail (self->n_pending == 0, FALSE);

  _sse_hub_person_store_close_journal (self);
  if (!sse_hub_journal_read (self->path, persons, error))
    return FALSE;

  old_len = self->persons->len;
  g_ptr_array_unref (self->persons);
  self->persons = g_steal_pointer (&persons);
  self->pending_len = self->persons->len;
  _sse_hub_person_store_json_forget (self);
  if (old_len > 0 || self->persons->len > 0)
    _sse_hub_person_store_changed (self, 0, old_len, self->persons->len);

  if (compact (self, &local_error))
    return TRUE;
  if (!g_error_matches (local_error, SSE_HUB_ERROR, SSE_HUB_ERROR_NO_SPACE))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  _sse_hub_person_store_disk_full (self);
  return TRUE;
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
  /* Read-only, the file holds the list as it is: nothing to rewrite. */
  if (self->read_only)
    return TRUE;

  return compact (self, error);
}

static gboolean
retry_cb (gpointer user_data)
{
  SseHubPersonStore *self = user_data;
  g_autoptr(GError) error = NULL;

  /* Changes still on their way to the old journal are refused by now, but
   * not yet delivered; compacting without them would be wrong. */
  if (self->n_pending > 0)
    return G_SOURCE_CONTINUE;
  if (!compact (self, &error))
    {
      g_debug ("The person list is still read-only: %s", error->message);
      return G_SOURCE_CONTINUE;
    }

  self->retry_source = 0;
  _sse_hub_person_store_set_read_only (self, FALSE);
  return G_SOURCE_REMOVE;
}

void
_sse_hub_person_store_disk_full (SseHubPersonStore *self)
{
  if (self->read_only)
    return;

  /* The source holds no reference: finalize removes it. */
  self->retry_source = sse_hub_timeout_add_seconds (RETRY_SECONDS, retry_cb, self);
  _sse_hub_person_store_set_read_only (self, TRUE);
}
