/* Reporting.  */
#include <config.h>
#include "report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "progress.h"
#include "rules.h"

const char *program_name = PACKAGE;

/* One write per line: stderr is unbuffered, and thousands of findings
   must not cost thousands of tiny writes each.  */
static void
vreport (const char *file, uint64_t line, uint64_t message, const char *who,
         const char *fmt, va_list ap)
{
  char buf[1024];
  int n = snprintf (buf, sizeof buf, "%s: %s:%" PRIu64 ": ", program_name,
                    file, line);
  if (message && n >= 0 && (size_t) n < sizeof buf)
    n += snprintf (buf + n, sizeof buf - (size_t) n, "message %" PRIu64
                   "%s%s%s: ", message, who ? " (" : "", who ? who : "",
                   who ? ")" : "");
  if (n >= 0 && (size_t) n < sizeof buf)
    n += vsnprintf (buf + n, sizeof buf - (size_t) n, fmt, ap);
  if (n < 0)
    return;
  if ((size_t) n >= sizeof buf - 1)
    n = sizeof buf - 2;
  buf[n++] = '\n';
  progress_hide ();
  fwrite (buf, 1, (size_t) n, stderr);
}

void
report_finding (int quiet, const char *file, uint64_t line, uint64_t message,
                const char *who, const char *fmt, ...)
{
  if (quiet)
    return;
  va_list ap;
  va_start (ap, fmt);
  vreport (file, line, message, who, fmt, ap);
  va_end (ap);
}

void
report_warning (int quiet, const char *file, uint64_t line,
                const char *fmt, ...)
{
  if (quiet)
    return;
  va_list ap;
  va_start (ap, fmt);
  vreport (file, line, 0, NULL, fmt, ap);
  va_end (ap);
}

void
report_error (const char *what, int err)
{
  progress_hide ();
  if (err)
    fprintf (stderr, "%s: %s: %s\n", program_name, what, strerror (err));
  else
    fprintf (stderr, "%s: %s\n", program_name, what);
}

void
report_summary (const char *file, const struct stats *st)
{
  fprintf (stderr, "%s: %s: %" PRIu64 " messages, %" PRIu64 " repaired, %"
           PRIu64 " passed through", program_name, file, st->messages,
           st->repaired, st->passed);
  static const char *const classes[] = { "blank", "invalid", "wrong" };
  const char *sep = "; repairs:";
  for (int l = 0; l < 3; l++)
    for (int c = 0; c < 3; c++)
      if (st->repairs[l][c])
        {
          fprintf (stderr, "%s %s %s %" PRIu64, sep,
                   level_name ((enum level) l), classes[c],
                   st->repairs[l][c]);
          sep = ",";
        }
  if (st->scanned)
    fprintf (stderr, " (%" PRIu64 " messages by scan)", st->scanned);
  fprintf (stderr, "; rule %s (%s", rule_name (st->rule), st->rule_source);
  if (!strcmp (st->rule_source, "learned"))
    fprintf (stderr, " from %" PRIu64 " messages", st->evidence);
  if (st->bounded)
    fprintf (stderr, ", look-ahead bound reached after %" PRIu64
             " messages", st->held);
  fprintf (stderr, "), style %s; %" PRIu64 " bytes in, %" PRIu64
           " bytes out\n", slot_style_name ((enum slot_style) st->style),
           st->bytes_in, st->bytes_out);
}
