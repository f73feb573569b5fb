/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The one widget walker of the window tests: finds widgets the way a user
 * picks them out, by kind, by the words on them, by the action they run or
 * by a style class, or by the id GtkBuilder gave them in the .ui file,
 * rather than through fields the app exports for tests. */

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Every field that is set must match; 0 and NULL match anything. */
typedef struct
{
  GType       type;
  /* A label's shown text, a button's label or a preferences row's title. */
  const char *text;
  /* What a GtkActionable runs, e.g. "win.clear-persons". */
  const char *action_name;
  const char *css_class;
  /* The id in the .ui file (gtk_buildable_get_buildable_id). */
  const char *id;
  gboolean    mapped;        /* only widgets on screen */
  gboolean    visible;       /* only visible widgets */
  /* A popover is a surface of its own (its own mnemonics, say): leave out
   * what is inside one. */
  gboolean    skip_popovers;
} WidgetQuery;

/* Depth first from root, root included, in the order of the tree. */
GPtrArray *widget_find_all      (gpointer           root,
                                 const WidgetQuery *query);
/* The first match under root, or NULL. */
GtkWidget *widget_find          (gpointer           root,
                                 const WidgetQuery *query);
/* The first toplevel window (dialogs included) that matches, or NULL. */
GtkWidget *widget_find_toplevel (const WidgetQuery *query);

/* The first mapped label under root that shows exactly text, or NULL. */
GtkLabel  *widget_find_label    (gpointer           root,
                                 const char        *text);

/* The widget under root whose .ui id is id and whose type is type; a test
 * error if there is none. */
gpointer   widget_find_id       (gpointer           root,
                                 GType              type,
                                 const char        *id);

G_END_DECLS
