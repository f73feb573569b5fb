/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the parts of sse-hub-bench share: the run's state and the functions
 * one part calls in another.  The hub process lives in bench-hub.c, the SSE
 * clients in bench-clients.c, the posts in bench-posts.c, the report in
 * bench-report.c, the loop and the phases in sse-hub-bench.c. */

#include <glib.h>

#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "sse-reader.h"

#define READ_BUFFER_SIZE    (256 * 1024)
#define MAX_ERROR_MESSAGES  5

/* epoll tags that are not client indices */
#define TAG_HUB_STDOUT      G_MAXUINT64
#define TAG_POST            (G_MAXUINT64 - 1)   /* the first post connection; */
#define MAX_POST_CONNECTIONS 64                  /* the others count down from it */

typedef struct _Bench Bench;

typedef enum
{
  CLIENT_WAITING,
  CLIENT_CONNECTING,
  CLIENT_HEADERS,
  CLIENT_STREAMING,
  CLIENT_CLOSED,
} ClientState;

typedef struct
{
  int         fd;
  guint32     slot;           /* index in Bench.clients */
  guint8      state;
  guint8      have_list : 1;
  guint8      hello : 1;
  guint16     request_sent;
  guint32     next_post;      /* every post before this one has arrived */
  gint64      final_us;       /* when every post had arrived; 0 until then */
  guint64     revision;
  guint64     hub_id;
  gint64      connect_us;
  gint64      hello_us;
  Bench      *bench;
  SseReader   reader;
  GByteArray *data;           /* data of the frame being parsed, but never a `client` list */
  GByteArray *ws_pending;     /* --transport ws: bytes not yet whole frames */
  gboolean    ws_head_done;
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
  guint64     tag;
  int         fd;
  PostState   state;
  guint       current;
  gsize       written;
  GString    *request;
  GByteArray *response;
} PostConnection;

struct _Bench
{
  /* options */
  int         n_clients;
  int         n_posts;
  int         batch;
  int         gap_ms;
  int         timeout_s;
  int         connect_timeout_s;
  int         settle_ms;
  int         prefill;
  int         rate;           /* posts per second, open loop; 0 = one at a time */
  int         hub_pid_option;
  gboolean    nchan;          /* --url is nginx + nchan: no hello, no lists */
  gboolean    websocket;      /* --transport ws: every client on the hub's WebSocket */
  gboolean    no_settle;      /* posts start as soon as the last client is in */
  int         posters;        /* posting mode: keep-alive posters, no clients */
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
  guint       list_commas;    /* in the list client 0 is receiving */
  gboolean    list_has_digits;

  /* posts */
  char      **needles;        /* "\"bench-<tag>-<k>\"" */
  char       *needle_prefix;  /* "\"bench-<tag>-" */
  gint64     *post_sent_us;
  gint64     *post_done_us;
  int        *post_status;
  int         posts_sent;
  int         posts_ok;
  int         posts_failed;
  gint64     *latency_us;     /* [client * n_posts + post], -1 until it arrives */
  guint64     delivered;
  gint64      last_delivery_us;
  gint64      last_post_sent_us;
  gint64      posting_start_us;
  PostConnection posts[MAX_POST_CONNECTIONS];
};

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

/* Set by SIGINT or SIGTERM. */
extern volatile sig_atomic_t bench_interrupted;

static inline gint64
now_us (void)
{
  return g_get_monotonic_time ();
}

/* sse-hub-bench.c */
void     bench_error          (Bench          *b,
                               const char     *format,
                               ...) G_GNUC_PRINTF (2, 3);
void     loop_once            (Bench          *b,
                               int             timeout_ms);

/* bench-hub.c */
rlim_t   raise_fd_limit       (void);
gboolean parse_url            (Bench          *b,
                               GError        **error);
char    *default_hub_path     (void);
gboolean spawn_hub            (Bench          *b,
                               GError        **error);
gboolean reap_hub             (Bench          *b,
                               int             flags);
void     stop_hub             (Bench          *b);
void     hub_stdout_readable  (Bench          *b);
void     remove_tmp_dir       (Bench          *b);
gint64   read_rss_kib         (pid_t           pid);
double   read_cpu_seconds     (pid_t           pid);
double   own_cpu_seconds      (void);

/* bench-clients.c */
gboolean client_start         (Bench          *b,
                               Client         *c);
void     client_event         (Bench          *b,
                               Client         *c);
void     client_close         (Bench          *b,
                               Client         *c,
                               const char     *reason);

/* bench-posts.c */
void     post_start           (Bench          *b,
                               PostConnection *post,
                               guint           k);
void     post_event           (Bench          *b,
                               PostConnection *post);
void     post_close           (Bench          *b,
                               PostConnection *post);

/* bench-posting.c */
void     phase_posting        (Bench          *b);
int      report_posting       (Bench          *b,
                               const Measures *m);

/* bench-report.c */
guint64  expected_deliveries  (Bench          *b);
int      report               (Bench          *b,
                               const Measures *m);

/* bench-ws.c: the clients over the hub's WebSocket. */
const char      *bench_ws_upgrade_headers (void);
SseReaderResult  bench_ws_feed            (Client       *c,
                                           const guint8 *bytes,
                                           gsize         n);
