/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sse-hub-server-proxy.h"

G_BEGIN_DECLS

#define SSE_HUB_TYPE_PERSONS_PAGE (sse_hub_persons_page_get_type ())
G_DECLARE_FINAL_TYPE (SseHubPersonsPage, sse_hub_persons_page, SSE_HUB, PERSONS_PAGE, AdwBin)

/* The person list with its add form and remove buttons.  Properties:
 *   hub (the hub whose person list it shows and adds to),
 *   has-persons (read-only: whether there is anything to clear). */
SseHubServerProxy *sse_hub_persons_page_get_hub         (SseHubPersonsPage *self);
void               sse_hub_persons_page_set_hub         (SseHubPersonsPage *self,
                                                         SseHubServerProxy *hub);
gboolean           sse_hub_persons_page_get_has_persons (SseHubPersonsPage *self);
/* Adds what the form holds, or shows why not under the form. */
void               sse_hub_persons_page_add_from_form   (SseHubPersonsPage *self);
void               sse_hub_persons_page_focus_form      (SseHubPersonsPage *self);
/* Clears at once and offers Undo in a toast. */
void               sse_hub_persons_page_clear           (SseHubPersonsPage *self);

G_END_DECLS
