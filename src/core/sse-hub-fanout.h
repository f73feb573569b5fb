/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sse-hub-client.h"
#include "sse-hub-event-log.h"
#include "sse-hub-person-store.h"

G_BEGIN_DECLS

#define SSE_HUB_TYPE_FANOUT (sse_hub_fanout_get_type ())
G_DECLARE_FINAL_TYPE (SseHubFanout, sse_hub_fanout, SSE_HUB, FANOUT, GObject)

/* The open event streams and everything sent to them: the stream table,
 * the client list (a GListModel of SseHubClient in connection order),
 * hang-up watching, the cached list frame, the coalesced `client` event
 * and the keep-alive.  It reads the store's list and writes to the event
 * log; it knows nothing of the server, which tells it of each new revision
 * (sse_hub_fanout_revision_changed).
 * Property: n-clients (read-only).
 * Signals: stream-added (SseHubClient) once a stream is on the books,
 * stream-removed (SseHubClient) once it is off them and closed — for every
 * stream, whether it left, was dropped or the fan-out stopped. */
SseHubFanout *sse_hub_fanout_new                  (SseHubPersonStore *store,
                                                   SseHubEventLog    *log);
gboolean      sse_hub_fanout_start                (SseHubFanout      *self,
                                                   GError           **error);
/* Closes every stream: browsers come back after their retry. */
void          sse_hub_fanout_stop                 (SseHubFanout      *self);
GListModel   *sse_hub_fanout_get_clients          (SseHubFanout      *self);
/* How many of the streams are WebSocket clients. */
guint         sse_hub_fanout_get_n_websockets     (SseHubFanout      *self);
/* The current list as one socket message: its bytes on the wire. */
gsize         sse_hub_fanout_get_persons_ws_size  (SseHubFanout      *self);
guint         sse_hub_fanout_get_n_clients        (SseHubFanout      *self);
/* Both take effect from the next frame or tick. */
void          sse_hub_fanout_set_queue_cap        (SseHubFanout      *self,
                                                   gsize              queue_cap);
void          sse_hub_fanout_set_keepalive_interval (SseHubFanout    *self,
                                                   guint              seconds);

/* Puts a stream on the books; the caller then greets it, well before the
 * `client` event it causes. */
void          sse_hub_fanout_add                  (SseHubFanout      *self,
                                                   SseHubClient      *client);
/* Sends a newcomer its opening bytes and, with_list, the current list;
 * FALSE (and the stream is forgotten) when it is gone or over its cap. */
gboolean      sse_hub_fanout_greet                (SseHubFanout      *self,
                                                   SseHubClient      *client,
                                                   GBytes            *opening,
                                                   gboolean           with_list);
/* Takes a stream off the books and closes it; FALSE when it was not on
 * them. */
gboolean      sse_hub_fanout_forget               (SseHubFanout      *self,
                                                   SseHubClient      *client);
/* The presenter's controls, logged: end every stream (returns how many),
 * or one (FALSE when it had gone already). */
guint         sse_hub_fanout_drop_all             (SseHubFanout      *self);
gboolean      sse_hub_fanout_disconnect           (SseHubFanout      *self,
                                                   SseHubClient      *client);

/* The custom event names announced to the pages so far, NULL-terminated. */
const char * const *sse_hub_fanout_get_event_names (SseHubFanout    *self);
/* What a custom event must pass: sse_hub_validate_custom_event(), and room
 * for its name when it is new (at most max_names while the fan-out lives). */
gboolean      sse_hub_fanout_check_custom_event   (SseHubFanout      *self,
                                                   const char        *name,
                                                   const char        *id,
                                                   const char        *data,
                                                   guint              max_names,
                                                   GError           **error);
/* Adds a name to the announced ones: TRUE when it is new, and the pages
 * must hear of it (in config) before its first event. */
gboolean      sse_hub_fanout_announce_event_name  (SseHubFanout      *self,
                                                   const char        *name);

/* Sends a custom event already checked and announced; one without an id
 * after one with an id carries the list's revision as its id. */
guint         sse_hub_fanout_publish_custom_event (SseHubFanout      *self,
                                                   const char        *name,
                                                   const char        *id,
                                                   const char        *data);
/* One frame, formatted once, the same bytes to every stream. */
guint         sse_hub_fanout_publish              (SseHubFanout      *self,
                                                   SseHubLogKind      kind,
                                                   const char        *event,
                                                   const char        *id,
                                                   const char        *data);
/* Records a frame in the event log as sent to recipients streams; the
 * ws_recipients among them get an entry of their own, "ws:" event_name,
 * with the socket messages and their bytes. */
void          sse_hub_fanout_log_frame            (SseHubFanout      *self,
                                                   SseHubLogKind      kind,
                                                   const char        *event_name,
                                                   guint              recipients,
                                                   guint              ws_recipients,
                                                   GBytes            *frame);
/* The list frame of the store's current revision, formatted once. */
GBytes       *sse_hub_fanout_get_persons_frame    (SseHubFanout      *self);
/* The store has a new revision: its list goes to every stream. */
void          sse_hub_fanout_revision_changed     (SseHubFanout      *self);

G_END_DECLS
