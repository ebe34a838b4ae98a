/* Code pages: converting text between the code page of the post office
   that exported a stream and another, through iconv.  Counts are bytes,
   so a conversion changes them: see repair.c, which recounts.  */
#ifndef CCFIX_CHARSET_H
#define CCFIX_CHARSET_H

#include <iconv.h>
#include <stddef.h>
#include <stdint.h>
#include "input.h"

struct charset
{
  iconv_t cd;
  iconv_t probe;               /* FROM to UTF-32BE: what a bad byte is */
  const char *to, *from;       /* the names, for messages */
  char *stage, *out;           /* reused from call to call */
  uint32_t unmapped;           /* the character the last -2 was about */
};

/* Open a converter from code page FROM to TO (iconv names), which the
   caller keeps.  -1 with errno set when iconv has no such conversion, or
   with errno 0 when line ends, digits or keywords would not stay ASCII
   (UTF-16, EBCDIC ...): counts could not be read or written.  */
int charset_open (struct charset *cs, const char *to, const char *from);
void charset_close (struct charset *cs);

/* A sink for charset_convert that keeps what fits in a fixed buffer: the
   short texts of findings and reports.  */
struct text_buf
{
  char *p;
  size_t cap, n;
};
void charset_to_buf (void *ctx, const char *p, size_t n);

/* Convert [FROM, TO) of IN, handing the converted bytes to SINK (which may
   be NULL: only measure).  Returns 0 with *LEN the converted length; -1
   with *BAD the offset of the first byte that is not a whole character
   of the source code page (invalid, or cut off at TO, or where the
   input failed: IN->err); -2 with *BAD the offset of a character of the
   source that the target lacks, and CS->unmapped that character.  */
int charset_convert (struct charset *cs, struct input *in, uint64_t from,
                     uint64_t to,
                     void (*sink) (void *ctx, const char *p, size_t n),
                     void *ctx, uint64_t *len, uint64_t *bad);

#endif
