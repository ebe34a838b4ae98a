/* Replay files through the fuzz target without libFuzzer: the seed corpus
   and any crash file, under a plain compiler, ASan or valgrind.  */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
main (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      FILE *f = fopen (argv[i], "rb");
      if (!f)
        {
          perror (argv[i]);
          return 2;
        }
      uint8_t *buf = NULL;
      size_t n = 0, cap = 0;
      for (;;)
        {
          if (n == cap && !(buf = realloc (buf, cap = cap ? 2 * cap : 4096)))
            return 2;
          size_t k = fread (buf + n, 1, cap - n, f);
          if (k == 0)
            break;
          n += k;
        }
      fclose (f);
      LLVMFuzzerTestOneInput (buf, n);
      free (buf);
    }
  printf ("fuzz replay: %d passed, 0 failed\n", argc - 1);
  return 0;
}
