/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SSE_HUB_TYPE_PREFERENCES_WINDOW (sse_hub_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (SseHubPreferencesWindow, sse_hub_preferences_window,
                      SSE_HUB, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* Every row is bound to the app's GSettings: changes apply at once. */
SseHubPreferencesWindow *sse_hub_preferences_window_new (GtkWindow *parent);

G_END_DECLS
