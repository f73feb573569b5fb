/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sse-hub-refusal.h"

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

/* What an entry records.  An entry holds its event and fields, not a
 * sentence: sse_hub_log_entry_dup_sentence() words it where it is shown,
 * in the presenter's language or in English. */
typedef enum
{
  SSE_HUB_LOG_EVENT_FRAME,           /* bytes as they went over the wire: text */
  SSE_HUB_LOG_EVENT_LIST_SENT,       /* client_id sent no Last-Event-ID; text: the list frame */
  SSE_HUB_LOG_EVENT_LIST_RESENT,     /* client_id sent last_event_id, the list is at revision */
  SSE_HUB_LOG_EVENT_LIST_SKIPPED,    /* client_id sent the current last_event_id */
  SSE_HUB_LOG_EVENT_REQUEST,         /* method path answered status; text: the answer */
  SSE_HUB_LOG_EVENT_REFUSAL,         /* refusal (with method, path, status); text: the answer */
  SSE_HUB_LOG_EVENT_STARTED,         /* number: the port */
  SSE_HUB_LOG_EVENT_STOPPED,
  SSE_HUB_LOG_EVENT_DROPPED_ALL,     /* number: streams ended by the presenter */
  SSE_HUB_LOG_EVENT_DISCONNECTED,    /* client_id (peer) ended by the presenter */
  SSE_HUB_LOG_EVENT_SLOW_CLIENT,     /* client_id (peer) dropped: number bytes queued, limit the cap */
  SSE_HUB_LOG_EVENT_PERSON_ADDED,    /* by the presenter; text: the person */
  SSE_HUB_LOG_EVENT_PERSON_REMOVED,  /* by the presenter; text: the person, or number: its position */
  SSE_HUB_LOG_EVENT_LIST_CLEARED,    /* by the presenter; number: persons */
  SSE_HUB_LOG_EVENT_DESCRIPTORS_OUT, /* new connections wait for free descriptors */
  SSE_HUB_LOG_EVENT_ACCEPT_FAILED,   /* accepting failed: listening again */
  SSE_HUB_LOG_EVENT_ACCEPTING_AGAIN, /* the end of either stall */
  SSE_HUB_LOG_EVENT_UPGRADED,        /* client_id (peer) answered 101 with ws_accept for its
                                      * ws_key; text: the head */
  SSE_HUB_LOG_EVENT_SOCKET_IN,       /* client_id (peer) sent a socket message of bytes; text: it */
  SSE_HUB_LOG_EVENT_PONG_MISSED,     /* client_id (peer) dropped: no pong within number s */
  SSE_HUB_LOG_EVENT_FAIR_SHARE,      /* client_id (peer) closed for a computer with no stream; number: the streams peer held */
} SseHubLogEvent;

/* An entry to append: only the fields its event uses need be set. */
typedef struct
{
  SseHubLogKind   kind;
  SseHubLogEvent  event;
  const char     *event_name;  /* its short name in the log's heading */
  const char     *peer;        /* the remote address it is about, or NULL */
  guint           recipients;
  gsize           bytes;       /* bytes on the wire it stands for */
  const char     *text;        /* the bytes it is about; only a prefix is kept */
  gssize          text_length; /* -1: text ends in a NUL */
  SseHubRefusal   refusal;
  guint           status;
  const char     *method;
  const char     *path;
  const char     *last_event_id;
  const char     *revision;
  const char     *ws_key;      /* the upgrade's Sec-WebSocket-Key */
  const char     *ws_accept;   /* and the Sec-WebSocket-Accept answered */
  gboolean        websocket;   /* LIST_*: the client is on a WebSocket, not SSE */
  guint64         client_id;
  guint64         number;
  guint64         limit;
  guint64         elapsed_ms;  /* how long something lasted: a backlog left undrained */
} SseHubLogRecord;

#define SSE_HUB_TYPE_LOG_ENTRY (sse_hub_log_entry_get_type ())
G_DECLARE_FINAL_TYPE (SseHubLogEntry, sse_hub_log_entry, SSE_HUB, LOG_ENTRY, GObject)

gint64        sse_hub_log_entry_get_time       (SseHubLogEntry *self);
SseHubLogKind sse_hub_log_entry_get_kind       (SseHubLogEntry *self);
const char   *sse_hub_log_entry_get_event_name (SseHubLogEntry *self);
guint         sse_hub_log_entry_get_recipients (SseHubLogEntry *self);
gsize         sse_hub_log_entry_get_bytes      (SseHubLogEntry *self);
const char   *sse_hub_log_entry_get_peer       (SseHubLogEntry *self);
/* The bytes the entry is about (a frame, an answer, a person), or "". */
const char   *sse_hub_log_entry_get_text       (SseHubLogEntry *self);
SseHubLogEvent sse_hub_log_entry_get_event     (SseHubLogEntry *self);
/* Every field; its strings live as long as the entry. */
const SseHubLogRecord *sse_hub_log_entry_get_record (SseHubLogEntry *self);
/* What happened, in one line: translated when translate is TRUE (the
 * window), English otherwise (headless output, scripts); NULL for a frame,
 * which speaks for itself. */
char         *sse_hub_log_entry_dup_sentence   (SseHubLogEntry *self,
                                                gboolean        translate);
/* The sentence followed by the entry's text: the whole entry as read. */
char         *sse_hub_log_entry_dup_body       (SseHubLogEntry *self,
                                                gboolean        translate);

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
/* Appends a copy of record, its strings included. */
void            sse_hub_event_log_add        (SseHubEventLog        *self,
                                              const SseHubLogRecord *record);
/* A frame: bytes as they went over the wire. */
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
