/* The rules: what each count measures, which counting rule and slot style
   a stream uses, and how to cut damaged contents into items.  Everything
   FORMAT.md leaves to judgement is decided here.  */
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

struct recount
{
  struct count msg, contents;
  struct count *items;
  size_t cap;
};

/* The counts of a framed message under RULE, inner first so that a widened
   slot is counted by every count that encloses it.  -1 when out of memory.  */
int recount_message (const struct frame *f, struct rule rule,
                     struct recount *rc);
void recount_free (struct recount *rc);

/* The class a finding gives a slot that changes: blank, invalid or, for a
   valid one, wrong.  */
const char *count_class_name (const struct fslot *s);

struct learner
{
  uint64_t votes[4];           /* per rule, in rule_index order */
  uint64_t evidence;           /* messages that voted */
  uint64_t style[STYLE_COUNT];
};

unsigned rule_index (struct rule r);
struct rule rule_from_index (unsigned i);
const char *rule_name (struct rule r);   /* "slot/data" ... */

/* Take a framed message's valid padded slots as votes for the style, and,
   when its item counts framed it, its valid message and contents counts as
   votes for the rules that explain them.  -1 when out of memory.  */
int learn_message (struct learner *l, const struct frame *f);

/* The rule with the most votes among those that agree with the forced
   parts (FROM and TO are RULE_AUTO or a value); ties go to slot before
   keyword, data before next.  */
struct rule learned_rule (const struct learner *l, int from, int to);
enum slot_style learned_style (const struct learner *l);

/* Best cut.  Candidates are the item lines inside contents that end at
   END, in offset order, the first one where the items begin.  */
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
