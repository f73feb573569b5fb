/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The presenter's custom events: the names the pages have been told of,
 * the room left for new ones, and the ids they carry on the wire. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sse-hub-fanout-private.h"
#include "sse-hub-wire.h"

const char * const *
sse_hub_fanout_get_event_names (SseHubFanout *self)
{
  g_return_val_if_fail (SSE_HUB_IS_FANOUT (self), NULL);
  return (const char * const *) self->event_names->pdata;
}

gboolean
sse_hub_fanout_check_custom_event (SseHubFanout  *self,
                                   const char    *name,
                                   const char    *id,
                                   const char    *data,
                                   guint          max_names,
                                   GError       **error)
{
  g_return_val_if_fail (SSE_HUB_IS_FANOUT (self), FALSE);

  if (!sse_hub_validate_custom_event (name, id, data, error))
    return FALSE;

  if (!g_ptr_array_find_with_equal_func (self->event_names, name, g_str_equal, NULL) &&
      self->event_names->len >= max_names)
    {
      g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_INVALID_EVENT_NAME,
                   _("The pages already know %d event names; reuse one of them"),
                   (int) max_names);
      return FALSE;
    }

  return TRUE;
}

gboolean
sse_hub_fanout_announce_event_name (SseHubFanout *self,
                                    const char   *name)
{
  g_return_val_if_fail (SSE_HUB_IS_FANOUT (self), FALSE);

  if (g_ptr_array_find_with_equal_func (self->event_names, name, g_str_equal, NULL))
    return FALSE;

  g_ptr_array_add (self->event_names, g_strdup (name));
  return TRUE;
}

guint
sse_hub_fanout_publish_custom_event (SseHubFanout *self,
                                     const char   *name,
                                     const char   *id,
                                     const char   *data)
{
  g_autofree char *revision = NULL;

  g_return_val_if_fail (SSE_HUB_IS_FANOUT (self), 0);

  /* EventSource keeps the last id for every later event: after an event
   * with an id of its own, one without carries the list's revision again,
   * so a page tells a repeated id from none, and a reconnect resumes the
   * list instead of fetching it again. */
  if (id == NULL && self->custom_id_sent)
    id = revision = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                     sse_hub_person_store_get_revision (self->store));
  self->custom_id_sent = id != NULL && revision == NULL;

  return sse_hub_fanout_publish (self, SSE_HUB_LOG_NOTICE, name, id, data);
}
