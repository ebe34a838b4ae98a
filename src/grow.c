/* Arrays that grow.  */
#include <config.h>
#include "grow.h"

#include <stdint.h>
#include <stdlib.h>

void *
grow_room (void *p, size_t *cap, size_t need, size_t size)
{
  size_t n = *cap ? *cap : 16;
  while (n < need)
    {
      if (n > SIZE_MAX / 2)
        return NULL;
      n *= 2;
    }
  if (n > SIZE_MAX / size)
    return NULL;
  void *q = realloc (p, n * size);
  if (q)
    *cap = n;
  return q;
}
