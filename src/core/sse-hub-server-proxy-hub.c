/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The hub thread's half of SseHubServerProxy: the person store and the
 * server made, run and freed on the thread, with the hub's context pushed
 * as thread-default there, so libsoup, the fan-out's sources and every
 * GTask callback stay on it.  What the window must know leaves as changes
 * through the owner's mailbox, in the order it happened. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sse-hub-server-proxy-private.h"

#include "sse-hub-client-private.h"
#include "sse-hub-sources.h"
#include "sse-hub-wire.h"

/* As headless mode: closing streams get this long to leave before the
 * store is flushed. */
#define DRAIN_MS 200

struct _SseHubProxyHub
{
  char              *path;
  GMainContext      *context;
  GMainLoop         *loop;
  /* borrowed: the proxy outlives the thread */
  SseHubMailbox     *to_hub;       /* SseHubCall */
  SseHubMailbox     *to_owner;     /* SseHubChange */

  SseHubPersonStore *store;
  SseHubServer      *server;
  GQueue             ops;          /* SseHubOp waiting for the one running */
  SseHubOp          *op;           /* running */
  guint              counters_timer;
  guint              counters_idle;
  gboolean           loaded;       /* the store read its file: flushing may rewrite it */
};

void
sse_hub_change_free (SseHubChange *change)
{
  g_clear_pointer (&change->added, g_ptr_array_unref);
  g_clear_pointer (&change->counters, g_array_unref);
  g_clear_object (&change->peer);
  g_free (change->field);
  g_free (change->path);
  g_clear_error (&change->error);
  if (change->result != NULL && change->result_free != NULL)
    change->result_free (change->result);
  g_clear_object (&change->task);
  g_free (change);
}

void
sse_hub_op_free (SseHubOp *op)
{
  g_clear_object (&op->task);
  g_free (op->name);
  g_clear_object (&op->person);
  g_free (op);
}

void
sse_hub_call_free (SseHubCall *call)
{
  g_clear_pointer (&call->op, sse_hub_op_free);
  if (G_IS_VALUE (&call->value))
    g_value_unset (&call->value);
  g_free (call);
}

/* ------------------------------------------------------------------------ */
/* Changes told to the owner                                                */

static SseHubChange *
change_new (SseHubChangeKind kind)
{
  SseHubChange *change = g_new0 (SseHubChange, 1);

  change->kind = kind;
  return change;
}

static void
tell (SseHubProxyHub *hub,
      SseHubChange   *change)
{
  sse_hub_mailbox_post (hub->to_owner, change);
}

/* A connect storm appends client after client: appends that follow the
 * last change still queued join it, so the owner splices once. */
static void
tell_items_changed (SseHubProxyHub   *hub,
                    SseHubChangeKind  kind,
                    GListModel       *model,
                    guint             position,
                    guint             removed,
                    guint             added)
{
  SseHubMailbox *box = hub->to_owner;
  SseHubChange *tail;
  GPtrArray *items = g_ptr_array_new_full (added, g_object_unref);

  for (guint i = 0; i < added; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, position + i);

      g_ptr_array_add (items, kind == SSE_HUB_CHANGE_CLIENTS
                              ? G_OBJECT (sse_hub_client_new_mirror (SSE_HUB_CLIENT (item)))
                              : g_object_ref (item));
    }

  g_mutex_lock (&box->lock);
  tail = g_queue_peek_tail (&box->items);
  if (tail != NULL && tail->kind == kind && removed == 0 &&
      position == tail->position + tail->added->len)
    {
      g_ptr_array_extend_and_steal (tail->added, items);
      sse_hub_tsan_release (box);
      g_mutex_unlock (&box->lock);
      return;
    }
  g_mutex_unlock (&box->lock);

  tail = change_new (kind);
  tail->position = position;
  tail->removed = removed;
  tail->added = items;
  tell (hub, tail);
}

/* Every client's counters, in list order.  A window that does not drain
 * needs only the newest: they replace a set still last in the queue. */
static void
tell_counters (SseHubProxyHub *hub)
{
  GListModel *clients = sse_hub_server_get_clients (hub->server);
  guint n = g_list_model_get_n_items (clients);
  GArray *counters = g_array_sized_new (FALSE, FALSE, sizeof (SseHubCounters), n);
  SseHubMailbox *box = hub->to_owner;
  SseHubChange *change;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SseHubClient) client = g_list_model_get_item (clients, i);
      SseHubCounters values = {
        sse_hub_client_get_id (client),
        sse_hub_client_get_events_sent (client),
        sse_hub_client_get_bytes_sent (client),
        sse_hub_client_get_bytes_received (client),
      };

      g_array_append_val (counters, values);
    }

  g_mutex_lock (&box->lock);
  change = g_queue_peek_tail (&box->items);
  if (change != NULL && change->kind == SSE_HUB_CHANGE_COUNTERS)
    {
      g_array_unref (change->counters);
      change->counters = counters;
      sse_hub_tsan_release (box);
      g_mutex_unlock (&box->lock);
      return;
    }
  g_mutex_unlock (&box->lock);

  change = change_new (SSE_HUB_CHANGE_COUNTERS);
  change->counters = counters;
  tell (hub, change);
}

static gboolean
counters_idle_cb (gpointer data)
{
  SseHubProxyHub *hub = data;

  hub->counters_idle = 0;
  tell_counters (hub);
  return G_SOURCE_REMOVE;
}

static gboolean
counters_timer_cb (gpointer data)
{
  tell_counters (data);
  return G_SOURCE_CONTINUE;
}

/* After what was sent went out: once the hub has nothing more urgent. */
static void
schedule_counters (SseHubProxyHub *hub)
{
  if (hub->counters_idle == 0 && hub->counters_timer != 0)
    hub->counters_idle = sse_hub_idle_add_full (G_PRIORITY_LOW, counters_idle_cb, hub, NULL);
}

static void
on_persons_changed (GListModel     *store,
                    guint           position,
                    guint           removed,
                    guint           added,
                    SseHubProxyHub *hub)
{
  tell_items_changed (hub, SSE_HUB_CHANGE_PERSONS, store, position, removed, added);
  schedule_counters (hub);
}

static void
on_log_changed (GListModel     *log,
                guint           position,
                guint           removed,
                guint           added,
                SseHubProxyHub *hub)
{
  tell_items_changed (hub, SSE_HUB_CHANGE_LOG, log, position, removed, added);
  schedule_counters (hub);
}

/* Counters at least once a second while anyone is connected. */
static void
on_clients_changed (GListModel     *clients,
                    guint           position,
                    guint           removed,
                    guint           added,
                    SseHubProxyHub *hub)
{
  guint n = g_list_model_get_n_items (clients);

  tell_items_changed (hub, SSE_HUB_CHANGE_CLIENTS, clients, position, removed, added);
  if (n > 0 && hub->counters_timer == 0)
    hub->counters_timer = sse_hub_timeout_add_seconds (1, counters_timer_cb, hub);
  else if (n == 0 && hub->counters_timer != 0)
    g_clear_handle_id (&hub->counters_timer, sse_hub_source_remove);
}

static void
on_running_changed (SseHubServer   *server,
                    GParamSpec     *pspec,
                    SseHubProxyHub *hub)
{
  SseHubChange *change = change_new (SSE_HUB_CHANGE_RUNNING);

  change->number = sse_hub_server_get_running (server);
  change->number2 = change->number ? sse_hub_server_get_bound_port (server) : 0;
  tell (hub, change);
}

static void
on_writable_changed (SseHubPersonStore *store,
                     GParamSpec        *pspec,
                     SseHubProxyHub    *hub)
{
  SseHubChange *change = change_new (SSE_HUB_CHANGE_WRITABLE);

  change->number = sse_hub_person_store_get_writable (store);
  tell (hub, change);
}

static void
on_error (SseHubServer   *server,
          GError         *error,
          SseHubProxyHub *hub)
{
  SseHubChange *change = change_new (SSE_HUB_CHANGE_ERROR);

  change->error = g_error_copy (error);
  tell (hub, change);
}

/* A peer is immutable once made: the owner may hold it. */
static void
on_refused (SseHubServer   *server,
            SseHubPeer     *peer,
            SseHubRefusal   reason,
            const char     *field,
            const char     *path,
            SseHubProxyHub *hub)
{
  SseHubChange *change = change_new (SSE_HUB_CHANGE_REFUSED);

  change->peer = g_object_ref (peer);
  change->reason = reason;
  change->field = g_strdup (field);
  change->path = g_strdup (path);
  tell (hub, change);
}

/* ------------------------------------------------------------------------ */
/* The store's changes, one after another                                   */

static void run_next_op (SseHubProxyHub *hub);

static void
op_done (SseHubProxyHub *hub,
         gpointer        result,
         GDestroyNotify  result_free,
         GError         *error)
{
  SseHubChange *change = change_new (SSE_HUB_CHANGE_DONE);

  change->task = g_steal_pointer (&hub->op->task);
  change->result = result;
  change->result_free = result_free;
  change->error = error;
  tell (hub, change);

  g_clear_pointer (&hub->op, sse_hub_op_free);
  run_next_op (hub);
}

static void
on_op_finished (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  SseHubProxyHub *hub = data;
  SseHubServer *server = SSE_HUB_SERVER (source);
  GError *error = NULL;
  gpointer value = NULL;
  GDestroyNotify value_free = NULL;

  switch (hub->op->kind)
    {
    case SSE_HUB_OP_ADD:
    case SSE_HUB_OP_RESTORE:
      value = sse_hub_server_add_person_finish (server, result, &error);
      value_free = g_object_unref;
      break;
    case SSE_HUB_OP_REMOVE:
      sse_hub_server_remove_person_finish (server, result, &error);
      break;
    case SSE_HUB_OP_CLEAR:
      sse_hub_server_clear_persons_finish (server, result, &error);
      break;
    case SSE_HUB_OP_REMOVE_COMPUTER:
      value = sse_hub_server_remove_computer_persons_finish (server, result, &error);
      value_free = (GDestroyNotify) g_ptr_array_unref;
      break;
    }
  op_done (hub, value, value_free, error);
}

/* Where the person is in the store now.  The proxy's own changes run one
 * at a time and posts only append, so no change still on its way to the
 * file can move it before its removal applies. */
static gboolean
find_person (SseHubProxyHub *hub,
             SseHubPerson   *person,
             guint          *position)
{
  GListModel *store = G_LIST_MODEL (hub->store);
  guint n = g_list_model_get_n_items (store);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SseHubPerson) item = g_list_model_get_item (store, i);

      if (item == person)
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

static void
run_next_op (SseHubProxyHub *hub)
{
  SseHubOp *op;
  guint position;

  if (hub->op != NULL || (op = g_queue_pop_head (&hub->ops)) == NULL)
    return;

  hub->op = op;
  switch (op->kind)
    {
    case SSE_HUB_OP_ADD:
      sse_hub_server_add_person_async (hub->server, op->name, op->age, NULL, on_op_finished, hub);
      break;
    case SSE_HUB_OP_RESTORE:
      sse_hub_server_restore_person_async (hub->server, op->person, NULL, on_op_finished, hub);
      break;
    case SSE_HUB_OP_REMOVE:
      if (find_person (hub, op->person, &position))
        sse_hub_server_remove_person_async (hub->server, position, NULL, on_op_finished, hub);
      else
        op_done (hub, NULL, NULL,
                 g_error_new_literal (SSE_HUB_ERROR, SSE_HUB_ERROR_NOT_FOUND,
                                      _("The person is no longer on the list")));
      break;
    case SSE_HUB_OP_CLEAR:
      sse_hub_server_clear_persons_async (hub->server, NULL, on_op_finished, hub);
      break;
    case SSE_HUB_OP_REMOVE_COMPUTER:
      sse_hub_server_remove_computer_persons_async (hub->server, op->name, NULL,
                                                    on_op_finished, hub);
      break;
    }
}

/* ------------------------------------------------------------------------ */
/* Synchronous calls                                                        */

void
sse_hub_sync_answer (SseHubSyncCall *call)
{
  GMutex *lock = call->lock;
  GCond *cond = call->cond;

  /* The flag is the last of call this thread touches: the caller's
   * stack frame may be gone the moment it is seen. */
  g_mutex_lock (lock);
  g_atomic_int_set (&call->answered, TRUE);
  g_cond_broadcast (cond);
  g_mutex_unlock (lock);
}

void
sse_hub_proxy_hub_load (SseHubProxyHub *hub,
                        SseHubSyncCall *call)
{
  call->ok = hub->loaded = sse_hub_person_store_load (hub->store, &call->error);
  sse_hub_sync_answer (call);
}

void
sse_hub_proxy_hub_start (SseHubProxyHub *hub,
                         SseHubSyncCall *call)
{
  call->ok = sse_hub_server_start (hub->server, &call->error);
  sse_hub_sync_answer (call);
}

void
sse_hub_proxy_hub_stop (SseHubProxyHub *hub,
                        SseHubSyncCall *call)
{
  sse_hub_server_stop (hub->server);
  sse_hub_sync_answer (call);
}

static gboolean
drained_cb (gpointer data)
{
  SseHubSyncCall *call = data;
  SseHubProxyHub *hub = call->out;

  call->out = NULL;
  /* A file never read (unreadable, or the hub quit first) must not be
   * rewritten with the empty list the store holds instead. */
  call->ok = !hub->loaded || sse_hub_person_store_flush (hub->store, &call->error);
  sse_hub_sync_answer (call);
  return G_SOURCE_REMOVE;
}

/* The streams' goodbyes leave while the hub's loop runs on. */
void
sse_hub_proxy_hub_shut_down (SseHubProxyHub *hub,
                             SseHubSyncCall *call)
{
  sse_hub_server_stop (hub->server);
  call->out = hub;
  sse_hub_timeout_add (DRAIN_MS, drained_cb, call);
}

void
sse_hub_proxy_hub_dup_urls (SseHubProxyHub *hub,
                            SseHubSyncCall *call)
{
  call->out = sse_hub_server_dup_urls (hub->server);
  sse_hub_sync_answer (call);
}

void
sse_hub_proxy_hub_block (SseHubProxyHub *hub,
                         SseHubSyncCall *call)
{
  if (call->number)
    sse_hub_server_block_computer (hub->server, call->name);
  else
    sse_hub_server_unblock_computer (hub->server, call->name);
  sse_hub_sync_answer (call);
}

void
sse_hub_proxy_hub_dup_blocked (SseHubProxyHub *hub,
                               SseHubSyncCall *call)
{
  call->out = sse_hub_server_dup_blocked_computers (hub->server);
  sse_hub_sync_answer (call);
}

void
sse_hub_proxy_hub_dup_streams (SseHubProxyHub *hub,
                               SseHubSyncCall *call)
{
  call->out = sse_hub_server_dup_computer_streams (hub->server);
  sse_hub_sync_answer (call);
}

void
sse_hub_proxy_hub_custom_event (SseHubProxyHub *hub,
                                SseHubSyncCall *call)
{
  call->ok = sse_hub_server_send_custom_event (hub->server, call->name, call->id, call->data,
                                               &call->error);
  sse_hub_sync_answer (call);
}

void
sse_hub_proxy_hub_drop_all (SseHubProxyHub *hub,
                            SseHubSyncCall *call)
{
  call->count = sse_hub_server_drop_all_clients (hub->server);
  sse_hub_sync_answer (call);
}

void
sse_hub_proxy_hub_disconnect (SseHubProxyHub *hub,
                              SseHubSyncCall *call)
{
  GListModel *clients = sse_hub_server_get_clients (hub->server);
  guint n = g_list_model_get_n_items (clients);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SseHubClient) client = g_list_model_get_item (clients, i);

      if (sse_hub_client_get_id (client) == call->number)
        {
          call->count = sse_hub_server_disconnect_client (hub->server, client);
          break;
        }
    }
  sse_hub_sync_answer (call);
}

void
sse_hub_proxy_hub_transport_cost (SseHubProxyHub *hub,
                                  SseHubSyncCall *call)
{
  sse_hub_server_get_transport_cost (hub->server, &call->cost);
  sse_hub_sync_answer (call);
}

void
sse_hub_proxy_hub_flush_log (SseHubProxyHub *hub,
                             SseHubSyncCall *call)
{
  sse_hub_event_log_flush (sse_hub_server_get_log (hub->server));
  sse_hub_sync_answer (call);
}

/* The entries are immutable: the owner keeps them for an Undo. */
void
sse_hub_proxy_hub_clear_log (SseHubProxyHub *hub,
                             SseHubSyncCall *call)
{
  SseHubEventLog *log = sse_hub_server_get_log (hub->server);
  guint n;
  GPtrArray *entries;

  sse_hub_event_log_flush (log);
  n = g_list_model_get_n_items (G_LIST_MODEL (log));
  entries = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (entries, g_list_model_get_item (G_LIST_MODEL (log), i));
  sse_hub_event_log_clear (log);
  call->out = entries;
  sse_hub_sync_answer (call);
}

void
sse_hub_proxy_hub_restore_log (SseHubProxyHub *hub,
                               SseHubSyncCall *call)
{
  sse_hub_event_log_restore (sse_hub_server_get_log (hub->server), call->entries);
  sse_hub_sync_answer (call);
}

/* ------------------------------------------------------------------------ */
/* The thread                                                               */

SseHubProxyHub *
sse_hub_proxy_hub_new (const char    *path,
                       GMainContext  *context,
                       SseHubMailbox *to_hub,
                       SseHubMailbox *to_owner)
{
  SseHubProxyHub *hub = g_new0 (SseHubProxyHub, 1);

  hub->path = g_strdup (path);
  hub->context = g_main_context_ref (context);
  hub->loop = g_main_loop_new (context, FALSE);
  hub->to_hub = to_hub;
  hub->to_owner = to_owner;
  g_queue_init (&hub->ops);
  return hub;
}

gboolean
sse_hub_proxy_hub_drain (gpointer data)
{
  SseHubProxyHub *hub = data;
  SseHubCall *call;

  while ((call = sse_hub_mailbox_take (hub->to_hub)) != NULL)
    {
      switch (call->kind)
        {
        case SSE_HUB_CALL_SYNC:
          call->sync->func (hub, call->sync);
          break;
        case SSE_HUB_CALL_OP:
          g_queue_push_tail (&hub->ops, g_steal_pointer (&call->op));
          run_next_op (hub);
          break;
        case SSE_HUB_CALL_PROPERTY:
          g_object_set_property (call->on_store ? G_OBJECT (hub->store) : G_OBJECT (hub->server),
                                 call->name, &call->value);
          break;
        case SSE_HUB_CALL_QUIT:
          g_main_loop_quit (hub->loop);
          break;
        }
      sse_hub_call_free (call);
    }
  return G_SOURCE_CONTINUE;
}

gpointer
sse_hub_proxy_hub_run (gpointer data)
{
  SseHubProxyHub *hub = data;
  GListModel *clients;
  GListModel *log;

  g_main_context_push_thread_default (hub->context);

  hub->store = sse_hub_person_store_new (hub->path);
  hub->server = sse_hub_server_new (hub->store);
  clients = sse_hub_server_get_clients (hub->server);
  log = G_LIST_MODEL (sse_hub_server_get_log (hub->server));
  g_signal_connect (hub->store, "items-changed", G_CALLBACK (on_persons_changed), hub);
  g_signal_connect (hub->store, "notify::writable", G_CALLBACK (on_writable_changed), hub);
  g_signal_connect (clients, "items-changed", G_CALLBACK (on_clients_changed), hub);
  g_signal_connect (log, "items-changed", G_CALLBACK (on_log_changed), hub);
  g_signal_connect (hub->server, "notify::running", G_CALLBACK (on_running_changed), hub);
  g_signal_connect (hub->server, "error", G_CALLBACK (on_error), hub);
  g_signal_connect (hub->server, "refused", G_CALLBACK (on_refused), hub);

  g_main_loop_run (hub->loop);

  /* The owner shut the hub down before it quit: nothing is told now. */
  g_signal_handlers_disconnect_by_data (hub->store, hub);
  g_signal_handlers_disconnect_by_data (clients, hub);
  g_signal_handlers_disconnect_by_data (log, hub);
  g_signal_handlers_disconnect_by_data (hub->server, hub);
  g_clear_handle_id (&hub->counters_timer, sse_hub_source_remove);
  g_clear_handle_id (&hub->counters_idle, sse_hub_source_remove);
  g_queue_clear_full (&hub->ops, (GDestroyNotify) sse_hub_op_free);
  g_clear_pointer (&hub->op, sse_hub_op_free);
  g_clear_object (&hub->server);
  g_clear_object (&hub->store);
  /* What freeing left behind: closing streams, the journal's last word. */
  while (g_main_context_iteration (hub->context, FALSE))
    ;

  g_main_context_pop_thread_default (hub->context);
  g_main_loop_unref (hub->loop);
  g_main_context_unref (hub->context);
  g_free (hub->path);
  g_free (hub);
  return NULL;
}
