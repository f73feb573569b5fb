/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "sse-hub-event-log.h"

G_BEGIN_DECLS

/* Brings the listener back after accept() failed.  libsoup 3.2 removes its
 * accept source on any accept() error (EMFILE included) and never accepts
 * again; this watch notices, logs it, waits until descriptors are free and
 * gives libsoup a fresh listener on the same socket. */
typedef struct _SseHubAcceptWatch SseHubAcceptWatch;

SseHubAcceptWatch *sse_hub_accept_watch_new  (SoupServer        *soup,
                                              GSocket           *socket,
                                              SseHubEventLog    *log);
void               sse_hub_accept_watch_free (SseHubAcceptWatch *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SseHubAcceptWatch, sse_hub_accept_watch_free)

G_END_DECLS
