/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sse-hub-join-panel.h"

G_BEGIN_DECLS

/* For sse-hub-window.c: the side of the QR code in logical pixels, which
 * the window grows with the room. */
void sse_hub_join_panel_set_qr_size   (SseHubJoinPanel *self,
                                       int              size);

/* Where the addresses come from (NULL: sse_hub_server_proxy_dup_urls).  The
 * one seam left for tests: an unprivileged test cannot give the machine a
 * new address, yet the panel must be seen to follow one. */
typedef GStrv (*SseHubJoinPanelUrlsFunc) (SseHubServerProxy *hub);
void sse_hub_join_panel_set_urls_func (SseHubJoinPanel         *self,
                                       SseHubJoinPanelUrlsFunc  dup_urls);

G_END_DECLS
