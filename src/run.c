/* A run over the inputs.  */
#include <config.h>
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "grow.h"
#include "target.h"

/* Whether the run writes files into a directory rather than a stream.  */
static int
to_dir (const struct job *job)
{
  return job->convert && job->convert->format != CONVERT_MBOX;
}

/* The target an --output or --report NAME opens: "-" is standard output,
   as it is standard input among the inputs (a file named - is ./-).  */
static const char *
target_name (const char *name)
{
  return name && !strcmp (name, "-") ? NULL : name;
}

/* Repair NAME (or standard input for "-"), open as FD, onto OUT (NULL:
   into the directory of --convert=maildir or eml).  */
static int
repair_file (struct job *job, const char *name, int fd, struct output *out)
{
  struct row *rows = grow (job->rows, &job->rows_cap, job->nrows + 1,
                           sizeof *rows);
  if (!rows)
    {
      diag_error (name, ENOMEM);
      return EXIT_TROUBLE;
    }
  job->rows = rows;
  struct row *row = &rows[job->nrows++];
  row->name = name;
  row->account = job->account ? strdup (job->account)
                 : account_from_name (name);
  job->report.account = row->account;
  row->status = job->convert
                ? convert_stream (fd, name, row->account ? row->account
                                  : "stdin", out, job->convert, &row->st)
                : repair_stream (fd, name, out, &job->s, &row->st);
  if (job->s.verbose)
    stats_summary (name, &row->st);
  return row->status;
}

static int
open_input (const char *name)
{
  int fd = strcmp (name, "-") ? open (name, O_RDONLY) : STDIN_FILENO;
  if (fd < 0)
    {
      diag_error (name, errno);
      return -1;
    }
  /* A directory fails at its first read, which would stop the run there
     as any read error does; nothing of it was read, so it is skipped
     with the same error, as a missing file is.  */
  struct stat st;
  if (fstat (fd, &st) == 0 && S_ISDIR (st.st_mode))
    {
      char what[PATH_MAX + 32];
      snprintf (what, sizeof what, "%s: read error", name);
      diag_error (what, EISDIR);
      if (fd != STDIN_FILENO)
        close (fd);
      return -1;
    }
  return fd;
}

/* Whether the N bytes of the files A and B are the same.  */
static int
same_bytes (int a, int b, uint64_t n)
{
  static char x[65536], y[65536];
  for (uint64_t off = 0; off < n;)
    {
      size_t k = n - off < sizeof x ? (size_t) (n - off) : sizeof x;
      if (pread (a, x, k, (off_t) off) != (ssize_t) k
          || pread (b, y, k, (off_t) off) != (ssize_t) k
          || memcmp (x, y, k) != 0)
        return 0;
      off += k;
    }
  return 1;
}

/* Whether the input FD just repaired onto T came out different: only a
   repair or -t changes a byte, and -t may change none (ASCII text).  */
static int
changed (const struct job *job, int fd, struct target *t)
{
  const struct stats *st = &job->rows[job->nrows - 1].st;
  if (st->repaired || !job->s.transcode)
    return st->repaired != 0;
  return output_flush (&t->out) < 0 || st->bytes_out != st->bytes_in
         || !same_bytes (fd, t->fd, st->bytes_in);
}

/* Whether the file FD, whose status was BEFORE, is still as it was: -i
   replaces it, so bytes written to it meanwhile would be lost.  */
static int
unchanged (const char *name, int fd, const struct stat *before)
{
  struct stat now;
  if (fstat (fd, &now) == 0 && now.st_size == before->st_size
      && now.st_mtim.tv_sec == before->st_mtim.tv_sec
      && now.st_mtim.tv_nsec == before->st_mtim.tv_nsec)
    return 1;
  char what[PATH_MAX + 64];
  snprintf (what, sizeof what, "%s: changed while it was repaired; left "
            "as it is", name);
  diag_error (what, 0);
  return 0;
}

/* Repair NAME onto itself; a file that needs no change is left alone
   (same inode, same time stamps, no backup).  */
static int
repair_in_place (struct job *job, const char *name, int *replaced)
{
  /* The target first: it refuses a FIFO before opening it could block.  */
  struct target t;
  if (target_open (&t, name, TARGET_IN_PLACE) < 0)
    return EXIT_TROUBLE;
  int fd = open_input (name);
  struct stat before;
  if (fd < 0 || fstat (fd, &before) < 0)
    {
      if (fd >= 0)
        diag_error (name, errno);
      target_abort (&t);
      return EXIT_TROUBLE;
    }
  int status = repair_file (job, name, fd, &t.out);
  if (status != EXIT_TROUBLE && !unchanged (name, fd, &before))
    status = EXIT_TROUBLE;
  if (status == EXIT_TROUBLE || (!t.out.err && !changed (job, fd, &t)))
    target_abort (&t);
  else if (target_commit (&t, job->suffix) < 0)
    status = EXIT_TROUBLE;
  else
    *replaced = 1;
  close (fd);
  return status;
}

/* Repair every input onto one output: -o, standard output, or nothing
   for --check.  */
static int
repair_to_output (struct job *job)
{
  struct target t;
  if ((job->s.check ? target_discard (&t)
       : target_open (&t, target_name (job->output), TARGET_OUTPUT)) < 0)
    return EXIT_TROUBLE;
  int status = EXIT_REPAIRED;
  /* A read error halts the output: the inputs after it would be lost
     anyway, and it stays a prefix of what it should be.  */
  for (size_t i = 0; (i < job->ninputs || i == 0) && !t.out.err
       && !t.out.halted; i++)
    {
      const char *name = job->ninputs ? job->inputs[i] : "-";
      int in = open_input (name), r = EXIT_TROUBLE;
      if (in >= 0)
        r = repair_file (job, name, in, &t.out);
      if (in > STDIN_FILENO)
        close (in);
      if (r > status)
        status = r;
    }
  if (status == EXIT_TROUBLE)
    target_abort (&t);
  else if (target_commit (&t, NULL) < 0)
    status = EXIT_TROUBLE;
  return status;
}

/* --convert=maildir or eml: every input into the directory -o names,
   each message a file of its own delivered there (maildir.c), so no
   output target.  */
static int
convert_to_dir (struct job *job)
{
  int status = EXIT_REPAIRED;
  for (size_t i = 0; i < job->ninputs || i == 0; i++)
    {
      const char *name = job->ninputs ? job->inputs[i] : "-";
      int in = open_input (name), r = EXIT_TROUBLE;
      if (in >= 0)
        r = repair_file (job, name, in, NULL);
      if (in > STDIN_FILENO)
        close (in);
      if (r > status)
        status = r;
    }
  return status;
}

/* Every file the run names, in the uses target_check_distinct compares.  */
static int
check_files (const struct job *job)
{
  size_t n = job->ninputs + 3, k = 0;
  struct file_use *uses = malloc (n * sizeof *uses);
  if (!uses)
    {
      diag_error ("cannot check the file names", ENOMEM);
      return -1;
    }
  for (size_t i = 0; i < job->ninputs; i++)
    uses[k++] = (struct file_use) { strcmp (job->inputs[i], "-")
                                    ? job->inputs[i] : NULL,
                                    job->in_place ? USE_IN_PLACE : USE_INPUT };
  if (!job->ninputs)
    uses[k++] = (struct file_use) { NULL, USE_INPUT };
  if (!job->in_place && !job->s.check && !to_dir (job))
    uses[k++] = (struct file_use) { target_name (job->output), USE_OUTPUT };
  if (job->report_name)
    uses[k++] = (struct file_use) { target_name (job->report_name),
                                    USE_REPORT };
  int r = target_check_distinct (uses, k, job->in_place ? job->suffix : NULL);
  free (uses);
  return r;
}

static void
on_fatal_signal (int sig)
{
  target_cleanup_signal ();
  diag_flush ();
  signal (sig, SIG_DFL);
  raise (sig);
}

/* A closed pipe or a file-size limit must be an error to report, not a
   silent death with a temporary file left behind.  */
static void
catch_signals (void)
{
  signal (SIGPIPE, SIG_IGN);
  signal (SIGXFSZ, SIG_IGN);
  signal (SIGINT, on_fatal_signal);
  signal (SIGTERM, on_fatal_signal);
  signal (SIGHUP, on_fatal_signal);
}

int
run_job (struct job *job)
{
  if (check_files (job) < 0)
    return EXIT_TROUBLE;
  catch_signals ();
  struct target report;
  if (job->report_name)
    {
      if (target_open (&report, target_name (job->report_name),
                       TARGET_REPORT) < 0)
        return EXIT_TROUBLE;
      job->report.out = &report.out;
      job->s.on_message = report_row;
      job->s.on_message_ctx = &job->report;
    }
  int status = EXIT_REPAIRED;
  /* Files this run changed, which its report must tell of whatever the
     exit status: -i replaced an input, or a directory conversion wrote a
     row (a message delivered, or found already there).  */
  int replaced = 0, untrue = 0;
  if (job->in_place)
    for (size_t i = 0; i < job->ninputs; i++)
      {
        uint64_t mark = job->report_name ? report.out.bytes : 0;
        int r = repair_in_place (job, job->inputs[i], &replaced);
        if (r > status)
          status = r;
        /* The rows of an input left as it was tell of a repair that was
           not made: they are taken back.  A report to a stream gets those
           of a file replaced once it is.  A report that cannot do either
           stops the run, which must not change files no report tells
           of.  */
        if (job->report_name
            && (r == EXIT_TROUBLE ? target_rewind (&report, mark)
                : target_pass (&report)) < 0)
          {
            status = EXIT_TROUBLE;
            untrue = 1;
            break;
          }
      }
  else if (to_dir (job))
    {
      status = convert_to_dir (job);
      replaced = job->report_name && report.out.bytes > 0;
    }
  else
    status = repair_to_output (job);
  if (job->report_name && status == EXIT_TROUBLE && (!replaced || untrue))
    target_abort (&report);
  else if (job->report_name && target_commit (&report, NULL) < 0)
    status = EXIT_TROUBLE;
  if ((job->s.verbose || job->s.check) && job->nrows > 1)
    stats_table (job->rows, job->nrows, job->s.lint, job->s.check);
  return status;
}

void
job_free (struct job *job)
{
  for (size_t i = 0; i < job->nrows; i++)
    free (job->rows[i].account);
  free (job->rows);
}
