/* SPDX-License-Identifier: GPL-3.0-or-later */
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
      return 400;
    case SSE_HUB_ERROR_WRITES_DISABLED:
      return 403;
    case SSE_HUB_ERROR_NOT_FOUND:
      return 404;
    case SSE_HUB_ERROR_METHOD_NOT_ALLOWED:
      return 405;
    case SSE_HUB_ERROR_LENGTH_REQUIRED:
      return 411;
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
    case SSE_HUB_ERROR_LENGTH_REQUIRED:
      return "body";
    case SSE_HUB_ERROR_UNSUPPORTED_TYPE:
      return "content-type";
    case SSE_HUB_ERROR_BAD_REQUEST:
    case SSE_HUB_ERROR_WRITES_DISABLED:
    case SSE_HUB_ERROR_RATE_LIMITED:
    case SSE_HUB_ERROR_STORE_FULL:
    case SSE_HUB_ERROR_STORAGE:
    case SSE_HUB_ERROR_NOT_FOUND:
    case SSE_HUB_ERROR_METHOD_NOT_ALLOWED:
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

gboolean
sse_hub_validate_name (const char  *name,
                       gssize       length,
                       char       **out_name,
                       GError     **error)
{
  const char *start;
  const char *end;
  const char *p;
  glong n_chars;

  if (name == NULL)
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_NAME,
                           _("Name is required"));
      return FALSE;
    }

  if (length < 0)
    length = strlen (name);

  if (!g_utf8_validate_len (name, length, NULL))
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_NAME,
                           _("Name must be valid UTF-8 text"));
      return FALSE;
    }

  /* Trim Unicode white space on both ends, so "  " counts as empty. */
  start = name;
  end = name + length;
  while (start < end && g_unichar_isspace (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  while (end > start)
    {
      const char *prev = g_utf8_find_prev_char (start, end);

      if (prev == NULL || !g_unichar_isspace (g_utf8_get_char (prev)))
        break;
      end = prev;
    }

  if (start == end)
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_NAME,
                           _("Name is required"));
      return FALSE;
    }

  /* Control characters (NUL, line breaks, escape codes) have no place in a
   * name and would garble the window and terminals. */
  for (p = start; p < end; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        {
          g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_NAME,
                               _("Name must not contain control characters"));
          return FALSE;
        }
    }

  n_chars = g_utf8_strlen (start, end - start);
  if (n_chars > SSE_HUB_NAME_MAX_CHARS)
    {
      g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_NAME,
                   _("Name must be at most %d characters"), SSE_HUB_NAME_MAX_CHARS);
      return FALSE;
    }

  if (out_name != NULL)
    *out_name = g_strndup (start, end - start);

  return TRUE;
}

static void
set_age_error (GError **error)
{
  g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_AGE,
               _("Age must be a whole number from 0 to %d"), SSE_HUB_AGE_MAX);
}

gboolean
sse_hub_validate_age (gint64   age,
                      GError **error)
{
  if (age < 0 || age > SSE_HUB_AGE_MAX)
    {
      set_age_error (error);
      return FALSE;
    }

  return TRUE;
}

gboolean
sse_hub_parse_age_string (const char  *text,
                          gint64      *out_age,
                          GError     **error)
{
  gint64 age = 0;
  const char *p;

  if (text == NULL || *text == '\0')
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_AGE,
                           _("Age is required"));
      return FALSE;
    }

  /* Plain decimal digits only: no sign, no exponent, no fraction, and a
   * bound on the length so the accumulation cannot overflow. */
  for (p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p) || p - text >= 4)
        {
          set_age_error (error);
          return FALSE;
        }
      age = age * 10 + (*p - '0');
    }

  if (!sse_hub_validate_age (age, error))
    return FALSE;

  if (out_age != NULL)
    *out_age = age;

  return TRUE;
}

static void
set_body_error (GError     **error,
                const char  *message)
{
  g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_BODY, message);
}

/* json-glib turns the escape \u0000 into a NUL that silently cuts the
 * string short; refuse such bodies instead of storing a truncated name. */
static gboolean
json_has_nul_escape (const char *body,
                     gsize       length)
{
  gsize i;

  for (i = 0; i + 6 <= length; i++)
    {
      gsize backslashes = 0;

      if (body[i] != '\\')
        continue;

      while (i + backslashes < length && body[i + backslashes] == '\\')
        backslashes++;

      /* An even run is escaped backslashes; only an odd run escapes the
       * character that follows it. */
      if (backslashes % 2 == 1 && i + backslashes + 5 <= length &&
          g_ascii_strncasecmp (body + i + backslashes, "u0000", 5) == 0)
        return TRUE;

      i += backslashes - 1;
    }

  return FALSE;
}

static gboolean
parse_json_person (const char  *body,
                   gsize        length,
                   char       **out_name,
                   gint64      *out_age,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonNode *name_node;
  JsonNode *age_node;
  g_autofree char *name = NULL;
  gint64 age;

  if (!g_utf8_validate_len (body, length, NULL))
    {
      set_body_error (error, _("Body must be valid UTF-8"));
      return FALSE;
    }

  if (json_has_nul_escape (body, length))
    {
      set_body_error (error, _("Body must not contain NUL characters"));
      return FALSE;
    }

  if (!json_parser_load_from_data (parser, body, length, &parse_error))
    {
      set_body_error (error, _("Body is not valid JSON"));
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_body_error (error, _("Body must be a JSON object with name and age"));
      return FALSE;
    }

  object = json_node_get_object (root);

  name_node = json_object_get_member (object, "name");
  if (name_node == NULL || JSON_NODE_HOLDS_NULL (name_node))
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_NAME,
                           _("Name is required"));
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (name_node) || json_node_get_value_type (name_node) != G_TYPE_STRING)
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_NAME,
                           _("Name must be a string"));
      return FALSE;
    }
  if (!sse_hub_validate_name (json_node_get_string (name_node), -1, &name, error))
    return FALSE;

  age_node = json_object_get_member (object, "age");
  if (age_node == NULL || JSON_NODE_HOLDS_NULL (age_node))
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_AGE,
                           _("Age is required"));
      return FALSE;
    }
  /* The original demo's urlencoded form sends the age as text; accept the
   * same digits as a JSON string, but never fractions or other types. */
  if (JSON_NODE_HOLDS_VALUE (age_node) && json_node_get_value_type (age_node) == G_TYPE_STRING)
    {
      if (!sse_hub_parse_age_string (json_node_get_string (age_node), &age, error))
        return FALSE;
    }
  else if (JSON_NODE_HOLDS_VALUE (age_node) && json_node_get_value_type (age_node) == G_TYPE_INT64)
    {
      age = json_node_get_int (age_node);
      if (!sse_hub_validate_age (age, error))
        return FALSE;
    }
  else
    {
      set_age_error (error);
      return FALSE;
    }

  *out_name = g_steal_pointer (&name);
  *out_age = age;
  return TRUE;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Decodes one urlencoded component; NULL on a malformed escape. */
static GString *
form_decode (const char *text,
             gsize       length)
{
  g_autoptr(GString) out = g_string_sized_new (length);
  gsize i;

  for (i = 0; i < length; i++)
    {
      if (text[i] == '+')
        g_string_append_c (out, ' ');
      else if (text[i] == '%')
        {
          int hi, lo;

          if (i + 2 >= length)
            return NULL;
          hi = hex_value (text[i + 1]);
          lo = hex_value (text[i + 2]);
          if (hi < 0 || lo < 0)
            return NULL;
          g_string_append_c (out, (char) (hi << 4 | lo));
          i += 2;
        }
      else
        g_string_append_c (out, text[i]);
    }

  return g_steal_pointer (&out);
}

static gboolean
parse_form_person (const char  *body,
                   gsize        length,
                   char       **out_name,
                   gint64      *out_age,
                   GError     **error)
{
  g_autoptr(GString) name = NULL;
  g_autoptr(GString) age = NULL;
  gsize pos = 0;
  g_autofree char *valid_name = NULL;
  gint64 valid_age;

  while (pos < length)
    {
      const char *pair = body + pos;
      const char *amp = memchr (pair, '&', length - pos);
      gsize pair_len = amp != NULL ? (gsize) (amp - pair) : length - pos;
      const char *eq = memchr (pair, '=', pair_len);
      gsize key_len = eq != NULL ? (gsize) (eq - pair) : pair_len;
      g_autoptr(GString) key = form_decode (pair, key_len);
      g_autoptr(GString) value = NULL;

      pos += pair_len + 1;

      if (eq != NULL)
        value = form_decode (eq + 1, pair_len - key_len - 1);
      else
        value = g_string_new ("");

      if (key == NULL || value == NULL)
        {
          set_body_error (error, _("Body is not valid form data"));
          return FALSE;
        }

      /* The first occurrence wins, as in most form parsers. */
      if (strcmp (key->str, "name") == 0 && key->len == 4 && name == NULL)
        name = g_steal_pointer (&value);
      else if (strcmp (key->str, "age") == 0 && key->len == 3 && age == NULL)
        age = g_steal_pointer (&value);
    }

  if (name == NULL)
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_NAME,
                           _("Name is required"));
      return FALSE;
    }
  /* %00 decodes to a NUL byte inside the value: a C string would silently
   * stop there, so it is refused as a control character. */
  if (memchr (name->str, '\0', name->len) != NULL)
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_NAME,
                           _("Name must not contain control characters"));
      return FALSE;
    }
  if (!sse_hub_validate_name (name->str, name->len, &valid_name, error))
    return FALSE;

  if (age == NULL)
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_AGE,
                           _("Age is required"));
      return FALSE;
    }
  if (memchr (age->str, '\0', age->len) != NULL)
    {
      set_age_error (error);
      return FALSE;
    }
  if (!sse_hub_parse_age_string (age->str, &valid_age, error))
    return FALSE;

  *out_name = g_steal_pointer (&valid_name);
  *out_age = valid_age;
  return TRUE;
}

/* Compares the media type of a Content-Type header, ignoring parameters
 * such as "; charset=utf-8" and letter case. */
static gboolean
media_type_is (const char *content_type,
               const char *media_type)
{
  gsize len = strlen (media_type);
  const char *rest;

  while (*content_type == ' ' || *content_type == '\t')
    content_type++;

  if (g_ascii_strncasecmp (content_type, media_type, len) != 0)
    return FALSE;

  rest = content_type + len;
  while (*rest == ' ' || *rest == '\t')
    rest++;

  return *rest == '\0' || *rest == ';';
}

gboolean
sse_hub_parse_person_body (const char  *content_type,
                           const char  *body,
                           gsize        length,
                           char       **out_name,
                           gint64      *out_age,
                           GError     **error)
{
  g_autofree char *name = NULL;
  gint64 age = 0;
  gboolean ok;

  g_return_val_if_fail (body != NULL || length == 0, FALSE);

  if (content_type == NULL ||
      (!media_type_is (content_type, "application/json") &&
       !media_type_is (content_type, "application/x-www-form-urlencoded")))
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_UNSUPPORTED_TYPE,
                           _("Send the person as application/json or "
                             "application/x-www-form-urlencoded"));
      return FALSE;
    }

  if (length > SSE_HUB_BODY_MAX_BYTES)
    {
      g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_TOO_LARGE,
                   _("Body must be at most %d bytes"), SSE_HUB_BODY_MAX_BYTES);
      return FALSE;
    }

  if (length == 0)
    {
      set_body_error (error, _("Body is empty"));
      return FALSE;
    }

  if (media_type_is (content_type, "application/json"))
    ok = parse_json_person (body, length, &name, &age, error);
  else
    ok = parse_form_person (body, length, &name, &age, error);

  if (!ok)
    return FALSE;

  if (out_name != NULL)
    *out_name = g_steal_pointer (&name);
  if (out_age != NULL)
    *out_age = age;

  return TRUE;
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

GBytes *
sse_hub_format_retry (guint retry_ms)
{
  GString *frame = g_string_new (NULL);

  g_string_printf (frame, "retry: %u\n\n", retry_ms);
  return g_string_free_to_bytes (frame);
}

void
sse_hub_person_json_add_members (JsonBuilder *builder,
                                 const char  *name,
                                 gint64       age)
{
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "age");
  json_builder_add_int_value (builder, age);
}

char *
sse_hub_person_json (const char *name,
                     gint64      age)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  sse_hub_person_json_add_members (builder, name, age);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* EventSource hides the retry field from scripts; hello repeats it so a
 * page can count down to its reconnection. */
char *
sse_hub_hello_json (guint64  client_id,
                    gboolean writes,
                    guint    retry_ms)
{
  return g_strdup_printf ("{\"id\":%" G_GUINT64_FORMAT ",\"writes\":%s,\"retry\":%u}",
                          client_id, writes ? "true" : "false", retry_ms);
}

/* The event repeats the jittered delay: scripts cannot read retry:. */
char *
sse_hub_full_json (guint retry_ms)
{
  return g_strdup_printf ("{\"error\":\"%s\",\"retryMs\":%u}",
                          "The hub is full; trying again later", retry_ms);
}

const char *
sse_hub_config_json (gboolean writes)
{
  return writes ? "{\"writes\":true}" : "{\"writes\":false}";
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
  { "Access-Control-Allow-Headers", "Content-Type, Last-Event-ID" },
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
