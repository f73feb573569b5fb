/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sse-hub-client-private.h"
#include "sse-hub-websocket.h"
#include "sse-hub-ws-session.h"

/* Read in steps of this; a message is bounded by
 * SSE_HUB_WS_MESSAGE_MAX_BYTES, so the buffer never holds much more. */
#define READ_BYTES 4096
/* Reads per wake-up: a peer that sends without pause must not hold the
 * loop; the socket stays readable and is read again next turn. */
#define READS_PER_TURN 16
/* A pong is owed, but not without end to a peer that pings and never
 * reads: past this backlog it is dropped. */
#define PONG_CAP (4 * 1024 * 1024)

struct _SseHubWsSession
{
  SseHubWsMessageFunc  func;
  gpointer             user_data;
  GDestroyNotify       destroy;

  GByteArray          *input;      /* bytes not yet parsed */
  GByteArray          *message;    /* the text message being reassembled */
  gboolean             in_message; /* a fragmented message has begun */
  gsize                message_wire;
  gint64               ping_at;    /* monotonic µs of the oldest unanswered ping; 0: none */
};

SseHubWsSession *
sse_hub_ws_session_new (SseHubWsMessageFunc func,
                        gpointer            user_data,
                        GDestroyNotify      destroy)
{
  SseHubWsSession *self = g_new0 (SseHubWsSession, 1);

  self->func = func;
  self->user_data = user_data;
  self->destroy = destroy;
  self->input = g_byte_array_new ();
  self->message = g_byte_array_new ();
  return self;
}

void
sse_hub_ws_session_free (SseHubWsSession *self)
{
  if (self == NULL)
    return;

  if (self->destroy != NULL)
    self->destroy (self->user_data);
  g_byte_array_unref (self->input);
  g_byte_array_unref (self->message);
  g_free (self);
}

void
sse_hub_ws_session_ping_sent (SseHubWsSession *self,
                              gint64           now)
{
  if (self->ping_at == 0)
    self->ping_at = now;
}

gboolean
sse_hub_ws_session_pong_overdue (SseHubWsSession *self,
                                 gint64           now,
                                 gint64           deadline)
{
  return self->ping_at != 0 && now - self->ping_at > deadline;
}

/* Handles one frame; FALSE when the client must go. */
static gboolean
handle_frame (SseHubWsSession     *self,
              SseHubClient        *client,
              const SseHubWsFrame *frame)
{
  switch (frame->opcode)
    {
    case SSE_HUB_WS_OP_PING:
      {
        g_autoptr(GBytes) pong = sse_hub_ws_format_frame (SSE_HUB_WS_OP_PONG, frame->payload,
                                                          frame->length);
        return sse_hub_client_queue_raw (client, pong, PONG_CAP) == SSE_HUB_CLIENT_QUEUED;
      }
    case SSE_HUB_WS_OP_PONG:
      self->ping_at = 0;
      return TRUE;
    case SSE_HUB_WS_OP_CLOSE:
      /* Echo the peer's code, as RFC 6455 section 5.5.1 asks. */
      if (frame->length >= 2)
        sse_hub_client_send_close (client, (frame->payload[0] << 8) | frame->payload[1], "");
      else
        sse_hub_client_send_close (client, SSE_HUB_WS_CLOSE_NORMAL, "");
      return FALSE;
    case SSE_HUB_WS_OP_BINARY:
      sse_hub_client_send_close (client, SSE_HUB_WS_CLOSE_UNSUPPORTED,
                                 "the hub reads text messages only");
      return FALSE;
    case SSE_HUB_WS_OP_TEXT:
      if (self->in_message)
        {
          sse_hub_client_send_close (client, SSE_HUB_WS_CLOSE_PROTOCOL,
                                     "a new message before the last one ended");
          return FALSE;
        }
      self->in_message = TRUE;
      break;
    case SSE_HUB_WS_OP_CONTINUATION:
    default:
      if (!self->in_message)
        {
          sse_hub_client_send_close (client, SSE_HUB_WS_CLOSE_PROTOCOL,
                                     "a continuation with no message to continue");
          return FALSE;
        }
      break;
    }

  /* Fragments count together against the limit. */
  if (self->message->len + frame->length > SSE_HUB_WS_MESSAGE_MAX_BYTES)
    {
      sse_hub_client_send_close (client, SSE_HUB_WS_CLOSE_TOO_BIG, "message too big");
      return FALSE;
    }
  g_byte_array_append (self->message, frame->payload, frame->length);
  self->message_wire += frame->consumed;
  if (!frame->fin)
    return TRUE;

  if (!g_utf8_validate_len ((const char *) self->message->data, self->message->len, NULL))
    {
      sse_hub_client_send_close (client, SSE_HUB_WS_CLOSE_INVALID_DATA,
                                 "a text message must be UTF-8");
      return FALSE;
    }

  self->func (client, (const char *) self->message->data, self->message->len,
              self->message_wire, self->user_data);
  g_byte_array_set_size (self->message, 0);
  self->message_wire = 0;
  self->in_message = FALSE;
  return TRUE;
}

gboolean
sse_hub_ws_session_read (SseHubWsSession *self,
                         SseHubClient    *client,
                         GSocket         *socket)
{
  for (guint turn = 0; turn < READS_PER_TURN; turn++)
    {
      g_autoptr(GError) error = NULL;
      guint old = self->input->len;
      gsize parsed = 0;
      gssize got;

      g_byte_array_set_size (self->input, old + READ_BYTES);
      got = g_socket_receive (socket, (char *) self->input->data + old, READ_BYTES, NULL, &error);
      g_byte_array_set_size (self->input, old + MAX (got, 0));
      if (got < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return TRUE;
      if (got <= 0)
        return FALSE;
      sse_hub_client_count_received (client, got);

      for (;;)
        {
          SseHubWsFrame frame;

          switch (sse_hub_ws_parse_frame (self->input->data + parsed, self->input->len - parsed,
                                          SSE_HUB_WS_MESSAGE_MAX_BYTES, &frame))
            {
            case SSE_HUB_WS_PARSE_NEED_MORE:
              break;
            case SSE_HUB_WS_PARSE_ERROR:
              sse_hub_client_send_close (client, frame.close_code, frame.reason);
              return FALSE;
            case SSE_HUB_WS_PARSE_FRAME:
            default:
              parsed += frame.consumed;
              if (!handle_frame (self, client, &frame))
                return FALSE;
              continue;
            }
          break;
        }
      g_byte_array_remove_range (self->input, 0, parsed);
    }
  return TRUE;
}
