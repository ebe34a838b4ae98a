/* Code pages.  */
#include <config.h>
#include "charset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Input goes through a staging buffer, so that a character cut by the
   edge of an input chunk is joined again before iconv sees it.  */
#define STAGE ((size_t) 64 * 1024)
#define OUT ((size_t) 64 * 1024)

/* Whether CD leaves the ASCII that ccfix reads and writes as it is.  */
static int
keeps_ascii (iconv_t cd)
{
  static const char sample[] = "Message:\r\nContents:\nText item: "
                               "0123456789\r\n";
  char got[4 * sizeof sample];
  char *ip = (char *) sample, *op = got;
  size_t il = sizeof sample - 1, ol = sizeof got;
  if (iconv (cd, (ICONV_CONST char **) &ip, &il, &op, &ol) == (size_t) -1)
    return 0;
  if (iconv (cd, NULL, NULL, &op, &ol) == (size_t) -1)
    return 0;
  iconv (cd, NULL, NULL, NULL, NULL);
  return (size_t) (op - got) == sizeof sample - 1
         && memcmp (got, sample, sizeof sample - 1) == 0;
}

int
charset_open (struct charset *cs, const char *to, const char *from)
{
  cs->stage = cs->out = NULL;
  cs->to = to;
  cs->from = from;
  cs->probe = (iconv_t) -1;
  cs->cd = iconv_open (to, from);
  if (cs->cd == (iconv_t) -1)
    return -1;
  if (!keeps_ascii (cs->cd))
    {
      charset_close (cs);
      errno = 0;
      return -1;
    }
  cs->probe = iconv_open ("UTF-32BE", from);
  cs->stage = malloc (STAGE);
  cs->out = malloc (OUT);
  if (cs->probe == (iconv_t) -1 || !cs->stage || !cs->out)
    {
      int e = cs->probe == (iconv_t) -1 ? errno : ENOMEM;
      charset_close (cs);
      errno = e;
      return -1;
    }
  return 0;
}

void
charset_close (struct charset *cs)
{
  if (cs->cd != (iconv_t) -1)
    iconv_close (cs->cd);
  if (cs->probe != (iconv_t) -1)
    iconv_close (cs->probe);
  cs->cd = cs->probe = (iconv_t) -1;
  free (cs->stage);
  free (cs->out);
  cs->stage = cs->out = NULL;
}

void
charset_to_buf (void *ctx, const char *p, size_t n)
{
  struct text_buf *t = ctx;
  if (n > t->cap - t->n)
    n = t->cap - t->n;
  memcpy (t->p + t->n, p, n);
  t->n += n;
}

/* Call iconv on IN and INLEFT until it stops, handing out what it made.  */
static size_t
run (struct charset *cs, char **in, size_t *inleft,
     void (*sink) (void *, const char *, size_t), void *ctx, uint64_t *len)
{
  for (;;)
    {
      char *op = cs->out;
      size_t ol = OUT;
      size_t r = iconv (cs->cd, (ICONV_CONST char **) in, inleft, &op, &ol);
      int e = errno;
      size_t made = (size_t) (op - cs->out);
      if (made && sink)
        sink (ctx, cs->out, made);
      *len += made;
      if (r != (size_t) -1 || e != E2BIG)
        {
          errno = e;
          return r;
        }
    }
}

/* Whether the IL bytes at IP start with a whole character of the source
   code page (iconv says EILSEQ for both kinds of trouble); if so, it is
   left in CS->unmapped.  */
static int
source_char (struct charset *cs, char *ip, size_t il)
{
  unsigned char u[4];
  char *op = (char *) u;
  size_t ol = sizeof u;
  iconv (cs->probe, NULL, NULL, NULL, NULL);
  iconv (cs->probe, (ICONV_CONST char **) &ip, &il, &op, &ol);
  if (ol != 0)
    return 0;
  cs->unmapped = (uint32_t) u[0] << 24 | (uint32_t) u[1] << 16
                 | (uint32_t) u[2] << 8 | u[3];
  return 1;
}

int
charset_convert (struct charset *cs, struct input *in, uint64_t from,
                 uint64_t to, void (*sink) (void *, const char *, size_t),
                 void *ctx, uint64_t *len, uint64_t *bad)
{
  iconv (cs->cd, NULL, NULL, NULL, NULL);
  *len = 0;
  uint64_t at = from;          /* the next input byte to stage */
  uint64_t base = from;        /* the input offset of stage[0] */
  size_t kept = 0;             /* bytes of a cut character, staged */
  while (at < to || kept)
    {
      size_t n = kept, k;
      const unsigned char *p;
      while (n < STAGE
             && input_chunk (in, &at, to - at > STAGE - n ? at + STAGE - n
                                                          : to, &p, &k))
        {
          memcpy (cs->stage + n, p, k);
          n += k;
        }
      /* Nothing more to be read before TO: the input failed (in->err),
         and would fail again, for ever.  */
      if (n == kept && at < to)
        {
          *bad = base;
          return -1;
        }
      char *ip = cs->stage;
      size_t il = n;
      size_t r = run (cs, &ip, &il, sink, ctx, len);
      if (r == (size_t) -1 && (errno != EINVAL || at >= to || n == kept))
        {
          /* Invalid, or a character the range itself cuts off, or one
             the target lacks.  */
          *bad = base + (uint64_t) (ip - cs->stage);
          return errno == EILSEQ && source_char (cs, ip, il) ? -2 : -1;
        }
      base += (uint64_t) (ip - cs->stage);
      kept = il;
      memmove (cs->stage, ip, kept);
    }
  /* Back to the initial shift state, for stateful code pages.  */
  char *op = cs->out;
  size_t ol = OUT;
  if (iconv (cs->cd, NULL, NULL, &op, &ol) != (size_t) -1 && op > cs->out)
    {
      if (sink)
        sink (ctx, cs->out, (size_t) (op - cs->out));
      *len += (uint64_t) (op - cs->out);
    }
  return 0;
}
