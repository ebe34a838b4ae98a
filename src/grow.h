/* Arrays that grow as they are filled.  */
#ifndef CCFIX_GROW_H
#define CCFIX_GROW_H

#include <stddef.h>

/* P, which has room for *CAP elements of SIZE bytes, with room for at
   least NEED: doubled, so that filling it one element at a time costs
   linear time.  NULL when out of memory (P and *CAP then unchanged).  */
void *grow_room (void *p, size_t *cap, size_t need, size_t size);

/* Asked for every message and item: nearly always there is room.  */
static inline void *
grow (void *p, size_t *cap, size_t need, size_t size)
{
  return need <= *cap ? p : grow_room (p, cap, need, size);
}

#endif
