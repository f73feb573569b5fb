/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The page's files travel compressed when the browser asks for it, each
 * encoding with its own tag. */
#include <string.h>

#include "hub-test.h"

static TestResponse *
get (TestHub    *hub,
     const char *path,
     const char *extra_headers)
{
  g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                                              "Connection: close\r\n%s\r\n",
                                              path, hub->port, extra_headers);

  return test_http_raw (hub->port, request, strlen (request));
}

static gboolean
peer_closed (gpointer data)
{
  return ((TestPeer *) data)->closed;
}

/* The body as bytes: a gzip body holds NULs, which TestResponse would cut. */
static TestPeer *
get_raw (TestHub    *hub,
         const char *path,
         const char *extra_headers)
{
  g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                                              "Connection: close\r\n%s\r\n",
                                              path, hub->port, extra_headers);
  TestPeer *peer = test_peer_connect (hub->port, request);

  g_assert_true (test_pump_until (peer_closed, peer, 5000));
  return peer;
}

static GBytes *
gunzip (const char *data,
        gsize       size)
{
  g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) packed = g_memory_input_stream_new_from_data (data, size, NULL);
  g_autoptr(GInputStream) plain = g_converter_input_stream_new (packed, G_CONVERTER (decompressor));
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

  g_assert_cmpint (g_output_stream_splice (out, plain, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                           NULL, NULL), >, 0);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static void
test_gzip_when_asked (void)
{
  g_autoptr(TestHub) hub = test_hub_new ();
  g_autoptr(TestResponse) plain = get (hub, "/app.js", "");
  g_autoptr(TestResponse) refused = get (hub, "/app.js", "Accept-Encoding: gzip;q=0, identity\r\n");
  g_autoptr(TestResponse) packed = get (hub, "/app.js", "Accept-Encoding: gzip, deflate, br\r\n");
  g_autofree char *plain_encoding = test_response_dup_header (plain, "Content-Encoding");
  g_autofree char *refused_encoding = test_response_dup_header (refused, "Content-Encoding");
  g_autofree char *encoding = test_response_dup_header (packed, "Content-Encoding");
  g_autofree char *vary = test_response_dup_header (packed, "Vary");
  g_autofree char *length = test_response_dup_header (packed, "Content-Length");
  g_autofree char *plain_tag = test_response_dup_header (plain, "ETag");
  g_autofree char *tag = test_response_dup_header (packed, "ETag");
  g_autofree char *if_none_match = g_strdup_printf ("Accept-Encoding: gzip\r\nIf-None-Match: %s\r\n", tag);
  g_autoptr(TestResponse) cached = get (hub, "/app.js", if_none_match);
  g_autoptr(TestPeer) raw = get_raw (hub, "/app.js", "Accept-Encoding: gzip\r\n");
  g_autoptr(GBytes) unpacked = NULL;
  gsize packed_size = g_ascii_strtoull (length, NULL, 10);

  g_assert_cmpuint (plain->status, ==, 200);
  g_assert_null (plain_encoding);
  g_assert_null (refused_encoding);
  g_assert_cmpstr (encoding, ==, "gzip");
  g_assert_cmpstr (vary, ==, "Accept-Encoding");
  g_assert_cmpstr (tag, !=, plain_tag);
  /* Well under half the size, and the same script once unpacked. */
  g_assert_cmpuint (packed_size * 2, <, strlen (plain->body));
  g_assert_cmpuint (raw->body->len, ==, packed_size);
  unpacked = gunzip (raw->body->str, raw->body->len);
  g_assert_cmpmem (g_bytes_get_data (unpacked, NULL), g_bytes_get_size (unpacked),
                   plain->body, strlen (plain->body));
  g_assert_cmpuint (cached->status, ==, 304);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gzip/when-asked", test_gzip_when_asked);

  return g_test_run ();
}
