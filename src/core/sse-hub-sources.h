/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <glib-unix.h>

G_BEGIN_DECLS

/* The core's timers, idles and fd watches attach to the context that is
 * thread-default where they are added (the global default when none is),
 * as libsoup, GTask and the journal do: a hub made on a thread of its own,
 * with its own context pushed, runs there entirely.  g_timeout_add() and
 * friends would attach to the global default context instead. */
guint sse_hub_timeout_add_full         (gint              priority,
                                        guint             interval_ms,
                                        GSourceFunc       func,
                                        gpointer          data,
                                        GDestroyNotify    notify);
guint sse_hub_timeout_add_seconds_full (gint              priority,
                                        guint             interval_s,
                                        GSourceFunc       func,
                                        gpointer          data,
                                        GDestroyNotify    notify);
guint sse_hub_idle_add_full            (gint              priority,
                                        GSourceFunc       func,
                                        gpointer          data,
                                        GDestroyNotify    notify);
guint sse_hub_fd_add_full              (gint              priority,
                                        int               fd,
                                        GIOCondition      condition,
                                        GUnixFDSourceFunc func,
                                        gpointer          data,
                                        GDestroyNotify    notify);
/* Removes a source added above, on the thread it was added on. */
void  sse_hub_source_remove            (guint             id);

#define sse_hub_timeout_add(ms, func, data) \
  sse_hub_timeout_add_full (G_PRIORITY_DEFAULT, (ms), (func), (data), NULL)
#define sse_hub_timeout_add_seconds(s, func, data) \
  sse_hub_timeout_add_seconds_full (G_PRIORITY_DEFAULT, (s), (func), (data), NULL)

G_END_DECLS
