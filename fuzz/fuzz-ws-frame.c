/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The WebSocket client frame parser, over bytes as a client could send
 * them: frames are read one after another until more is needed or one is
 * refused, and every frame read must lie inside the input, unmasked in
 * place, within the hub's limits.  Each whole text payload then goes to
 * the client-message reader, which must answer or refuse it. */
#include <string.h>

#include "sse-hub-websocket.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  /* Never NULL, even for no input: the parser is given a real buffer. */
  g_autofree guint8 *buffer = g_malloc (size + 1);
  gsize offset = 0;

  memcpy (buffer, data, size);
  for (;;)
    {
      SseHubWsFrame frame;
      SseHubWsParseResult result = sse_hub_ws_parse_frame (buffer + offset, size - offset,
                                                           SSE_HUB_WS_MESSAGE_MAX_BYTES, &frame);

      if (result == SSE_HUB_WS_PARSE_NEED_MORE)
        break;
      if (result == SSE_HUB_WS_PARSE_ERROR)
        {
          g_assert_true (frame.close_code == SSE_HUB_WS_CLOSE_PROTOCOL ||
                         frame.close_code == SSE_HUB_WS_CLOSE_TOO_BIG);
          g_assert_nonnull (frame.reason);
          break;
        }

      g_assert_cmpuint (frame.consumed, >, 0);
      g_assert_cmpuint (frame.consumed, <=, size - offset);
      g_assert_true (frame.payload >= buffer + offset);
      g_assert_true (frame.payload + frame.length == buffer + offset + frame.consumed);
      g_assert_cmpuint (frame.length, <=, SSE_HUB_WS_MESSAGE_MAX_BYTES);
      if (frame.opcode >= SSE_HUB_WS_OP_CLOSE)
        g_assert_true (frame.fin && frame.length <= 125);

      if (frame.opcode == SSE_HUB_WS_OP_TEXT && frame.fin)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *name = NULL;
          g_autofree char *id = NULL;
          gint64 age = -1;

          if (sse_hub_ws_parse_client_message ((const char *) frame.payload, frame.length,
                                               &name, &age, &id, &error))
            g_assert_true (name != NULL && age >= 0);
          else
            g_assert_nonnull (error);
        }
      offset += frame.consumed;
    }

  return 0;
}
