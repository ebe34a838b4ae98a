/* Lines and keywords: where lines start and end on the input, and which
   of them are Message:, Contents: and item lines.  */
#ifndef CCFIX_LINES_H
#define CCFIX_LINES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined __SSE2__
# include <emmintrin.h>
#endif
#include "input.h"
#include "slot.h"

/* LINE_CUT: the last bytes of the input, without an EOL, are the start of
   a Message: line: the stream was cut short there, and what comes before
   ends as it would before a Message: line.  */
enum line_kind { LINE_OTHER, LINE_BLANK, LINE_MESSAGE, LINE_CONTENTS,
                 LINE_ITEM, LINE_CUT };

/* A Message: line, or one cut short by the end of the input.  */
static inline int
starts_message (enum line_kind kind)
{
  return kind == LINE_MESSAGE || kind == LINE_CUT;
}

/* A line from OFF: its bytes are [off, end), its EOL [end, next).  A last
   line without an EOL has end == next.  */
struct line
{
  uint64_t off, end, next;
};

/* The first LF in the N bytes at P, or NULL: sixteen bytes a step where
   SSE2 is there, since most lines are short and memchr's call costs as
   much as the search.  */
static inline const unsigned char *
find_lf (const unsigned char *p, size_t n)
{
#if defined __SSE2__ && defined __GNUC__
  const __m128i lf = _mm_set1_epi8 ('\n');
  for (; n >= 16; p += 16, n -= 16)
    {
      __m128i v = _mm_loadu_si128 ((const __m128i *) (const void *) p);
      unsigned m = (unsigned) _mm_movemask_epi8 (_mm_cmpeq_epi8 (v, lf));
      if (m)
        return p + __builtin_ctz (m);
    }
#endif
  return memchr (p, '\n', n);
}

/* Whether C is an ASCII letter, as the word of an item line is made of.  */
static inline int
kw_letter (unsigned char c)
{
  return (unsigned char) ((c | 0x20) - 'a') < 26;
}

/* Keyword recognition as the bytes of a line go by (without its EOL).  */
struct kw_scan
{
  uint64_t len;
  unsigned char msg, cont;  /* "Message:" / "Contents:" still possible */
  unsigned char item;       /* 0 letters, 1 in " item:", 2 seen it,
                               3 not an item line, 4 an item line */
  unsigned char item_k;     /* bytes of " item:" matched */
};

void kw_scan_init (struct kw_scan *k);
/* Returns 0 once the kind cannot change any more.  */
int kw_scan_feed (struct kw_scan *k, const unsigned char *p, size_t n);
enum line_kind kw_scan_end (const struct kw_scan *k);
/* The kind of a whole line's bytes (EOL excluded) that has an EOL.  */
enum line_kind kw_classify (const unsigned char *p, size_t n);

/* The line at OFF and, when KIND is not NULL, its kind, found afresh for
   a question asked once; 0 when OFF is at the end of the input.  */
int line_get (struct input *in, uint64_t off, struct line *ln,
              enum line_kind *kind);
/* The line at OFF and its kind (a line without an EOL is never a keyword
   or blank, but may be LINE_CUT): 0 at the end of the input.  */
int line_read (struct input *in, uint64_t off, struct line *ln,
               enum line_kind *kind);

/* LN, just read by line_read, as a slot line (its bytes, EOL excluded).  */
void line_slot (struct input *in, const struct line *ln,
                struct slot_info *info);

/* Whether LN starts with the N bytes of S; if so, *VALUE is where the
   text after them and any spaces begins.  */
int line_has_prefix (struct input *in, const struct line *ln, const char *s,
                     size_t n, uint64_t *value);

/* The first place in LN after its start, at or after FROM, where a
   keyword line of a kind in WANT (a set of 1 << LINE_ITEM and
   1 << LINE_MESSAGE) is glued to the bytes before it (FORMAT.md): an item
   line whose word is a capital and small letters, starting at that
   capital, or "Message:" with only spaces after it.  UINT64_MAX when there
   is none; *KIND says which it is.  Whether it counts depends on the line
   after LN, which every keyword glued into LN shares: the caller asks.  */
uint64_t glued_keyword (struct input *in, const struct line *ln,
                        uint64_t from, unsigned want, enum line_kind *kind);

/* Whether the item line at OFF, where no physical line starts, has the
   word a glued item line has: a capital and small letters ("File",
   never "ile" or "FILE"; FORMAT.md).  */
int glued_item_word (struct input *in, uint64_t off);

/* Whether a Message: line can be glued into LN: it ends with one.  A
   quick test before glued_keyword, for a caller that wants no other.  */
int may_glue_message (struct input *in, const struct line *ln);

/* Past any blank lines from OFF.  */
uint64_t skip_blank_lines (struct input *in, uint64_t off);

/* Count the LF bytes in [FROM, TO).  */
uint64_t count_lf (struct input *in, uint64_t from, uint64_t to);

#endif
