/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sse-hub-person.h"

G_BEGIN_DECLS

#define SSE_HUB_TYPE_PERSON_STORE (sse_hub_person_store_get_type ())
G_DECLARE_FINAL_TYPE (SseHubPersonStore, sse_hub_person_store, SSE_HUB, PERSON_STORE, GObject)

#define SSE_HUB_PERSON_STORE_DEFAULT_MAX_PERSONS 1000

/* The person list as a GListModel of SseHubPerson.  With a path, every change
 * is appended to a journal and synced before the call returns, so a change
 * that was reported as done survives a crash. */
SseHubPersonStore *sse_hub_person_store_new          (const char         *path);
gboolean           sse_hub_person_store_load         (SseHubPersonStore  *self,
                                                      GError            **error);
gboolean           sse_hub_person_store_flush        (SseHubPersonStore  *self,
                                                      GError            **error);
char              *sse_hub_person_store_default_path (void);

SseHubPerson      *sse_hub_person_store_add          (SseHubPersonStore  *self,
                                                      const char         *name,
                                                      gint64              age,
                                                      GError            **error);
gboolean           sse_hub_person_store_remove       (SseHubPersonStore  *self,
                                                      guint               position,
                                                      GError            **error);
gboolean           sse_hub_person_store_clear        (SseHubPersonStore  *self,
                                                      GError            **error);

const char        *sse_hub_person_store_get_path     (SseHubPersonStore  *self);
guint64            sse_hub_person_store_get_revision (SseHubPersonStore  *self);
guint              sse_hub_person_store_get_max_persons (SseHubPersonStore *self);
void               sse_hub_person_store_set_max_persons (SseHubPersonStore *self,
                                                         guint              max_persons);
/* The list as the wire's JSON array; cached until the next change. */
const char        *sse_hub_person_store_get_json     (SseHubPersonStore  *self);

G_END_DECLS
