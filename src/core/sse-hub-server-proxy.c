/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The owner's half of SseHubServerProxy: the GObject the window holds, its
 * mirrors, and the calls it marshals to the hub thread
 * (sse-hub-server-proxy-hub.c). */
#include "config.h"

#include "sse-hub-server-proxy-private.h"

#include "sse-hub-client-private.h"
#include "sse-hub-server-private.h"

struct _SseHubServerProxy
{
  GObject         parent_instance;

  GMainContext   *owner_context;
  GMainContext   *hub_context;
  GThread        *thread;
  SseHubMailbox   to_hub;       /* SseHubCall */
  SseHubMailbox   to_owner;     /* SseHubChange */
  GMutex          answer_lock;
  GCond           answered;

  /* the mirrors: owner thread only */
  GListStore     *persons;
  GListStore     *clients;
  GListStore     *log;
  GValue         *values;       /* per property, at prop_id - 1 */
  gboolean        shut_down;
};

G_DEFINE_FINAL_TYPE (SseHubServerProxy, sse_hub_server_proxy, G_TYPE_OBJECT)

/* The hub's changes apply after GTK's layout (G_PRIORITY_HIGH_IDLE + 10)
 * and paint (+ 20): a hub that changes all the time would otherwise keep
 * a source of higher priority ready at every turn and no frame would be
 * drawn.  So a frame is drawn between batches, and a batch costs at most
 * one more. */
#define OWNER_PRIORITY (G_PRIORITY_HIGH_IDLE + 30)

/* The server's and store's settable properties, forwarded as they are. */
static const struct
{
  const char *name;
  gboolean    on_store;
} forwarded[] = {
  { "port", FALSE }, { "bind-address", FALSE }, { "keepalive-interval", FALSE },
  { "max-clients", FALSE }, { "queue-cap", FALSE }, { "retry-ms", FALSE },
  { "allow-audience-writes", FALSE }, { "rate-limit", FALSE },
  { "audience-rate-limit", FALSE }, { "max-streams-per-address", FALSE },
  { "max-persons-per-address", FALSE }, { "trust-local", FALSE },
  { "request-timeout", FALSE }, { "max-persons", TRUE },
};

enum {
  PROP_0,
  PROP_RUNNING = G_N_ELEMENTS (forwarded) + 1,
  PROP_BOUND_PORT,
  PROP_N_CLIENTS,
  PROP_WRITABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint signals[SSE_HUB_N_SIGNALS];

/* ------------------------------------------------------------------------ */
/* The changes applied                                                      */

static void
apply_counters (SseHubServerProxy *self,
                GArray            *counters)
{
  /* The mirror is the hub's list as it was when these were read. */
  for (guint i = 0; i < counters->len; i++)
    {
      g_autoptr(SseHubClient) mirror = g_list_model_get_item (G_LIST_MODEL (self->clients), i);
      const SseHubCounters *c = &g_array_index (counters, SseHubCounters, i);

      if (mirror == NULL || sse_hub_client_get_id (mirror) != c->id)
        break;
      sse_hub_client_set_counters (mirror, c->events_sent, c->bytes_sent, c->bytes_received);
    }
}

static void
set_from_hub (SseHubServerProxy *self,
              guint              prop_id,
              guint64            number)
{
  GValue *value = &self->values[prop_id - 1];

  if (G_VALUE_HOLDS_BOOLEAN (value) && g_value_get_boolean (value) != (number != 0))
    g_value_set_boolean (value, number != 0);
  else if (G_VALUE_HOLDS_UINT (value) && g_value_get_uint (value) != number)
    g_value_set_uint (value, number);
  else
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/* Consecutive changes to one mirror, applied to a copy of its items and
 * spliced in once: a class that leaves at once (Drop All, the end of a
 * lesson) is one splice, not one per client, each of which GTK's list
 * views answer by rebinding every row after it. */
typedef struct
{
  GListStore *store;   /* NULL: nothing pending */
  GPtrArray  *items;   /* the store's items, the pending changes applied */
} Pending;

static GListStore *
store_of (SseHubServerProxy *self,
          SseHubChangeKind   kind)
{
  switch (kind)
    {
    case SSE_HUB_CHANGE_PERSONS:
      return self->persons;
    case SSE_HUB_CHANGE_CLIENTS:
      return self->clients;
    case SSE_HUB_CHANGE_LOG:
      return self->log;
    default:
      return NULL;
    }
}

static void
pending_add (Pending      *pending,
             GListStore   *store,
             SseHubChange *change)
{
  if (pending->store == NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

      pending->store = store;
      pending->items = g_ptr_array_new_full (n + change->added->len, g_object_unref);
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (pending->items, g_list_model_get_item (G_LIST_MODEL (store), i));
    }
  g_ptr_array_remove_range (pending->items, change->position, change->removed);
  for (guint i = 0; i < change->added->len; i++)
    g_ptr_array_insert (pending->items, change->position + i,
                        g_object_ref (g_ptr_array_index (change->added, i)));
}

/* One splice over what differs between the store and its copy. */
static void
pending_commit (SseHubServerProxy *self,
                Pending           *pending)
{
  GListStore *store = g_steal_pointer (&pending->store);
  g_autoptr(GPtrArray) items = g_steal_pointer (&pending->items);
  GListModel *model = G_LIST_MODEL (store);
  guint n_old;
  guint first = 0;
  guint last = 0;

  if (store == NULL)
    return;

  n_old = g_list_model_get_n_items (model);
  while (first < n_old && first < items->len)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, first);

      if (item != g_ptr_array_index (items, first))
        break;
      first++;
    }
  while (last < n_old - first && last < items->len - first)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, n_old - 1 - last);

      if (item != g_ptr_array_index (items, items->len - 1 - last))
        break;
      last++;
    }
  if (first + last < MAX (n_old, items->len))
    g_list_store_splice (store, first, n_old - first - last, items->pdata + first,
                         items->len - first - last);
  if (store == self->clients)
    set_from_hub (self, PROP_N_CLIENTS, items->len);
}

static void
apply_change (SseHubServerProxy *self,
              SseHubChange      *change)
{
  switch (change->kind)
    {
    case SSE_HUB_CHANGE_PERSONS:
    case SSE_HUB_CHANGE_CLIENTS:
    case SSE_HUB_CHANGE_LOG:
      g_assert_not_reached ();
    case SSE_HUB_CHANGE_COUNTERS:
      apply_counters (self, change->counters);
      break;
    case SSE_HUB_CHANGE_RUNNING:
      g_object_freeze_notify (G_OBJECT (self));
      set_from_hub (self, PROP_BOUND_PORT, change->number2);
      set_from_hub (self, PROP_RUNNING, change->number);
      g_object_thaw_notify (G_OBJECT (self));
      break;
    case SSE_HUB_CHANGE_WRITABLE:
      set_from_hub (self, PROP_WRITABLE, change->number);
      break;
    case SSE_HUB_CHANGE_REFUSED:
      g_signal_emit (self, signals[SSE_HUB_SIGNAL_REFUSED], 0, change->peer, change->reason,
                     change->field, change->path);
      break;
    case SSE_HUB_CHANGE_ERROR:
      g_signal_emit (self, signals[SSE_HUB_SIGNAL_ERROR], 0, change->error);
      break;
    case SSE_HUB_CHANGE_DONE:
      if (change->error != NULL)
        g_task_return_error (change->task, g_steal_pointer (&change->error));
      else if (change->result_free != NULL)
        g_task_return_pointer (change->task, g_steal_pointer (&change->result),
                               change->result_free);
      else
        g_task_return_boolean (change->task, TRUE);
      break;
    }
}

/* Everything queued when it starts, in the hub's order, taken one at a
 * time: a handler that makes a synchronous call drains inside, and the
 * order still holds.  What arrives meanwhile waits for the next dispatch,
 * so a busy hub cannot hold the owner's loop here.  A mirror's changes
 * are committed before any other kind of change applies: a callback or
 * a signal always finds the mirrors as the hub was when it was queued. */
static gboolean
drain_changes (gpointer data)
{
  SseHubServerProxy *self = data;
  guint n = sse_hub_mailbox_length (&self->to_owner);
  Pending pending = { NULL, NULL };

  g_object_ref (self);
  for (guint i = 0; i < n; i++)
    {
      SseHubChange *change = sse_hub_mailbox_take (&self->to_owner);
      GListStore *store;

      if (change == NULL)
        break;
      store = store_of (self, change->kind);
      if (pending.store != NULL && pending.store != store)
        pending_commit (self, &pending);
      if (store != NULL)
        pending_add (&pending, store, change);
      else
        apply_change (self, change);
      sse_hub_change_free (change);
    }
  pending_commit (self, &pending);
  sse_hub_mailbox_length (&self->to_owner);
  g_object_unref (self);
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------------ */
/* Calls                                                                    */

static void
post_call (SseHubServerProxy *self,
           SseHubCall        *call)
{
  sse_hub_mailbox_post (&self->to_hub, call);
}

/* Waits for the hub's answer, then applies what the hub made up to it. */
void
sse_hub_server_proxy_call_sync (SseHubServerProxy *self,
                                SseHubSyncFunc     func,
                                SseHubSyncCall    *sync)
{
  SseHubCall *call;

  g_return_if_fail (self->thread != NULL);

  call = g_new0 (SseHubCall, 1);
  sync->func = func;
  sync->lock = &self->answer_lock;
  sync->cond = &self->answered;
  call->kind = SSE_HUB_CALL_SYNC;
  call->sync = sync;
  post_call (self, call);

  g_mutex_lock (&self->answer_lock);
  while (!g_atomic_int_get (&sync->answered))
    g_cond_wait (&self->answered, &self->answer_lock);
  g_mutex_unlock (&self->answer_lock);

  drain_changes (self);
}

gpointer
sse_hub_server_proxy_call_plain (SseHubServerProxy *self,
                                 SseHubSyncFunc     func)
{
  SseHubSyncCall call = { 0 };

  sse_hub_server_proxy_call_sync (self, func, &call);
  return call.out;
}

gboolean
sse_hub_server_proxy_call_checked (SseHubServerProxy  *self,
                                   SseHubSyncFunc      func,
                                   SseHubSyncCall     *sync,
                                   GError            **error)
{
  sse_hub_server_proxy_call_sync (self, func, sync);
  if (sync->error != NULL)
    g_propagate_error (error, sync->error);
  return sync->ok;
}

void
sse_hub_server_proxy_post_op (SseHubServerProxy   *self,
                              SseHubOpKind         kind,
                              const char          *name,
                              gint64               age,
                              SseHubPerson        *person,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data,
                              gpointer             tag)
{
  SseHubCall *call = g_new0 (SseHubCall, 1);
  SseHubOp *op = g_new0 (SseHubOp, 1);

  op->kind = kind;
  op->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, tag);
  op->name = g_strdup (name);
  op->age = age;
  op->person = person != NULL ? g_object_ref (person) : NULL;
  call->kind = SSE_HUB_CALL_OP;
  call->op = op;
  post_call (self, call);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */

static void
sse_hub_server_proxy_dispose (GObject *object)
{
  SseHubServerProxy *self = SSE_HUB_SERVER_PROXY (object);

  if (self->thread != NULL)
    {
      g_autoptr(GError) error = NULL;
      SseHubCall *quit = g_new0 (SseHubCall, 1);

      if (!self->shut_down && !sse_hub_server_proxy_shut_down (self, &error))
        g_warning ("Cannot save the person list: %s", error->message);
      quit->kind = SSE_HUB_CALL_QUIT;
      post_call (self, quit);
      g_thread_join (g_steal_pointer (&self->thread));
    }

  G_OBJECT_CLASS (sse_hub_server_proxy_parent_class)->dispose (object);
}

static void
sse_hub_server_proxy_finalize (GObject *object)
{
  SseHubServerProxy *self = SSE_HUB_SERVER_PROXY (object);

  /* The hub thread has ended: what it told nobody is let go here. */
  sse_hub_mailbox_clear (&self->to_owner, (GDestroyNotify) sse_hub_change_free);
  sse_hub_mailbox_clear (&self->to_hub, (GDestroyNotify) sse_hub_call_free);
  g_mutex_clear (&self->answer_lock);
  g_cond_clear (&self->answered);
  g_clear_pointer (&self->hub_context, g_main_context_unref);
  g_clear_pointer (&self->owner_context, g_main_context_unref);
  g_clear_object (&self->persons);
  g_clear_object (&self->clients);
  g_clear_object (&self->log);
  for (guint i = 0; i < N_PROPS - 1; i++)
    g_value_unset (&self->values[i]);
  g_free (self->values);

  G_OBJECT_CLASS (sse_hub_server_proxy_parent_class)->finalize (object);
}

static void
sse_hub_server_proxy_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  SseHubServerProxy *self = SSE_HUB_SERVER_PROXY (object);

  if (prop_id == 0 || prop_id >= N_PROPS)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  else
    g_value_copy (&self->values[prop_id - 1], value);
}

/* Read back at once; the hub gets it in call order. */
static void
sse_hub_server_proxy_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  SseHubServerProxy *self = SSE_HUB_SERVER_PROXY (object);
  GValue *mirror = &self->values[prop_id - 1];
  SseHubCall *call;

  if (prop_id == 0 || prop_id > G_N_ELEMENTS (forwarded))
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  if (g_param_values_cmp (pspec, value, mirror) == 0)
    return;

  g_value_copy (value, mirror);
  g_object_notify_by_pspec (object, pspec);

  call = g_new0 (SseHubCall, 1);
  call->kind = SSE_HUB_CALL_PROPERTY;
  call->name = forwarded[prop_id - 1].name;
  call->on_store = forwarded[prop_id - 1].on_store;
  g_value_init (&call->value, G_VALUE_TYPE (value));
  g_value_copy (value, &call->value);
  post_call (self, call);
}

/* The same name, range, default and access as the hub's own. */
static GParamSpec *
copy_pspec (GParamSpec *pspec)
{
  GParamFlags flags = (pspec->flags & G_PARAM_READWRITE) | G_PARAM_STATIC_STRINGS
                      | G_PARAM_EXPLICIT_NOTIFY;

  if (G_IS_PARAM_SPEC_UINT (pspec))
    {
      GParamSpecUInt *u = G_PARAM_SPEC_UINT (pspec);

      return g_param_spec_uint (pspec->name, NULL, NULL, u->minimum, u->maximum,
                                u->default_value, flags);
    }
  if (G_IS_PARAM_SPEC_BOOLEAN (pspec))
    return g_param_spec_boolean (pspec->name, NULL, NULL,
                                 G_PARAM_SPEC_BOOLEAN (pspec)->default_value, flags);
  g_assert (G_IS_PARAM_SPEC_STRING (pspec));
  return g_param_spec_string (pspec->name, NULL, NULL,
                              G_PARAM_SPEC_STRING (pspec)->default_value, flags);
}

static void
sse_hub_server_proxy_class_init (SseHubServerProxyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GObjectClass *server_class = g_type_class_ref (SSE_HUB_TYPE_SERVER);
  GObjectClass *store_class = g_type_class_ref (SSE_HUB_TYPE_PERSON_STORE);

  object_class->dispose = sse_hub_server_proxy_dispose;
  object_class->finalize = sse_hub_server_proxy_finalize;
  object_class->get_property = sse_hub_server_proxy_get_property;
  object_class->set_property = sse_hub_server_proxy_set_property;

  for (guint i = 0; i < G_N_ELEMENTS (forwarded); i++)
    properties[i + 1] =
      copy_pspec (g_object_class_find_property (forwarded[i].on_store ? store_class : server_class,
                                                forwarded[i].name));
  properties[PROP_RUNNING] =
    copy_pspec (g_object_class_find_property (server_class, "running"));
  /* The server has only a getter for it. */
  properties[PROP_BOUND_PORT] =
    g_param_spec_uint ("bound-port", NULL, NULL, 0, 65535, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_CLIENTS] =
    copy_pspec (g_object_class_find_property (server_class, "n-clients"));
  properties[PROP_WRITABLE] =
    copy_pspec (g_object_class_find_property (store_class, "writable"));
  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_type_class_unref (server_class);
  g_type_class_unref (store_class);

  sse_hub_server_signals_new (G_TYPE_FROM_CLASS (klass), signals);
}

static void
sse_hub_server_proxy_init (SseHubServerProxy *self)
{
  self->persons = g_list_store_new (SSE_HUB_TYPE_PERSON);
  self->clients = g_list_store_new (SSE_HUB_TYPE_CLIENT);
  self->log = g_list_store_new (SSE_HUB_TYPE_LOG_ENTRY);
  self->values = g_new0 (GValue, N_PROPS - 1);
  for (guint i = 1; i < N_PROPS; i++)
    {
      g_value_init (&self->values[i - 1], properties[i]->value_type);
      g_param_value_set_default (properties[i], &self->values[i - 1]);
    }
  g_mutex_init (&self->answer_lock);
  g_cond_init (&self->answered);
}

SseHubServerProxy *
sse_hub_server_proxy_new (const char *path)
{
  SseHubServerProxy *self = g_object_new (SSE_HUB_TYPE_SERVER_PROXY, NULL);
  SseHubProxyHub *hub;

  self->owner_context = g_main_context_ref_thread_default ();
  self->hub_context = g_main_context_new ();
  sse_hub_mailbox_init (&self->to_owner, self->owner_context, OWNER_PRIORITY, drain_changes,
                        self);
  hub = sse_hub_proxy_hub_new (path, self->hub_context, &self->to_hub, &self->to_owner);
  sse_hub_mailbox_init (&self->to_hub, self->hub_context, G_PRIORITY_DEFAULT,
                        sse_hub_proxy_hub_drain, hub);
  self->thread = g_thread_new ("sse-hub", sse_hub_proxy_hub_run, hub);
  return self;
}

/* ------------------------------------------------------------------------ */
/* The hub's life                                                           */

gboolean
sse_hub_server_proxy_load (SseHubServerProxy  *self,
                           GError            **error)
{
  SseHubSyncCall call = { 0 };

  g_return_val_if_fail (SSE_HUB_IS_SERVER_PROXY (self), FALSE);
  return sse_hub_server_proxy_call_checked (self, sse_hub_proxy_hub_load, &call, error);
}

gboolean
sse_hub_server_proxy_start (SseHubServerProxy  *self,
                            GError            **error)
{
  SseHubSyncCall call = { 0 };

  g_return_val_if_fail (SSE_HUB_IS_SERVER_PROXY (self), FALSE);
  return sse_hub_server_proxy_call_checked (self, sse_hub_proxy_hub_start, &call, error);
}

void
sse_hub_server_proxy_stop (SseHubServerProxy *self)
{
  g_return_if_fail (SSE_HUB_IS_SERVER_PROXY (self));
  sse_hub_server_proxy_call_plain (self, sse_hub_proxy_hub_stop);
}

gboolean
sse_hub_server_proxy_shut_down (SseHubServerProxy  *self,
                                GError            **error)
{
  SseHubSyncCall call = { 0 };
  gboolean ok;

  g_return_val_if_fail (SSE_HUB_IS_SERVER_PROXY (self), FALSE);
  ok = sse_hub_server_proxy_call_checked (self, sse_hub_proxy_hub_shut_down, &call, error);
  self->shut_down = TRUE;
  return ok;
}

/* ------------------------------------------------------------------------ */
/* Reading the mirror                                                       */

static const GValue *
value_of (SseHubServerProxy *self,
          const char        *name)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), name);

  return &self->values[pspec->param_id - 1];
}

gboolean
sse_hub_server_proxy_get_running (SseHubServerProxy *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER_PROXY (self), FALSE);
  return g_value_get_boolean (&self->values[PROP_RUNNING - 1]);
}

guint
sse_hub_server_proxy_get_bound_port (SseHubServerProxy *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER_PROXY (self), 0);
  return g_value_get_uint (&self->values[PROP_BOUND_PORT - 1]);
}

guint
sse_hub_server_proxy_get_port (SseHubServerProxy *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER_PROXY (self), 0);
  return g_value_get_uint (value_of (self, "port"));
}

void
sse_hub_server_proxy_set_port (SseHubServerProxy *self,
                               guint              port)
{
  g_return_if_fail (SSE_HUB_IS_SERVER_PROXY (self));
  g_object_set (self, "port", port, NULL);
}

const char *
sse_hub_server_proxy_get_bind_address (SseHubServerProxy *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER_PROXY (self), NULL);
  return g_value_get_string (value_of (self, "bind-address"));
}

void
sse_hub_server_proxy_set_bind_address (SseHubServerProxy *self,
                                       const char        *bind_address)
{
  g_return_if_fail (SSE_HUB_IS_SERVER_PROXY (self));
  g_object_set (self, "bind-address", bind_address, NULL);
}

gboolean
sse_hub_server_proxy_get_writable (SseHubServerProxy *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER_PROXY (self), FALSE);
  return g_value_get_boolean (&self->values[PROP_WRITABLE - 1]);
}

GListModel *
sse_hub_server_proxy_get_persons (SseHubServerProxy *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER_PROXY (self), NULL);
  return G_LIST_MODEL (self->persons);
}

GListModel *
sse_hub_server_proxy_get_clients (SseHubServerProxy *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER_PROXY (self), NULL);
  return G_LIST_MODEL (self->clients);
}

GListModel *
sse_hub_server_proxy_get_log (SseHubServerProxy *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER_PROXY (self), NULL);
  return G_LIST_MODEL (self->log);
}
