/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Access: who counts as the presenter (this machine, and no other web
 * origin), which Host names the hub answers to (DNS rebinding), and the
 * limits that keep one address or a crowd of them from using up what the
 * class shares: stream slots, the posting budget, the person list. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sse-hub-server-private.h"

/* The presenter's streams are counted under a key no address group has. */
#define PRESENTER_KEY "presenter"

void
sse_hub_access_init (SseHubServer *self)
{
  self->stream_groups = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->group_streams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->group_persons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->max_streams_per_address = SSE_HUB_DEFAULT_MAX_STREAMS_PER_ADDRESS;
  self->max_persons_per_address = SSE_HUB_DEFAULT_MAX_PERSONS_PER_ADDRESS;
}

void
sse_hub_access_finalize (SseHubServer *self)
{
  g_clear_pointer (&self->stream_groups, g_hash_table_unref);
  g_clear_pointer (&self->group_streams, g_hash_table_unref);
  g_clear_pointer (&self->group_persons, g_hash_table_unref);
  g_clear_pointer (&self->local_addresses, g_ptr_array_unref);
}

/* ------------------------------------------------------------------------ */
/* This machine's names                                                     */

static gboolean
is_local_address (SseHubServer *self,
                  GInetAddress *address)
{
  gint64 now = g_get_monotonic_time ();

  if (g_inet_address_get_is_loopback (address))
    return TRUE;

  /* Every request asks: reading the interfaces once a second keeps a
   * connect storm cheap and still follows a network that changes. */
  if (self->local_addresses == NULL || now - self->local_addresses_read >= G_USEC_PER_SEC)
    {
      g_clear_pointer (&self->local_addresses, g_ptr_array_unref);
      self->local_addresses = sse_hub_listener_dup_interface_addresses ();
      self->local_addresses_read = now;
    }

  for (guint i = 0; i < self->local_addresses->len; i++)
    if (g_inet_address_equal (address, g_ptr_array_index (self->local_addresses, i)))
      return TRUE;

  return FALSE;
}

/* host has no port and no brackets. */
static gboolean
names_this_machine (SseHubServer *self,
                    const char   *host)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);
  g_autofree char *local_name = NULL;
  const char *name;

  if (address != NULL)
    return is_local_address (self, address);

  name = g_get_host_name ();
  local_name = g_strconcat (name, ".local", NULL);

  return g_ascii_strcasecmp (host, "localhost") == 0 ||
         g_ascii_strcasecmp (host, name) == 0 ||
         g_ascii_strcasecmp (host, local_name) == 0;
}

/* "name:port", "[v6]:port" or either without the port, as Host has it. */
static char *
host_without_port (const char *host)
{
  const char *colon;

  if (host[0] == '[')
    {
      const char *end = strchr (host, ']');

      return end != NULL ? g_strndup (host + 1, end - host - 1) : NULL;
    }

  /* More than one colon is a bare IPv6 literal, which has no port. */
  colon = strchr (host, ':');
  if (colon != NULL && strchr (colon + 1, ':') == NULL)
    return g_strndup (host, colon - host);

  return g_strdup (host);
}

/* A web page that makes its own name resolve to this machine (DNS
 * rebinding) would otherwise reach the hub as the presenter's browser. */
gboolean
sse_hub_access_check_host (SseHubServer       *self,
                           SoupServerMessage  *message,
                           GError            **error)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  const char *host = soup_message_headers_get_one (headers, "Host");
  g_autofree char *name = NULL;

  /* libsoup decides about a request without one. */
  if (host == NULL)
    return TRUE;

  name = host_without_port (host);
  if (name != NULL && names_this_machine (self, name))
    return TRUE;

  g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_FOREIGN_HOST,
                       _("This hub answers only under this computer’s own addresses and name"));
  return FALSE;
}

/* No Origin (the hub's own page opening a stream, curl, the window's
 * tests), or the hub itself: http, one of this machine's names, its port. */
static gboolean
origin_is_own (SseHubServer *self,
               const char   *origin)
{
  g_autoptr(GUri) uri = NULL;
  gint port;

  if (origin == NULL)
    return TRUE;

  uri = g_uri_parse (origin, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0 ||
      g_uri_get_host (uri) == NULL)
    return FALSE;

  port = g_uri_get_port (uri);
  if (port == -1)
    port = 80;

  return (guint) port == self->bound_port && names_this_machine (self, g_uri_get_host (uri));
}

gboolean
sse_hub_access_is_presenter (SseHubServer      *self,
                             SoupServerMessage *message)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);

  return self->trust_local &&
         sse_hub_peer_is_local (message) &&
         origin_is_own (self, soup_message_headers_get_one (headers, "Origin"));
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
sse_hub_access_admit_stream (SseHubServer     *self,
                             gboolean          presenter,
                             const char       *group,
                             SseHubFullReason *out_reason)
{
  guint open = g_hash_table_size (self->streams);

  *out_reason = SSE_HUB_FULL_HUB;
  if (presenter)
    return open < self->max_clients ||
           count_of (self->group_streams, PRESENTER_KEY) < SSE_HUB_PRESENTER_STREAM_SLOTS;

  if (open >= self->max_clients)
    return FALSE;

  *out_reason = SSE_HUB_FULL_ADDRESS;
  return self->max_streams_per_address == 0 ||
         count_of (self->group_streams, group) < self->max_streams_per_address;
}

void
sse_hub_access_track_stream (SseHubServer *self,
                             SseHubClient *client,
                             gboolean      presenter,
                             const char   *group)
{
  const char *key = presenter ? PRESENTER_KEY : group;

  g_hash_table_insert (self->stream_groups, client, g_strdup (key));
  add_to_count (self->group_streams, key, 1);
}

void
sse_hub_access_forget_stream (SseHubServer *self,
                              SseHubClient *client)
{
  const char *key = g_hash_table_lookup (self->stream_groups, client);

  if (key == NULL)
    return;

  add_to_count (self->group_streams, key, -1);
  g_hash_table_remove (self->stream_groups, client);
}

void
sse_hub_access_forget_streams (SseHubServer *self)
{
  g_hash_table_remove_all (self->stream_groups);
  g_hash_table_remove_all (self->group_streams);
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

/* An audience post: NULL when it may go on, else the refusal's short name
 * for the event log, with error set. */
const char *
sse_hub_access_check_post (SseHubServer       *self,
                           SoupServerMessage  *message,
                           const char         *group,
                           GError            **error)
{
  guint added = count_of (self->group_persons, group);

  if (!self->allow_audience_writes)
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_WRITES_DISABLED,
                           _("The presenter has turned off adding persons"));
      return "writes-off";
    }

  /* Before the rate: a refusal here must not spend tokens. */
  if (self->max_persons_per_address > 0 && added >= self->max_persons_per_address)
    {
      g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_RATE_LIMITED,
                   _("This computer has added %u persons, the most one computer may add"),
                   added);
      return "address-total";
    }

  switch (sse_hub_rate_limiter_take (self->rate_limiter, group))
    {
    case SSE_HUB_RATE_ALLOWED:
      return NULL;
    case SSE_HUB_RATE_KEY_EMPTY:
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_RATE_LIMITED,
                           _("Too many persons from this computer; wait a little"));
      set_retry_after (message, sse_hub_rate_limiter_retry_after (self->rate_limiter, group));
      return "rate-limit";
    case SSE_HUB_RATE_AUDIENCE_EMPTY:
    default:
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_RATE_LIMITED,
                           _("The class is adding persons faster than the hub allows; wait a little"));
      set_retry_after (message, sse_hub_rate_limiter_retry_after (self->rate_limiter, group));
      return "audience-budget";
    }
}

/* Counted for the life of the process: clearing the list gives no
 * address a fresh allowance. */
void
sse_hub_access_count_person (SseHubServer *self,
                             const char   *group)
{
  add_to_count (self->group_persons, group, 1);
}

/* A counted post the store then refused added nobody. */
void
sse_hub_access_uncount_person (SseHubServer *self,
                               const char   *group)
{
  add_to_count (self->group_persons, group, -1);
}
