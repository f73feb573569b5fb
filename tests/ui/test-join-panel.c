/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The join panel: the address follows the network. */
#include "config.h"

#include <string.h>

#include "sse-hub-join-panel-private.h"
#include "ui-test.h"

/* ------------------------------------------------------------------------ */
/* The join address follows the network                                    */

static GStrv
fake_hotspot_urls (SseHubServer *server)
{
  g_autofree char *url = g_strdup_printf ("http://10.42.0.1:%u/",
                                          sse_hub_server_get_bound_port (server));
  char *urls[] = { url, NULL };

  return g_strdupv (urls);
}

/* What GIO's monitor says when the laptop's network changes. */
static void
network_changed (void)
{
  g_signal_emit_by_name (g_network_monitor_get_default (), "network-changed", TRUE);
}

static gboolean
url_is_hotspot (gpointer data)
{
  Fixture *fixture = data;

  return g_str_has_prefix (gtk_label_get_text (fixture->w.url_label), "http://\u200b10.42.0.1:");
}

static void
test_network_change (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", fixture->port);

  /* The laptop turns on a hotspot: nothing changes until the network
   * monitor says so, then the address, the QR code and the header follow. */
  sse_hub_join_panel_set_urls_func (fixture->w.join_panel, fake_hotspot_urls);
  settle (100);
  assert_shows_url (fixture, url);

  network_changed ();
  network_changed ();
  wait_until (url_is_hotspot, fixture, "the address to follow the network");
  g_assert_true (g_str_has_prefix (sse_hub_join_panel_get_join_url (fixture->w.join_panel),
                                   "http://10.42.0.1:"));
  settle (300);
  g_assert_nonnull (strstr (gtk_label_get_text (fixture->w.status_label), "10.42.0.1"));

  sse_hub_join_panel_set_urls_func (fixture->w.join_panel, NULL);
  network_changed ();
  settle (800);
  assert_shows_url (fixture, url);
}

int
main (int   argc,
      char *argv[])
{
  AdwApplication *app = ui_test_init (&argc, &argv);

  UI_TEST_ADD ("/ui/lecture/network-change", test_network_change);

  return ui_test_run (app);
}
