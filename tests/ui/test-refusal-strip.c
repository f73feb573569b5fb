/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The red strip over the persons list shows every refusal of the audience
 * where the class looks, limits included: a 403 while audience writes are
 * off and a 429 for the persons one computer may add (issue 20, point 3),
 * which used to reach the log only.  The posts come from another
 * computer's address when this machine has one. */
#include "config.h"

#include <glib/gi18n.h>

#include "ui-test.h"

#define PERSON "{\"name\":\"Ada\",\"age\":36}"

/* The audience's address, NULL: loopback, made audience by trust-local. */
static char *
audience_address (Fixture *fixture)
{
  char *source = test_find_lan_address ();

  if (source == NULL)
    g_object_set (fixture->hub, "trust-local", FALSE, NULL);
  g_test_message ("audience address: %s", source != NULL ? source : "loopback");

  return source;
}

static guint
post (Fixture    *fixture,
      const char *source)
{
  g_autofree char *request = NULL;
  g_autoptr(TestResponse) response = NULL;

  request = g_strdup_printf ("POST /addPerson HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                             "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                             fixture->port, strlen (PERSON), PERSON);
  response = test_http_raw_from (source, fixture->port, request, strlen (request));
  return response->status;
}

typedef struct
{
  GtkRevealer *revealer;
  GtkLabel    *label;
  const char  *status;
} StripWait;

static gboolean
strip_shows (gpointer data)
{
  StripWait *wait = data;

  return gtk_revealer_get_child_revealed (wait->revealer) &&
         strstr (gtk_label_get_text (wait->label), wait->status) != NULL;
}

static void
assert_strip_shows (Fixture    *fixture,
                    const char *source,
                    const char *status,
                    const char *sentence)
{
  GtkWidget *strip = widget_find (fixture->window, &(WidgetQuery) { .css_class = "refusal-strip" });
  g_autofree char *what = g_strdup_printf ("a %s in the refusal strip", status);
  StripWait wait;
  const char *text;

  g_assert_nonnull (strip);
  wait.revealer = GTK_REVEALER (gtk_widget_get_ancestor (strip, GTK_TYPE_REVEALER));
  wait.label = GTK_LABEL (widget_find (strip, &(WidgetQuery) { .type = GTK_TYPE_LABEL }));
  wait.status = status;
  g_assert_nonnull (wait.label);

  wait_until (strip_shows, &wait, what);
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (wait.label)));
  text = gtk_label_get_text (wait.label);
  g_test_message ("strip: %s", text);
  g_assert_nonnull (strstr (text, sentence));
  g_assert_nonnull (strstr (text, source != NULL ? source : "127.0.0.1"));
}

static void
test_writes_off (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autofree char *source = audience_address (fixture);

  g_object_set (fixture->hub, "allow-audience-writes", FALSE, NULL);

  g_assert_cmpuint (post (fixture, source), ==, 403);
  assert_strip_shows (fixture, source, "403",
                      _(sse_hub_refusal_get_sentence (SSE_HUB_REFUSAL_WRITES_OFF)));
}

static void
test_computer_total (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autofree char *source = audience_address (fixture);

  g_object_set (fixture->hub, "max-persons-per-address", 1, NULL);

  g_assert_cmpuint (post (fixture, source), ==, 200);
  g_assert_cmpuint (post (fixture, source), ==, 429);
  assert_strip_shows (fixture, source, "429",
                      _(sse_hub_refusal_get_sentence (SSE_HUB_REFUSAL_COMPUTER_TOTAL)));
}

int
main (int   argc,
      char *argv[])
{
  AdwApplication *app = ui_test_init (&argc, &argv);

  UI_TEST_ADD ("/ui/refusal-strip/writes-off", test_writes_off);
  UI_TEST_ADD ("/ui/refusal-strip/computer-total", test_computer_total);

  return ui_test_run (app);
}
