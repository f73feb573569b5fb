/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Pure functions of the wire contract: SSE frame formatting, event
 * payloads, response heads and headers, person validation and request-body
 * parsing.  No I/O and no state, so the HTTP server, the window and the
 * fuzzers all share exactly the same rules.  Implemented in sse-hub-wire.c
 * (outbound) and sse-hub-wire-parse.c (inbound). */

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define SSE_HUB_NAME_MAX_CHARS   64
#define SSE_HUB_AGE_MAX          150
#define SSE_HUB_BODY_MAX_BYTES   (16 * 1024)

#define SSE_HUB_ERROR (sse_hub_error_quark ())
GQuark sse_hub_error_quark (void);

/* Each refusal maps to one HTTP status and one offending field, so the JSON
 * error body and the window's inline message are derived from the GError. */
typedef enum
{
  SSE_HUB_ERROR_INVALID_NAME,
  SSE_HUB_ERROR_INVALID_AGE,
  SSE_HUB_ERROR_INVALID_BODY,
  SSE_HUB_ERROR_UNSUPPORTED_TYPE,
  SSE_HUB_ERROR_TOO_LARGE,
  SSE_HUB_ERROR_WRITES_DISABLED,
  SSE_HUB_ERROR_RATE_LIMITED,
  SSE_HUB_ERROR_STORE_FULL,
  SSE_HUB_ERROR_STORAGE,
  SSE_HUB_ERROR_NOT_FOUND,
  SSE_HUB_ERROR_METHOD_NOT_ALLOWED,
  SSE_HUB_ERROR_BAD_REQUEST,
  SSE_HUB_ERROR_FOREIGN_HOST,   /* a Host that is not this machine: DNS rebinding */
  SSE_HUB_ERROR_INVALID_EVENT_NAME, /* a presenter's custom event */
  SSE_HUB_ERROR_INVALID_EVENT_ID,
  SSE_HUB_ERROR_INVALID_EVENT_DATA,
  SSE_HUB_ERROR_PRESENTER_ONLY,     /* a route only the presenter's machine may use */
  SSE_HUB_ERROR_BLOCKED,            /* a computer the presenter blocked */
} SseHubError;

guint       sse_hub_error_http_status (const GError *error);
const char *sse_hub_error_field       (const GError *error);
char       *sse_hub_error_to_json     (const GError *error);

/* Validation shared by HTTP and the window.  On success *out_name is the
 * name with surrounding white space removed. */
gboolean    sse_hub_validate_name     (const char  *name,
                                       gssize       length,
                                       char       **out_name,
                                       GError     **error);
gboolean    sse_hub_validate_age      (gint64       age,
                                       GError     **error);
gboolean    sse_hub_parse_age_string  (const char  *text,
                                       gint64      *out_age,
                                       GError     **error);

/* Reads a POST /event body, {"event": …, "data": …, "id": … (optional)};
 * the strings are checked by sse_hub_validate_custom_event(). */
gboolean    sse_hub_parse_event_body  (const char  *content_type,
                                       const char  *body,
                                       gsize        length,
                                       char       **out_event,
                                       char       **out_id,
                                       char       **out_data,
                                       GError     **error);

/* Parses a POST /addPerson body (JSON or urlencoded) and validates it. */
gboolean    sse_hub_parse_person_body (const char  *content_type,
                                       const char  *body,
                                       gsize        length,
                                       char       **out_name,
                                       gint64      *out_age,
                                       GError     **error);

/* One SSE frame: optional "event:" and "id:", data split on any of CR, LF or
 * CRLF into "data:" lines, ending with a blank line.  NULL event/id are left
 * out; NULL data gives a frame with no data line. */
GBytes     *sse_hub_format_frame      (const char  *event,
                                       const char  *id,
                                       const char  *data);
GBytes     *sse_hub_format_comment    (const char  *text);
GBytes     *sse_hub_format_retry      (guint        retry_ms);
/* What goes out at every keep-alive interval: a ": keep-alive" comment,
 * then an "event: heartbeat" with empty data. */
GBytes     *sse_hub_format_heartbeat  (void);

/* The one serialisation of a person, {"name":…,"age":…}.  Each person
 * keeps this text from the moment it is made (sse_hub_person_get_json), and
 * the POST answer, the list and the journal line all reuse it. */
char       *sse_hub_person_json       (const char  *name,
                                       gint64       age);

/* The names of the events the hub sends itself, and the keep-alive
 * comment's text.  Custom events may use none of these. */
#define SSE_HUB_EVENT_HELLO      "hello"
#define SSE_HUB_EVENT_CLIENT     "client"
#define SSE_HUB_EVENT_CONFIG     "config"
#define SSE_HUB_EVENT_FULL       "full"
#define SSE_HUB_EVENT_HEARTBEAT  "heartbeat"
#define SSE_HUB_KEEPALIVE_TEXT   "keep-alive"

#define SSE_HUB_EVENT_NAME_MAX_CHARS  64
#define SSE_HUB_EVENT_ID_MAX_CHARS    64
#define SSE_HUB_EVENT_DATA_MAX_BYTES  (64 * 1024)

/* NULL-terminated: the hub's own event names, the unnamed message's type
 * ("message") and EventSource's own events ("open", "error"). */
const char * const *sse_hub_reserved_event_names (void);
/* A presenter's named event: a name that is not reserved (compared without
 * regard to ASCII case), with no control characters and no white space at
 * either end; an id (NULL or "" = none) with no control characters; data
 * of valid UTF-8 up to SSE_HUB_EVENT_DATA_MAX_BYTES.  Line breaks in the
 * data become data lines. */
gboolean    sse_hub_validate_custom_event (const char  *name,
                                           const char  *id,
                                           const char  *data,
                                           GError     **error);

/* Payloads of the named events. */
/* events: NULL-terminated custom event names announced so far (or NULL). */
char       *sse_hub_hello_json        (guint64             client_id,
                                       gboolean            writes,
                                       guint               retry_ms,
                                       guint               heartbeat_ms,
                                       const char * const *events);
/* POST /event's answer: the name and the frame's size on the wire. */
char       *sse_hub_event_sent_json   (const char         *event,
                                       gsize               frame_bytes);
/* Why a stream was turned away: the whole hub is full, or the peer's
 * address group has all the streams one group may hold. */
typedef enum
{
  SSE_HUB_FULL_HUB,
  SSE_HUB_FULL_ADDRESS,
  SSE_HUB_FULL_SHARE,   /* an open stream closed so a computer with none gets in */
} SseHubFullReason;

/* "full", "address-full" or "fair-share": the event's "reason" and the
 * log's name. */
const char *sse_hub_full_reason_name  (SseHubFullReason reason);
/* limit: the number of streams the reason is about, for the page to say. */
char       *sse_hub_full_json         (guint            retry_ms,
                                       SseHubFullReason reason,
                                       guint            limit);
char       *sse_hub_config_json       (gboolean            writes,
                                       const char * const *events);
char       *sse_hub_client_ids_json   (const guint64 *ids,
                                       gsize          n_ids);

typedef struct
{
  const char *name;
  const char *value;
} SseHubHeader;

#define SSE_HUB_STREAM_CONTENT_TYPE  "text/event-stream; charset=utf-8"
#define SSE_HUB_STREAM_CACHE_CONTROL "no-cache, no-transform"

/* NULL-terminated tables: the CORS headers of every response (the
 * hand-written stream head included) and the answer to a preflight. */
const SseHubHeader *sse_hub_cors_headers      (void);
const SseHubHeader *sse_hub_preflight_headers (void);

/* The stream's response head, written by the hub itself once it owns the
 * connection; the stream ends with the connection, so it has neither a
 * length nor chunk framing. */
void        sse_hub_append_stream_head (GString    *out,
                                        const char *server);

G_END_DECLS
