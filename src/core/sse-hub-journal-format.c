/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "sse-hub-durable-file.h"
#include "sse-hub-journal-format.h"
#include "sse-hub-wire.h"

/* The person's text is {"name":…,"age":…}: the op goes in front of its
 * members, as json-glib would have put it. */
char *
sse_hub_journal_add_line (SseHubPerson *person)
{
  const char *json = sse_hub_person_get_json (person);

  g_assert (json[0] == '{');
  return g_strconcat ("{\"op\":\"add\",", json + 1, "\n", NULL);
}

char *
sse_hub_journal_remove_line (guint position)
{
  return g_strdup_printf ("{\"op\":\"remove\",\"index\":%u}\n", position);
}

char *
sse_hub_journal_clear_line (void)
{
  return g_strdup ("{\"op\":\"clear\"}\n");
}

/* Members of a journal line, only when they have the expected type: the
 * json-glib getters would turn a number into NULL or a string into 0. */
static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
int_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return -1;
  return json_node_get_int (node);
}

/* Applies one journal line; FALSE when the line is damaged. */
static gboolean
replay_line (GPtrArray  *persons,
             const char *line,
             gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  const char *op;

  if (!json_parser_load_from_data (parser, line, length, NULL))
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;

  object = json_node_get_object (json_parser_get_root (parser));
  op = string_member (object, "op");

  if (g_strcmp0 (op, "add") == 0)
    {
      const char *name = string_member (object, "name");
      gint64 age = int_member (object, "age");
      g_autofree char *valid_name = NULL;

      /* The file is outside our control: it gets the same validation as a
       * request, so a hand-edited file cannot smuggle in a bad person. */
      if (!sse_hub_validate_name (name, -1, &valid_name, NULL) ||
          !sse_hub_validate_age (age, NULL))
        return FALSE;

      g_ptr_array_add (persons, sse_hub_person_new (valid_name, age));
      return TRUE;
    }
  else if (g_strcmp0 (op, "remove") == 0)
    {
      gint64 index = int_member (object, "index");

      if (index < 0 || index >= persons->len)
        return FALSE;

      g_ptr_array_remove_index (persons, index);
      return TRUE;
    }
  else if (g_strcmp0 (op, "clear") == 0)
    {
      g_ptr_array_set_size (persons, 0);
      return TRUE;
    }

  return FALSE;
}

guint
sse_hub_journal_replay (GPtrArray  *persons,
                        const char *contents,
                        gsize       length)
{
  gsize pos = 0;
  guint damaged = 0;

  while (pos < length)
    {
      const char *line = contents + pos;
      const char *newline = memchr (line, '\n', length - pos);
      gsize line_len = newline != NULL ? (gsize) (newline - line) : length - pos;

      pos += line_len + 1;

      /* A last line with no newline is a write cut short by a crash: it
       * was never acknowledged, but the file is still damaged. */
      if (newline == NULL || !replay_line (persons, line, line_len))
        damaged++;
    }

  return damaged;
}

gboolean
sse_hub_journal_read (const char  *path,
                      GPtrArray   *persons,
                      GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) read_error = NULL;
  gsize length = 0;
  guint damaged;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_STORAGE,
                   _("Could not create %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  if (!g_file_get_contents (path, &contents, &length, &read_error) &&
      !g_error_matches (read_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_STORAGE,
                   _("Could not read %s: %s"), path, read_error->message);
      return FALSE;
    }

  damaged = sse_hub_journal_replay (persons, contents, length);
  if (damaged > 0)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
      g_autofree char *aside = g_strdup_printf ("%s.damaged-%s", path, stamp);

      if (g_rename (path, aside) == 0)
        g_message ("%s had %u damaged line(s); kept %u person(s) and moved the file to %s",
                   path, damaged, persons->len, aside);
      else
        g_message ("%s had %u damaged line(s); kept %u person(s)",
                   path, damaged, persons->len);
    }

  return TRUE;
}

/* Writes the whole list as a fresh journal next to the old one, syncs it and
 * renames it into place, so a crash at any moment leaves one complete file. */
gboolean
sse_hub_journal_write_compact (const char  *path,
                               GPtrArray   *persons,
                               GError     **error)
{
  g_autofree char *tmp_path = g_strconcat (path, ".tmp", NULL);
  g_autoptr(GString) contents = g_string_new (NULL);
  int fd;
  gboolean ok;

  for (guint i = 0; i < persons->len; i++)
    {
      g_autofree char *line = sse_hub_journal_add_line (g_ptr_array_index (persons, i));

      g_string_append (contents, line);
    }

  fd = open (tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, SSE_HUB_ERROR,
                   saved_errno == ENOSPC || saved_errno == EDQUOT
                   ? SSE_HUB_ERROR_NO_SPACE : SSE_HUB_ERROR_STORAGE,
                   _("Could not open %s: %s"), tmp_path, g_strerror (saved_errno));
      return FALSE;
    }

  ok = sse_hub_write_all (fd, contents->str, contents->len, error) && sse_hub_sync_fd (fd, error);
  g_close (fd, NULL);

  if (ok && g_rename (tmp_path, path) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_STORAGE,
                   _("Could not save the person list: %s"), g_strerror (saved_errno));
      ok = FALSE;
    }

  if (!ok)
    {
      g_unlink (tmp_path);
      return FALSE;
    }

  return sse_hub_sync_directory (path, error);
}
