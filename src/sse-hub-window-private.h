/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sse-hub-clients-page.h"
#include "sse-hub-event-log-view.h"
#include "sse-hub-join-panel.h"
#include "sse-hub-persons-page.h"
#include "sse-hub-window.h"

G_BEGIN_DECLS

/* Shared by sse-hub-window.c (wiring) and sse-hub-window-actions.c. */
struct _SseHubWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwHeaderBar         *header_bar;
  GtkRevealer          *toast_room;
  GtkButton            *serve_button;
  GtkLabel             *status_label;
  GtkRevealer          *error_revealer;
  GtkRevealer          *disk_full_revealer;
  GtkLabel             *error_label;
  SseHubJoinPanel      *join_panel;
  GtkWidget            *join_separator;
  GtkWidget            *view_switcher;
  AdwLeaflet           *leaflet;
  SseHubPersonsPage    *persons_page;
  SseHubClientsPage    *clients_page;
  SseHubEventLogView   *event_log_view;

  /* owned */
  SseHubServerProxy    *hub;
  GSettings            *settings;
  GtkCssProvider       *zoom_provider;
  char                 *error_message;
  guint                 status_source;
  guint                 qr_size_source;
  guint                 switcher_source;
  int                   qr_size;           /* what the window size asks for */
  gboolean              presentation_mode;
  gboolean              close_confirmed;   /* asked, or nothing to ask */
};

/* sse-hub-window-actions.c: the win.* actions, their key bindings and zoom. */
void _sse_hub_window_class_actions_init (GtkWidgetClass *widget_class);
void _sse_hub_window_actions_init       (SseHubWindow   *self);
void _sse_hub_window_actions_dispose    (SseHubWindow   *self);
/* Drop All Connections and Send Event work only while serving. */
void _sse_hub_window_update_teaching_actions (SseHubWindow *self);
/* Asks before a close ends streams; TRUE while the question is open. */
gboolean _sse_hub_window_confirm_close  (SseHubWindow   *self);
/* Zoom follows the presentation-text-scale key while presenting. */
void _sse_hub_window_apply_text_scale   (SseHubWindow   *self);

G_END_DECLS
