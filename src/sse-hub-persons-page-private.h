/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sse-hub-persons-page.h"

G_BEGIN_DECLS

/* For the window's test API: the widgets a user types into or reads. */
GtkEditable   *sse_hub_persons_page_get_name_entry       (SseHubPersonsPage *self);
GtkSpinButton *sse_hub_persons_page_get_age_spin         (SseHubPersonsPage *self);
GtkLabel      *sse_hub_persons_page_get_form_error_label (SseHubPersonsPage *self);
GtkColumnView *sse_hub_persons_page_get_view             (SseHubPersonsPage *self);
GtkLabel      *sse_hub_persons_page_get_refusal_label    (SseHubPersonsPage *self);

G_END_DECLS
