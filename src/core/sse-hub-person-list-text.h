/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The person list's wire text, byte for byte what json-glib writes for the
 * array, put together from the texts each person was made with: no node
 * tree of the whole list is ever built. */

#include <glib.h>

#include "sse-hub-person.h"

G_BEGIN_DECLS

/* The array of persons (SseHubPerson), assembled afresh. */
GString *sse_hub_person_list_text_new    (GPtrArray    *persons);
/* Extends an assembled text by one person at the end. */
void     sse_hub_person_list_text_append (GString      *text,
                                          SseHubPerson *person);

G_END_DECLS
