/* SPDX-License-Identifier: GPL-3.0-or-later */

/* sse-hub-bench: connects N SSE clients to a hub on 127.0.0.1, posts M
 * persons and reports connect time, fan-out latency, the cost of the
 * `client` events of the connect storm and the hub's memory per client.
 *
 * The client side is one thread of non-blocking sockets on epoll with a few
 * dozen bytes of state per client and no copies of the `client` lists, so
 * that the figures describe the hub rather than the benchmark. */

#define _GNU_SOURCE

#include <glib.h>
#include <glib/gstdio.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define READ_BUFFER_SIZE    (256 * 1024)
#define MAX_EPOLL_EVENTS    1024
#define HEADER_LIMIT        16384
#define LINE_LIMIT          (8 * 1024 * 1024)
#define MAX_ERROR_MESSAGES  5
#define HUB_START_TIMEOUT_S 10
#define HUB_STOP_TIMEOUT_S  10
#define LISTENING_PREFIX    "sse-hub: listening on port "

/* epoll tags that are not client indices */
#define TAG_HUB_STDOUT      G_MAXUINT64
#define TAG_POST            (G_MAXUINT64 - 1)

typedef enum
{
  CLIENT_WAITING,
  CLIENT_CONNECTING,
  CLIENT_HEADERS,
  CLIENT_STREAMING,
  CLIENT_CLOSED,
} ClientState;

typedef enum
{
  BODY_IDENTITY,
  BODY_CHUNK_SIZE,
  BODY_CHUNK_EXTENSION,
  BODY_CHUNK_DATA,
  BODY_CHUNK_DATA_END,
  BODY_DONE,
} BodyState;

typedef enum
{
  FRAME_MESSAGE,        /* no event field: the person list */
  FRAME_HELLO,
  FRAME_CLIENT,
  FRAME_FULL,
  FRAME_OTHER,
} FrameKind;

typedef struct
{
  int         fd;
  guint32     slot;           /* index in Bench.clients */
  guint8      state;
  guint8      body_state;
  guint8      frame_kind;
  guint8      has_data : 1;
  guint8      has_id : 1;
  guint8      skip_line : 1;  /* rest of a `client` data line: counted, not kept */
  guint8      have_list : 1;
  guint8      hello : 1;
  guint16     request_sent;
  guint32     frame_bytes;
  guint32     next_post;      /* every post before this one has arrived */
  guint64     chunk_left;
  guint64     frame_id;
  guint64     revision;
  guint64     hub_id;
  gint64      connect_us;
  gint64      hello_us;
  GByteArray *buffer;         /* response headers, then an unfinished SSE line */
  GByteArray *data;           /* data of the frame being parsed */
} Client;

typedef enum
{
  POST_IDLE,
  POST_CONNECTING,
  POST_WRITING,
  POST_READING,
} PostState;

typedef struct
{
  int         fd;
  PostState   state;
  guint       current;
  gsize       written;
  GString    *request;
  GByteArray *response;
} PostConnection;

typedef struct
{
  /* options */
  int         n_clients;
  int         n_posts;
  int         batch;
  int         gap_ms;
  int         timeout_s;
  int         connect_timeout_s;
  int         settle_ms;
  int         hub_pid_option;
  char       *url;
  char       *hub_path;

  /* the hub */
  struct sockaddr_in address;
  char       *host_header;
  pid_t       hub_pid;
  gboolean    spawned;
  gboolean    hub_gone;
  int         hub_exit_status;
  int         hub_stdout;
  char       *tmp_dir;

  int         epfd;
  guint8     *read_buffer;
  char       *connect_request;
  gsize       connect_request_len;
  gint64      now_us;
  guint       error_messages;
  gboolean    stopping;

  /* the clients */
  Client     *clients;
  int         next_client;
  int         hellos;
  int         failed;         /* never got their hello */
  int         dropped;        /* lost after their hello */
  guint       connect_retries;
  gint64      first_connect_us;
  gint64      last_hello_us;
  guint64     keepalives;
  guint       protocol_errors;
  guint       revision_errors;

  /* `client` events: during the storm, then afterwards */
  gboolean    storm_over;
  guint64     storm_client_bytes;
  guint64     storm_client_frames;
  guint64     late_client_bytes;
  guint64     late_client_frames;
  gint64      last_client_event_us;
  guint       list_ids;       /* ids in the latest list that client 0 received */
  gint64      list_ids_us;
  guint       pending_list_ids;

  /* posts */
  char      **needles;        /* "\"bench-<tag>-<k>\"" */
  gsize      *needle_lens;
  gint64     *post_sent_us;
  gint64     *post_done_us;
  int        *post_status;
  int         posts_sent;
  int         posts_ok;
  int         posts_failed;
  gint64     *latency_us;     /* [client * n_posts + post], -1 until it arrives */
  guint64     delivered;
  gint64      last_delivery_us;
  PostConnection post;
} Bench;

static gint64
now_us (void)
{
  return g_get_monotonic_time ();
}

static void G_GNUC_PRINTF (2, 3)
bench_error (Bench      *b,
             const char *format,
             ...)
{
  va_list args;

  if (b->error_messages++ >= MAX_ERROR_MESSAGES)
    {
      if (b->error_messages == MAX_ERROR_MESSAGES + 1)
        g_printerr ("sse-hub-bench: (further errors are only counted)\n");
      return;
    }

  g_printerr ("sse-hub-bench: ");
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  g_printerr ("\n");
}

/* Ten thousand clients are ten thousand descriptors, here and in the hub. */
static rlim_t
raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return 0;
  if (limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        getrlimit (RLIMIT_NOFILE, &limit);
    }
  return limit.rlim_cur;
}

/* --------------------------------------------------------------------- */
/* The hub: spawned as a child, or an existing one on 127.0.0.1           */

static gboolean
parse_url (Bench   *b,
           GError **error)
{
  const char *rest;
  const char *colon;
  char *end = NULL;
  guint64 port;

  if (g_str_has_prefix (b->url, "http://127.0.0.1:"))
    rest = b->url + strlen ("http://127.0.0.1");
  else if (g_str_has_prefix (b->url, "http://localhost:"))
    rest = b->url + strlen ("http://localhost");
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--url must be http://127.0.0.1:PORT (the benchmark only uses loopback)");
      return FALSE;
    }

  colon = rest;
  errno = 0;
  port = g_ascii_strtoull (colon + 1, &end, 10);
  if (errno != 0 || end == colon + 1 || port == 0 || port > 65535 ||
      !(*end == '\0' || g_str_equal (end, "/")))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--url must be http://127.0.0.1:PORT, not \"%s\"", b->url);
      return FALSE;
    }

  b->address.sin_port = htons ((guint16) port);
  return TRUE;
}

static char *
default_hub_path (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = NULL;

  if (self == NULL)
    return g_strdup ("sse-hub");
  dir = g_path_get_dirname (self);
  return g_build_filename (dir, "..", "src", "sse-hub", NULL);
}

static gboolean
spawn_hub (Bench   *b,
           GError **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *data_file = NULL;
  g_autoptr(GString) output = g_string_new (NULL);
  gint64 deadline;
  int fds[2];
  pid_t pid;

  b->tmp_dir = g_dir_make_tmp ("sse-hub-bench-XXXXXX", error);
  if (b->tmp_dir == NULL)
    return FALSE;
  data_file = g_build_filename (b->tmp_dir, "persons.json", NULL);

  g_ptr_array_add (argv, g_strdup (b->hub_path));
  g_ptr_array_add (argv, g_strdup ("--headless"));
  g_ptr_array_add (argv, g_strdup ("--bind=127.0.0.1"));
  g_ptr_array_add (argv, g_strdup ("--port=0"));
  g_ptr_array_add (argv, g_strdup_printf ("--data-file=%s", data_file));
  g_ptr_array_add (argv, g_strdup_printf ("--max-clients=%d", b->n_clients + 100));
  g_ptr_array_add (argv, g_strdup ("--rate-limit=0"));
  g_ptr_array_add (argv, g_strdup_printf ("--max-persons=%d", MAX (1000, b->n_posts + 100)));
  g_ptr_array_add (argv, NULL);

  if (pipe2 (fds, O_CLOEXEC) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "pipe: %s",
                   g_strerror (errno));
      return FALSE;
    }

  pid = fork ();
  if (pid < 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "fork: %s",
                   g_strerror (errno));
      close (fds[0]);
      close (fds[1]);
      return FALSE;
    }

  if (pid == 0)
    {
      /* The hub must not outlive the benchmark, whatever ends it. */
      prctl (PR_SET_PDEATHSIG, SIGTERM);
      raise_fd_limit ();
      if (dup2 (fds[1], STDOUT_FILENO) < 0)
        _exit (127);
      execv (b->hub_path, (char **) argv->pdata);
      fprintf (stderr, "sse-hub-bench: cannot run %s: %s\n", b->hub_path, strerror (errno));
      _exit (127);
    }

  close (fds[1]);
  b->hub_pid = pid;
  b->spawned = TRUE;
  b->hub_stdout = fds[0];

  /* Wait for "sse-hub: listening on port N": port 0 lets the hub pick. */
  deadline = now_us () + HUB_START_TIMEOUT_S * G_USEC_PER_SEC;
  for (;;)
    {
      struct pollfd pfd = { .fd = b->hub_stdout, .events = POLLIN };
      const char *line;
      char chunk[4096];
      gint64 left = deadline - now_us ();
      ssize_t n;

      line = strstr (output->str, LISTENING_PREFIX);
      if (line != NULL && strchr (line, '\n') != NULL)
        {
          guint64 port = g_ascii_strtoull (line + strlen (LISTENING_PREFIX), NULL, 10);

          if (port == 0 || port > 65535)
            break;
          b->address.sin_port = htons ((guint16) port);
          fcntl (b->hub_stdout, F_SETFL, fcntl (b->hub_stdout, F_GETFL) | O_NONBLOCK);
          return TRUE;
        }

      if (left <= 0)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                       "%s did not say \"%s...\" within %d s", b->hub_path, LISTENING_PREFIX,
                       HUB_START_TIMEOUT_S);
          return FALSE;
        }
      if (poll (&pfd, 1, (int) (left / 1000) + 1) < 0 && errno != EINTR)
        break;
      n = read (b->hub_stdout, chunk, sizeof chunk);
      if (n > 0)
        g_string_append_len (output, chunk, n);
      else if (n == 0)
        break;
      else if (errno != EINTR && errno != EAGAIN)
        break;
    }

  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
               "%s exited or printed no port; its output was:\n%s", b->hub_path, output->str);
  return FALSE;
}

static gboolean
reap_hub (Bench *b,
          int    flags)
{
  int status;
  pid_t pid;

  if (!b->spawned || b->hub_pid <= 0)
    return TRUE;

  pid = waitpid (b->hub_pid, &status, flags);
  if (pid != b->hub_pid)
    return FALSE;

  b->hub_exit_status = status;
  b->hub_pid = 0;
  b->hub_gone = TRUE;
  return TRUE;
}

static void
remove_tmp_dir (Bench *b)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (b->tmp_dir == NULL)
    return;
  dir = g_dir_open (b->tmp_dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (b->tmp_dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (b->tmp_dir);
}

/* VmRSS in KiB, or -1. */
static gint64
read_rss_kib (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *text = NULL;
  const char *line;

  if (pid <= 0 || !g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  line = strstr (text, "\nVmRSS:");
  if (line == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen ("\nVmRSS:"), NULL, 10);
}

/* User plus system CPU time in seconds, or -1. */
static double
read_cpu_seconds (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (pid <= 0 || !g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  /* The command name may hold spaces: fields are counted after its ')'. */
  after_name = strrchr (text, ')');
  if (after_name == NULL)
    return -1;
  fields = g_strsplit (after_name + 2, " ", 0);
  if (g_strv_length (fields) < 13)
    return -1;
  /* fields[0] is field 3 (state); utime and stime are fields 14 and 15. */
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) /
         sysconf (_SC_CLK_TCK);
}

static double
own_cpu_seconds (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return -1;
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* --------------------------------------------------------------------- */
/* SSE clients                                                             */

static void
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
  g_clear_pointer (&c->buffer, g_byte_array_unref);
  g_clear_pointer (&c->data, g_byte_array_unref);

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

/* Returns FALSE when the kernel said "try again later" (EAGAIN): the client
 * stays waiting and is started again on a later turn of the loop. */
static gboolean
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
match_posts (Bench  *b,
             Client *c)
{
  gint64 *row = b->latency_us + (gsize) c->slot * b->n_posts;

  for (int k = c->next_post; k < b->posts_sent; k++)
    {
      if (row[k] >= 0)
        continue;
      if (memmem (c->data->data, c->data->len, b->needles[k], b->needle_lens[k]) == NULL)
        continue;
      row[k] = b->now_us - b->post_sent_us[k];
      b->delivered++;
      b->last_delivery_us = b->now_us;
    }
  while (c->next_post < (guint32) b->posts_sent && row[c->next_post] >= 0)
    c->next_post++;
}

static void
frame_dispatch (Bench  *b,
                Client *c)
{
  switch ((FrameKind) c->frame_kind)
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
          b->late_client_bytes += c->frame_bytes;
        }
      else
        {
          b->storm_client_frames++;
          b->storm_client_bytes += c->frame_bytes;
        }
      b->last_client_event_us = b->now_us;
      if (c->slot == 0)
        {
          b->list_ids = b->pending_list_ids;
          b->list_ids_us = b->now_us;
        }
      break;

    case FRAME_FULL:
      client_close (b, c, "the hub said it is full");
      return;

    case FRAME_MESSAGE:
      if (!c->has_id)
        {
          client_protocol_error (b, c, "person list without an id");
          return;
        }
      if (c->have_list)
        {
          if (c->frame_id <= c->revision)
            b->revision_errors++;
          match_posts (b, c);
        }
      c->have_list = TRUE;
      c->revision = c->frame_id;
      break;

    case FRAME_OTHER:
      break;
    }
}

static void
frame_reset (Client *c)
{
  c->frame_kind = FRAME_MESSAGE;
  c->has_data = FALSE;
  c->has_id = FALSE;
  c->frame_bytes = 0;
  if (c->data != NULL)
    g_byte_array_set_size (c->data, 0);
}

static gboolean
field_is (const char *field,
          gsize       len,
          const char *name)
{
  return len == strlen (name) && memcmp (field, name, len) == 0;
}

static void
sse_line (Bench      *b,
          Client     *c,
          const char *line,
          gsize       len)
{
  const char *colon;
  const char *value;
  gsize field_len, value_len;

  if (len > 0 && line[len - 1] == '\r')
    len--;

  if (len == 0)
    {
      if (c->has_data)
        frame_dispatch (b, c);
      if (c->state != CLIENT_CLOSED)
        frame_reset (c);
      return;
    }

  if (line[0] == ':')
    {
      b->keepalives++;
      return;
    }

  colon = memchr (line, ':', len);
  field_len = colon != NULL ? (gsize) (colon - line) : len;
  value = colon != NULL ? colon + 1 : line + len;
  value_len = len - (value - line);
  if (value_len > 0 && value[0] == ' ')
    {
      value++;
      value_len--;
    }

  if (field_is (line, field_len, "data"))
    {
      if (c->frame_kind == FRAME_CLIENT)
        {
          /* Only client 0 looks inside the lists: enough to know when the
           * hub has announced everybody. */
          if (c->slot == 0)
            {
              gboolean any = FALSE;
              guint commas = 0;

              for (gsize i = 0; i < value_len; i++)
                {
                  commas += value[i] == ',';
                  any |= g_ascii_isdigit (value[i]);
                }
              b->pending_list_ids = any ? commas + 1 : 0;
            }
        }
      else
        {
          if (c->data == NULL)
            c->data = g_byte_array_new ();
          if (c->has_data)
            g_byte_array_append (c->data, (const guint8 *) "\n", 1);
          g_byte_array_append (c->data, (const guint8 *) value, value_len);
        }
      c->has_data = TRUE;
    }
  else if (field_is (line, field_len, "event"))
    {
      if (field_is (value, value_len, "hello"))
        c->frame_kind = FRAME_HELLO;
      else if (field_is (value, value_len, "client"))
        c->frame_kind = FRAME_CLIENT;
      else if (field_is (value, value_len, "full"))
        c->frame_kind = FRAME_FULL;
      else if (field_is (value, value_len, "message"))
        c->frame_kind = FRAME_MESSAGE;
      else
        c->frame_kind = FRAME_OTHER;
    }
  else if (field_is (line, field_len, "id"))
    {
      guint64 id = 0;
      gsize i;

      for (i = 0; i < value_len && g_ascii_isdigit (value[i]) && i < 19; i++)
        id = id * 10 + (value[i] - '0');
      if (i == 0 || i != value_len)
        b->revision_errors++;
      c->frame_id = id;
      c->has_id = TRUE;
    }
}

/* Splits decoded body bytes into SSE lines without copying complete lines. */
static void
sse_feed (Bench      *b,
          Client     *c,
          const char *p,
          gsize       len)
{
  while (len > 0 && c->state != CLIENT_CLOSED)
    {
      const char *nl = memchr (p, '\n', len);
      gsize take = nl != NULL ? (gsize) (nl - p) + 1 : len;

      c->frame_bytes += take;

      if (c->skip_line)
        {
          if (nl != NULL)
            c->skip_line = FALSE;
        }
      else if (nl == NULL)
        {
          if (c->buffer == NULL)
            c->buffer = g_byte_array_new ();
          g_byte_array_append (c->buffer, (const guint8 *) p, take);
          /* The long `client` lists only need counting. */
          if (c->frame_kind == FRAME_CLIENT && c->slot != 0 && c->buffer->len >= 5 &&
              memcmp (c->buffer->data, "data:", 5) == 0)
            {
              c->skip_line = TRUE;
              c->has_data = TRUE;
              g_byte_array_set_size (c->buffer, 0);
            }
          else if (c->buffer->len > LINE_LIMIT)
            {
              client_protocol_error (b, c, "line too long");
              return;
            }
        }
      else if (c->buffer != NULL && c->buffer->len > 0)
        {
          g_byte_array_append (c->buffer, (const guint8 *) p, take - 1);
          sse_line (b, c, (const char *) c->buffer->data, c->buffer->len);
          if (c->buffer != NULL)
            g_byte_array_set_size (c->buffer, 0);
        }
      else
        {
          sse_line (b, c, p, take - 1);
        }

      p += take;
      len -= take;
    }
}

/* Undoes HTTP/1.1 chunked transfer coding incrementally. */
static void
body_feed (Bench      *b,
           Client     *c,
           const char *p,
           gsize       len)
{
  while (len > 0 && c->state != CLIENT_CLOSED)
    {
      switch ((BodyState) c->body_state)
        {
        case BODY_IDENTITY:
          sse_feed (b, c, p, len);
          return;

        case BODY_CHUNK_SIZE:
        case BODY_CHUNK_EXTENSION:
          {
            char ch = *p++;

            len--;
            if (ch == '\n')
              {
                c->body_state = c->chunk_left > 0 ? BODY_CHUNK_DATA : BODY_DONE;
              }
            else if (c->body_state == BODY_CHUNK_EXTENSION || ch == '\r')
              {
                /* extensions are ignored */
              }
            else if (ch == ';')
              {
                c->body_state = BODY_CHUNK_EXTENSION;
              }
            else if (g_ascii_isxdigit (ch) && c->chunk_left < (G_MAXUINT64 >> 4))
              {
                c->chunk_left = c->chunk_left * 16 + g_ascii_xdigit_value (ch);
              }
            else
              {
                client_protocol_error (b, c, "bad chunk size");
                return;
              }
          }
          break;

        case BODY_CHUNK_DATA:
          {
            gsize n = MIN (len, c->chunk_left);

            sse_feed (b, c, p, n);
            p += n;
            len -= n;
            c->chunk_left -= n;
            if (c->chunk_left == 0)
              c->body_state = BODY_CHUNK_DATA_END;
          }
          break;

        case BODY_CHUNK_DATA_END:
          if (*p == '\n')
            c->body_state = BODY_CHUNK_SIZE;
          else if (*p != '\r')
            {
              client_protocol_error (b, c, "chunk not followed by CRLF");
              return;
            }
          p++;
          len--;
          break;

        case BODY_DONE:
          client_close (b, c, "the hub ended the stream");
          return;
        }
    }

  if (c->state != CLIENT_CLOSED && c->body_state == BODY_DONE)
    client_close (b, c, "the hub ended the stream");
}

static void
headers_feed (Bench      *b,
              Client     *c,
              const char *p,
              gsize       len)
{
  g_autoptr(GByteArray) head = NULL;
  g_autofree char *lower = NULL;
  const char *end;
  gsize search_from;
  int status = 0;

  if (c->buffer == NULL)
    c->buffer = g_byte_array_new ();
  search_from = c->buffer->len > 3 ? c->buffer->len - 3 : 0;
  g_byte_array_append (c->buffer, (const guint8 *) p, len);

  end = memmem (c->buffer->data + search_from, c->buffer->len - search_from, "\r\n\r\n", 4);
  if (end == NULL)
    {
      if (c->buffer->len > HEADER_LIMIT)
        client_protocol_error (b, c, "response headers too long");
      return;
    }

  head = g_steal_pointer (&c->buffer);
  end += 4;
  lower = g_ascii_strdown ((const char *) head->data, end - (const char *) head->data);

  if (sscanf (lower, "http/1.%*d %d", &status) != 1 || status != 200)
    {
      g_autofree char *reason = g_strdup_printf ("HTTP status %d", status);

      client_protocol_error (b, c, reason);
      return;
    }

  c->state = CLIENT_STREAMING;
  c->body_state = strstr (lower, "\ntransfer-encoding: chunked") != NULL
                  ? BODY_CHUNK_SIZE : BODY_IDENTITY;
  c->chunk_left = 0;
  frame_reset (c);
  body_feed (b, c, end, head->len - (end - (const char *) head->data));
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
          if (c->state == CLIENT_HEADERS)
            headers_feed (b, c, (const char *) b->read_buffer, n);
          else
            body_feed (b, c, (const char *) b->read_buffer, n);
          if (c->state == CLIENT_CLOSED || n < READ_BUFFER_SIZE)
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

static void
client_event (Bench  *b,
              Client *c)
{
  if (c->state == CLIENT_CONNECTING)
    client_writable (b, c);
  else if (c->state == CLIENT_HEADERS || c->state == CLIENT_STREAMING)
    client_readable (b, c);
}

/* --------------------------------------------------------------------- */
/* Posting persons on a connection of their own                            */

static void
post_close (Bench *b)
{
  if (b->post.fd >= 0)
    close (b->post.fd);
  b->post.fd = -1;
  b->post.state = POST_IDLE;
}

static void
post_finish (Bench      *b,
             int         status,
             const char *body,
             gsize       body_len,
             gboolean    keep_alive)
{
  guint k = b->post.current;

  b->post_done_us[k] = b->now_us;
  b->post_status[k] = status;
  if (status == 200)
    b->posts_ok++;
  else
    {
      b->posts_failed++;
      bench_error (b, "POST /addPerson #%u: status %d: %.*s", k, status, (int) body_len, body);
    }

  if (keep_alive)
    {
      struct epoll_event event = { .events = 0, .data.u64 = TAG_POST };

      epoll_ctl (b->epfd, EPOLL_CTL_MOD, b->post.fd, &event);
      b->post.state = POST_IDLE;
    }
  else
    post_close (b);
}

/* Returns TRUE when the response is complete (or broken). */
static gboolean
post_parse (Bench    *b,
            gboolean  eof)
{
  GByteArray *r = b->post.response;
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
        post_finish (b, 0, "connection closed before the response", 37, FALSE);
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
      post_finish (b, body_len >= content_length ? status : 0,
                   (const char *) r->data + head_len, MIN (body_len, content_length),
                   keep_alive);
      return TRUE;
    }

  if (strstr (lower, "\ntransfer-encoding: chunked") != NULL)
    {
      if (memmem (r->data + head_len, body_len, "0\r\n\r\n", 5) == NULL && !eof)
        return FALSE;
      post_finish (b, status, (const char *) r->data + head_len, body_len, keep_alive);
      return TRUE;
    }

  /* No length: the body ends with the connection. */
  if (!eof)
    return FALSE;
  post_finish (b, status, (const char *) r->data + head_len, body_len, FALSE);
  return TRUE;
}

static void
post_write (Bench *b)
{
  struct epoll_event event = { .events = EPOLLIN, .data.u64 = TAG_POST };
  PostConnection *post = &b->post;

  if (post->written == 0)
    {
      /* Latency starts when the request leaves, not when the socket connects. */
      b->now_us = now_us ();
      b->post_sent_us[post->current] = b->now_us;
      b->posts_sent = post->current + 1;
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
          post_finish (b, 0, g_strerror (errno), strlen (g_strerror (errno)), FALSE);
          return;
        }
      post->written += n;
    }

  g_byte_array_set_size (post->response, 0);
  epoll_ctl (b->epfd, EPOLL_CTL_MOD, post->fd, &event);
  post->state = POST_READING;
}

static void
post_event (Bench *b)
{
  PostConnection *post = &b->post;

  /* Between posts only a hang-up can wake the idle connection: reconnect
   * for the next post. */
  if (post->state == POST_IDLE)
    {
      post_close (b);
      return;
    }

  if (post->state == POST_CONNECTING)
    {
      int error = 0;
      socklen_t len = sizeof error;

      if (getsockopt (post->fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0 || error != 0)
        {
          const char *reason = g_strerror (error != 0 ? error : errno);

          post_finish (b, 0, reason, strlen (reason), FALSE);
          return;
        }
      post->state = POST_WRITING;
    }

  if (post->state == POST_WRITING)
    {
      post_write (b);
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
          if (post_parse (b, FALSE))
            return;
        }
      else if (n == 0)
        {
          b->now_us = now_us ();
          post_parse (b, TRUE);
          return;
        }
      else if (errno != EINTR)
        {
          if (errno != EAGAIN)
            {
              b->now_us = now_us ();
              post_parse (b, TRUE);
            }
          return;
        }
    }
}

static void
post_start (Bench *b,
            guint  k)
{
  PostConnection *post = &b->post;
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
      struct epoll_event event = { .events = EPOLLOUT, .data.u64 = TAG_POST };

      post->fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (post->fd < 0 ||
          (connect (post->fd, (struct sockaddr *) &b->address, sizeof b->address) != 0 &&
           errno != EINPROGRESS) ||
          epoll_ctl (b->epfd, EPOLL_CTL_ADD, post->fd, &event) != 0)
        {
          const char *reason = g_strerror (errno);

          post_finish (b, 0, reason, strlen (reason), FALSE);
          return;
        }
      post->state = POST_CONNECTING;
      return;
    }

  post->state = POST_WRITING;
  post_write (b);
  if (post->state == POST_WRITING)
    {
      struct epoll_event event = { .events = EPOLLOUT, .data.u64 = TAG_POST };

      epoll_ctl (b->epfd, EPOLL_CTL_MOD, post->fd, &event);
    }
}

/* --------------------------------------------------------------------- */
/* The loop and the phases                                                 */

static void
hub_stdout_readable (Bench *b)
{
  char chunk[4096];
  ssize_t n;

  /* The hub's further output is not needed, but its pipe must not fill up. */
  while ((n = read (b->hub_stdout, chunk, sizeof chunk)) > 0)
    ;
  if (n == 0)
    {
      epoll_ctl (b->epfd, EPOLL_CTL_DEL, b->hub_stdout, NULL);
      close (b->hub_stdout);
      b->hub_stdout = -1;
    }
}

static void
loop_once (Bench *b,
           int    timeout_ms)
{
  struct epoll_event events[MAX_EPOLL_EVENTS];
  int n = epoll_wait (b->epfd, events, MAX_EPOLL_EVENTS, timeout_ms);

  b->now_us = now_us ();
  if (n < 0)
    {
      if (errno != EINTR)
        g_error ("epoll_wait: %s", g_strerror (errno));
      return;
    }

  for (int i = 0; i < n; i++)
    {
      guint64 tag = events[i].data.u64;

      if (tag == TAG_HUB_STDOUT)
        hub_stdout_readable (b);
      else if (tag == TAG_POST)
        post_event (b);
      else
        client_event (b, &b->clients[tag]);
    }

  if (b->spawned && !b->hub_gone)
    reap_hub (b, WNOHANG);
}

static volatile sig_atomic_t interrupted;

static void
interrupt_handler (int signum)
{
  interrupted = signum;
}

/* A vanished hub or Ctrl+C ends the phases early; the report still runs. */
static gboolean
must_stop (Bench *b)
{
  return b->hub_gone || interrupted != 0;
}

static void
phase_connect (Bench *b)
{
  gint64 deadline;

  deadline = now_us () + (gint64) b->connect_timeout_s * G_USEC_PER_SEC;

  while (b->hellos + b->failed < b->n_clients && !must_stop (b))
    {
      /* Keep at most --batch handshakes in flight: more would only overflow
       * the hub's listen backlog and cost SYN retransmits. */
      while (b->next_client < b->n_clients &&
             b->next_client - b->hellos - b->failed < b->batch &&
             client_start (b, &b->clients[b->next_client]))
        b->next_client++;

      if (now_us () >= deadline)
        break;
      loop_once (b, 20);
    }

  for (int i = 0; i < b->n_clients; i++)
    if (!b->clients[i].hello && b->clients[i].state != CLIENT_CLOSED)
      {
        const char *reason = b->clients[i].state == CLIENT_WAITING
                             ? "not started before the connect timeout"
                             : "no hello before the connect timeout";

        client_close (b, &b->clients[i], reason);
      }
}

/* The storm is over when client 0 has received a list naming everybody and
 * no `client` event arrived anywhere for --settle ms. */
static void
phase_settle (Bench *b)
{
  gint64 deadline = now_us () + (gint64) b->connect_timeout_s * G_USEC_PER_SEC;
  guint target = b->hellos - b->dropped;

  while (!must_stop (b) && b->now_us < deadline)
    {
      if (b->list_ids >= target &&
          b->now_us - b->last_client_event_us >= (gint64) b->settle_ms * 1000)
        break;
      loop_once (b, 10);
    }
  b->storm_over = TRUE;
}

static void
phase_posts (Bench *b)
{
  for (int k = 0; k < b->n_posts && !must_stop (b); k++)
    {
      gint64 deadline;
      gint64 next;

      post_start (b, k);
      deadline = now_us () + (gint64) b->timeout_s * G_USEC_PER_SEC;
      while (b->post_done_us[k] < 0 && !must_stop (b) && b->now_us < deadline)
        loop_once (b, 5);
      if (b->post_done_us[k] < 0)
        {
          bench_error (b, "POST /addPerson #%d: no response within %d s", k, b->timeout_s);
          b->posts_failed++;
          post_close (b);
          continue;
        }

      next = b->post_done_us[k] + (gint64) b->gap_ms * 1000;
      while (k + 1 < b->n_posts && !must_stop (b) && b->now_us < next)
        loop_once (b, (int) MAX (1, (next - b->now_us) / 1000));
    }
}

static guint64
expected_deliveries (Bench *b)
{
  return (guint64) b->hellos * b->posts_ok;
}

static void
phase_drain (Bench *b)
{
  gint64 last_sent = b->posts_sent > 0 ? b->post_sent_us[b->posts_sent - 1] : now_us ();
  gint64 deadline = last_sent + (gint64) b->timeout_s * G_USEC_PER_SEC;

  while (!must_stop (b) && b->delivered < expected_deliveries (b) && b->now_us < deadline)
    loop_once (b, 10);
}

static void
stop_hub (Bench *b)
{
  gint64 deadline;

  b->stopping = TRUE;
  if (!b->spawned || b->hub_gone)
    return;

  kill (b->hub_pid, SIGTERM);
  deadline = now_us () + HUB_STOP_TIMEOUT_S * G_USEC_PER_SEC;
  while (!b->hub_gone && now_us () < deadline)
    loop_once (b, 10);
  if (!b->hub_gone)
    {
      g_printerr ("sse-hub-bench: the hub did not exit within %d s of SIGTERM; killing it\n",
                  HUB_STOP_TIMEOUT_S);
      kill (b->hub_pid, SIGKILL);
      reap_hub (b, 0);
    }
}

/* --------------------------------------------------------------------- */
/* Report                                                                  */

static int
compare_gint64 (const void *a,
                const void *b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted values, in milliseconds. */
static double
percentile_ms (const gint64 *sorted,
               gsize         n,
               double        p)
{
  gsize rank;

  if (n == 0)
    return 0;
  rank = (gsize) (p * n + 0.999999);
  rank = CLAMP (rank, 1, n);
  return sorted[rank - 1] / 1000.0;
}

static guint
count_duplicate_ids (Bench *b)
{
  g_autofree gint64 *ids = g_new (gint64, b->n_clients);
  gsize n = 0;
  guint duplicates = 0;

  for (int i = 0; i < b->n_clients; i++)
    if (b->clients[i].hello)
      ids[n++] = (gint64) b->clients[i].hub_id;
  qsort (ids, n, sizeof *ids, compare_gint64);
  for (gsize i = 1; i < n; i++)
    duplicates += ids[i] == ids[i - 1];
  return duplicates;
}

typedef struct
{
  gint64 rss_before_kib;
  gint64 rss_after_kib;
  double cpu_start;
  double cpu_connected;
  double cpu_end;
  double own_cpu_connected;
  double own_cpu_end;
} Measures;

static int
report (Bench          *b,
        const Measures *m)
{
  g_autofree gint64 *latencies = g_new (gint64, (gsize) b->n_clients * b->n_posts + 1);
  g_autofree gint64 *hello_latencies = g_new (gint64, b->n_clients + 1);
  g_autofree gint64 *fanout = g_new (gint64, b->n_posts + 1);
  g_autofree gint64 *round_trips = g_new (gint64, b->n_posts + 1);
  gsize n_latencies = 0, n_hello = 0, n_fanout = 0, n_round_trips = 0;
  guint64 expected = expected_deliveries (b);
  guint64 missing = expected - MIN (expected, b->delivered);
  double connect_ms = b->hellos > 0 ? (b->last_hello_us - b->first_connect_us) / 1000.0 : 0;
  double list_ms = b->list_ids_us > 0 ? (b->list_ids_us - b->first_connect_us) / 1000.0 : -1;
  double rss_per_client = -1;
  double deliveries_per_s = 0;
  guint duplicate_ids = count_duplicate_ids (b);
  gboolean ok;

  for (int i = 0; i < b->n_clients; i++)
    {
      const Client *c = &b->clients[i];

      if (c->hello)
        hello_latencies[n_hello++] = c->hello_us - c->connect_us;
      for (int k = 0; k < b->n_posts; k++)
        if (b->latency_us[(gsize) i * b->n_posts + k] >= 0)
          latencies[n_latencies++] = b->latency_us[(gsize) i * b->n_posts + k];
    }
  for (int k = 0; k < b->n_posts; k++)
    {
      gint64 slowest = -1;

      if (b->post_status[k] != 200)
        continue;
      round_trips[n_round_trips++] = b->post_done_us[k] - b->post_sent_us[k];
      for (int i = 0; i < b->n_clients; i++)
        slowest = MAX (slowest, b->latency_us[(gsize) i * b->n_posts + k]);
      if (slowest >= 0)
        fanout[n_fanout++] = slowest;
    }
  qsort (latencies, n_latencies, sizeof (gint64), compare_gint64);
  qsort (hello_latencies, n_hello, sizeof (gint64), compare_gint64);
  qsort (fanout, n_fanout, sizeof (gint64), compare_gint64);
  qsort (round_trips, n_round_trips, sizeof (gint64), compare_gint64);

  if (m->rss_before_kib >= 0 && m->rss_after_kib >= 0 && b->hellos > 0)
    rss_per_client = (double) (m->rss_after_kib - m->rss_before_kib) / b->hellos;
  if (b->delivered > 0 && b->last_delivery_us > b->post_sent_us[0])
    deliveries_per_s = b->delivered * 1e6 / (b->last_delivery_us - b->post_sent_us[0]);

  g_print ("\n");
  g_print ("sse-hub-bench: %d clients, %d posts, hub on %s%s\n", b->n_clients, b->n_posts,
           b->host_header, b->spawned ? " (started by the benchmark)" : "");
  g_print ("  connect      %d of %d clients had their hello %.1f ms after the first connect()\n",
           b->hellos, b->n_clients, connect_ms);
  g_print ("               per client: p50 %.1f ms, p99 %.1f ms, max %.1f ms "
           "(--batch %d in flight)\n",
           percentile_ms (hello_latencies, n_hello, 0.50),
           percentile_ms (hello_latencies, n_hello, 0.99),
           percentile_ms (hello_latencies, n_hello, 1.0), b->batch);
  if (b->connect_retries > 0)
    g_print ("               connect() said EAGAIN %u times (retried)\n", b->connect_retries);
  if (b->failed > 0 || b->dropped > 0 || duplicate_ids > 0)
    g_print ("               FAILED %d before hello, LOST %d after hello, %u duplicate ids\n",
             b->failed, b->dropped, duplicate_ids);
  if (list_ms >= 0)
    g_print ("  membership   client 0 last got a list of %u ids %.1f ms after the first "
             "connect()\n",
             b->list_ids, list_ms);
  g_print ("  storm cost   %" G_GUINT64_FORMAT " `client` frames, %" G_GUINT64_FORMAT
           " bytes (%.2f MB, %.1f frames per client)\n",
           b->storm_client_frames, b->storm_client_bytes, b->storm_client_bytes / 1e6,
           b->hellos > 0 ? (double) b->storm_client_frames / b->hellos : 0);
  if (rss_per_client >= 0)
    g_print ("  hub memory   RSS %.1f MiB idle, %.1f MiB with the clients: %.1f KiB per client\n",
             m->rss_before_kib / 1024.0, m->rss_after_kib / 1024.0, rss_per_client);
  else
    g_print ("  hub memory   not measured (give --hub-pid with --url)\n");
  g_print ("  fan-out      %d posts (%d failed) x %d clients: %" G_GUINT64_FORMAT " of %"
           G_GUINT64_FORMAT " deliveries, %" G_GUINT64_FORMAT " missing\n",
           b->posts_sent, b->posts_failed, b->hellos, b->delivered, expected, missing);
  g_print ("  latency      POST sent -> person parsed by a client: p50 %.1f ms, p99 %.1f ms, "
           "max %.1f ms\n",
           percentile_ms (latencies, n_latencies, 0.50),
           percentile_ms (latencies, n_latencies, 0.99),
           percentile_ms (latencies, n_latencies, 1.0));
  g_print ("               last client of a post: p50 %.1f ms, max %.1f ms; "
           "POST answered in p50 %.1f ms, max %.1f ms\n",
           percentile_ms (fanout, n_fanout, 0.50), percentile_ms (fanout, n_fanout, 1.0),
           percentile_ms (round_trips, n_round_trips, 0.50),
           percentile_ms (round_trips, n_round_trips, 1.0));
  g_print ("  throughput   %.0f deliveries/s from the first POST to the last delivery "
           "(%d ms between posts)\n", deliveries_per_s, b->gap_ms);
  if (b->protocol_errors > 0 || b->revision_errors > 0)
    g_print ("  PROTOCOL     %u stream errors, %u ids not a growing number\n",
             b->protocol_errors, b->revision_errors);
  if (b->late_client_frames > 0)
    g_print ("  later        %" G_GUINT64_FORMAT " `client` frames (%" G_GUINT64_FORMAT
             " bytes) after the storm\n", b->late_client_frames, b->late_client_bytes);
  if (m->cpu_start >= 0 && m->cpu_end >= 0)
    g_print ("  cpu          hub %.2f s for the storm, %.2f s for the posts; "
             "benchmark %.2f s + %.2f s\n",
             m->cpu_connected - m->cpu_start, m->cpu_end - m->cpu_connected,
             m->own_cpu_connected, m->own_cpu_end - m->own_cpu_connected);
  if (b->spawned && b->hub_exit_status != 0)
    g_print ("  HUB EXIT     %s %d\n",
             WIFSIGNALED (b->hub_exit_status) ? "killed by signal" : "status",
             WIFSIGNALED (b->hub_exit_status) ? WTERMSIG (b->hub_exit_status)
                                              : WEXITSTATUS (b->hub_exit_status));

  ok = interrupted == 0 && b->failed == 0 && b->dropped == 0 && missing == 0 &&
       b->posts_failed == 0 && b->posts_sent == b->n_posts && b->protocol_errors == 0 &&
       b->revision_errors == 0 && duplicate_ids == 0 && (!b->spawned || b->hub_exit_status == 0);

  g_print ("RESULT clients=%d connected=%d connect_ms=%.1f hello_p99_ms=%.1f posts=%d "
           "deliveries=%" G_GUINT64_FORMAT " missing=%" G_GUINT64_FORMAT
           " p50_ms=%.1f p99_ms=%.1f max_ms=%.1f deliveries_per_s=%.0f"
           " client_event_bytes=%" G_GUINT64_FORMAT " client_event_frames=%" G_GUINT64_FORMAT
           " rss_kib_per_client=%.1f ok=%d\n",
           b->n_clients, b->hellos, connect_ms, percentile_ms (hello_latencies, n_hello, 0.99),
           b->posts_ok, b->delivered, missing,
           percentile_ms (latencies, n_latencies, 0.50),
           percentile_ms (latencies, n_latencies, 0.99),
           percentile_ms (latencies, n_latencies, 1.0),
           deliveries_per_s, b->storm_client_bytes, b->storm_client_frames, rss_per_client,
           ok ? 1 : 0);

  return ok ? 0 : 1;
}

/* --------------------------------------------------------------------- */

static gboolean
check_options (Bench   *b,
               GError **error)
{
  if (b->n_clients < 1 || b->n_clients > 1000000 || b->n_posts < 1 || b->n_posts > 100000 ||
      b->batch < 1 || b->gap_ms < 0 || b->timeout_s < 1 || b->connect_timeout_s < 1 ||
      b->settle_ms < 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "-n, -m, --batch and the timeouts must be positive "
                           "(at most 1000000 clients and 100000 posts)");
      return FALSE;
    }
  if (b->url != NULL && b->hub_path != NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--url and --hub exclude each other");
      return FALSE;
    }
  if (b->url == NULL && b->hub_pid_option > 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--hub-pid only goes with --url");
      return FALSE;
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  Bench bench = {
    .n_clients = 1000,
    .n_posts = 20,
    .batch = 256,
    .gap_ms = 50,
    .timeout_s = 10,
    .connect_timeout_s = 60,
    .settle_ms = 300,
    .hub_stdout = -1,
    .epfd = -1,
    .post = { .fd = -1 },
  };
  Bench *b = &bench;
  const GOptionEntry entries[] = {
    { "clients", 'n', 0, G_OPTION_ARG_INT, &b->n_clients,
      "Number of SSE clients (default 1000)", "N" },
    { "posts", 'm', 0, G_OPTION_ARG_INT, &b->n_posts,
      "Number of persons to post, one at a time (default 20)", "M" },
    { "url", 0, 0, G_OPTION_ARG_STRING, &b->url,
      "Use the hub already running at http://127.0.0.1:PORT instead of starting one", "URL" },
    { "hub", 0, 0, G_OPTION_ARG_FILENAME, &b->hub_path,
      "The sse-hub executable to start (default: ../src/sse-hub next to this program)",
      "PATH" },
    { "hub-pid", 0, 0, G_OPTION_ARG_INT, &b->hub_pid_option,
      "With --url: process id of that hub, to read its memory and CPU time", "PID" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &b->timeout_s,
      "Seconds to wait for deliveries after the last post, and for each POST answer "
      "(default 10)", "SECONDS" },
    { "connect-timeout", 0, 0, G_OPTION_ARG_INT, &b->connect_timeout_s,
      "Seconds allowed for all clients to get their hello, and again for the `client` "
      "events to settle (default 60)", "SECONDS" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &b->batch,
      "Connections in flight at once during the storm (default 256)", "K" },
    { "gap", 0, 0, G_OPTION_ARG_INT, &b->gap_ms,
      "Milliseconds between a POST's answer and the next POST (default 50)", "MS" },
    { "settle", 0, 0, G_OPTION_ARG_INT, &b->settle_ms,
      "Quiet milliseconds without `client` events that end the storm (default 300)", "MS" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  Measures m = { -1, -1, -1, -1, -1, 0, 0 };
  pid_t measured_pid;
  rlim_t fd_limit;
  guint tag;
  int status;

  context = g_option_context_new ("- measure an SSE hub with many clients on 127.0.0.1");
  g_option_context_set_summary (context,
    "Starts sse-hub --headless on a free port (or uses --url), connects N SSE clients to\n"
    "/connect, posts M persons to /addPerson and reports connect time, delivery latency\n"
    "from POST to each client (p50/p99/max), deliveries per second, missing deliveries,\n"
    "the bytes of `client` events during the connect storm and the hub's RSS per client.\n"
    "Ends with one line \"RESULT key=value ...\"; exits 1 when anything was lost or failed.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || !check_options (b, &error))
    {
      g_printerr ("sse-hub-bench: %s\n", error->message);
      return 2;
    }

  signal (SIGPIPE, SIG_IGN);
  /* No SA_RESTART: epoll_wait returns at once and the run winds down, so
   * that the hub is stopped and its temporary data file removed. */
  {
    struct sigaction action = { .sa_handler = interrupt_handler };

    sigemptyset (&action.sa_mask);
    sigaction (SIGINT, &action, NULL);
    sigaction (SIGTERM, &action, NULL);
  }
  fd_limit = raise_fd_limit ();
  if (fd_limit < (rlim_t) b->n_clients + 64)
    {
      g_printerr ("sse-hub-bench: %d clients need %d descriptors; the limit is %lu "
                  "(raise the hard limit: ulimit -Hn)\n",
                  b->n_clients, b->n_clients + 64, (unsigned long) fd_limit);
      return 2;
    }

  b->address.sin_family = AF_INET;
  b->address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (b->url != NULL)
    {
      if (!parse_url (b, &error))
        {
          g_printerr ("sse-hub-bench: %s\n", error->message);
          return 2;
        }
    }
  else
    {
      if (b->hub_path == NULL)
        b->hub_path = default_hub_path ();
      if (!spawn_hub (b, &error))
        {
          g_printerr ("sse-hub-bench: %s\n", error->message);
          if (b->hub_pid > 0)
            {
              kill (b->hub_pid, SIGKILL);
              reap_hub (b, 0);
            }
          remove_tmp_dir (b);
          return 1;
        }
    }
  measured_pid = b->spawned ? b->hub_pid : b->hub_pid_option;

  b->host_header = g_strdup_printf ("127.0.0.1:%u", ntohs (b->address.sin_port));
  b->connect_request = g_strdup_printf ("GET /connect HTTP/1.1\r\n"
                                        "Host: %s\r\n"
                                        "User-Agent: sse-hub-bench\r\n"
                                        "Accept: text/event-stream\r\n"
                                        "Cache-Control: no-cache\r\n"
                                        "\r\n", b->host_header);
  b->connect_request_len = strlen (b->connect_request);
  b->read_buffer = g_malloc (READ_BUFFER_SIZE);
  b->clients = g_new0 (Client, b->n_clients);
  for (int i = 0; i < b->n_clients; i++)
    {
      b->clients[i].fd = -1;
      b->clients[i].slot = i;
    }
  b->latency_us = g_new (gint64, (gsize) b->n_clients * b->n_posts);
  for (gsize i = 0; i < (gsize) b->n_clients * b->n_posts; i++)
    b->latency_us[i] = -1;

  /* A tag per run keeps the names apart from earlier runs on the same hub. */
  tag = g_random_int () & 0xffffff;
  b->needles = g_new0 (char *, b->n_posts + 1);
  b->needle_lens = g_new (gsize, b->n_posts);
  b->post_sent_us = g_new (gint64, b->n_posts);
  b->post_done_us = g_new (gint64, b->n_posts);
  b->post_status = g_new0 (int, b->n_posts);
  for (int k = 0; k < b->n_posts; k++)
    {
      b->needles[k] = g_strdup_printf ("\"bench-%06x-%d\"", tag, k);
      b->needle_lens[k] = strlen (b->needles[k]);
      b->post_sent_us[k] = -1;
      b->post_done_us[k] = -1;
    }
  b->post.request = g_string_new (NULL);
  b->post.response = g_byte_array_new ();

  b->epfd = epoll_create1 (EPOLL_CLOEXEC);
  if (b->epfd < 0)
    g_error ("epoll_create1: %s", g_strerror (errno));
  if (b->hub_stdout >= 0)
    {
      struct epoll_event event = { .events = EPOLLIN, .data.u64 = TAG_HUB_STDOUT };

      epoll_ctl (b->epfd, EPOLL_CTL_ADD, b->hub_stdout, &event);
    }

  if (b->spawned)
    g_print ("sse-hub-bench: started %s (pid %d) on http://%s/\n", b->hub_path,
             (int) b->hub_pid, b->host_header);
  g_print ("sse-hub-bench: connecting %d clients to http://%s/connect...\n", b->n_clients,
           b->host_header);
  m.rss_before_kib = read_rss_kib (measured_pid);
  m.cpu_start = read_cpu_seconds (measured_pid);

  phase_connect (b);
  g_print ("sse-hub-bench: %d clients had their hello; waiting for the `client` events to "
           "settle...\n", b->hellos);
  phase_settle (b);
  m.rss_after_kib = read_rss_kib (measured_pid);
  m.cpu_connected = read_cpu_seconds (measured_pid);
  m.own_cpu_connected = own_cpu_seconds ();

  if (b->hellos > 0 && !must_stop (b))
    {
      g_print ("sse-hub-bench: posting %d persons...\n", b->n_posts);
      phase_posts (b);
      phase_drain (b);
    }
  m.cpu_end = read_cpu_seconds (measured_pid);
  m.own_cpu_end = own_cpu_seconds ();

  if (b->hub_gone)
    g_printerr ("sse-hub-bench: the hub exited during the run\n");
  if (interrupted != 0)
    g_printerr ("sse-hub-bench: interrupted by signal %d\n", (int) interrupted);
  stop_hub (b);
  status = report (b, &m);

  for (int i = 0; i < b->n_clients; i++)
    client_close (b, &b->clients[i], "done");
  post_close (b);
  if (b->hub_stdout >= 0)
    close (b->hub_stdout);
  close (b->epfd);
  remove_tmp_dir (b);

  g_free (b->clients);
  g_free (b->latency_us);
  g_strfreev (b->needles);
  g_free (b->needle_lens);
  g_free (b->post_sent_us);
  g_free (b->post_done_us);
  g_free (b->post_status);
  g_string_free (b->post.request, TRUE);
  g_byte_array_unref (b->post.response);
  g_free (b->read_buffer);
  g_free (b->connect_request);
  g_free (b->host_header);
  g_free (b->tmp_dir);
  g_free (b->url);
  g_free (b->hub_path);

  return status;
}
