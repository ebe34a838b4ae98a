/* Statistics: what one input held and what became of it, the -v summary
   line and the per-file table that ends a run over several inputs.  */
#ifndef CCFIX_STATS_H
#define CCFIX_STATS_H

#include <stddef.h>
#include <stdint.h>
#include "frame.h"

/* The exit status an input deserves, which its row in the table names.  */
enum { EXIT_REPAIRED = 0, EXIT_UNREPAIRED = 1, EXIT_TROUBLE = 2 };

/* What one input held and what became of it.  */
struct stats
{
  uint64_t messages, repaired, passed;
  uint64_t repairs[3][3];      /* [enum level][blank, invalid, wrong] */
  uint64_t scanned;            /* repaired messages framed by the scan */
  uint64_t bytes_in, bytes_out;
  uint64_t preamble_lines;
  uint64_t stray_bytes;        /* between or after messages */
  struct rule rule;
  const char *rule_source;     /* "learned", "forced", "default" */
  uint64_t evidence;           /* messages the rule was learned from */
  uint64_t held;               /* messages held before the rule was known */
  int bounded;                 /* the look-ahead bound cut learning short */
  int style;                   /* enum slot_style */
};

/* One input's outcome, for the table.  */
struct row
{
  const char *name;
  char *account;
  struct stats st;
  int status;
};

/* -v: "ccfix: FILE: N messages, ..." on standard error.  */
void stats_summary (const char *file, const struct stats *st);

/* The per-file table: file, account, messages, repairs, passed through,
   verdict (as --lint or --check see it, when LINT or CHECK).  */
void stats_table (const struct row *rows, size_t n, int lint, int check);

#endif
