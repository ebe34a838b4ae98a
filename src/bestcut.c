/* Best cut.  */
#include <config.h>
#include "bestcut.h"

#include <stdlib.h>

/* By dynamic programming from the last candidate back.  */

struct cut_best
{
  int64_t score;
  uint64_t items;
  unsigned ways;               /* optimal cuts that reach it, capped at 2 */
  size_t next;                 /* the next chosen candidate, n for the end */
  int ok;
};

static void
consider (struct cut_best *b, int64_t score, uint64_t items, unsigned ways,
          size_t next)
{
  if (!b->ok || score > b->score || (score == b->score && items > b->items))
    {
      b->ok = 1;
      b->score = score;
      b->items = items;
      b->ways = ways;
      b->next = next;
    }
  else if (score == b->score && items == b->items)
    b->ways = b->ways + ways > 2 ? 2 : b->ways + ways;
}

/* What a slot says of a cut that gives its item LEN bytes of data.  */
static int
slot_score (const struct slot_info *s, uint64_t len)
{
  switch (s->cls)
    {
    case SLOT_VALID:
      return s->value == len ? 1 : -1;
    case SLOT_INVALID:
      return -1;
    default:
      return 0;
    }
}

/* The first candidate at or after OFF (candidates are in offset order).  */
static size_t
first_at (const struct cut_cand *c, size_t n, uint64_t off)
{
  size_t lo = 0, hi = n;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (c[mid].off < off)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

enum cut_result
best_cut (const struct cut_cand *c, size_t n, uint64_t end, size_t *chosen,
          size_t *nchosen)
{
  *nchosen = 0;
  if (n == 0)
    return CUT_NONE;
  /* best[i]: the best way to cut from candidate i on; suf[i]: the best
     of best[i..n-1].  */
  struct cut_best *best = calloc (2 * n + 1, sizeof *best);
  if (!best)
    return CUT_NOMEM;
  struct cut_best *suf = best + n;     /* suf[n] stays "none" */
  for (size_t i = n; i-- > 0;)
    {
      struct cut_best *b = &best[i];
      const struct cut_cand *ci = &c[i];
      if (ci->data_off <= end)
        consider (b, slot_score (&ci->slot, end - ci->data_off), 1, 1, n);
      size_t j = first_at (c, n, ci->data_off);
      const struct cut_best *s = &suf[j];
      if (s->ok)
        {
          /* Every later candidate scores alike for a blank or invalid
             slot, and for a valid one all but the one it lands on.  */
          int base = ci->slot.cls == SLOT_BLANK ? 0 : -1;
          consider (b, base + s->score, s->items + 1, s->ways, s->next);
          if (ci->slot.cls == SLOT_VALID)
            {
              size_t k = first_at (c, n, ci->data_off + ci->slot.value);
              if (k < n && c[k].off == ci->data_off + ci->slot.value
                  && best[k].ok)
                consider (b, 1 + best[k].score, best[k].items + 1,
                          best[k].ways, k);
            }
        }
      /* The suffix best remembers where its optimum starts, so that
         "next" above can name the candidate to go to.  */
      suf[i] = suf[i + 1];
      if (b->ok)
        {
          struct cut_best here = *b;
          here.next = i;
          if (!suf[i].ok)
            suf[i] = here;
          else
            consider (&suf[i], here.score, here.items, here.ways, i);
        }
    }
  enum cut_result r = CUT_NONE;
  if (best[0].ok)
    {
      r = best[0].ways > 1 ? CUT_TIE : CUT_OK;
      for (size_t i = 0; i < n; i = best[i].next)
        chosen[(*nchosen)++] = i;
    }
  free (best);
  return r;
}
