/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sse-hub-application.h"
#include "sse-hub-headless.h"
#include "sse-hub-window.h"

struct _SseHubApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (SseHubApplication, sse_hub_application, ADW_TYPE_APPLICATION)

/* Numbers arrive as strings: GApplication leaves an integer option that was
 * given as 0 out of the dictionary, and 0 means something for --port. */
static gboolean
lookup_uint_option (GVariantDict *options,
                    const char   *name,
                    guint         min,
                    guint         max,
                    guint        *out_value)
{
  g_autoptr(GError) error = NULL;
  const char *text;
  guint64 value;

  if (!g_variant_dict_lookup (options, name, "&s", &text))
    return TRUE;

  if (!g_ascii_string_to_unsigned (text, 10, min, max, &value, &error))
    {
      g_printerr (_("Invalid value for --%s: %s\n"), name, error->message);
      return FALSE;
    }

  *out_value = value;
  return TRUE;
}

/* --headless never touches GTK: it runs the core on a plain main loop and
 * returns its exit status before the application registers. */
static int
sse_hub_application_handle_local_options (GApplication *app,
                                          GVariantDict *options)
{
  SseHubHeadlessOptions headless;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("sse-hub %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (!g_variant_dict_contains (options, "headless"))
    return -1;

  sse_hub_headless_options_init (&headless);
  g_variant_dict_lookup (options, "bind", "&s", &headless.bind_address);
  g_variant_dict_lookup (options, "data-file", "^&ay", &headless.data_file);
  headless.read_only = g_variant_dict_contains (options, "read-only");

  if (!lookup_uint_option (options, "port", 0, 65535, &headless.port) ||
      !lookup_uint_option (options, "keepalive", 1, 3600, &headless.keepalive_seconds) ||
      !lookup_uint_option (options, "max-clients", 1, 1000000, &headless.max_clients) ||
      !lookup_uint_option (options, "queue-cap", 1024, G_MAXUINT, &headless.queue_cap) ||
      !lookup_uint_option (options, "rate-limit", 0, 100000, &headless.rate_limit) ||
      !lookup_uint_option (options, "max-persons", 1, 1000000, &headless.max_persons))
    return 1;

  return sse_hub_headless_run (&headless);
}

static void
sse_hub_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = g_object_new (SSE_HUB_TYPE_WINDOW, "application", app, NULL);

  gtk_window_present (window);
}

static void
sse_hub_application_class_init (SseHubApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->handle_local_options = sse_hub_application_handle_local_options;
  app_class->activate = sse_hub_application_activate;
}

static const GOptionEntry option_entries[] = {
  { "headless", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Serve without a window until interrupted"), NULL },
  { "port", 'p', 0, G_OPTION_ARG_STRING, NULL,
    N_("Port to listen on (default 3001; 0 picks a free one)"), N_("PORT") },
  { "bind", 'b', 0, G_OPTION_ARG_STRING, NULL,
    N_("Address to listen on (default: every interface, IPv6 and IPv4)"), N_("ADDRESS") },
  { "data-file", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("File the persons are kept in (default: in the user data folder)"), N_("FILE") },
  { "keepalive", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Seconds between keep-alive comments (default 15)"), N_("SECONDS") },
  { "max-clients", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Most event-stream clients at once (default 1000)"), N_("N") },
  { "queue-cap", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Bytes queued for one slow client before it is dropped (default 1048576)"), N_("BYTES") },
  { "rate-limit", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Posts per minute from one other computer (default 30; 0 = no limit)"), N_("N") },
  { "max-persons", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Most persons the list holds (default 1000)"), N_("N") },
  { "read-only", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Refuse persons posted from other computers"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { NULL }
};

static void
sse_hub_application_init (SseHubApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("A live Server-Sent Events hub for the classroom."));
}

SseHubApplication *
sse_hub_application_new (const char        *application_id,
                         GApplicationFlags  flags)
{
  g_return_val_if_fail (application_id != NULL, NULL);

  return g_object_new (SSE_HUB_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags,
                       NULL);
}
