/* Decimal numbers as slots and findings write them, on every message:
   how many digits a number has, and its digits.  */
#ifndef CCFIX_DECIMAL_H
#define CCFIX_DECIMAL_H

#include <stdint.h>

/* The digits of V (1 for 0, 20 at most).  */
unsigned decimal_digits (uint64_t v);

/* Write the N digits of V, N being decimal_digits (V), to P.  */
void decimal_put (unsigned char *p, unsigned n, uint64_t v);

#endif
