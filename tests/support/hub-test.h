/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Test support: a hub on an ephemeral port in this process, and plain-socket
 * peers driven by pumping the main loop, so the tests see exactly the bytes
 * a browser would. */

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sse-hub-server.h"
#include "sse-reader.h"

G_BEGIN_DECLS

typedef struct
{
  char   *event;    /* NULL for unnamed messages */
  char   *id;
  char   *data;     /* data lines joined with \n; NULL when none */
  char   *comment;  /* the frame's last comment line */
  gint64  retry;    /* -1 when absent */
  gint64  received; /* monotonic µs */
} TestFrame;

typedef struct
{
  GSocket    *socket;
  SseReader   reader;
  GByteArray *raw;          /* everything received */
  gsize       body_start;   /* offset of the body in raw, 0 until headers are in */
  GString    *body;         /* de-chunked body */
  gboolean    closed;       /* peer closed or reset */
  guint       status;
  GPtrArray  *frames;       /* TestFrame */
  gboolean    reading;      /* FALSE = a stalled reader */
} TestPeer;

typedef struct
{
  char              *dir;
  SseHubPersonStore *store;
  SseHubServer      *server;
  guint              port;
} TestHub;

TestHub    *test_hub_new              (void);
void        test_hub_free             (TestHub *hub);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestHub, test_hub_free)
char       *test_make_temp_dir        (void);
/* The port a headless hub child announces on its first line of output. */
guint       test_read_hub_port        (GSubprocess   *hub);
/* Removes a directory and the files in it (tests make no deeper trees). */
void        test_remove_dir           (const char    *dir);

/* The entry as read, in English (its sentence, then its text); kept with
 * the entry. */
const char *test_log_entry_read       (SseHubLogEntry *entry);

/* Adds through the presenter's path and asserts it worked. */
void        test_hub_add              (TestHub       *hub,
                                       const char    *name,
                                       gint64         age);

/* Asynchronous calls in tests: pass test_keep_result with a slot
 * (GAsyncResult *, NULL at first) as user data, then wait for it. */
void          test_keep_result        (GObject       *source,
                                       GAsyncResult  *result,
                                       gpointer       user_data);
GAsyncResult *test_wait_result        (GAsyncResult **slot);

/* A blocking IPv4 TCP socket connected to 127.0.0.1:port, from source
 * (NULL: loopback), its receive buffer set first when receive_buffer > 0. */
GSocket    *test_socket_connect       (const char    *source,
                                       guint          port,
                                       int            receive_buffer);
/* Appends what a non-blocking socket holds now to raw and returns how many
 * bytes came; sets *closed when the peer has closed. */
gsize       test_socket_drain         (GSocket       *socket,
                                       GByteArray    *raw,
                                       gboolean      *closed);

/* Runs the main loop and reads every open peer until func returns TRUE or
 * timeout_ms passes; returns func's last answer. */
typedef gboolean (*TestCondition) (gpointer data);
gboolean    test_pump_until           (TestCondition  func,
                                       gpointer       data,
                                       guint          timeout_ms);
void        test_pump                 (guint          ms);

/* One of this machine's IPv4 addresses that is not loopback, or NULL.  A
 * peer that connects from it to the hub on 127.0.0.1 is another computer
 * to the hub: its address is neither loopback nor the one it reached. */
char       *test_find_lan_address     (void);
TestPeer   *test_peer_connect         (guint          port,
                                       const char    *request);
TestPeer   *test_peer_open_stream     (guint          port,
                                       const char    *extra_headers);
/* The same as a browser with this User-Agent. */
TestPeer   *test_peer_open_stream_as  (guint          port,
                                       const char    *user_agent,
                                       const char    *extra_headers);
/* A stream whose receive window is tiny from the start: once it stops
 * reading, the hub's backlog for it grows at once. */
TestPeer   *test_peer_open_stream_small_window (guint port);
void        test_peer_free            (TestPeer      *peer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestPeer, test_peer_free)
/* Closes with RST instead of FIN, as a pulled cable or a killed tab can. */
void        test_peer_reset           (TestPeer      *peer);
void        test_peer_close           (TestPeer      *peer);
/* A TestCondition: the hub closed the peer, or the peer was closed. */
gboolean    test_peer_closed          (gpointer       peer);
/* A TestCondition: a keep-alive comment has arrived. */
gboolean    test_peer_got_keepalive   (gpointer       peer);
gboolean    test_peer_wait_frames     (TestPeer      *peer,
                                       guint          n_frames,
                                       guint          timeout_ms);
/* The n-th frame with this event name (NULL = unnamed), or NULL. */
TestFrame  *test_peer_find_event      (TestPeer      *peer,
                                       const char    *event,
                                       guint          nth);
guint       test_peer_count_events    (TestPeer      *peer,
                                       const char    *event);
TestFrame  *test_peer_wait_event      (TestPeer      *peer,
                                       const char    *event,
                                       guint          nth,
                                       guint          timeout_ms);
/* The first frame, comments included, with this event (NULL = unnamed)
 * whose data holds data_part (NULL = any data), or NULL. */
TestFrame  *test_peer_find_frame      (TestPeer      *peer,
                                       const char    *event,
                                       const char    *data_part);
/* The id an EventSource would send back as Last-Event-ID, or NULL. */
const char *test_peer_last_event_id   (TestPeer      *peer);
guint64     test_peer_hello_id        (TestPeer      *peer);

typedef struct
{
  guint  status;
  char  *headers;  /* raw header block */
  char  *body;
} TestResponse;

void          test_response_free      (TestResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestResponse, test_response_free)
/* Sends a raw request (written as is) and waits for the whole response. */
TestResponse *test_http_raw           (guint          port,
                                       const char    *request,
                                       gsize          length);
/* The same from source (an address of this machine). */
TestResponse *test_http_raw_from      (const char    *source,
                                       guint          port,
                                       const char    *request,
                                       gsize          length);
TestResponse *test_http_post          (guint          port,
                                       const char    *content_type,
                                       const char    *body,
                                       gssize         length);
char         *test_response_dup_header (TestResponse *response,
                                        const char   *name);

/* Content types and a header that makes a loopback request audience. */
#define TEST_JSON           "application/json"
#define TEST_FORM           "application/x-www-form-urlencoded"
#define TEST_FOREIGN_ORIGIN "Origin: http://elsewhere.example\r\n"

JsonNode     *test_parse_json         (const char   *text);
/* The list a browser gets on connect, as names. */
GPtrArray    *test_wire_names         (guint         port);
char         *test_revision_of        (TestHub      *hub);
/* A refusal: this status and a JSON body with an error, naming field if
 * not NULL. */
void          test_assert_refused     (TestHub      *hub,
                                       TestResponse *response,
                                       guint         status,
                                       const char   *field);
void          test_assert_too_many_requests (TestHub      *hub,
                                             TestResponse *response);
gboolean      test_wait_n_clients     (TestHub      *hub,
                                       guint         n);
TestResponse *test_post_json_to       (guint         port,
                                       const char   *path,
                                       const char   *extra_headers,
                                       const char   *body);

/* The newest log entry with this event name as read in English (see
 * test_log_entry_read()), or NULL. */
const char     *test_find_log_text    (SseHubEventLog *log,
                                       SseHubLogKind   kind,
                                       const char     *event_name);
/* Where the first entry with this event name (and text holding part, if
 * not NULL) is in the log, or -1. */
int             test_log_position     (SseHubEventLog *log,
                                       const char     *event_name,
                                       const char     *part);
SseHubLogEntry *test_log_entry_at     (SseHubEventLog *log,
                                       int             position);

G_END_DECLS
