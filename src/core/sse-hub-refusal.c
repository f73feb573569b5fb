/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sse-hub-refusal.h"
#include "sse-hub-wire.h"

static const struct
{
  SseHubRefusal  reason;
  const char    *name;
  guint          status;
  const char    *sentence;
} refusals[] = {
  { SSE_HUB_REFUSAL_BAD_REQUEST,     "bad-request",     400,
    N_("requests refused (body or field not valid)") },
  { SSE_HUB_REFUSAL_TOO_LARGE,       "too-large",       413,
    N_("requests refused (body too large)") },
  { SSE_HUB_REFUSAL_CONTENT_TYPE,    "content-type",    415,
    N_("requests refused (wrong content type)") },
  { SSE_HUB_REFUSAL_RATE,            "rate-limit",      429,
    N_("posts refused (rate limit per computer)") },
  { SSE_HUB_REFUSAL_AUDIENCE_BUDGET, "audience-budget", 429,
    N_("posts refused (audience-wide budget)") },
  { SSE_HUB_REFUSAL_COMPUTER_TOTAL,  "address-total",   429,
    N_("posts refused (persons per computer)") },
  { SSE_HUB_REFUSAL_LIST_FULL,       "list-full",       507,
    N_("posts refused (person list full)") },
  { SSE_HUB_REFUSAL_STORAGE,         "storage",         500,
    N_("posts refused (the list could not be saved)") },
  { SSE_HUB_REFUSAL_WRITES_OFF,      "writes-off",      403,
    N_("posts refused (audience writes are off)") },
  { SSE_HUB_REFUSAL_PRESENTER_ONLY,  "presenter-only",  403,
    N_("events refused (only the presenter’s computer may send them)") },
  { SSE_HUB_REFUSAL_ORIGIN,          "origin",          403,
    N_("events refused (a page from another web site)") },
  { SSE_HUB_REFUSAL_HOST,            "host",            403,
    N_("requests refused (not addressed to this machine)") },
  { SSE_HUB_REFUSAL_STREAM_CAP,      "address-full",    200,
    N_("streams refused (streams per computer)") },
  { SSE_HUB_REFUSAL_HUB_FULL,        "full",            200,
    N_("streams refused (hub full)") },
  { SSE_HUB_REFUSAL_NOT_FOUND,       "not-found",       404,
    N_("requests refused (nothing at that path)") },
  { SSE_HUB_REFUSAL_METHOD,          "method",          405,
    N_("requests refused (method not allowed there)") },
  { SSE_HUB_REFUSAL_TIMEOUT,         "timeout",         0,
    N_("connections closed (request not complete in time)") },
  { SSE_HUB_REFUSAL_ERROR_BUDGET,    "error-budget",    429,
    N_("posts refused (too many refused posts from one computer)") },
  { SSE_HUB_REFUSAL_BLOCKED,         "blocked",         403,
    N_("requests refused (computer blocked by the presenter)") },
};

GType
sse_hub_refusal_get_type (void)
{
  static gsize type;

  if (g_once_init_enter (&type))
    {
      static GEnumValue values[G_N_ELEMENTS (refusals) + 1];

      /* The table is in enum order: the enum's nicks are its names. */
      for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
        {
          g_assert (refusals[i].reason == i);
          values[i] = (GEnumValue) { refusals[i].reason, refusals[i].name, refusals[i].name };
        }
      g_once_init_leave (&type, g_enum_register_static ("SseHubRefusal", values));
    }

  return type;
}

const char *
sse_hub_refusal_get_name (SseHubRefusal reason)
{
  g_return_val_if_fail (reason < G_N_ELEMENTS (refusals), NULL);
  return refusals[reason].name;
}

guint
sse_hub_refusal_get_status (SseHubRefusal reason)
{
  g_return_val_if_fail (reason < G_N_ELEMENTS (refusals), 500);
  return refusals[reason].status;
}

const char *
sse_hub_refusal_get_sentence (SseHubRefusal reason)
{
  g_return_val_if_fail (reason < G_N_ELEMENTS (refusals), NULL);
  return refusals[reason].sentence;
}

SseHubRefusal
sse_hub_refusal_from_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, SSE_HUB_REFUSAL_STORAGE);

  if (error->domain != SSE_HUB_ERROR)
    return SSE_HUB_REFUSAL_STORAGE;

  switch ((SseHubError) error->code)
    {
    case SSE_HUB_ERROR_INVALID_NAME:
    case SSE_HUB_ERROR_INVALID_AGE:
    case SSE_HUB_ERROR_INVALID_BODY:
    case SSE_HUB_ERROR_BAD_REQUEST:
    case SSE_HUB_ERROR_INVALID_EVENT_NAME:
    case SSE_HUB_ERROR_INVALID_EVENT_ID:
    case SSE_HUB_ERROR_INVALID_EVENT_DATA:
      return SSE_HUB_REFUSAL_BAD_REQUEST;
    case SSE_HUB_ERROR_TOO_LARGE:
      return SSE_HUB_REFUSAL_TOO_LARGE;
    case SSE_HUB_ERROR_UNSUPPORTED_TYPE:
      return SSE_HUB_REFUSAL_CONTENT_TYPE;
    case SSE_HUB_ERROR_WRITES_DISABLED:
      return SSE_HUB_REFUSAL_WRITES_OFF;
    case SSE_HUB_ERROR_RATE_LIMITED:
      return SSE_HUB_REFUSAL_RATE;
    case SSE_HUB_ERROR_STORE_FULL:
      return SSE_HUB_REFUSAL_LIST_FULL;
    case SSE_HUB_ERROR_NOT_FOUND:
      return SSE_HUB_REFUSAL_NOT_FOUND;
    case SSE_HUB_ERROR_METHOD_NOT_ALLOWED:
      return SSE_HUB_REFUSAL_METHOD;
    case SSE_HUB_ERROR_FOREIGN_HOST:
      return SSE_HUB_REFUSAL_HOST;
    case SSE_HUB_ERROR_PRESENTER_ONLY:
      return SSE_HUB_REFUSAL_PRESENTER_ONLY;
    case SSE_HUB_ERROR_BLOCKED:
      return SSE_HUB_REFUSAL_BLOCKED;
    case SSE_HUB_ERROR_STORAGE:
    default:
      return SSE_HUB_REFUSAL_STORAGE;
    }
}
