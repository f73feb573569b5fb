/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How the watch knows libsoup stopped accepting: it watches the listening
 * socket at G_PRIORITY_LOW.  GLib dispatches only the most urgent ready
 * sources of an iteration, so while libsoup's default-priority accept
 * source lives, a readable socket always dispatches libsoup's source and
 * never this one.  When this one runs, libsoup's source is gone. */
#include "config.h"

#include <fcntl.h>
#include <glib-unix.h>
#include <unistd.h>

#include "sse-hub-accept-watch.h"
#include "sse-hub-sources.h"

#define FIRST_WAIT_MS   100
#define LONGEST_WAIT_MS 2000
/* A fresh listener that lives this long is accepting again. */
#define SETTLE_MS       1000
/* Descriptors that must be free before libsoup listens again: with fewer it
 * would die on the next accept, and each dead listener stays in libsoup's
 * list until the server stops. */
#define HEADROOM        8

struct _SseHubAcceptWatch
{
  SoupServer     *soup;    /* not owned: the server frees the watch first */
  GSocket        *socket;
  SseHubEventLog *log;
  const char     *cause;   /* the event name of the stall being waited out */
  guint           watch_source;
  guint           retry_source;
  guint           settle_source;
  guint           wait_ms;
};

static gboolean watch_cb (int fd, GIOCondition condition, gpointer user_data);

static gboolean
has_free_descriptors (int fd)
{
  int probes[HEADROOM];
  guint n;

  for (n = 0; n < HEADROOM; n++)
    {
      probes[n] = fcntl (fd, F_DUPFD_CLOEXEC, 0);
      if (probes[n] < 0)
        break;
    }
  for (guint i = 0; i < n; i++)
    close (probes[i]);

  return n == HEADROOM;
}

static void
add_watch (SseHubAcceptWatch *self)
{
  self->watch_source = sse_hub_fd_add_full (G_PRIORITY_LOW, g_socket_get_fd (self->socket),
                                            G_IO_IN, watch_cb, self, NULL);
}

static gboolean
settle_cb (gpointer user_data)
{
  SseHubAcceptWatch *self = user_data;

  self->settle_source = 0;
  sse_hub_event_log_add (self->log, &(SseHubLogRecord) {
                           .kind = SSE_HUB_LOG_NOTICE, .event = SSE_HUB_LOG_EVENT_ACCEPTING_AGAIN,
                           .event_name = self->cause });
  self->cause = NULL;

  return G_SOURCE_REMOVE;
}

static gboolean retry_cb (gpointer user_data);

static void
wait_longer (SseHubAcceptWatch *self)
{
  self->wait_ms = MIN (self->wait_ms * 2, LONGEST_WAIT_MS);
  self->retry_source = sse_hub_timeout_add (self->wait_ms, retry_cb, self);
}

static gboolean
retry_cb (gpointer user_data)
{
  SseHubAcceptWatch *self = user_data;
  g_autoptr(GError) error = NULL;

  self->retry_source = 0;

  /* Until then connections wait in the kernel's backlog. */
  if (!has_free_descriptors (g_socket_get_fd (self->socket)) ||
      !soup_server_listen_socket (self->soup, self->socket, 0, &error))
    {
      wait_longer (self);
      return G_SOURCE_REMOVE;
    }

  add_watch (self);
  self->settle_source = sse_hub_timeout_add (SETTLE_MS, settle_cb, self);

  return G_SOURCE_REMOVE;
}

static gboolean
watch_cb (int           fd,
          GIOCondition  condition,
          gpointer      user_data)
{
  SseHubAcceptWatch *self = user_data;

  self->watch_source = 0;

  /* A fresh listener died before it settled: the stall goes on, already
   * logged. */
  if (self->settle_source != 0)
    {
      g_clear_handle_id (&self->settle_source, sse_hub_source_remove);
      wait_longer (self);
      return G_SOURCE_REMOVE;
    }

  if (!has_free_descriptors (fd))
    {
      self->cause = "descriptors";
      sse_hub_event_log_add (self->log, &(SseHubLogRecord) {
                               .kind = SSE_HUB_LOG_REFUSAL,
                               .event = SSE_HUB_LOG_EVENT_DESCRIPTORS_OUT,
                               .event_name = self->cause });
    }
  else
    {
      self->cause = "accept";
      sse_hub_event_log_add (self->log, &(SseHubLogRecord) {
                               .kind = SSE_HUB_LOG_REFUSAL,
                               .event = SSE_HUB_LOG_EVENT_ACCEPT_FAILED,
                               .event_name = self->cause });
    }

  self->wait_ms = FIRST_WAIT_MS;
  self->retry_source = sse_hub_timeout_add (self->wait_ms, retry_cb, self);

  return G_SOURCE_REMOVE;
}

SseHubAcceptWatch *
sse_hub_accept_watch_new (SoupServer     *soup,
                          GSocket        *socket,
                          SseHubEventLog *log)
{
  SseHubAcceptWatch *self = g_new0 (SseHubAcceptWatch, 1);

  self->soup = soup;
  self->socket = g_object_ref (socket);
  self->log = g_object_ref (log);
  add_watch (self);

  return self;
}

void
sse_hub_accept_watch_free (SseHubAcceptWatch *self)
{
  if (self == NULL)
    return;

  g_clear_handle_id (&self->watch_source, sse_hub_source_remove);
  g_clear_handle_id (&self->retry_source, sse_hub_source_remove);
  g_clear_handle_id (&self->settle_source, sse_hub_source_remove);
  g_clear_object (&self->socket);
  g_clear_object (&self->log);
  g_free (self);
}
