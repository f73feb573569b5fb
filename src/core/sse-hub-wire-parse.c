/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The inbound half of the wire contract: what a person's name and age may
 * be, and how a POST /addPerson body (JSON or urlencoded) is read.  The
 * outbound half and the error mapping are in sse-hub-wire.c. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "sse-hub-wire.h"

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

/* The body's JSON object, owned by parser; shape_message says which
 * members it should have. */
static JsonObject *
load_json_object (JsonParser  *parser,
                  const char  *body,
                  gsize        length,
                  const char  *shape_message,
                  GError     **error)
{
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root;

  if (!g_utf8_validate_len (body, length, NULL))
    {
      set_body_error (error, _("Body must be valid UTF-8"));
      return NULL;
    }

  if (json_has_nul_escape (body, length))
    {
      set_body_error (error, _("Body must not contain NUL characters"));
      return NULL;
    }

  if (!json_parser_load_from_data (parser, body, length, &parse_error))
    {
      set_body_error (error, _("Body is not valid JSON"));
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_body_error (error, shape_message);
      return NULL;
    }

  return json_node_get_object (root);
}

static gboolean
parse_json_person (const char  *body,
                   gsize        length,
                   char       **out_name,
                   gint64      *out_age,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonNode *name_node;
  JsonNode *age_node;
  g_autofree char *name = NULL;
  gint64 age;

  object = load_json_object (parser, body, length,
                             _("Body must be a JSON object with name and age"), error);
  if (object == NULL)
    return FALSE;

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

/* A member that must be a string, or absent when optional: *out NULL. */
static gboolean
get_string_member (JsonObject  *object,
                   const char  *member,
                   gboolean     optional,
                   SseHubError  code,
                   char       **out,
                   GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if ((node == NULL || JSON_NODE_HOLDS_NULL (node)) && optional)
    return TRUE;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, SSE_HUB_ERROR, code, _("“%s” must be a string"), member);
      return FALSE;
    }

  *out = json_node_dup_string (node);
  return TRUE;
}

gboolean
sse_hub_parse_event_body (const char  *content_type,
                          const char  *body,
                          gsize        length,
                          char       **out_event,
                          char       **out_id,
                          char       **out_data,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *event = NULL;
  g_autofree char *id = NULL;
  g_autofree char *data = NULL;
  JsonObject *object;

  g_return_val_if_fail (body != NULL || length == 0, FALSE);

  if (content_type == NULL || !media_type_is (content_type, "application/json"))
    {
      g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_UNSUPPORTED_TYPE,
                           _("Send the event as application/json"));
      return FALSE;
    }

  object = load_json_object (parser, body, length,
                             _("Body must be a JSON object with event, data and an optional id"),
                             error);
  if (object == NULL ||
      !get_string_member (object, "event", FALSE, SSE_HUB_ERROR_INVALID_EVENT_NAME, &event, error) ||
      !get_string_member (object, "id", TRUE, SSE_HUB_ERROR_INVALID_EVENT_ID, &id, error) ||
      !get_string_member (object, "data", FALSE, SSE_HUB_ERROR_INVALID_EVENT_DATA, &data, error))
    return FALSE;

  *out_event = g_steal_pointer (&event);
  /* An empty id would reset the browsers' Last-Event-ID: none was meant. */
  *out_id = id != NULL && *id != '\0' ? g_steal_pointer (&id) : NULL;
  *out_data = g_steal_pointer (&data);
  return TRUE;
}
