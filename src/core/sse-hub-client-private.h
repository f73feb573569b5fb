/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "sse-hub-client.h"

G_BEGIN_DECLS

/* The server owns the stream; the client object only records it, so the
 * fields are open to the server and read-only for everyone else. */
struct _SseHubClient
{
  GObject            parent_instance;

  guint64            id;
  char              *remote_address;
  char              *user_agent;
  gint64             connected_at;

  guint64            events_sent;
  guint64            bytes_sent;
  guint64            bytes_queued;

  /* borrowed: valid until the message finishes, then cleared */
  SoupServerMessage *message;
  /* set once the stream is ending, so nothing more is queued */
  gboolean           closing;
};

SseHubClient *sse_hub_client_new (guint64            id,
                                  const char        *remote_address,
                                  const char        *user_agent,
                                  SoupServerMessage *message);

G_END_DECLS
