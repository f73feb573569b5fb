/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  SSE_HUB_LOG_PERSONS,    /* the person list went out */
  SSE_HUB_LOG_CLIENTS,    /* the client list went out */
  SSE_HUB_LOG_HELLO,      /* retry + hello to one new client */
  SSE_HUB_LOG_KEEPALIVE,  /* keep-alive comment */
  SSE_HUB_LOG_REQUEST,    /* an accepted HTTP request */
  SSE_HUB_LOG_REFUSAL,    /* a refused request or a dropped client */
  SSE_HUB_LOG_NOTICE,     /* the hub itself: started, stopped, recovered a file */
} SseHubLogKind;

#define SSE_HUB_TYPE_LOG_ENTRY (sse_hub_log_entry_get_type ())
G_DECLARE_FINAL_TYPE (SseHubLogEntry, sse_hub_log_entry, SSE_HUB, LOG_ENTRY, GObject)

gint64        sse_hub_log_entry_get_time       (SseHubLogEntry *self);
SseHubLogKind sse_hub_log_entry_get_kind       (SseHubLogEntry *self);
const char   *sse_hub_log_entry_get_event_name (SseHubLogEntry *self);
guint         sse_hub_log_entry_get_recipients (SseHubLogEntry *self);
gsize         sse_hub_log_entry_get_bytes      (SseHubLogEntry *self);
const char   *sse_hub_log_entry_get_peer       (SseHubLogEntry *self);
const char   *sse_hub_log_entry_get_text       (SseHubLogEntry *self);

#define SSE_HUB_TYPE_EVENT_LOG (sse_hub_event_log_get_type ())
G_DECLARE_FINAL_TYPE (SseHubEventLog, sse_hub_event_log, SSE_HUB, EVENT_LOG, GObject)

#define SSE_HUB_EVENT_LOG_DEFAULT_MAX_ENTRIES 500
/* An entry keeps at most this many bytes of its text, then a marker with
 * the text's true length: a full log of whole frames would take ~100 MB. */
#define SSE_HUB_EVENT_LOG_MAX_TEXT            4096

/* The newest max-entries entries, as a GListModel of SseHubLogEntry.  Appends
 * are batched and reach the model at most ten times a second, so a busy hub
 * costs a view one update per batch instead of one per frame.  The
 * "entry-added" signal reports every entry at once, even those a storm
 * pushes out before they reach the model. */
SseHubEventLog *sse_hub_event_log_new        (guint           max_entries);
void            sse_hub_event_log_append     (SseHubEventLog *self,
                                              SseHubLogKind   kind,
                                              const char     *event_name,
                                              guint           recipients,
                                              gsize           bytes,
                                              const char     *text);
/* peer: the remote address the entry is about, or NULL.  text need not end
 * in a NUL when text_length is not -1; only the kept prefix is copied. */
void            sse_hub_event_log_append_full (SseHubEventLog *self,
                                               SseHubLogKind   kind,
                                               const char     *event_name,
                                               const char     *peer,
                                               guint           recipients,
                                               gsize           bytes,
                                               const char     *text,
                                               gssize          text_length);
/* Moves pending entries into the model now (tests, export). */
void            sse_hub_event_log_flush      (SseHubEventLog *self);
void            sse_hub_event_log_clear      (SseHubEventLog *self);
/* Puts entries taken before a clear back in front of the newer ones (the
 * window's Undo), as many as max-entries leaves room for. */
void            sse_hub_event_log_restore    (SseHubEventLog *self,
                                              GPtrArray      *entries);
guint           sse_hub_event_log_get_max_entries (SseHubEventLog *self);

G_END_DECLS
