/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sse-hub-toast.h"

void
sse_hub_toast_show (GtkWidget  *widget,
                    const char *text)
{
  GtkWidget *overlay;
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (text != NULL);

  overlay = ADW_IS_TOAST_OVERLAY (widget)
              ? widget : gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    return;

  /* AdwToast titles are Pango markup in libadwaita 1.2: escape everything. */
  escaped = g_markup_escape_text (text, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, 3);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}
