/* SPDX-License-Identifier: GPL-3.0-or-later */

/* --transport ws: the same clients over the hub's WebSocket, or nchan's
 * (nchan_subscriber websocket).  Each socket message is read back into the
 * SSE event it mirrors and fed to the same event-stream reader, so every
 * figure is measured the same way on every pipe; pings are answered, or
 * the hub would drop the clients of a long run at its pong deadline. */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "bench-private.h"

const char *
bench_ws_upgrade_headers (void)
{
  return "Upgrade: websocket\r\n"
         "Connection: Upgrade\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
         "Sec-WebSocket-Version: 13\r\n";
}

/* The members of {"event":"…","id":"…","data":…} as the hub writes them:
 * event and id are plain in every message the bench reads. */
static void
append_as_sse (GString    *out,
               const char *text,
               gsize       length)
{
  const char *end = text + length;
  const char *p = text + strlen ("{\"event\":\"");
  const char *quote = memchr (p, '"', end - p);

  if (length < 12 || quote == NULL)
    return;
  if (!(quote - p == 7 && memcmp (p, "message", 7) == 0))
    {
      g_string_append (out, "event: ");
      g_string_append_len (out, p, quote - p);
      g_string_append_c (out, '\n');
    }
  p = quote + 1;
  if (g_str_has_prefix (p, ",\"id\":\""))
    {
      p += strlen (",\"id\":\"");
      quote = memchr (p, '"', end - p);
      if (quote == NULL)
        return;
      g_string_append (out, "id: ");
      g_string_append_len (out, p, quote - p);
      g_string_append_c (out, '\n');
      p = quote + 1;
    }
  if (!g_str_has_prefix (p, ",\"data\":"))
    return;
  p += strlen (",\"data\":");
  /* The hub's JSON has no line breaks: one data line. */
  g_string_append (out, "data: ");
  g_string_append_len (out, p, end - 1 - p);
  g_string_append (out, "\n\n");
}

/* nchan sends a published body as it came, one text message per post:
 * an unnamed event, one data line per line of the body. */
static void
append_body_as_sse (GString    *out,
                    const char *text,
                    gsize       length)
{
  const char *end = text + length;

  while (text < end)
    {
      const char *newline = memchr (text, '\n', end - text);
      const char *line_end = newline != NULL ? newline : end;

      g_string_append (out, "data: ");
      g_string_append_len (out, text, line_end - text);
      g_string_append_c (out, '\n');
      text = line_end + 1;
    }
  g_string_append_c (out, '\n');
}

static void
answer_ping (Client *c)
{
  /* A masked, empty pong. */
  static const guint8 pong[] = { 0x8a, 0x80, 0, 0, 0, 0 };

  if (write (c->fd, pong, sizeof pong) < 0 && errno != EAGAIN)
    return;
}

SseReaderResult
bench_ws_feed (Client       *c,
               const guint8 *bytes,
               gsize         n)
{
  g_autoptr(GString) sse = g_string_new (NULL);
  GByteArray *in = c->ws_pending;
  gsize offset = 0;

  g_byte_array_append (in, bytes, n);
  if (!c->ws_head_done)
    {
      const char *end = g_strstr_len ((const char *) in->data, in->len, "\r\n\r\n");

      if (end == NULL)
        return SSE_READER_MORE;
      if (!g_str_has_prefix ((const char *) in->data, "HTTP/1.1 101"))
        g_string_append (sse, "HTTP/1.1 500 Not Upgraded\r\n\r\n");
      else
        g_string_append (sse, "HTTP/1.1 200 OK\r\n\r\n");
      offset = end + 4 - (const char *) in->data;
      c->ws_head_done = TRUE;
    }

  while (in->len - offset >= 2)
    {
      const guint8 *frame = in->data + offset;
      guint64 length = frame[1] & 0x7f;
      gsize header = 2;

      if (length == 126)
        {
          if (in->len - offset < 4)
            break;
          length = (frame[2] << 8) | frame[3];
          header = 4;
        }
      else if (length == 127)
        {
          if (in->len - offset < 10)
            break;
          length = 0;
          for (int i = 0; i < 8; i++)
            length = (length << 8) | frame[2 + i];
          header = 10;
        }
      if (in->len - offset - header < length)
        break;

      switch (frame[0] & 0x0f)
        {
        case 0x1:
          if (c->bench->nchan)
            append_body_as_sse (sse, (const char *) frame + header, length);
          else
            append_as_sse (sse, (const char *) frame + header, length);
          break;
        case 0x9:
          answer_ping (c);
          break;
        case 0x8:
          g_byte_array_remove_range (in, 0, offset + header + length);
          if (sse->len > 0 && sse_reader_feed (&c->reader, sse->str, sse->len) != SSE_READER_MORE)
            return SSE_READER_STOPPED;
          return SSE_READER_ENDED;
        default:
          break;
        }
      offset += header + length;
    }

  g_byte_array_remove_range (in, 0, offset);
  if (sse->len == 0)
    return SSE_READER_MORE;
  return sse_reader_feed (&c->reader, sse->str, sse->len);
}
