/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Log entries as the presenter reads them: in the window, copied or exported. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sse-hub-log-text.h"

static const char *
log_kind_name (SseHubLogKind kind)
{
  switch (kind)
    {
    case SSE_HUB_LOG_PERSONS:
      return "persons";
    case SSE_HUB_LOG_CLIENTS:
      return "clients";
    case SSE_HUB_LOG_HELLO:
      return "hello";
    case SSE_HUB_LOG_KEEPALIVE:
      return "keep-alive";
    case SSE_HUB_LOG_REQUEST:
      return "request";
    case SSE_HUB_LOG_REFUSAL:
      return "refusal";
    case SSE_HUB_LOG_NOTICE:
    default:
      return "notice";
    }
}

static gboolean
is_request (SseHubLogKind kind)
{
  return kind == SSE_HUB_LOG_REQUEST || kind == SSE_HUB_LOG_REFUSAL;
}

char *
sse_hub_log_entry_format_heading (SseHubLogEntry *entry)
{
  gint64 usec = sse_hub_log_entry_get_time (entry);
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  g_autofree char *clock = g_date_time_format (time, "%H:%M:%S");
  const char *event = sse_hub_log_entry_get_event_name (entry);
  guint recipients = sse_hub_log_entry_get_recipients (entry);
  gsize bytes = sse_hub_log_entry_get_bytes (entry);
  GString *heading = g_string_new (NULL);

  g_string_append_printf (heading, "%s.%03d  %-10s", clock,
                          (int) (usec % G_USEC_PER_SEC / 1000),
                          event != NULL && *event != '\0'
                            ? event : log_kind_name (sse_hub_log_entry_get_kind (entry)));
  if (recipients > 0)
    g_string_append_printf (heading,
                            g_dngettext (GETTEXT_PACKAGE, "  → %u client", "  → %u clients",
                                         recipients),
                            recipients);
  /* Requests count what arrived (request line, headers, body); everything
   * else counts the frame's bytes as they left, once per client. */
  if (bytes > 0)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GSIZE_FORMAT, bytes);

      g_string_append (heading, "  ");
      /* Translators: byte counts in the event log, e.g. "180 B received" */
      if (is_request (sse_hub_log_entry_get_kind (entry)))
        g_string_append_printf (heading, _("%s B received"), count);
      else if (recipients == 0)
        /* Translators: a frame's size when no client was there to get it */
        g_string_append_printf (heading, _("%s B, nobody to send to"), count);
      else if (recipients == 1)
        g_string_append_printf (heading, _("%s B sent"), count);
      else
        {
          guint64 all = (guint64) bytes * recipients;
          /* GLib says "588 bytes" below a kilobyte: keep "B" beside "B". */
          g_autofree char *total = all < 1000 ? g_strdup_printf ("%" G_GUINT64_FORMAT " B", all)
                                              : g_format_size (all);

          /* Translators: one frame's size, then what all clients got together,
           * e.g. "659 B each, 7.9 kB in all" */
          g_string_append_printf (heading, _("%s B each, %s in all"), count, total);
        }
    }

  return g_string_free (heading, FALSE);
}

/* What happened in the presenter's language, then the frame as sent,
 * without the blank line that ends it. */
char *
sse_hub_log_entry_format_body (SseHubLogEntry *entry,
                               gssize          max_chars)
{
  g_autofree char *text = sse_hub_log_entry_dup_body (entry, TRUE);
  gsize length = strlen (text);
  g_autofree char *trimmed = NULL;

  while (length > 0 && (text[length - 1] == '\n' || text[length - 1] == '\r'))
    length--;
  trimmed = g_strndup (text, length);

  /* A cut frame keeps its head (event, id) and its end, where a list frame
   * holds the newest person. */
  if (max_chars >= 0 && g_utf8_strlen (trimmed, -1) > max_chars)
    {
      glong n_chars = g_utf8_strlen (trimmed, -1);
      glong head = MIN (max_chars / 4, 200);
      g_autofree char *start = g_utf8_substring (trimmed, 0, head);
      g_autofree char *end = g_utf8_substring (trimmed, n_chars - (max_chars - head), n_chars);

      return g_strconcat (start, "…", end, NULL);
    }

  return g_steal_pointer (&trimmed);
}
