/* Best cut (FORMAT.md, "Framing a message"): when item counts are missing
   or do not land but the end of the contents is known, weigh every way of
   cutting the contents into items at the candidate item lines.  It knows
   slots only: framing finds the candidates and makes items of the cut.  */
#ifndef CCFIX_BESTCUT_H
#define CCFIX_BESTCUT_H

#include <stddef.h>
#include <stdint.h>
#include "slot.h"

/* Candidates are the item lines inside contents that end at END, in
   offset order, the first one where the items begin.  */
struct cut_cand
{
  uint64_t off;                /* the item line */
  uint64_t slot_off;           /* its slot line */
  uint64_t data_off;           /* after the slot line */
  struct slot_info slot;
};

enum cut_result { CUT_OK, CUT_NONE, CUT_TIE, CUT_NOMEM };

/* Choose the items: CHOSEN (room for N) gets their indexes in order.  */
enum cut_result best_cut (const struct cut_cand *c, size_t n, uint64_t end,
                          size_t *chosen, size_t *nchosen);

#endif
