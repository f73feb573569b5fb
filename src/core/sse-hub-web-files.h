/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Answers a GET or HEAD for path ("/" is the page) from the web
 * resources; FALSE, with the message untouched, when there is no such
 * file. */
gboolean  sse_hub_web_files_serve  (SoupServerMessage *message,
                                    const char        *path);

G_END_DECLS
