/* Decimal numbers.  Neither has a loop that depends on the number of
   digits one digit at a time: counts of two and of three digits come
   in any order, and each such loop's exit would be mispredicted on
   nearly every other one.  */
#include <config.h>
#include "decimal.h"

#include <string.h>

unsigned
decimal_digits (uint64_t v)
{
  static const uint64_t ten[20] = {
    UINT64_C (1), UINT64_C (10), UINT64_C (100), UINT64_C (1000),
    UINT64_C (10000), UINT64_C (100000), UINT64_C (1000000),
    UINT64_C (10000000), UINT64_C (100000000), UINT64_C (1000000000),
    UINT64_C (10000000000), UINT64_C (100000000000),
    UINT64_C (1000000000000), UINT64_C (10000000000000),
    UINT64_C (100000000000000), UINT64_C (1000000000000000),
    UINT64_C (10000000000000000), UINT64_C (100000000000000000),
    UINT64_C (1000000000000000000), UINT64_C (10000000000000000000)
  };
  /* V | 1 has as many digits as V (no power of ten above 1 is odd), and
     0 has one.  */
  v |= 1;
#if defined __GNUC__
  /* 1233 / 4096 is just above log10 (2): the bit length gives the
     digits, or one less.  */
  unsigned d = ((64 - (unsigned) __builtin_clzll (v)) * 1233) >> 12;
  return d + (v >= ten[d]);
#else
  unsigned d = 1;
  for (unsigned i = 1; i < 20; i++)
    d += v >= ten[i];
  return d;
#endif
}

void
decimal_put (unsigned char *p, unsigned n, uint64_t v)
{
  static const char pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";
  /* Two digits a division, from the last one back.  */
  p += n;
  for (; v >= 100; v /= 100)
    {
      p -= 2;
      memcpy (p, pairs + 2 * (v % 100), 2);
    }
  if (v >= 10)
    memcpy (p - 2, pairs + 2 * v, 2);
  else
    p[-1] = (unsigned char) ('0' + v);
}
