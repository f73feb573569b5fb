/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "hub-test.h"
#include "proxy-test.h"

void
test_proxy_set_up (TestProxy *fixture,
                   gboolean   trust_local)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = test_make_temp_dir ();
  path = g_build_filename (fixture->dir, "persons.jsonl", NULL);
  fixture->proxy = sse_hub_server_proxy_new (path);
  g_object_set (fixture->proxy, "port", 0, "bind-address", "127.0.0.1", "trust-local", trust_local,
                NULL);
  g_assert_true (sse_hub_server_proxy_load (fixture->proxy, &error));
  g_assert_no_error (error);
  g_assert_true (sse_hub_server_proxy_start (fixture->proxy, &error));
  g_assert_no_error (error);
  /* start() returns with the mirror as the hub was when it answered. */
  g_assert_true (sse_hub_server_proxy_get_running (fixture->proxy));
  fixture->port = sse_hub_server_proxy_get_bound_port (fixture->proxy);
  g_assert_cmpuint (fixture->port, >, 0);
}

void
test_proxy_tear_down (TestProxy *fixture)
{
  if (fixture->proxy != NULL)
    g_assert_finalize_object (fixture->proxy);
  test_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

SseHubPerson *
test_proxy_add (SseHubServerProxy  *proxy,
                const char         *name,
                gint64              age,
                GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sse_hub_server_proxy_add_person_async (proxy, name, age, NULL, test_keep_result, &result);
  return sse_hub_server_proxy_add_person_finish (proxy, test_wait_result (&result), error);
}

GSocketConnection *
test_blocking_connect (guint port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;

  /* No proxy lookup: libproxy's C++ aborts under clang's ASan. */
  g_socket_client_set_timeout (client, 15);
  g_socket_client_set_enable_proxy (client, FALSE);
  return g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
}

static gboolean
send_request (GSocketConnection *connection,
              const char        *request)
{
  return g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                    request, strlen (request), NULL, NULL, NULL);
}

GSocketConnection *
test_blocking_open_stream (guint port)
{
  g_autoptr(GSocketConnection) connection = test_blocking_connect (port);
  g_autofree char *request =
    g_strdup_printf ("GET /connect HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                     "Accept: text/event-stream\r\n\r\n", port);

  if (connection == NULL || !send_request (connection, request))
    return NULL;
  return g_steal_pointer (&connection);
}

gboolean
test_blocking_read_until (GSocketConnection *connection,
                          GString           *received,
                          const char        *needle)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection));

  while (needle == NULL || strstr (received->str, needle) == NULL)
    {
      char buffer[4096];
      gssize n = g_input_stream_read (input, buffer, sizeof buffer, NULL, NULL);

      if (n <= 0)
        return needle == NULL;
      g_string_append_len (received, buffer, n);
    }

  return TRUE;
}

char *
test_add_person_request (guint       port,
                         const char *name)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"age\":30}", name);

  return g_strdup_printf ("POST /addPerson HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                          "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                          "Connection: close\r\n\r\n%s", port, strlen (body), body);
}

guint
test_blocking_post_person (guint       port,
                           const char *name)
{
  g_autoptr(GSocketConnection) connection = test_blocking_connect (port);
  g_autofree char *request = test_add_person_request (port, name);
  g_autoptr(GString) answer = g_string_new (NULL);
  guint status = 0;

  if (connection == NULL || !send_request (connection, request))
    return 0;
  test_blocking_read_until (connection, answer, NULL);
  if (sscanf (answer->str, "HTTP/1.1 %u", &status) != 1)
    return 0;
  return status;
}
