/* Diagnostics.  */
#include <config.h>
#include "diag.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>


const char *program_name = PACKAGE;

/* Whether a status line stands on the terminal, to be erased first.  */
static int status_shown;

void
diag_status (const char *line, size_t n)
{
  fputs ("\r\033[K", stderr);
  fwrite (line, 1, n, stderr);
  status_shown = 1;
}

void
diag_status_erase (void)
{
  if (status_shown)
    fputs ("\r\033[K", stderr);
  status_shown = 0;
}

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
  diag_status_erase ();
  fwrite (buf, 1, (size_t) n, stderr);
}

void
diag_finding (int quiet, const char *file, uint64_t line, uint64_t message,
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
diag_warning (int quiet, const char *file, uint64_t line,
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
diag_error (const char *what, int err)
{
  diag_status_erase ();
  if (err)
    fprintf (stderr, "%s: %s: %s\n", program_name, what, strerror (err));
  else
    fprintf (stderr, "%s: %s\n", program_name, what);
}
