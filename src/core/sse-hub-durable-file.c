/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "sse-hub-durable-file.h"
#include "sse-hub-wire.h"

static void
set_storage_error (GError **error,
                   int      saved_errno)
{
  /* A full disk passes; the store tells it apart to wait for space. */
  gboolean full = saved_errno == ENOSPC || saved_errno == EDQUOT;

  g_set_error (error, SSE_HUB_ERROR, full ? SSE_HUB_ERROR_NO_SPACE : SSE_HUB_ERROR_STORAGE,
               _("Could not save the person list: %s"), g_strerror (saved_errno));
}

gboolean
sse_hub_write_all (int          fd,
                   const char  *data,
                   gsize        length,
                   GError     **error)
{
  while (length > 0)
    {
      gssize n = write (fd, data, length);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          set_storage_error (error, saved_errno);
          return FALSE;
        }
      data += n;
      length -= n;
    }

  return TRUE;
}

gboolean
sse_hub_sync_fd (int      fd,
                 GError **error)
{
  while (fdatasync (fd) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == EINTR)
        continue;
      set_storage_error (error, saved_errno);
      return FALSE;
    }

  return TRUE;
}

gboolean
sse_hub_sync_directory (const char  *path,
                        GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int saved_errno;
  gboolean ok;

  if (fd < 0)
    return TRUE;

  ok = fsync (fd) == 0;
  saved_errno = errno;
  g_close (fd, NULL);

  if (!ok)
    set_storage_error (error, saved_errno);
  return ok;
}
