/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sse-hub-clients-page.h"

G_BEGIN_DECLS

/* For sse-hub-window.c: beside the persons and the log only who is
 * connected fits: browser and system; the full table comes back when the
 * views are one at a time. */
void sse_hub_clients_page_set_compact (SseHubClientsPage *self,
                                       gboolean           compact);

G_END_DECLS
