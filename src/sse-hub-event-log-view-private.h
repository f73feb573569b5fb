/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sse-hub-event-log-view.h"

G_BEGIN_DECLS

/* For the window's test API. */
GtkListView     *sse_hub_event_log_view_get_list_view    (SseHubEventLogView *self);
GtkToggleButton *sse_hub_event_log_view_get_pause_button (SseHubEventLogView *self);
GtkButton       *sse_hub_event_log_view_get_jump_button  (SseHubEventLogView *self);
/* Whether new entries scroll into view: until the presenter scrolls away. */
gboolean         sse_hub_event_log_view_get_following    (SseHubEventLogView *self);

G_END_DECLS
