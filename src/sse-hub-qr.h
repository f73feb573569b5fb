/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SSE_HUB_TYPE_QR (sse_hub_qr_get_type ())
G_DECLARE_FINAL_TYPE (SseHubQr, sse_hub_qr, SSE_HUB, QR, GObject)

/* A QR code as a GdkPaintable.  It draws whole device pixels per module at
 * any size (the texture for the current size is rendered once and cached),
 * so the code stays sharp on a projector instead of being smoothed by a
 * scaled texture.  NULL when the text does not fit a QR code. */
SseHubQr   *sse_hub_qr_new          (const char *text);
const char *sse_hub_qr_get_text     (SseHubQr   *self);
/* Modules per side, quiet zone included. */
guint       sse_hub_qr_get_n_modules (SseHubQr  *self);
gboolean    sse_hub_qr_is_dark      (SseHubQr   *self,
                                     guint       x,
                                     guint       y);
/* Device pixels per logical pixel of the widget showing it (HiDPI). */
void        sse_hub_qr_set_scale_factor (SseHubQr *self,
                                         int       scale_factor);

G_END_DECLS
