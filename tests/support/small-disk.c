/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE  /* unshare () */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "small-disk.h"

char *
test_mount_small_disk (const char **reason)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *disk = NULL;

  if (geteuid () != 0)
    {
      *reason = "mounting a tmpfs needs root (CI runs as root)";
      return NULL;
    }
  if (unshare (CLONE_NEWNS) != 0 ||
      mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    {
      *reason = "no mount namespace here";
      return NULL;
    }
  disk = g_dir_make_tmp ("sse-hub-full-XXXXXX", &error);
  g_assert_no_error (error);
  if (mount ("tmpfs", disk, "tmpfs", 0, "size=64k") != 0)
    {
      *reason = "could not mount a tmpfs";
      g_rmdir (disk);
      return NULL;
    }
  return g_steal_pointer (&disk);
}

void
test_unmount_small_disk (char *disk)
{
  if (disk == NULL)
    return;
  umount (disk);
  g_rmdir (disk);
  g_free (disk);
}

char *
test_fill_disk (const char *disk)
{
  char *filler = g_build_filename (disk, "filler", NULL);
  char block[4096];
  int fd = open (filler, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  g_assert_cmpint (fd, >=, 0);
  memset (block, 'x', sizeof block);
  while (write (fd, block, sizeof block) > 0)
    ;
  /* The last part of a page, byte by byte. */
  while (write (fd, block, 1) > 0)
    ;
  g_assert_cmpint (errno, ==, ENOSPC);
  close (fd);
  return filler;
}
