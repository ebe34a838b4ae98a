/* ccfix: options -> settings -> usage check -> converters -> run -> exit
   status.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmdline.h"
#include "diag.h"
#include "convert.h"
#include "run.h"
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
        "right),\n1 if a message was passed through unrepaired, --check "
        "found work or --lint\nfound something the wizard would reject, "
        "2 on a usage or I/O error.\n");
  puts ("Report bugs as the README's \"Reporting bugs\" section says.");
}

static void
version (void)
{
  printf ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
  puts ("Copyright (C) 2026 the ccfix authors.\n"
        "License GPLv3+: GNU GPL version 3 or later "
        "<https://gnu.org/licenses/gpl.html>.\n"
        "This is free software: you are free to change and redistribute it.\n"
        "There is NO WARRANTY, to the extent permitted by law.");
}

/* Help and version go through stdio: a failed write must still show.  */
static int
help_or_version (const struct gengetopt_args_info *args)
{
  if (args->help_given)
    usage ();
  else
    version ();
  if (fclose (stdout) != 0)
    {
      diag_error ("write error", errno);
      return EXIT_TROUBLE;
    }
  return EXIT_REPAIRED;
}

/* Option errors name the program as ccfix's own errors do, whatever path
   it was run by.  */
static int
parse (int argc, char **argv, struct gengetopt_args_info *args)
{
  char *run_as = argv[0];
  argv[0] = (char *) program_name;
  int r = cmdline_parser (argc, argv, args);
  argv[0] = run_as;
  if (r != 0)
    fprintf (stderr, "Try '%s --help' for more information.\n",
             program_name);
  return r;
}

static void
settings_from_args (struct job *job, const struct gengetopt_args_info *args)
{
  struct settings *s = &job->s;
  settings_default (s);
  s->lint = args->lint_given;
  s->check = args->check_given || s->lint;
  s->quiet = args->quiet_given;
  s->verbose = args->verbose_given;
  s->progress = args->progress_given;
  /* The enums list "auto" first, then the values in enum order.  */
  s->from = args->count_from_arg == count_from_arg_auto
            ? RULE_AUTO : (int) args->count_from_arg - 1;
  s->to = args->count_to_arg == count_to_arg_auto
          ? RULE_AUTO : (int) args->count_to_arg - 1;
  s->pad = args->pad_arg == pad_arg_auto ? RULE_AUTO : (int) args->pad_arg - 1;
  job->inputs = args->inputs;
  job->ninputs = args->inputs_num;
  job->output = args->output_arg;
  job->in_place = args->in_place_given;
  job->suffix = args->in_place_arg;
  job->report_name = args->report_arg;
  job->account = args->account_arg;
}

static int
usage_error (const char *what)
{
  fprintf (stderr, "%s: %s\nTry '%s --help' for more information.\n",
           program_name, what, program_name);
  return EXIT_TROUBLE;
}

static int
check_usage (const struct gengetopt_args_info *args)
{
  const char *what = NULL;
  if ((args->output_given || args->in_place_given)
      && (args->check_given || args->lint_given))
    what = "--check and --lint write nothing: they take no --output or "
           "--in-place";
  else if (args->output_given && args->in_place_given)
    what = "--output and --in-place exclude each other";
  else if (args->account_given && args->inputs_num > 1)
    what = "--account labels a single input";
  else if (args->in_place_given && !args->inputs_num)
    what = "--in-place needs FILE arguments";
  else if (args->to_code_given && !args->from_code_given)
    what = "--to-code needs --from-code";
  else if (args->output_given && !*args->output_arg)
    what = "--output names no file";
  else if (args->report_given && !*args->report_arg)
    what = "--report names no file";
  else if (args->report_given && !strcmp (args->report_arg, "-")
           && !args->in_place_given && !args->check_given
           && !args->lint_given
           && (!args->output_given || !strcmp (args->output_arg, "-")))
    what = "--report=- and the output cannot both go to standard output: "
           "add --output, --in-place or --check";
  for (unsigned i = 0; !what && args->in_place_given && i < args->inputs_num;
       i++)
    if (!strcmp (args->inputs[i], "-"))
      what = "--in-place cannot repair standard input";
  return what ? usage_error (what) : 0;
}

/* One converter for the run's text, one for the report's names, one for
   the findings' names, one for --convert's text; and --convert's
   settings.  */
struct converters
{
  struct charset transcode, decode, names, to_utf8, mac;
  struct convert_settings convert;
  struct addrmap map;
};

static int
open_converter (struct charset *c, const char *to, const char *from)
{
  if (charset_open (c, to, from) == 0)
    return 0;
  char what[512];
  if (errno == 0)
    snprintf (what, sizeof what, "cannot convert from %s to %s: line ends, "
              "digits and keywords would not stay ASCII", from, to);
  else
    snprintf (what, sizeof what, "cannot convert from %s to %s", from, to);
  diag_error (what, errno);
  return -1;
}

/* --domain, --date-order and --timezone into C, checked.  */
static int
convert_names (const struct gengetopt_args_info *args,
               struct convert_settings *c)
{
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
  return 0;
}

/* --convert=maildir and eml write into the directory -o names: there
   must be one, and it must not be something else already.  */
static int
convert_dir (const struct gengetopt_args_info *args, struct convert_settings *c)
{
  c->format = args->convert_arg == convert_arg_maildir ? CONVERT_MAILDIR
              : args->convert_arg == convert_arg_eml ? CONVERT_EML
              : CONVERT_MBOX;
  if (c->format == CONVERT_MBOX)
    return 0;
  struct stat sb;
  if (!args->output_given || !strcmp (args->output_arg, "-"))
    return usage_error ("--convert=maildir and --convert=eml need "
                        "--output=DIR");
  if (stat (args->output_arg, &sb) == 0 && !S_ISDIR (sb.st_mode))
    return usage_error ("--output must name a directory with "
                        "--convert=maildir or eml");
  c->dir = args->output_arg;
  return 0;
}

/* --address-map=NAME into CV->map; -1 (said why) when it cannot be.  */
static int
load_map (const char *name, struct converters *cv)
{
  uint64_t line;
  const char *why;
  if (addrmap_load (&cv->map, name, &line, &why) == 0)
    return 0;
  if (line && why)
    fprintf (stderr, "%s: %s:%" PRIu64 ": %s\n", program_name, name, line,
             why);
  else
    diag_error (name, errno);
  return -1;
}

/* --convert and the options that shape it: what does not combine with it,
   the address map, the zone.  Sets JOB->convert.  */
static int
convert_options (const struct gengetopt_args_info *args, struct job *job,
                 struct converters *cv)
{
  struct convert_settings *c = &cv->convert;
  if (!args->convert_given)
    {
      if (args->address_map_given || args->domain_given
          || args->date_order_given || args->timezone_given
          || args->macbinary_given)
        return usage_error ("--address-map, --domain, --date-order, "
                            "--timezone and --macbinary need --convert");
      return 0;
    }
  if (args->check_given || args->lint_given || args->in_place_given
      || args->to_code_given)
    return usage_error ("--convert does not combine with --check, --lint, "
                        "--in-place or --to-code");
  convert_settings_default (c, &job->s);
  if (convert_dir (args, c) != 0 || convert_names (args, c) != 0)
    return EXIT_TROUBLE;
  if (args->from_code_given)
    {
      if (open_converter (&cv->to_utf8, "UTF-8", args->from_code_arg) < 0)
        return EXIT_TROUBLE;
      c->text = &cv->to_utf8;
      c->from_code = args->from_code_arg;
    }
  if (args->address_map_given && load_map (args->address_map_arg, cv) < 0)
    return EXIT_TROUBLE;
  c->map = &cv->map;
  if (args->macbinary_arg == macbinary_arg_unwrap)
    {
      if (open_converter (&cv->mac, "UTF-8", "MACINTOSH") < 0)
        return EXIT_TROUBLE;
      c->mac = &cv->mac;
    }
  job->convert = c;
  return 0;
}

static int
open_converters (const struct gengetopt_args_info *args, struct job *job,
                 struct converters *cv)
{
  const char *from = args->from_code_arg;
  if (args->to_code_given)
    {
      if (open_converter (&cv->transcode, args->to_code_arg, from) < 0)
        return EXIT_TROUBLE;
      job->s.transcode = &cv->transcode;
    }
  if (!args->from_code_given)
    return 0;
  /* Findings name messages in the terminal's character set; what it
     cannot show is approximated rather than lost.  */
  setlocale (LC_CTYPE, "");
  char locale_set[64];
  snprintf (locale_set, sizeof locale_set, "%s//TRANSLIT",
            nl_langinfo (CODESET));
  if (open_converter (&cv->names, locale_set, from) < 0)
    return EXIT_TROUBLE;
  job->s.names = &cv->names;
  if (args->report_given
      && open_converter (&cv->decode, "UTF-8", from) < 0)
    return EXIT_TROUBLE;
  job->report.decode = args->report_given ? &cv->decode : NULL;
  return 0;
}

/* A closed standard descriptor would go to the first file ccfix opens,
   an output's temporary file, and findings or input would land in it: each
   is opened on /dev/null the wrong way round, so that using it fails as
   using a closed one would.  0 when all three are open.  */
static int
standard_fds_open (void)
{
  static const int modes[] = { O_WRONLY, O_RDONLY, O_RDONLY };
  for (int fd = 0; fd < 3; fd++)
    if (fcntl (fd, F_GETFD) < 0 && errno == EBADF
        && open ("/dev/null", modes[fd]) != fd)
      return -1;
  return 0;
}

int
main (int argc, char **argv)
{
  if (standard_fds_open () < 0)
    return EXIT_TROUBLE;
  diag_init ();
  struct gengetopt_args_info args;
  if (parse (argc, argv, &args) != 0)
    return EXIT_TROUBLE;
  if (args.help_given || args.version_given)
    {
      int status = help_or_version (&args);
      cmdline_parser_free (&args);
      return status;
    }
  struct job job = { 0 };
  settings_from_args (&job, &args);
  struct converters cv = { .transcode.cd = (iconv_t) -1,
                           .transcode.probe = (iconv_t) -1,
                           .decode.cd = (iconv_t) -1,
                           .decode.probe = (iconv_t) -1,
                           .names.cd = (iconv_t) -1,
                           .names.probe = (iconv_t) -1,
                           .to_utf8.cd = (iconv_t) -1,
                           .to_utf8.probe = (iconv_t) -1,
                           .mac.cd = (iconv_t) -1,
                           .mac.probe = (iconv_t) -1 };
  int status = check_usage (&args);
  if (status == 0)
    status = open_converters (&args, &job, &cv);
  if (status == 0)
    status = convert_options (&args, &job, &cv);
  if (status == 0)
    status = run_job (&job);
  charset_close (&cv.transcode);
  charset_close (&cv.decode);
  charset_close (&cv.names);
  charset_close (&cv.to_utf8);
  charset_close (&cv.mac);
  addrmap_free (&cv.map);
  job_free (&job);
  cmdline_parser_free (&args);
  return status;
}
