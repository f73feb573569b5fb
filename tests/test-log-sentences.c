/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Log entries are data, worded where they are shown: English for headless
 * output and scripts, the presenter's language in the window.  Run with
 * LANGUAGE=zh_CN and the catalogue built in this tree. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "hub-test.h"

static SseHubLogEntry *
newest (SseHubEventLog *log,
        SseHubLogEvent  event)
{
  GListModel *model = G_LIST_MODEL (log);

  sse_hub_event_log_flush (log);
  for (guint i = g_list_model_get_n_items (model); i > 0; i--)
    {
      g_autoptr(SseHubLogEntry) entry = g_list_model_get_item (model, i - 1);

      if (sse_hub_log_entry_get_event (entry) == event)
        return entry;
    }

  g_error ("no log entry for event %d", event);
}

static gboolean
has_frames (gpointer data)
{
  return ((TestPeer *) data)->frames->len >= 2;
}

static void
assert_chinese (const char *text)
{
  gboolean han = FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    han |= g_unichar_get_script (g_utf8_get_char (p)) == G_UNICODE_SCRIPT_HAN;
  if (!han)
    g_error ("not translated: %s", text);
}

/* The sentences the issue found English in the zh_CN window, from a real
 * hub: what the presenter did and what a connecting stream was sent. */
static void
test_hub_sentences (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  SseHubEventLog *log = sse_hub_server_get_log (hub->server);
  g_autoptr(TestPeer) first = test_peer_open_stream (hub->port, NULL);
  g_autoptr(TestPeer) second = test_peer_open_stream (hub->port, NULL);
  g_autofree char *list_sent = NULL;
  g_autofree char *expected = NULL;
  const struct { SseHubLogEvent event; const char *english; } cases[] = {
    { SSE_HUB_LOG_EVENT_DROPPED_ALL, "presenter dropped all 2 connections: SSE browsers come back "
                                     "by themselves with Last-Event-ID, WebSocket pages by their "
                                     "script" },
    { SSE_HUB_LOG_EVENT_PERSON_ADDED, "presenter added" },
    { SSE_HUB_LOG_EVENT_STARTED, NULL },
  };

  g_assert_true (test_pump_until (has_frames, first, 5000));
  g_assert_true (test_pump_until (has_frames, second, 5000));
  test_hub_add (hub, "Ada", 36);
  g_assert_cmpuint (sse_hub_server_drop_all_clients (hub->server), ==, 2);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SseHubLogEntry *entry = newest (log, cases[i].event);
      g_autofree char *english = sse_hub_log_entry_dup_sentence (entry, FALSE);
      g_autofree char *shown = sse_hub_log_entry_dup_sentence (entry, TRUE);

      if (cases[i].english != NULL)
        g_assert_cmpstr (english, ==, cases[i].english);
      assert_chinese (shown);
    }

  /* The entry keeps data: the person, not a sentence about it. */
  g_assert_cmpstr (sse_hub_log_entry_get_text (newest (log, SSE_HUB_LOG_EVENT_PERSON_ADDED)), ==,
                   "{\"name\":\"Ada\",\"age\":36}");
  g_assert_cmpuint (sse_hub_log_entry_get_record (newest (log, SSE_HUB_LOG_EVENT_DROPPED_ALL))->number,
                    ==, 2);

  list_sent = sse_hub_log_entry_dup_sentence (newest (log, SSE_HUB_LOG_EVENT_LIST_SENT), FALSE);
  expected = g_strdup_printf ("client %" G_GUINT64_FORMAT " sent no Last-Event-ID: list sent",
                              test_peer_hello_id (second));
  g_assert_cmpstr (list_sent, ==, expected);
  g_clear_pointer (&list_sent, g_free);
  list_sent = sse_hub_log_entry_dup_sentence (newest (log, SSE_HUB_LOG_EVENT_LIST_SENT), TRUE);
  assert_chinese (list_sent);
}

/* Every event with words has them in zh_CN, and every refusal's sentence. */
static void
test_every_sentence_translated (void)
{
  g_autoptr(SseHubEventLog) log = sse_hub_event_log_new (100);
  GEnumClass *refusals = g_type_class_ref (SSE_HUB_TYPE_REFUSAL);

  for (SseHubLogEvent event = SSE_HUB_LOG_EVENT_LIST_SENT;
       event <= SSE_HUB_LOG_EVENT_FAIR_SHARE; event++)
    {
      SseHubLogRecord record = { .event = event, .peer = "10.0.0.2", .client_id = 7,
                                 .number = 3, .limit = 1024, .last_event_id = "4",
                                 .revision = "5", .ws_key = "K==", .ws_accept = "A=",
                                 .method = "POST", .path = "/addPerson",
                                 .status = 429, .refusal = SSE_HUB_REFUSAL_TIMEOUT };
      g_autofree char *english = NULL;
      g_autofree char *shown = NULL;

      /* A request line has no words of its own. */
      if (event == SSE_HUB_LOG_EVENT_REQUEST)
        continue;
      sse_hub_event_log_add (log, &record);
      english = sse_hub_log_entry_dup_sentence (newest (log, event), FALSE);
      shown = sse_hub_log_entry_dup_sentence (newest (log, event), TRUE);
      g_assert_nonnull (english);
      g_assert_cmpstr (english, !=, shown);
      assert_chinese (shown);
      /* The handshake's own fields, not borrowed ones. */
      if (event == SSE_HUB_LOG_EVENT_UPGRADED)
        g_assert_cmpstr (english, ==, "client 7 (10.0.0.2) switched to WebSocket: 101, "
                                      "Sec-WebSocket-Key K==, Sec-WebSocket-Accept A=");
    }

  for (guint i = 0; i < refusals->n_values; i++)
    assert_chinese (_(sse_hub_refusal_get_sentence (i)));
  g_type_class_unref (refusals);
}

int
main (int    argc,
      char **argv)
{
  const char *localedir = g_getenv ("SSE_HUB_TEST_LOCALEDIR");

  g_test_init (&argc, &argv, NULL);

  if (localedir == NULL)
    {
      g_test_skip ("SSE_HUB_TEST_LOCALEDIR names no catalogue");
      return g_test_run ();
    }
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  g_test_add_func ("/log-sentences/hub", test_hub_sentences);
  g_test_add_func ("/log-sentences/every-sentence-translated", test_every_sentence_translated);

  return g_test_run ();
}
