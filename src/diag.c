/* Diagnostics.  */
#include <config.h>
#include "diag.h"
#include "decimal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


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

/* Findings bound for a file or a pipe, not yet written: kept here rather
   than in stdio's buffer so that a fatal signal can still write them
   with write() alone.  */
static char pending[64 * 1024];
static size_t npending;
static int buffered;

void
diag_flush (void)
{
  size_t done = 0;
  while (done < npending)
    {
      ssize_t w = write (STDERR_FILENO, pending + done, npending - done);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        break;
      done += (size_t) w;
    }
  npending = 0;
}

void
diag_init (void)
{
  buffered = !isatty (STDERR_FILENO) && atexit (diag_flush) == 0;
}

void
diag_put_u64 (struct diag_text *t, uint64_t v)
{
  unsigned n = decimal_digits (v);
  if (n > sizeof t->s - 1 - t->n)
    return;
  decimal_put ((unsigned char *) t->s + t->n, n, v);
  t->n += n;
}

/* "ccfix: FILE:LINE: " and, for a message, "message N (WHO): ".  The
   whole of it is kept from one finding to the next: the findings of a
   message come one after the other, and all but the first reuse it.  */
static void
put_where (struct diag_text *t, const char *file, uint64_t line,
           uint64_t message, const char *who)
{
  static struct diag_text head;
  static size_t name_at, name_end;
  static uint64_t head_line, head_message;
  static int head_redo;        /* a label, or not yet for this file */
  size_t len = strlen (file);
  if (name_end != name_at + len + 1 || memcmp (head.s + name_at, file, len))
    {
      head.n = 0;
      diag_put (&head, program_name);
      diag_put (&head, ": ");
      name_at = head.n;
      diag_put (&head, file);
      diag_put (&head, ":");
      name_end = head.n;
      head_redo = 1;
    }
  /* A label (WHO) is not compared: it is rare, and not worth it.  */
  if (who || head_redo || line != head_line || message != head_message)
    {
      head.n = name_end;
      diag_put_u64 (&head, line);
      diag_put_mem (&head, ": ", 2);
      if (message)
        {
          diag_put_mem (&head, "message ", 8);
          diag_put_u64 (&head, message);
          if (who)
            {
              diag_put_mem (&head, " (", 2);
              diag_put (&head, who);
              diag_put_mem (&head, ")", 1);
            }
          diag_put_mem (&head, ": ", 2);
        }
      head_line = line;
      head_message = message;
      head_redo = who != NULL;
    }
  diag_put_mem (t, head.s, head.n);
}

/* One line, written whole: when standard error is unbuffered (a
   terminal), one write per line.  */
static void
put_line (struct diag_text *t)
{
  t->s[t->n++] = '\n';
  if (!buffered)
    {
      diag_status_erase ();
      fwrite (t->s, 1, t->n, stderr);
      return;
    }
  if (npending + t->n > sizeof pending)
    diag_flush ();
  memcpy (pending + npending, t->s, t->n);
  npending += t->n;
}

void
diag_finding_begin (struct diag_text *t, const char *file, uint64_t line,
                    uint64_t message, const char *who)
{
  t->n = 0;
  put_where (t, file, line, message, who);
}

void
diag_finding_end (struct diag_text *t)
{
  put_line (t);
}

static void
vreport (const char *file, uint64_t line, uint64_t message, const char *who,
         const char *fmt, va_list ap)
{
  struct diag_text t;   /* not cleared: a finding sets a few of its bytes */
  t.n = 0;
  put_where (&t, file, line, message, who);
  int k = vsnprintf (t.s + t.n, sizeof t.s - 1 - t.n, fmt, ap);
  if (k < 0)
    return;
  t.n += (size_t) k < sizeof t.s - 1 - t.n ? (size_t) k
         : sizeof t.s - 2 - t.n;
  put_line (&t);
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
  diag_flush ();
  diag_status_erase ();
  if (err)
    fprintf (stderr, "%s: %s: %s\n", program_name, what, strerror (err));
  else
    fprintf (stderr, "%s: %s\n", program_name, what);
  fflush (stderr);
}
