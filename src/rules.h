/* The rules: what each count measures, and which counting rule and slot
   style a stream uses.  Above framing: it recounts framed messages and
   learns from them.  */
#ifndef CCFIX_RULES_H
#define CCFIX_RULES_H

#include <stddef.h>
#include <stdint.h>
#include "frame.h"
#include "slot.h"

/* -1 in a forced rule's field: learn it.  */
#define RULE_AUTO (-1)

/* A count as it should be, and whether its slot must change.  */
struct count
{
  uint64_t value;
  uint64_t width;              /* of the slot once written */
  int change;                  /* the slot is rewritten */
};

/* The lengths of a message's parts as they will be written, slots apart:
   the input's lengths, or those after a change of code page.  */
struct item_sizes
{
  uint64_t before;             /* blank lines before the item line */
  uint64_t line;               /* the item line with its EOL */
  uint64_t slot_eol;
  uint64_t data;
};

struct sizes
{
  uint64_t message_line;       /* "Message:" with its EOL */
  uint64_t mslot_eol;
  uint64_t headers;
  uint64_t contents_line;      /* "Contents:" with its EOL */
  uint64_t cslot_eol;
  uint64_t separators;         /* from the end of the contents to the end */
  struct item_sizes *items;    /* one per item of the frame */
};

struct recount
{
  struct count msg, contents;
  struct count *items;
  size_t cap;
  struct item_sizes *item_sizes;   /* for recount_message's own sizes */
};

/* The counts of a framed message under RULE, inner first so that a widened
   slot is counted by every count that encloses it.  -1 when out of memory.  */
int recount_message (const struct frame *f, struct rule rule,
                     struct recount *rc);
/* The same from the lengths Z the parts will have when written.  */
int recount_sizes (const struct frame *f, const struct sizes *z,
                   struct rule rule, struct recount *rc);
/* Slot K of the framed message F (0 message, 1 contents, 2 + i item i)
   and, in *C, the count RC gives it: asked of every slot of every
   message written.  */
static inline const struct fslot *
recount_slot (const struct frame *f, const struct recount *rc, size_t k,
              const struct count **c)
{
  *c = k == 0 ? &rc->msg : k == 1 ? &rc->contents : &rc->items[k - 2];
  return k == 0 ? &f->mslot : k == 1 ? &f->cslot : &f->items[k - 2].slot;
}
/* Room for F's items in RC; -1 when out of memory.  */
int recount_reserve (const struct frame *f, struct recount *rc);
void recount_free (struct recount *rc);

/* The class a finding gives a slot that changes: blank, invalid or, for a
   valid one, wrong.  */
const char *count_class_name (const struct fslot *s);

struct learner
{
  uint64_t votes[4];           /* per rule, in rule_index order: clean
                                  messages */
  uint64_t partial[4];         /* messages with one of the two damaged */
  uint64_t evidence;           /* clean messages that voted */
  uint64_t partial_evidence;   /* and the others */
  uint64_t style[STYLE_COUNT];
};

unsigned rule_index (struct rule r);
struct rule rule_from_index (unsigned i);

/* Take a framed message's valid padded slots as votes for the style.  */
void learn_style (struct learner *l, const struct frame *f);
/* When its item counts framed it, take a message's valid message and
   contents counts as votes for the rules that explain them.  Returns 1
   when it voted, 0 when not, -1 when out of memory.  */
int learn_message (struct learner *l, const struct frame *f);

/* The rule with the most votes of clean messages among those that agree
   with the forced parts (FROM and TO are RULE_AUTO or a value); ties go to
   the most partial votes, then slot before keyword, data before next.  */
struct rule learned_rule (const struct learner *l, int from, int to);
enum slot_style learned_style (const struct learner *l);

#endif
