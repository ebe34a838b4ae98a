/* Diagnostics: findings, warnings, errors and the status line, on
   standard error.  A leaf: everything that talks to the user calls down
   into it.  */
#ifndef CCFIX_DIAG_H
#define CCFIX_DIAG_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

extern const char *program_name;

/* "ccfix: FILE:LINE: message N: ..." unless QUIET; with WHO (-f: the
   message's subject or sender), "message N (WHO): ...".  */
void diag_finding (int quiet, const char *file, uint64_t line,
                   uint64_t message, const char *who, const char *fmt, ...)
  __attribute__ ((format (printf, 6, 7)));
/* "ccfix: FILE:LINE: ..." unless QUIET, for what is not about one
   message.  */
void diag_warning (int quiet, const char *file, uint64_t line,
                     const char *fmt, ...)
  __attribute__ ((format (printf, 4, 5)));
/* A finding's text built without printf: a stream can have millions of
   findings, each of which must cost little more than its bytes.  */
struct diag_text
{
  char s[1024];
  size_t n;
};

/* Append the K bytes of S, as many as fit (room is kept for the
   newline).  Inline: K is nearly always a constant, and the copy then a
   move or two.  */
static inline void
diag_put_mem (struct diag_text *t, const char *s, size_t k)
{
  size_t room = sizeof t->s - 1 - t->n;
  if (k > room)
    {
      memcpy (t->s + t->n, s, room);
      t->n += room;
      return;
    }
  memcpy (t->s + t->n, s, k);
  t->n += k;
}

static inline void
diag_put (struct diag_text *t, const char *s)
{
  diag_put_mem (t, s, strlen (s));
}

void diag_put_u64 (struct diag_text *t, uint64_t v);
/* A finding put together in T, which diag_finding_begin starts with
   "ccfix: FILE:LINE: message N (WHO): " and diag_finding_end writes out,
   whole, as one line.  */
void diag_finding_begin (struct diag_text *t, const char *file,
                         uint64_t line, uint64_t message, const char *who);
void diag_finding_end (struct diag_text *t);
/* Findings and warnings to standard error go out in large writes when it
   is no terminal; diag_flush writes what is held (at exit, before an
   error, on a fatal signal: it calls only write()).  */
void diag_init (void);
void diag_flush (void);

/* "ccfix: WHAT: strerror (ERR)", or "ccfix: WHAT" when ERR is 0; always,
   whatever -q says.  */
void diag_error (const char *what, int err);

/* The status line (progress): shown on standard error without a newline,
   erased before anything else is written there.  LINE is the whole text.  */
void diag_status (const char *line, size_t n);
void diag_status_erase (void);

#endif
