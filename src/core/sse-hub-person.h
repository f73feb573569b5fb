/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SSE_HUB_TYPE_PERSON (sse_hub_person_get_type ())
G_DECLARE_FINAL_TYPE (SseHubPerson, sse_hub_person, SSE_HUB, PERSON, GObject)

/* A person is immutable once made: the store hands out the same objects to the
 * UI and the wire, so nothing may change them behind either's back. */
SseHubPerson *sse_hub_person_new      (const char   *name,
                                       gint64        age);
/* added_by: the computer (address group) whose post added the person, or
 * NULL for the presenter's and persons read back from the file. */
SseHubPerson *sse_hub_person_new_added_by (const char *name,
                                           gint64      age,
                                           const char *added_by);
const char   *sse_hub_person_get_name (SseHubPerson *self);
const char   *sse_hub_person_get_added_by (SseHubPerson *self);
gint64        sse_hub_person_get_age  (SseHubPerson *self);
/* {"name":…,"age":…} as json-glib writes it, made once with the person. */
const char   *sse_hub_person_get_json (SseHubPerson *self);

G_END_DECLS
