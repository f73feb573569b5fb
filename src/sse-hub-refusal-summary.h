/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Refusals, drops and limit hits, summarised for a terminal: the first one
 * of a kind opens a one-second window, and when it ends one line tells how
 * many there were and from where.  A kind is the words that say what
 * happened (a refusal's sentence, in English: the lines are for terminals
 * and scripts).  The caller owns the clock (monotonic µs), so tests can
 * drive it. */
#define SSE_HUB_REFUSAL_SUMMARY_WINDOW_USEC G_USEC_PER_SEC

#define SSE_HUB_TYPE_REFUSAL_SUMMARY (sse_hub_refusal_summary_get_type ())
G_DECLARE_FINAL_TYPE (SseHubRefusalSummary, sse_hub_refusal_summary, SSE_HUB, REFUSAL_SUMMARY, GObject)

SseHubRefusalSummary *sse_hub_refusal_summary_new          (void);
/* peer: the remote address, or NULL when the refusal has none. */
void                  sse_hub_refusal_summary_add          (SseHubRefusalSummary *self,
                                                            const char           *what,
                                                            const char           *peer,
                                                            gint64                now);
/* When the next line is due, or -1 while every kind is quiet. */
gint64                sse_hub_refusal_summary_get_next_due (SseHubRefusalSummary *self);
/* The lines of the windows that have ended by now, oldest first, without
 * a newline; their kinds are quiet again. */
GStrv                 sse_hub_refusal_summary_take_due     (SseHubRefusalSummary *self,
                                                            gint64                now);

G_END_DECLS
