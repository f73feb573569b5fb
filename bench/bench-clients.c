/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The SSE clients: connecting, sending the request, and reading the stream
 * with the tests' event-stream reader.  Each client reads its socket once
 * per wake-up; only client 0 looks inside the `client` lists, and only to
 * count their ids. */

#define _GNU_SOURCE

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench-private.h"

typedef enum
{
  FRAME_MESSAGE,        /* no event field: the person list */
  FRAME_HELLO,
  FRAME_CLIENT,
  FRAME_FULL,
  FRAME_OTHER,
} FrameKind;

void
client_close (Bench      *b,
              Client     *c,
              const char *reason)
{
  if (c->state == CLIENT_CLOSED)
    return;

  if (c->fd >= 0)
    close (c->fd);
  c->fd = -1;
  c->state = CLIENT_CLOSED;
  sse_reader_clear (&c->reader);
  g_clear_pointer (&c->data, g_byte_array_unref);
  g_clear_pointer (&c->ws_pending, g_byte_array_unref);

  if (b->stopping)
    return;
  if (c->hello)
    {
      b->dropped++;
      bench_error (b, "client %u lost after its hello: %s", c->slot, reason);
    }
  else
    {
      b->failed++;
      bench_error (b, "client %u failed: %s", c->slot, reason);
    }
}

static void
client_protocol_error (Bench      *b,
                       Client     *c,
                       const char *what)
{
  b->protocol_errors++;
  client_close (b, c, what);
}

static FrameKind
frame_kind (const char *event)
{
  if (event == NULL || g_str_equal (event, "message"))
    return FRAME_MESSAGE;
  if (g_str_equal (event, "hello"))
    return FRAME_HELLO;
  if (g_str_equal (event, "client"))
    return FRAME_CLIENT;
  if (g_str_equal (event, "full"))
    return FRAME_FULL;
  return FRAME_OTHER;
}

/* One pass over the list for every posted name in it: with hundreds of
 * posts in flight, a search per name would cost the benchmark more than the
 * hub. */
static void
match_posts (Bench  *b,
             Client *c)
{
  gint64 *row = b->latency_us + (gsize) c->slot * b->n_posts;
  gsize prefix_len = strlen (b->needle_prefix);
  const char *end = (const char *) c->data->data + c->data->len;
  const char *p = (const char *) c->data->data;

  while ((p = memmem (p, end - p, b->needle_prefix, prefix_len)) != NULL)
    {
      char *after;
      guint64 k;

      p += prefix_len;
      k = g_ascii_strtoull (p, &after, 10);
      if (after == p || after >= end || *after != '"' || k >= (guint64) b->posts_sent ||
          row[k] >= 0 || b->post_sent_us[k] < 0)
        continue;
      row[k] = b->now_us - b->post_sent_us[k];
      b->delivered++;
      b->last_delivery_us = b->now_us;
    }
  while (c->next_post < (guint32) b->posts_sent && row[c->next_post] >= 0)
    c->next_post++;
  if (c->next_post == (guint32) b->n_posts && c->final_us == 0)
    c->final_us = b->now_us;
}

static void
frame_dispatch (Bench          *b,
                Client         *c,
                const SseFrame *frame,
                guint64         revision)
{
  switch (frame_kind (frame->event))
    {
    case FRAME_HELLO:
      if (!c->hello)
        {
          const char *id = g_strstr_len ((const char *) c->data->data, c->data->len, "\"id\":");

          if (id == NULL)
            {
              client_protocol_error (b, c, "hello without an id");
              return;
            }
          c->hub_id = g_ascii_strtoull (id + strlen ("\"id\":"), NULL, 10);
          c->hello = TRUE;
          c->hello_us = b->now_us;
          b->hellos++;
          b->last_hello_us = b->now_us;
        }
      break;

    case FRAME_CLIENT:
      if (b->storm_over)
        {
          b->late_client_frames++;
          b->late_client_bytes += frame->size;
        }
      else
        {
          b->storm_client_frames++;
          b->storm_client_bytes += frame->size;
        }
      b->last_client_event_us = b->now_us;
      if (c->slot == 0)
        {
          b->list_ids = b->list_has_digits ? b->list_commas + 1 : 0;
          b->list_ids_us = b->now_us;
        }
      break;

    case FRAME_FULL:
      client_close (b, c, "the hub said it is full");
      return;

    case FRAME_MESSAGE:
      /* nchan's socket messages are bare bodies, without its ids. */
      if (frame->id == NULL && !b->nchan)
        {
          client_protocol_error (b, c, "person list without an id");
          return;
        }
      if (c->have_list)
        {
          if (!b->nchan && revision <= c->revision)
            b->revision_errors++;
          match_posts (b, c);
        }
      c->have_list = TRUE;
      c->revision = revision;
      break;

    case FRAME_OTHER:
      break;
    }
}

static gboolean
on_head (gpointer    user_data,
         guint       status,
         const char *head,
         gsize       length)
{
  Client *c = user_data;

  if (status != 200)
    {
      g_autofree char *reason = g_strdup_printf ("HTTP status %u", status);

      client_protocol_error (c->bench, c, reason);
      return FALSE;
    }

  c->state = CLIENT_STREAMING;
  c->data = g_byte_array_new ();

  /* nchan sends no greeting and no list: a subscriber is in at its 200,
   * and every message after that is a post's body. */
  if (c->bench->nchan)
    {
      Bench *b = c->bench;

      c->hello = TRUE;
      c->have_list = TRUE;
      c->hub_id = c->slot + 1;
      c->hello_us = b->now_us;
      b->hellos++;
      b->last_hello_us = b->now_us;
    }
  return TRUE;
}

static void
on_data (gpointer    user_data,
         const char *event,
         const char *bytes,
         gsize       length)
{
  Client *c = user_data;
  Bench *b = c->bench;

  if (g_strcmp0 (event, "client") != 0)
    {
      g_byte_array_append (c->data, (const guint8 *) bytes, length);
      return;
    }

  /* The long `client` lists are only counted, and only client 0 looks
   * inside: enough to know when the hub has announced everybody. */
  if (c->slot == 0)
    for (gsize i = 0; i < length; i++)
      {
        b->list_commas += bytes[i] == ',';
        b->list_has_digits |= g_ascii_isdigit (bytes[i]);
      }
}

/* FALSE unless the id is a number: the hub's ids are revisions. */
static gboolean
parse_id (const char *text,
          guint64    *revision)
{
  gsize i;

  *revision = 0;
  for (i = 0; g_ascii_isdigit (text[i]) && i < 19; i++)
    *revision = *revision * 10 + (text[i] - '0');
  return i > 0 && text[i] == '\0';
}

static gboolean
on_frame (gpointer        user_data,
          const SseFrame *frame)
{
  Client *c = user_data;
  Bench *b = c->bench;
  guint64 revision = 0;

  /* nchan's ids are "time:tag", not the hub's revisions. */
  if (frame->id != NULL && !b->nchan && !parse_id (frame->id, &revision))
    b->revision_errors++;
  if (frame->has_data)
    frame_dispatch (b, c, frame, revision);
  if (c->state == CLIENT_CLOSED)
    return FALSE;

  g_byte_array_set_size (c->data, 0);
  if (c->slot == 0)
    {
      b->list_commas = 0;
      b->list_has_digits = FALSE;
    }
  return TRUE;
}

static const SseReaderCallbacks client_callbacks = {
  .on_head = on_head,
  .on_data = on_data,
  .on_frame = on_frame,
};

/* Returns FALSE when the kernel said "try again later" (EAGAIN): the client
 * stays waiting and is started again on a later turn of the loop. */
gboolean
client_start (Bench  *b,
              Client *c)
{
  struct epoll_event event = { .events = EPOLLOUT, .data.u64 = c->slot };

  if (b->first_connect_us == 0)
    b->first_connect_us = now_us ();
  c->connect_us = now_us ();
  c->fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->fd < 0)
    {
      client_close (b, c, g_strerror (errno));
      return TRUE;
    }
  if (connect (c->fd, (struct sockaddr *) &b->address, sizeof b->address) != 0 &&
      errno != EINPROGRESS)
    {
      if (errno == EAGAIN)
        {
          close (c->fd);
          c->fd = -1;
          b->connect_retries++;
          return FALSE;
        }
      client_close (b, c, g_strerror (errno));
      return TRUE;
    }
  if (epoll_ctl (b->epfd, EPOLL_CTL_ADD, c->fd, &event) != 0)
    {
      client_close (b, c, g_strerror (errno));
      return TRUE;
    }
  sse_reader_init (&c->reader, &client_callbacks, c);
  if (b->websocket)
    c->ws_pending = g_byte_array_new ();
  c->state = CLIENT_CONNECTING;
  return TRUE;
}

static void
client_writable (Bench  *b,
                 Client *c)
{
  struct epoll_event event = { .events = EPOLLIN, .data.u64 = c->slot };
  int error = 0;
  socklen_t len = sizeof error;

  if (c->request_sent == 0 &&
      (getsockopt (c->fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0 || error != 0))
    {
      client_close (b, c, g_strerror (error != 0 ? error : errno));
      return;
    }

  while (c->request_sent < b->connect_request_len)
    {
      ssize_t n = write (c->fd, b->connect_request + c->request_sent,
                         b->connect_request_len - c->request_sent);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;
      if (n < 0)
        {
          client_close (b, c, g_strerror (errno));
          return;
        }
      c->request_sent += n;
    }

  if (epoll_ctl (b->epfd, EPOLL_CTL_MOD, c->fd, &event) != 0)
    {
      client_close (b, c, g_strerror (errno));
      return;
    }
  c->state = CLIENT_HEADERS;
}

static void
client_readable (Bench  *b,
                 Client *c)
{
  for (;;)
    {
      ssize_t n = read (c->fd, b->read_buffer, READ_BUFFER_SIZE);

      if (n > 0)
        {
          b->now_us = now_us ();
          switch (b->websocket ? bench_ws_feed (c, b->read_buffer, n)
                               : sse_reader_feed (&c->reader, (const char *) b->read_buffer, n))
            {
            case SSE_READER_MORE:
              break;
            case SSE_READER_STOPPED:
              /* a callback closed the client */
              return;
            case SSE_READER_ENDED:
              client_close (b, c, "the hub ended the stream");
              return;
            case SSE_READER_ERROR:
              client_protocol_error (b, c, sse_reader_get_error (&c->reader));
              return;
            }
          if (n < READ_BUFFER_SIZE)
            return;
        }
      else if (n == 0)
        {
          client_close (b, c, "the hub closed the connection");
          return;
        }
      else if (errno != EINTR)
        {
          if (errno != EAGAIN)
            client_close (b, c, g_strerror (errno));
          return;
        }
    }
}

void
client_event (Bench  *b,
              Client *c)
{
  if (c->state == CLIENT_CONNECTING)
    client_writable (b, c);
  else if (c->state == CLIENT_HEADERS || c->state == CLIENT_STREAMING)
    client_readable (b, c);
}
