/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Pure functions of the WebSocket side of the wire (RFC 6455): the hub's
 * own framing of server messages, the parser of client frames, the
 * translation of an SSE frame into socket messages, the handshake's key
 * and the client messages the hub understands.  No I/O, so the fuzzers
 * and tests reach exactly what the server runs. */

#include <glib.h>

G_BEGIN_DECLS

/* A client message, fragments and all, may be as long as a POST body. */
#define SSE_HUB_WS_MESSAGE_MAX_BYTES  (16 * 1024)

typedef enum
{
  SSE_HUB_WS_OP_CONTINUATION = 0x0,
  SSE_HUB_WS_OP_TEXT         = 0x1,
  SSE_HUB_WS_OP_BINARY       = 0x2,
  SSE_HUB_WS_OP_CLOSE        = 0x8,
  SSE_HUB_WS_OP_PING         = 0x9,
  SSE_HUB_WS_OP_PONG         = 0xA,
} SseHubWsOpcode;

/* The close codes the hub sends (RFC 6455 section 7.4.1). */
#define SSE_HUB_WS_CLOSE_NORMAL       1000
#define SSE_HUB_WS_CLOSE_GOING_AWAY   1001
#define SSE_HUB_WS_CLOSE_PROTOCOL     1002
#define SSE_HUB_WS_CLOSE_UNSUPPORTED  1003  /* a binary message */
#define SSE_HUB_WS_CLOSE_INVALID_DATA 1007  /* text that is not UTF-8 */
#define SSE_HUB_WS_CLOSE_POLICY       1008  /* the hub or the address has all the streams it may */
#define SSE_HUB_WS_CLOSE_TOO_BIG      1009

typedef enum
{
  SSE_HUB_WS_PARSE_NEED_MORE,
  SSE_HUB_WS_PARSE_FRAME,
  SSE_HUB_WS_PARSE_ERROR,
} SseHubWsParseResult;

typedef struct
{
  gboolean        fin;
  SseHubWsOpcode  opcode;
  const guint8   *payload;   /* unmasked, inside the parsed buffer */
  gsize           length;
  gsize           consumed;  /* header and payload */
  /* on SSE_HUB_WS_PARSE_ERROR */
  guint16         close_code;
  const char     *reason;    /* untranslated: it goes on the wire */
} SseHubWsFrame;

/* Reads one client frame from the start of buffer, unmasking its payload
 * in place.  A frame must be masked, use no reserved bits or opcodes, and
 * a control frame must be whole and at most 125 bytes; a data frame whose
 * payload passes max_payload is refused (1009) from its header alone. */
SseHubWsParseResult sse_hub_ws_parse_frame (guint8        *buffer,
                                            gsize          length,
                                            gsize          max_payload,
                                            SseHubWsFrame *out);

/* One unmasked server frame with fin set. */
GBytes     *sse_hub_ws_format_frame   (SseHubWsOpcode  opcode,
                                       const void     *payload,
                                       gsize           length);
GBytes     *sse_hub_ws_format_close   (guint16         code,
                                       const char     *reason);
/* The size of a server frame header for a payload of length bytes. */
gsize       sse_hub_ws_header_size    (gsize           length);

/* The socket messages that say what the SSE bytes say, one text message
 * per event: {"event":…,"id":…,"data":…}.  "event" is "message" for an
 * unnamed one; "id" only when the event has one.  The hub's own events
 * carry JSON, so their "data" is that JSON value; a presenter's custom
 * event carries free text, so its "data" is that text as a string.  A
 * keep-alive comment becomes a ping; retry lines have no meaning here. */
GBytes     *sse_hub_ws_from_sse       (GBytes         *sse);

/* What server frames say, for the log: each message's payload on a line
 * of its own, a ping as "(ping)". */
char       *sse_hub_ws_describe       (GBytes         *frames);

/* Sec-WebSocket-Accept for a Sec-WebSocket-Key. */
char       *sse_hub_ws_accept_key     (const char     *key);

/* A client message: {"event":"addPerson","data":{"name":…,"age":…},
 * "id":… (optional, echoed in the reply)}.  The name and age are checked
 * as POST /addPerson checks them; anything else is an SSE_HUB_ERROR. */
gboolean    sse_hub_ws_parse_client_message (const char  *text,
                                             gsize        length,
                                             char       **out_name,
                                             gint64      *out_age,
                                             char       **out_id,
                                             GError     **error);
/* The answer to a client message: {"event":"reply","id":…,"status":…,
 * "data":…} where data is the JSON POST /addPerson would answer. */
GBytes     *sse_hub_ws_format_reply   (const char     *id,
                                       guint           status,
                                       const char     *json);

G_END_DECLS
