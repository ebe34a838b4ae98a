/* A run: every input repaired onto its target (standard output, -o or
   each file in place), the report beside them, the per-file table at the
   end.  */
#ifndef CCFIX_RUN_H
#define CCFIX_RUN_H

#include <stddef.h>
#include "convert.h"
#include "jsonl.h"
#include "repair.h"

/* One input's outcome, for the table that ends a run over several.  */
struct row
{
  const char *name;
  char *account;
  struct stats st;
  int status;
};

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
  struct jsonl report;         /* its writer; report.decode set by caller */
  struct convert_settings *convert;   /* --convert, or NULL */
  struct row *rows;
  size_t nrows;
};

/* Check the files, repair every input, write the table; the exit status.  */
int run_job (struct job *job);
void job_free (struct job *job);

#endif
