/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sse-hub-server-proxy.h"

G_BEGIN_DECLS

#define SSE_HUB_TYPE_EVENT_COMPOSER (sse_hub_event_composer_get_type ())
G_DECLARE_FINAL_TYPE (SseHubEventComposer, sse_hub_event_composer, SSE_HUB, EVENT_COMPOSER,
                      AdwWindow)

/* A modal window that composes one named event (name, data over several
 * lines, an optional id), shows the exact bytes it puts on the wire, and
 * publishes it to every client through the hub.  Names the hub uses itself
 * are refused in the window. */
SseHubEventComposer *sse_hub_event_composer_new (GtkWindow         *parent,
                                                 SseHubServerProxy *hub);

/* For the window tests: the fields a presenter types into. */
typedef struct
{
  GtkEditable *name_entry;
  GtkEditable *id_entry;
  GtkTextView *data_view;
  GtkLabel    *preview_label;
  GtkLabel    *error_label;
  GtkButton   *send_button;
} SseHubEventComposerWidgets;

void sse_hub_event_composer_get_widgets (SseHubEventComposer        *self,
                                         SseHubEventComposerWidgets *widgets);

G_END_DECLS
