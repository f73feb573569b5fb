/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sse-hub-join-panel.h"

G_BEGIN_DECLS

/* For the window's test API: the widgets a user reads. */
GtkLabel  *sse_hub_join_panel_get_url_label        (SseHubJoinPanel *self);
GtkWidget *sse_hub_join_panel_get_local_only_label (SseHubJoinPanel *self);

/* The join address follows the network: the panel reads the addresses
 * again a moment after GNetworkMonitor::network-changed, the handler of
 * which is this. */
void       sse_hub_join_panel_network_changed      (SseHubJoinPanel *self);

/* Where the addresses come from (NULL: sse_hub_server_dup_urls), so that a
 * test can pretend the laptop's addresses changed. */
typedef GStrv (*SseHubJoinPanelUrlsFunc) (SseHubServer *server);
void       sse_hub_join_panel_set_urls_func        (SseHubJoinPanel         *self,
                                                    SseHubJoinPanelUrlsFunc  dup_urls);

/* Side of the QR code in logical pixels: the window grows it with the room. */
void       sse_hub_join_panel_set_qr_size          (SseHubJoinPanel *self,
                                                    int              size);
int        sse_hub_join_panel_get_qr_size          (SseHubJoinPanel *self);

G_END_DECLS
