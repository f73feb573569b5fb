/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sse-hub-refusal-summary.h"

/* Addresses named in a line; the rest are counted. */
#define NAMED_PEERS 3

typedef struct
{
  char       *what;
  gint64      opened;
  guint       count;
  GPtrArray  *named_peers;  /* the first NAMED_PEERS distinct addresses */
  GHashTable *peers;        /* set of every distinct address */
} Tally;

struct _SseHubRefusalSummary
{
  GObject    parent_instance;

  GPtrArray *tallies;  /* Tally of each kind with an open window, oldest first */
};

G_DEFINE_FINAL_TYPE (SseHubRefusalSummary, sse_hub_refusal_summary, G_TYPE_OBJECT)

static void
tally_free (gpointer data)
{
  Tally *tally = data;

  g_free (tally->what);
  g_ptr_array_unref (tally->named_peers);
  g_hash_table_unref (tally->peers);
  g_free (tally);
}

static void
sse_hub_refusal_summary_finalize (GObject *object)
{
  SseHubRefusalSummary *self = SSE_HUB_REFUSAL_SUMMARY (object);

  g_clear_pointer (&self->tallies, g_ptr_array_unref);

  G_OBJECT_CLASS (sse_hub_refusal_summary_parent_class)->finalize (object);
}

static void
sse_hub_refusal_summary_class_init (SseHubRefusalSummaryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sse_hub_refusal_summary_finalize;
}

static void
sse_hub_refusal_summary_init (SseHubRefusalSummary *self)
{
  self->tallies = g_ptr_array_new_with_free_func (tally_free);
}

SseHubRefusalSummary *
sse_hub_refusal_summary_new (void)
{
  return g_object_new (SSE_HUB_TYPE_REFUSAL_SUMMARY, NULL);
}

static Tally *
find_tally (SseHubRefusalSummary *self,
            const char           *what)
{
  for (guint i = 0; i < self->tallies->len; i++)
    {
      Tally *tally = g_ptr_array_index (self->tallies, i);

      if (g_str_equal (tally->what, what))
        return tally;
    }

  return NULL;
}

void
sse_hub_refusal_summary_add (SseHubRefusalSummary *self,
                             const char           *what,
                             const char           *peer,
                             gint64                now)
{
  Tally *tally;

  g_return_if_fail (SSE_HUB_IS_REFUSAL_SUMMARY (self));
  g_return_if_fail (what != NULL);

  tally = find_tally (self, what);
  if (tally == NULL)
    {
      tally = g_new0 (Tally, 1);
      tally->what = g_strdup (what);
      tally->opened = now;
      tally->named_peers = g_ptr_array_new ();
      tally->peers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_ptr_array_add (self->tallies, tally);
    }

  tally->count++;
  if (peer != NULL && !g_hash_table_contains (tally->peers, peer))
    {
      char *copy = g_strdup (peer);

      g_hash_table_add (tally->peers, copy);
      if (tally->named_peers->len < NAMED_PEERS)
        g_ptr_array_add (tally->named_peers, copy);
    }
}

gint64
sse_hub_refusal_summary_get_next_due (SseHubRefusalSummary *self)
{
  Tally *oldest;

  g_return_val_if_fail (SSE_HUB_IS_REFUSAL_SUMMARY (self), -1);

  if (self->tallies->len == 0)
    return -1;

  oldest = g_ptr_array_index (self->tallies, 0);
  return oldest->opened + SSE_HUB_REFUSAL_SUMMARY_WINDOW_USEC;
}

static char *
tally_line (Tally *tally)
{
  GString *line = g_string_new (NULL);
  guint n_peers = g_hash_table_size (tally->peers);

  g_string_append (line, tally->what);
  g_string_append_printf (line, ": %u in the last second", tally->count);

  for (guint i = 0; i < tally->named_peers->len; i++)
    g_string_append_printf (line, "%s%s", i == 0 ? ", from " : ", ",
                            (const char *) g_ptr_array_index (tally->named_peers, i));
  if (n_peers > tally->named_peers->len)
    g_string_append_printf (line, " and %u more", n_peers - tally->named_peers->len);

  return g_string_free (line, FALSE);
}

GStrv
sse_hub_refusal_summary_take_due (SseHubRefusalSummary *self,
                                  gint64                now)
{
  g_autoptr(GStrvBuilder) lines = g_strv_builder_new ();

  g_return_val_if_fail (SSE_HUB_IS_REFUSAL_SUMMARY (self), NULL);

  /* Oldest first, so the due ones are a prefix. */
  while (self->tallies->len > 0)
    {
      Tally *tally = g_ptr_array_index (self->tallies, 0);
      g_autofree char *line = NULL;

      if (now < tally->opened + SSE_HUB_REFUSAL_SUMMARY_WINDOW_USEC)
        break;

      line = tally_line (tally);
      g_strv_builder_add (lines, line);
      g_ptr_array_remove_index (self->tallies, 0);
    }

  return g_strv_builder_end (lines);
}
