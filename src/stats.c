/* Statistics.  */
#include <config.h>
#include "stats.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"

void
stats_summary (const char *file, const struct stats *st)
{
  diag_flush ();
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

static uint64_t
repairs_of (const struct row *row)
{
  uint64_t repairs = 0;
  for (int l = 0; l < 3; l++)
    for (int c = 0; c < 3; c++)
      repairs += row->st.repairs[l][c];
  return repairs;
}

static const char *
verdict (const struct row *row, int lint, int check)
{
  if (row->status == EXIT_TROUBLE)
    return "error";
  if (lint)
    return row->status ? "would fail" : "would migrate";
  if (row->st.passed)
    return check ? "unframeable" : "passed through";
  if (repairs_of (row))
    return check ? "needs repair" : "repaired";
  return "ok";
}

/* In columns as wide as their widest entry.  */
void
stats_table (const struct row *rows, size_t nrows, int lint, int check)
{
  int wf = 4, wa = 7;
  for (size_t i = 0; i < nrows; i++)
    {
      int n = (int) strlen (rows[i].name);
      int a = rows[i].account ? (int) strlen (rows[i].account) : 1;
      wf = n > wf ? n : wf;
      wa = a > wa ? a : wa;
    }
  diag_flush ();
  fprintf (stderr, "%-*s  %-*s  %8s  %7s  %6s  %s\n", wf, "FILE", wa,
           "ACCOUNT", "MESSAGES", "REPAIRS", "PASSED", "VERDICT");
  for (size_t i = 0; i < nrows; i++)
    {
      const struct row *r = &rows[i];
      fprintf (stderr, "%-*s  %-*s  %8" PRIu64 "  %7" PRIu64 "  %6" PRIu64
               "  %s\n", wf, r->name, wa, r->account ? r->account : "-",
               r->st.messages, repairs_of (r), r->st.passed, verdict (r, lint, check));
    }
}
