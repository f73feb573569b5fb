/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The window tests' fixture: the app's hub (on its own thread, behind
 * SseHubServerProxy) on an ephemeral loopback port with a window on it, the
 * main-loop waits, and what several widget tests do the way a presenter or
 * a browser would.  Streams are hub-test's peers, read whenever these
 * helpers run the main loop. */

#include <adwaita.h>

#include "hub-test.h"
#include "sse-hub-clients-page.h"
#include "sse-hub-event-log-view.h"
#include "sse-hub-join-panel.h"
#include "sse-hub-persons-page.h"
#include "sse-hub-window.h"
#include "widget-finder.h"

G_BEGIN_DECLS

#define TIMEOUT_SECONDS 15

extern const char firefox_agent[];
extern const char iphone_agent[];
extern const char android_agent[];

/* The widgets a user looks at or types into, found in the window's tree. */
typedef struct
{
  GtkEditable     *name_entry;
  GtkSpinButton   *age_spin;
  GtkLabel        *form_error_label;
  GtkColumnView   *persons_view;
  GtkColumnView   *clients_view;
  GtkStack        *clients_stack;
  GtkListView     *log_view;
  GtkToggleButton *pause_button;
  GtkLabel        *status_label;
  GtkLabel        *url_label;
  GtkWidget       *local_only_label;
  GtkWidget       *join_scroller;
  GtkRevealer     *error_revealer;
  GtkLabel        *error_label;
  AdwLeaflet      *leaflet;
  GtkWidget       *persons_page;
  GtkWidget       *event_log_view;
  GtkWidget       *clients_page;
  GtkWidget       *view_switcher;
  GtkButton       *jump_button;
  GtkLabel        *refusal_label;
  SseHubJoinPanel *join_panel;
} UiWidgets;

void     ui_widgets_find          (SseHubWindow  *window,
                                   UiWidgets     *widgets);

typedef struct
{
  char                *dir;
  char                *data_file;
  SseHubServerProxy   *hub;
  SseHubWindow        *window;
  UiWidgets            w;
  guint                port;
} Fixture;

/* Locale for the zh_CN run, g_test_init() and the registered (not run)
 * application the windows belong to. */
AdwApplication *ui_test_init      (int           *argc,
                                   char        ***argv);
/* g_test_run(), then lets the application go. */
int             ui_test_run       (AdwApplication *app);

/* user_data: NULL, or a sync delay in milliseconds as a string. */
void     fixture_set_up           (Fixture       *fixture,
                                   gconstpointer  user_data);
void     fixture_tear_down        (Fixture       *fixture,
                                   gconstpointer  user_data);
#define UI_TEST_ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

/* Lets the window lay out and draw: list rows only exist once allocated. */
void     settle                   (guint          ms);
typedef gboolean (*Condition) (gpointer data);
/* Runs the main loop (and reads the peers) until condition holds; a test
 * error after TIMEOUT_SECONDS. */
void     wait_until               (Condition      condition,
                                   gpointer       data,
                                   const char    *what);
/* Waits for a frame with this event (NULL = unnamed) whose data holds
 * data_part (NULL = any data). */
void     wait_for_frame           (TestPeer      *peer,
                                   const char    *event,
                                   const char    *data_part);

/* Something the window shows reaching a number: persons (the window's
 * mirror of the list), client rows. */
typedef struct
{
  Fixture  *fixture;
  guint   (*count) (Fixture *fixture);
  guint     expected;
} Count;

gboolean count_reached            (gpointer       count);
guint    n_persons                (Fixture       *fixture);
guint    n_client_rows            (Fixture       *fixture);
/* Changes reach the list once they are on disk. */
void     wait_for_persons         (Fixture       *fixture,
                                   guint          persons);

/* Adds through the hub's own path, not the form (no toast), and waits
 * until it is saved and in the window's list. */
void     hub_add                  (Fixture       *fixture,
                                   const char    *name,
                                   gint64         age);
/* Types into the form and presses Add, as the presenter would. */
void     submit_form              (Fixture       *fixture,
                                   const char    *name,
                                   int            age);
/* A browser's POST /addPerson, left to the hub to answer. */
GSocketConnection *post_person    (Fixture       *fixture,
                                   const char    *body);
/* Conditions: one row of the persons list stands out as new, or none. */
gboolean has_fresh_row            (gpointer       fixture);
gboolean has_no_fresh_row         (gpointer       fixture);

/* The join address as the label shows it: the whole address, the scheme
 * and path in small type. */
void     assert_shows_url         (Fixture       *fixture,
                                   const char    *url);
/* The join address is on one line, all of it within the label. */
void     assert_url_on_one_line   (Fixture       *fixture);
/* Sets the default size and waits until the window and its switcher have
 * followed. */
void     resize                   (Fixture       *fixture,
                                   int            width,
                                   int            height);

/* Where the first log entry with this event name (and text holding part,
 * if not NULL) is in the window's log, once the hub's pending entries are
 * in; -1 if none. */
int      log_position             (Fixture       *fixture,
                                   const char    *event_name,
                                   const char    *part);
void     wait_for_log             (Fixture       *fixture,
                                   const char    *event_name,
                                   const char    *part);

G_END_DECLS
