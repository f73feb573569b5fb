/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The outbound half of the wire contract — SSE frames, event payloads,
 * the stream head, the CORS headers, a person as JSON — and how each
 * refusal maps to a status and a JSON body.  Names, ages and request
 * bodies are read in sse-hub-wire-parse.c. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "sse-hub-wire.h"

G_DEFINE_QUARK (sse-hub-error-quark, sse_hub_error)

guint
sse_hub_error_http_status (const GError *error)
{
  g_return_val_if_fail (error != NULL, 500);

  if (error->domain != SSE_HUB_ERROR)
    return 500;

  switch ((SseHubError) error->code)
    {
    case SSE_HUB_ERROR_INVALID_NAME:
    case SSE_HUB_ERROR_INVALID_AGE:
    case SSE_HUB_ERROR_INVALID_BODY:
    case SSE_HUB_ERROR_BAD_REQUEST:
    case SSE_HUB_ERROR_INVALID_EVENT_NAME:
    case SSE_HUB_ERROR_INVALID_EVENT_ID:
    case SSE_HUB_ERROR_INVALID_EVENT_DATA:
      return 400;
    case SSE_HUB_ERROR_WRITES_DISABLED:
    case SSE_HUB_ERROR_FOREIGN_HOST:
    case SSE_HUB_ERROR_PRESENTER_ONLY:
    case SSE_HUB_ERROR_BLOCKED:
      return 403;
    case SSE_HUB_ERROR_NOT_FOUND:
      return 404;
    case SSE_HUB_ERROR_METHOD_NOT_ALLOWED:
      return 405;
    case SSE_HUB_ERROR_TOO_LARGE:
      return 413;
    case SSE_HUB_ERROR_UNSUPPORTED_TYPE:
      return 415;
    case SSE_HUB_ERROR_RATE_LIMITED:
      return 429;
    case SSE_HUB_ERROR_STORE_FULL:
      return 507;
    case SSE_HUB_ERROR_STORAGE:
    default:
      return 500;
    }
}

const char *
sse_hub_error_field (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != SSE_HUB_ERROR)
    return NULL;

  switch ((SseHubError) error->code)
    {
    case SSE_HUB_ERROR_INVALID_NAME:
      return "name";
    case SSE_HUB_ERROR_INVALID_AGE:
      return "age";
    case SSE_HUB_ERROR_INVALID_BODY:
    case SSE_HUB_ERROR_TOO_LARGE:
      return "body";
    case SSE_HUB_ERROR_UNSUPPORTED_TYPE:
      return "content-type";
    case SSE_HUB_ERROR_FOREIGN_HOST:
      return "host";
    case SSE_HUB_ERROR_INVALID_EVENT_NAME:
      return "event";
    case SSE_HUB_ERROR_INVALID_EVENT_ID:
      return "id";
    case SSE_HUB_ERROR_INVALID_EVENT_DATA:
      return "data";
    case SSE_HUB_ERROR_BAD_REQUEST:
    case SSE_HUB_ERROR_WRITES_DISABLED:
    case SSE_HUB_ERROR_RATE_LIMITED:
    case SSE_HUB_ERROR_STORE_FULL:
    case SSE_HUB_ERROR_STORAGE:
    case SSE_HUB_ERROR_NOT_FOUND:
    case SSE_HUB_ERROR_METHOD_NOT_ALLOWED:
    case SSE_HUB_ERROR_PRESENTER_ONLY:
    case SSE_HUB_ERROR_BLOCKED:
    default:
      return NULL;
    }
}

char *
sse_hub_error_to_json (const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *field;

  g_return_val_if_fail (error != NULL, NULL);

  field = sse_hub_error_field (error);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, error->message);
  json_builder_set_member_name (builder, "field");
  if (field != NULL)
    json_builder_add_string_value (builder, field);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
append_field_lines (GString    *frame,
                    const char *field,
                    const char *value)
{
  const char *line = value;

  /* CR, LF and CRLF all end a line in SSE, so each becomes its own field
   * line; anything else in a payload would corrupt the stream. */
  for (;;)
    {
      gsize len = strcspn (line, "\r\n");

      g_string_append (frame, field);
      if (len > 0)
        {
          g_string_append_c (frame, ' ');
          g_string_append_len (frame, line, len);
        }
      g_string_append_c (frame, '\n');

      line += len;
      if (*line == '\0')
        break;
      if (line[0] == '\r' && line[1] == '\n')
        line += 2;
      else
        line += 1;
    }
}

/* Field values of "event" and "id" are single-line by definition; a line
 * break in them would inject extra fields, so they are cut at the first. */
static void
append_single_line (GString    *frame,
                    const char *field,
                    const char *value)
{
  g_string_append (frame, field);
  g_string_append_c (frame, ' ');
  g_string_append_len (frame, value, strcspn (value, "\r\n"));
  g_string_append_c (frame, '\n');
}

GBytes *
sse_hub_format_frame (const char *event,
                      const char *id,
                      const char *data)
{
  GString *frame = g_string_sized_new (64 + (data != NULL ? strlen (data) : 0));

  if (event != NULL)
    append_single_line (frame, "event:", event);
  if (id != NULL)
    append_single_line (frame, "id:", id);
  if (data != NULL)
    append_field_lines (frame, "data:", data);
  g_string_append_c (frame, '\n');

  return g_string_free_to_bytes (frame);
}

GBytes *
sse_hub_format_comment (const char *text)
{
  GString *frame = g_string_new (NULL);

  append_field_lines (frame, ":", text != NULL ? text : "");
  g_string_append_c (frame, '\n');

  return g_string_free_to_bytes (frame);
}

/* The comment keeps idle proxies and older readers content; the named
 * event is what a script can see, so a page notices a path that died
 * without a word.  Listeners that do not ask for "heartbeat" never see it. */
GBytes *
sse_hub_format_heartbeat (void)
{
  static const char heartbeat[] =
    ": " SSE_HUB_KEEPALIVE_TEXT "\n\nevent: " SSE_HUB_EVENT_HEARTBEAT "\ndata:\n\n";

  return g_bytes_new_static (heartbeat, sizeof heartbeat - 1);
}

GBytes *
sse_hub_format_retry (guint retry_ms)
{
  GString *frame = g_string_new (NULL);

  g_string_printf (frame, "retry: %u\n\n", retry_ms);
  return g_string_free_to_bytes (frame);
}

static const char * const reserved_event_names[] = {
  SSE_HUB_EVENT_HELLO, SSE_HUB_EVENT_CLIENT, SSE_HUB_EVENT_CONFIG, SSE_HUB_EVENT_FULL,
  SSE_HUB_EVENT_HEARTBEAT, SSE_HUB_KEEPALIVE_TEXT,
  /* the type of unnamed messages: a custom "message" would land in the
   * page's onmessage as if it were the person list */
  "message",
  /* EventSource's own events, which pages listen to for the connection */
  "open", "error",
  NULL,
};

const char * const *
sse_hub_reserved_event_names (void)
{
  return reserved_event_names;
}

static gboolean
has_control_character (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return TRUE;

  return FALSE;
}

static gboolean
validate_event_name (const char  *name,
                     GError     **error)
{
  const char *last;

  if (name == NULL || *name == '\0')
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_EVENT_NAME,
                           _("Give the event a name"));
      return FALSE;
    }
  /* A line break would end the field and start another one. */
  if (!g_utf8_validate (name, -1, NULL) || has_control_character (name))
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_EVENT_NAME,
                           _("An event name is one line of text, without line breaks or tabs"));
      return FALSE;
    }
  /* The browser drops one space after "event:" and keeps the rest, so the
   * name it dispatches would not be the one typed. */
  last = g_utf8_find_prev_char (name, name + strlen (name));
  if (g_unichar_isspace (g_utf8_get_char (name)) || g_unichar_isspace (g_utf8_get_char (last)))
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_EVENT_NAME,
                           _("An event name cannot begin or end with a space"));
      return FALSE;
    }
  if (g_utf8_strlen (name, -1) > SSE_HUB_EVENT_NAME_MAX_CHARS)
    {
      g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_EVENT_NAME,
                   _("An event name must be at most %d characters"),
                   SSE_HUB_EVENT_NAME_MAX_CHARS);
      return FALSE;
    }
  for (const char * const *reserved = reserved_event_names; *reserved != NULL; reserved++)
    if (g_ascii_strcasecmp (name, *reserved) == 0)
      {
        g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_EVENT_NAME,
                     _("“%s” is a name the hub or EventSource uses itself; choose another"),
                     *reserved);
        return FALSE;
      }

  return TRUE;
}

gboolean
sse_hub_validate_custom_event (const char  *name,
                               const char  *id,
                               const char  *data,
                               GError     **error)
{
  if (!validate_event_name (name, error))
    return FALSE;

  /* A NUL makes browsers ignore the id; a line break would add fields. */
  if (id != NULL && (!g_utf8_validate (id, -1, NULL) || has_control_character (id) ||
                     g_utf8_strlen (id, -1) > SSE_HUB_EVENT_ID_MAX_CHARS))
    {
      g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_EVENT_ID,
                   _("An id is one line of at most %d characters, without line breaks or tabs"),
                   SSE_HUB_EVENT_ID_MAX_CHARS);
      return FALSE;
    }

  if (data == NULL || !g_utf8_validate (data, -1, NULL))
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_EVENT_DATA,
                           _("The data must be text"));
      return FALSE;
    }
  if (strlen (data) > SSE_HUB_EVENT_DATA_MAX_BYTES)
    {
      g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_EVENT_DATA,
                   _("The data must be at most %d bytes"), SSE_HUB_EVENT_DATA_MAX_BYTES);
      return FALSE;
    }

  return TRUE;
}

static char *
builder_to_json (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

char *
sse_hub_person_json (const char *name,
                     gint64      age)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "age");
  json_builder_add_int_value (builder, age);
  json_builder_end_object (builder);

  return builder_to_json (builder);
}

static void
add_event_names (JsonBuilder        *builder,
                 const char * const *events)
{
  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  for (; events != NULL && *events != NULL; events++)
    json_builder_add_string_value (builder, *events);
  json_builder_end_array (builder);
}

/* EventSource hides the retry field from scripts; hello repeats it so a
 * page can count down to its reconnection, and says how often a heartbeat
 * comes so the page knows when silence means a dead path.  A page listens
 * only for names it knows, so hello also lists the custom events. */
char *
sse_hub_hello_json (guint64             client_id,
                    gboolean            writes,
                    guint               retry_ms,
                    guint               heartbeat_ms,
                    const char * const *events)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, (gint64) client_id);
  json_builder_set_member_name (builder, "writes");
  json_builder_add_boolean_value (builder, writes);
  json_builder_set_member_name (builder, "retry");
  json_builder_add_int_value (builder, retry_ms);
  json_builder_set_member_name (builder, "heartbeatMs");
  json_builder_add_int_value (builder, heartbeat_ms);
  add_event_names (builder, events);
  json_builder_end_object (builder);

  return builder_to_json (builder);
}

char *
sse_hub_event_sent_json (const char *event,
                         gsize       frame_bytes)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, event);
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, (gint64) frame_bytes);
  json_builder_end_object (builder);

  return builder_to_json (builder);
}

const char *
sse_hub_full_reason_name (SseHubFullReason reason)
{
  return reason == SSE_HUB_FULL_ADDRESS ? "address-full"
         : reason == SSE_HUB_FULL_SHARE ? "fair-share" : "full";
}

/* The event repeats the jittered delay: scripts cannot read retry:. */
char *
sse_hub_full_json (guint            retry_ms,
                   SseHubFullReason reason,
                   guint            limit)
{
  const char *error = reason == SSE_HUB_FULL_ADDRESS
                        ? "This computer has the most streams one computer may open; trying again later"
                        : reason == SSE_HUB_FULL_SHARE
                        ? "The hub is full and a computer with no stream came: this computer holds "
                          "the most, so its newest stream made room; trying again later"
                        : "The hub is full; trying again later";

  return g_strdup_printf ("{\"error\":\"%s\",\"reason\":\"%s\",\"limit\":%u,\"retryMs\":%u}",
                          error, sse_hub_full_reason_name (reason), limit, retry_ms);
}

char *
sse_hub_config_json (gboolean            writes,
                     const char * const *events)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "writes");
  json_builder_add_boolean_value (builder, writes);
  add_event_names (builder, events);
  json_builder_end_object (builder);

  return builder_to_json (builder);
}

char *
sse_hub_client_ids_json (const guint64 *ids,
                         gsize          n_ids)
{
  GString *json = g_string_sized_new (2 + n_ids * 8);

  g_return_val_if_fail (ids != NULL || n_ids == 0, NULL);

  g_string_append_c (json, '[');
  for (gsize i = 0; i < n_ids; i++)
    {
      if (i > 0)
        g_string_append_c (json, ',');
      g_string_append_printf (json, "%" G_GUINT64_FORMAT, ids[i]);
    }
  g_string_append_c (json, ']');

  return g_string_free (json, FALSE);
}

/* Any page may read the stream and post: the hub serves a room, not a
 * site with cookies to protect. */
static const SseHubHeader cors_headers[] = {
  { "Access-Control-Allow-Origin", "*" },
  { NULL, NULL },
};

static const SseHubHeader preflight_headers[] = {
  { "Access-Control-Allow-Methods", "GET, POST, OPTIONS" },
  { "Access-Control-Allow-Headers", "Content-Type, Last-Event-ID, Idempotency-Key" },
  { "Access-Control-Max-Age", "86400" },
  { "Allow", "GET, POST, OPTIONS" },
  { NULL, NULL },
};

const SseHubHeader *
sse_hub_cors_headers (void)
{
  return cors_headers;
}

const SseHubHeader *
sse_hub_preflight_headers (void)
{
  return preflight_headers;
}

static void
append_header (GString    *out,
               const char *name,
               const char *value)
{
  g_string_append (out, name);
  g_string_append (out, ": ");
  g_string_append (out, value);
  g_string_append (out, "\r\n");
}

void
sse_hub_append_stream_head (GString    *out,
                            const char *server)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (server != NULL);

  g_string_append (out, "HTTP/1.1 200 OK\r\n");
  append_header (out, "Server", server);
  append_header (out, "Content-Type", SSE_HUB_STREAM_CONTENT_TYPE);
  append_header (out, "Cache-Control", SSE_HUB_STREAM_CACHE_CONTROL);
  append_header (out, "X-Accel-Buffering", "no");
  for (const SseHubHeader *header = cors_headers; header->name != NULL; header++)
    append_header (out, header->name, header->value);
  append_header (out, "Connection", "close");
  g_string_append (out, "\r\n");
}
