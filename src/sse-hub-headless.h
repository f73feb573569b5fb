/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Headless mode, and the process setup and shutdown it shares with the
 * window: application code, kept out of the GTK-free core. */

#include "sse-hub-server.h"

G_BEGIN_DECLS

typedef struct
{
  guint       port;
  const char *bind_address;   /* NULL = every interface */
  const char *data_file;      /* NULL = the user data dir's persons file */
  guint       keepalive_seconds;
  guint       max_clients;
  guint       queue_cap;
  guint       rate_limit;
  guint       audience_rate_limit;
  guint       max_streams_per_address;
  guint       max_persons_per_address;
  guint       max_persons;
  gboolean    read_only;      /* refuse audience writes */
} SseHubHeadlessOptions;

void     sse_hub_headless_options_init (SseHubHeadlessOptions *options);

/* Raises the descriptor limit and keeps a peer that vanishes mid-write
 * from killing the process; run once before the hub starts. */
void     sse_hub_prepare_process   (void);
/* The one shutdown sequence, window and headless alike: ends the streams,
 * gives them a moment to reach their browsers, then makes sure the list
 * is on disk. */
gboolean sse_hub_shut_down_hub     (SseHubServer *server,
                                    GError      **error);

/* Runs the hub without a window until SIGINT or SIGTERM.  Returns the process
 * exit status: 0 after a clean shutdown, 1 when the hub cannot start. */
int      sse_hub_headless_run      (const SseHubHeadlessOptions *options);

G_END_DECLS
