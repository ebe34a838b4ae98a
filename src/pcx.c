/* Fax items.  */
#include <config.h>
#include "pcx.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int
pcx_detect (const unsigned char *p, size_t n)
{
  return n >= 3 && p[0] == 0x0a && p[1] <= 5 && p[2] == 1;
}

char *
pcx_fax_name (const char *title, size_t n, uint64_t k, int is_pcx)
{
  while (n > 0 && *title == ' ')
    {
      title++;
      n--;
    }
  while (n > 0 && title[n - 1] == ' ')
    n--;
  const char *ext = is_pcx ? ".pcx" : "";
  if (n >= 4 && strncasecmp (title + n - 4, ".pcx", 4) == 0)
    ext = "";
  /* "fax-", 20 digits, ".pcx" and the NUL.  */
  char *name = malloc (n > 0 ? n + strlen (ext) + 1 : 29);
  if (!name)
    return NULL;
  if (n == 0)
    snprintf (name, 29, "fax-%" PRIu64 "%s", k, ext);
  else
    {
      memcpy (name, title, n);
      strcpy (name + n, ext);
    }
  return name;
}
