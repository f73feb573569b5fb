/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sse-hub-client.h"

G_BEGIN_DECLS

/* A short browser name ("Firefox 120") and operating system ("Android 14")
 * read from a User-Agent header, for the presenter's client list.  Unknown
 * parts come back as NULL; the caller picks what to show instead. */
void sse_hub_user_agent_parse (const char  *user_agent,
                               char       **out_browser,
                               char       **out_os);

typedef struct
{
  char *browser;  /* NULL when unknown */
  char *os;       /* NULL when unknown */
} SseHubUserAgent;

/* The parse of client's agent, made on first use and kept with the client:
 * a client's agent never changes, and the client list asks on every bind. */
const SseHubUserAgent *sse_hub_user_agent_for_client (SseHubClient *client);

G_END_DECLS
