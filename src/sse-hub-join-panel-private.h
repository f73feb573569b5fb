/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sse-hub-join-panel.h"

G_BEGIN_DECLS

/* For the window's test API: the widgets a user reads. */
GtkLabel  *sse_hub_join_panel_get_url_label        (SseHubJoinPanel *self);
GtkWidget *sse_hub_join_panel_get_local_only_label (SseHubJoinPanel *self);

G_END_DECLS
