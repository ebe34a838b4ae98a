/* Repairing one input: learn the rule and style, then frame, recount and
   write each message in turn.  */
#ifndef CCFIX_REPAIR_H
#define CCFIX_REPAIR_H

#include <stddef.h>
#include <stdint.h>
#include "output.h"
#include "report.h"

enum { EXIT_REPAIRED = 0, EXIT_UNREPAIRED = 1, EXIT_TROUBLE = 2 };

struct settings
{
  int check;                   /* write nothing; changes are findings */
  int quiet, verbose;
  int progress;                /* show progress on a terminal */
  int from, to;                /* RULE_AUTO or the forced value */
  int pad;                     /* RULE_AUTO or the forced enum slot_style */
  size_t mem_cap;              /* look-ahead kept in memory */
  uint64_t learn_bound;        /* look-ahead held for learning, at most */
};

void settings_default (struct settings *s);

/* Repair the stream read from FD (named NAME in messages) onto OUT.
   Returns the exit status it deserves; fills ST.  */
int repair_stream (int fd, const char *name, struct output *out,
                   const struct settings *s, struct stats *st);

#endif
