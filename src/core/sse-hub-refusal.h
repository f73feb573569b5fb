/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Every reason the hub refuses a request.  Each has a short name (its
 * GEnum nick, also the event log's name for the entry), the HTTP status it
 * answers with and a sentence for people: the sentence is marked for
 * translation but returned untranslated, so that the window can show it
 * in the presenter's language and headless output keeps English. */
typedef enum
{
  SSE_HUB_REFUSAL_BAD_REQUEST,     /* 400: a body or field that is not valid */
  SSE_HUB_REFUSAL_TOO_LARGE,       /* 413 */
  SSE_HUB_REFUSAL_CONTENT_TYPE,    /* 415 */
  SSE_HUB_REFUSAL_RATE,            /* 429: posts per minute from one computer */
  SSE_HUB_REFUSAL_AUDIENCE_BUDGET, /* 429: posts per minute from the whole audience */
  SSE_HUB_REFUSAL_COMPUTER_TOTAL,  /* 429: persons one computer may add */
  SSE_HUB_REFUSAL_LIST_FULL,       /* 507 */
  SSE_HUB_REFUSAL_STORAGE,         /* 500: the list could not be saved */
  SSE_HUB_REFUSAL_WRITES_OFF,      /* 403: audience writes are off */
  SSE_HUB_REFUSAL_PRESENTER_ONLY,  /* 403: another computer on a presenter's route */
  SSE_HUB_REFUSAL_ORIGIN,          /* 403: this computer, but a page from another origin */
  SSE_HUB_REFUSAL_HOST,            /* 403: a Host that is not this machine (DNS rebinding) */
  SSE_HUB_REFUSAL_STREAM_CAP,      /* 200 and a full event: streams per computer */
  SSE_HUB_REFUSAL_HUB_FULL,        /* 200 and a full event: max-clients */
  SSE_HUB_REFUSAL_NOT_FOUND,       /* 404 */
  SSE_HUB_REFUSAL_METHOD,          /* 405 */
  SSE_HUB_REFUSAL_TIMEOUT,         /* no answer: the request did not arrive whole in time */
  SSE_HUB_REFUSAL_ERROR_BUDGET,    /* 429: refused posts per minute from one computer */
  SSE_HUB_REFUSAL_BLOCKED,         /* 403: a computer the presenter blocked */
} SseHubRefusal;

#define SSE_HUB_TYPE_REFUSAL (sse_hub_refusal_get_type ())
GType        sse_hub_refusal_get_type     (void) G_GNUC_CONST;

const char  *sse_hub_refusal_get_name     (SseHubRefusal  reason);
/* The status the refusal is answered with; 0 when the connection is
 * closed without an answer. */
guint        sse_hub_refusal_get_status   (SseHubRefusal  reason);
/* Untranslated: pass it through gettext to show it. */
const char  *sse_hub_refusal_get_sentence (SseHubRefusal  reason);
/* The reason for a refusal the wire rules reported as an SSE_HUB_ERROR;
 * errors of other domains are the storage's. */
SseHubRefusal sse_hub_refusal_from_error  (const GError  *error);

G_END_DECLS
