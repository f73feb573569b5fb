/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The red strip over the persons list shows every refusal of the audience
 * where the class looks, limits included: a 403 while audience writes are
 * off and a 429 for the persons one computer may add (issue 20, point 3),
 * which used to reach the log only.  The posts come from another
 * computer's address when this machine has one. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "hub-test.h"
#include "sse-hub-window.h"

#define PERSON "{\"name\":\"Ada\",\"age\":36}"

typedef struct
{
  TestHub   *hub;
  GtkWidget *window;
  char      *source;  /* the audience's address, NULL: loopback */
} Fixture;

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
settle (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* The first widget under root, depth first, that has the CSS class. */
static GtkWidget *
find_by_class (GtkWidget  *root,
               const char *css_class)
{
  if (gtk_widget_has_css_class (root, css_class))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_class (child, css_class);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkLabel *
strip_label (GtkWidget *strip)
{
  for (GtkWidget *child = gtk_widget_get_first_child (strip); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LABEL (child))
      return GTK_LABEL (child);

  g_error ("the refusal strip has no label");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->hub = test_hub_new ();
  fixture->source = test_find_lan_address ();
  /* Without another address, loopback stands for the audience. */
  if (fixture->source == NULL)
    g_object_set (fixture->hub->server, "trust-local", FALSE, NULL);
  g_test_message ("audience address: %s", fixture->source != NULL ? fixture->source : "loopback");

  fixture->window = GTK_WIDGET (sse_hub_window_new (GTK_APPLICATION (g_application_get_default ()),
                                                    fixture->hub->server));
  g_object_ref (fixture->window);
  gtk_window_present (GTK_WINDOW (fixture->window));
  settle (300);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  settle (50);
  g_assert_finalize_object (fixture->window);
  g_clear_pointer (&fixture->hub, test_hub_free);
  g_free (fixture->source);
}

static guint
post (Fixture *fixture)
{
  g_autofree char *request = NULL;
  g_autoptr(TestResponse) response = NULL;

  request = g_strdup_printf ("POST /addPerson HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                             "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                             fixture->hub->port, strlen (PERSON), PERSON);
  response = test_http_raw_from (fixture->source, fixture->hub->port, request, strlen (request));
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
                    const char *status,
                    const char *sentence)
{
  GtkWidget *strip = find_by_class (fixture->window, "refusal-strip");
  StripWait wait;
  const char *text;

  g_assert_nonnull (strip);
  wait.revealer = GTK_REVEALER (gtk_widget_get_ancestor (strip, GTK_TYPE_REVEALER));
  wait.label = strip_label (strip);
  wait.status = status;

  if (!test_pump_until (strip_shows, &wait, 5000))
    g_error ("the strip shows “%s”, not a %s", gtk_label_get_text (wait.label), status);
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (wait.label)));

  text = gtk_label_get_text (wait.label);
  g_test_message ("strip: %s", text);
  g_assert_nonnull (strstr (text, sentence));
  g_assert_nonnull (strstr (text, fixture->source != NULL ? fixture->source : "127.0.0.1"));
}

static void
test_writes_off (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_object_set (fixture->hub->server, "allow-audience-writes", FALSE, NULL);

  g_assert_cmpuint (post (fixture), ==, 403);
  assert_strip_shows (fixture, "403",
                      _(sse_hub_refusal_get_sentence (SSE_HUB_REFUSAL_WRITES_OFF)));
}

static void
test_computer_total (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_object_set (fixture->hub->server, "max-persons-per-address", 1, NULL);

  g_assert_cmpuint (post (fixture), ==, 200);
  g_assert_cmpuint (post (fixture), ==, 429);
  assert_strip_shows (fixture, "429",
                      _(sse_hub_refusal_get_sentence (SSE_HUB_REFUSAL_COMPUTER_TOTAL)));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  app = adw_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (app));

  g_test_add ("/ui/refusal-strip/writes-off", Fixture, NULL, fixture_set_up, test_writes_off,
              fixture_tear_down);
  g_test_add ("/ui/refusal-strip/computer-total", Fixture, NULL, fixture_set_up,
              test_computer_total, fixture_tear_down);

  status = g_test_run ();
  g_application_release (G_APPLICATION (app));
  return status;
}
