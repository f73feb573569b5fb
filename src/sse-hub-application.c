/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>

#include "sse-hub-application.h"
#include "sse-hub-headless.h"
#include "sse-hub-preferences-window.h"
#include "sse-hub-window.h"

struct _SseHubApplication
{
  AdwApplication     parent_instance;

  /* owned, made on first activation */
  GSettings         *settings;
  SseHubServerProxy *hub;

  guint              sigint_source;
  guint              sigterm_source;
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
  { "audience-rate-limit", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Posts per minute from all other computers together (default 300; 0 = no limit)"), N_("N") },
  { "max-streams-per-address", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Event streams one other computer may hold at once (default 8; 0 = no limit)"), N_("N") },
  { "max-persons-per-address", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Persons one other computer may add while the hub runs (default 25; 0 = no limit)"), N_("N") },
  { "max-persons", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Most persons the list holds (default 1000)"), N_("N") },
  { "read-only", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Refuse persons posted from other computers"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { NULL }
};

/* Every option but --headless itself and --version configures headless mode.
 * The window takes those settings from Preferences, so that what it shows is
 * what it serves; given to it, they would be silently ignored: say so. */
static gboolean
refuse_headless_options (GVariantDict *options)
{
  for (const GOptionEntry *entry = option_entries; entry->long_name != NULL; entry++)
    if (g_strcmp0 (entry->long_name, "headless") != 0 &&
        g_strcmp0 (entry->long_name, "version") != 0 &&
        g_variant_dict_contains (options, entry->long_name))
      {
        g_printerr (_("--%s works with --headless only; the window takes its settings "
                      "from Preferences\n"), entry->long_name);
        return TRUE;
      }

  return FALSE;
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
    {
      if (refuse_headless_options (options))
        return 1;
      /* GTK would only say "cannot open display": point to what works. */
      if (!gtk_init_check ())
        {
          g_printerr ("%s\n", _("No display found. To serve without a window: run sse-hub "
                                 "--headless"));
          return 1;
        }
      return -1;
    }

  sse_hub_headless_options_init (&headless);
  g_variant_dict_lookup (options, "bind", "&s", &headless.bind_address);
  g_variant_dict_lookup (options, "data-file", "^&ay", &headless.data_file);
  headless.read_only = g_variant_dict_contains (options, "read-only");

  if (!lookup_uint_option (options, "port", 0, 65535, &headless.port) ||
      !lookup_uint_option (options, "keepalive", 1, 3600, &headless.keepalive_seconds) ||
      !lookup_uint_option (options, "max-clients", 1, 1000000, &headless.max_clients) ||
      !lookup_uint_option (options, "queue-cap", 1024, G_MAXUINT, &headless.queue_cap) ||
      !lookup_uint_option (options, "rate-limit", 0, 100000, &headless.rate_limit) ||
      !lookup_uint_option (options, "audience-rate-limit", 0, 1000000,
                           &headless.audience_rate_limit) ||
      !lookup_uint_option (options, "max-streams-per-address", 0, 1000000,
                           &headless.max_streams_per_address) ||
      !lookup_uint_option (options, "max-persons-per-address", 0, 1000000,
                           &headless.max_persons_per_address) ||
      !lookup_uint_option (options, "max-persons", 1, 1000000, &headless.max_persons))
    return 1;

  return sse_hub_headless_run (&headless);
}

static gboolean
quit_on_signal_cb (gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_CONTINUE;
}

/* Ctrl+Q asks first while the class is connected; signals do not. */
static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (user_data)); l != NULL; l = l->next)
    if (SSE_HUB_IS_WINDOW (l->data))
      {
        sse_hub_window_request_quit (l->data);
        return;
      }

  g_application_quit (G_APPLICATION (user_data));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  gtk_window_present (GTK_WINDOW (sse_hub_preferences_window_new (parent)));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  static const char *developers[] = { "SSE Hub contributors", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  gtk_window_present (g_object_new (ADW_TYPE_ABOUT_WINDOW,
                                    "transient-for", parent,
                                    "modal", TRUE,
                                    "application-name", _("SSE Hub"),
                                    "application-icon", APP_ID,
                                    "developer-name", _("SSE Hub contributors"),
                                    "developers", developers,
                                    "version", PACKAGE_VERSION,
                                    "comments",
                                    _("A live Server-Sent Events hub for the classroom."),
                                    "license-type", GTK_LICENSE_GPL_3_0,
                                    "translator-credits", _("translator-credits"),
                                    NULL));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action, NULL, NULL, NULL, { 0 } },
  { "preferences", preferences_action, NULL, NULL, NULL, { 0 } },
  { "about", about_action, NULL, NULL, NULL, { 0 } },
};

static gboolean
bind_address_mapping (GValue   *value,
                      GVariant *variant,
                      gpointer  user_data)
{
  /* NULL listens on every interface, IPv6 and IPv4. */
  g_value_set_string (value, g_variant_get_boolean (variant) ? NULL : "127.0.0.1");
  return TRUE;
}

/* The hub lives as long as the application, on a thread of its own: the
 * window only shows it, through the proxy's mirrors. */
static gboolean
create_hub (SseHubApplication  *self,
            GError            **error)
{
  g_autofree char *path = sse_hub_person_store_default_path ();

  self->settings = g_settings_new (APP_ID);
  self->hub = sse_hub_server_proxy_new (path);

  g_settings_bind (self->settings, "port", self->hub, "port", G_SETTINGS_BIND_GET);
  g_settings_bind_with_mapping (self->settings, "listen-on-network",
                                self->hub, "bind-address", G_SETTINGS_BIND_GET,
                                bind_address_mapping, NULL, NULL, NULL);
  g_settings_bind (self->settings, "allow-audience-writes",
                   self->hub, "allow-audience-writes", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "keepalive-interval",
                   self->hub, "keepalive-interval", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "max-clients", self->hub, "max-clients",
                   G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "max-streams-per-address",
                   self->hub, "max-streams-per-address", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "audience-rate-limit",
                   self->hub, "audience-rate-limit", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "max-persons-per-address",
                   self->hub, "max-persons-per-address", G_SETTINGS_BIND_GET);

  return sse_hub_server_proxy_load (self->hub, error);
}

static void
sse_hub_application_startup (GApplication *app)
{
  SseHubApplication *self = SSE_HUB_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (sse_hub_application_parent_class)->startup (app);

  sse_hub_prepare_process ();

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences",
                                         preferences_accels);

  self->sigint_source = g_unix_signal_add (SIGINT, quit_on_signal_cb, app);
  self->sigterm_source = g_unix_signal_add (SIGTERM, quit_on_signal_cb, app);
}

static void
sse_hub_application_activate (GApplication *app)
{
  SseHubApplication *self = SSE_HUB_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_autoptr(GError) error = NULL;
  gboolean loaded = TRUE;

  if (window == NULL)
    {
      if (self->hub == NULL)
        loaded = create_hub (self, &error);

      window = GTK_WINDOW (sse_hub_window_new (GTK_APPLICATION (app), self->hub));

      /* Serving an empty list over a file that could not be read would
       * hide the problem from the class: show it and stay stopped. */
      if (!loaded)
        {
          g_autofree char *message = g_strdup_printf (_("Cannot read the person list: %s"),
                                                      error->message);

          sse_hub_window_show_error (SSE_HUB_WINDOW (window), message);
        }
      else
        sse_hub_window_start_serving (SSE_HUB_WINDOW (window));
    }

  gtk_window_present (window);
}

/* Closing the window and SIGTERM both end here: end the streams cleanly,
 * give them a moment to leave, then make sure the list is on disk. */
static void
sse_hub_application_shutdown (GApplication *app)
{
  SseHubApplication *self = SSE_HUB_APPLICATION (app);

  g_clear_handle_id (&self->sigint_source, g_source_remove);
  g_clear_handle_id (&self->sigterm_source, g_source_remove);

  if (self->hub != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!sse_hub_server_proxy_shut_down (self->hub, &error))
        g_printerr ("sse-hub: %s\n", error->message);
    }

  if (self->settings != NULL)
    g_settings_sync ();

  G_APPLICATION_CLASS (sse_hub_application_parent_class)->shutdown (app);
}

static void
sse_hub_application_dispose (GObject *object)
{
  SseHubApplication *self = SSE_HUB_APPLICATION (object);

  g_clear_object (&self->hub);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sse_hub_application_parent_class)->dispose (object);
}

static void
sse_hub_application_class_init (SseHubApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = sse_hub_application_dispose;

  app_class->handle_local_options = sse_hub_application_handle_local_options;
  app_class->startup = sse_hub_application_startup;
  app_class->activate = sse_hub_application_activate;
  app_class->shutdown = sse_hub_application_shutdown;
}

static void
sse_hub_application_init (SseHubApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("A live Server-Sent Events hub for the classroom."));
  g_application_set_option_context_description (G_APPLICATION (self),
                                                _("Without --headless, SSE Hub opens its window, which "
                                                  "takes these settings from Preferences instead."));
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
