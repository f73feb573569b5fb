/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The web resources never change while the hub runs: each is compressed
 * once, on first use, and kept.  NULL when gzip would not be smaller. */
GBytes   *sse_hub_gzip_for_resource    (const char         *resource_path,
                                        GBytes             *bytes);
/* Whether Accept-Encoding lets the answer be gzip (not refused by q=0). */
gboolean  sse_hub_gzip_accepted        (SoupMessageHeaders *request_headers);

G_END_DECLS
