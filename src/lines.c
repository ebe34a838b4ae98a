/* Lines and keywords.  */
#include <config.h>
#include "lines.h"

#include <stdlib.h>
#include <string.h>

static const char message_kw[] = "Message:";
static const char contents_kw[] = "Contents:";
static const char item_kw[] = " item:";

void
kw_scan_init (struct kw_scan *k)
{
  memset (k, 0, sizeof *k);
  k->msg = k->cont = 1;
}

int
kw_scan_feed (struct kw_scan *k, const unsigned char *p, size_t n)
{
  for (size_t i = 0; i < n; i++, k->len++)
    {
      unsigned char c = p[i];
      if (k->msg)
        k->msg = k->len < sizeof message_kw - 1
                 ? c == (unsigned char) message_kw[k->len] : c == ' ';
      if (k->cont)
        k->cont = k->len < sizeof contents_kw - 1
                  ? c == (unsigned char) contents_kw[k->len] : c == ' ';
      switch (k->item)
        {
        case 0:
          if (kw_letter (c))
            break;
          k->item = k->len > 0 && c == ' ' ? 1 : 3;
          k->item_k = 1;
          break;
        case 1:
          if (c != (unsigned char) item_kw[k->item_k])
            k->item = 3;
          else if (++k->item_k == sizeof item_kw - 1)
            k->item = 2;
          break;
        case 2:
          /* "Text item:" must be followed by the end or a space.  */
          k->item = c == ' ' ? 4 : 3;
          break;
        default:
          break;
        }
      if (!k->msg && !k->cont && k->item >= 3)
        {
          k->len += n - i;
          return 0;
        }
    }
  return 1;
}

enum line_kind
kw_scan_end (const struct kw_scan *k)
{
  if (k->len == 0)
    return LINE_BLANK;
  if (k->msg && k->len >= sizeof message_kw - 1)
    return LINE_MESSAGE;
  if (k->cont && k->len >= sizeof contents_kw - 1)
    return LINE_CONTENTS;
  if (k->item == 2 || k->item == 4)
    return LINE_ITEM;
  return LINE_OTHER;
}

/* Whether the N bytes from P are spaces.  */
static int
all_spaces (const unsigned char *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (p[i] != ' ')
      return 0;
  return 1;
}

/* The same answer as a kw_scan over the line, in one look at its first
   bytes: nearly every line is classified here.  */
enum line_kind
kw_classify (const unsigned char *p, size_t n)
{
  if (n == 0)
    return LINE_BLANK;
  if (p[0] == 'M' && n >= sizeof message_kw - 1
      && memcmp (p, message_kw, sizeof message_kw - 1) == 0)
    return all_spaces (p + sizeof message_kw - 1, n - (sizeof message_kw - 1))
           ? LINE_MESSAGE : LINE_OTHER;
  if (p[0] == 'C' && n >= sizeof contents_kw - 1
      && memcmp (p, contents_kw, sizeof contents_kw - 1) == 0)
    return all_spaces (p + sizeof contents_kw - 1,
                       n - (sizeof contents_kw - 1))
           ? LINE_CONTENTS : LINE_OTHER;
  size_t w = 0;
  while (w < n && kw_letter (p[w]))
    w++;
  size_t k = sizeof item_kw - 1;
  /* Most lines fail at the byte after the first word.  */
  if (w == 0 || n - w < k || p[w + 1] != 'i'
      || memcmp (p + w, item_kw, k) != 0)
    return LINE_OTHER;
  return n == w + k || p[w + k] == ' ' ? LINE_ITEM : LINE_OTHER;
}

/* Lines found and classified, by offset, in a direct-mapped table: the
   bytes of the input never change, so an entry once made stays true, and
   framing (counts, cuts, scan, landing) asks about the same few lines
   again and again.  Small enough to stay in the first-level cache: the
   questions about a message are asked while it is framed, and a table
   of 256 KiB missed the cache on nearly every look, which cost more
   than finding the line again.  */
#define MEMO_BITS 8

struct line_memo
{
  struct
  {
    uint64_t off, end, next;   /* next == 0: empty */
    enum line_kind kind;
    int has_slot;              /* slot holds the line read as a slot */
    struct slot_info slot;
  } e[1 << MEMO_BITS];
};

static size_t
memo_index (uint64_t off)
{
  return (size_t) ((off * UINT64_C (0x9E3779B97F4A7C15)) >> (64 - MEMO_BITS));
}

/* The line at OFF, found byte by byte across buffers.  */
static int
line_get_slow (struct input *in, uint64_t off, struct line *ln)
{
  if (input_at_end (in, off))
    return 0;
  uint64_t lf = input_find_lf (in, off);
  ln->off = off;
  if (input_byte (in, lf) != '\n')
    {
      ln->end = ln->next = lf;
      return 1;
    }
  ln->next = lf + 1;
  ln->end = lf > off && input_byte (in, lf - 1) == '\r' ? lf - 1 : lf;
  return 1;
}

/* The kind of LN; a line without an EOL is never a keyword or blank, but
   may be LINE_CUT.  */
static enum line_kind
line_kind (struct input *in, const struct line *ln)
{
  int cut = ln->next == ln->end;
  uint64_t end = ln->end;
  size_t avail;
  const unsigned char *p;
  if (!cut && (p = input_at (in, ln->off, &avail))
      && avail >= end - ln->off)
    return kw_classify (p, (size_t) (end - ln->off));
  /* A CR is an EOL only before an LF: at the very end, a cut CRLF.  */
  if (cut && end > ln->off && input_byte (in, end - 1) == '\r')
    end--;
  struct kw_scan k;
  kw_scan_init (&k);
  size_t n;
  for (uint64_t off = ln->off; input_chunk (in, &off, end, &p, &n);)
    if (!kw_scan_feed (&k, p, n))
      break;
  if (cut)
    return k.msg && end > ln->off ? LINE_CUT : LINE_OTHER;
  return kw_scan_end (&k);
}

/* The line at OFF and its kind, found afresh: in one look when the line
   lies in one buffer, as nearly every line does.  */
static int
line_find (struct input *in, uint64_t off, struct line *ln,
           enum line_kind *kind)
{
  size_t avail;
  const unsigned char *p = input_at (in, off, &avail);
  const unsigned char *lf = p ? find_lf (p, avail) : NULL;
  if (!lf)
    {
      if (!line_get_slow (in, off, ln))
        return 0;
      *kind = line_kind (in, ln);
      return 1;
    }
  size_t n = (size_t) (lf - p) - (lf > p && lf[-1] == '\r');
  ln->off = off;
  ln->end = off + n;
  ln->next = off + (uint64_t) (lf - p) + 1;
  *kind = kw_classify (p, n);
  return 1;
}

int
line_get (struct input *in, uint64_t off, struct line *ln,
          enum line_kind *kind)
{
  enum line_kind k;
  return line_find (in, off, ln, kind ? kind : &k);
}

int
line_read (struct input *in, uint64_t off, struct line *ln,
           enum line_kind *kind)
{
  if (!in->lines && !(in->lines = calloc (1, sizeof *in->lines)))
    /* No table: every question is answered afresh.  */
    return line_find (in, off, ln, kind);
  size_t h = memo_index (off);
  if (in->lines->e[h].next && in->lines->e[h].off == off)
    {
      ln->off = off;
      ln->end = in->lines->e[h].end;
      ln->next = in->lines->e[h].next;
      *kind = in->lines->e[h].kind;
      return 1;
    }
  if (!line_find (in, off, ln, kind))
    return 0;
  in->lines->e[h].off = off;
  in->lines->e[h].end = ln->end;
  in->lines->e[h].next = ln->next;
  in->lines->e[h].kind = *kind;
  in->lines->e[h].has_slot = 0;
  return 1;
}

void
line_slot (struct input *in, const struct line *ln, struct slot_info *info)
{
  size_t h = memo_index (ln->off);
  int kept = in->lines && in->lines->e[h].next
             && in->lines->e[h].off == ln->off;
  if (kept && in->lines->e[h].has_slot)
    {
      *info = in->lines->e[h].slot;
      return;
    }
  size_t avail;
  const unsigned char *p = input_at (in, ln->off, &avail);
  if (p && avail >= ln->end - ln->off)
    slot_classify (p, (size_t) (ln->end - ln->off), info);
  else
    {
      struct slot_scan scan;
      slot_scan_init (&scan);
      size_t n;
      for (uint64_t at = ln->off; input_chunk (in, &at, ln->end, &p, &n);)
        slot_scan_feed (&scan, p, n);
      slot_scan_end (&scan, info);
    }
  if (kept)
    {
      in->lines->e[h].slot = *info;
      in->lines->e[h].has_slot = 1;
    }
}

int
line_has_prefix (struct input *in, const struct line *ln, const char *s,
                 size_t n, uint64_t *value)
{
  if (ln->end - ln->off < n)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (input_byte (in, ln->off + i) != (unsigned char) s[i])
      return 0;
  uint64_t v = ln->off + n;
  while (v < ln->end && input_byte (in, v) == ' ')
    v++;
  *value = v;
  return 1;
}

static int
is_small (int c)
{
  return c >= 'a' && c <= 'z';
}

/* Whether the N bytes of S stand at OFF.  */
static int
bytes_at (struct input *in, uint64_t off, const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (input_byte (in, off + i) != (unsigned char) s[i])
      return 0;
  return 1;
}

/* The keyword glued into LN whose colon is at COLON, or UINT64_MAX.  */
int
glued_item_word (struct input *in, uint64_t off)
{
  int c = input_byte (in, off);
  if (c < 'A' || c > 'Z')
    return 0;
  while (is_small (c = input_byte (in, ++off)))
    ;
  return c == ' ';
}

static uint64_t
glued_at_colon (struct input *in, const struct line *ln, uint64_t from,
                uint64_t colon, unsigned want, enum line_kind *kind)
{
  uint64_t lo = from > ln->off ? from : ln->off + 1;
  uint64_t m = colon - (sizeof message_kw - 2);
  if ((want & 1u << LINE_MESSAGE) && ln->next > ln->end
      && colon >= lo + sizeof message_kw - 2
      && bytes_at (in, m, message_kw, sizeof message_kw - 1))
    {
      uint64_t at = colon + 1;
      while (at < ln->end && input_byte (in, at) == ' ')
        at++;
      if (at == ln->end)
        {
          *kind = LINE_MESSAGE;
          return m;
        }
    }
  uint64_t sp = colon - (sizeof item_kw - 2);
  if (!(want & 1u << LINE_ITEM) || colon < lo + sizeof item_kw
      || !bytes_at (in, sp, item_kw, sizeof item_kw - 1)
      || (colon + 1 < ln->end && input_byte (in, colon + 1) != ' '))
    return UINT64_MAX;
  uint64_t w = sp;
  while (w > lo && is_small (input_byte (in, w - 1)))
    w--;
  if (w == sp || w == lo)
    return UINT64_MAX;
  int cap = input_byte (in, w - 1);
  if (cap < 'A' || cap > 'Z')
    return UINT64_MAX;
  *kind = LINE_ITEM;
  return w - 1;
}

int
may_glue_message (struct input *in, const struct line *ln)
{
  uint64_t e = ln->end;
  while (e > ln->off && input_byte (in, e - 1) == ' ')
    e--;
  return ln->next > ln->end && e - ln->off > sizeof message_kw - 1
         && bytes_at (in, e - (sizeof message_kw - 1), message_kw,
                      sizeof message_kw - 1);
}

uint64_t
glued_keyword (struct input *in, const struct line *ln, uint64_t from,
               unsigned want, enum line_kind *kind)
{
  /* Every keyword ends with a colon, which is rare in binary data and
     found fast.  */
  uint64_t at = from > ln->off ? from : ln->off + 1;
  const unsigned char *p;
  size_t n;
  while (input_chunk (in, &at, ln->end, &p, &n))
    {
      const unsigned char *c = memchr (p, ':', n);
      if (!c)
        continue;
      uint64_t colon = at - n + (uint64_t) (c - p);
      /* Both keywords end in "e:" or "m:".  */
      int before = c > p ? c[-1] : input_byte (in, colon - 1);
      uint64_t g = before != 'e' && before != 'm' ? UINT64_MAX
                   : glued_at_colon (in, ln, from, colon, want, kind);
      if (g != UINT64_MAX)
        return g;
      at = colon + 1;
    }
  return UINT64_MAX;
}

uint64_t
skip_blank_lines (struct input *in, uint64_t off)
{
  struct line ln;
  enum line_kind kind;
  while (line_read (in, off, &ln, &kind) && kind == LINE_BLANK)
    off = ln.next;
  return off;
}

/* Sixty-four bytes a step, in byte-wide counters emptied before they can
   overflow: the line count is the only pass ccfix makes over every byte,
   so it must cost far less than the read() that brought them in.  GCC's
   vector extensions keep it portable (SSE2 on x86-64, NEON on ARM, plain
   words elsewhere); on x86-64 an AVX2 clone is picked at load time.  */
typedef unsigned char bytes16 __attribute__ ((vector_size (16)));

/* The sum of V's sixteen byte-wide counters, eight at a time in a word:
   most calls count one short message, where a lane-by-lane sum would
   cost more than the counting.  */
static inline uint64_t
sum_lanes (bytes16 v)
{
  const uint64_t m = UINT64_C (0x00FF00FF00FF00FF);
  uint64_t h[2], sum = 0;
  memcpy (h, &v, sizeof h);
  for (int k = 0; k < 2; k++)
    {
      uint64_t x = (h[k] & m) + ((h[k] >> 8) & m);
      sum += (x * UINT64_C (0x0001000100010001)) >> 48;
    }
  return sum;
}

/* Most calls count one message of a few hundred bytes, where summing the
   counters cost more than filling them: the four are summed once,
   together, so a lane of their sum must not pass 255.  Each counter gets
   at most this many steps of 64 bytes between sums, and the first one
   also the (at most three) steps of 16 bytes and the last, masked one
   after them: 4 * 62 + 4 = 252.  */
#define LF_STEPS 62

#if defined __x86_64__ && defined __GNUC__ && !defined __clang__
__attribute__ ((target_clones ("avx2", "default")))
#endif
static uint64_t
count_lf_mem (const unsigned char *p, size_t n)
{
  const bytes16 lf = { '\n', '\n', '\n', '\n', '\n', '\n', '\n', '\n',
                       '\n', '\n', '\n', '\n', '\n', '\n', '\n', '\n' };
  if (n < 16)
    {
      uint64_t count = 0;
      for (size_t i = 0; i < n; i++)
        count += p[i] == '\n';
      return count;
    }
  uint64_t count = 0;
  size_t i = 0;
  bytes16 a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };
  while (n - i >= 64)
    {
      size_t steps = (n - i) / 64;
      if (steps > LF_STEPS)
        steps = LF_STEPS;
      for (size_t k = 0; k < steps; k++, i += 64)
        {
          bytes16 w, x, y, z;
          memcpy (&w, p + i, 16);
          memcpy (&x, p + i + 16, 16);
          memcpy (&y, p + i + 32, 16);
          memcpy (&z, p + i + 48, 16);
          a -= (bytes16) (w == lf);
          b -= (bytes16) (x == lf);
          c -= (bytes16) (y == lf);
          d -= (bytes16) (z == lf);
        }
      if (n - i >= 64)
        {
          count += sum_lanes (a + b + c + d);
          a = b = c = d = (bytes16) { 0 };
        }
    }
  for (; n - i >= 16; i += 16)
    {
      bytes16 w;
      memcpy (&w, p + i, 16);
      a -= (bytes16) (w == lf);
    }
  if (i < n)
    {
      /* The last sixteen bytes, less the lanes counted already.  */
      const bytes16 lane = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
                             14, 15 };
      bytes16 w, from;
      memcpy (&w, p + n - 16, 16);
      memset (&from, (int) (16 - (n - i)), sizeof from);
      a -= (bytes16) (w == lf) & (bytes16) (lane >= from);
    }
  return count + sum_lanes (a + b + c + d);
}

uint64_t
count_lf (struct input *in, uint64_t from, uint64_t to)
{
  uint64_t count = 0;
  const unsigned char *p;
  size_t n;
  while (input_chunk (in, &from, to, &p, &n))
    count += count_lf_mem (p, n);
  return count;
}
