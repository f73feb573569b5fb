/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "sse-reader.h"

#define HEAD_LIMIT  16384
/* Data values are handed on as they arrive; only the other fields wait in
 * memory for their line end. */
#define LINE_LIMIT  (8 * 1024 * 1024)

typedef enum
{
  BODY_HEAD,
  BODY_IDENTITY,
  BODY_CHUNK_SIZE,
  BODY_CHUNK_EXTENSION,
  BODY_CHUNK_DATA,
  BODY_CHUNK_DATA_END,
  BODY_DONE,
  BODY_FAILED,
} BodyState;

typedef enum
{
  LINE_NAME,         /* before the colon */
  LINE_VALUE_START,  /* right after it: one space is dropped */
  LINE_VALUE,
} LineState;

typedef enum
{
  FIELD_IGNORED,
  FIELD_COMMENT,
  FIELD_DATA,
  FIELD_EVENT,
  FIELD_ID,
  FIELD_RETRY,
} Field;

void
sse_reader_init (SseReader                *reader,
                 const SseReaderCallbacks *callbacks,
                 gpointer                  user_data)
{
  memset (reader, 0, sizeof *reader);
  reader->callbacks = callbacks;
  reader->user_data = user_data;
  reader->retry = -1;
  reader->body_state = BODY_HEAD;
  reader->line_state = LINE_NAME;
}

static void
free_string (GString **string)
{
  if (*string != NULL)
    g_string_free (*string, TRUE);
  *string = NULL;
}

void
sse_reader_clear (SseReader *reader)
{
  free_string (&reader->line);
  free_string (&reader->event);
  free_string (&reader->id);
  free_string (&reader->comment);
  free_string (&reader->data);
}

const char *
sse_reader_get_error (SseReader *reader)
{
  return reader->error;
}

static SseReaderResult
fail (SseReader  *reader,
      const char *error)
{
  reader->error = error;
  reader->body_state = BODY_FAILED;
  return SSE_READER_ERROR;
}

/* Empties a reused buffer, making it on first use. */
static GString *
reset_string (GString **string)
{
  if (*string == NULL)
    *string = g_string_new (NULL);
  else
    g_string_truncate (*string, 0);
  return *string;
}

static gboolean
line_append (SseReader  *reader,
             const char *bytes,
             gsize       length)
{
  if (reader->line == NULL)
    reader->line = g_string_new (NULL);
  if (reader->line->len + length > LINE_LIMIT)
    return FALSE;
  g_string_append_len (reader->line, bytes, length);
  return TRUE;
}

static gsize
line_length (SseReader *reader)
{
  return reader->line != NULL ? reader->line->len : 0;
}

static void
data_append (SseReader  *reader,
             const char *bytes,
             gsize       length)
{
  if (reader->callbacks->on_data != NULL)
    reader->callbacks->on_data (reader->user_data,
                                reader->has_event ? reader->event->str : NULL,
                                bytes, length);
  else
    g_string_append_len (reader->data, bytes, length);
}

static gboolean
name_is (const char *name,
         gsize       length,
         const char *expected)
{
  return length == strlen (expected) && memcmp (name, expected, length) == 0;
}

/* The field name is complete, in reader->line. */
static void
field_begin (SseReader *reader)
{
  const char *name = reader->line != NULL ? reader->line->str : "";
  gsize length = line_length (reader);

  if (length == 0)
    reader->field = FIELD_COMMENT;
  else if (name_is (name, length, "data"))
    reader->field = FIELD_DATA;
  else if (name_is (name, length, "event"))
    reader->field = FIELD_EVENT;
  else if (name_is (name, length, "id"))
    reader->field = FIELD_ID;
  else if (name_is (name, length, "retry"))
    reader->field = FIELD_RETRY;
  else
    reader->field = FIELD_IGNORED;

  if (reader->line != NULL)
    g_string_truncate (reader->line, 0);

  if (reader->field == FIELD_DATA)
    {
      if (!reader->has_data && reader->callbacks->on_data == NULL)
        reset_string (&reader->data);
      if (reader->has_data)
        data_append (reader, "\n", 1);
      reader->has_data = TRUE;
    }
}

static gboolean
all_digits (const char *text,
            gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return length > 0;
}

/* The value of a field other than data is complete, in reader->line. */
static void
field_end (SseReader *reader)
{
  const char *value = reader->line != NULL ? reader->line->str : "";
  gsize length = line_length (reader);

  switch ((Field) reader->field)
    {
    case FIELD_EVENT:
      g_string_append_len (reset_string (&reader->event), value, length);
      reader->has_event = TRUE;
      break;

    case FIELD_ID:
      /* The standard ignores an id with a NUL in it. */
      if (memchr (value, '\0', length) == NULL)
        {
          g_string_append_len (reset_string (&reader->id), value, length);
          reader->has_id = TRUE;
        }
      break;

    case FIELD_RETRY:
      if (all_digits (value, length))
        reader->retry = g_ascii_strtoll (value, NULL, 10);
      break;

    case FIELD_COMMENT:
      g_string_append_len (reset_string (&reader->comment), value, length);
      reader->has_comment = TRUE;
      break;

    case FIELD_DATA:
    case FIELD_IGNORED:
      break;
    }
}

/* A piece of a line, without its line end. */
static gboolean
line_feed (SseReader  *reader,
           const char *bytes,
           gsize       length)
{
  while (length > 0)
    {
      switch ((LineState) reader->line_state)
        {
        case LINE_NAME:
          {
            const char *colon = memchr (bytes, ':', length);
            gsize take = colon != NULL ? (gsize) (colon - bytes) : length;

            if (!line_append (reader, bytes, take))
              return FALSE;
            if (colon == NULL)
              return TRUE;
            field_begin (reader);
            reader->line_state = LINE_VALUE_START;
            bytes += take + 1;
            length -= take + 1;
          }
          break;

        case LINE_VALUE_START:
          reader->line_state = LINE_VALUE;
          if (bytes[0] == ' ')
            {
              bytes++;
              length--;
            }
          break;

        case LINE_VALUE:
          if (reader->field == FIELD_DATA)
            data_append (reader, bytes, length);
          else if (reader->field != FIELD_IGNORED)
            return line_append (reader, bytes, length);
          return TRUE;
        }
    }

  return TRUE;
}

static void
frame_reset (SseReader *reader)
{
  reader->in_frame = FALSE;
  reader->has_data = FALSE;
  reader->has_event = FALSE;
  reader->has_id = FALSE;
  reader->has_comment = FALSE;
  reader->retry = -1;
  reader->frame_size = 0;
}

static gboolean
dispatch (SseReader *reader)
{
  SseFrame frame;

  if (!reader->in_frame)
    {
      frame_reset (reader);
      return TRUE;
    }

  frame = (SseFrame) {
    .event = reader->has_event ? reader->event->str : NULL,
    .id = reader->has_id ? reader->id->str : NULL,
    .has_data = reader->has_data,
    .comment = reader->has_comment ? reader->comment->str : NULL,
    .retry = reader->retry,
    .size = reader->frame_size,
  };
  if (reader->has_data && reader->callbacks->on_data == NULL)
    {
      frame.data = reader->data->str;
      frame.data_len = reader->data->len;
    }

  if (!reader->callbacks->on_frame (reader->user_data, &frame))
    return FALSE;
  frame_reset (reader);
  return TRUE;
}

static gboolean
line_end (SseReader *reader)
{
  if (reader->line_state == LINE_NAME)
    {
      /* Nothing before the line end: the blank line that ends a frame. */
      if (line_length (reader) == 0)
        return dispatch (reader);
      field_begin (reader);
    }

  field_end (reader);
  if (reader->line != NULL)
    g_string_truncate (reader->line, 0);
  reader->line_state = LINE_NAME;
  reader->in_frame = TRUE;
  return TRUE;
}

/* Body bytes without chunk framing. */
static SseReaderResult
body_feed (SseReader  *reader,
           const char *bytes,
           gsize       length)
{
  if (reader->callbacks->on_body != NULL)
    reader->callbacks->on_body (reader->user_data, bytes, length);

  while (length > 0)
    {
      const char *lf;
      const char *end;
      gsize take;
      gsize line_end_length = 1;

      /* The LF of a CRLF that was split from its CR. */
      if (reader->skip_lf)
        {
          reader->skip_lf = FALSE;
          if (bytes[0] == '\n')
            {
              reader->frame_size++;
              bytes++;
              length--;
              continue;
            }
        }

      lf = memchr (bytes, '\n', length);
      end = memchr (bytes, '\r', lf != NULL ? (gsize) (lf - bytes) : length);
      if (end == NULL)
        end = lf;
      take = end != NULL ? (gsize) (end - bytes) : length;

      if (!line_feed (reader, bytes, take))
        return fail (reader, "line too long");
      if (end == NULL)
        {
          reader->frame_size += take;
          return SSE_READER_MORE;
        }

      if (end[0] == '\r')
        {
          if (take + 1 == length)
            reader->skip_lf = TRUE;
          else if (end[1] == '\n')
            line_end_length = 2;
        }
      reader->frame_size += take + line_end_length;
      bytes += take + line_end_length;
      length -= take + line_end_length;
      if (!line_end (reader))
        return SSE_READER_STOPPED;
    }

  return SSE_READER_MORE;
}

static gboolean
head_says_chunked (const char *head,
                   gsize       length)
{
  static const char name[] = "transfer-encoding:";
  const char *line = head;
  const char *end = head + length;

  while (line < end)
    {
      const char *next = memchr (line, '\n', end - line);
      const char *line_end = next != NULL ? next : end;

      if ((gsize) (line_end - line) > strlen (name) &&
          g_ascii_strncasecmp (line, name, strlen (name)) == 0)
        {
          while (line_end > line && g_ascii_isspace (line_end[-1]))
            line_end--;
          /* chunked is always the last coding. */
          return line_end - line >= 7 + (gssize) strlen (name) &&
                 g_ascii_strncasecmp (line_end - 7, "chunked", 7) == 0;
        }
      line = line_end + 1;
    }

  return FALSE;
}

/* Takes head bytes; on success *consumed says how many were the head's. */
static SseReaderResult
head_feed (SseReader  *reader,
           const char *bytes,
           gsize       length,
           gsize      *consumed)
{
  gsize before = line_length (reader);
  gsize search_from = before > 3 ? before - 3 : 0;
  /* Whatever lies past the limit cannot be head. */
  gsize take = MIN (length, HEAD_LIMIT + 4 - before);
  const char *end;
  gsize head_length;
  guint status = 0;

  line_append (reader, bytes, take);
  end = g_strstr_len (reader->line->str + search_from, reader->line->len - search_from,
                      "\r\n\r\n");
  if (end == NULL)
    {
      *consumed = take;
      return reader->line->len > HEAD_LIMIT
             ? fail (reader, "response headers too long") : SSE_READER_MORE;
    }

  head_length = end + 4 - reader->line->str;
  *consumed = head_length - before;
  if (sscanf (reader->line->str, "HTTP/1.%*d %u", &status) != 1)
    status = 0;
  reader->body_state = head_says_chunked (reader->line->str, head_length)
                       ? BODY_CHUNK_SIZE : BODY_IDENTITY;

  if (reader->callbacks->on_head != NULL &&
      !reader->callbacks->on_head (reader->user_data, status, reader->line->str, head_length))
    return SSE_READER_STOPPED;
  g_string_truncate (reader->line, 0);
  return SSE_READER_MORE;
}

/* One byte of a chunk-size line: hex digits, maybe ";extensions", CRLF. */
static SseReaderResult
chunk_size_feed (SseReader *reader,
                 char       ch)
{
  if (ch == '\n')
    reader->body_state = reader->chunk_left > 0 ? BODY_CHUNK_DATA : BODY_DONE;
  else if (reader->body_state == BODY_CHUNK_EXTENSION || ch == '\r')
    ; /* extensions are ignored */
  else if (ch == ';')
    reader->body_state = BODY_CHUNK_EXTENSION;
  else if (g_ascii_isxdigit (ch) && reader->chunk_left < (G_MAXUINT64 >> 4))
    reader->chunk_left = reader->chunk_left * 16 + g_ascii_xdigit_value (ch);
  else
    return fail (reader, "bad chunk size");

  return SSE_READER_MORE;
}

SseReaderResult
sse_reader_feed (SseReader  *reader,
                 const char *bytes,
                 gsize       length)
{
  while (length > 0)
    {
      SseReaderResult result = SSE_READER_MORE;
      gsize taken = 1;

      switch ((BodyState) reader->body_state)
        {
        case BODY_HEAD:
          result = head_feed (reader, bytes, length, &taken);
          break;

        case BODY_IDENTITY:
          return body_feed (reader, bytes, length);

        case BODY_CHUNK_SIZE:
        case BODY_CHUNK_EXTENSION:
          result = chunk_size_feed (reader, bytes[0]);
          break;

        case BODY_CHUNK_DATA:
          taken = MIN (length, reader->chunk_left);
          reader->chunk_left -= taken;
          if (reader->chunk_left == 0)
            reader->body_state = BODY_CHUNK_DATA_END;
          result = body_feed (reader, bytes, taken);
          break;

        case BODY_CHUNK_DATA_END:
          if (bytes[0] == '\n')
            reader->body_state = BODY_CHUNK_SIZE;
          else if (bytes[0] != '\r')
            result = fail (reader, "chunk not followed by CRLF");
          break;

        case BODY_DONE:
          return SSE_READER_ENDED;

        case BODY_FAILED:
          return SSE_READER_ERROR;
        }

      if (result != SSE_READER_MORE)
        return result;
      bytes += taken;
      length -= taken;
    }

  return reader->body_state == BODY_DONE ? SSE_READER_ENDED : SSE_READER_MORE;
}
