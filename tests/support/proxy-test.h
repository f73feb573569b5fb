/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Test support for the hub on its own thread: a started proxy on an
 * ephemeral port, and plain blocking sockets for threads that never
 * iterate a main context, as a browser on another core would talk. */

#include <gio/gio.h>

#include "sse-hub-server-proxy.h"

G_BEGIN_DECLS

typedef struct
{
  char              *dir;
  SseHubServerProxy *proxy;   /* the tear-down finalizes it unless NULL */
  guint              port;
} TestProxy;

/* Loaded and started on 127.0.0.1, trusting loopback or not. */
void               test_proxy_set_up           (TestProxy   *fixture,
                                                gboolean     trust_local);
void               test_proxy_tear_down        (TestProxy   *fixture);
/* add_person_async, waited for on this thread's context. */
SseHubPerson      *test_proxy_add              (SseHubServerProxy *proxy,
                                                const char        *name,
                                                gint64             age,
                                                GError           **error);

/* NULL once the hub has gone. */
GSocketConnection *test_blocking_connect       (guint        port);
/* An event stream asked for, NULL where it could not be. */
GSocketConnection *test_blocking_open_stream   (guint        port);
/* Reads until needle has arrived (or the peer closed, needle NULL). */
gboolean           test_blocking_read_until    (GSocketConnection *connection,
                                                GString           *received,
                                                const char        *needle);
/* The request that posts name, age 30, on a connection closed after it. */
char              *test_add_person_request     (guint        port,
                                                const char  *name);
/* The status of that post, 0 when there was no answer. */
guint              test_blocking_post_person   (guint        port,
                                                const char  *name);

G_END_DECLS
