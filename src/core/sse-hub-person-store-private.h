/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by the person store's list half (sse-hub-person-store.c) and its
 * file half (sse-hub-person-store-file.c: load, compaction, read-only). */

#include "sse-hub-journal.h"
#include "sse-hub-person-store.h"

G_BEGIN_DECLS

typedef enum
{
  CHANGE_ADD,
  CHANGE_REMOVE,
  CHANGE_CLEAR,
} ChangeKind;

typedef struct
{
  ChangeKind    kind;
  SseHubPerson *person;    /* CHANGE_ADD */
  guint         position;  /* CHANGE_REMOVE */
} Change;

struct _SseHubPersonStore
{
  GObject    parent_instance;

  /* owned */
  GPtrArray *persons;
  char      *path;
  GString   *json;       /* the list's wire text, NULL until assembled again */

  SseHubJournal *journal; /* NULL when memory-only or closed */
  GPtrArray *unsaved;        /* memory-only: tasks of the next batch */
  guint      unsaved_source;
  gint64     unsaved_since;  /* main-loop time of the newest of them */
  guint      n_pending;      /* changes queued, not yet saved */
  guint      pending_len;    /* the list's length once they are */
  guint64    revision;
  guint      max_persons;
  gboolean   read_only;      /* the disk is full: nothing is written */
  guint      retry_source;   /* while read-only: the next attempt to write */
};

void _sse_hub_person_store_close_journal (SseHubPersonStore *self);
void _sse_hub_person_store_json_forget   (SseHubPersonStore *self);
void _sse_hub_person_store_changed       (SseHubPersonStore *self,
                                          guint              position,
                                          guint              removed,
                                          guint              added);
void _sse_hub_person_store_on_batch      (const SseHubJournalResult *results,
                                          guint                      n_results,
                                          gpointer                   user_data);
void _sse_hub_person_store_set_read_only (SseHubPersonStore *self,
                                          gboolean           read_only);
/* A full disk: the list stays as read, refused changes, retries until a
 * write succeeds (sse-hub-person-store-file.c). */
void _sse_hub_person_store_disk_full     (SseHubPersonStore *self);

G_END_DECLS
