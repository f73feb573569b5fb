/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Request-body parsing and validation.  The first byte picks the content
 * type; the rest is the body.  Whatever is accepted must meet every rule
 * the hub promises, and must survive the trip through the wire JSON. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "sse-hub-wire.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static const char *content_types[] = {
  "application/json",
  "application/x-www-form-urlencoded",
  "application/json; charset=utf-8",
  "APPLICATION/X-WWW-FORM-URLENCODED ; charset=latin1",
  "text/plain",
  NULL,
};

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *content_type;
  const char *p;
  gint64 age = -1;
  JsonObject *object;

  if (size == 0)
    return 0;

  content_type = content_types[data[0] % G_N_ELEMENTS (content_types)];
  if (!sse_hub_parse_person_body (content_type, (const char *) data + 1, size - 1,
                                  &name, &age, &error))
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == SSE_HUB_ERROR);
      g_assert_cmpuint (sse_hub_error_http_status (error), >=, 400);
      return 0;
    }

  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (name, -1, NULL));
  g_assert_cmpint (g_utf8_strlen (name, -1), >=, 1);
  g_assert_cmpint (g_utf8_strlen (name, -1), <=, SSE_HUB_NAME_MAX_CHARS);
  g_assert_false (g_unichar_isspace (g_utf8_get_char (name)));
  g_assert_false (g_unichar_isspace (g_utf8_get_char (g_utf8_find_prev_char (name, name + strlen (name)))));
  for (p = name; *p != '\0'; p = g_utf8_next_char (p))
    g_assert_false (g_unichar_iscntrl (g_utf8_get_char (p)));
  g_assert_cmpint (age, >=, 0);
  g_assert_cmpint (age, <=, SSE_HUB_AGE_MAX);

  json = sse_hub_person_json (name, age);
  node = json_from_string (json, &error);
  g_assert_no_error (error);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, name);
  g_assert_cmpint (json_object_get_int_member (object, "age"), ==, age);

  return 0;
}
