/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SSE_HUB_TYPE_APPLICATION (sse_hub_application_get_type ())
G_DECLARE_FINAL_TYPE (SseHubApplication, sse_hub_application, SSE_HUB, APPLICATION, AdwApplication)

SseHubApplication *sse_hub_application_new (const char        *application_id,
                                            GApplicationFlags  flags);

G_END_DECLS
