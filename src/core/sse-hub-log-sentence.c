/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A log entry's sentence, worded where it is shown: the core records what
 * happened as data, the window reads it in the presenter's language and
 * headless output in English. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sse-hub-event-log.h"

/* A domain no catalogue is ever installed for: looked up there, a plural
 * message comes back in English, singular or plural by count. */
#define ENGLISH_DOMAIN "sse-hub-untranslated"
#define DOMAIN(translate) ((translate) ? GETTEXT_PACKAGE : ENGLISH_DOMAIN)

/* msgid, marked with N_(), translated or not. */
static const char * G_GNUC_FORMAT (2)
tr (gboolean    translate,
    const char *msgid)
{
  return translate ? g_dgettext (GETTEXT_PACKAGE, msgid) : msgid;
}

static char *
request_line (const SseHubLogRecord *record)
{
  /* "192.168.1.5 POST /addPerson → 200": no words to translate. */
  return g_strdup_printf ("%s %s %s → %u", record->peer != NULL ? record->peer : "",
                          record->method != NULL ? record->method : "",
                          record->path != NULL ? record->path : "", record->status);
}

char *
sse_hub_log_entry_dup_sentence (SseHubLogEntry *self,
                                gboolean        translate)
{
  const SseHubLogRecord *r;
  g_autofree char *client = NULL;
  g_autofree char *number = NULL;

  g_return_val_if_fail (SSE_HUB_IS_LOG_ENTRY (self), NULL);

  r = sse_hub_log_entry_get_record (self);
  client = g_strdup_printf ("%" G_GUINT64_FORMAT, r->client_id);
  number = g_strdup_printf ("%" G_GUINT64_FORMAT, r->number);

  switch (r->event)
    {
    case SSE_HUB_LOG_EVENT_LIST_SENT:
      return g_strdup_printf (tr (translate, N_("client %s sent no Last-Event-ID: list sent")),
                              client);
    /* A resume names its pipe: EventSource sent the header by itself, a
     * socket's page put the id in its URL. */
    case SSE_HUB_LOG_EVENT_LIST_RESENT:
      if (r->websocket)
        return g_strdup_printf (tr (translate, N_("WebSocket client %s came back with "
                                                  "?lastEventId=%s, list is at %s: list resent")),
                                client, r->last_event_id, r->revision);
      return g_strdup_printf (tr (translate, N_("SSE client %s sent Last-Event-ID %s, list is at "
                                                "%s: list resent")),
                              client, r->last_event_id, r->revision);
    case SSE_HUB_LOG_EVENT_LIST_SKIPPED:
      if (r->websocket)
        return g_strdup_printf (tr (translate, N_("WebSocket client %s came back with "
                                                  "?lastEventId=%s, the current list: list "
                                                  "skipped")),
                                client, r->last_event_id);
      return g_strdup_printf (tr (translate, N_("SSE client %s sent Last-Event-ID %s, the current "
                                                "list: list skipped")),
                              client, r->last_event_id);
    case SSE_HUB_LOG_EVENT_REQUEST:
      return request_line (r);
    case SSE_HUB_LOG_EVENT_REFUSAL:
      if (r->refusal == SSE_HUB_REFUSAL_TIMEOUT)
        return g_strdup_printf (tr (translate, N_("%s: request not complete after %s s, "
                                                  "connection closed")),
                                r->peer, number);
      return request_line (r);
    case SSE_HUB_LOG_EVENT_STARTED:
      return g_strdup_printf (tr (translate, N_("listening on port %s")), number);
    case SSE_HUB_LOG_EVENT_STOPPED:
      return g_strdup (tr (translate, N_("stopped")));
    case SSE_HUB_LOG_EVENT_DROPPED_ALL:
      return g_strdup_printf (g_dngettext (DOMAIN (translate),
                                           "presenter dropped all %s connection: an SSE browser "
                                           "comes back by itself with Last-Event-ID, a WebSocket "
                                           "page by its script",
                                           "presenter dropped all %s connections: SSE browsers "
                                           "come back by themselves with Last-Event-ID, WebSocket "
                                           "pages by their script", r->number),
                              number);
    case SSE_HUB_LOG_EVENT_DISCONNECTED:
      return g_strdup_printf (tr (translate, N_("presenter disconnected client %s (%s)")),
                              client, r->peer);
    case SSE_HUB_LOG_EVENT_SLOW_CLIENT:
      {
        g_autofree char *cap = g_strdup_printf ("%" G_GUINT64_FORMAT, r->limit);
        g_autofree char *undrained = g_strdup_printf ("%.1f", r->elapsed_ms / 1000.0);

        return g_strdup_printf (tr (translate, N_("dropped client %s (%s): stopped reading: "
                                                  "%s bytes queued, cap %s, nothing taken for %s s")),
                                client, r->peer, number, cap, undrained);
      }
    case SSE_HUB_LOG_EVENT_PERSON_ADDED:
      return g_strdup (tr (translate, N_("presenter added")));
    case SSE_HUB_LOG_EVENT_PERSON_REMOVED:
      if (*sse_hub_log_entry_get_text (self) != '\0')
        return g_strdup (tr (translate, N_("presenter removed")));
      return g_strdup_printf (tr (translate, N_("presenter removed person %s")), number);
    case SSE_HUB_LOG_EVENT_LIST_CLEARED:
      return g_strdup_printf (g_dngettext (DOMAIN (translate), "presenter cleared %s person",
                                           "presenter cleared %s persons", r->number),
                              number);
    case SSE_HUB_LOG_EVENT_DESCRIPTORS_OUT:
      return g_strdup (tr (translate, N_("out of file descriptors: new connections wait; "
                                         "accepting again when some are free")));
    case SSE_HUB_LOG_EVENT_ACCEPT_FAILED:
      return g_strdup (tr (translate, N_("accepting a connection failed: listening again")));
    case SSE_HUB_LOG_EVENT_ACCEPTING_AGAIN:
      return g_strdup (tr (translate, N_("accepting new connections again")));
    case SSE_HUB_LOG_EVENT_UPGRADED:
      return g_strdup_printf (tr (translate, N_("client %s (%s) switched to WebSocket: 101, "
                                                "Sec-WebSocket-Key %s, Sec-WebSocket-Accept %s")),
                              client, r->peer, r->ws_key, r->ws_accept);
    case SSE_HUB_LOG_EVENT_SOCKET_IN:
      {
        g_autofree char *bytes = g_strdup_printf ("%" G_GSIZE_FORMAT, r->bytes);

        return g_strdup_printf (tr (translate, N_("client %s (%s) sent a socket message "
                                                  "of %s bytes:")),
                                client, r->peer, bytes);
      }
    case SSE_HUB_LOG_EVENT_PONG_MISSED:
      return g_strdup_printf (tr (translate, N_("dropped client %s (%s): its socket left a ping "
                                                "unanswered for %s s")),
                              client, r->peer, number);
    case SSE_HUB_LOG_EVENT_FAIR_SHARE:
      return g_strdup_printf (tr (translate, N_("hub full: closed client %s of %s, which held the "
                                                "most streams (%s), so a computer with none got in")),
                              client, r->peer, number);
    case SSE_HUB_LOG_EVENT_FRAME:
    default:
      return NULL;
    }
}

char *
sse_hub_log_entry_dup_body (SseHubLogEntry *self,
                            gboolean        translate)
{
  g_autofree char *sentence = NULL;
  const char *text;
  SseHubLogEvent event;

  g_return_val_if_fail (SSE_HUB_IS_LOG_ENTRY (self), NULL);

  sentence = sse_hub_log_entry_dup_sentence (self, translate);
  text = sse_hub_log_entry_get_text (self);
  if (sentence == NULL)
    return g_strdup (text);
  if (*text == '\0')
    return g_steal_pointer (&sentence);

  /* A frame starts on a line of its own; an answer or a person follows
   * on the sentence's line. */
  event = sse_hub_log_entry_get_event (self);
  return g_strconcat (sentence,
                      event == SSE_HUB_LOG_EVENT_LIST_SENT ||
                      event == SSE_HUB_LOG_EVENT_LIST_RESENT ? "\n" : " ",
                      text, NULL);
}
