/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Preloaded by check-translation.sh into the real sse-hub binary: its
 * LOCALEDIR names the install prefix, so this sends the bindtextdomain() call
 * for SSE_HUB_TEST_DOMAIN to SSE_HUB_TEST_LOCALEDIR (the build tree) and lets
 * every other domain through untouched. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

char *bindtextdomain (const char *domainname, const char *dirname);

char *
bindtextdomain (const char *domainname,
                const char *dirname)
{
  char *(*real_bindtextdomain) (const char *, const char *);
  const char *domain = getenv ("SSE_HUB_TEST_DOMAIN");
  const char *dir = getenv ("SSE_HUB_TEST_LOCALEDIR");

  *(void **) &real_bindtextdomain = dlsym (RTLD_NEXT, "bindtextdomain");
  if (real_bindtextdomain == NULL)
    abort ();

  /* A NULL dirname only asks for the current binding. */
  if (domain != NULL && dir != NULL && domainname != NULL && dirname != NULL &&
      strcmp (domainname, domain) == 0)
    dirname = dir;

  return real_bindtextdomain (domainname, dirname);
}
