/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the server and its routes share: the settings, the access rules,
 * the fan-out and the store.  Only sse-hub-server.c (life cycle, settings)
 * and sse-hub-routes.c (one handler per path) see this struct. */

#include <libsoup/soup.h>

#include "sse-hub-accept-watch.h"
#include "sse-hub-access.h"
#include "sse-hub-client-private.h"
#include "sse-hub-fanout.h"
#include "sse-hub-idempotency.h"
#include "sse-hub-listener.h"
#include "sse-hub-parking.h"
#include "sse-hub-peer.h"
#include "sse-hub-server.h"
#include "sse-hub-wire.h"

G_BEGIN_DECLS

#define SSE_HUB_SERVER_NAME "sse-hub/" PACKAGE_VERSION

struct _SseHubServer
{
  GObject            parent_instance;

  /* owned */
  SseHubPersonStore *store;
  SseHubEventLog    *log;
  SseHubFanout      *fanout;       /* the streams */
  SseHubAccess      *access;       /* the presenter, Host names, limits and their settings */
  SoupServer        *soup;         /* NULL while stopped */
  SseHubAcceptWatch *accept_watch; /* NULL while stopped */
  SseHubParking     *parking;      /* kept-alive connections between requests; NULL while stopped */
  SseHubIdempotency *idempotency;  /* answers to adds by Idempotency-Key */
  char              *bind_address;

  guint64            next_client_id;
  guint              bound_port;

  /* settings */
  guint              port;
  guint              keepalive_interval;
  guint              queue_cap;
  guint              retry_ms;
  guint              request_timeout;
};

/* sse-hub-server.c */
/* Announces a refusal on the "refused" signal. */
void      sse_hub_server_emit_refused              (SseHubServer      *self,
                                                    SseHubPeer        *peer,
                                                    SseHubRefusal      reason,
                                                    const char        *field,
                                                    const char        *path);
char     *sse_hub_server_dup_config_json           (SseHubServer      *self);
/* The "error" and "refused" signals, on type: the server's and its
 * proxy's, which passes the server's on. */
enum
{
  SSE_HUB_SIGNAL_ERROR,
  SSE_HUB_SIGNAL_REFUSED,
  SSE_HUB_N_SIGNALS
};

void      sse_hub_server_signals_new               (GType              type,
                                                    guint              signals_out[SSE_HUB_N_SIGNALS]);

/* sse-hub-computers.c: on a full hub, a computer with no stream gets in:
 * the newest stream of the computer holding the most (two or more) is
 * closed with a `full` event that says why, and logged.  FALSE when the
 * peer holds streams already or nobody holds two. */
gboolean  sse_hub_server_make_room                 (SseHubServer      *self,
                                                    SseHubPeer        *peer);

/* sse-hub-routes.c */
typedef void (*SseHubRouteHandler) (SseHubServer      *self,
                                    SoupServerMessage *message,
                                    SseHubPeer        *peer,
                                    GHashTable        *query);

void      sse_hub_routes_connect                   (SseHubServer      *self,
                                                    SoupServerMessage *message,
                                                    SseHubPeer        *peer,
                                                    GHashTable        *query);
/* The stream's opening, shared by both transports. */
void      sse_hub_routes_open_stream               (SseHubServer      *self,
                                                    SseHubClient      *client,
                                                    SseHubPeer        *peer,
                                                    const char        *last_event_id,
                                                    gboolean           http_head);
/* Logs a refusal and announces it, without answering (the caller has). */
void      sse_hub_routes_log_refusal               (SseHubServer      *self,
                                                    SoupServerMessage *message,
                                                    SseHubPeer        *peer,
                                                    SseHubRefusal      reason,
                                                    const char        *field,
                                                    const char        *answer);

/* sse-hub-routes-ws.c: GET /connect asking for a WebSocket. */
gboolean  sse_hub_routes_is_upgrade                (SoupServerMessage *message);
void      sse_hub_routes_websocket                 (SseHubServer      *self,
                                                    SoupServerMessage *message,
                                                    SseHubPeer        *peer,
                                                    GHashTable        *query);
void      sse_hub_routes_add_person                (SseHubServer      *self,
                                                    SoupServerMessage *message,
                                                    SseHubPeer        *peer,
                                                    GHashTable        *query);
void      sse_hub_routes_send_event                (SseHubServer      *self,
                                                    SoupServerMessage *message,
                                                    SseHubPeer        *peer,
                                                    GHashTable        *query);
void      sse_hub_routes_preflight                 (SoupServerMessage *message);
/* Answers error as JSON with the reason's status, logs the refusal and
 * announces it on the server's "refused" signal. */
void      sse_hub_routes_refuse                    (SseHubServer      *self,
                                                    SoupServerMessage *message,
                                                    SseHubPeer        *peer,
                                                    SseHubRefusal      reason,
                                                    const GError      *error);
/* A request that did not arrive whole in time: logged and announced (the
 * listener then closes it). */
void      sse_hub_routes_deadline_missed           (SseHubServer      *self,
                                                    SoupServerMessage *message);
void      sse_hub_routes_method_not_allowed        (SseHubServer      *self,
                                                    SoupServerMessage *message,
                                                    SseHubPeer        *peer,
                                                    const char        *allow);
void      sse_hub_routes_not_found                 (SseHubServer      *self,
                                                    SoupServerMessage *message,
                                                    SseHubPeer        *peer,
                                                    const char        *path);
void      sse_hub_routes_set_cors_headers          (SoupServerMessage *message);
void      sse_hub_routes_early_handler             (SoupServer        *soup,
                                                    SoupServerMessage *message,
                                                    const char        *path,
                                                    GHashTable        *query,
                                                    gpointer           user_data);

G_END_DECLS
