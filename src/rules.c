/* The rules.  */
#include <config.h>
#include "rules.h"
#include "decimal.h"

#include <stdlib.h>
#include <string.h>

/* A count that does not include its own slot: it keeps its slot when
   right, else takes the slot's width when the digits fit.  */
static struct count
settle (const struct fslot *s, uint64_t value)
{
  struct count c = { value, s->info.width, 0 };
  if (s->info.cls == SLOT_VALID && s->info.value == value)
    return c;
  c.change = 1;
  c.width = slot_new_width (s->info.width, value);
  return c;
}

/* A self-inclusive count: BASE plus its own slot line (its digits and an
   EOL of EOL bytes), whose length depends on the digits written into it.  */
static struct count
settle_self (const struct fslot *s, uint64_t base, uint64_t eol)
{
  uint64_t w = s->info.width;
  struct count c = { base + w + eol, w, 0 };
  if (s->info.cls == SLOT_VALID && s->info.value == c.value)
    return c;
  c.change = 1;
  if (decimal_digits (c.value) <= w)
    return c;
  /* Too narrow: the fewest digits that count themselves.  digits(base+d)
     - d falls by at most one per step, from >= 0 to < 0, so some d hits
     zero exactly.  */
  for (uint64_t d = 1;; d++)
    if (decimal_digits (base + d + eol) == d)
      {
        c.value = base + d + eol;
        c.width = d;
        return c;
      }
}

int
recount_reserve (const struct frame *f, struct recount *rc)
{
  if (f->nitems <= rc->cap)
    return 0;
  struct count *p = realloc (rc->items, f->nitems * sizeof *p);
  if (p)
    rc->items = p;
  struct item_sizes *z = realloc (rc->item_sizes, f->nitems * sizeof *z);
  if (z)
    rc->item_sizes = z;
  if (!p || !z)
    return -1;
  rc->cap = f->nitems;
  return 0;
}

static uint64_t
eol_of (const struct fslot *s)
{
  return s->next - s->off - s->info.width;
}

/* The recount from Z, RC having room for F's items; inline in both
   callers, as recount_message is asked of every message.  */
static inline void
recount (const struct frame *f, const struct sizes *z, struct rule rule,
         struct recount *rc)
{
  uint64_t contents = 0;
  for (size_t i = 0; i < f->nitems; i++)
    {
      const struct item_sizes *iz = &z->items[i];
      rc->items[i] = settle (&f->items[i].slot, iz->data);
      contents += iz->before + iz->line + rc->items[i].width + iz->slot_eol
                  + iz->data;
    }
  rc->contents = rule.from == FROM_SLOT
                 ? settle (&f->cslot, contents)
                 : settle_self (&f->cslot, z->contents_line + contents,
                                z->cslot_eol);
  uint64_t message = z->headers + z->contents_line + rc->contents.width
                     + z->cslot_eol + contents
                     + (rule.to == TO_NEXT ? z->separators : 0);
  rc->msg = rule.from == FROM_SLOT
            ? settle (&f->mslot, message)
            : settle_self (&f->mslot, z->message_line + message,
                           z->mslot_eol);
}

int
recount_message (const struct frame *f, struct rule rule, struct recount *rc)
{
  if (recount_reserve (f, rc) < 0)
    return -1;
  struct sizes z = {
    .message_line = f->mslot.off - f->off,
    .mslot_eol = eol_of (&f->mslot),
    .headers = f->contents_off - f->mslot.next,
    .contents_line = f->cslot.off - f->contents_off,
    .cslot_eol = eol_of (&f->cslot),
    .separators = f->end - f->contents_end,
    .items = rc->item_sizes,
  };
  uint64_t prev = f->cslot.next;
  for (size_t i = 0; i < f->nitems; i++)
    {
      const struct fitem *it = &f->items[i];
      struct item_sizes *iz = &z.items[i];
      iz->before = it->off - prev;
      iz->line = it->slot.off - it->off;
      iz->slot_eol = eol_of (&it->slot);
      iz->data = it->data_len;
      prev = it->slot.next + it->data_len;
    }
  recount (f, &z, rule, rc);
  return 0;
}

int
recount_sizes (const struct frame *f, const struct sizes *z,
               struct rule rule, struct recount *rc)
{
  if (recount_reserve (f, rc) < 0)
    return -1;
  recount (f, z, rule, rc);
  return 0;
}

void
recount_free (struct recount *rc)
{
  free (rc->items);
  free (rc->item_sizes);
  rc->items = NULL;
  rc->item_sizes = NULL;
  rc->cap = 0;
}

const char *
count_class_name (const struct fslot *s)
{
  return s->info.cls == SLOT_VALID ? "wrong" : slot_class_name (s->info.cls);
}

unsigned
rule_index (struct rule r)
{
  return (unsigned) r.from * 2 + (unsigned) r.to;
}

struct rule
rule_from_index (unsigned i)
{
  struct rule r = { (enum count_from) (i / 2), (enum count_to) (i % 2) };
  return r;
}

static void
learn_slot (struct learner *l, const struct fslot *s)
{
  if (s->info.cls == SLOT_VALID && s->info.padded)
    l->style[s->info.style]++;
}

void
learn_style (struct learner *l, const struct frame *f)
{
  if (f->status != FRAMED)
    return;
  learn_slot (l, &f->mslot);
  learn_slot (l, &f->cslot);
  for (size_t i = 0; i < f->nitems; i++)
    learn_slot (l, &f->items[i].slot);
}

/* The rules (as a bit set by rule_index) under which the valid contents
   count (CONTENTS) or message count (MESSAGE) of F is right.  A message
   count is judged on the bytes as they stand: where the contents count
   is not valid and its repair would change its slot's width, the message
   count measured another layout, and tells nothing.  */
static int
explaining (const struct frame *f, struct recount *rc, int *contents,
            int *message)
{
  *contents = *message = 0;
  for (unsigned i = 0; i < 4; i++)
    {
      if (recount_message (f, rule_from_index (i), rc) < 0)
        return -1;
      if (f->cslot.info.cls == SLOT_VALID && !rc->contents.change)
        *contents |= 1 << i;
      if (f->mslot.info.cls == SLOT_VALID && !rc->msg.change
          && rc->contents.width == f->cslot.info.width)
        *message |= 1 << i;
    }
  return 0;
}

int
learn_message (struct learner *l, const struct frame *f)
{
  /* Only item counts that frame the message make the counts that enclose
     them evidence: any other framing could have been bent to fit them.  */
  if (f->status != FRAMED || f->evidence != EV_COUNTS)
    return 0;
  struct recount rc = { 0 };
  int contents, message;
  int r = explaining (f, &rc, &contents, &message);
  recount_free (&rc);
  if (r < 0)
    return -1;
  /* A clean message votes for the rules that explain all its counts; one
     whose message count is damaged still tells count-from by its contents
     count, and one whose contents count is damaged votes by its message
     count alone: partial votes, heard only where the clean ones leave a
     tie (QUIRKS).  */
  int clean = contents && message;
  int set = clean ? contents & message : contents | message;
  if (!set)
    return 0;
  uint64_t *votes = clean ? l->votes : l->partial;
  if (clean)
    l->evidence++;
  else
    l->partial_evidence++;
  for (unsigned i = 0; i < 4; i++)
    if (set & (1 << i))
      votes[i]++;
  return 1;
}

struct rule
learned_rule (const struct learner *l, int from, int to)
{
  unsigned best = 4;
  for (unsigned i = 0; i < 4; i++)
    {
      struct rule r = rule_from_index (i);
      if ((from != RULE_AUTO && (int) r.from != from)
          || (to != RULE_AUTO && (int) r.to != to))
        continue;
      if (best == 4 || l->votes[i] > l->votes[best]
          || (l->votes[i] == l->votes[best]
              && l->partial[i] > l->partial[best]))
        best = i;
    }
  return rule_from_index (best);
}

enum slot_style
learned_style (const struct learner *l)
{
  enum slot_style best = STYLE_LEAD_SPACES;
  for (int s = 1; s < STYLE_COUNT; s++)
    if (l->style[s] > l->style[best])
      best = (enum slot_style) s;
  return best;
}
