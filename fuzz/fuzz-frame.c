/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Frame formatting.  The input is split at the first two NUL bytes into
 * event, id and data; the frame is then read back as an EventSource would
 * and must give back exactly what went in. */
#include <string.h>

#include "sse-hub-wire.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* data with CR LF, lone CR and LF all read as one line break */
static char *
normalise_breaks (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\r')
        {
          g_string_append_c (out, '\n');
          if (p[1] == '\n')
            p++;
        }
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

/* The next NUL-terminated part of the input (or the rest of it). */
static char *
take_part (const guint8 **cursor,
           const guint8  *end)
{
  const guint8 *nul = memchr (*cursor, 0, end - *cursor);
  const guint8 *stop = nul != NULL ? nul : end;
  char *part = g_strndup ((const char *) *cursor, stop - *cursor);

  *cursor = nul != NULL ? nul + 1 : end;
  return part;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const guint8 *cursor = data;
  g_autofree char *event = take_part (&cursor, data + size);
  g_autofree char *id = take_part (&cursor, data + size);
  g_autofree char *payload = take_part (&cursor, data + size);
  g_autoptr(GBytes) frame = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected_data = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) read_data = NULL;
  const char *read_event = NULL;
  const char *read_id = NULL;
  guint n_lines;

  /* Empty event or id are legal strings but mean "absent" here. */
  frame = sse_hub_format_frame (*event ? event : NULL, *id ? id : NULL, payload);
  text = g_strndup (g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
  g_assert_cmpuint (strlen (text), ==, g_bytes_get_size (frame));
  g_assert_true (g_str_has_suffix (text, "\n\n"));
  g_assert_null (strchr (text, '\r'));

  /* Exactly one blank line: at the end. */
  g_assert_true (strstr (text, "\n\n") == text + strlen (text) - 2);

  lines = g_strsplit (text, "\n", -1);
  n_lines = g_strv_length (lines);
  for (guint i = 0; i + 2 < n_lines; i++)
    {
      const char *line = lines[i];

      if (g_str_has_prefix (line, "event: "))
        {
          g_assert_null (read_event);
          read_event = line + 7;
        }
      else if (g_str_has_prefix (line, "id: "))
        {
          g_assert_null (read_id);
          read_id = line + 4;
        }
      else if (g_str_has_prefix (line, "data:"))
        {
          const char *value = line[5] == ' ' ? line + 6 : line + 5;

          if (read_data == NULL)
            read_data = g_string_new (value);
          else
            g_string_append_printf (read_data, "\n%s", value);
        }
      else
        g_assert_not_reached ();
    }

  /* event and id are cut at their first line break, never split. */
  if (*event)
    g_assert_true (read_event != NULL && strlen (read_event) == strcspn (event, "\r\n") &&
                   strncmp (read_event, event, strlen (read_event)) == 0);
  if (*id)
    g_assert_true (read_id != NULL && strlen (read_id) == strcspn (id, "\r\n") &&
                   strncmp (read_id, id, strlen (read_id)) == 0);

  expected_data = normalise_breaks (payload);
  g_assert_nonnull (read_data);
  g_assert_cmpstr (read_data->str, ==, expected_data);

  return 0;
}
