/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sse-hub-qr.h"
#include "sse-hub-user-agent.h"

static void
check_agent (const char *user_agent,
             const char *expected_browser,
             const char *expected_os)
{
  g_autofree char *browser = NULL;
  g_autofree char *os = NULL;

  sse_hub_user_agent_parse (user_agent, &browser, &os);
  g_assert_cmpstr (browser, ==, expected_browser);
  g_assert_cmpstr (os, ==, expected_os);
}

static void
test_user_agents (void)
{
  check_agent ("Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
               "Firefox 120", "Linux");
  check_agent ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/119.0.0.0 Safari/537.36 Edg/119.0.2151.72",
               "Edge 119", "Windows");
  check_agent ("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/119.0.6045.163 Mobile Safari/537.36",
               "Chrome 119", "Android 14");
  check_agent ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 "
               "(KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1",
               "Safari 17", "iOS 17");
  check_agent ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
               "(KHTML, like Gecko) Version/17.1 Safari/605.1.15",
               "Safari 17", "macOS");
  check_agent ("Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
               "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
               "Samsung Internet 23", "Android 13");
  check_agent ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/119.0.0.0 Safari/537.36",
               "Chrome 119", "ChromeOS");
  check_agent ("curl/7.88.1", "curl 7", NULL);
  check_agent ("", NULL, NULL);
  check_agent (NULL, NULL, NULL);
  check_agent ("<b>x</b>", NULL, NULL);
}

static void
assert_finder_pattern (SseHubQr *qr,
                       guint     left,
                       guint     top)
{
  /* 7×7: dark ring, light ring, dark 3×3 centre. */
  for (guint y = 0; y < 7; y++)
    for (guint x = 0; x < 7; x++)
      {
        gboolean ring = x == 0 || y == 0 || x == 6 || y == 6;
        gboolean centre = x >= 2 && x <= 4 && y >= 2 && y <= 4;

        g_assert_cmpint (sse_hub_qr_is_dark (qr, left + x, top + y), ==, ring || centre);
      }
}

static void
test_qr_code (void)
{
  g_autoptr(SseHubQr) qr = sse_hub_qr_new ("http://192.168.1.5:3001/");
  guint n;

  g_assert_nonnull (qr);
  g_assert_cmpstr (sse_hub_qr_get_text (qr), ==, "http://192.168.1.5:3001/");

  /* Version 2 (25 modules) at level M holds this URL, plus a 4-module quiet
   * zone on each side. */
  n = sse_hub_qr_get_n_modules (qr);
  g_assert_cmpuint (n, ==, 25 + 8);

  for (guint i = 0; i < n; i++)
    for (guint q = 0; q < 4; q++)
      {
        g_assert_false (sse_hub_qr_is_dark (qr, i, q));
        g_assert_false (sse_hub_qr_is_dark (qr, q, i));
        g_assert_false (sse_hub_qr_is_dark (qr, i, n - 1 - q));
        g_assert_false (sse_hub_qr_is_dark (qr, n - 1 - q, i));
      }

  assert_finder_pattern (qr, 4, 4);
  assert_finder_pattern (qr, n - 4 - 7, 4);
  assert_finder_pattern (qr, 4, n - 4 - 7);

  g_assert_cmpint (gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (qr)), ==,
                   gdk_paintable_get_intrinsic_height (GDK_PAINTABLE (qr)));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/user-agent", test_user_agents);
  g_test_add_func ("/ui/qr-code", test_qr_code);

  return g_test_run ();
}
