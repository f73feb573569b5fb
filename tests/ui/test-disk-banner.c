/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A full disk shows in the window: a banner saying the list is read-only
 * while it lasts, gone once the store writes again.  The disk is a small
 * tmpfs filled for real (small-disk.h). */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "small-disk.h"
#include "ui-test.h"

static char *disk;
static const char *no_disk_reason;

static gboolean
revealed (gpointer revealer)
{
  return gtk_revealer_get_child_revealed (revealer);
}

static gboolean
hidden (gpointer revealer)
{
  return !gtk_revealer_get_reveal_child (revealer);
}

static void
add_one (SseHubPersonStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SseHubPerson) person = NULL;
  g_autoptr(GError) error = NULL;

  sse_hub_person_store_add_async (store, "Ada", 36, NULL, test_keep_result, &result);
  person = sse_hub_person_store_add_finish (store, test_wait_result (&result), &error);
  g_assert_no_error (error);
}

static void
test_banner_while_full (void)
{
  g_autofree char *path = NULL;
  g_autofree char *filler = NULL;
  g_autoptr(GError) error = NULL;
  SseHubPersonStore *store;
  SseHubServerProxy *hub;
  SseHubWindow *window;
  GtkRevealer *banner;

  if (disk == NULL)
    {
      g_test_skip (no_disk_reason);
      return;
    }

  /* A list on the disk, then not one byte left: the load cannot compact. */
  path = g_build_filename (disk, "persons.jsonl", NULL);
  store = sse_hub_person_store_new (path);
  g_assert_true (sse_hub_person_store_load (store, &error));
  add_one (store);
  g_assert_finalize_object (store);
  filler = test_fill_disk (disk);

  /* The app's hub, on its thread: the window hears of the disk from there. */
  hub = sse_hub_server_proxy_new (path);
  g_assert_true (sse_hub_server_proxy_load (hub, &error));
  g_assert_no_error (error);
  g_assert_false (sse_hub_server_proxy_get_writable (hub));
  window = sse_hub_window_new (GTK_APPLICATION (g_application_get_default ()), hub);
  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));

  banner = widget_find_id (window, GTK_TYPE_REVEALER, "disk_full_revealer");
  wait_until (revealed, banner, "the disk-full banner");
  g_assert_nonnull (widget_find_label (window, _("The disk is full: the list is read-only until space returns")));

  g_assert_cmpint (g_unlink (filler), ==, 0);
  wait_until (hidden, banner, "the banner to go once there is space");
  g_assert_true (sse_hub_server_proxy_get_writable (hub));

  gtk_window_destroy (GTK_WINDOW (window));
  settle (50);
  g_assert_finalize_object (window);
  g_assert_finalize_object (hub);
  g_unlink (path);
}

int
main (int   argc,
      char *argv[])
{
  AdwApplication *app;
  int status;

  disk = test_mount_small_disk (&no_disk_reason);
  app = ui_test_init (&argc, &argv);
  g_test_add_func ("/disk-banner/while-full", test_banner_while_full);
  status = ui_test_run (app);
  test_unmount_small_disk (disk);
  return status;
}
