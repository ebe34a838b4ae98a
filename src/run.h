/* A run: every input repaired onto its target (standard output, -o or
   each file in place), the report beside them, the per-file table at the
   end.  */
#ifndef CCFIX_RUN_H
#define CCFIX_RUN_H

#include <stddef.h>
#include "convert.h"
#include "report.h"
#include "repair.h"
#include "stats.h"

/* What the command line asks for, and what holds across its inputs.  */
struct job
{
  struct settings s;
  char **inputs;               /* none: standard input */
  size_t ninputs;
  const char *output;          /* -o FILE, or NULL */
  int in_place;                /* -i */
  const char *suffix;          /* -iSUFFIX, or NULL */
  const char *report_name;     /* --report FILE, or NULL */
  const char *account;         /* --account, for the single input */
  struct report report;         /* its writer; report.decode set by caller */
  struct convert_settings *convert;   /* --convert, or NULL */
  struct row *rows;
  size_t nrows, rows_cap;
};

/* Check the files, repair every input, write the table; the exit status.  */
int run_job (struct job *job);
void job_free (struct job *job);

#endif
