/* mboxrd: messages one after another, each starting with a "From " line,
   any line of the message matching ^>*From  given one more '>', and an
   empty line after each (CONVERT.md, "mbox").  The quoting is a filter on
   the message's bytes, so a message of any size streams through it.  */
#ifndef CCFIX_MBOX_H
#define CCFIX_MBOX_H

#include <stddef.h>
#include <stdint.h>
#include "output.h"

struct mbox
{
  struct output *out;
  int at_start;                /* at the start of a line */
  uint64_t quotes;             /* '>' seen at the start of this line */
  size_t from;                 /* bytes of "From " matched after them */
  int last;                    /* the last byte written, or -1 */
};

void mbox_init (struct mbox *m, struct output *out);
/* The "From SENDER DATE" line; SENDER NULL: MAILER-DAEMON.  */
void mbox_begin (struct mbox *m, const char *sender, const char *date);
/* Bytes of the message, LF line ends; a sink_fn.  */
void mbox_write (void *ctx, const char *p, size_t n);
/* Bytes that cannot hold a line starting "From " (base64: no spaces),
   written without looking at them.  */
void mbox_write_plain (void *ctx, const char *p, size_t n);
/* End the last line if it is open, and the empty line.  */
void mbox_end (struct mbox *m);

#endif
