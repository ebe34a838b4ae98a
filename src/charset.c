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

int
charset_open (struct charset *cs, const char *to, const char *from)
{
  cs->stage = cs->out = NULL;
  cs->cd = iconv_open (to, from);
  if (cs->cd == (iconv_t) -1)
    return -1;
  cs->stage = malloc (STAGE);
  cs->out = malloc (OUT);
  if (!cs->stage || !cs->out)
    {
      charset_close (cs);
      errno = ENOMEM;
      return -1;
    }
  return 0;
}

void
charset_close (struct charset *cs)
{
  if (cs->cd != (iconv_t) -1)
    iconv_close (cs->cd);
  cs->cd = (iconv_t) -1;
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
      size_t n = kept;
      while (n < STAGE && at < to)
        {
          size_t avail;
          const unsigned char *p = input_at (in, at, &avail);
          if (!p)
            break;
          size_t k = avail;
          if (k > STAGE - n)
            k = STAGE - n;
          if (k > to - at)
            k = (size_t) (to - at);
          memcpy (cs->stage + n, p, k);
          n += k;
          at += k;
        }
      char *ip = cs->stage;
      size_t il = n;
      size_t r = run (cs, &ip, &il, sink, ctx, len);
      if (r == (size_t) -1 && (errno != EINVAL || at >= to || n == kept))
        {
          /* Invalid, or a character the range itself cuts off.  */
          *bad = base + (uint64_t) (ip - cs->stage);
          return -1;
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
