/* Repairing one input: learn the rule and style, then frame, recount and
   write each message in turn.  */
#ifndef CCFIX_REPAIR_H
#define CCFIX_REPAIR_H

#include <stddef.h>
#include <stdint.h>
#include "charset.h"
#include "output.h"
#include "findings.h"
#include "stats.h"

/* One rewritten slot.  */
struct repair_note
{
  enum level level;
  size_t item;                 /* 1-based, for LEVEL_ITEM */
  const struct fslot *slot;    /* as it was on the input */
  uint64_t value, width;       /* as it is written */
};

/* The slots of the framed message F whose counts RC changes, as notes
   in *NOTES (grown, room for *CAP), *N of them.  -1 when out of
   memory.  */
int repair_list (const struct frame *f, const struct recount *rc,
                 struct repair_note **notes, size_t *cap, size_t *n);

struct convert_note;           /* convert.h */

/* What became of one message, for whoever watches (a report, a test).  */
struct message_note
{
  const char *input;
  struct input *in;            /* its bytes, still there during the call */
  uint64_t number, off, line;
  const struct frame *frame;   /* status, reason, evidence, slots */
  const char *reason;          /* for a message passed through */
  const struct repair_note *repairs;
  size_t nrepairs;
  enum slot_style style;       /* the repaired slots are written in */
  const struct convert_note *conv;   /* --convert: what it wrote, or NULL */
};

struct settings
{
  int check;                   /* write nothing; changes are findings */
  int lint;                    /* with check: findings as wizard events */
  int quiet, verbose;
  int progress;                /* show progress on a terminal */
  int from, to;                /* RULE_AUTO or the forced value */
  int pad;                     /* RULE_AUTO or the forced enum slot_style */
  struct charset *transcode;   /* -t: convert text with it, then recount */
  struct charset *names;       /* -f: subjects to the locale's charset */
  size_t mem_cap;              /* look-ahead kept in memory */
  /* Called after each message, when set.  */
  void (*on_message) (void *ctx, const struct message_note *note);
  void *on_message_ctx;
  uint64_t learn_bound;        /* look-ahead held for learning, at most */
  int thorough;                /* frame without the quick path: for the
                                  tests that hold it to the thorough one */
};

void settings_default (struct settings *s);

/* Learn the counting rule and the slot style from the messages from FIRST
   on, as far as S's look-ahead bound, into ST (rule, rule_source,
   evidence, style, held, bounded); F is scratch.  -1 when out of
   memory.  */
int learn_stream (struct input *in, uint64_t first, const struct settings *s,
                  struct frame *f, struct stats *st);

/* Repair the stream read from FD (named NAME in messages) onto OUT.
   Returns the exit status it deserves; fills ST.  */
int repair_stream (int fd, const char *name, struct output *out,
                   const struct settings *s, struct stats *st);

#endif
