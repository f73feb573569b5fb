/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

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
  guint       max_persons;
  gboolean    read_only;      /* refuse audience writes */
} SseHubHeadlessOptions;

void sse_hub_headless_options_init (SseHubHeadlessOptions *options);

/* Every client is a socket: lets the process use all the descriptors the
 * system allows instead of the usual soft limit of 1024. */
void sse_hub_raise_fd_limit        (void);

/* Runs the hub without a window until SIGINT or SIGTERM.  Returns the process
 * exit status: 0 after a clean shutdown, 1 when the hub cannot start. */
int  sse_hub_headless_run          (const SseHubHeadlessOptions *options);

G_END_DECLS
