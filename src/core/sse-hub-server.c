/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sse-hub-server-private.h"
#include "sse-hub-web-files.h"
#include "sse-hub-wire.h"

/* A request must arrive whole within this time: a peer that trickles its
 * headers (slowloris) would otherwise hold a connection forever. */
#define DEFAULT_REQUEST_TIMEOUT_SECONDS 10

G_DEFINE_FINAL_TYPE (SseHubServer, sse_hub_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_PORT,
  PROP_BIND_ADDRESS,
  PROP_RUNNING,
  PROP_KEEPALIVE_INTERVAL,
  PROP_MAX_CLIENTS,
  PROP_QUEUE_CAP,
  PROP_RETRY_MS,
  PROP_ALLOW_AUDIENCE_WRITES,
  PROP_RATE_LIMIT,
  PROP_AUDIENCE_RATE_LIMIT,
  PROP_MAX_STREAMS_PER_ADDRESS,
  PROP_MAX_PERSONS_PER_ADDRESS,
  PROP_TRUST_LOCAL,
  PROP_REQUEST_TIMEOUT,
  PROP_N_CLIENTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint signals[SSE_HUB_N_SIGNALS];

static void restart_if_running (SseHubServer *self);

void
sse_hub_server_emit_refused (SseHubServer  *self,
                             SseHubPeer    *peer,
                             SseHubRefusal  reason,
                             const char    *field,
                             const char    *path)
{
  g_signal_emit (self, signals[SSE_HUB_SIGNAL_REFUSED], 0, peer, reason, field, path);
}

/* ------------------------------------------------------------------------ */
/* Routing                                                                  */

static const struct
{
  const char         *path;
  const char         *method;  /* the one it answers, besides OPTIONS */
  const char         *allow;   /* the Allow header of a 405 */
  SseHubRouteHandler  handle;
} routes[] = {
  { "/connect",   "GET",  "GET, OPTIONS",  sse_hub_routes_connect },
  { "/addPerson", "POST", "POST, OPTIONS", sse_hub_routes_add_person },
  { "/event",     "POST", "POST, OPTIONS", sse_hub_routes_send_event },
};

static void
route (SoupServer        *soup,
       SoupServerMessage *message,
       const char        *path,
       GHashTable        *query,
       gpointer           user_data)
{
  SseHubServer *self = user_data;
  const char *method = soup_server_message_get_method (message);
  SseHubPeer *peer = sse_hub_access_get_peer (self->access, message);
  g_autoptr(GError) error = NULL;

  sse_hub_routes_set_cors_headers (message);
  /* Parked between requests, never idle inside libsoup 3.2 (see
   * sse-hub-parking.h); an event stream holds its connection anyway. */
  sse_hub_parking_keep_alive (self->parking, message);

  if (!sse_hub_access_check_host (self->access, peer, &error))
    {
      sse_hub_routes_refuse (self, message, peer, SSE_HUB_REFUSAL_HOST, error);
      return;
    }

  if (method == SOUP_METHOD_OPTIONS)
    {
      sse_hub_routes_preflight (message);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (!g_str_equal (path, routes[i].path))
        continue;

      if (g_str_equal (method, routes[i].method))
        routes[i].handle (self, message, peer, query);
      else
        sse_hub_routes_method_not_allowed (self, message, peer, routes[i].allow);
      return;
    }

  if ((method == SOUP_METHOD_GET || method == SOUP_METHOD_HEAD) &&
      sse_hub_web_files_serve (message, path))
    return;

  sse_hub_routes_not_found (self, message, peer, path);
}

/* ------------------------------------------------------------------------ */
/* Start and stop                                                           */

gboolean
sse_hub_server_start (SseHubServer  *self,
                      GError       **error)
{
  g_autoptr(SoupServer) soup = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GError) local_error = NULL;
  SseHubLogRecord started = { .kind = SSE_HUB_LOG_NOTICE, .event = SSE_HUB_LOG_EVENT_STARTED,
                              .event_name = "start" };

  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), FALSE);

  if (self->soup != NULL)
    return TRUE;

  socket = sse_hub_listener_create_socket (self->bind_address, self->port, &local_error);
  if (socket == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                     _("Port %u is already in use by another program"), self->port);
      else
        g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                    _("Cannot listen on port %u: "), self->port);
      return FALSE;
    }

  /* The trailing space makes libsoup append its own product token. */
  soup = soup_server_new ("server-header", SSE_HUB_SERVER_NAME " ", NULL);
  /* Same path as the main handler: libsoup keeps one handler per path, so an
   * early handler on "/addPerson" alone would leave it without a main one. */
  soup_server_add_early_handler (soup, NULL, sse_hub_routes_early_handler, self, NULL);
  soup_server_add_handler (soup, NULL, route, self, NULL);
  sse_hub_listener_watch_deadlines (self, soup, sse_hub_routes_deadline_missed);

  if (!soup_server_listen_socket (soup, socket, 0, error))
    return FALSE;

  if (!sse_hub_fanout_start (self->fanout, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Cannot listen on port %u: "), self->port);
      return FALSE;
    }

  local = g_socket_get_local_address (socket, NULL);
  self->bound_port = local != NULL ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)) : 0;
  self->access->bound_port = self->bound_port;
  self->soup = g_steal_pointer (&soup);
  self->parking = sse_hub_parking_new (self->soup, SSE_HUB_PARKING_IDLE_SECONDS, SSE_HUB_PARKING_MAX);
  self->accept_watch = sse_hub_accept_watch_new (self->soup, socket, self->log);

  started.number = self->bound_port;
  sse_hub_event_log_add (self->log, &started);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  return TRUE;
}

void
sse_hub_server_stop (SseHubServer *self)
{
  g_return_if_fail (SSE_HUB_IS_SERVER (self));

  if (self->soup == NULL)
    return;

  sse_hub_fanout_stop (self->fanout);
  g_clear_pointer (&self->accept_watch, sse_hub_accept_watch_free);
  g_clear_pointer (&self->parking, sse_hub_parking_free);

  /* Requests still arriving on open connections must not reach a hub that
   * may be gone by then. */
  soup_server_remove_handler (self->soup, NULL);
  g_signal_handlers_disconnect_by_data (self->soup, self);
  soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  self->bound_port = 0;
  self->access->bound_port = 0;

  sse_hub_event_log_add (self->log, &(SseHubLogRecord) { .kind = SSE_HUB_LOG_NOTICE,
                                                         .event = SSE_HUB_LOG_EVENT_STOPPED,
                                                         .event_name = "stop" });
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
restart_if_running (SseHubServer *self)
{
  g_autoptr(GError) error = NULL;

  if (self->soup == NULL)
    return;

  sse_hub_server_stop (self);
  if (!sse_hub_server_start (self, &error))
    g_signal_emit (self, signals[SSE_HUB_SIGNAL_ERROR], 0, error);
}

GStrv
sse_hub_server_dup_urls (SseHubServer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), NULL);

  if (self->soup == NULL)
    return g_new0 (char *, 1);

  return sse_hub_listener_dup_urls (self->bind_address, self->bound_port);
}

/* ------------------------------------------------------------------------ */
/* Object                                                                   */

gboolean
sse_hub_server_get_running (SseHubServer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), FALSE);
  return self->soup != NULL;
}

guint
sse_hub_server_get_bound_port (SseHubServer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), 0);
  return self->bound_port;
}

SseHubPersonStore *
sse_hub_server_get_store (SseHubServer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), NULL);
  return self->store;
}

GListModel *
sse_hub_server_get_clients (SseHubServer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), NULL);
  return sse_hub_fanout_get_clients (self->fanout);
}

SseHubEventLog *
sse_hub_server_get_log (SseHubServer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), NULL);
  return self->log;
}

guint
sse_hub_server_get_port (SseHubServer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), 0);
  return self->port;
}

void
sse_hub_server_set_port (SseHubServer *self,
                         guint         port)
{
  g_return_if_fail (SSE_HUB_IS_SERVER (self));
  g_return_if_fail (port <= 65535);

  if (self->port == port)
    return;

  self->port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
  restart_if_running (self);
}

const char *
sse_hub_server_get_bind_address (SseHubServer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), NULL);
  return self->bind_address;
}

void
sse_hub_server_set_bind_address (SseHubServer *self,
                                 const char   *bind_address)
{
  g_return_if_fail (SSE_HUB_IS_SERVER (self));

  if (g_strcmp0 (self->bind_address, bind_address) == 0)
    return;

  g_free (self->bind_address);
  self->bind_address = g_strdup (bind_address);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BIND_ADDRESS]);
  restart_if_running (self);
}

static void
set_allow_audience_writes (SseHubServer *self,
                           gboolean      allow)
{
  allow = !!allow;
  if (self->access->allow_audience_writes == allow)
    return;

  self->access->allow_audience_writes = allow;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_AUDIENCE_WRITES]);

  /* Open pages show or hide their form at once. */
  if (self->soup != NULL)
    {
      g_autofree char *config = sse_hub_server_dup_config_json (self);

      sse_hub_server_publish (self, SSE_HUB_LOG_NOTICE, SSE_HUB_EVENT_CONFIG, NULL, config);
    }
}

char *
sse_hub_server_dup_config_json (SseHubServer *self)
{
  return sse_hub_config_json (self->access->allow_audience_writes,
                              sse_hub_fanout_get_event_names (self->fanout));
}

/* What goes to the streams: the fan-out sends it. */
void
sse_hub_server_publish (SseHubServer  *self,
                        SseHubLogKind  kind,
                        const char    *event,
                        const char    *id,
                        const char    *data)
{
  g_return_if_fail (SSE_HUB_IS_SERVER (self));

  sse_hub_fanout_publish (self->fanout, kind, event, id, data);
}

gboolean
sse_hub_server_send_custom_event (SseHubServer  *self,
                                  const char    *name,
                                  const char    *id,
                                  const char    *data,
                                  GError       **error)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), FALSE);

  if (id != NULL && *id == '\0')
    id = NULL;
  if (!sse_hub_fanout_check_custom_event (self->fanout, name, id, data,
                                          SSE_HUB_MAX_CUSTOM_EVENT_NAMES, error))
    return FALSE;

  /* EventSource delivers a named event only to a listener for that name,
   * so a new name goes out in config first: on the one ordered stream,
   * every page adds its listener before the event arrives. */
  if (sse_hub_fanout_announce_event_name (self->fanout, name))
    {
      g_autofree char *config = sse_hub_server_dup_config_json (self);

      sse_hub_server_publish (self, SSE_HUB_LOG_NOTICE, SSE_HUB_EVENT_CONFIG, NULL, config);
    }

  sse_hub_fanout_publish_custom_event (self->fanout, name, id, data);
  return TRUE;
}

guint
sse_hub_server_drop_all_clients (SseHubServer *self)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), 0);
  return sse_hub_fanout_drop_all (self->fanout);
}

guint
sse_hub_server_disconnect_client (SseHubServer *self,
                                  SseHubClient *client)
{
  g_return_val_if_fail (SSE_HUB_IS_SERVER (self), 0);
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (client), 0);
  return sse_hub_fanout_disconnect (self->fanout, client) ? 1 : 0;
}

static void
sse_hub_server_dispose (GObject *object)
{
  SseHubServer *self = SSE_HUB_SERVER (object);

  sse_hub_server_stop (self);

  if (self->store != NULL && self->fanout != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self->fanout);
  if (self->fanout != NULL)
    g_signal_handlers_disconnect_by_data (self->fanout, self);

  G_OBJECT_CLASS (sse_hub_server_parent_class)->dispose (object);
}

static void
sse_hub_server_finalize (GObject *object)
{
  SseHubServer *self = SSE_HUB_SERVER (object);

  g_clear_pointer (&self->access, sse_hub_access_free);
  g_clear_object (&self->fanout);
  g_clear_object (&self->store);
  g_clear_object (&self->log);
  g_clear_pointer (&self->idempotency, sse_hub_idempotency_free);
  g_clear_pointer (&self->bind_address, g_free);

  G_OBJECT_CLASS (sse_hub_server_parent_class)->finalize (object);
}

/* The fan-out never calls the server: the server forwards what it needs,
 * and passes on the fan-out's count as its own. */
static void
on_n_clients (SseHubServer *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CLIENTS]);
}

static void
sse_hub_server_constructed (GObject *object)
{
  SseHubServer *self = SSE_HUB_SERVER (object);

  G_OBJECT_CLASS (sse_hub_server_parent_class)->constructed (object);

  if (self->store == NULL)
    self->store = sse_hub_person_store_new (NULL);

  self->fanout = sse_hub_fanout_new (self->store, self->log);
  sse_hub_fanout_set_keepalive_interval (self->fanout, self->keepalive_interval);
  sse_hub_fanout_set_queue_cap (self->fanout, self->queue_cap);
  self->access = sse_hub_access_new (self->fanout);
  g_signal_connect_swapped (self->store, "notify::revision",
                            G_CALLBACK (sse_hub_fanout_revision_changed), self->fanout);
  g_signal_connect_swapped (self->fanout, "notify::n-clients", G_CALLBACK (on_n_clients), self);
}

static void
sse_hub_server_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SseHubServer *self = SSE_HUB_SERVER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_BIND_ADDRESS:
      g_value_set_string (value, self->bind_address);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->soup != NULL);
      break;
    case PROP_KEEPALIVE_INTERVAL:
      g_value_set_uint (value, self->keepalive_interval);
      break;
    case PROP_MAX_CLIENTS:
      g_value_set_uint (value, self->access->max_clients);
      break;
    case PROP_QUEUE_CAP:
      g_value_set_uint (value, self->queue_cap);
      break;
    case PROP_RETRY_MS:
      g_value_set_uint (value, self->retry_ms);
      break;
    case PROP_ALLOW_AUDIENCE_WRITES:
      g_value_set_boolean (value, self->access->allow_audience_writes);
      break;
    case PROP_RATE_LIMIT:
      g_value_set_uint (value, sse_hub_rate_limiter_get_rate (self->access->rate_limiter));
      break;
    case PROP_AUDIENCE_RATE_LIMIT:
      g_value_set_uint (value, sse_hub_rate_limiter_get_audience_rate (self->access->rate_limiter));
      break;
    case PROP_MAX_STREAMS_PER_ADDRESS:
      g_value_set_uint (value, self->access->max_streams_per_address);
      break;
    case PROP_MAX_PERSONS_PER_ADDRESS:
      g_value_set_uint (value, self->access->max_persons_per_address);
      break;
    case PROP_TRUST_LOCAL:
      g_value_set_boolean (value, self->access->trust_local);
      break;
    case PROP_REQUEST_TIMEOUT:
      g_value_set_uint (value, self->request_timeout);
      break;
    case PROP_N_CLIENTS:
      g_value_set_uint (value, sse_hub_fanout_get_n_clients (self->fanout));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Plain settings that take effect on the next event; only a new interval
 * needs its timer re-armed. */
static void
set_uint_setting (SseHubServer *self,
                  guint        *field,
                  guint         value,
                  guint         prop_id)
{
  if (*field == value)
    return;

  *field = value;
  if (prop_id == PROP_KEEPALIVE_INTERVAL)
    sse_hub_fanout_set_keepalive_interval (self->fanout, value);
  else if (prop_id == PROP_QUEUE_CAP)
    sse_hub_fanout_set_queue_cap (self->fanout, value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
sse_hub_server_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SseHubServer *self = SSE_HUB_SERVER (object);
  SseHubAccess *access = self->access;

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_PORT:
      sse_hub_server_set_port (self, g_value_get_uint (value));
      break;
    case PROP_BIND_ADDRESS:
      sse_hub_server_set_bind_address (self, g_value_get_string (value));
      break;
    case PROP_KEEPALIVE_INTERVAL:
      set_uint_setting (self, &self->keepalive_interval, g_value_get_uint (value), prop_id);
      break;
    case PROP_MAX_CLIENTS:
      set_uint_setting (self, &access->max_clients, g_value_get_uint (value), prop_id);
      break;
    case PROP_QUEUE_CAP:
      set_uint_setting (self, &self->queue_cap, g_value_get_uint (value), prop_id);
      break;
    case PROP_RETRY_MS:
      set_uint_setting (self, &self->retry_ms, g_value_get_uint (value), prop_id);
      break;
    case PROP_RATE_LIMIT:
      if (sse_hub_rate_limiter_get_rate (access->rate_limiter) != g_value_get_uint (value))
        {
          sse_hub_rate_limiter_set_rate (access->rate_limiter, g_value_get_uint (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_AUDIENCE_RATE_LIMIT:
      if (sse_hub_rate_limiter_get_audience_rate (access->rate_limiter) != g_value_get_uint (value))
        {
          sse_hub_rate_limiter_set_audience_rate (access->rate_limiter, g_value_get_uint (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_MAX_STREAMS_PER_ADDRESS:
      set_uint_setting (self, &access->max_streams_per_address, g_value_get_uint (value), prop_id);
      break;
    case PROP_MAX_PERSONS_PER_ADDRESS:
      set_uint_setting (self, &access->max_persons_per_address, g_value_get_uint (value), prop_id);
      break;
    case PROP_REQUEST_TIMEOUT:
      set_uint_setting (self, &self->request_timeout, g_value_get_uint (value), prop_id);
      break;
    case PROP_ALLOW_AUDIENCE_WRITES:
      set_allow_audience_writes (self, g_value_get_boolean (value));
      break;
    case PROP_TRUST_LOCAL:
      if (access->trust_local != g_value_get_boolean (value))
        {
          access->trust_local = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

void
sse_hub_server_signals_new (GType type,
                            guint signals_out[SSE_HUB_N_SIGNALS])
{
  signals_out[SSE_HUB_SIGNAL_ERROR] =
    g_signal_new ("error", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals_out[SSE_HUB_SIGNAL_REFUSED] =
    g_signal_new ("refused", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, SSE_HUB_TYPE_PEER, SSE_HUB_TYPE_REFUSAL,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
sse_hub_server_class_init (SseHubServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = sse_hub_server_constructed;
  object_class->dispose = sse_hub_server_dispose;
  object_class->finalize = sse_hub_server_finalize;
  object_class->get_property = sse_hub_server_get_property;
  object_class->set_property = sse_hub_server_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SSE_HUB_TYPE_PERSON_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, 65535, SSE_HUB_DEFAULT_PORT, rw);
  properties[PROP_BIND_ADDRESS] =
    g_param_spec_string ("bind-address", NULL, NULL, NULL, rw);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEEPALIVE_INTERVAL] =
    g_param_spec_uint ("keepalive-interval", NULL, NULL, 1, 3600,
                       SSE_HUB_DEFAULT_KEEPALIVE_SECONDS, rw);
  properties[PROP_MAX_CLIENTS] =
    g_param_spec_uint ("max-clients", NULL, NULL, 1, G_MAXUINT, SSE_HUB_DEFAULT_MAX_CLIENTS, rw);
  properties[PROP_QUEUE_CAP] =
    g_param_spec_uint ("queue-cap", NULL, NULL, 1024, G_MAXUINT, SSE_HUB_DEFAULT_QUEUE_CAP, rw);
  properties[PROP_RETRY_MS] =
    g_param_spec_uint ("retry-ms", NULL, NULL, 100, 600000, SSE_HUB_DEFAULT_RETRY_MS, rw);
  properties[PROP_ALLOW_AUDIENCE_WRITES] =
    g_param_spec_boolean ("allow-audience-writes", NULL, NULL, TRUE, rw);
  properties[PROP_RATE_LIMIT] =
    g_param_spec_uint ("rate-limit", NULL, NULL, 0, 100000, SSE_HUB_DEFAULT_RATE_LIMIT, rw);
  properties[PROP_AUDIENCE_RATE_LIMIT] =
    g_param_spec_uint ("audience-rate-limit", NULL, NULL, 0, 1000000,
                       SSE_HUB_DEFAULT_AUDIENCE_RATE_LIMIT, rw);
  properties[PROP_MAX_STREAMS_PER_ADDRESS] =
    g_param_spec_uint ("max-streams-per-address", NULL, NULL, 0, G_MAXUINT,
                       SSE_HUB_DEFAULT_MAX_STREAMS_PER_ADDRESS, rw);
  properties[PROP_MAX_PERSONS_PER_ADDRESS] =
    g_param_spec_uint ("max-persons-per-address", NULL, NULL, 0, G_MAXUINT,
                       SSE_HUB_DEFAULT_MAX_PERSONS_PER_ADDRESS, rw);
  properties[PROP_TRUST_LOCAL] =
    g_param_spec_boolean ("trust-local", NULL, NULL, TRUE, rw);
  properties[PROP_REQUEST_TIMEOUT] =
    g_param_spec_uint ("request-timeout", NULL, NULL, 1, 3600,
                       DEFAULT_REQUEST_TIMEOUT_SECONDS, rw);
  properties[PROP_N_CLIENTS] =
    g_param_spec_uint ("n-clients", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  sse_hub_server_signals_new (G_TYPE_FROM_CLASS (klass), signals);
}

static void
sse_hub_server_init (SseHubServer *self)
{
  self->log = sse_hub_event_log_new (SSE_HUB_EVENT_LOG_DEFAULT_MAX_ENTRIES);
  self->idempotency = sse_hub_idempotency_new (SSE_HUB_IDEMPOTENCY_DEFAULT_KEYS,
                                               SSE_HUB_IDEMPOTENCY_DEFAULT_TTL);

  self->port = SSE_HUB_DEFAULT_PORT;
  self->keepalive_interval = SSE_HUB_DEFAULT_KEEPALIVE_SECONDS;
  self->queue_cap = SSE_HUB_DEFAULT_QUEUE_CAP;
  self->retry_ms = SSE_HUB_DEFAULT_RETRY_MS;
  self->request_timeout = DEFAULT_REQUEST_TIMEOUT_SECONDS;
}

SseHubServer *
sse_hub_server_new (SseHubPersonStore *store)
{
  return g_object_new (SSE_HUB_TYPE_SERVER, "store", store, NULL);
}

