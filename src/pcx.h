/* Fax items: recognising the PCX images cc:Mail's fax gateway stored, and
   the file name a fax attachment gets.  */
#ifndef CCFIX_PCX_H
#define CCFIX_PCX_H

#include <stddef.h>
#include <stdint.h>

/* 1 when the N bytes at P (the start of an item's data) start like a PCX
   image: the manufacturer byte 0x0A, a version of 0 to 5, encoding 1.  */
int pcx_detect (const unsigned char *p, size_t n);

/* The file name of the fax item numbered K (from 1) in its message,
   malloc'd: its title TITLE (N bytes, UTF-8) less surrounding spaces,
   with ".pcx" added when IS_PCX and the title does not end in it, or
   "fax-K.pcx" (IS_PCX) or "fax-K" when the title is blank.  NULL with
   errno set when out of memory.  */
char *pcx_fax_name (const char *title, size_t n, uint64_t k, int is_pcx);

#endif
