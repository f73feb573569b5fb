/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ThreadSanitizer cannot see GLib's GMutex (futexes in Debian's
 * uninstrumented GLib): a mailbox tells it where items change hands, so
 * that what it reports is a real race. */
#if defined(__SANITIZE_THREAD__)
# define SSE_HUB_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define SSE_HUB_TSAN 1
# endif
#endif
#ifdef SSE_HUB_TSAN
void __tsan_acquire (void *addr);
void __tsan_release (void *addr);
# define sse_hub_tsan_acquire(addr) __tsan_acquire (addr)
# define sse_hub_tsan_release(addr) __tsan_release (addr)
#else
# define sse_hub_tsan_acquire(addr) ((void) (addr))
# define sse_hub_tsan_release(addr) ((void) (addr))
#endif

/* A queue one thread appends to and another's context takes from, in
 * order.  Its GSource is woken (ready time 0) when the queue goes from
 * empty to not, so a burst costs the reader one dispatch. */
typedef struct
{
  GMutex   lock;
  GQueue   items;
  GSource *source;
} SseHubMailbox;

void     sse_hub_mailbox_init   (SseHubMailbox  *box,
                                 GMainContext   *context,
                                 gint            priority,
                                 GSourceFunc     drain,
                                 gpointer        data);
void     sse_hub_mailbox_post   (SseHubMailbox  *box,
                                 gpointer        item);
/* One item from the head, or NULL. */
gpointer sse_hub_mailbox_take   (SseHubMailbox  *box);
/* How many wait; wakes the reader again when any do (what arrived during
 * a drain woke nobody). */
guint    sse_hub_mailbox_length (SseHubMailbox  *box);
void     sse_hub_mailbox_clear  (SseHubMailbox  *box,
                                 GDestroyNotify  free_item);

G_END_DECLS
