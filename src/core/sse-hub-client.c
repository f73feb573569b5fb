/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sse-hub-client-private.h"

G_DEFINE_FINAL_TYPE (SseHubClient, sse_hub_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_REMOTE_ADDRESS,
  PROP_USER_AGENT,
  PROP_CONNECTED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sse_hub_client_finalize (GObject *object)
{
  SseHubClient *self = SSE_HUB_CLIENT (object);

  g_clear_pointer (&self->remote_address, g_free);
  g_clear_pointer (&self->user_agent, g_free);

  G_OBJECT_CLASS (sse_hub_client_parent_class)->finalize (object);
}

static void
sse_hub_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SseHubClient *self = SSE_HUB_CLIENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_uint64 (value, self->id);
      break;
    case PROP_REMOTE_ADDRESS:
      g_value_set_string (value, self->remote_address);
      break;
    case PROP_USER_AGENT:
      g_value_set_string (value, self->user_agent);
      break;
    case PROP_CONNECTED_AT:
      g_value_set_int64 (value, self->connected_at);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sse_hub_client_class_init (SseHubClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sse_hub_client_finalize;
  object_class->get_property = sse_hub_client_get_property;

  properties[PROP_ID] =
    g_param_spec_uint64 ("id", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REMOTE_ADDRESS] =
    g_param_spec_string ("remote-address", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER_AGENT] =
    g_param_spec_string ("user-agent", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTED_AT] =
    g_param_spec_int64 ("connected-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sse_hub_client_init (SseHubClient *self)
{
}

SseHubClient *
sse_hub_client_new (guint64            id,
                    const char        *remote_address,
                    const char        *user_agent,
                    SoupServerMessage *message)
{
  SseHubClient *self = g_object_new (SSE_HUB_TYPE_CLIENT, NULL);

  self->id = id;
  self->remote_address = g_strdup (remote_address != NULL ? remote_address : "");
  self->user_agent = g_strdup (user_agent != NULL ? user_agent : "");
  self->connected_at = g_get_real_time ();
  self->message = message;

  return self;
}

guint64
sse_hub_client_get_id (SseHubClient *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), 0);
  return self->id;
}

const char *
sse_hub_client_get_remote_address (SseHubClient *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), NULL);
  return self->remote_address;
}

const char *
sse_hub_client_get_user_agent (SseHubClient *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), NULL);
  return self->user_agent;
}

gint64
sse_hub_client_get_connected_at (SseHubClient *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), 0);
  return self->connected_at;
}

guint64
sse_hub_client_get_events_sent (SseHubClient *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), 0);
  return self->events_sent;
}

guint64
sse_hub_client_get_bytes_sent (SseHubClient *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), 0);
  return self->bytes_sent;
}

guint64
sse_hub_client_get_bytes_queued (SseHubClient *self)
{
  g_return_val_if_fail (SSE_HUB_IS_CLIENT (self), 0);
  return self->bytes_queued;
}
