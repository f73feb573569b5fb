/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A short browser name ("Firefox 120") and operating system ("Android 14")
 * read from a User-Agent header, for the presenter's client list.  Unknown
 * parts come back as NULL; the caller picks what to show instead. */
void sse_hub_user_agent_parse (const char  *user_agent,
                               char       **out_browser,
                               char       **out_os);

G_END_DECLS
