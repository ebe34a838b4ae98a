/* Reporting: findings, errors and the summary, on standard error.  */
#ifndef CCFIX_REPORT_H
#define CCFIX_REPORT_H

#include <stdint.h>
#include "frame.h"

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

extern const char *program_name;

/* "ccfix: FILE:LINE: message N: ..." unless QUIET; with WHO (-f: the
   message's subject or sender), "message N (WHO): ...".  */
void report_finding (int quiet, const char *file, uint64_t line,
                     uint64_t message, const char *who, const char *fmt, ...)
  __attribute__ ((format (printf, 6, 7)));
/* "ccfix: FILE:LINE: ..." unless QUIET, for what is not about one
   message.  */
void report_warning (int quiet, const char *file, uint64_t line,
                     const char *fmt, ...)
  __attribute__ ((format (printf, 4, 5)));
/* "ccfix: WHAT: strerror (ERR)", or "ccfix: WHAT" when ERR is 0; always,
   whatever -q says.  */
void report_error (const char *what, int err);
void report_summary (const char *file, const struct stats *st);

#endif
