/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sse-hub-idempotency.h"
#include "sse-hub-wire.h"

typedef struct
{
  SseHubIdempotency *owner;
  char              *key;       /* scope, a newline, the key */
  char              *digest;    /* of the first request's body */
  gint64             answered;  /* monotonic µs; 0 while the first is pending */
  guint              status;
  GBytes            *answer;
  SoupServerMessage *first;     /* weak: the request that stores, while pending */
  GPtrArray         *waiters;   /* SoupServerMessage (ref), paused, while pending */
  GList             *link;      /* in owner->answered, once answered */
} Entry;

struct _SseHubIdempotency
{
  GHashTable *entries;   /* key → Entry (owned) */
  GQueue      answered;  /* Entry (borrowed), oldest answer first */
  guint       max_keys;
  gint64      ttl_us;
};

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  if (entry->link != NULL)
    g_queue_delete_link (&entry->owner->answered, entry->link);
  if (entry->first != NULL)
    {
      g_signal_handlers_disconnect_by_data (entry->first, entry);
      g_object_remove_weak_pointer (G_OBJECT (entry->first), (gpointer *) &entry->first);
    }
  g_free (entry->key);
  g_free (entry->digest);
  g_clear_pointer (&entry->answer, g_bytes_unref);
  g_clear_pointer (&entry->waiters, g_ptr_array_unref);
  g_free (entry);
}

SseHubIdempotency *
sse_hub_idempotency_new (guint max_keys,
                         guint ttl_seconds)
{
  SseHubIdempotency *self = g_new0 (SseHubIdempotency, 1);

  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, entry_free);
  g_queue_init (&self->answered);
  sse_hub_idempotency_set_limits (self, max_keys, ttl_seconds);
  return self;
}

void
sse_hub_idempotency_free (SseHubIdempotency *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->entries);
  g_free (self);
}

static void
forget_expired (SseHubIdempotency *self)
{
  gint64 now = g_get_monotonic_time ();

  while (!g_queue_is_empty (&self->answered))
    {
      Entry *oldest = g_queue_peek_head (&self->answered);

      if (self->answered.length <= self->max_keys && now - oldest->answered < self->ttl_us)
        break;
      g_hash_table_remove (self->entries, oldest->key);
    }
}

void
sse_hub_idempotency_set_limits (SseHubIdempotency *self,
                                guint              max_keys,
                                guint              ttl_seconds)
{
  self->max_keys = MAX (max_keys, 1);
  self->ttl_us = (gint64) ttl_seconds * G_USEC_PER_SEC;
  forget_expired (self);
}

guint
sse_hub_idempotency_get_n_keys (SseHubIdempotency *self)
{
  forget_expired (self);
  return self->answered.length;
}

static void
answer (SoupServerMessage *message,
        guint              status,
        GBytes            *body)
{
  gsize size;
  const char *data = g_bytes_get_data (body, &size);

  soup_server_message_set_status (message, status, status == 429 ? "Too Many Requests" : NULL);
  soup_server_message_set_response (message, "application/json; charset=utf-8",
                                    SOUP_MEMORY_COPY, data, size);
  soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                SSE_HUB_IDEMPOTENCY_REPLAY_HEADER, "true");
}

/* The first request is done (answered, refused or cut off): a success is
 * kept, anything else forgotten, and repeats waiting get the same. */
static void
on_first_finished (SoupServerMessage *message,
                   Entry             *entry)
{
  SseHubIdempotency *self = entry->owner;
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&entry->waiters);
  SoupMessageBody *body = soup_server_message_get_response_body (message);
  guint status = soup_server_message_get_status (message);

  g_signal_handlers_disconnect_by_data (message, entry);
  g_object_remove_weak_pointer (G_OBJECT (message), (gpointer *) &entry->first);
  entry->first = NULL;
  entry->status = status;
  entry->answer = body != NULL ? soup_message_body_flatten (body) : g_bytes_new (NULL, 0);
  for (guint i = 0; i < waiters->len; i++)
    {
      SoupServerMessage *waiter = g_ptr_array_index (waiters, i);

      answer (waiter, entry->status, entry->answer);
      soup_server_message_unpause (waiter);
    }

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      entry->answered = g_get_monotonic_time ();
      g_queue_push_tail (&self->answered, entry);
      entry->link = g_queue_peek_tail_link (&self->answered);
      forget_expired (self);
    }
  else
    g_hash_table_remove (self->entries, entry->key);
}

/* The draft's key is a structured-field string ("..."); a bare token is
 * taken too, as curl users write it. */
static char *
parse_key (const char  *header,
           GError     **error)
{
  g_autofree char *key = g_strstrip (g_strdup (header));
  gsize length = strlen (key);

  if (length >= 2 && key[0] == '"' && key[length - 1] == '"')
    {
      memmove (key, key + 1, length - 2);
      key[length - 2] = '\0';
      length -= 2;
    }

  if (length == 0 || length > SSE_HUB_IDEMPOTENCY_KEY_MAX)
    {
      g_set_error (error, SSE_HUB_ERROR, SSE_HUB_ERROR_BAD_REQUEST,
                   _("An Idempotency-Key must have 1 to %d characters"),
                   SSE_HUB_IDEMPOTENCY_KEY_MAX);
      return NULL;
    }
  for (gsize i = 0; i < length; i++)
    if (key[i] < 0x21 || key[i] > 0x7e || key[i] == '"' || key[i] == '\\')
      {
        g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_BAD_REQUEST,
                             _("An Idempotency-Key must be printable ASCII without spaces or quotes"));
        return NULL;
      }

  return g_steal_pointer (&key);
}

SseHubIdempotencyVerdict
sse_hub_idempotency_begin (SseHubIdempotency *self,
                           SoupServerMessage *message,
                           const char        *scope,
                           GBytes            *body,
                           GError           **error)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (message),
                                                     SSE_HUB_IDEMPOTENCY_HEADER);
  g_autofree char *key = NULL;
  g_autofree char *scoped = NULL;
  g_autofree char *digest = NULL;
  Entry *entry;

  if (header == NULL)
    return SSE_HUB_IDEMPOTENCY_PROCEED;

  key = parse_key (header, error);
  if (key == NULL)
    return SSE_HUB_IDEMPOTENCY_INVALID;

  forget_expired (self);
  scoped = g_strconcat (scope, "\n", key, NULL);
  digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
  entry = g_hash_table_lookup (self->entries, scoped);

  if (entry != NULL)
    {
      /* The draft answers 422 here; a plain 400 says the same to a page. */
      if (!g_str_equal (entry->digest, digest))
        {
          g_set_error_literal (error, SSE_HUB_ERROR, SSE_HUB_ERROR_BAD_REQUEST,
                               _("This Idempotency-Key was already used for another request"));
          return SSE_HUB_IDEMPOTENCY_INVALID;
        }

      if (entry->answer != NULL)
        answer (message, entry->status, entry->answer);
      else
        {
          g_ptr_array_add (entry->waiters, g_object_ref (message));
          soup_server_message_pause (message);
        }
      return SSE_HUB_IDEMPOTENCY_ANSWERED;
    }

  entry = g_new0 (Entry, 1);
  entry->owner = self;
  entry->key = g_steal_pointer (&scoped);
  entry->digest = g_steal_pointer (&digest);
  entry->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_insert (self->entries, entry->key, entry);
  /* The answer is kept once written, or when the message ends however it
   * ends (a kept-alive connection is stolen after writing, so "finished"
   * never comes; a peer gone before the answer gets no "wrote-headers"):
   * a hub that stored the person before the peer left still remembers it. */
  entry->first = message;
  g_object_add_weak_pointer (G_OBJECT (message), (gpointer *) &entry->first);
  g_signal_connect (message, "wrote-headers", G_CALLBACK (on_first_finished), entry);
  g_signal_connect (message, "finished", G_CALLBACK (on_first_finished), entry);

  return SSE_HUB_IDEMPOTENCY_PROCEED;
}
