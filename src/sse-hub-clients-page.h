/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sse-hub-server-proxy.h"

G_BEGIN_DECLS

#define SSE_HUB_TYPE_CLIENTS_PAGE (sse_hub_clients_page_get_type ())
G_DECLARE_FINAL_TYPE (SseHubClientsPage, sse_hub_clients_page, SSE_HUB, CLIENTS_PAGE, GtkWidget)

/* The connected clients, one row each, with counters that are redrawn once a
 * second while the page is on screen.  Properties:
 *   hub (the hub whose clients it lists),
 *   join-url (the address the empty page tells students to open),
 *   refreshing (read-only: whether that timer runs, only while mapped). */
SseHubServerProxy *sse_hub_clients_page_get_hub      (SseHubClientsPage *self);
void               sse_hub_clients_page_set_hub      (SseHubClientsPage *self,
                                                      SseHubServerProxy *hub);
const char        *sse_hub_clients_page_get_join_url (SseHubClientsPage *self);
void               sse_hub_clients_page_set_join_url (SseHubClientsPage *self,
                                                      const char        *join_url);
/* What the once-a-second timer does: redraw the changing counters. */
void               sse_hub_clients_page_refresh      (SseHubClientsPage *self);

G_END_DECLS
