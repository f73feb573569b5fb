/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sse-hub-user-agent.h"

/* The major version that follows "token/" in the agent, or NULL. */
static char *
version_after (const char *user_agent,
               const char *token)
{
  const char *p = strstr (user_agent, token);
  const char *end;

  if (p == NULL)
    return NULL;

  p += strlen (token);
  for (end = p; g_ascii_isdigit (*end); end++)
    ;

  return end > p ? g_strndup (p, end - p) : NULL;
}

static char *
name_with_version (const char *name,
                   const char *user_agent,
                   const char *token)
{
  g_autofree char *version = version_after (user_agent, token);

  return version != NULL ? g_strdup_printf ("%s %s", name, version) : g_strdup (name);
}

/* Order matters: Edge, Opera and Samsung Internet also claim Chrome, Chrome
 * claims Safari, and every browser claims Mozilla. */
static char *
parse_browser (const char *ua)
{
  static const struct { const char *token; const char *name; } browsers[] = {
    { "Edg/", "Edge" },
    { "EdgA/", "Edge" },
    { "EdgiOS/", "Edge" },
    { "OPR/", "Opera" },
    { "SamsungBrowser/", "Samsung Internet" },
    { "Firefox/", "Firefox" },
    { "FxiOS/", "Firefox" },
    { "CriOS/", "Chrome" },
    { "Chromium/", "Chromium" },
    { "Chrome/", "Chrome" },
    { "curl/", "curl" },
    { "Wget/", "Wget" },
    { "node", "Node.js" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (browsers); i++)
    if (strstr (ua, browsers[i].token) != NULL)
      return name_with_version (browsers[i].name, ua, browsers[i].token);

  /* Safari puts its own version in "Version/". */
  if (strstr (ua, "Safari/") != NULL)
    return name_with_version ("Safari", ua, "Version/");

  return NULL;
}

static char *
parse_os (const char *ua)
{
  const char *p;

  if ((p = strstr (ua, "Android")) != NULL)
    return name_with_version ("Android", p, "Android ");

  /* "iPhone OS 17_1" and "CPU OS 17_1" (iPad) */
  if (strstr (ua, "iPhone") != NULL || strstr (ua, "iPad") != NULL)
    {
      p = strstr (ua, " OS ");
      return p != NULL ? name_with_version ("iOS", p, " OS ") : g_strdup ("iOS");
    }

  if (strstr (ua, "Windows") != NULL)
    return g_strdup ("Windows");
  if (strstr (ua, "CrOS") != NULL)
    return g_strdup ("ChromeOS");
  if (strstr (ua, "Mac OS X") != NULL || strstr (ua, "Macintosh") != NULL)
    return g_strdup ("macOS");
  if (strstr (ua, "Linux") != NULL || strstr (ua, "X11") != NULL)
    return g_strdup ("Linux");

  return NULL;
}

void
sse_hub_user_agent_parse (const char  *user_agent,
                          char       **out_browser,
                          char       **out_os)
{
  g_return_if_fail (out_browser != NULL);
  g_return_if_fail (out_os != NULL);

  *out_browser = NULL;
  *out_os = NULL;

  if (user_agent == NULL || *user_agent == '\0')
    return;

  *out_browser = parse_browser (user_agent);
  *out_os = parse_os (user_agent);
}

static void
user_agent_free (gpointer data)
{
  SseHubUserAgent *agent = data;

  g_free (agent->browser);
  g_free (agent->os);
  g_free (agent);
}

const SseHubUserAgent *
sse_hub_user_agent_for_client (SseHubClient *client)
{
  static GQuark parsed_quark;
  SseHubUserAgent *agent;

  g_return_val_if_fail (SSE_HUB_IS_CLIENT (client), NULL);

  if (G_UNLIKELY (parsed_quark == 0))
    parsed_quark = g_quark_from_static_string ("sse-hub-user-agent-parsed");

  agent = g_object_get_qdata (G_OBJECT (client), parsed_quark);
  if (agent == NULL)
    {
      agent = g_new0 (SseHubUserAgent, 1);
      sse_hub_user_agent_parse (sse_hub_client_get_user_agent (client),
                                &agent->browser, &agent->os);
      g_object_set_qdata_full (G_OBJECT (client), parsed_quark, agent, user_agent_free);
    }

  return agent;
}
