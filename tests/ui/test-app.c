/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

/* The real sse-hub binary with its window: starts serving on the configured
 * port, and SIGTERM ends it with status 0 and the list on disk. */

typedef struct
{
  char *dir;
  char *data_file;
  guint port;
} AppFixture;

static GSocket *
listen_on_loopback (guint port)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GError) error = NULL;
  GSocket *socket;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);

  return socket;
}

static guint
pick_free_port (void)
{
  g_autoptr(GSocket) socket = listen_on_loopback (0);
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (socket, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
}

/* The port comes from GSettings, so use a key file the test can write;
 * extra_keys are more "key=value\n" lines. */
static void
write_settings (AppFixture *fixture,
                const char *extra_keys)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *settings_dir = NULL;
  g_autofree char *keyfile = NULL;
  g_autofree char *contents = NULL;

  settings_dir = g_build_filename (fixture->dir, "config", "glib-2.0", "settings", NULL);
  g_assert_cmpint (g_mkdir_with_parents (settings_dir, 0700), ==, 0);
  keyfile = g_build_filename (settings_dir, "keyfile", NULL);
  contents = g_strdup_printf ("[com/example/SseHub]\nport=%u\nlisten-on-network=false\n%s",
                              fixture->port, extra_keys);
  g_file_set_contents (keyfile, contents, -1, &error);
  g_assert_no_error (error);
}

static void
app_fixture_set_up (AppFixture    *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("sse-hub-app-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->port = pick_free_port ();
  write_settings (fixture, "");

  fixture->data_file = g_build_filename (fixture->dir, "data", "sse-hub", "persons.jsonl", NULL);
}

static int
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }

  return g_rmdir (path);
}

static void
app_fixture_tear_down (AppFixture    *fixture,
                       gconstpointer  user_data)
{
  g_assert_cmpint (remove_tree (fixture->dir), ==, 0);
  g_free (fixture->data_file);
  g_free (fixture->dir);
}

/* ARGS: NULL-terminated, after the binary; FLAGS pipe its output if asked. */
static GSubprocess *
spawn_app_with (AppFixture          *fixture,
                GSubprocessFlags     flags,
                const char * const  *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_auto(GStrv) argv_strv = NULL;
  g_autofree char *config = g_build_filename (fixture->dir, "config", NULL);
  g_autofree char *data = g_build_filename (fixture->dir, "data", NULL);
  g_autoptr(GError) error = NULL;
  GSubprocess *app;

  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  /* No session bus: the app must not hand over to an instance elsewhere. */
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent",
                                TRUE);

  g_strv_builder_add (argv, g_getenv ("SSE_HUB_BINARY"));
  g_strv_builder_addv (argv, (const char **) args);
  argv_strv = g_strv_builder_end (argv);
  app = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv_strv, &error);
  g_assert_no_error (error);
  return app;
}

static GSubprocess *
spawn_app (AppFixture *fixture)
{
  static const char * const no_args[] = { NULL };

  return spawn_app_with (fixture, G_SUBPROCESS_FLAGS_NONE, no_args);
}

/* One HTTP/1.1 exchange on a fresh connection; NULL while nothing listens. */
static char *
http_exchange (guint       port,
               const char *request)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  GString *response = g_string_new (NULL);
  char buffer[4096];
  gssize n;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  if (connection == NULL)
    return g_string_free (response, TRUE);

  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);

  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                   buffer, sizeof buffer, NULL, &error)) > 0)
    g_string_append_len (response, buffer, n);
  g_assert_no_error (error);

  return g_string_free (response, FALSE);
}

static char *
wait_for_page (guint port)
{
  g_autofree char *request = g_strdup_printf ("GET / HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                                              "Connection: close\r\n\r\n", port);

  for (guint attempt = 0; attempt < 150; attempt++)
    {
      char *response = http_exchange (port, request);

      if (response != NULL)
        return response;
      g_usleep (100 * 1000);
    }

  return NULL;
}

static void
terminate (GSubprocess *app)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (app, SIGTERM);
  g_subprocess_wait (app, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (app));
  g_assert_cmpint (g_subprocess_get_exit_status (app), ==, 0);
}

static void
test_serves_and_terminates (AppFixture    *fixture,
                            gconstpointer  user_data)
{
  static const char body[] = "{\"name\":\"Ada <b>Lovelace</b>\",\"age\":36}";
  g_autoptr(GSubprocess) app = spawn_app (fixture);
  g_autofree char *page = wait_for_page (fixture->port);
  g_autofree char *request = NULL;
  g_autofree char *response = NULL;
  g_autofree char *stored = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (page);
  g_assert_true (g_str_has_prefix (page, "HTTP/1.1 200"));

  request = g_strdup_printf ("POST /addPerson HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                             "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                             "Connection: close\r\n\r\n%s",
                             fixture->port, strlen (body), body);
  response = http_exchange (fixture->port, request);
  g_assert_nonnull (response);
  g_assert_true (g_str_has_prefix (response, "HTTP/1.1 200"));

  terminate (app);

  g_file_get_contents (fixture->data_file, &stored, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (stored, "Ada <b>Lovelace</b>"));
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_port_in_use (AppFixture    *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GSocket) taken = listen_on_loopback (fixture->port);
  g_autoptr(GSubprocess) app = NULL;
  gboolean exited = FALSE;
  gboolean waited = FALSE;

  /* The port is held by another listener while the app starts. */
  g_assert_nonnull (taken);
  app = spawn_app (fixture);

  /* The window shows the problem and waits for the presenter; the process
   * neither crashes nor exits on its own. */
  g_subprocess_wait_async (app, NULL, on_exited, &exited);
  g_timeout_add_seconds (3, set_flag_cb, &waited);
  while (!waited && !exited)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (exited);

  g_subprocess_send_signal (app, SIGTERM);
  while (!exited)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_get_if_exited (app));
  g_assert_cmpint (g_subprocess_get_exit_status (app), ==, 0);
}

/* Options the window would ignore are refused with a line that says why,
 * before any window opens or any port is taken. */
static void
test_headless_options_refused (AppFixture    *fixture,
                               gconstpointer  user_data)
{
  g_autofree char *port = g_strdup_printf ("%u", fixture->port);
  const char * const with_value[] = { "--port", port, NULL };
  const char * const flag[] = { "--read-only", NULL };
  const char * const *cases[] = { with_value, flag };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GSubprocess) app = spawn_app_with (fixture, G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                                   cases[i]);
      g_autofree char *errors = NULL;
      g_autoptr(GError) error = NULL;

      g_subprocess_communicate_utf8 (app, NULL, NULL, NULL, &errors, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_exited (app));
      g_assert_cmpint (g_subprocess_get_exit_status (app), ==, 1);
      g_assert_nonnull (strstr (errors, cases[i][0]));
      g_assert_nonnull (strstr (errors, "--headless"));
      g_assert_null (http_exchange (fixture->port, "GET / HTTP/1.1\r\n\r\n"));
    }
}

/* A post made by a page of another origin open on this machine: audience,
 * so the limits in Preferences apply to it. */
static char *
post_from_elsewhere (guint       port,
                     const char *origin_header)
{
  static const char body[] = "{\"name\":\"Eve\",\"age\":30}";
  g_autofree char *request = g_strdup_printf ("POST /addPerson HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                                              "%sContent-Type: application/json\r\n"
                                              "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                                              port, origin_header, strlen (body), body);

  return http_exchange (port, request);
}

#define ELSEWHERE "Origin: http://elsewhere.example\r\n"

/* The access limits of Preferences reach the hub the window serves. */
static void
test_access_settings (AppFixture    *fixture,
                      gconstpointer  user_data)
{
  g_autofree char *stream_request = g_strdup_printf ("GET /connect HTTP/1.1\r\n"
                                                     "Host: 127.0.0.1:%u\r\n" ELSEWHERE "\r\n",
                                                     fixture->port);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) held = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) greeting = g_string_new (NULL);
  g_autoptr(GSubprocess) app = NULL;
  g_autofree char *page = NULL;
  g_autofree char *turned_away = NULL;
  char buffer[4096];

  write_settings (fixture, "max-streams-per-address=1\nmax-persons-per-address=1\n");
  app = spawn_app (fixture);
  page = wait_for_page (fixture->port);
  g_assert_nonnull (page);

  {
    g_autofree char *first = post_from_elsewhere (fixture->port, ELSEWHERE);
    g_autofree char *second = post_from_elsewhere (fixture->port, ELSEWHERE);
    g_autofree char *own = post_from_elsewhere (fixture->port, "");

    g_assert_true (g_str_has_prefix (first, "HTTP/1.1 200"));
    g_assert_true (g_str_has_prefix (second, "HTTP/1.1 429 Too Many Requests"));
    g_assert_nonnull (strstr (second, "added 1 persons"));
    g_assert_true (g_str_has_prefix (own, "HTTP/1.1 200"));
  }

  /* One stream held open; the next from the same address is turned away. */
  held = g_socket_client_connect_to_host (client, "127.0.0.1", fixture->port, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (held)), stream_request,
                             strlen (stream_request), NULL, NULL, &error);
  g_assert_no_error (error);
  while (strstr (greeting->str, "event: hello") == NULL)
    {
      gssize n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (held)),
                                      buffer, sizeof buffer, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      g_string_append_len (greeting, buffer, n);
    }
  turned_away = http_exchange (fixture->port, stream_request);
  g_assert_nonnull (strstr (turned_away, "event: full"));
  g_assert_nonnull (strstr (turned_away, "\"reason\":\"address-full\""));
  g_clear_object (&held);
  terminate (app);
  g_clear_object (&app);

  /* The whole audience's budget: one a minute. */
  write_settings (fixture, "audience-rate-limit=1\n");
  app = spawn_app (fixture);
  g_clear_pointer (&page, g_free);
  page = wait_for_page (fixture->port);
  g_assert_nonnull (page);
  {
    g_autofree char *first = post_from_elsewhere (fixture->port, ELSEWHERE);
    g_autofree char *second = post_from_elsewhere (fixture->port, ELSEWHERE);

    g_assert_true (g_str_has_prefix (first, "HTTP/1.1 200"));
    g_assert_true (g_str_has_prefix (second, "HTTP/1.1 429 Too Many Requests"));
    g_assert_nonnull (strstr (second, "Retry-After: 60"));
  }
  terminate (app);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("SSE_HUB_BINARY") == NULL)
    {
      g_printerr ("SSE_HUB_BINARY must name the sse-hub executable\n");
      return 1;
    }

  g_test_add ("/ui/app/serves-and-terminates", AppFixture, NULL,
              app_fixture_set_up, test_serves_and_terminates, app_fixture_tear_down);
  g_test_add ("/ui/app/port-in-use", AppFixture, NULL,
              app_fixture_set_up, test_port_in_use, app_fixture_tear_down);
  g_test_add ("/ui/app/headless-options-refused", AppFixture, NULL,
              app_fixture_set_up, test_headless_options_refused, app_fixture_tear_down);
  g_test_add ("/ui/app/access-settings", AppFixture, NULL,
              app_fixture_set_up, test_access_settings, app_fixture_tear_down);

  return g_test_run ();
}
