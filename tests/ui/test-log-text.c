/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event log's words, as the presenter reads them in the window. */
#include "config.h"

#include <string.h>

#include "hub-test.h"
#include "proxy-test.h"
#include "sse-hub-server-proxy.h"
#include "sse-hub-log-text.h"

static char *
heading_of (SseHubLogKind kind,
            guint         recipients,
            gsize         bytes)
{
  g_autoptr(SseHubEventLog) log = sse_hub_event_log_new (10);
  g_autoptr(SseHubLogEntry) entry = NULL;

  sse_hub_event_log_append (log, kind, "tick", recipients, bytes, "event: tick\ndata: 1\n\n");
  sse_hub_event_log_flush (log);
  entry = g_list_model_get_item (G_LIST_MODEL (log), 0);
  return sse_hub_log_entry_format_heading (entry);
}

/* A frame's size is what each client got; the total (in GLib's words, with
 * a no-break space) is said apart, and nothing is "sent" to no one. */
static void
test_byte_counts (void)
{
  g_autofree char *nobody = heading_of (SSE_HUB_LOG_NOTICE, 0, 24);
  g_autofree char *one = heading_of (SSE_HUB_LOG_NOTICE, 1, 24);
  g_autofree char *twelve = heading_of (SSE_HUB_LOG_NOTICE, 12, 659);
  g_autofree char *three = heading_of (SSE_HUB_LOG_NOTICE, 3, 196);
  g_autofree char *request = heading_of (SSE_HUB_LOG_REQUEST, 0, 180);

  g_assert_nonnull (strstr (nobody, "24 B, nobody to send to"));
  g_assert_null (strstr (nobody, "sent"));
  g_assert_nonnull (strstr (one, "→ 1 client  24 B sent"));
  g_assert_nonnull (strstr (twelve, "→ 12 clients  659 B each, 7.9\u00a0kB in all"));
  g_assert_nonnull (strstr (three, "196 B each, 588 B in all"));
  g_assert_nonnull (strstr (request, "180 B received"));
}

/* A change made in the window crossed no network: no bytes to show, in
 * the log the window reads (the proxy's mirror of the hub's). */
static void
test_window_change_has_no_bytes (void)
{
  g_autoptr(SseHubServerProxy) hub = sse_hub_server_proxy_new (NULL);
  g_autoptr(SseHubPerson) person = NULL;
  g_autoptr(SseHubLogEntry) entry = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *heading = NULL;
  GListModel *log = sse_hub_server_proxy_get_log (hub);

  person = test_proxy_add (hub, "Ada", 36, &error);
  g_assert_no_error (error);
  sse_hub_server_proxy_flush_log (hub);
  for (guint i = 0; entry == NULL && i < g_list_model_get_n_items (log); i++)
    {
      g_autoptr(SseHubLogEntry) candidate = g_list_model_get_item (log, i);

      if (g_strcmp0 (sse_hub_log_entry_get_event_name (candidate), "add") == 0 &&
          strstr (test_log_entry_read (candidate), "Ada") != NULL)
        entry = g_steal_pointer (&candidate);
    }
  g_assert_nonnull (entry);
  g_assert_cmpint (sse_hub_log_entry_get_kind (entry), ==, SSE_HUB_LOG_REQUEST);
  heading = sse_hub_log_entry_format_heading (entry);
  g_assert_null (strstr (heading, " B "));
  g_assert_cmpuint (sse_hub_log_entry_get_bytes (entry), ==, 0);
}

/* A list frame too long for a row shows its head and its newest person. */
static void
test_cut_row_shows_end (void)
{
  g_autoptr(SseHubEventLog) log = sse_hub_event_log_new (10);
  g_autoptr(SseHubLogEntry) entry = NULL;
  g_autoptr(GString) frame = g_string_new ("id: 7\ndata: [");
  g_autofree char *body = NULL;

  for (guint i = 0; i < 400; i++)
    g_string_append_printf (frame, "%s{\"name\":\"Person %u\",\"age\":20}", i > 0 ? "," : "", i);
  g_string_append (frame, "]\n\n");
  sse_hub_event_log_append (log, SSE_HUB_LOG_PERSONS, NULL, 1, frame->len, frame->str);
  sse_hub_event_log_flush (log);
  entry = g_list_model_get_item (G_LIST_MODEL (log), 0);

  body = sse_hub_log_entry_format_body (entry, 1500);
  g_assert_true (g_str_has_prefix (body, "id: 7\ndata: [{\"name\":\"Person 0\""));
  g_assert_true (g_str_has_suffix (body, "{\"name\":\"Person 399\",\"age\":20}]"));
  g_assert_cmpint (g_utf8_strlen (body, -1), <=, 1501);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/log-text/byte-counts", test_byte_counts);
  g_test_add_func ("/log-text/window-change-has-no-bytes", test_window_change_has_no_bytes);
  g_test_add_func ("/log-text/cut-row-shows-end", test_cut_row_shows_end);

  return g_test_run ();
}
