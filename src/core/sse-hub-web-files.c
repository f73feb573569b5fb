/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The audience page's files, compiled in as web resources: each with its
 * type, its tag and its security headers, gzip when the browser takes it,
 * and 304 when the browser's copy is current. */
#include "config.h"

#include <string.h>

#include "sse-hub-gzip.h"
#include "sse-hub-web-files.h"
#include "sse-hub-web-resources.h"

#define WEB_RESOURCE_PREFIX    "/com/example/SseHub/web"
#define WEB_CACHE_CONTROL      "max-age=600"
#define PAGE_SECURITY_POLICY \
  "default-src 'none'; script-src 'self'; worker-src 'self'; style-src 'self'; " \
  "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; " \
  "frame-ancestors 'none'"

static const char *
content_type_for (const char *path)
{
  static const struct { const char *suffix; const char *type; } types[] = {
    { ".html", "text/html; charset=utf-8" },
    { ".js",   "text/javascript; charset=utf-8" },
    { ".css",  "text/css; charset=utf-8" },
    { ".svg",  "image/svg+xml" },
    { ".png",  "image/png" },
    { ".ico",  "image/x-icon" },
    { ".json", "application/json; charset=utf-8" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_has_suffix (path, types[i].suffix))
      return types[i].type;

  return "application/octet-stream";
}

/* The web resources are compiled in and never change while the hub runs,
 * so each one's tag is its digest, computed on first use and kept. */
static const char *
entity_tag_for (const char *resource_path,
                GBytes     *bytes,
                gboolean    gzip)
{
  static GHashTable *tags;
  g_autofree char *key = g_strconcat (resource_path, gzip ? "\ngzip" : NULL, NULL);
  const char *tag;

  if (tags == NULL)
    tags = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  tag = g_hash_table_lookup (tags, key);
  if (tag == NULL)
    {
      g_autofree char *digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
      char *quoted = g_strdup_printf ("\"%.16s%s\"", digest, gzip ? "-gz" : "");

      g_hash_table_insert (tags, g_steal_pointer (&key), quoted);
      tag = quoted;
    }

  return tag;
}

/* If-None-Match holds "*" or a list of tags, each maybe weak ("W/"). */
static gboolean
request_has_current_copy (SoupServerMessage *message,
                          const char        *tag)
{
  const char *header = soup_message_headers_get_list (soup_server_message_get_request_headers (message),
                                                      "If-None-Match");
  g_auto(GStrv) candidates = NULL;

  if (header == NULL)
    return FALSE;

  candidates = g_strsplit (header, ",", -1);
  for (guint i = 0; candidates[i] != NULL; i++)
    {
      const char *candidate = g_strstrip (candidates[i]);

      if (g_str_has_prefix (candidate, "W/"))
        candidate += 2;
      if (g_str_equal (candidate, "*") || g_str_equal (candidate, tag))
        return TRUE;
    }

  return FALSE;
}

gboolean
sse_hub_web_files_serve (SoupServerMessage *message,
                         const char        *path)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  g_autofree char *resource_path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) packed = NULL;
  const char *tag;
  gsize size;
  const char *data;

  if (g_str_equal (path, "/"))
    path = "/index.html";

  /* Resource lookups are exact matches, but refuse dot segments anyway so
   * that no path ever names something outside the web folder. */
  if (strstr (path, "/.") != NULL || strstr (path, "//") != NULL)
    return FALSE;

  resource_path = g_strconcat (WEB_RESOURCE_PREFIX, path, NULL);
  bytes = g_resource_lookup_data (sse_hub_web_get_resource (), resource_path,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL)
    return FALSE;

  /* Each encoding is its own entity, with its own tag. */
  if (sse_hub_gzip_accepted (soup_server_message_get_request_headers (message)))
    packed = sse_hub_gzip_for_resource (resource_path, bytes);
  tag = entity_tag_for (resource_path, bytes, packed != NULL);
  if (packed != NULL)
    {
      g_bytes_unref (bytes);
      bytes = g_steal_pointer (&packed);
      soup_message_headers_replace (headers, "Content-Encoding", "gzip");
    }
  soup_message_headers_replace (headers, "Vary", "Accept-Encoding");
  soup_message_headers_replace (headers, "Content-Security-Policy", PAGE_SECURITY_POLICY);
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  /* Fresh for a while: when six tabs with sharing off hold every
   * connection the browser allows, a new tab that had to ask would stay
   * blank; from the cache it comes up and says why it has no stream.
   * (stale-while-revalidate does not cover the page itself, nor reliably
   * its files.)  A reload still asks, and costs a 304. */
  soup_message_headers_replace (headers, "Cache-Control", WEB_CACHE_CONTROL);
  soup_message_headers_replace (headers, "ETag", tag);

  if (request_has_current_copy (message, tag))
    {
      soup_server_message_set_status (message, SOUP_STATUS_NOT_MODIFIED, NULL);
      return TRUE;
    }

  data = g_bytes_get_data (bytes, &size);
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, content_type_for (path), SOUP_MEMORY_COPY,
                                    data, size);
  return TRUE;
}
