/* Decimal numbers as slots and findings write them, on every message:
   how many digits a number has, without a loop (counts of two and of
   three digits come in any order, and the exit of a loop that ran once a
   digit was mispredicted about every other slot), and its digits, two a
   step.  */
#ifndef CCFIX_DECIMAL_H
#define CCFIX_DECIMAL_H

#include <stdint.h>
#include <string.h>

extern const uint64_t decimal_ten[20];     /* 10 to the power of i */
extern const char decimal_pairs[200];      /* "00" to "99" */

/* The digits of V (1 for 0, 20 at most).  */
static inline unsigned
decimal_digits (uint64_t v)
{
  /* V | 1 has as many digits as V (no power of ten above 1 is odd), and
     0 has one.  */
  v |= 1;
#if defined __GNUC__
  /* 1233 / 4096 is just above log10 (2): the bit length gives the
     digits, or one less.  */
  unsigned d = ((64 - (unsigned) __builtin_clzll (v)) * 1233) >> 12;
  return d + (v >= decimal_ten[d]);
#else
  unsigned d = 1;
  for (unsigned i = 1; i < 20; i++)
    d += v >= decimal_ten[i];
  return d;
#endif
}

/* Write the N digits of V, N being decimal_digits (V), to P: two digits a
   division, from the last one back.  */
static inline void
decimal_put (unsigned char *p, unsigned n, uint64_t v)
{
  p += n;
  for (; v >= 100; v /= 100)
    {
      p -= 2;
      memcpy (p, decimal_pairs + 2 * (v % 100), 2);
    }
  if (v >= 10)
    memcpy (p - 2, decimal_pairs + 2 * v, 2);
  else
    p[-1] = (unsigned char) ('0' + v);
}

#endif
