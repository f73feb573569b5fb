/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A WebSocket client written for the tests from RFC 6455 alone, not with
 * the hub's own framing code: its frames are masked, the hub's are read
 * back field by field.  Driven by pumping the main loop like TestPeer. */

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint8  opcode;
  GBytes *payload;
  gsize   wire_bytes;  /* header and payload */
  JsonNode *json;      /* a text message, parsed */
} WsMessage;

typedef struct
{
  GSocket    *socket;
  GByteArray *raw;           /* bytes not yet parsed */
  char       *head;          /* the handshake's answer head, once in */
  guint       status;
  GPtrArray  *messages;      /* WsMessage, control frames included */
  gboolean    closed;
  gboolean    reading;       /* FALSE: a stalled reader */
  gboolean    auto_pong;     /* answers pings (TRUE by default) */
  guint16     close_code;    /* of the hub's close frame; 0 until one came */
  char       *close_reason;
  gsize       bytes_in;      /* everything received, the head included */
} WsPeer;

/* Sends the upgrade for path (e.g. "/connect?lastEventId=3") with
 * extra_headers (lines ending in CRLF, or NULL); receive_buffer > 0 makes
 * the socket's receive window that small from the start. */
WsPeer     *ws_peer_connect        (guint          port,
                                    const char    *path,
                                    const char    *extra_headers,
                                    int            receive_buffer);
void        ws_peer_free           (WsPeer        *peer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WsPeer, ws_peer_free)
/* Reads what arrived; TRUE when anything did. */
gboolean    ws_peer_read           (WsPeer        *peer);
/* One masked frame; fin FALSE leaves a message open. */
void        ws_peer_send_frame     (WsPeer        *peer,
                                    guint8         opcode,
                                    gboolean       fin,
                                    const void    *payload,
                                    gsize          length);
void        ws_peer_send_text      (WsPeer        *peer,
                                    const char    *text);
/* The nth text message (from 0) whose "event" is event, parsed; NULL when
 * none yet.  Owned by the peer. */
JsonObject *ws_peer_find_event     (WsPeer        *peer,
                                    const char    *event,
                                    guint          nth);
guint       ws_peer_count_event    (WsPeer        *peer,
                                    const char    *event);
/* Pumps until the nth such message arrives, or timeout_ms. */
JsonObject *ws_peer_wait_event     (WsPeer        *peer,
                                    const char    *event,
                                    guint          nth,
                                    guint          timeout_ms);
/* Pumps until the hub closes the connection or timeout_ms. */
gboolean    ws_peer_wait_closed    (WsPeer        *peer,
                                    guint          timeout_ms);
guint       ws_peer_count_opcode   (WsPeer        *peer,
                                    guint8         opcode);

G_END_DECLS
