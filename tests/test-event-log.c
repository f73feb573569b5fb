/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event log's memory stays bounded: each entry keeps a few KiB of its
 * text, cut between characters, with the true size kept beside it. */
#include <string.h>

#include "hub-test.h"

static SseHubLogEntry *
last_entry (SseHubEventLog *log)
{
  guint n;

  sse_hub_event_log_flush (log);
  n = g_list_model_get_n_items (G_LIST_MODEL (log));
  g_assert_cmpuint (n, >, 0);

  return g_list_model_get_item (G_LIST_MODEL (log), n - 1);
}

/* A text of n bytes whose byte SSE_HUB_EVENT_LOG_MAX_TEXT falls inside a
 * two-byte character. */
static char *
long_text (gsize n)
{
  GString *text = g_string_new ("a");

  while (text->len + 2 <= n)
    g_string_append (text, "é");

  return g_string_free (text, FALSE);
}

/* The head and the end of whole, the true length marked between them. */
static void
assert_cut (const char *kept,
            const char *whole,
            gsize       whole_length)
{
  g_autofree char *marker = g_strdup_printf ("… (%" G_GSIZE_FORMAT " bytes in all)\n…",
                                             whole_length);
  const char *cut = strstr (kept, marker);
  gsize head;
  gsize tail;

  g_assert_true (g_utf8_validate (kept, -1, NULL));
  g_assert_nonnull (cut);
  head = cut - kept;
  tail = strlen (cut + strlen (marker));
  g_assert_cmpuint (head, >, 0);
  g_assert_cmpuint (head + tail, <=, SSE_HUB_EVENT_LOG_MAX_TEXT);
  /* Cut at the characters that fit, no more. */
  g_assert_cmpuint (head + tail, >, SSE_HUB_EVENT_LOG_MAX_TEXT - 4);
  g_assert_cmpint (memcmp (kept, whole, head), ==, 0);
  g_assert_cmpstr (cut + strlen (marker), ==, whole + whole_length - tail);
}

static void
test_long_text_is_cut (void)
{
  g_autoptr(SseHubEventLog) log = sse_hub_event_log_new (10);
  g_autofree char *text = long_text (100 * 1024);
  gsize length = strlen (text);
  g_autoptr(SseHubLogEntry) entry = NULL;

  sse_hub_event_log_append (log, SSE_HUB_LOG_REQUEST, "POST", 0, length, text);
  entry = last_entry (log);

  assert_cut (sse_hub_log_entry_get_text (entry), text, length);
  g_assert_cmpuint (sse_hub_log_entry_get_bytes (entry), ==, length);
  g_assert_null (sse_hub_log_entry_get_peer (entry));
}

static void
test_short_text_is_whole (void)
{
  g_autoptr(SseHubEventLog) log = sse_hub_event_log_new (10);
  g_autofree char *fits = g_strnfill (SSE_HUB_EVENT_LOG_MAX_TEXT, 'x');
  g_autoptr(SseHubLogEntry) entry = NULL;
  /* Not NUL-terminated where it ends: only text_length bytes count. */
  const char frame[] = "event: tick\ndata: x\n\nGARBAGE";

  sse_hub_event_log_append_full (log, SSE_HUB_LOG_NOTICE, "tick", "10.0.0.7", 1, 21, frame, 21);
  entry = last_entry (log);
  g_assert_cmpstr (sse_hub_log_entry_get_text (entry), ==, "event: tick\ndata: x\n\n");
  g_assert_cmpstr (sse_hub_log_entry_get_peer (entry), ==, "10.0.0.7");
  g_clear_object (&entry);

  sse_hub_event_log_append (log, SSE_HUB_LOG_NOTICE, "fits", 0, 0, fits);
  entry = last_entry (log);
  g_assert_cmpstr (sse_hub_log_entry_get_text (entry), ==, fits);
}

/* Through the hub: a broadcast of a large frame is logged with its true
 * size and a bounded text. */
static void
test_broadcast_frame_is_cut (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  SseHubEventLog *log = sse_hub_server_get_log (hub->server);
  g_autofree char *data = long_text (200 * 1024);
  g_autofree char *frame = g_strdup_printf ("event: big\ndata: %s\n\n", data);
  g_autoptr(SseHubLogEntry) entry = NULL;

  sse_hub_server_publish (hub->server, SSE_HUB_LOG_NOTICE, "big", NULL, data);
  entry = last_entry (log);

  g_assert_cmpstr (sse_hub_log_entry_get_event_name (entry), ==, "big");
  g_assert_cmpuint (sse_hub_log_entry_get_bytes (entry), ==, strlen (frame));
  assert_cut (sse_hub_log_entry_get_text (entry), frame, strlen (frame));
}

static void
count_entry (SseHubEventLog *log,
             SseHubLogEntry *entry,
             guint          *count)
{
  (*count)++;
}

/* A storm within one batch pushes entries out before they reach the model;
 * "entry-added" still reports each one. */
static void
test_every_entry_is_reported (void)
{
  g_autoptr(SseHubEventLog) log = sse_hub_event_log_new (10);
  guint count = 0;

  g_signal_connect (log, "entry-added", G_CALLBACK (count_entry), &count);
  for (guint i = 0; i < 35; i++)
    sse_hub_event_log_append (log, SSE_HUB_LOG_REFUSAL, "rate-limit", 0, 0, "refused");

  g_assert_cmpuint (count, ==, 35);
  sse_hub_event_log_flush (log);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 10);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/event-log/long-text-is-cut", test_long_text_is_cut);
  g_test_add_func ("/event-log/short-text-is-whole", test_short_text_is_whole);
  g_test_add_func ("/event-log/broadcast-frame-is-cut", test_broadcast_frame_is_cut);
  g_test_add_func ("/event-log/every-entry-is-reported", test_every_entry_is_reported);

  return g_test_run ();
}
