/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <qrencode.h>
#include <string.h>

#include "sse-hub-qr.h"

/* The quiet zone the standard asks for around the code, in modules. */
#define QUIET_ZONE 4
/* Intrinsic size per module: a sensible natural size for GtkPicture. */
#define NATURAL_MODULE_PIXELS 8

struct _SseHubQr
{
  GObject     parent_instance;

  /* owned */
  char       *text;
  guint8     *modules;       /* n_modules², TRUE = dark, quiet zone included */
  GdkTexture *texture;       /* rendered at texture_module_pixels per module */

  guint       n_modules;
  guint       texture_module_pixels;
  int         scale_factor;
};

static void sse_hub_qr_paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SseHubQr, sse_hub_qr, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      sse_hub_qr_paintable_iface_init))

static GdkTexture *
render_texture (SseHubQr *self,
                guint     module_pixels)
{
  gsize side = (gsize) self->n_modules * module_pixels;
  gsize stride = side * 3;
  g_autofree guint8 *pixels = g_malloc (stride * side);
  g_autoptr(GBytes) bytes = NULL;

  for (gsize y = 0; y < side; y++)
    {
      guint8 *row = pixels + y * stride;
      const guint8 *modules = self->modules + (y / module_pixels) * self->n_modules;

      for (gsize x = 0; x < side; x++)
        memset (row + x * 3, modules[x / module_pixels] ? 0x00 : 0xff, 3);
    }

  bytes = g_bytes_new_take (g_steal_pointer (&pixels), stride * side);
  return gdk_memory_texture_new (side, side, GDK_MEMORY_R8G8B8, bytes, stride);
}

static void
sse_hub_qr_snapshot (GdkPaintable *paintable,
                     GdkSnapshot  *snapshot,
                     double        width,
                     double        height)
{
  SseHubQr *self = SSE_HUB_QR (paintable);
  int scale = self->scale_factor;
  double side = MIN (width, height) * scale;
  guint module_pixels = MAX (1, (guint) (side / self->n_modules));
  double drawn = (double) module_pixels * self->n_modules / scale;
  double x, y;

  if (self->texture == NULL || self->texture_module_pixels != module_pixels)
    {
      g_clear_object (&self->texture);
      self->texture = render_texture (self, module_pixels);
      self->texture_module_pixels = module_pixels;
    }

  /* Whole device pixels per module, centred on a whole device pixel: drawn
   * 1:1, so the renderer never has to filter it. */
  x = (double) (int) ((width - drawn) / 2 * scale) / scale;
  y = (double) (int) ((height - drawn) / 2 * scale) / scale;
  gtk_snapshot_append_texture (GTK_SNAPSHOT (snapshot), self->texture,
                               &GRAPHENE_RECT_INIT (x, y, drawn, drawn));
}

static int
sse_hub_qr_get_intrinsic_width (GdkPaintable *paintable)
{
  return SSE_HUB_QR (paintable)->n_modules * NATURAL_MODULE_PIXELS;
}

static double
sse_hub_qr_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  return 1.0;
}

static GdkPaintableFlags
sse_hub_qr_get_flags (GdkPaintable *paintable)
{
  return GDK_PAINTABLE_STATIC_CONTENTS | GDK_PAINTABLE_STATIC_SIZE;
}

static void
sse_hub_qr_paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = sse_hub_qr_snapshot;
  iface->get_intrinsic_width = sse_hub_qr_get_intrinsic_width;
  iface->get_intrinsic_height = sse_hub_qr_get_intrinsic_width;
  iface->get_intrinsic_aspect_ratio = sse_hub_qr_get_intrinsic_aspect_ratio;
  iface->get_flags = sse_hub_qr_get_flags;
}

static void
sse_hub_qr_finalize (GObject *object)
{
  SseHubQr *self = SSE_HUB_QR (object);

  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->modules, g_free);
  g_clear_object (&self->texture);

  G_OBJECT_CLASS (sse_hub_qr_parent_class)->finalize (object);
}

static void
sse_hub_qr_class_init (SseHubQrClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sse_hub_qr_finalize;
}

static void
sse_hub_qr_init (SseHubQr *self)
{
  self->scale_factor = 1;
}

SseHubQr *
sse_hub_qr_new (const char *text)
{
  QRcode *code;
  SseHubQr *self;

  g_return_val_if_fail (text != NULL, NULL);

  /* Medium error correction: survives a projector's glare and keystone
   * without making a long URL too dense to scan from the back. */
  code = QRcode_encodeString8bit (text, 0, QR_ECLEVEL_M);
  if (code == NULL)
    return NULL;

  self = g_object_new (SSE_HUB_TYPE_QR, NULL);
  self->text = g_strdup (text);
  self->n_modules = code->width + 2 * QUIET_ZONE;
  self->modules = g_malloc0 ((gsize) self->n_modules * self->n_modules);

  /* libqrencode sets bit 0 of each byte for a dark module. */
  for (int y = 0; y < code->width; y++)
    for (int x = 0; x < code->width; x++)
      self->modules[(y + QUIET_ZONE) * self->n_modules + x + QUIET_ZONE] =
        code->data[y * code->width + x] & 1;

  QRcode_free (code);
  return self;
}

const char *
sse_hub_qr_get_text (SseHubQr *self)
{
  g_return_val_if_fail (SSE_HUB_IS_QR (self), NULL);
  return self->text;
}

guint
sse_hub_qr_get_n_modules (SseHubQr *self)
{
  g_return_val_if_fail (SSE_HUB_IS_QR (self), 0);
  return self->n_modules;
}

gboolean
sse_hub_qr_is_dark (SseHubQr *self,
                    guint     x,
                    guint     y)
{
  g_return_val_if_fail (SSE_HUB_IS_QR (self), FALSE);
  g_return_val_if_fail (x < self->n_modules && y < self->n_modules, FALSE);
  return self->modules[y * self->n_modules + x];
}

void
sse_hub_qr_set_scale_factor (SseHubQr *self,
                             int       scale_factor)
{
  g_return_if_fail (SSE_HUB_IS_QR (self));
  g_return_if_fail (scale_factor >= 1);

  /* No invalidation: a widget whose scale changes is redrawn anyway, and
   * the next snapshot renders for the new pixel size. */
  self->scale_factor = scale_factor;
}
