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

/* Changes are checked at once: a refusal (invalid, full, no such position)
 * returns NULL or FALSE with error set, and callback is never called.
 * Otherwise callback runs later on the thread-default main context, once
 * the change is on disk and in the list (a new revision), or was refused
 * by the disk (SSE_HUB_ERROR_STORAGE, the list unchanged); collect it with
 * sse_hub_person_store_change_finish().  Changes apply in call order, so a
 * position names the list as it will be once earlier changes are saved. */
SseHubPerson      *sse_hub_person_store_add          (SseHubPersonStore    *self,
                                                      const char           *name,
                                                      gint64                age,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data,
                                                      GError              **error);
gboolean           sse_hub_person_store_remove       (SseHubPersonStore    *self,
                                                      guint                 position,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data,
                                                      GError              **error);
gboolean           sse_hub_person_store_clear        (SseHubPersonStore    *self,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data,
                                                      GError              **error);
gboolean           sse_hub_person_store_change_finish (SseHubPersonStore   *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

const char        *sse_hub_person_store_get_path     (SseHubPersonStore  *self);
guint64            sse_hub_person_store_get_revision (SseHubPersonStore  *self);
guint              sse_hub_person_store_get_max_persons (SseHubPersonStore *self);
void               sse_hub_person_store_set_max_persons (SseHubPersonStore *self,
                                                         guint              max_persons);
/* The list as the wire's JSON array; cached until the next change. */
const char        *sse_hub_person_store_get_json     (SseHubPersonStore  *self);

G_END_DECLS
