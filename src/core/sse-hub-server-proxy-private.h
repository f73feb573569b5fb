/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sse-hub-mailbox.h"
#include "sse-hub-server-proxy.h"

G_BEGIN_DECLS

/* The two halves of SseHubServerProxy: the owner's (sse-hub-server-proxy.c:
 * the GObject, the mirrors, the calls) and the hub thread's
 * (sse-hub-server-proxy-hub.c: the store and server, made, run and freed
 * there).  They share nothing but two mailboxes and the answers of
 * synchronous calls; the hub half never touches the proxy object. */

/* What the hub thread tells the owner, in its order. */
typedef enum
{
  SSE_HUB_CHANGE_PERSONS,   /* items-changed: position, removed, added (the store's persons) */
  SSE_HUB_CHANGE_CLIENTS,   /* ... added: client mirrors, made for the owner */
  SSE_HUB_CHANGE_LOG,       /* ... added: the log's own entries */
  SSE_HUB_CHANGE_COUNTERS,  /* counters: every client's, in list order */
  SSE_HUB_CHANGE_RUNNING,   /* number: running; number2: the bound port */
  SSE_HUB_CHANGE_WRITABLE,  /* number */
  SSE_HUB_CHANGE_REFUSED,
  SSE_HUB_CHANGE_ERROR,
  SSE_HUB_CHANGE_DONE,      /* an async call's answer: task, then error or result */
} SseHubChangeKind;

typedef struct
{
  guint64 id;
  guint64 events_sent;
  guint64 bytes_sent;
  guint64 bytes_received;
} SseHubCounters;

typedef struct
{
  SseHubChangeKind  kind;
  guint             position;
  guint             removed;
  GPtrArray        *added;
  GArray           *counters;
  guint64           number;
  guint64           number2;
  SseHubPeer       *peer;
  SseHubRefusal     reason;
  char             *field;
  char             *path;
  GError           *error;
  GTask            *task;
  gpointer          result;   /* NULL with no result_free: a boolean TRUE */
  GDestroyNotify    result_free;
} SseHubChange;

void     sse_hub_change_free    (SseHubChange *change);

typedef struct _SseHubProxyHub SseHubProxyHub;

/* A call the owner waits for; the hub answers with sse_hub_sync_answer(),
 * at once or later (its loop never waits). */
typedef struct _SseHubSyncCall SseHubSyncCall;
typedef void (*SseHubSyncFunc) (SseHubProxyHub *hub,
                                SseHubSyncCall *call);

struct _SseHubSyncCall
{
  SseHubSyncFunc  func;
  GMutex         *lock;
  GCond          *cond;
  gint            answered;  /* atomic, set under lock: TSan sees it */

  /* in */
  const char     *name;
  const char     *id;
  const char     *data;
  guint64         number;
  GPtrArray      *entries;
  /* out */
  gboolean        ok;
  GError         *error;
  gpointer        out;
  guint           count;
  SseHubTransportCost cost;
};

/* The store changes, run one after another. */
typedef enum
{
  SSE_HUB_OP_ADD,
  SSE_HUB_OP_RESTORE,
  SSE_HUB_OP_REMOVE,
  SSE_HUB_OP_CLEAR,
  SSE_HUB_OP_REMOVE_COMPUTER,
} SseHubOpKind;

typedef struct
{
  SseHubOpKind  kind;
  GTask        *task;      /* the owner's: only handed back, in a DONE change */
  char         *name;      /* or the computer */
  gint64        age;
  SseHubPerson *person;
} SseHubOp;

void     sse_hub_op_free        (SseHubOp *op);

/* The hub's side.  Made on the owner thread (nothing but fields), run and
 * freed on its own: run is the thread's function.  The mailboxes are the
 * proxy's, and outlive the thread. */
SseHubProxyHub *sse_hub_proxy_hub_new   (const char    *path,
                                         GMainContext  *context,
                                         SseHubMailbox *to_hub,
                                         SseHubMailbox *to_owner);
gpointer        sse_hub_proxy_hub_run   (gpointer       hub);
/* Every call posted to the hub's mailbox: a GSourceFunc for it. */
gboolean        sse_hub_proxy_hub_drain (gpointer       hub);

/* What the owner posts to the hub's mailbox. */
typedef enum
{
  SSE_HUB_CALL_SYNC,      /* sync */
  SSE_HUB_CALL_OP,        /* op */
  SSE_HUB_CALL_PROPERTY,  /* name (static), on_store, value */
  SSE_HUB_CALL_QUIT,
} SseHubCallKind;

typedef struct
{
  SseHubCallKind  kind;
  SseHubSyncCall *sync;
  SseHubOp       *op;
  const char     *name;
  gboolean        on_store;
  GValue          value;
} SseHubCall;

void     sse_hub_call_free      (SseHubCall *call);

/* The owner's side (sse-hub-server-proxy.c), for its calls
 * (sse-hub-server-proxy-calls.c).  call_sync waits for the hub's answer,
 * then applies the changes the hub made up to it; post_op queues a store
 * change whose answer comes back through the changes, as a GTask of self
 * tagged tag. */
void sse_hub_server_proxy_call_sync (SseHubServerProxy   *self,
                                     SseHubSyncFunc       func,
                                     SseHubSyncCall      *sync);
/* call_sync for a call that takes nothing in: its out, if any. */
gpointer sse_hub_server_proxy_call_plain   (SseHubServerProxy  *self,
                                            SseHubSyncFunc      func);
/* call_sync that hands the hub's error on: the hub's ok. */
gboolean sse_hub_server_proxy_call_checked (SseHubServerProxy  *self,
                                            SseHubSyncFunc      func,
                                            SseHubSyncCall     *sync,
                                            GError            **error);
void sse_hub_server_proxy_post_op   (SseHubServerProxy   *self,
                                     SseHubOpKind         kind,
                                     const char          *name,
                                     gint64               age,
                                     SseHubPerson        *person,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data,
                                     gpointer             tag);

void sse_hub_sync_answer              (SseHubSyncCall *call);
void sse_hub_proxy_hub_load           (SseHubProxyHub *hub, SseHubSyncCall *call);
void sse_hub_proxy_hub_start          (SseHubProxyHub *hub, SseHubSyncCall *call);
void sse_hub_proxy_hub_stop           (SseHubProxyHub *hub, SseHubSyncCall *call);
void sse_hub_proxy_hub_shut_down      (SseHubProxyHub *hub, SseHubSyncCall *call);
void sse_hub_proxy_hub_dup_urls       (SseHubProxyHub *hub, SseHubSyncCall *call);
/* number: TRUE to block name, FALSE to unblock it. */
void sse_hub_proxy_hub_block          (SseHubProxyHub *hub, SseHubSyncCall *call);
void sse_hub_proxy_hub_dup_blocked    (SseHubProxyHub *hub, SseHubSyncCall *call);
void sse_hub_proxy_hub_dup_streams    (SseHubProxyHub *hub, SseHubSyncCall *call);
void sse_hub_proxy_hub_custom_event   (SseHubProxyHub *hub, SseHubSyncCall *call);
void sse_hub_proxy_hub_drop_all       (SseHubProxyHub *hub, SseHubSyncCall *call);
void sse_hub_proxy_hub_disconnect     (SseHubProxyHub *hub, SseHubSyncCall *call);
void sse_hub_proxy_hub_transport_cost (SseHubProxyHub *hub, SseHubSyncCall *call);
void sse_hub_proxy_hub_flush_log      (SseHubProxyHub *hub, SseHubSyncCall *call);
void sse_hub_proxy_hub_clear_log      (SseHubProxyHub *hub, SseHubSyncCall *call);
void sse_hub_proxy_hub_restore_log    (SseHubProxyHub *hub, SseHubSyncCall *call);

G_END_DECLS
