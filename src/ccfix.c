/* ccfix: options -> settings -> repair each input -> exit status.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
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

static int
repair_file (const char *name, struct output *out, const struct settings *s)
{
  int fd = STDIN_FILENO;
  if (strcmp (name, "-") != 0 && (fd = open (name, O_RDONLY)) < 0)
    {
      report_error (name, errno);
      return EXIT_TROUBLE;
    }
  struct stats st;
  int status = repair_stream (fd, name, out, s, &st);
  if (s->verbose)
    report_summary (name, &st);
  if (fd != STDIN_FILENO)
    close (fd);
  return status;
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

  struct settings s;
  settings_default (&s);
  s.check = args.check_flag;
  s.quiet = args.quiet_flag;
  s.verbose = args.verbose_flag;
  s.progress = args.progress_flag;
  /* The enums list "auto" first, then the values in enum order.  */
  s.from = args.count_from_arg == count_from_arg_auto
           ? RULE_AUTO : (int) args.count_from_arg - 1;
  s.to = args.count_to_arg == count_to_arg_auto
         ? RULE_AUTO : (int) args.count_to_arg - 1;
  s.pad = args.pad_arg == pad_arg_auto ? RULE_AUTO : (int) args.pad_arg - 1;

  struct output out;
  if (output_open (&out, s.check ? -1 : STDOUT_FILENO) < 0)
    {
      report_error ("output", ENOMEM);
      return EXIT_TROUBLE;
    }
  int status = EXIT_REPAIRED;
  for (unsigned i = 0; i < args.inputs_num || i == 0; i++)
    {
      const char *name = args.inputs_num ? args.inputs[i] : "-";
      int r = repair_file (name, &out, &s);
      if (r > status)
        status = r;
      if (out.err)
        break;
    }
  if (output_flush (&out) < 0 || (!s.check && close (STDOUT_FILENO) != 0
                                  && (out.err = errno)))
    {
      report_error ("write error", out.err);
      status = EXIT_TROUBLE;
    }
  output_close (&out);
  cmdline_parser_free (&args);
  return status;
}
