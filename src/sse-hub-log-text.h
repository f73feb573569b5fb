/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sse-hub-event-log.h"

G_BEGIN_DECLS

/* "12:03:04.120  persons    → 3 clients  120 B" */
char *sse_hub_log_entry_format_heading (SseHubLogEntry *entry);
/* What happened, translated, then the frame as sent, without the blank
 * line that ends it; cut after max_chars characters with an ellipsis
 * (-1: whole). */
char *sse_hub_log_entry_format_body    (SseHubLogEntry *entry,
                                        gssize          max_chars);

G_END_DECLS
