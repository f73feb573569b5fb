/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SSE_HUB_TYPE_WINDOW (sse_hub_window_get_type ())
G_DECLARE_FINAL_TYPE (SseHubWindow, sse_hub_window, SSE_HUB, WINDOW, AdwApplicationWindow)

G_END_DECLS
