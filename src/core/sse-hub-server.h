/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sse-hub-client.h"
#include "sse-hub-event-log.h"
#include "sse-hub-peer.h"
#include "sse-hub-person-store.h"

G_BEGIN_DECLS

#define SSE_HUB_TYPE_SERVER (sse_hub_server_get_type ())
G_DECLARE_FINAL_TYPE (SseHubServer, sse_hub_server, SSE_HUB, SERVER, GObject)

#define SSE_HUB_DEFAULT_PORT               3001
#define SSE_HUB_DEFAULT_KEEPALIVE_SECONDS  15
#define SSE_HUB_DEFAULT_MAX_CLIENTS        1000
#define SSE_HUB_DEFAULT_QUEUE_CAP          (1024 * 1024)
#define SSE_HUB_DEFAULT_RETRY_MS           3000
#define SSE_HUB_FULL_RETRY_MS              30000
#define SSE_HUB_DEFAULT_RATE_LIMIT         30   /* posts per minute per address */
#define SSE_HUB_DEFAULT_AUDIENCE_RATE_LIMIT 300 /* posts per minute, the whole audience */
#define SSE_HUB_DEFAULT_MAX_STREAMS_PER_ADDRESS 8 /* one student's devices and tabs */
#define SSE_HUB_DEFAULT_MAX_PERSONS_PER_ADDRESS 25
/* Streams the presenter's machine may open past max-clients. */
#define SSE_HUB_PRESENTER_STREAM_SLOTS     4
#define SSE_HUB_ERROR_BUDGET_PER_MINUTE    20   /* refused posts per minute per address */

/* The hub: an HTTP server on a listening socket it creates itself, the SSE
 * clients (a GListModel of SseHubClient), the event log and the person store
 * it publishes.  Properties:
 *   port (0 = pick one; read the real one with get_bound_port),
 *   bind-address (NULL or "" = every interface, IPv6 and IPv4),
 *   running (read-only), keepalive-interval (seconds), max-clients,
 *   queue-cap (bytes queued for one client before it is dropped),
 *   retry-ms, allow-audience-writes, rate-limit (posts per minute per remote
 *   address group, 0 = none), audience-rate-limit (posts per minute from
 *   the whole audience, 0 = none), max-streams-per-address (0 = none),
 *   max-persons-per-address (persons one address group may add while the
 *   process runs, 0 = none), trust-local (requests from this machine that
 *   no other web origin made are the presenter's: exempt from those limits,
 *   never refused as audience writes, a few stream slots past max-clients),
 *   request-timeout (seconds a request may take to arrive whole).
 * An address group is an IPv4 address or an IPv6 /64.
 * Signals: error (GError) when the server stops for a reason of its own;
 * refused (SseHubPeer *peer, SseHubRefusal reason, const char *field or
 * NULL, const char *path or NULL) for every request it refuses, as it is
 * answered (or, for a deadline, closed) and logged. */
SseHubServer      *sse_hub_server_new             (SseHubPersonStore *store);
gboolean           sse_hub_server_start           (SseHubServer      *self,
                                                   GError           **error);
/* Ends every stream cleanly and closes the listening socket. */
void               sse_hub_server_stop            (SseHubServer      *self);
gboolean           sse_hub_server_get_running     (SseHubServer      *self);
guint              sse_hub_server_get_bound_port  (SseHubServer      *self);
/* http:// URLs a browser can use, the likeliest LAN address first;
 * loopback only when the hub is bound to loopback. */
GStrv              sse_hub_server_dup_urls        (SseHubServer      *self);

SseHubPersonStore *sse_hub_server_get_store       (SseHubServer      *self);
GListModel        *sse_hub_server_get_clients     (SseHubServer      *self);
SseHubEventLog    *sse_hub_server_get_log         (SseHubServer      *self);

/* The presenter's own path to change the list: same validation and store
 * as HTTP, never subject to the audience-write switch or the rate limit.
 * As with the store's _async functions, the callback follows once the
 * change is on disk and in the list, or refused; a saved change is
 * recorded in the event log before its broadcast.  Cancelling only cancels
 * the answer: a change already on its way is saved and logged. */
void               sse_hub_server_add_person_async     (SseHubServer        *self,
                                                        const char          *name,
                                                        gint64               age,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
SseHubPerson      *sse_hub_server_add_person_finish    (SseHubServer        *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
/* Adds person's name and age again, with the computer that first added
 * it; finish with sse_hub_server_add_person_finish(). */
void               sse_hub_server_restore_person_async (SseHubServer        *self,
                                                        SseHubPerson        *person,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
void               sse_hub_server_remove_person_async  (SseHubServer        *self,
                                                        guint                position,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean           sse_hub_server_remove_person_finish (SseHubServer        *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void               sse_hub_server_clear_persons_async  (SseHubServer        *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean           sse_hub_server_clear_persons_finish (SseHubServer        *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* The presenter's power over one computer: an address group, as limits
 * count (sse_hub_peer_get_group()).  A blocked computer's streams are
 * closed and its streams and posts refused (SSE_HUB_REFUSAL_BLOCKED) until
 * it is unblocked or the hub object ends. */
void               sse_hub_server_block_computer        (SseHubServer      *self,
                                                         const char        *computer);
void               sse_hub_server_unblock_computer      (SseHubServer      *self,
                                                         const char        *computer);
gboolean           sse_hub_server_is_computer_blocked   (SseHubServer      *self,
                                                         const char        *computer);
/* Sorted. */
GStrv              sse_hub_server_dup_blocked_computers (SseHubServer      *self);
/* The computer an open stream belongs to; NULL for the presenter's. */
const char        *sse_hub_server_get_client_computer   (SseHubServer      *self,
                                                         SseHubClient      *client);

typedef struct
{
  char  *computer;
  guint  streams;
} SseHubComputerStreams;

void               sse_hub_computer_streams_free        (SseHubComputerStreams *streams);
/* The computers holding audience streams, most streams first (then by
 * name): a GPtrArray of SseHubComputerStreams. */
GPtrArray         *sse_hub_server_dup_computer_streams  (SseHubServer      *self);

/* Removes every person the computer added, each logged as a removal; the
 * finish returns them (SseHubPerson, in list order) for an Undo through
 * sse_hub_server_restore_person_async(). */
void               sse_hub_server_remove_computer_persons_async  (SseHubServer        *self,
                                                                  const char          *computer,
                                                                  GCancellable        *cancellable,
                                                                  GAsyncReadyCallback  callback,
                                                                  gpointer             user_data);
GPtrArray         *sse_hub_server_remove_computer_persons_finish (SseHubServer        *self,
                                                                  GAsyncResult        *result,
                                                                  GError             **error);

/* The single publishing entry point: formats one frame and sends the same
 * bytes to every client.  A relay to a dedicated hub would hook in here. */
void               sse_hub_server_publish         (SseHubServer      *self,
                                                   SseHubLogKind      kind,
                                                   const char        *event,
                                                   const char        *id,
                                                   const char        *data);

/* A presenter's named event (the window's composer and POST /event):
 * validated as sse_hub_validate_custom_event() does (id NULL or "" = none);
 * a name not yet announced is first sent to every page in config, at most
 * SSE_HUB_MAX_CUSTOM_EVENT_NAMES names while the hub object lives. */
#define SSE_HUB_MAX_CUSTOM_EVENT_NAMES     32
gboolean           sse_hub_server_send_custom_event (SseHubServer    *self,
                                                    const char       *name,
                                                    const char       *id,
                                                    const char       *data,
                                                    GError          **error);

/* Teaching controls: end every stream, or one.  An SSE browser comes
 * back after its retry, with Last-Event-ID; a WebSocket page when its
 * script reconnects.  Each is logged;
 * they return how many streams were closed. */
guint              sse_hub_server_drop_all_clients (SseHubServer     *self);
guint              sse_hub_server_disconnect_client (SseHubServer    *self,
                                                    SseHubClient     *client);

/* The comparison at a glance: what the current list costs on the wire
 * as one SSE event and as one socket message (frame header included),
 * and how many clients each transport has.  In sse-hub-routes-ws.c. */
typedef struct
{
  gsize sse_bytes;
  gsize ws_bytes;
  guint sse_clients;
  guint ws_clients;
} SseHubTransportCost;

void               sse_hub_server_get_transport_cost (SseHubServer        *self,
                                                      SseHubTransportCost *cost);

/* Every client is a socket: lets the process use all the descriptors the
 * system allows instead of the usual soft limit of 1024. */
void               sse_hub_raise_fd_limit         (void);

guint              sse_hub_server_get_port        (SseHubServer      *self);
void               sse_hub_server_set_port        (SseHubServer      *self,
                                                   guint              port);
const char        *sse_hub_server_get_bind_address (SseHubServer     *self);
void               sse_hub_server_set_bind_address (SseHubServer     *self,
                                                    const char       *bind_address);

G_END_DECLS
