/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The join panel: the address follows the network and stays on one line. */
#include "config.h"

#include <string.h>

#include "sse-hub-join-panel-private.h"
#include "ui-test.h"

/* ------------------------------------------------------------------------ */
/* The join address follows the network                                    */

static GStrv
fake_hotspot_urls (SseHubServerProxy *hub)
{
  g_autofree char *url = g_strdup_printf ("http://10.42.0.1:%u/",
                                          sse_hub_server_proxy_get_bound_port (hub));
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

  return g_str_has_prefix (gtk_label_get_text (fixture->w.url_label), "http://10.42.0.1:");
}

static gboolean
url_is_not_hotspot (gpointer data)
{
  return !url_is_hotspot (data);
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
  /* The panel waits for the network to settle; a busy machine stretches that. */
  wait_until (url_is_not_hotspot, fixture, "the address to follow the network back");
  assert_shows_url (fixture, url);
}

/* ------------------------------------------------------------------------ */
/* The join address on one line                                            */

/* A home router's longer address, next to the fixture's 127.0.0.1. */
static GStrv
long_classroom_urls (SseHubServerProxy *hub)
{
  char *urls[] = { "http://192.168.178.100:3001/", NULL };

  return g_strdupv (urls);
}

static gboolean
url_is_long_classroom (gpointer data)
{
  Fixture *fixture = data;

  return g_strcmp0 (gtk_label_get_text (fixture->w.url_label),
                    "http://192.168.178.100:3001/") == 0;
}

/* The class types the address off the wall: it is never split, on a
 * projector at the presentation zoom nor on a 1366×768 laptop. */
static void
test_address_one_line (Fixture       *fixture,
                       gconstpointer  user_data)
{
  static const struct { int width, height; } screens[] = { { 1920, 1080 }, { 1366, 768 } };

  sse_hub_join_panel_set_urls_func (fixture->w.join_panel, long_classroom_urls);
  network_changed ();
  wait_until (url_is_long_classroom, fixture, "the classroom address");

  for (guint i = 0; i < G_N_ELEMENTS (screens); i++)
    {
      resize (fixture, screens[i].width, screens[i].height);
      assert_url_on_one_line (fixture);
      /* It shrinks rather than widen the panel until the lists fold. */
      g_assert_false (adw_leaflet_get_folded (fixture->w.leaflet));

      sse_hub_window_set_presentation_mode (fixture->window, TRUE);
      /* No window manager under Xvfb: full screen is the screen's size. */
      resize (fixture, screens[i].width, screens[i].height);
      g_test_message ("%d×%d presenting: join panel %d px wide, address %d px",
                      screens[i].width, screens[i].height,
                      gtk_widget_get_width (GTK_WIDGET (fixture->w.join_panel)),
                      gtk_widget_get_width (GTK_WIDGET (fixture->w.url_label)));
      assert_url_on_one_line (fixture);
      sse_hub_window_set_presentation_mode (fixture->window, FALSE);
    }

  sse_hub_join_panel_set_urls_func (fixture->w.join_panel, NULL);
}

int
main (int   argc,
      char *argv[])
{
  AdwApplication *app = ui_test_init (&argc, &argv);

  UI_TEST_ADD ("/ui/lecture/network-change", test_network_change);
  UI_TEST_ADD ("/ui/lecture/address-one-line", test_address_one_line);

  return ui_test_run (app);
}
