/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sse-hub-person-list-text.h"

/* json-glib joins an array's elements with a bare comma. */
GString *
sse_hub_person_list_text_new (GPtrArray *persons)
{
  GString *text = g_string_sized_new (2 + persons->len * 32);

  g_string_append_c (text, '[');
  for (guint i = 0; i < persons->len; i++)
    {
      if (i > 0)
        g_string_append_c (text, ',');
      g_string_append (text, sse_hub_person_get_json (g_ptr_array_index (persons, i)));
    }
  g_string_append_c (text, ']');

  return text;
}

void
sse_hub_person_list_text_append (GString      *text,
                                 SseHubPerson *person)
{
  g_return_if_fail (text->len >= 2 && text->str[text->len - 1] == ']');

  g_string_truncate (text, text->len - 1);
  if (text->len > 1)
    g_string_append_c (text, ',');
  g_string_append (text, sse_hub_person_get_json (person));
  g_string_append_c (text, ']');
}
