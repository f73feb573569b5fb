/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Shows text, taken literally, in widget if it is a toast overlay, else in
 * the nearest one around it; nowhere when there is none (a page on its own). */
void sse_hub_toast_show (GtkWidget  *widget,
                         const char *text);

G_END_DECLS
