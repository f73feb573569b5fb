/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "sse-reader.h"

/* What the reader saw, written out as text so that whole runs compare. */
typedef struct
{
  GString *frames;
  GString *body;
  GString *data;     /* on_data pieces */
  GString *events;   /* the event on_data was told, per piece */
  guint    status;
  gsize    head_length;
  guint    stop_after;  /* frames to take before saying stop; 0 = never */
  guint    n_frames;
} Seen;

static gboolean
on_head (gpointer    user_data,
         guint       status,
         const char *head,
         gsize       length)
{
  Seen *seen = user_data;

  seen->status = status;
  seen->head_length = length;
  g_assert_cmpmem (head + length - 4, 4, "\r\n\r\n", 4);
  return TRUE;
}

static void
on_body (gpointer    user_data,
         const char *bytes,
         gsize       length)
{
  g_string_append_len (((Seen *) user_data)->body, bytes, length);
}

static void
on_data (gpointer    user_data,
         const char *event,
         const char *bytes,
         gsize       length)
{
  Seen *seen = user_data;

  g_string_append_len (seen->data, bytes, length);
  g_string_append_printf (seen->events, "%s;", event != NULL ? event : "(none)");
}

static gboolean
on_frame (gpointer        user_data,
          const SseFrame *frame)
{
  Seen *seen = user_data;

  g_assert_true (frame->data == NULL || strlen (frame->data) == frame->data_len);
  g_string_append_printf (seen->frames, "[event=%s id=%s data=%s%s comment=%s retry=%"
                          G_GINT64_FORMAT "]\n",
                          frame->event != NULL ? frame->event : "-",
                          frame->id != NULL ? frame->id : "-",
                          frame->data != NULL ? frame->data : "-",
                          frame->has_data ? "" : "(none)",
                          frame->comment != NULL ? frame->comment : "-",
                          frame->retry);
  seen->n_frames++;
  return seen->stop_after == 0 || seen->n_frames < seen->stop_after;
}

static const SseReaderCallbacks callbacks = {
  .on_head = on_head,
  .on_body = on_body,
  .on_frame = on_frame,
};

static const SseReaderCallbacks data_callbacks = {
  .on_data = on_data,
  .on_frame = on_frame,
};

static void
seen_init (Seen *seen)
{
  memset (seen, 0, sizeof *seen);
  seen->frames = g_string_new (NULL);
  seen->body = g_string_new (NULL);
  seen->data = g_string_new (NULL);
  seen->events = g_string_new (NULL);
}

static void
seen_clear (Seen *seen)
{
  g_string_free (seen->frames, TRUE);
  g_string_free (seen->body, TRUE);
  g_string_free (seen->data, TRUE);
  g_string_free (seen->events, TRUE);
}

/* Feeds bytes cut at the given offsets (ascending, ending with length). */
static SseReaderResult
feed_in_pieces (const SseReaderCallbacks *with,
                Seen                     *seen,
                const char               *bytes,
                gsize                     length,
                const gsize              *cuts,
                guint                     n_cuts)
{
  SseReader reader;
  SseReaderResult result = SSE_READER_MORE;
  gsize from = 0;

  sse_reader_init (&reader, with, seen);
  for (guint i = 0; i < n_cuts && result == SSE_READER_MORE; i++)
    {
      result = sse_reader_feed (&reader, bytes + from, cuts[i] - from);
      from = cuts[i];
    }
  sse_reader_clear (&reader);
  return result;
}

static SseReaderResult
feed_whole (const SseReaderCallbacks *with,
            Seen                     *seen,
            const char               *bytes)
{
  gsize length = strlen (bytes);

  return feed_in_pieces (with, seen, bytes, length, &length, 1);
}

static const char head[] =
  "HTTP/1.1 200 OK\r\n"
  "Content-Type: text/event-stream; charset=utf-8\r\n"
  "\r\n";

/* The body with LF line ends; every "\n" becomes the line end under test. */
static const char body_lf[] =
  "retry: 3000\n"
  "\n"
  "event: hello\n"
  "data: {\"id\":7}\n"
  "\n"
  ": keep-alive\n"
  "\n"
  ":no space\n"
  "\n"
  "id: 12\n"
  "data: first\n"
  "data:second\n"
  "data:  third keeps one space\n"
  "data\n"
  "data:\n"
  "\n"
  "event:client\n"
  "data: [1,2,3]\n"
  "ignored: field\n"
  "event\n"
  "\n"
  "\n"
  "\n"
  "retry: soon\n"
  "id\n"
  "data: last: with a colon\n"
  "\n"
  "data: never finished";

static const char frames_expected[] =
  "[event=- id=- data=-(none) comment=- retry=3000]\n"
  "[event=hello id=- data={\"id\":7} comment=- retry=-1]\n"
  "[event=- id=- data=-(none) comment=keep-alive retry=-1]\n"
  "[event=- id=- data=-(none) comment=no space retry=-1]\n"
  "[event=- id=12 data=first\nsecond\n third keeps one space\n\n comment=- retry=-1]\n"
  "[event= id=- data=[1,2,3] comment=- retry=-1]\n"
  "[event=- id= data=last: with a colon comment=- retry=-1]\n";

static char *
body_with_line_end (const char *line_end)
{
  g_auto(GStrv) lines = g_strsplit (body_lf, "\n", -1);

  return g_strjoinv (line_end, lines);
}

static char *
chunked (const char *body,
         gsize       chunk_size)
{
  GString *out = g_string_new (NULL);
  gsize length = strlen (body);

  for (gsize at = 0; at < length; at += chunk_size)
    {
      gsize n = MIN (chunk_size, length - at);

      /* An extension on some chunks: it must be ignored. */
      g_string_append_printf (out, "%" G_GSIZE_MODIFIER "x%s\r\n", n, at % 3 == 0 ? ";x=y" : "");
      g_string_append_len (out, body + at, n);
      g_string_append (out, "\r\n");
    }
  g_string_append (out, "0\r\n\r\n");
  return g_string_free (out, FALSE);
}

/* Whole, then cut in two at every byte, then byte by byte: the same frames. */
static void
assert_frames_at_every_split (const char *stream,
                              const char *body,
                              const char *expected,
                              gboolean    ends)
{
  gsize length = strlen (stream);
  g_autofree gsize *cuts = g_new (gsize, length);
  SseReaderResult whole_result;
  Seen seen;

  seen_init (&seen);
  whole_result = feed_whole (&callbacks, &seen, stream);
  g_assert_cmpint (whole_result, ==, ends ? SSE_READER_ENDED : SSE_READER_MORE);
  g_assert_cmpstr (seen.frames->str, ==, expected);
  g_assert_cmpstr (seen.body->str, ==, body);
  g_assert_cmpuint (seen.status, ==, 200);
  g_assert_cmpuint (seen.head_length, ==, strstr (stream, "\r\n\r\n") + 4 - stream);
  seen_clear (&seen);

  for (gsize split = 1; split < length; split++)
    {
      gsize two[] = { split, length };

      seen_init (&seen);
      g_assert_cmpint (feed_in_pieces (&callbacks, &seen, stream, length, two, 2), ==,
                       whole_result);
      g_assert_cmpstr (seen.frames->str, ==, expected);
      g_assert_cmpstr (seen.body->str, ==, body);
      seen_clear (&seen);
    }

  for (gsize i = 0; i < length; i++)
    cuts[i] = i + 1;
  seen_init (&seen);
  g_assert_cmpint (feed_in_pieces (&callbacks, &seen, stream, length, cuts, length), ==,
                   whole_result);
  g_assert_cmpstr (seen.frames->str, ==, expected);
  seen_clear (&seen);
}

static void
test_line_ends (void)
{
  const char *line_ends[] = { "\n", "\r\n", "\r" };

  for (guint i = 0; i < G_N_ELEMENTS (line_ends); i++)
    {
      g_autofree char *body = body_with_line_end (line_ends[i]);
      g_autofree char *stream = g_strconcat (head, body, NULL);

      g_test_message ("line end %u", i);
      assert_frames_at_every_split (stream, body, frames_expected, FALSE);
    }
}

/* CRLF whose LF comes in the next read, and line ends mixed in one stream. */
static void
test_mixed_line_ends (void)
{
  static const char mixed[] = "data: a\r\rdata: b\r\n\ndata: c\n\r\ndata: d\r\n\r\n";
  g_autofree char *stream = g_strconcat (head, mixed, NULL);

  assert_frames_at_every_split (stream, mixed,
                                "[event=- id=- data=a comment=- retry=-1]\n"
                                "[event=- id=- data=b comment=- retry=-1]\n"
                                "[event=- id=- data=c comment=- retry=-1]\n"
                                "[event=- id=- data=d comment=- retry=-1]\n",
                                FALSE);
}

static void
test_chunked (void)
{
  const gsize sizes[] = { 1, 2, 7, 64, 4096 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *body = body_with_line_end ("\n");
      g_autofree char *chunks = chunked (body, sizes[i]);
      g_autofree char *stream = g_strconcat ("HTTP/1.1 200 OK\r\n"
                                             "transfer-encoding:  Chunked \r\n\r\n",
                                             chunks, NULL);

      g_test_message ("chunks of %" G_GSIZE_FORMAT, sizes[i]);
      assert_frames_at_every_split (stream, body, frames_expected, TRUE);
    }
}

/* The benchmark's way: data handed on, not kept. */
static void
test_data_callback (void)
{
  g_autofree char *stream = g_strconcat (head,
                                         "event: client\ndata: [1,\ndata: 2]\n\n"
                                         "data: x\n\n", NULL);
  gsize length = strlen (stream);

  for (gsize split = 1; split < length; split++)
    {
      gsize two[] = { split, length };
      Seen seen;

      seen_init (&seen);
      feed_in_pieces (&data_callbacks, &seen, stream, length, two, 2);
      g_assert_cmpstr (seen.frames->str, ==,
                       "[event=client id=- data=- comment=- retry=-1]\n"
                       "[event=- id=- data=- comment=- retry=-1]\n");
      g_assert_cmpstr (seen.data->str, ==, "[1,\n2]x");
      g_assert_true (g_str_has_prefix (seen.events->str, "client;"));
      g_assert_true (g_str_has_suffix (seen.events->str, "client;(none);"));
      seen_clear (&seen);
    }
}

static gboolean
on_size (gpointer        user_data,
         const SseFrame *frame)
{
  g_string_append_printf (user_data, "%" G_GSIZE_FORMAT " ", frame->size);
  return TRUE;
}

/* Frame sizes count every byte from the previous blank line to this one. */
static void
test_frame_size (void)
{
  static const SseReaderCallbacks size_callbacks = { .on_frame = on_size };
  g_autoptr(GString) sizes = g_string_new (NULL);
  SseReader reader;

  sse_reader_init (&reader, &size_callbacks, sizes);
  g_assert_cmpint (sse_reader_feed (&reader, head, strlen (head)), ==, SSE_READER_MORE);
  g_assert_cmpint (sse_reader_feed (&reader, "event: client\ndata: [1]\n\n\n: c\n\n", 31), ==,
                   SSE_READER_MORE);
  g_assert_cmpint (sse_reader_feed (&reader, "data: a\r", 8), ==, SSE_READER_MORE);
  g_assert_cmpint (sse_reader_feed (&reader, "\n\r\n", 3), ==, SSE_READER_MORE);
  sse_reader_clear (&reader);
  g_assert_cmpstr (sizes->str, ==, "25 5 11 ");
}

static void
test_stop (void)
{
  g_autofree char *stream = g_strconcat (head, "data: 1\n\ndata: 2\n\ndata: 3\n\n", NULL);
  Seen seen;

  seen_init (&seen);
  seen.stop_after = 2;
  g_assert_cmpint (feed_whole (&callbacks, &seen, stream), ==, SSE_READER_STOPPED);
  g_assert_cmpuint (seen.n_frames, ==, 2);
  seen_clear (&seen);
}

static void
assert_error (const char *stream,
              gsize       length,
              const char *error)
{
  SseReader reader;
  Seen seen;

  seen_init (&seen);
  sse_reader_init (&reader, &callbacks, &seen);
  g_assert_cmpint (sse_reader_feed (&reader, stream, length), ==, SSE_READER_ERROR);
  g_assert_cmpstr (sse_reader_get_error (&reader), ==, error);
  /* It stays failed. */
  g_assert_cmpint (sse_reader_feed (&reader, "data: x\n\n", 9), ==, SSE_READER_ERROR);
  sse_reader_clear (&reader);
  seen_clear (&seen);
}

static void
test_errors (void)
{
  static const char bad_size[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
  static const char no_crlf[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab";
  g_autoptr(GString) long_head = g_string_new ("HTTP/1.1 200 OK\r\n");
  g_autoptr(GString) long_line = g_string_new (head);

  assert_error (bad_size, strlen (bad_size), "bad chunk size");
  assert_error (no_crlf, strlen (no_crlf), "chunk not followed by CRLF");

  while (long_head->len <= 16384)
    g_string_append (long_head, "X-Padding: 0123456789\r\n");
  assert_error (long_head->str, long_head->len, "response headers too long");

  g_string_append (long_line, "event: ");
  g_string_set_size (long_line, long_line->len + 8 * 1024 * 1024 + 1);
  memset (long_line->str + long_line->len - 8 * 1024 * 1024 - 1, 'x', 8 * 1024 * 1024 + 1);
  assert_error (long_line->str, long_line->len, "line too long");
}

static void
test_status (void)
{
  Seen seen;

  seen_init (&seen);
  feed_whole (&callbacks, &seen, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\n\r\n{}");
  g_assert_cmpuint (seen.status, ==, 429);
  g_assert_cmpstr (seen.body->str, ==, "{}");
  seen_clear (&seen);

  seen_init (&seen);
  feed_whole (&callbacks, &seen, "garbage\r\n\r\n");
  g_assert_cmpuint (seen.status, ==, 0);
  seen_clear (&seen);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sse-reader/line-ends", test_line_ends);
  g_test_add_func ("/sse-reader/mixed-line-ends", test_mixed_line_ends);
  g_test_add_func ("/sse-reader/chunked", test_chunked);
  g_test_add_func ("/sse-reader/data-callback", test_data_callback);
  g_test_add_func ("/sse-reader/frame-size", test_frame_size);
  g_test_add_func ("/sse-reader/stop", test_stop);
  g_test_add_func ("/sse-reader/errors", test_errors);
  g_test_add_func ("/sse-reader/status", test_status);

  return g_test_run ();
}
