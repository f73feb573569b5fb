/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The hub under test: started as a child on a free loopback port (or an
 * existing one on 127.0.0.1), reaped, and measured through /proc. */

#define _GNU_SOURCE

#include <glib/gstdio.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-private.h"

#define HUB_START_TIMEOUT_S 10
#define HUB_STOP_TIMEOUT_S  10
#define LISTENING_PREFIX    "sse-hub: listening on port "

/* Ten thousand clients are ten thousand descriptors, here and in the hub. */
rlim_t
raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return 0;
  if (limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        getrlimit (RLIMIT_NOFILE, &limit);
    }
  return limit.rlim_cur;
}

gboolean
parse_url (Bench   *b,
           GError **error)
{
  const char *rest;
  const char *colon;
  char *end = NULL;
  guint64 port;

  if (g_str_has_prefix (b->url, "http://127.0.0.1:"))
    rest = b->url + strlen ("http://127.0.0.1");
  else if (g_str_has_prefix (b->url, "http://localhost:"))
    rest = b->url + strlen ("http://localhost");
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--url must be http://127.0.0.1:PORT (the benchmark only uses loopback)");
      return FALSE;
    }

  colon = rest;
  errno = 0;
  port = g_ascii_strtoull (colon + 1, &end, 10);
  if (errno != 0 || end == colon + 1 || port == 0 || port > 65535 ||
      !(*end == '\0' || g_str_equal (end, "/")))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--url must be http://127.0.0.1:PORT, not \"%s\"", b->url);
      return FALSE;
    }

  b->address.sin_port = htons ((guint16) port);
  return TRUE;
}

char *
default_hub_path (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = NULL;

  if (self == NULL)
    return g_strdup ("sse-hub");
  dir = g_path_get_dirname (self);
  return g_build_filename (dir, "..", "src", "sse-hub", NULL);
}

gboolean
spawn_hub (Bench   *b,
           GError **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *data_file = NULL;
  g_autoptr(GString) output = g_string_new (NULL);
  gint64 deadline;
  int fds[2];
  pid_t pid;

  b->tmp_dir = g_dir_make_tmp ("sse-hub-bench-XXXXXX", error);
  if (b->tmp_dir == NULL)
    return FALSE;
  data_file = g_build_filename (b->tmp_dir, "persons.json", NULL);
  if (b->prefill > 0)
    {
      g_autoptr(GString) journal = g_string_new (NULL);

      /* The hub's own journal format: one line per person. */
      for (int i = 0; i < b->prefill; i++)
        g_string_append_printf (journal, "{\"op\":\"add\",\"name\":\"prefill %d\",\"age\":%d}\n",
                                i, 18 + i % 60);
      if (!g_file_set_contents (data_file, journal->str, journal->len, error))
        return FALSE;
    }

  g_ptr_array_add (argv, g_strdup (b->hub_path));
  g_ptr_array_add (argv, g_strdup ("--headless"));
  g_ptr_array_add (argv, g_strdup ("--bind=127.0.0.1"));
  g_ptr_array_add (argv, g_strdup ("--port=0"));
  g_ptr_array_add (argv, g_strdup_printf ("--data-file=%s", data_file));
  g_ptr_array_add (argv, g_strdup_printf ("--max-clients=%d", b->n_clients + 100));
  g_ptr_array_add (argv, g_strdup ("--rate-limit=0"));
  g_ptr_array_add (argv, g_strdup_printf ("--max-persons=%d", MAX (1000, b->prefill + b->n_posts + 100)));
  g_ptr_array_add (argv, NULL);

  if (pipe2 (fds, O_CLOEXEC) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "pipe: %s",
                   g_strerror (errno));
      return FALSE;
    }

  pid = fork ();
  if (pid < 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "fork: %s",
                   g_strerror (errno));
      close (fds[0]);
      close (fds[1]);
      return FALSE;
    }

  if (pid == 0)
    {
      /* The hub must not outlive the benchmark, whatever ends it. */
      prctl (PR_SET_PDEATHSIG, SIGTERM);
      raise_fd_limit ();
      if (dup2 (fds[1], STDOUT_FILENO) < 0)
        _exit (127);
      execv (b->hub_path, (char **) argv->pdata);
      fprintf (stderr, "sse-hub-bench: cannot run %s: %s\n", b->hub_path, strerror (errno));
      _exit (127);
    }

  close (fds[1]);
  b->hub_pid = pid;
  b->spawned = TRUE;
  b->hub_stdout = fds[0];

  /* Wait for "sse-hub: listening on port N": port 0 lets the hub pick. */
  deadline = now_us () + HUB_START_TIMEOUT_S * G_USEC_PER_SEC;
  for (;;)
    {
      struct pollfd pfd = { .fd = b->hub_stdout, .events = POLLIN };
      const char *line;
      char chunk[4096];
      gint64 left = deadline - now_us ();
      ssize_t n;

      line = strstr (output->str, LISTENING_PREFIX);
      if (line != NULL && strchr (line, '\n') != NULL)
        {
          guint64 port = g_ascii_strtoull (line + strlen (LISTENING_PREFIX), NULL, 10);

          if (port == 0 || port > 65535)
            break;
          b->address.sin_port = htons ((guint16) port);
          fcntl (b->hub_stdout, F_SETFL, fcntl (b->hub_stdout, F_GETFL) | O_NONBLOCK);
          return TRUE;
        }

      if (left <= 0)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                       "%s did not say \"%s...\" within %d s", b->hub_path, LISTENING_PREFIX,
                       HUB_START_TIMEOUT_S);
          return FALSE;
        }
      if (poll (&pfd, 1, (int) (left / 1000) + 1) < 0 && errno != EINTR)
        break;
      n = read (b->hub_stdout, chunk, sizeof chunk);
      if (n > 0)
        g_string_append_len (output, chunk, n);
      else if (n == 0)
        break;
      else if (errno != EINTR && errno != EAGAIN)
        break;
    }

  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
               "%s exited or printed no port; its output was:\n%s", b->hub_path, output->str);
  return FALSE;
}

gboolean
reap_hub (Bench *b,
          int    flags)
{
  int status;
  pid_t pid;

  if (!b->spawned || b->hub_pid <= 0)
    return TRUE;

  pid = waitpid (b->hub_pid, &status, flags);
  if (pid != b->hub_pid)
    return FALSE;

  b->hub_exit_status = status;
  b->hub_pid = 0;
  b->hub_gone = TRUE;
  return TRUE;
}

void
stop_hub (Bench *b)
{
  gint64 deadline;

  b->stopping = TRUE;
  if (!b->spawned || b->hub_gone)
    return;

  kill (b->hub_pid, SIGTERM);
  deadline = now_us () + HUB_STOP_TIMEOUT_S * G_USEC_PER_SEC;
  while (!b->hub_gone && now_us () < deadline)
    loop_once (b, 10);
  if (!b->hub_gone)
    {
      g_printerr ("sse-hub-bench: the hub did not exit within %d s of SIGTERM; killing it\n",
                  HUB_STOP_TIMEOUT_S);
      kill (b->hub_pid, SIGKILL);
      reap_hub (b, 0);
    }
}

void
hub_stdout_readable (Bench *b)
{
  char chunk[4096];
  ssize_t n;

  /* The hub's further output is not needed, but its pipe must not fill up. */
  while ((n = read (b->hub_stdout, chunk, sizeof chunk)) > 0)
    ;
  if (n == 0)
    {
      epoll_ctl (b->epfd, EPOLL_CTL_DEL, b->hub_stdout, NULL);
      close (b->hub_stdout);
      b->hub_stdout = -1;
    }
}

void
remove_tmp_dir (Bench *b)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (b->tmp_dir == NULL)
    return;
  dir = g_dir_open (b->tmp_dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (b->tmp_dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (b->tmp_dir);
}

/* VmRSS in KiB, or -1. */
gint64
read_rss_kib (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *text = NULL;
  const char *line;

  if (pid <= 0 || !g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  line = strstr (text, "\nVmRSS:");
  if (line == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen ("\nVmRSS:"), NULL, 10);
}

/* User plus system CPU time in seconds, or -1. */
double
read_cpu_seconds (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (pid <= 0 || !g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  /* The command name may hold spaces: fields are counted after its ')'. */
  after_name = strrchr (text, ')');
  if (after_name == NULL)
    return -1;
  fields = g_strsplit (after_name + 2, " ", 0);
  if (g_strv_length (fields) < 13)
    return -1;
  /* fields[0] is field 3 (state); utime and stime are fields 14 and 15. */
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) /
         sysconf (_SC_CLK_TCK);
}

double
own_cpu_seconds (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return -1;
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}
