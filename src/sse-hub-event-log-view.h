/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sse-hub-server-proxy.h"

G_BEGIN_DECLS

#define SSE_HUB_TYPE_EVENT_LOG_VIEW (sse_hub_event_log_view_get_type ())
G_DECLARE_FINAL_TYPE (SseHubEventLogView, sse_hub_event_log_view, SSE_HUB, EVENT_LOG_VIEW, AdwBin)

/* The hub's event log as it happens: filters by kind, a pause that freezes
 * the view while the log goes on, and following the newest entry unless the
 * presenter scrolled back.  Property: hub (the hub whose log it shows). */
SseHubServerProxy *sse_hub_event_log_view_get_hub (SseHubEventLogView *self);
void               sse_hub_event_log_view_set_hub (SseHubEventLogView *self,
                                                   SseHubServerProxy  *hub);
/* Empties the hub's log, and the frozen copy when paused. */
void               sse_hub_event_log_view_clear   (SseHubEventLogView *self);
/* The shown entries (filtered, frozen when paused) as text: on the
 * clipboard, or into a file the presenter picks. */
void               sse_hub_event_log_view_copy    (SseHubEventLogView *self);
void               sse_hub_event_log_view_export  (SseHubEventLogView *self);

G_END_DECLS
