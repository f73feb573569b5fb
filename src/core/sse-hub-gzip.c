/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sse-hub-gzip.h"

static GBytes *
compress (GBytes *bytes)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autoptr(GInputStream) plain = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(GInputStream) packed = g_converter_input_stream_new (plain, G_CONVERTER (compressor));
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

  if (g_output_stream_splice (out, packed, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                              G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, NULL) < 0)
    return NULL;

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

GBytes *
sse_hub_gzip_for_resource (const char *resource_path,
                           GBytes     *bytes)
{
  /* path → GBytes, or the table itself for "not worth it" */
  static GHashTable *cache;
  gpointer cached;

  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!g_hash_table_lookup_extended (cache, resource_path, NULL, &cached))
    {
      GBytes *packed = compress (bytes);

      if (packed != NULL && g_bytes_get_size (packed) >= g_bytes_get_size (bytes))
        g_clear_pointer (&packed, g_bytes_unref);
      cached = packed;
      g_hash_table_insert (cache, g_strdup (resource_path), cached);
    }

  return cached != NULL ? g_bytes_ref (cached) : NULL;
}

gboolean
sse_hub_gzip_accepted (SoupMessageHeaders *request_headers)
{
  const char *header = soup_message_headers_get_list (request_headers, "Accept-Encoding");
  g_auto(GStrv) codings = NULL;

  if (header == NULL)
    return FALSE;

  codings = g_strsplit (header, ",", -1);
  for (guint i = 0; codings[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (codings[i], ";", 2);
      const char *name = g_strstrip (parts[0]);
      const char *q = parts[1] != NULL ? strstr (parts[1], "q=") : NULL;

      if (g_ascii_strcasecmp (name, "gzip") != 0 && g_strcmp0 (name, "*") != 0)
        continue;
      return q == NULL || g_ascii_strtod (q + 2, NULL) > 0;
    }

  return FALSE;
}
