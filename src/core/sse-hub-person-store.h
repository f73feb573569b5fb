/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sse-hub-person.h"

G_BEGIN_DECLS

#define SSE_HUB_TYPE_PERSON_STORE (sse_hub_person_store_get_type ())
G_DECLARE_FINAL_TYPE (SseHubPersonStore, sse_hub_person_store, SSE_HUB, PERSON_STORE, GObject)

#define SSE_HUB_PERSON_STORE_DEFAULT_MAX_PERSONS 1000

/* The person list as a GListModel of SseHubPerson.  With a path, every change
 * is appended to a journal and synced, on a thread of its own, before it is
 * reported as done and enters the list, so a change that was reported as
 * done survives a crash. */
SseHubPersonStore *sse_hub_person_store_new          (const char         *path);
gboolean           sse_hub_person_store_load         (SseHubPersonStore  *self,
                                                      GError            **error);
gboolean           sse_hub_person_store_flush        (SseHubPersonStore  *self,
                                                      GError            **error);
char              *sse_hub_person_store_default_path (void);

/* Changes, in the GIO way.  Each is checked when it is made, against the
 * list as it will be once the changes before it are saved, and saved by the
 * journal's thread; callback runs on the thread-default main context once
 * the change is on disk and in the list (a new revision), or was refused:
 * invalid, the list full, no such position (SSE_HUB_ERROR_*, nothing
 * changed), refused by the disk (SSE_HUB_ERROR_STORAGE, the list unchanged)
 * or cancelled before it was queued (G_IO_ERROR_CANCELLED).  A change
 * already queued is saved whatever happens to its cancellable; its _finish
 * then says G_IO_ERROR_CANCELLED.  Changes apply in call order, so a
 * position names the list as it will be once earlier changes are saved.
 *
 * Every change completes before the store announces the revision it made
 * (notify::revision, once per batch of changes saved together): whatever a
 * callback records, such as the request that caused the change, comes
 * before whatever reacts to the revision, such as the broadcast. */
/* added_by: the computer (address group) whose post adds the person, kept
 * in memory only (the file keeps name and age), or NULL. */
void               sse_hub_person_store_add_by_async  (SseHubPersonStore    *self,
                                                       const char           *name,
                                                       gint64                age,
                                                       const char           *added_by,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);

static inline void
sse_hub_person_store_add_async (SseHubPersonStore   *self,
                                const char          *name,
                                gint64               age,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  sse_hub_person_store_add_by_async (self, name, age, NULL, cancellable, callback, user_data);
}
/* The person as it entered the list (the name cleaned up), for either. */
SseHubPerson      *sse_hub_person_store_add_finish    (SseHubPersonStore    *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
void               sse_hub_person_store_remove_async  (SseHubPersonStore    *self,
                                                       guint                 position,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean           sse_hub_person_store_remove_finish (SseHubPersonStore    *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
/* Clearing an empty list succeeds and writes nothing. */
void               sse_hub_person_store_clear_async   (SseHubPersonStore    *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean           sse_hub_person_store_clear_finish  (SseHubPersonStore    *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

const char        *sse_hub_person_store_get_path     (SseHubPersonStore  *self);
guint64            sse_hub_person_store_get_revision (SseHubPersonStore  *self);
guint              sse_hub_person_store_get_max_persons (SseHubPersonStore *self);
void               sse_hub_person_store_set_max_persons (SseHubPersonStore *self,
                                                         guint              max_persons);
/* The list as the wire's JSON array, byte for byte what json-glib would
 * write: assembled from each person's cached text, never rebuilt as a tree;
 * an add appends to it, a removal or clear reassembles it. */
const char        *sse_hub_person_store_get_json     (SseHubPersonStore  *self);

G_END_DECLS
