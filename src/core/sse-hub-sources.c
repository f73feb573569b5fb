/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sse-hub-sources.h"

static guint
attach (GSource        *source,
        gint            priority,
        GSourceFunc     func,
        gpointer        data,
        GDestroyNotify  notify)
{
  guint id;

  g_source_set_priority (source, priority);
  g_source_set_callback (source, func, data, notify);
  id = g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
  return id;
}

guint
sse_hub_timeout_add_full (gint           priority,
                          guint          interval_ms,
                          GSourceFunc    func,
                          gpointer       data,
                          GDestroyNotify notify)
{
  return attach (g_timeout_source_new (interval_ms), priority, func, data, notify);
}

guint
sse_hub_timeout_add_seconds_full (gint           priority,
                                  guint          interval_s,
                                  GSourceFunc    func,
                                  gpointer       data,
                                  GDestroyNotify notify)
{
  return attach (g_timeout_source_new_seconds (interval_s), priority, func, data, notify);
}

guint
sse_hub_idle_add_full (gint           priority,
                       GSourceFunc    func,
                       gpointer       data,
                       GDestroyNotify notify)
{
  return attach (g_idle_source_new (), priority, func, data, notify);
}

guint
sse_hub_fd_add_full (gint              priority,
                     int               fd,
                     GIOCondition      condition,
                     GUnixFDSourceFunc func,
                     gpointer          data,
                     GDestroyNotify    notify)
{
  return attach (g_unix_fd_source_new (fd, condition), priority, G_SOURCE_FUNC (func), data,
                 notify);
}

void
sse_hub_source_remove (guint id)
{
  GSource *source = g_main_context_find_source_by_id (g_main_context_get_thread_default (), id);

  g_return_if_fail (source != NULL);
  g_source_destroy (source);
}
