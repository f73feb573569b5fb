/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The client side of an event stream, as a browser reads it: an HTTP/1.1
 * response head, then a body that ends at EOF or is chunked, split into
 * frames by the WHATWG event-stream rules (LF, CR or CRLF line ends, a
 * field without a colon has an empty value, one leading space of a value is
 * dropped).  Bytes go in as they arrive, split anywhere; frames come out
 * through callbacks with borrowed strings, so a reader allocates nothing
 * per frame once its buffers have grown.  GLib only: the benchmark uses it
 * too, for thousands of clients at once. */

#include <glib.h>

G_BEGIN_DECLS

/* Everything is borrowed and valid only during the callback. */
typedef struct
{
  const char *event;     /* NULL when the frame has no event field */
  const char *id;        /* NULL when the frame has no (valid) id field */
  const char *data;      /* data lines joined with \n; NULL when none, or when on_data took them */
  gsize       data_len;
  gboolean    has_data;  /* at least one data field, even an empty one */
  const char *comment;   /* the frame's last comment line; NULL when none */
  gint64      retry;     /* -1 when absent or not a number */
  gsize       size;      /* bytes on the wire since the previous blank line, this one included */
} SseFrame;

/* A callback that returns FALSE stops sse_reader_feed() at once; it may
 * clear the reader before it returns. */
typedef struct
{
  /* Optional: the status line and headers, up to the blank line after them
   * (included in length). */
  gboolean (*on_head)  (gpointer        user_data,
                        guint           status,
                        const char     *head,
                        gsize           length);
  /* Optional: the body as it arrives, without chunk framing. */
  void     (*on_body)  (gpointer        user_data,
                        const char     *bytes,
                        gsize           length);
  /* Optional: data values piece by piece, with "\n" between the lines of a
   * frame, for callers that keep only some of them.  When set, frames carry
   * no data.  event is the frame's event so far, NULL when none. */
  void     (*on_data)  (gpointer        user_data,
                        const char     *event,
                        const char     *bytes,
                        gsize           length);
  /* A blank line after at least one field or comment. */
  gboolean (*on_frame) (gpointer        user_data,
                        const SseFrame *frame);
} SseReaderCallbacks;

typedef enum
{
  SSE_READER_MORE,     /* every byte was taken; more may come */
  SSE_READER_STOPPED,  /* a callback returned FALSE */
  SSE_READER_ENDED,    /* the last chunk of a chunked body has arrived */
  SSE_READER_ERROR,    /* see sse_reader_get_error() */
} SseReaderResult;

/* Meant to be embedded (one per client in the benchmark); the fields are
 * private. */
typedef struct
{
  const SseReaderCallbacks *callbacks;
  gpointer    user_data;
  GString    *line;        /* the head, then an unfinished field name or value */
  GString    *event;
  GString    *id;
  GString    *comment;
  GString    *data;
  guint64     chunk_left;
  gint64      retry;
  gsize       frame_size;
  const char *error;
  guint8      body_state;
  guint8      line_state;
  guint8      field;
  guint8      skip_lf : 1;
  guint8      in_frame : 1;
  guint8      has_data : 1;
  guint8      has_event : 1;
  guint8      has_id : 1;
  guint8      has_comment : 1;
} SseReader;

void            sse_reader_init      (SseReader                *reader,
                                      const SseReaderCallbacks *callbacks,
                                      gpointer                  user_data);
void            sse_reader_clear     (SseReader                *reader);
SseReaderResult sse_reader_feed      (SseReader                *reader,
                                      const char               *bytes,
                                      gsize                     length);
const char     *sse_reader_get_error (SseReader                *reader);

G_END_DECLS
