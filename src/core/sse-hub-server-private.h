/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the server's parts share: the listener (sockets, join addresses,
 * request deadline, peers), the routes (one handler per path) and the
 * fan-out (the stream set and everything sent to it).  Each part works on
 * the one SseHubServer; sse-hub-server.c owns its life cycle. */

#include <libsoup/soup.h>

#include "sse-hub-accept-watch.h"
#include "sse-hub-client-private.h"
#include "sse-hub-idempotency.h"
#include "sse-hub-parking.h"
#include "sse-hub-peer.h"
#include "sse-hub-rate-limiter.h"
#include "sse-hub-server.h"
#include "sse-hub-wire.h"

G_BEGIN_DECLS

#define SSE_HUB_SERVER_NAME "sse-hub/" PACKAGE_VERSION

struct _SseHubServer
{
  GObject            parent_instance;

  /* owned */
  SseHubPersonStore *store;
  GListStore        *clients;      /* SseHubClient, in connection order */
  SseHubEventLog    *log;
  SoupServer        *soup;         /* NULL while stopped */
  SseHubAcceptWatch *accept_watch; /* NULL while stopped */
  SseHubParking     *parking;      /* kept-alive connections between requests; NULL while stopped */
  GHashTable        *streams;      /* set of SseHubClient (ref): fast to walk for broadcasts */
  SseHubRateLimiter *rate_limiter; /* per address group, and the audience's shared budget */
  SseHubIdempotency *idempotency;  /* answers to adds by Idempotency-Key */
  GBytes            *persons_frame; /* the list frame for persons_frame_revision */
  char              *bind_address;
  GPtrArray         *event_names;  /* NULL-terminated: custom events announced so far */

  guint64            persons_frame_revision;
  guint64            next_client_id;
  gboolean           custom_id_sent;  /* the last custom event had an id of its own */
  guint              bound_port;
  guint              keepalive_source;
  int                hangup_fd;     /* epoll set of the streams' sockets; -1 while stopped */
  guint              hangup_source;
  guint              clients_event_source;
  guint              persons_broadcast_source;

  /* access (sse-hub-access.c) */
  GHashTable        *stream_groups;    /* SseHubClient → its address group, or the presenter's key */
  GHashTable        *group_streams;    /* address group → open streams (GUINT_TO_POINTER) */
  GHashTable        *group_persons;    /* address group → persons added since the hub began */
  GPtrArray         *local_addresses;  /* GInetAddress: this machine's, cached briefly */
  gint64             local_addresses_read; /* monotonic µs */

  /* settings */
  guint              port;
  guint              keepalive_interval;
  guint              max_clients;
  guint              queue_cap;
  guint              retry_ms;
  guint              request_timeout;
  gboolean           allow_audience_writes;
  gboolean           trust_local;
  guint              max_streams_per_address;
  guint              max_persons_per_address;
};

/* sse-hub-server.c */
void      sse_hub_server_notify_n_clients          (SseHubServer      *self);
/* Announces a refusal on the "refused" signal. */
void      sse_hub_server_emit_refused              (SseHubServer      *self,
                                                    SseHubPeer        *peer,
                                                    SseHubRefusal      reason,
                                                    const char        *field,
                                                    const char        *path);
char     *sse_hub_server_dup_config_json           (SseHubServer      *self);

/* sse-hub-listener.c */
GSocket  *sse_hub_listener_create_socket           (const char        *bind_address,
                                                    guint              port,
                                                    GError           **error);
GStrv     sse_hub_listener_dup_urls                (const char        *bind_address,
                                                    guint              port);
/* Every address of this machine's interfaces, loopback included. */
GPtrArray *sse_hub_listener_dup_interface_addresses (void);
void      sse_hub_listener_watch_deadlines         (SseHubServer      *self,
                                                    SoupServer        *soup);

/* sse-hub-access.c: who the peer is, and the limits on the audience */
void        sse_hub_access_init                    (SseHubServer      *self);
void        sse_hub_access_finalize                (SseHubServer      *self);
/* The request's peer, built once; owned by the message. */
SseHubPeer *sse_hub_access_get_peer                (SseHubServer      *self,
                                                    SoupServerMessage *message);
gboolean    sse_hub_access_check_host              (SseHubServer      *self,
                                                    SseHubPeer        *peer,
                                                    GError           **error);
gboolean    sse_hub_access_admit_stream            (SseHubServer      *self,
                                                    SseHubPeer        *peer,
                                                    SseHubFullReason  *out_reason);
void        sse_hub_access_track_stream            (SseHubServer      *self,
                                                    SseHubClient      *client,
                                                    SseHubPeer        *peer);
void        sse_hub_access_forget_stream           (SseHubServer      *self,
                                                    SseHubClient      *client);
void        sse_hub_access_forget_streams          (SseHubServer      *self);
gboolean    sse_hub_access_check_post              (SseHubServer      *self,
                                                    SoupServerMessage *message,
                                                    SseHubPeer        *peer,
                                                    SseHubRefusal     *out_reason,
                                                    GError           **error);
void        sse_hub_access_count_person            (SseHubServer      *self,
                                                    SseHubPeer        *peer);
void        sse_hub_access_uncount_person          (SseHubServer      *self,
                                                    SseHubPeer        *peer);

/* sse-hub-fanout.c: what sse_hub_server_send_custom_event() would refuse */
gboolean  sse_hub_fanout_check_custom_event        (SseHubServer      *self,
                                                    const char        *name,
                                                    const char        *id,
                                                    const char        *data,
                                                    GError           **error);

/* sse-hub-routes.c */
typedef void (*SseHubRouteHandler) (SseHubServer      *self,
                                    SoupServerMessage *message,
                                    SseHubPeer        *peer,
                                    GHashTable        *query);

void      sse_hub_routes_connect                   (SseHubServer      *self,
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
gboolean  sse_hub_routes_serve_resource            (SoupServerMessage *message,
                                                    const char        *path);
/* Answers error as JSON with the reason's status, logs the refusal and
 * announces it on the server's "refused" signal. */
void      sse_hub_routes_refuse                    (SseHubServer      *self,
                                                    SoupServerMessage *message,
                                                    SseHubPeer        *peer,
                                                    SseHubRefusal      reason,
                                                    const GError      *error);
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

/* sse-hub-fanout.c */
gboolean  sse_hub_fanout_start                     (SseHubServer      *self,
                                                    GError           **error);
void      sse_hub_fanout_stop                      (SseHubServer      *self);
void      sse_hub_fanout_add                       (SseHubServer      *self,
                                                    SseHubClient      *client);
void      sse_hub_fanout_forget                    (SseHubServer      *self,
                                                    SseHubClient      *client);
void      sse_hub_fanout_log_frame                 (SseHubServer      *self,
                                                    SseHubLogKind      kind,
                                                    const char        *event_name,
                                                    guint              recipients,
                                                    GBytes            *frame);
GBytes   *sse_hub_fanout_get_persons_frame         (SseHubServer      *self);
void      sse_hub_fanout_on_store_revision         (SseHubServer      *self);
void      sse_hub_fanout_schedule_clients_event    (SseHubServer      *self);
void      sse_hub_fanout_reset_keepalive           (SseHubServer      *self);

G_END_DECLS
