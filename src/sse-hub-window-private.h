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
  GtkLabel             *error_label;
  SseHubJoinPanel      *join_panel;
  GtkWidget            *join_separator;
  GtkWidget            *view_switcher;
  AdwLeaflet           *leaflet;
  SseHubPersonsPage    *persons_page;
  SseHubClientsPage    *clients_page;
  SseHubEventLogView   *event_log_view;

  /* owned */
  SseHubServer         *server;
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
  AdwLeaflet     *leaflet;
  GtkWidget      *persons_page;
  GtkWidget      *event_log_view;
  GtkWidget      *clients_page;
  GtkWidget      *view_switcher;
  GtkButton      *jump_button;
  GtkLabel       *refusal_label;
  SseHubJoinPanel *join_panel;
} SseHubWindowWidgets;

void     sse_hub_window_get_widgets            (SseHubWindow        *self,
                                                SseHubWindowWidgets *widgets);
/* What the once-a-second timer does: redraw the changing client counters. */
void     sse_hub_window_refresh_clients        (SseHubWindow        *self);
/* Whether that timer runs: only while the clients page is on screen. */
gboolean sse_hub_window_get_clients_refresh_active (SseHubWindow    *self);

G_END_DECLS
