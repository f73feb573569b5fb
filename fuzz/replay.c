/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs a fuzz harness over its seed corpus and every input the fuzzer ever
 * found, without libFuzzer: part of the normal test suite.  A failing
 * input aborts, naming the assertion. */
#include <glib.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
main (int   argc,
      char *argv[])
{
  guint n_inputs = 0;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (argv[i], name, NULL);
          g_autofree char *contents = NULL;
          gsize length;

          if (!g_file_get_contents (path, &contents, &length, NULL))
            continue;
          g_printerr ("# %s\n", path);
          LLVMFuzzerTestOneInput ((const guint8 *) contents, length);
          n_inputs++;
        }
    }

  g_print ("1..1\n");
  if (n_inputs == 0)
    {
      g_print ("not ok 1 - no inputs found\n");
      return 1;
    }
  g_print ("ok 1 - %u inputs\n", n_inputs);
  return 0;
}
