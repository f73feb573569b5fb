/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SseHubServerProxy's calls: the person list's changes, run on the hub
 * one after another, and the quick calls whose answer the caller waits
 * for (see sse-hub-server-proxy.c for the mirrors they leave behind). */
#include "config.h"

#include "sse-hub-server-proxy-private.h"

/* ------------------------------------------------------------------------ */
/* The person list                                                          */

void
sse_hub_server_proxy_add_person_async (SseHubServerProxy   *self,
                                       const char          *name,
                                       gint64               age,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (SSE_HUB_IS_SERVER_PROXY (self));
  sse_hub_server_proxy_post_op (self, SSE_HUB_OP_ADD, name, age, NULL, cancellable, callback,
                                user_data, sse_hub_server_proxy_add_person_async);
}

SseHubPerson *
sse_hub_server_proxy_add_person_finish (SseHubServerProxy  *self,
                                        GAsyncResult       *result,
                                        GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sse_hub_server_proxy_restore_person_async (SseHubServerProxy   *self,
                                           SseHubPerson        *person,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_return_if_fail (SSE_HUB_IS_SERVER_PROXY (self));
  g_return_if_fail (SSE_HUB_IS_PERSON (person));
  sse_hub_server_proxy_post_op (self, SSE_HUB_OP_RESTORE, NULL, 0, person, cancellable, callback,
                                user_data, sse_hub_server_proxy_restore_person_async);
}

void
sse_hub_server_proxy_remove_person_async (SseHubServerProxy   *self,
                                          SseHubPerson        *person,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (SSE_HUB_IS_SERVER_PROXY (self));
  g_return_if_fail (SSE_HUB_IS_PERSON (person));
  sse_hub_server_proxy_post_op (self, SSE_HUB_OP_REMOVE, NULL, 0, person, cancellable, callback,
                                user_data, sse_hub_server_proxy_remove_person_async);
}

gboolean
sse_hub_server_proxy_remove_person_finish (SseHubServerProxy  *self,
                                           GAsyncResult       *result,
                                           GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sse_hub_server_proxy_clear_persons_async (SseHubServerProxy   *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (SSE_HUB_IS_SERVER_PROXY (self));
  sse_hub_server_proxy_post_op (self, SSE_HUB_OP_CLEAR, NULL, 0, NULL, cancellable, callback,
                                user_data, sse_hub_server_proxy_clear_persons_async);
}

gboolean
sse_hub_server_proxy_clear_persons_finish (SseHubServerProxy  *self,
                                           GAsyncResult       *result,
                                           GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sse_hub_server_proxy_remove_computer_persons_async (SseHubServerProxy   *self,
                                                    const char          *computer,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data)
{
  g_return_if_fail (SSE_HUB_IS_SERVER_PROXY (self));
  g_return_if_fail (computer != NULL);
  sse_hub_server_proxy_post_op (self, SSE_HUB_OP_REMOVE_COMPUTER, computer, 0, NULL, cancellable,
                                callback, user_data,
                                sse_hub_server_proxy_remove_computer_persons_async);
}

GPtrArray *
sse_hub_server_proxy_remove_computer_persons_finish (SseHubServerProxy  *self,
                                                     GAsyncResult       *result,
                                                     GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Quick calls, answered by the hub                                         */

GStrv
sse_hub_server_proxy_dup_urls (SseHubServerProxy *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER_PROXY (self), NULL);
  return sse_hub_server_proxy_call_plain (self, sse_hub_proxy_hub_dup_urls);
}

static void
block (SseHubServerProxy *self,
       const char        *computer,
       gboolean           blocked)
{
  SseHubSyncCall call = { 0 };

  call.name = computer;
  call.number = blocked;
  sse_hub_server_proxy_call_sync (self, sse_hub_proxy_hub_block, &call);
}

void
sse_hub_server_proxy_block_computer (SseHubServerProxy *self,
                                     const char        *computer)
{
  g_return_if_fail (SSE_HUB_IS_SERVER_PROXY (self));
  g_return_if_fail (computer != NULL);
  block (self, computer, TRUE);
}

void
sse_hub_server_proxy_unblock_computer (SseHubServerProxy *self,
                                       const char        *computer)
{
  g_return_if_fail (SSE_HUB_IS_SERVER_PROXY (self));
  g_return_if_fail (computer != NULL);
  block (self, computer, FALSE);
}

GStrv
sse_hub_server_proxy_dup_blocked_computers (SseHubServerProxy *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER_PROXY (self), NULL);
  return sse_hub_server_proxy_call_plain (self, sse_hub_proxy_hub_dup_blocked);
}

GPtrArray *
sse_hub_server_proxy_dup_computer_streams (SseHubServerProxy *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER_PROXY (self), NULL);
  return sse_hub_server_proxy_call_plain (self, sse_hub_proxy_hub_dup_streams);
}

gboolean
sse_hub_server_proxy_send_custom_event (SseHubServerProxy  *self,
                                        const char         *name,
                                        const char         *id,
                                        const char         *data,
                                        GError            **error)
{
  SseHubSyncCall call = { 0 };

  g_return_val_if_fail (SSE_HUB_IS_SERVER_PROXY (self), FALSE);
  call.name = name;
  call.id = id;
  call.data = data;
  return sse_hub_server_proxy_call_checked (self, sse_hub_proxy_hub_custom_event, &call, error);
}

guint
sse_hub_server_proxy_drop_all_clients (SseHubServerProxy *self)
{
  SseHubSyncCall call = { 0 };

  g_return_val_if_fail (SSE_HUB_IS_SERVER_PROXY (self), 0);
  sse_hub_server_proxy_call_sync (self, sse_hub_proxy_hub_drop_all, &call);
  return call.count;
}

guint
sse_hub_server_proxy_disconnect_client (SseHubServerProxy *self,
                                        guint64            client_id)
{
  SseHubSyncCall call = { 0 };

  g_return_val_if_fail (SSE_HUB_IS_SERVER_PROXY (self), 0);
  call.number = client_id;
  sse_hub_server_proxy_call_sync (self, sse_hub_proxy_hub_disconnect, &call);
  return call.count;
}

void
sse_hub_server_proxy_get_transport_cost (SseHubServerProxy   *self,
                                         SseHubTransportCost *cost)
{
  SseHubSyncCall call = { 0 };

  g_return_if_fail (SSE_HUB_IS_SERVER_PROXY (self));
  g_return_if_fail (cost != NULL);
  sse_hub_server_proxy_call_sync (self, sse_hub_proxy_hub_transport_cost, &call);
  *cost = call.cost;
}

void
sse_hub_server_proxy_flush_log (SseHubServerProxy *self)
{
  g_return_if_fail (SSE_HUB_IS_SERVER_PROXY (self));
  sse_hub_server_proxy_call_plain (self, sse_hub_proxy_hub_flush_log);
}

GPtrArray *
sse_hub_server_proxy_clear_log (SseHubServerProxy *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER_PROXY (self), NULL);
  return sse_hub_server_proxy_call_plain (self, sse_hub_proxy_hub_clear_log);
}

void
sse_hub_server_proxy_restore_log (SseHubServerProxy *self,
                                  GPtrArray         *entries)
{
  SseHubSyncCall call = { 0 };

  g_return_if_fail (SSE_HUB_IS_SERVER_PROXY (self));
  g_return_if_fail (entries != NULL);
  call.entries = entries;
  sse_hub_server_proxy_call_sync (self, sse_hub_proxy_hub_restore_log, &call);
}
