/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Posting persons to /addPerson on connections of their own, and reading
 * the answers: one at a time, or (with --rate) on as many connections as
 * the posts in flight need. */

#define _GNU_SOURCE

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench-private.h"

void
post_close (Bench          *b,
            PostConnection *post)
{
  if (post->fd >= 0)
    close (post->fd);
  post->fd = -1;
  post->state = POST_IDLE;
}

static void
post_finish (Bench          *b,
             PostConnection *post,
             int             status,
             const char *body,
             gsize       body_len,
             gboolean    keep_alive)
{
  guint k = post->current;

  /* nchan's publisher answers 201 or 202: the message was queued. */
  if (b->nchan && (status == 201 || status == 202))
    status = 200;
  b->post_done_us[k] = b->now_us;
  b->post_status[k] = status;
  /* nchan answers a publish with 201 or 202. */
  if (status >= 200 && status < 300)
    b->posts_ok++;
  else
    {
      b->posts_failed++;
      bench_error (b, "POST /addPerson #%u: status %d: %.*s", k, status, (int) body_len, body);
    }

  if (keep_alive)
    {
      struct epoll_event event = { .events = 0, .data.u64 = post->tag };

      epoll_ctl (b->epfd, EPOLL_CTL_MOD, post->fd, &event);
      post->state = POST_IDLE;
    }
  else
    post_close (b, post);
}

/* Returns TRUE when the response is complete (or broken). */
static gboolean
post_parse (Bench          *b,
            PostConnection *post,
            gboolean        eof)
{
  GByteArray *r = post->response;
  g_autofree char *lower = NULL;
  const char *head_end;
  const char *length;
  gsize head_len, body_len;
  guint64 content_length;
  gboolean keep_alive;
  int status = 0;

  head_end = memmem (r->data, r->len, "\r\n\r\n", 4);
  if (head_end == NULL)
    {
      if (eof)
        post_finish (b, post, 0, "connection closed before the response", 37, FALSE);
      return eof;
    }
  head_len = head_end + 4 - (const char *) r->data;
  body_len = r->len - head_len;
  lower = g_ascii_strdown ((const char *) r->data, head_len);
  if (sscanf (lower, "http/1.%*d %d", &status) != 1)
    status = 0;
  keep_alive = strstr (lower, "\nconnection: close") == NULL && !eof;

  length = strstr (lower, "\ncontent-length:");
  if (length != NULL)
    {
      content_length = g_ascii_strtoull (length + strlen ("\ncontent-length:"), NULL, 10);
      if (body_len < content_length && !eof)
        return FALSE;
      post_finish (b, post, body_len >= content_length ? status : 0,
                   (const char *) r->data + head_len, MIN (body_len, content_length),
                   keep_alive);
      return TRUE;
    }

  if (strstr (lower, "\ntransfer-encoding: chunked") != NULL)
    {
      if (memmem (r->data + head_len, body_len, "0\r\n\r\n", 5) == NULL && !eof)
        return FALSE;
      post_finish (b, post, status, (const char *) r->data + head_len, body_len, keep_alive);
      return TRUE;
    }

  /* No length: the body ends with the connection. */
  if (!eof)
    return FALSE;
  post_finish (b, post, status, (const char *) r->data + head_len, body_len, FALSE);
  return TRUE;
}

static void
post_write (Bench          *b,
            PostConnection *post)
{
  struct epoll_event event = { .events = EPOLLIN, .data.u64 = post->tag };

  if (post->written == 0)
    {
      /* Latency starts when the request leaves, not when the socket connects. */
      b->now_us = now_us ();
      b->post_sent_us[post->current] = b->now_us;
      b->posts_sent = MAX (b->posts_sent, (int) post->current + 1);
      b->last_post_sent_us = b->now_us;
    }

  while (post->written < post->request->len)
    {
      ssize_t n = write (post->fd, post->request->str + post->written,
                         post->request->len - post->written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;
      if (n < 0)
        {
          post_finish (b, post, 0, g_strerror (errno), strlen (g_strerror (errno)), FALSE);
          return;
        }
      post->written += n;
    }

  g_byte_array_set_size (post->response, 0);
  epoll_ctl (b->epfd, EPOLL_CTL_MOD, post->fd, &event);
  post->state = POST_READING;
}

void
post_event (Bench          *b,
            PostConnection *post)
{

  /* Between posts only a hang-up can wake the idle connection: reconnect
   * for the next post. */
  if (post->state == POST_IDLE)
    {
      post_close (b, post);
      return;
    }

  if (post->state == POST_CONNECTING)
    {
      int error = 0;
      socklen_t len = sizeof error;

      if (getsockopt (post->fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0 || error != 0)
        {
          const char *reason = g_strerror (error != 0 ? error : errno);

          post_finish (b, post, 0, reason, strlen (reason), FALSE);
          return;
        }
      post->state = POST_WRITING;
    }

  if (post->state == POST_WRITING)
    {
      post_write (b, post);
      return;
    }

  if (post->state != POST_READING)
    return;

  for (;;)
    {
      guint8 chunk[4096];
      ssize_t n = read (post->fd, chunk, sizeof chunk);

      if (n > 0)
        {
          b->now_us = now_us ();
          g_byte_array_append (post->response, chunk, n);
          if (post_parse (b, post, FALSE))
            return;
        }
      else if (n == 0)
        {
          b->now_us = now_us ();
          post_parse (b, post, TRUE);
          return;
        }
      else if (errno != EINTR)
        {
          if (errno != EAGAIN)
            {
              b->now_us = now_us ();
              post_parse (b, post, TRUE);
            }
          return;
        }
    }
}

void
post_start (Bench          *b,
            PostConnection *post,
            guint           k)
{
  g_autofree char *body = NULL;

  /* The needle is the quoted name: "bench-...-1" must not match "bench-...-12". */
  body = g_strdup_printf ("{\"name\":%s,\"age\":%u}", b->needles[k], 18 + k % 60);
  g_string_printf (post->request,
                   "POST /addPerson HTTP/1.1\r\n"
                   "Host: %s\r\n"
                   "User-Agent: sse-hub-bench\r\n"
                   "Content-Type: application/json\r\n"
                   "Content-Length: %zu\r\n"
                   "\r\n"
                   "%s",
                   b->host_header, strlen (body), body);
  post->current = k;
  post->written = 0;

  if (post->fd < 0)
    {
      struct epoll_event event = { .events = EPOLLOUT, .data.u64 = post->tag };

      post->fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (post->fd < 0 ||
          (connect (post->fd, (struct sockaddr *) &b->address, sizeof b->address) != 0 &&
           errno != EINPROGRESS) ||
          epoll_ctl (b->epfd, EPOLL_CTL_ADD, post->fd, &event) != 0)
        {
          const char *reason = g_strerror (errno);

          post_finish (b, post, 0, reason, strlen (reason), FALSE);
          return;
        }
      post->state = POST_CONNECTING;
      return;
    }

  post->state = POST_WRITING;
  post_write (b, post);
  if (post->state == POST_WRITING)
    {
      struct epoll_event event = { .events = EPOLLOUT, .data.u64 = post->tag };

      epoll_ctl (b->epfd, EPOLL_CTL_MOD, post->fd, &event);
    }
}
