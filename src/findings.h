/* Findings: what ccfix says about one input's messages, preamble and
   stray bytes, in the words of a repair or of the Migration Wizard's
   events (--lint).  The text lives here; repair.c decides when.  */
#ifndef CCFIX_FINDINGS_H
#define CCFIX_FINDINGS_H

#include <stdint.h>
#include "frame.h"
#include "input.h"
#include "rules.h"

/* Where a finding is, and how to say it.  */
struct teller
{
  const char *file;
  struct input *in;            /* for what a slot held */
  uint64_t line, number;       /* the message's Message: line, its number */
  const char *who;             /* -f: its subject or sender, or NULL */
  int quiet, lint, check;
};

/* Why the message framed as F could not be: "no Contents: line ...".  */
const char *reason_text (const struct frame *f, char *buf, size_t n);

/* Slot S of the count at LEVEL (item ITEM, 1-based) becomes VALUE; SCAN:
   the framing rested on the scan.  */
void tell_repair (const struct teller *t, enum level level, size_t item,
                  const struct fslot *s, uint64_t value, int scan);
void tell_passed (const struct teller *t, const char *reason);
/* -t cannot convert the message, for the reason WHY.  */
void tell_unconverted (const struct teller *t, const char *why);
/* LINES lines before the first Message: line (none at all unless
   MESSAGES).  */
void tell_preamble (const struct teller *t, uint64_t lines, int messages);
void tell_stray (const struct teller *t, uint64_t bytes);

#endif
