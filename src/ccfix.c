/* ccfix: options -> settings -> repair each input -> exit status.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "cmdline.h"
#include "convert.h"
#include "jsonl.h"
#include "repair.h"
#include "rules.h"

static void
usage (void)
{
  printf ("Usage: %s [OPTION]... [FILE]...\n", program_name);
  puts (gengetopt_args_info_purpose);
  putchar ('\n');
  puts (gengetopt_args_info_description);
  for (size_t i = 0; gengetopt_args_info_help[i]; i++)
    puts (gengetopt_args_info_help[i]);
  puts ("\nExit status: 0 if every message is framed (repaired or already "
        "right),\n1 if a message was passed through unrepaired or --check "
        "found work,\n2 on a usage or I/O error.\n");
  printf ("Report bugs to: %s\n", PACKAGE_BUGREPORT);
}

static void
version (void)
{
  printf ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
  puts ("License GPLv3+: GNU GPL version 3 or later "
        "<https://gnu.org/licenses/gpl.html>.\n"
        "This is free software: you are free to change and redistribute it.\n"
        "There is NO WARRANTY, to the extent permitted by law.");
}

/* Help and version go through stdio: a failed write must still show.  */
static int
close_stdio (void)
{
  if (fclose (stdout) != 0)
    {
      report_error ("write error", errno);
      return EXIT_TROUBLE;
    }
  return 0;
}

/* One input's outcome, for the table that ends a run over several.  */
struct row
{
  const char *name;
  char *account;
  struct stats st;
  int status;
};

/* What holds across the inputs of one run.  */
struct job
{
  struct settings s;
  const char *account;         /* --account, for the single input */
  struct jsonl report;         /* when --report */
  struct convert_settings *convert;   /* --convert, or NULL */
  struct row *rows;
  size_t nrows;
};

/* Repair NAME (or standard input for "-"), open as FD, onto OUT.  */
static int
repair_file (struct job *job, const char *name, int fd, struct output *out)
{
  struct row *rows = realloc (job->rows, (job->nrows + 1) * sizeof *rows);
  if (!rows)
    {
      report_error (name, ENOMEM);
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
    report_summary (name, &row->st);
  return row->status;
}

static const char *
verdict (const struct job *job, const struct row *row)
{
  uint64_t repairs = 0;
  for (int l = 0; l < 3; l++)
    for (int c = 0; c < 3; c++)
      repairs += row->st.repairs[l][c];
  if (row->status == EXIT_TROUBLE)
    return "error";
  if (job->s.lint)
    return row->status ? "would fail" : "would migrate";
  if (row->st.passed)
    return job->s.check ? "unframeable" : "passed through";
  if (repairs)
    return job->s.check ? "needs repair" : "repaired";
  return "ok";
}

/* The per-file table: file, account, messages, repairs, passed through,
   verdict, in columns as wide as their widest entry.  */
static void
print_table (const struct job *job)
{
  int wf = 4, wa = 7;
  for (size_t i = 0; i < job->nrows; i++)
    {
      int n = (int) strlen (job->rows[i].name);
      int a = job->rows[i].account ? (int) strlen (job->rows[i].account) : 1;
      wf = n > wf ? n : wf;
      wa = a > wa ? a : wa;
    }
  fprintf (stderr, "%-*s  %-*s  %8s  %7s  %6s  %s\n", wf, "FILE", wa,
           "ACCOUNT", "MESSAGES", "REPAIRS", "PASSED", "VERDICT");
  for (size_t i = 0; i < job->nrows; i++)
    {
      const struct row *r = &job->rows[i];
      uint64_t repairs = 0;
      for (int l = 0; l < 3; l++)
        for (int c = 0; c < 3; c++)
          repairs += r->st.repairs[l][c];
      fprintf (stderr, "%-*s  %-*s  %8" PRIu64 "  %7" PRIu64 "  %6" PRIu64
               "  %s\n", wf, r->name, wa, r->account ? r->account : "-",
               r->st.messages, repairs, r->st.passed, verdict (job, r));
    }
}

static int
open_input (const char *name, struct stat *st)
{
  int fd = strcmp (name, "-") ? open (name, O_RDONLY) : STDIN_FILENO;
  if (fd < 0 || fstat (fd, st) < 0)
    {
      report_error (name, errno);
      if (fd > STDIN_FILENO)
        close (fd);
      return -1;
    }
  return fd;
}

/* Writing the output over an input still being read would feed ccfix its
   own output (cat refuses the same).  */
static int
is_output (const struct stat *in, const struct stat *out)
{
  return S_ISREG (in->st_mode) && in->st_dev == out->st_dev
         && in->st_ino == out->st_ino;
}

static int
repair_in_place (struct job *job, const char *name, const char *suffix)
{
  struct stat st;
  int fd = open_input (name, &st);
  if (fd < 0)
    return EXIT_TROUBLE;
  int status = EXIT_TROUBLE;
  struct atomic a;
  struct output out;
  char what[1024];
  if (!S_ISREG (st.st_mode))
    {
      snprintf (what, sizeof what, "%s: not a regular file", name);
      report_error (what, 0);
    }
  else if (atomic_open (&a, name, &st) < 0)
    {
      snprintf (what, sizeof what, "%s: %s", name, a.failed);
      report_error (what, errno);
    }
  else if (output_open (&out, a.fd) < 0)
    {
      report_error (name, ENOMEM);
      atomic_abort (&a);
    }
  else
    {
      status = repair_file (job, name, fd, &out);
      int e = output_flush (&out) < 0 ? out.err : 0;
      output_close (&out);
      if (e || status == EXIT_TROUBLE)
        {
          if (e)
            {
              snprintf (what, sizeof what, "%s: write error", name);
              report_error (what, e);
            }
          atomic_abort (&a);
          status = EXIT_TROUBLE;
        }
      else if (atomic_commit (&a, suffix) < 0)
        {
          snprintf (what, sizeof what, "%s: %s", name, a.failed);
          report_error (what, errno);
          status = EXIT_TROUBLE;
        }
    }
  close (fd);
  return status;
}

/* Repair every input onto one output: standard output, or PATH replaced
   atomically at the end.  */
static int
repair_to_output (struct job *job, const struct gengetopt_args_info *args,
                  const char *path)
{
  const struct settings *s = &job->s;
  struct atomic a;
  struct stat out_st, old;
  int fd = STDOUT_FILENO;
  char what[1024];
  if (path && !s->check)
    {
      if (atomic_open (&a, path, stat (path, &old) == 0 ? &old : NULL) < 0)
        {
          snprintf (what, sizeof what, "%s: %s", path, a.failed);
          report_error (what, errno);
          return EXIT_TROUBLE;
        }
      fd = a.fd;
    }
  int check_same = !path && !s->check && fstat (STDOUT_FILENO, &out_st) == 0;
  struct output out;
  if (output_open (&out, s->check ? -1 : fd) < 0)
    {
      report_error ("output", ENOMEM);
      if (path && !s->check)
        atomic_abort (&a);
      return EXIT_TROUBLE;
    }
  int status = EXIT_REPAIRED;
  for (unsigned i = 0; (i < args->inputs_num || i == 0) && !out.err; i++)
    {
      const char *name = args->inputs_num ? args->inputs[i] : "-";
      struct stat st;
      int in = open_input (name, &st), r = EXIT_TROUBLE;
      if (in >= 0 && check_same && is_output (&st, &out_st))
        {
          snprintf (what, sizeof what, "%s: input file is output file", name);
          report_error (what, 0);
        }
      else if (in >= 0)
        r = repair_file (job, name, in, &out);
      if (in > STDIN_FILENO)
        close (in);
      if (r > status)
        status = r;
    }
  int e = output_flush (&out) < 0 ? out.err : 0;
  output_close (&out);
  const char *target = path ? path : "standard output";
  if (!e && !path && !s->check && close (STDOUT_FILENO) != 0)
    e = errno;
  if (e)
    {
      snprintf (what, sizeof what, "%s%swrite error", path ? path : "",
                path ? ": " : "");
      report_error (what, e);
      status = EXIT_TROUBLE;
    }
  if (path && !s->check)
    {
      if (status == EXIT_TROUBLE)
        atomic_abort (&a);
      else if (atomic_commit (&a, NULL) < 0)
        {
          snprintf (what, sizeof what, "%s: %s", target, a.failed);
          report_error (what, errno);
          status = EXIT_TROUBLE;
        }
    }
  return status;
}

static void
on_fatal_signal (int sig)
{
  atomic_cleanup_signal ();
  signal (sig, SIG_DFL);
  raise (sig);
}

static int
no_conversion (const char *from, const char *to)
{
  char what[512];
  if (errno == 0)
    snprintf (what, sizeof what, "cannot convert from %s to %s: line ends, "
              "digits and keywords would not stay ASCII", from, to);
  else
    snprintf (what, sizeof what, "cannot convert from %s to %s", from, to);
  report_error (what, errno);
  return EXIT_TROUBLE;
}

static int
usage_error (const char *what)
{
  fprintf (stderr, "%s: %s\nTry '%s --help' for more information.\n",
           program_name, what, program_name);
  return EXIT_TROUBLE;
}

/* --convert and the options that shape it: what does not combine with it,
   the address map, the zone.  Sets JOB->convert.  */
static int
convert_options (const struct gengetopt_args_info *args, struct job *job,
                 struct convert_settings *c, struct charset *to_utf8,
                 struct addrmap *map)
{
  if (!args->convert_given)
    {
      if (args->address_map_given || args->domain_given
          || args->date_order_given || args->timezone_given)
        return usage_error ("--address-map, --domain, --date-order and "
                            "--timezone need --convert");
      return EXIT_REPAIRED;
    }
  if (args->check_given || args->lint_given || args->in_place_given
      || args->to_code_given)
    return usage_error ("--convert does not combine with --check, --lint, "
                        "--in-place or --to-code");
  convert_settings_default (c, &job->s);
  /* No default in the option itself: gengetopt would allocate it, and
     a failed parse does not free what it allocated.  */
  if (args->domain_given)
    c->domain = args->domain_arg;
  char at[512];
  if (snprintf (at, sizeof at, "x@%s", c->domain) >= (int) sizeof at
      || !address_is_spec (at, strlen (at)))
    return usage_error ("--domain must be a plain domain name");
  c->order = (enum date_order) args->date_order_arg;
  if (args->timezone_given && !date_zone_known (args->timezone_arg))
    {
      snprintf (at, sizeof at, "unknown time zone '%s'", args->timezone_arg);
      return usage_error (at);
    }
  c->zone = args->timezone_arg;
  if (args->from_code_given)
    {
      if (charset_open (to_utf8, "UTF-8", args->from_code_arg) < 0)
        return no_conversion (args->from_code_arg, "UTF-8");
      c->text = to_utf8;
      c->from_code = args->from_code_arg;
    }
  uint64_t line;
  const char *why;
  if (args->address_map_given
      && addrmap_load (map, args->address_map_arg, &line, &why) < 0)
    {
      if (line && why)
        fprintf (stderr, "%s: %s:%" PRIu64 ": %s\n", program_name,
                 args->address_map_arg, line, why);
      else
        report_error (args->address_map_arg, errno);
      return EXIT_TROUBLE;
    }
  c->map = map;
  job->convert = c;
  return EXIT_REPAIRED;
}

int
main (int argc, char **argv)
{
  struct gengetopt_args_info args;
  if (cmdline_parser (argc, argv, &args) != 0)
    {
      fprintf (stderr, "Try '%s --help' for more information.\n",
               program_name);
      return EXIT_TROUBLE;
    }
  if (args.help_given || args.version_given)
    {
      if (args.help_given)
        usage ();
      else
        version ();
      cmdline_parser_free (&args);
      return close_stdio ();
    }

  struct job job = { .account = args.account_arg };
  struct settings *s = &job.s;
  settings_default (s);
  s->lint = args.lint_given;
  s->check = args.check_given || s->lint;
  s->quiet = args.quiet_given;
  s->verbose = args.verbose_given;
  s->progress = args.progress_given;
  /* The enums list "auto" first, then the values in enum order.  */
  s->from = args.count_from_arg == count_from_arg_auto
            ? RULE_AUTO : (int) args.count_from_arg - 1;
  s->to = args.count_to_arg == count_to_arg_auto
          ? RULE_AUTO : (int) args.count_to_arg - 1;
  s->pad = args.pad_arg == pad_arg_auto ? RULE_AUTO : (int) args.pad_arg - 1;

  /* A closed pipe or a file-size limit must be an error to report, not a
     silent death with a temporary file left behind.  */
  signal (SIGPIPE, SIG_IGN);
  signal (SIGXFSZ, SIG_IGN);
  signal (SIGINT, on_fatal_signal);
  signal (SIGTERM, on_fatal_signal);
  signal (SIGHUP, on_fatal_signal);

  int status = EXIT_REPAIRED;
  if ((args.output_given || args.in_place_given) && s->check)
    status = usage_error ("--check and --lint write nothing: they take no "
                          "--output or --in-place");
  else if (args.output_given && args.in_place_given)
    status = usage_error ("--output and --in-place exclude each other");
  else if (args.account_given && args.inputs_num > 1)
    status = usage_error ("--account labels a single input");
  else if (args.in_place_given && !args.inputs_num)
    status = usage_error ("--in-place needs FILE arguments");
  for (unsigned i = 0; args.in_place_given && i < args.inputs_num
                       && status != EXIT_TROUBLE; i++)
    if (!strcmp (args.inputs[i], "-"))
      status = usage_error ("--in-place cannot repair standard input");

  /* One converter for the run's text, one for the report's names.  */
  struct charset transcode = { .cd = (iconv_t) -1, .probe = (iconv_t) -1 };
  struct charset decode = { .cd = (iconv_t) -1, .probe = (iconv_t) -1 };
  if (status != EXIT_TROUBLE && args.to_code_given && !args.from_code_given)
    status = usage_error ("--to-code needs --from-code");
  else if (status != EXIT_TROUBLE && args.to_code_given)
    {
      if (charset_open (&transcode, args.to_code_arg, args.from_code_arg) < 0)
        status = no_conversion (args.from_code_arg, args.to_code_arg);
      s->transcode = &transcode;
    }
  struct charset names = { .cd = (iconv_t) -1, .probe = (iconv_t) -1 };
  if (status != EXIT_TROUBLE && args.from_code_given)
    {
      /* Findings name messages in the terminal's character set; what it
         cannot show is approximated rather than lost.  */
      setlocale (LC_CTYPE, "");
      char locale_set[64];
      snprintf (locale_set, sizeof locale_set, "%s//TRANSLIT",
                nl_langinfo (CODESET));
      if (charset_open (&names, locale_set, args.from_code_arg) < 0)
        status = no_conversion (args.from_code_arg, locale_set);
      s->names = &names;
    }
  if (status != EXIT_TROUBLE && args.from_code_given && args.report_given)
    {
      if (charset_open (&decode, "UTF-8", args.from_code_arg) < 0)
        status = no_conversion (args.from_code_arg, "UTF-8");
      job.report.decode = &decode;
    }

  struct atomic report_file;
  struct output report_out;
  if (status != EXIT_TROUBLE && args.report_given)
    {
      if (atomic_open (&report_file, args.report_arg, NULL) < 0)
        {
          char what[1024];
          snprintf (what, sizeof what, "%s: %s", args.report_arg,
                    report_file.failed);
          report_error (what, errno);
          status = EXIT_TROUBLE;
        }
      else if (output_open (&report_out, report_file.fd) < 0)
        {
          report_error (args.report_arg, ENOMEM);
          atomic_abort (&report_file);
          status = EXIT_TROUBLE;
        }
      else
        {
          job.report.out = &report_out;
          s->on_message = jsonl_message;
          s->on_message_ctx = &job.report;
        }
    }

  struct convert_settings convert;
  struct charset to_utf8 = { .cd = (iconv_t) -1, .probe = (iconv_t) -1 };
  struct addrmap map = { 0 };
  if (status != EXIT_TROUBLE)
    status = convert_options (&args, &job, &convert, &to_utf8, &map);

  if (status == EXIT_TROUBLE)
    ;
  else if (args.in_place_given)
    for (unsigned i = 0; i < args.inputs_num; i++)
      {
        int r = repair_in_place (&job, args.inputs[i], args.in_place_arg);
        if (r > status)
          status = r;
      }
  else
    status = repair_to_output (&job, &args, args.output_arg);

  if (job.report.out)
    {
      int e = output_flush (&report_out) < 0 ? report_out.err : 0;
      output_close (&report_out);
      char what[1024];
      if (e)
        {
          snprintf (what, sizeof what, "%s: write error", args.report_arg);
          report_error (what, e);
          status = EXIT_TROUBLE;
        }
      if (status == EXIT_TROUBLE)
        atomic_abort (&report_file);
      else if (atomic_commit (&report_file, NULL) < 0)
        {
          snprintf (what, sizeof what, "%s: %s", args.report_arg,
                    report_file.failed);
          report_error (what, errno);
          status = EXIT_TROUBLE;
        }
    }
  if ((s->verbose || s->check) && job.nrows > 1)
    print_table (&job);
  charset_close (&transcode);
  charset_close (&decode);
  charset_close (&names);
  charset_close (&to_utf8);
  addrmap_free (&map);
  for (size_t i = 0; i < job.nrows; i++)
    free (job.rows[i].account);
  free (job.rows);
  cmdline_parser_free (&args);
  return status;
}
