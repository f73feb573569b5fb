/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sse-hub-server-proxy.h"

G_BEGIN_DECLS

#define SSE_HUB_TYPE_JOIN_PANEL (sse_hub_join_panel_get_type ())
G_DECLARE_FINAL_TYPE (SseHubJoinPanel, sse_hub_join_panel, SSE_HUB, JOIN_PANEL, AdwBin)

/* How the class joins: the address, its QR code, copy and open buttons, and
 * a warning when the hub listens on this computer only.  Properties:
 *   hub (the hub it shows),
 *   join-url (read-only: the address a browser should open, NULL when not
 *   serving). */
SseHubServerProxy *sse_hub_join_panel_get_hub      (SseHubJoinPanel   *self);
void               sse_hub_join_panel_set_hub      (SseHubJoinPanel   *self,
                                                    SseHubServerProxy *hub);
const char        *sse_hub_join_panel_get_join_url (SseHubJoinPanel   *self);

G_END_DECLS
