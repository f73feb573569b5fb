/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The listener: the listening socket (dual stack, deep backlog), the
 * deadline for a request to arrive whole, and the addresses a browser can
 * join on, likeliest first. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "sse-hub-listener.h"
#include "sse-hub-parking.h"
#include "sse-hub-sources.h"

/* Large enough that a room of browsers connecting at once is not dropped
 * into SYN retransmits (GSocket's default is 10); the kernel caps it. */
#define LISTEN_BACKLOG         4096
#define REQUEST_TIMEOUT_KEY    "sse-hub-request-timeout"
#define DEADLINE_MISSED_KEY    "sse-hub-deadline-missed"

/* ------------------------------------------------------------------------ */
/* Request deadline                                                         */

typedef struct
{
  SseHubServer          *self;
  SoupServerMessage     *message;
  SseHubDeadlineMissed   missed;
} PendingRequest;

static void
shut_down_socket (SoupServerMessage *message)
{
  GSocket *socket = sse_hub_parking_get_socket (message);

  /* Reading then fails and libsoup finishes the message. */
  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

static gboolean
request_timeout_cb (gpointer data)
{
  PendingRequest *pending = data;

  /* Forget the source first: the message's data must not remove it again. */
  g_object_steal_data (G_OBJECT (pending->message), REQUEST_TIMEOUT_KEY);

  pending->missed (pending->self, pending->message);
  shut_down_socket (pending->message);

  return G_SOURCE_REMOVE;
}

static void
remove_source (gpointer data)
{
  sse_hub_source_remove (GPOINTER_TO_UINT (data));
}

static void
on_request_started (SoupServer        *soup,
                    SoupServerMessage *message,
                    SseHubServer      *self)
{
  PendingRequest *pending = g_new (PendingRequest, 1);
  guint seconds;
  guint source;

  /* The message owns the source: whichever ends first, nothing dangles. */
  pending->self = self;
  pending->message = message;
  pending->missed = g_object_get_data (G_OBJECT (soup), DEADLINE_MISSED_KEY);
  g_object_get (self, "request-timeout", &seconds, NULL);
  source = sse_hub_timeout_add_seconds_full (G_PRIORITY_DEFAULT, seconds,
                                             request_timeout_cb, pending, g_free);
  g_object_set_data_full (G_OBJECT (message), REQUEST_TIMEOUT_KEY,
                          GUINT_TO_POINTER (source), remove_source);
}

static void
on_request_read (SoupServer        *soup,
                 SoupServerMessage *message,
                 SseHubServer      *self)
{
  g_object_set_data (G_OBJECT (message), REQUEST_TIMEOUT_KEY, NULL);
}

void
sse_hub_listener_forget_deadline (SoupServerMessage *message)
{
  g_object_set_data (G_OBJECT (message), REQUEST_TIMEOUT_KEY, NULL);
}

void
sse_hub_listener_watch_deadlines (SseHubServer         *self,
                                  SoupServer           *soup,
                                  SseHubDeadlineMissed  missed)
{
  g_object_set_data (G_OBJECT (soup), DEADLINE_MISSED_KEY, missed);
  g_signal_connect_object (soup, "request-started", G_CALLBACK (on_request_started), self, 0);
  g_signal_connect_object (soup, "request-read", G_CALLBACK (on_request_read), self, 0);
}

/* ------------------------------------------------------------------------ */
/* Listening                                                                */

void
sse_hub_raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

static GSocket *
listen_on (GInetAddress  *address,
           guint          port,
           GError       **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;

  socket = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return NULL;

  /* The wildcard IPv6 socket also takes IPv4 peers (dual stack). */
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6 &&
      g_inet_address_get_is_any (address) &&
      !g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, 0, error))
    return NULL;

  socket_address = g_inet_socket_address_new (address, port);
  if (!g_socket_bind (socket, socket_address, TRUE, error))
    return NULL;

  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_listen (socket, error))
    return NULL;

  return g_steal_pointer (&socket);
}

GSocket *
sse_hub_listener_create_socket (const char  *bind_address,
                                guint        port,
                                GError     **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GError) local_error = NULL;
  GSocket *socket;

  if (bind_address == NULL || *bind_address == '\0')
    {
      address = g_inet_address_new_any (G_SOCKET_FAMILY_IPV6);
      socket = listen_on (address, port, &local_error);
      if (socket != NULL)
        return socket;

      /* No IPv6 on this machine: fall back to every IPv4 interface. */
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED) &&
          !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_FAILED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_clear_object (&address);
      address = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
    }
  else if (g_str_equal (bind_address, "localhost"))
    address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    address = g_inet_address_new_from_string (bind_address);

  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IP address"), bind_address);
      return NULL;
    }

  return listen_on (address, port, error);
}

/* ------------------------------------------------------------------------ */
/* Join addresses                                                           */

static int
address_rank (GInetAddress *address)
{
  const guint8 *bytes = g_inet_address_to_bytes (address);

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    {
      /* Classrooms are on private IPv4 networks; home routers on 192.168. */
      if (bytes[0] == 192 && bytes[1] == 168)
        return 0;
      if (bytes[0] == 10)
        return 1;
      if (bytes[0] == 172 && (bytes[1] & 0xf0) == 16)
        return 2;
      return 3;
    }

  return 4;
}

static gint
compare_rank (gconstpointer a,
              gconstpointer b)
{
  GInetAddress *address_a = *(GInetAddress **) a;
  GInetAddress *address_b = *(GInetAddress **) b;

  return address_rank (address_a) - address_rank (address_b);
}

static char *
url_for (GInetAddress *address,
         guint         port)
{
  g_autofree char *text = g_inet_address_to_string (address);

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("http://[%s]:%u/", text, port);

  return g_strdup_printf ("http://%s:%u/", text, port);
}

static gboolean
is_reachable_interface_address (GInetAddress *address)
{
  return !g_inet_address_get_is_loopback (address) &&
         !g_inet_address_get_is_link_local (address) &&
         !g_inet_address_get_is_multicast (address) &&
         !g_inet_address_get_is_any (address);
}

GPtrArray *
sse_hub_listener_dup_interface_addresses (void)
{
  g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func (g_object_unref);
  struct ifaddrs *ifaddrs = NULL;

  if (getifaddrs (&ifaddrs) != 0)
    return g_steal_pointer (&addresses);

  for (struct ifaddrs *ifa = ifaddrs; ifa != NULL; ifa = ifa->ifa_next)
    {
      g_autoptr(GSocketAddress) socket_address = NULL;

      if (ifa->ifa_addr == NULL ||
          (ifa->ifa_addr->sa_family != AF_INET && ifa->ifa_addr->sa_family != AF_INET6))
        continue;

      socket_address = g_socket_address_new_from_native (ifa->ifa_addr,
                                                         ifa->ifa_addr->sa_family == AF_INET
                                                           ? sizeof (struct sockaddr_in)
                                                           : sizeof (struct sockaddr_in6));
      if (socket_address != NULL)
        g_ptr_array_add (addresses,
                         g_object_ref (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (socket_address))));
    }
  freeifaddrs (ifaddrs);

  return g_steal_pointer (&addresses);
}

GStrv
sse_hub_listener_dup_urls (const char *bind_address,
                           guint       port)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GInetAddress) bound = NULL;
  gboolean wildcard;
  gboolean ipv4_only = FALSE;

  wildcard = bind_address == NULL || *bind_address == '\0';
  if (!wildcard)
    {
      bound = g_str_equal (bind_address, "localhost")
                ? g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4)
                : g_inet_address_new_from_string (bind_address);
      if (bound != NULL && g_inet_address_get_is_any (bound))
        {
          wildcard = TRUE;
          ipv4_only = g_inet_address_get_family (bound) == G_SOCKET_FAMILY_IPV4;
        }
    }

  if (!wildcard)
    {
      if (bound != NULL)
        g_ptr_array_add (addresses, g_object_ref (bound));
    }
  else
    {
      g_autoptr(GPtrArray) interfaces = sse_hub_listener_dup_interface_addresses ();

      for (guint i = 0; i < interfaces->len; i++)
        {
          GInetAddress *address = g_ptr_array_index (interfaces, i);

          if ((!ipv4_only || g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4) &&
              is_reachable_interface_address (address))
            g_ptr_array_add (addresses, g_object_ref (address));
        }

      /* Without a network only this computer can join. */
      if (addresses->len == 0)
        g_ptr_array_add (addresses, g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4));
    }

  g_ptr_array_sort (addresses, compare_rank);
  for (guint i = 0; i < addresses->len; i++)
    {
      g_autofree char *url = url_for (g_ptr_array_index (addresses, i), port);

      g_strv_builder_add (builder, url);
    }

  return g_strv_builder_end (builder);
}
