/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "sse-hub-websocket.h"
#include "sse-hub-wire.h"

#define HANDSHAKE_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

/* ------------------------------------------------------------------------ */
/* Client frames                                                            */

static SseHubWsParseResult
refuse_frame (SseHubWsFrame *out,
              guint16        code,
              const char    *reason)
{
  out->close_code = code;
  out->reason = reason;
  return SSE_HUB_WS_PARSE_ERROR;
}

SseHubWsParseResult
sse_hub_ws_parse_frame (guint8        *buffer,
                        gsize          length,
                        gsize          max_payload,
                        SseHubWsFrame *out)
{
  guint64 payload_length;
  gsize header = 2;
  guint8 opcode;
  const guint8 *mask;

  memset (out, 0, sizeof *out);
  if (length < 2)
    return SSE_HUB_WS_PARSE_NEED_MORE;

  opcode = buffer[0] & 0x0f;
  out->fin = (buffer[0] & 0x80) != 0;
  out->opcode = opcode;
  if ((buffer[0] & 0x70) != 0)
    return refuse_frame (out, SSE_HUB_WS_CLOSE_PROTOCOL, "reserved bits set without an extension");
  if (opcode > SSE_HUB_WS_OP_BINARY &&
      opcode != SSE_HUB_WS_OP_CLOSE && opcode != SSE_HUB_WS_OP_PING && opcode != SSE_HUB_WS_OP_PONG)
    return refuse_frame (out, SSE_HUB_WS_CLOSE_PROTOCOL, "unknown opcode");
  if ((buffer[1] & 0x80) == 0)
    return refuse_frame (out, SSE_HUB_WS_CLOSE_PROTOCOL, "client frames must be masked");

  payload_length = buffer[1] & 0x7f;
  if (payload_length == 126)
    {
      if (length < 4)
        return SSE_HUB_WS_PARSE_NEED_MORE;
      payload_length = ((guint64) buffer[2] << 8) | buffer[3];
      header = 4;
    }
  else if (payload_length == 127)
    {
      if (length < 10)
        return SSE_HUB_WS_PARSE_NEED_MORE;
      payload_length = 0;
      for (guint i = 0; i < 8; i++)
        payload_length = (payload_length << 8) | buffer[2 + i];
      header = 10;
    }

  if ((opcode & 0x08) != 0 && (!out->fin || payload_length > 125))
    return refuse_frame (out, SSE_HUB_WS_CLOSE_PROTOCOL, "control frames must be whole and short");
  /* Known from the header: the payload is never waited for. */
  if (payload_length > max_payload)
    return refuse_frame (out, SSE_HUB_WS_CLOSE_TOO_BIG, "message too big");

  header += 4;
  if (length < header || length - header < payload_length)
    return SSE_HUB_WS_PARSE_NEED_MORE;

  mask = buffer + header - 4;
  for (gsize i = 0; i < payload_length; i++)
    buffer[header + i] ^= mask[i % 4];

  out->payload = buffer + header;
  out->length = payload_length;
  out->consumed = header + payload_length;
  return SSE_HUB_WS_PARSE_FRAME;
}

/* ------------------------------------------------------------------------ */
/* Server frames                                                            */

gsize
sse_hub_ws_header_size (gsize length)
{
  return length < 126 ? 2 : length <= G_MAXUINT16 ? 4 : 10;
}

static void
append_header (GByteArray     *out,
               SseHubWsOpcode  opcode,
               gsize           length)
{
  guint8 header[10] = { 0x80 | opcode };
  gsize size = sse_hub_ws_header_size (length);

  if (size == 2)
    header[1] = length;
  else if (size == 4)
    {
      header[1] = 126;
      header[2] = length >> 8;
      header[3] = length & 0xff;
    }
  else
    {
      header[1] = 127;
      for (guint i = 0; i < 8; i++)
        header[2 + i] = ((guint64) length >> (8 * (7 - i))) & 0xff;
    }
  g_byte_array_append (out, header, size);
}

GBytes *
sse_hub_ws_format_frame (SseHubWsOpcode  opcode,
                         const void     *payload,
                         gsize           length)
{
  GByteArray *out = g_byte_array_sized_new (length + 10);

  append_header (out, opcode, length);
  g_byte_array_append (out, payload, length);
  return g_byte_array_free_to_bytes (out);
}

GBytes *
sse_hub_ws_format_close (guint16     code,
                         const char *reason)
{
  guint8 payload[125] = { code >> 8, code & 0xff };
  gsize length = MIN (strlen (reason), sizeof payload - 2);

  memcpy (payload + 2, reason, length);
  return sse_hub_ws_format_frame (SSE_HUB_WS_OP_CLOSE, payload, 2 + length);
}

/* ------------------------------------------------------------------------ */
/* From SSE                                                                 */

static gboolean
is_hub_event (const char *name)
{
  static const char * const json_events[] = {
    "message", SSE_HUB_EVENT_HELLO, SSE_HUB_EVENT_CLIENT, SSE_HUB_EVENT_CONFIG,
    SSE_HUB_EVENT_FULL, NULL,
  };

  return g_strv_contains (json_events, name);
}

/* JSON's own escaping, which g_strescape() is not. */
static void
append_json_string (GString    *out,
                    const char *text)
{
  g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), text);
  g_autofree char *json = json_to_string (node, FALSE);

  g_string_append (out, json);
}

static void
append_message (GByteArray *out,
                const char *event,
                const char *id,
                GString    *data)
{
  g_autoptr(GString) json = g_string_sized_new (data->len + 64);
  const char *name = event != NULL ? event : "message";

  g_string_append (json, "{\"event\":");
  append_json_string (json, name);
  if (id != NULL)
    {
      g_string_append (json, ",\"id\":");
      append_json_string (json, id);
    }
  g_string_append (json, ",\"data\":");
  if (is_hub_event (name) && data->len > 0)
    g_string_append_len (json, data->str, data->len);
  else
    append_json_string (json, data->str);
  g_string_append_c (json, '}');

  append_header (out, SSE_HUB_WS_OP_TEXT, json->len);
  g_byte_array_append (out, (const guint8 *) json->str, json->len);
}

/* Reads back what sse_hub_format_frame() and its siblings wrote: lines
 * ending in LF, "field: value", a blank line ending each event. */
GBytes *
sse_hub_ws_from_sse (GBytes *sse)
{
  gsize size;
  const char *text = g_bytes_get_data (sse, &size);
  const char *end = text + size;
  GByteArray *out = g_byte_array_sized_new (size + 64);
  g_autoptr(GString) data = g_string_new (NULL);
  g_autofree char *event = NULL;
  g_autofree char *id = NULL;
  gboolean has_data = FALSE;

  while (text < end)
    {
      const char *eol = memchr (text, '\n', end - text);
      gsize line = (eol != NULL ? eol : end) - text;

      if (line == 0)
        {
          if (has_data || event != NULL)
            append_message (out, event, id, data);
          g_clear_pointer (&event, g_free);
          g_clear_pointer (&id, g_free);
          g_string_truncate (data, 0);
          has_data = FALSE;
        }
      else if (text[0] == ':')
        {
          /* The keep-alive comment; the hub writes no other. */
          append_header (out, SSE_HUB_WS_OP_PING, 0);
        }
      else if (line >= 6 && strncmp (text, "event:", 6) == 0)
        event = g_strstrip (g_strndup (text + 6, line - 6));
      else if (line >= 3 && strncmp (text, "id:", 3) == 0)
        id = g_strndup (text + 3 + (line > 3 && text[3] == ' '), line - 3 - (line > 3 && text[3] == ' '));
      else if (line >= 5 && strncmp (text, "data:", 5) == 0)
        {
          gsize skip = 5 + (line > 5 && text[5] == ' ');

          if (has_data)
            g_string_append_c (data, '\n');
          g_string_append_len (data, text + skip, line - skip);
          has_data = TRUE;
        }

      text += line + 1;
    }

  return g_byte_array_free_to_bytes (out);
}

char *
sse_hub_ws_describe (GBytes *frames)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (frames, &size);
  GString *out = g_string_new (NULL);
  gsize offset = 0;

  /* Reads only what sse_hub_ws_format_frame() and append_header() wrote. */
  while (offset + 2 <= size)
    {
      guint64 length = data[offset + 1] & 0x7f;
      gsize header = 2;

      if (length == 126)
        {
          length = (data[offset + 2] << 8) | data[offset + 3];
          header = 4;
        }
      else if (length == 127)
        {
          length = 0;
          for (guint i = 0; i < 8; i++)
            length = (length << 8) | data[offset + 2 + i];
          header = 10;
        }
      if (out->len > 0)
        g_string_append_c (out, '\n');
      if ((data[offset] & 0x0f) == SSE_HUB_WS_OP_PING)
        g_string_append (out, "(ping)");
      else
        g_string_append_len (out, (const char *) data + offset + header, length);
      offset += header + length;
    }

  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------ */
/* Handshake and client messages                                            */

char *
sse_hub_ws_accept_key (const char *key)
{
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize digest_length = sizeof digest;

  g_checksum_update (sha1, (const guchar *) key, strlen (key));
  g_checksum_update (sha1, (const guchar *) HANDSHAKE_GUID, strlen (HANDSHAKE_GUID));
  g_checksum_get_digest (sha1, digest, &digest_length);
  return g_base64_encode (digest, digest_length);
}

gboolean
sse_hub_ws_parse_client_message (const char  *text,
                                 gsize        length,
                                 char       **out_name,
                                 gint64      *out_age,
                                 char       **out_id,
                                 GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *data = NULL;
  JsonObject *object;
  JsonNode *member;
  const char *event;

  if (!json_parser_load_from_data (parser, text, length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_BODY,
                           _("A socket message must be a JSON object"));
      return FALSE;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  member = json_object_get_member (object, "id");
  if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
      json_node_get_value_type (member) == G_TYPE_STRING && out_id != NULL)
    *out_id = g_strdup (json_node_get_string (member));

  member = json_object_get_member (object, "event");
  event = member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
          json_node_get_value_type (member) == G_TYPE_STRING ? json_node_get_string (member) : NULL;
  if (g_strcmp0 (event, "addPerson") != 0)
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_BODY,
                           _("The only event a socket may send is “addPerson”"));
      return FALSE;
    }

  member = json_object_get_member (object, "data");
  if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member))
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_BODY,
                           _("“addPerson” needs data: {\"name\": …, \"age\": …}"));
      return FALSE;
    }

  /* The person's own rules and words, exactly as a POST body's. */
  data = json_to_string (member, FALSE);
  return sse_hub_parse_person_body ("application/json", data, strlen (data),
                                    out_name, out_age, error);
}

GBytes *
sse_hub_ws_format_reply (const char *id,
                         guint       status,
                         const char *json)
{
  g_autoptr(GString) text = g_string_new ("{\"event\":\"reply\"");

  if (id != NULL)
    {
      g_string_append (text, ",\"id\":");
      append_json_string (text, id);
    }
  g_string_append_printf (text, ",\"status\":%u,\"data\":%s}", status, json);
  return sse_hub_ws_format_frame (SSE_HUB_WS_OP_TEXT, text->str, text->len);
}
