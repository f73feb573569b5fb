/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sse-hub-person.h"
#include "sse-hub-wire.h"

struct _SseHubPerson
{
  GObject parent_instance;

  char   *name;
  gint64  age;
  char   *json;  /* the wire text, made once: the list and journal reuse it */
  char   *added_by;  /* not on the wire: for the presenter only */
};

G_DEFINE_FINAL_TYPE (SseHubPerson, sse_hub_person, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_AGE,
  PROP_ADDED_BY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sse_hub_person_finalize (GObject *object)
{
  SseHubPerson *self = SSE_HUB_PERSON (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->json, g_free);
  g_clear_pointer (&self->added_by, g_free);

  G_OBJECT_CLASS (sse_hub_person_parent_class)->finalize (object);
}

static void
sse_hub_person_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SseHubPerson *self = SSE_HUB_PERSON (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_AGE:
      g_value_set_int64 (value, self->age);
      break;
    case PROP_ADDED_BY:
      g_value_set_string (value, self->added_by);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sse_hub_person_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SseHubPerson *self = SSE_HUB_PERSON (object);

  switch (prop_id)
    {
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;
    case PROP_AGE:
      self->age = g_value_get_int64 (value);
      break;
    case PROP_ADDED_BY:
      self->added_by = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sse_hub_person_constructed (GObject *object)
{
  SseHubPerson *self = SSE_HUB_PERSON (object);

  G_OBJECT_CLASS (sse_hub_person_parent_class)->constructed (object);

  self->json = sse_hub_person_json (self->name, self->age);
}

static void
sse_hub_person_class_init (SseHubPersonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sse_hub_person_constructed;
  object_class->finalize = sse_hub_person_finalize;
  object_class->get_property = sse_hub_person_get_property;
  object_class->set_property = sse_hub_person_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AGE] =
    g_param_spec_int64 ("age", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ADDED_BY] =
    g_param_spec_string ("added-by", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sse_hub_person_init (SseHubPerson *self)
{
}

SseHubPerson *
sse_hub_person_new (const char *name,
                    gint64      age)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_object_new (SSE_HUB_TYPE_PERSON, "name", name, "age", age, NULL);
}

SseHubPerson *
sse_hub_person_new_added_by (const char *name,
                             gint64      age,
                             const char *added_by)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_object_new (SSE_HUB_TYPE_PERSON, "name", name, "age", age, "added-by", added_by, NULL);
}

const char *
sse_hub_person_get_added_by (SseHubPerson *self)
{
  g_return_val_if_fail (SSE_HUB_IS_PERSON (self), NULL);

  return self->added_by;
}

const char *
sse_hub_person_get_name (SseHubPerson *self)
{
  g_return_val_if_fail (SSE_HUB_IS_PERSON (self), NULL);

  return self->name;
}

gint64
sse_hub_person_get_age (SseHubPerson *self)
{
  g_return_val_if_fail (SSE_HUB_IS_PERSON (self), 0);

  return self->age;
}

const char *
sse_hub_person_get_json (SseHubPerson *self)
{
  g_return_val_if_fail (SSE_HUB_IS_PERSON (self), NULL);

  return self->json;
}
