/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sse-hub-window.h"

struct _SseHubWindow
{
  AdwApplicationWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (SseHubWindow, sse_hub_window, ADW_TYPE_APPLICATION_WINDOW)

static void
sse_hub_window_class_init (SseHubWindowClass *klass)
{
}

static void
sse_hub_window_init (SseHubWindow *self)
{
  gtk_window_set_title (GTK_WINDOW (self), "SSE Hub");
}
