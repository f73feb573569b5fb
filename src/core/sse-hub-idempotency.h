/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "sse-hub-server.h"

G_BEGIN_DECLS

/* The Idempotency-Key request header (IETF draft
 * "The Idempotency-Key HTTP Header Field"): a POST that carries a key the
 * hub has answered before gets that first answer again and changes nothing,
 * so a page may retry an add whose answer it never saw.  A repeat that
 * arrives while the first is still being stored waits for its answer.
 * Only successes are kept (a refusal stored nothing, so a retry may try
 * again), each for a bounded time, and at most a bounded number: the
 * oldest go first. */
typedef struct _SseHubIdempotency SseHubIdempotency;

#define SSE_HUB_IDEMPOTENCY_HEADER        "Idempotency-Key"
/* The answer to a repeat says so, as several payment APIs do. */
#define SSE_HUB_IDEMPOTENCY_REPLAY_HEADER "Idempotent-Replayed"
#define SSE_HUB_IDEMPOTENCY_KEY_MAX       128
#define SSE_HUB_IDEMPOTENCY_DEFAULT_KEYS  4096
#define SSE_HUB_IDEMPOTENCY_DEFAULT_TTL   (10 * 60)

SseHubIdempotency *sse_hub_idempotency_new        (guint              max_keys,
                                                   guint              ttl_seconds);
void               sse_hub_idempotency_free       (SseHubIdempotency *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SseHubIdempotency, sse_hub_idempotency_free)

void               sse_hub_idempotency_set_limits (SseHubIdempotency *self,
                                                   guint              max_keys,
                                                   guint              ttl_seconds);
/* The server's store, for tests and tools that change its limits. */
SseHubIdempotency *sse_hub_server_get_idempotency (SseHubServer     *server);
/* Answers kept now (those still being stored not counted). */
guint              sse_hub_idempotency_get_n_keys (SseHubIdempotency *self);

typedef enum
{
  SSE_HUB_IDEMPOTENCY_PROCEED,   /* no key, or a new one: handle the request */
  SSE_HUB_IDEMPOTENCY_ANSWERED,  /* answered (or will be) from the first one's answer */
  SSE_HUB_IDEMPOTENCY_INVALID,   /* error says what is wrong with the key */
} SseHubIdempotencyVerdict;

/* scope: keys of different scopes (computers) never match.  body: the
 * request's body, which a repeat must match.  On PROCEED with a key, the
 * message's final answer is kept when it finishes. */
SseHubIdempotencyVerdict sse_hub_idempotency_begin (SseHubIdempotency *self,
                                                    SoupServerMessage *message,
                                                    const char        *scope,
                                                    GBytes            *body,
                                                    GError           **error);

G_END_DECLS
