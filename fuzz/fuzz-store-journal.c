/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Loading a journal file: whatever is on disk, loading never fails on the
 * content, never crashes, and keeps only valid persons. */
#include <glib/gstdio.h>
#include <string.h>

#include "sse-hub-person-store.h"
#include "sse-hub-wire.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static char *
temp_dir (void)
{
  static char *dir;

  if (dir == NULL)
    dir = g_dir_make_tmp ("sse-hub-fuzz-XXXXXX", NULL);
  g_assert_nonnull (dir);
  return dir;
}

static void
remove_files (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
}

static void
ignore_message (const char     *domain,
                GLogLevelFlags  level,
                const char     *message,
                gpointer        user_data)
{
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "persons.jsonl", NULL);
  g_autoptr(SseHubPersonStore) store = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  /* Loading a damaged file says so with g_message: not fuzzing news. */
  g_log_set_handler (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, ignore_message, NULL);
  remove_files (dir);
  g_assert_true (g_file_set_contents (path, (const char *) data, size, NULL));

  store = sse_hub_person_store_new (path);
  sse_hub_person_store_set_max_persons (store, G_MAXUINT);
  g_assert_true (sse_hub_person_store_load (store, &error));
  g_assert_no_error (error);

  n = g_list_model_get_n_items (G_LIST_MODEL (store));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SseHubPerson) person = g_list_model_get_item (G_LIST_MODEL (store), i);
      g_autofree char *valid = NULL;

      g_assert_true (sse_hub_validate_name (sse_hub_person_get_name (person), -1, &valid, NULL));
      g_assert_cmpstr (valid, ==, sse_hub_person_get_name (person));
      g_assert_true (sse_hub_validate_age (sse_hub_person_get_age (person), NULL));
    }

  remove_files (dir);
  return 0;
}
