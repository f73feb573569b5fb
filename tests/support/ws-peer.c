/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "hub-test.h"
#include "ws-peer.h"

static void
ws_message_free (gpointer data)
{
  WsMessage *message = data;

  g_bytes_unref (message->payload);
  g_clear_pointer (&message->json, json_node_unref);
  g_free (message);
}

static void
send_all (GSocket    *socket,
          const void *data,
          gsize       length)
{
  gsize sent = 0;

  while (sent < length)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_send (socket, (const char *) data + sent, length - sent, NULL, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          test_pump (1);
          continue;
        }
      /* The hub may close while a big frame is going out. */
      if (n < 0)
        return;
      sent += n;
    }
}

WsPeer *
ws_peer_connect (guint       port,
                 const char *path,
                 const char *extra_headers,
                 int         receive_buffer)
{
  WsPeer *peer = g_new0 (WsPeer, 1);
  g_autofree char *request = NULL;

  peer->socket = test_socket_connect (NULL, port, receive_buffer);
  g_socket_set_blocking (peer->socket, FALSE);

  /* What Chromium sends, permessage-deflate offer included. */
  request = g_strdup_printf ("GET %s HTTP/1.1\r\n"
                             "Host: 127.0.0.1:%u\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\n"
                             "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                             "User-Agent: ws-peer\r\n"
                             "%s\r\n", path, port, extra_headers != NULL ? extra_headers : "");
  send_all (peer->socket, request, strlen (request));

  peer->raw = g_byte_array_new ();
  peer->messages = g_ptr_array_new_with_free_func (ws_message_free);
  peer->reading = TRUE;
  peer->auto_pong = TRUE;
  return peer;
}

void
ws_peer_free (WsPeer *peer)
{
  g_socket_close (peer->socket, NULL);
  g_object_unref (peer->socket);
  g_byte_array_unref (peer->raw);
  g_ptr_array_unref (peer->messages);
  g_free (peer->head);
  g_free (peer->close_reason);
  g_free (peer);
}

void
ws_peer_send_frame (WsPeer     *peer,
                    guint8      opcode,
                    gboolean    fin,
                    const void *payload,
                    gsize       length)
{
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  guint8 header[14] = { (fin ? 0x80 : 0) | opcode };
  const guint8 mask[4] = { 0x37, 0xfa, 0x21, 0x3d };
  gsize header_length;

  if (length < 126)
    {
      header[1] = 0x80 | length;
      header_length = 2;
    }
  else if (length <= 0xffff)
    {
      header[1] = 0x80 | 126;
      header[2] = length >> 8;
      header[3] = length & 0xff;
      header_length = 4;
    }
  else
    {
      header[1] = 0x80 | 127;
      for (int i = 0; i < 8; i++)
        header[2 + i] = ((guint64) length >> (56 - 8 * i)) & 0xff;
      header_length = 10;
    }
  memcpy (header + header_length, mask, 4);
  g_byte_array_append (frame, header, header_length + 4);
  for (gsize i = 0; i < length; i++)
    {
      guint8 byte = ((const guint8 *) payload)[i] ^ mask[i % 4];
      g_byte_array_append (frame, &byte, 1);
    }
  send_all (peer->socket, frame->data, frame->len);
}

void
ws_peer_send_text (WsPeer     *peer,
                   const char *text)
{
  ws_peer_send_frame (peer, 0x1, TRUE, text, strlen (text));
}

/* Server frames: unmasked, whole messages (the hub never fragments). */
static void
parse_frames (WsPeer *peer)
{
  gsize offset = 0;

  if (peer->head == NULL)
    {
      const char *end = g_strstr_len ((const char *) peer->raw->data, peer->raw->len, "\r\n\r\n");

      if (end == NULL)
        return;
      offset = end + 4 - (const char *) peer->raw->data;
      peer->head = g_strndup ((const char *) peer->raw->data, offset);
      peer->status = g_ascii_strtoull (peer->head + strlen ("HTTP/1.1 "), NULL, 10);
    }

  for (;;)
    {
      const guint8 *data = peer->raw->data + offset;
      gsize left = peer->raw->len - offset;
      guint64 length;
      gsize header = 2;
      WsMessage *message;

      if (left < 2)
        break;
      g_assert_cmpuint (data[1] & 0x80, ==, 0);
      length = data[1] & 0x7f;
      if (length == 126)
        {
          if (left < 4)
            break;
          length = (data[2] << 8) | data[3];
          header = 4;
        }
      else if (length == 127)
        {
          if (left < 10)
            break;
          length = 0;
          for (int i = 0; i < 8; i++)
            length = (length << 8) | data[2 + i];
          header = 10;
        }
      if (left < header + length)
        break;

      message = g_new0 (WsMessage, 1);
      message->opcode = data[0] & 0x0f;
      message->payload = g_bytes_new (data + header, length);
      message->wire_bytes = header + length;
      g_assert_true (data[0] & 0x80);
      if (message->opcode == 0x1)
        {
          g_autofree char *text = g_strndup ((const char *) data + header, length);

          message->json = json_from_string (text, NULL);
          g_assert_nonnull (message->json);
        }
      g_ptr_array_add (peer->messages, message);
      offset += header + length;

      if (message->opcode == 0x9 && peer->auto_pong)
        ws_peer_send_frame (peer, 0xA, TRUE, data + header, length);
      if (message->opcode == 0x8 && length >= 2)
        {
          peer->close_code = (data[header] << 8) | data[header + 1];
          peer->close_reason = g_strndup ((const char *) data + header + 2, length - 2);
        }
    }

  g_byte_array_remove_range (peer->raw, 0, offset);
}

gboolean
ws_peer_read (WsPeer *peer)
{
  gboolean was_closed = peer->closed;
  gboolean progress;
  gsize added;

  if (!peer->reading)
    return FALSE;
  added = test_socket_drain (peer->socket, peer->raw, &peer->closed);
  peer->bytes_in += added;
  progress = added > 0 || peer->closed != was_closed;
  if (progress)
    parse_frames (peer);

  return progress;
}

JsonObject *
ws_peer_find_event (WsPeer     *peer,
                    const char *event,
                    guint       nth)
{
  for (guint i = 0; i < peer->messages->len; i++)
    {
      WsMessage *message = g_ptr_array_index (peer->messages, i);
      JsonObject *object;

      if (message->json == NULL)
        continue;
      object = json_node_get_object (message->json);
      if (g_strcmp0 (json_object_get_string_member_with_default (object, "event", ""), event) == 0 &&
          nth-- == 0)
        return object;
    }
  return NULL;
}

guint
ws_peer_count_event (WsPeer     *peer,
                     const char *event)
{
  guint n = 0;

  while (ws_peer_find_event (peer, event, n) != NULL)
    n++;
  return n;
}

guint
ws_peer_count_opcode (WsPeer *peer,
                      guint8  opcode)
{
  guint n = 0;

  for (guint i = 0; i < peer->messages->len; i++)
    n += ((WsMessage *) g_ptr_array_index (peer->messages, i))->opcode == opcode;
  return n;
}

typedef struct
{
  WsPeer     *peer;
  const char *event;
  guint       nth;
} EventWait;

static gboolean
has_event (gpointer data)
{
  EventWait *wait = data;

  ws_peer_read (wait->peer);
  return ws_peer_find_event (wait->peer, wait->event, wait->nth) != NULL;
}

JsonObject *
ws_peer_wait_event (WsPeer     *peer,
                    const char *event,
                    guint       nth,
                    guint       timeout_ms)
{
  EventWait wait = { peer, event, nth };

  test_pump_until (has_event, &wait, timeout_ms);
  return ws_peer_find_event (peer, event, nth);
}

static gboolean
is_closed (gpointer data)
{
  WsPeer *peer = data;

  ws_peer_read (peer);
  return peer->closed;
}

gboolean
ws_peer_wait_closed (WsPeer *peer,
                     guint   timeout_ms)
{
  return test_pump_until (is_closed, peer, timeout_ms);
}
