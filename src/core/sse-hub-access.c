/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Access: each request's peer, built once (see sse-hub-peer.h), and the
 * limits that keep one address or a crowd of them from using up what the
 * class shares: stream slots, the posting budget, the person list. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sse-hub-access.h"
#include "sse-hub-listener.h"

/* The presenter's streams are counted under a key no address group has. */
#define PRESENTER_KEY "presenter"

static void on_stream_removed (SseHubFanout *fanout,
                               SseHubClient *client,
                               SseHubAccess *self);

SseHubAccess *
sse_hub_access_new (SseHubFanout *fanout)
{
  SseHubAccess *self = g_new0 (SseHubAccess, 1);

  self->fanout = g_object_ref (fanout);
  self->rate_limiter = sse_hub_rate_limiter_new (SSE_HUB_DEFAULT_RATE_LIMIT);
  sse_hub_rate_limiter_set_audience_rate (self->rate_limiter, SSE_HUB_DEFAULT_AUDIENCE_RATE_LIMIT);
  self->stream_groups = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->group_streams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->group_persons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->blocked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->error_budget = sse_hub_rate_limiter_new (SSE_HUB_ERROR_BUDGET_PER_MINUTE);
  self->trust_local = TRUE;
  self->allow_audience_writes = TRUE;
  self->max_clients = SSE_HUB_DEFAULT_MAX_CLIENTS;
  self->max_streams_per_address = SSE_HUB_DEFAULT_MAX_STREAMS_PER_ADDRESS;
  self->max_persons_per_address = SSE_HUB_DEFAULT_MAX_PERSONS_PER_ADDRESS;
  /* However a stream ends, its slot is free again. */
  g_signal_connect (fanout, "stream-removed", G_CALLBACK (on_stream_removed), self);

  return self;
}

void
sse_hub_access_free (SseHubAccess *self)
{
  g_signal_handlers_disconnect_by_data (self->fanout, self);
  g_clear_object (&self->fanout);
  g_clear_pointer (&self->rate_limiter, sse_hub_rate_limiter_free);
  g_clear_pointer (&self->stream_groups, g_hash_table_unref);
  g_clear_pointer (&self->group_streams, g_hash_table_unref);
  g_clear_pointer (&self->group_persons, g_hash_table_unref);
  g_clear_pointer (&self->local_addresses, g_ptr_array_unref);
  g_clear_pointer (&self->blocked, g_hash_table_unref);
  g_clear_pointer (&self->error_budget, sse_hub_rate_limiter_free);
  g_free (self);
}

/* ------------------------------------------------------------------------ */
/* Peers                                                                    */

#define PEER_KEY "sse-hub-peer"

/* Every request asks: reading the interfaces once a second keeps a connect
 * storm cheap and still follows a network that changes. */
static GPtrArray *
local_addresses (SseHubAccess *self)
{
  gint64 now = g_get_monotonic_time ();

  if (self->local_addresses == NULL || now - self->local_addresses_read >= G_USEC_PER_SEC)
    {
      g_clear_pointer (&self->local_addresses, g_ptr_array_unref);
      self->local_addresses = sse_hub_listener_dup_interface_addresses ();
      self->local_addresses_read = now;
    }

  return self->local_addresses;
}

/* Built on first use and kept with the message, so the early handler, the
 * route, the log and a deadline all read the same peer. */
SseHubPeer *
sse_hub_access_get_peer (SseHubAccess      *self,
                         SoupServerMessage *message)
{
  SseHubPeer *peer = g_object_get_data (G_OBJECT (message), PEER_KEY);

  if (peer == NULL)
    {
      peer = sse_hub_peer_new (message, local_addresses (self), self->bound_port, self->trust_local);
      g_object_set_data_full (G_OBJECT (message), PEER_KEY, peer, g_object_unref);
    }

  return peer;
}

gboolean
sse_hub_access_is_presenter_key (const char *group)
{
  return g_strcmp0 (group, PRESENTER_KEY) == 0;
}

gboolean
sse_hub_access_check_host (SseHubAccess  *self,
                           SseHubPeer    *peer,
                           GError       **error)
{
  if (sse_hub_peer_get_host_is_own (peer))
    return TRUE;

  g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_FOREIGN_HOST,
                       _("This hub answers only under this computer’s own addresses and name"));
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Stream slots                                                             */

static guint
count_of (GHashTable *counts,
          const char *group)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, group));
}

static void
add_to_count (GHashTable *counts,
              const char *group,
              gint        delta)
{
  guint n = count_of (counts, group) + delta;

  if (n == 0)
    g_hash_table_remove (counts, group);
  else
    g_hash_table_replace (counts, g_strdup (group), GUINT_TO_POINTER (n));
}

/* The audience shares max-clients, each address group at most
 * max-streams-per-address of it; the presenter keeps a few slots past
 * max-clients, so a full hub never shuts out the projector. */
gboolean
sse_hub_access_admit_stream (SseHubAccess     *self,
                             SseHubPeer       *peer,
                             SseHubFullReason *out_reason)
{
  guint open = sse_hub_fanout_get_n_clients (self->fanout);
  const char *group = sse_hub_peer_get_group (peer);

  *out_reason = SSE_HUB_FULL_HUB;
  if (sse_hub_peer_is_presenter (peer))
    return open < self->max_clients ||
           count_of (self->group_streams, PRESENTER_KEY) < SSE_HUB_PRESENTER_STREAM_SLOTS;

  if (open >= self->max_clients)
    return FALSE;

  *out_reason = SSE_HUB_FULL_ADDRESS;
  return self->max_streams_per_address == 0 ||
         count_of (self->group_streams, group) < self->max_streams_per_address;
}

void
sse_hub_access_track_stream (SseHubAccess *self,
                             SseHubClient *client,
                             SseHubPeer   *peer)
{
  const char *key = sse_hub_peer_is_presenter (peer) ? PRESENTER_KEY : sse_hub_peer_get_group (peer);

  g_hash_table_insert (self->stream_groups, client, g_strdup (key));
  add_to_count (self->group_streams, key, 1);
}

static void
on_stream_removed (SseHubFanout *fanout,
                   SseHubClient *client,
                   SseHubAccess *self)
{
  const char *key = g_hash_table_lookup (self->stream_groups, client);

  if (key == NULL)
    return;

  add_to_count (self->group_streams, key, -1);
  g_hash_table_remove (self->stream_groups, client);
}

/* ------------------------------------------------------------------------ */
/* Posting                                                                  */

static void
set_retry_after (SoupServerMessage *message,
                 guint              seconds)
{
  g_autofree char *text = g_strdup_printf ("%u", seconds);

  soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                "Retry-After", text);
}

gboolean
sse_hub_access_check_post (SseHubAccess       *self,
                           SseHubPeer         *peer,
                           SseHubRefusal      *out_reason,
                           GError            **error)
{
  const char *group = sse_hub_peer_get_group (peer);
  guint added = count_of (self->group_persons, group);

  if (!self->allow_audience_writes)
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_WRITES_DISABLED,
                           _("The presenter has turned off adding persons"));
      *out_reason = SSE_HUB_REFUSAL_WRITES_OFF;
      return FALSE;
    }

  if (self->max_persons_per_address > 0 && added >= self->max_persons_per_address)
    {
      g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_RATE_LIMITED,
                   _("This computer has added %u persons, the most one computer may add"),
                   added);
      *out_reason = SSE_HUB_REFUSAL_COMPUTER_TOTAL;
      return FALSE;
    }

  return TRUE;
}

/* Taken only once the body is known to be valid: a refused post spends
 * nothing the class shares. */
gboolean
sse_hub_access_take_post_budget (SseHubAccess       *self,
                                 SoupServerMessage  *message,
                                 SseHubPeer         *peer,
                                 SseHubRefusal      *out_reason,
                                 GError            **error)
{
  const char *group = sse_hub_peer_get_group (peer);

  switch (sse_hub_rate_limiter_take (self->rate_limiter, group))
    {
    case SSE_HUB_RATE_ALLOWED:
      return TRUE;
    case SSE_HUB_RATE_KEY_EMPTY:
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_RATE_LIMITED,
                           _("Too many persons from this computer; wait a little"));
      *out_reason = SSE_HUB_REFUSAL_RATE;
      break;
    case SSE_HUB_RATE_AUDIENCE_EMPTY:
    default:
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_RATE_LIMITED,
                           _("The class is adding persons faster than the hub allows; wait a little"));
      *out_reason = SSE_HUB_REFUSAL_AUDIENCE_BUDGET;
      break;
    }

  /* A socket's add has no response headers. */
  if (message != NULL)
    set_retry_after (message, sse_hub_rate_limiter_retry_after (self->rate_limiter, group));
  return FALSE;
}

void
sse_hub_access_charge_error (SseHubAccess *self,
                             SseHubPeer   *peer)
{
  sse_hub_rate_limiter_take (self->error_budget, sse_hub_peer_get_group (peer));
}

gboolean
sse_hub_access_check_sender (SseHubAccess       *self,
                             SoupServerMessage  *message,
                             SseHubPeer         *peer,
                             SseHubRefusal      *out_reason,
                             GError            **error)
{
  const char *group = sse_hub_peer_get_group (peer);
  gboolean post = soup_server_message_get_method (message) == SOUP_METHOD_POST;
  GUri *uri = soup_server_message_get_uri (message);

  if (sse_hub_peer_is_presenter (peer))
    return TRUE;

  if ((post || g_str_equal (g_uri_get_path (uri), "/connect")) &&
      g_hash_table_contains (self->blocked, group))
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_BLOCKED,
                           _("The presenter has blocked this computer"));
      *out_reason = SSE_HUB_REFUSAL_BLOCKED;
      return FALSE;
    }

  return !post || sse_hub_access_check_error_budget (self, message, peer, out_reason, error);
}

gboolean
sse_hub_access_check_error_budget (SseHubAccess       *self,
                                   SoupServerMessage  *message,
                                   SseHubPeer         *peer,
                                   SseHubRefusal      *out_reason,
                                   GError            **error)
{
  const char *group = sse_hub_peer_get_group (peer);

  if (sse_hub_rate_limiter_peek (self->error_budget, group) == SSE_HUB_RATE_ALLOWED)
    return TRUE;

  g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_RATE_LIMITED,
                       _("Too many refused posts from this computer; wait a little"));
  *out_reason = SSE_HUB_REFUSAL_ERROR_BUDGET;
  /* A socket's add has no response headers. */
  if (message != NULL)
    set_retry_after (message, sse_hub_rate_limiter_retry_after (self->error_budget, group));
  return FALSE;
}

/* Counted for the life of the process: clearing the list gives no
 * address a fresh allowance. */
void
sse_hub_access_count_person (SseHubAccess *self,
                             SseHubPeer   *peer)
{
  add_to_count (self->group_persons, sse_hub_peer_get_group (peer), 1);
}

/* A counted post the store then refused added nobody. */
void
sse_hub_access_uncount_person (SseHubAccess *self,
                               SseHubPeer   *peer)
{
  add_to_count (self->group_persons, sse_hub_peer_get_group (peer), -1);
}
