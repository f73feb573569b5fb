/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sse-hub-server.h"

G_BEGIN_DECLS

#define SSE_HUB_TYPE_SERVER_PROXY (sse_hub_server_proxy_get_type ())
G_DECLARE_FINAL_TYPE (SseHubServerProxy, sse_hub_server_proxy, SSE_HUB, SERVER_PROXY, GObject)

/* The app's hub (an SseHubPersonStore and its SseHubServer) made, run and
 * freed on a thread of its own ("sse-hub") with its own GMainContext, so
 * that nothing the window draws delays the streams.  The proxy lives on
 * the thread that made it, and every signal, notify, model change and
 * async callback it gives reaches that thread's thread-default context
 * (the owner context) — never another thread.
 *
 * Mirrors: get_persons (the store's own SseHubPerson objects, immutable),
 * get_log (the log's own SseHubLogEntry objects, immutable) and
 * get_clients (SseHubClient copies with no connection, handed to the
 * owner thread and read there only; their counters are refreshed after
 * each change and once a second while clients are connected).  The hub
 * thread queues every change in its order; the owner context applies all
 * that is queued in one dispatch, in that order, so a burst costs the
 * window one frame; changes in a row to one mirror reach it as one
 * items-changed.  An async call's callback comes through the same
 * queue: it runs after the mirror shows the change it made.
 *
 * A call that returns a value (start, stop, send_custom_event, the drop
 * counts, the dup_ functions, the log calls) waits for the hub thread's
 * answer and then applies every change queued until then (async
 * callbacks included), so the mirror reads as the hub was when it
 * answered.  The hub thread never waits for the owner thread.  Since
 * such a call may emit the mirrors' signals before it returns, a widget
 * must not make it inside a GTK layout pass (map, size_allocate,
 * snapshot): defer it to an idle there.
 *
 * Properties, as the server's and forwarded to it (g_settings_bind works):
 *   port, bind-address, keepalive-interval, max-clients, queue-cap,
 *   retry-ms, allow-audience-writes, rate-limit, audience-rate-limit,
 *   max-streams-per-address, max-persons-per-address, trust-local,
 *   request-timeout, and the store's max-persons.  The getters read the
 *   value set here at once.
 * Read-only, mirrored from the hub: running, bound-port (0 while
 *   stopped), n-clients, writable (the store's).
 * Signals, as the server's: error (GError), refused (SseHubPeer *peer,
 *   SseHubRefusal reason, const char *field or NULL, const char *path or
 *   NULL). */

/* path: the person store's journal, or NULL for a list kept in memory.
 * The hub thread starts at once; the store is empty until loaded. */
SseHubServerProxy *sse_hub_server_proxy_new        (const char         *path);
/* Reads the store's file on the hub thread; on failure the hub keeps an
 * empty list (serving it would hide the problem: stay stopped). */
gboolean           sse_hub_server_proxy_load       (SseHubServerProxy  *self,
                                                    GError            **error);

gboolean           sse_hub_server_proxy_start      (SseHubServerProxy  *self,
                                                    GError            **error);
void               sse_hub_server_proxy_stop       (SseHubServerProxy  *self);
/* Stops the server, lets the closing streams leave, flushes the store:
 * the app's quit.  The thread then idles until the proxy is freed.
 * Freeing the proxy does the same (then quits and joins the thread). */
gboolean           sse_hub_server_proxy_shut_down  (SseHubServerProxy  *self,
                                                    GError            **error);

gboolean           sse_hub_server_proxy_get_running    (SseHubServerProxy *self);
guint              sse_hub_server_proxy_get_bound_port (SseHubServerProxy *self);
guint              sse_hub_server_proxy_get_port       (SseHubServerProxy *self);
void               sse_hub_server_proxy_set_port       (SseHubServerProxy *self,
                                                        guint              port);
const char        *sse_hub_server_proxy_get_bind_address (SseHubServerProxy *self);
void               sse_hub_server_proxy_set_bind_address (SseHubServerProxy *self,
                                                          const char        *bind_address);
/* As sse_hub_server_dup_urls(). */
GStrv              sse_hub_server_proxy_dup_urls       (SseHubServerProxy *self);
/* The store's writable: FALSE while the disk is full. */
gboolean           sse_hub_server_proxy_get_writable   (SseHubServerProxy *self);

/* The mirrors: owned by the proxy, changed only on the owner context. */
GListModel        *sse_hub_server_proxy_get_persons    (SseHubServerProxy *self);
GListModel        *sse_hub_server_proxy_get_clients    (SseHubServerProxy *self);
GListModel        *sse_hub_server_proxy_get_log        (SseHubServerProxy *self);

/* The person list's changes, as sse_hub_server_*_async(); the proxy's
 * own changes run one after another on the hub, in call order. */
void               sse_hub_server_proxy_add_person_async     (SseHubServerProxy   *self,
                                                              const char          *name,
                                                              gint64               age,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
/* The person as it entered the list: the mirror's object. */
SseHubPerson      *sse_hub_server_proxy_add_person_finish    (SseHubServerProxy   *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);
/* Adds person's name and age again, with the computer that first added
 * it; finish with sse_hub_server_proxy_add_person_finish(). */
void               sse_hub_server_proxy_restore_person_async (SseHubServerProxy   *self,
                                                              SseHubPerson        *person,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
/* person: an item of the persons mirror.  Found in the store on the hub
 * thread (the mirror's positions may lag it); SSE_HUB_ERROR_NOT_FOUND
 * when it is no longer listed. */
void               sse_hub_server_proxy_remove_person_async  (SseHubServerProxy   *self,
                                                              SseHubPerson        *person,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean           sse_hub_server_proxy_remove_person_finish (SseHubServerProxy   *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);
void               sse_hub_server_proxy_clear_persons_async  (SseHubServerProxy   *self,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean           sse_hub_server_proxy_clear_persons_finish (SseHubServerProxy   *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);
/* As sse_hub_server_remove_computer_persons_async(): the finish returns
 * the persons removed (SseHubPerson, list order) for an Undo. */
void               sse_hub_server_proxy_remove_computer_persons_async  (SseHubServerProxy   *self,
                                                                        const char          *computer,
                                                                        GCancellable        *cancellable,
                                                                        GAsyncReadyCallback  callback,
                                                                        gpointer             user_data);
GPtrArray         *sse_hub_server_proxy_remove_computer_persons_finish (SseHubServerProxy   *self,
                                                                        GAsyncResult        *result,
                                                                        GError             **error);

/* The presenter's power over one computer, as sse_hub_server_*(). */
void               sse_hub_server_proxy_block_computer        (SseHubServerProxy *self,
                                                               const char        *computer);
void               sse_hub_server_proxy_unblock_computer      (SseHubServerProxy *self,
                                                               const char        *computer);
GStrv              sse_hub_server_proxy_dup_blocked_computers (SseHubServerProxy *self);
/* A GPtrArray of SseHubComputerStreams. */
GPtrArray         *sse_hub_server_proxy_dup_computer_streams  (SseHubServerProxy *self);

gboolean           sse_hub_server_proxy_send_custom_event (SseHubServerProxy *self,
                                                           const char        *name,
                                                           const char        *id,
                                                           const char        *data,
                                                           GError           **error);
/* How many streams were closed. */
guint              sse_hub_server_proxy_drop_all_clients  (SseHubServerProxy *self);
/* client_id: sse_hub_client_get_id() of a clients mirror item. */
guint              sse_hub_server_proxy_disconnect_client (SseHubServerProxy *self,
                                                           guint64            client_id);
void               sse_hub_server_proxy_get_transport_cost (SseHubServerProxy   *self,
                                                            SseHubTransportCost *cost);

/* The event log, as sse_hub_event_log_*() and reflected in the mirror
 * when they return: flush moves the hub's pending entries into the model;
 * clear returns the entries it took (SseHubLogEntry) for restore, the
 * window's Undo. */
void               sse_hub_server_proxy_flush_log   (SseHubServerProxy *self);
GPtrArray         *sse_hub_server_proxy_clear_log   (SseHubServerProxy *self);
void               sse_hub_server_proxy_restore_log (SseHubServerProxy *self,
                                                     GPtrArray         *entries);

G_END_DECLS
