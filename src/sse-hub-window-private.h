/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sse-hub-window.h"

G_BEGIN_DECLS

/* For the window tests: the widgets a user would look at or type into. */
typedef struct
{
  GtkEditable    *name_entry;
  GtkSpinButton  *age_spin;
  GtkLabel       *form_error_label;
  GtkColumnView  *persons_view;
  GtkColumnView  *clients_view;
  GtkStack       *clients_stack;
  GtkListView    *log_view;
  GtkToggleButton *pause_button;
  GtkLabel       *status_label;
  GtkLabel       *url_label;
  GtkWidget      *local_only_label;
  GtkWidget      *join_scroller;
  GtkRevealer    *error_revealer;
  GtkLabel       *error_label;
  AdwViewStack   *view_stack;
} SseHubWindowWidgets;

void sse_hub_window_get_widgets     (SseHubWindow        *self,
                                     SseHubWindowWidgets *widgets);
/* What the once-a-second timer does: redraw the changing client counters. */
void sse_hub_window_refresh_clients (SseHubWindow        *self);

G_END_DECLS
