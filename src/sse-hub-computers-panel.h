/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "sse-hub-server-proxy.h"

G_BEGIN_DECLS

#define SSE_HUB_TYPE_COMPUTERS_PANEL (sse_hub_computers_panel_get_type ())
G_DECLARE_FINAL_TYPE (SseHubComputersPanel, sse_hub_computers_panel, SSE_HUB, COMPUTERS_PANEL, GtkWidget)

/* The streams grouped by computer with their count, each computer with
 * Remove Its Persons (Undo in a toast) and Block; blocked computers with
 * Unblock.  Window actions: computers.block, computers.unblock and
 * computers.remove-persons, each taking the computer (s). */
void sse_hub_computers_panel_set_hub (SseHubComputersPanel *self,
                                      SseHubServerProxy    *hub);

G_END_DECLS
