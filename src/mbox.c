/* mboxrd.  */
#include <config.h>
#include "mbox.h"

#include <string.h>

static const char from_[] = "From ";

void
mbox_init (struct mbox *m, struct output *out)
{
  m->out = out;
  m->at_start = 1;
  m->quotes = 0;
  m->from = 0;
  m->last = -1;
}

static void
emit (struct mbox *m, const char *p, size_t n)
{
  output_bytes (m->out, (const unsigned char *) p, n);
}

void
mbox_begin (struct mbox *m, const char *sender, const char *date)
{
  emit (m, "From ", 5);
  emit (m, sender ? sender : "MAILER-DAEMON", strlen (sender ? sender
                                                      : "MAILER-DAEMON"));
  emit (m, " ", 1);
  emit (m, date, strlen (date));
  emit (m, "\n", 1);
  m->at_start = 1;
  m->quotes = 0;
  m->from = 0;
  m->last = '\n';
}

/* The '>'s and the part of "From " held back at a line start, with one
   more '>' when QUOTE.  */
static void
release (struct mbox *m, int quote)
{
  static const char many[] = ">>>>>>>>>>>>>>>>";
  uint64_t q = m->quotes + (quote != 0);
  while (q)
    {
      size_t k = q < sizeof many - 1 ? (size_t) q : sizeof many - 1;
      emit (m, many, k);
      q -= k;
    }
  emit (m, from_, m->from);
  m->at_start = 0;
  m->quotes = 0;
  m->from = 0;
}

void
mbox_write (void *ctx, const char *p, size_t n)
{
  struct mbox *m = ctx;
  if (n)
    m->last = (unsigned char) p[n - 1];
  size_t i = 0;
  while (i < n)
    {
      if (!m->at_start)
        {
          /* Inside a line: straight to its end.  */
          const char *lf = memchr (p + i, '\n', n - i);
          size_t k = lf ? (size_t) (lf - p) + 1 - i : n - i;
          emit (m, p + i, k);
          i += k;
          m->at_start = lf != NULL;
          continue;
        }
      char c = p[i];
      if (c == '>' && m->from == 0)
        {
          m->quotes++;
          i++;
        }
      else if (c == from_[m->from])
        {
          i++;
          if (++m->from == sizeof from_ - 1)
            release (m, 1);
        }
      else
        release (m, 0);
    }
}

void
mbox_write_plain (void *ctx, const char *p, size_t n)
{
  struct mbox *m = ctx;
  if (!n)
    return;
  if (m->quotes || m->from)
    release (m, 0);
  emit (m, p, n);
  m->last = (unsigned char) p[n - 1];
  m->at_start = p[n - 1] == '\n';
}

void
mbox_end (struct mbox *m)
{
  if (m->quotes || m->from)
    release (m, 0);
  if (m->last != '\n')
    emit (m, "\n", 1);
  emit (m, "\n", 1);
  m->at_start = 1;
  m->last = '\n';
}
