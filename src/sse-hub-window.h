/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sse-hub-server-proxy.h"

G_BEGIN_DECLS

#define SSE_HUB_TYPE_WINDOW (sse_hub_window_get_type ())
G_DECLARE_FINAL_TYPE (SseHubWindow, sse_hub_window, SSE_HUB, WINDOW, AdwApplicationWindow)

/* The presenter's window over a hub it does not own: the application (or a
 * test) creates, configures and shuts down the hub, which runs on a thread
 * of its own; the window reads it only through the proxy's mirrors, and
 * starts or stops serving on request. */
SseHubWindow      *sse_hub_window_new      (GtkApplication    *application,
                                            SseHubServerProxy *hub);
SseHubServerProxy *sse_hub_window_get_hub  (SseHubWindow      *self);
/* Starts serving; a failure is shown in the window, never raised. */
gboolean      sse_hub_window_start_serving (SseHubWindow   *self);
/* Shows a problem in the banner under the header bar, as plain text. */
void          sse_hub_window_show_error    (SseHubWindow   *self,
                                            const char     *message);
/* Quits the application, after asking while clients are connected. */
void          sse_hub_window_request_quit  (SseHubWindow   *self);

/* Properties behind the stateful actions win.view and win.presentation-mode:
 *   view ("persons", "log" or "clients": the view shown, or focused when
 *   they are side by side),
 *   presentation-mode (full screen at the presentation-text-scale zoom). */
const char   *sse_hub_window_get_view      (SseHubWindow   *self);
void          sse_hub_window_set_view      (SseHubWindow   *self,
                                            const char     *view);
gboolean      sse_hub_window_get_presentation_mode (SseHubWindow *self);
void          sse_hub_window_set_presentation_mode (SseHubWindow *self,
                                                    gboolean      presentation_mode);

G_END_DECLS
