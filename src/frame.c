/* Framing a message.  */
#include <config.h>
#include "frame.h"

#include <stdlib.h>
#include <string.h>

#include "bestcut.h"
#include "grow.h"
#include "lines.h"

/* More candidate item lines than this in one message's contents are not
   weighed: no real message has them, and the weighing must stay small.  */
#define MAX_CANDIDATES ((size_t) 1 << 16)
/* More items than this in one message are not framed: the real limit is
   20, and what each item costs must not let one message grow memory.  */
#define MAX_ITEMS ((size_t) 1 << 14)

#define FINAL_MARK 0x1A

static int
is_final_mark (struct input *in, uint64_t off)
{
  return input_byte (in, off) == FINAL_MARK && input_at_end (in, off + 1);
}

const char *
rule_name (struct rule r)
{
  static const char *const names[2][2] = {
    { "slot/data", "slot/next" }, { "keyword/data", "keyword/next" } };
  return names[r.from][r.to];
}

const char *
level_name (enum level level)
{
  static const char *const names[] = { "message", "contents", "item" };
  return names[level];
}

uint64_t
stream_end (struct input *in)
{
  uint64_t size;
  size_t avail;
  /* Reading to the end is what makes the size known.  */
  for (size = input_size (in); input_at (in, size, &avail); size += avail)
    ;
  return size > 0 && is_final_mark (in, size - 1) ? size - 1 : size;
}

/* KIND, of the line read at OFF, less an item line where no physical line
   starts and the word is not a glued item line's: data of known length
   ending in "...F" does not land on "ile item:".  */
static enum line_kind
kind_at (struct input *in, uint64_t off, enum line_kind kind)
{
  return kind == LINE_ITEM && off > 0 && input_byte (in, off - 1) != '\n'
         && !glued_item_word (in, off) ? LINE_OTHER : kind;
}

/* Past the blank lines from OFF: where they stop.  *ENDS: a message
   ends there (the end, a final 0x1A or a Message: line); if not, LN and
   KIND are the line there.  */
static uint64_t
past_blanks (struct input *in, uint64_t off, struct line *ln,
             enum line_kind *kind, int *ends)
{
  uint64_t first = off;
  int got;
  while ((got = line_read (in, off, ln, kind)) && *kind == LINE_BLANK)
    off = ln->next;
  if (got && off == first)
    *kind = kind_at (in, off, *kind);
  *ends = !got || starts_message (*kind) || is_final_mark (in, off);
  return off;
}

/* Data of known length ending at OFF lands (FORMAT.md): blank lines, then
   the end of the message or, when ITEMS, an item line.  */
static int
lands (struct input *in, uint64_t off, int items)
{
  /* A count one short of a CRLF-terminated item would otherwise land on
     a blank line made of the LF alone.  */
  if (off > 0 && input_byte (in, off) == '\n'
      && input_byte (in, off - 1) == '\r')
    return 0;
  struct line ln;
  enum line_kind kind;
  int ends;
  past_blanks (in, off, &ln, &kind, &ends);
  return ends || (items && kind == LINE_ITEM);
}

/* lands (), remembering OFF as looked at: a message passed through must
   cover what its framing looked at (see frame_message).  */
static int
lands_seen (struct input *in, struct frame *f, uint64_t off, int items)
{
  if (off > f->looked)
    f->looked = off;
  return lands (in, off, items);
}

/* A count that runs past the end of the input: OFF + LEN > size.  */
static int
past_end (struct input *in, uint64_t off, uint64_t len)
{
  return len > 0 && (off + len < off || input_at_end (in, off + len - 1));
}

/* Read the slot line at OFF, whatever it holds.  */
static int
slot_line (struct input *in, uint64_t off, struct fslot *s,
           enum frame_reason *why, enum frame_status *status)
{
  struct line ln;
  enum line_kind kind;
  if (!line_read (in, off, &ln, &kind) || ln.next == ln.end)
    {
      *status = CUT_SHORT;
      *why = WHY_ENDS_EARLY;
      return 0;
    }
  if (kind != LINE_OTHER && kind != LINE_BLANK)
    {
      *status = UNFRAMED;
      *why = WHY_MISSING_SLOT;
      return 0;
    }
  line_slot (in, &ln, &s->info);
  s->off = ln.off;
  s->next = ln.next;
  return 1;
}

/* A keyword of a kind in WANT glued into LN at or after FROM that counts
   where the length of the data before it is unknown: the line after it is
   a valid or blank slot (FORMAT.md).  UINT64_MAX when there is none.
   Only the first keyword glued into the line can be one: a Message: line
   in the title of an item line glued before it is that title.  */
static uint64_t
glued_counting (struct input *in, const struct line *ln, uint64_t from,
                unsigned want, enum line_kind *kind)
{
  if (want == 1u << LINE_MESSAGE && !may_glue_message (in, ln))
    return UINT64_MAX;
  uint64_t g = glued_keyword (in, ln, from, 1u << LINE_ITEM
                              | 1u << LINE_MESSAGE, kind);
  if (g == UINT64_MAX || !(want & 1u << *kind))
    return UINT64_MAX;
  struct fslot s;
  enum frame_reason why;
  enum frame_status status;
  if (slot_line (in, ln->next, &s, &why, &status)
      && (s.info.cls == SLOT_VALID || s.info.cls == SLOT_BLANK))
    return g;
  return UINT64_MAX;
}

/* Read the slot line at OFF.  One that holds the start of the next
   message, glued, is missing, as one that is a keyword line: rewriting it
   would destroy that Message: line.  */
static int
read_slot (struct input *in, uint64_t off, struct fslot *s,
           enum frame_reason *why, enum frame_status *status)
{
  if (!slot_line (in, off, s, why, status))
    return 0;
  struct line ln;
  enum line_kind kind;
  if (s->info.cls == SLOT_INVALID && line_read (in, off, &ln, &kind)
      && kind == LINE_OTHER
      && glued_counting (in, &ln, off, 1u << LINE_MESSAGE, &kind)
         != UINT64_MAX)
    {
      *status = UNFRAMED;
      *why = WHY_MISSING_SLOT;
      return 0;
    }
  return 1;
}

static int
fail (struct frame *f, enum frame_status status, enum frame_reason why,
      enum level level, size_t item)
{
  f->status = status;
  f->reason = why;
  f->why_level = level;
  f->why_item = item;
  return 0;
}

/* Returns -1 when out of memory, 1 when the message has more items than
   any may have: then it is not framed, whatever evidence was framing it
   (F says why).  */
static int
push_item (struct frame *f, uint64_t off, const struct fslot *slot,
           uint64_t data_len)
{
  if (f->nitems == MAX_ITEMS)
    {
      fail (f, UNFRAMED, WHY_ITEM_LIMIT, LEVEL_ITEM, MAX_ITEMS + 1);
      return 1;
    }
  struct fitem *p = grow (f->items, &f->items_cap, f->nitems + 1,
                          sizeof *p);
  if (!p)
    return -1;
  f->items = p;
  struct fitem *it = &f->items[f->nitems++];
  it->off = off;
  it->slot = *slot;
  it->data_len = data_len;
  return 0;
}

/* The item line LN of KIND and its slot; when it is none, say why in WHY
   and STATUS.  */
static int
read_item (struct input *in, const struct line *ln, enum line_kind kind,
           struct fslot *slot, enum frame_reason *why,
           enum frame_status *status)
{
  if (kind != LINE_ITEM)
    {
      *why = WHY_NO_ITEM;
      *status = UNFRAMED;
      return 0;
    }
  return read_slot (in, ln->next, slot, why, status);
}

/* The first count found to run past the end of the input: it means the
   stream was cut short only if no other count frames the message.  */
struct past
{
  int seen;
  enum level level;
  size_t item;
};

static void
note_past (struct past *p, enum level level, size_t item)
{
  if (!p->seen)
    *p = (struct past) { 1, level, item };
}

/* Where the valid count in S, counted from FROM, ends; UINT64_MAX when it
   does not fit in 64 bits.  */
static uint64_t
count_end (const struct fslot *s, uint64_t from)
{
  return from + s->info.value < from ? UINT64_MAX : from + s->info.value;
}

static uint64_t
contents_from (const struct frame *f, struct rule rule)
{
  return rule.from == FROM_SLOT ? f->cslot.next : f->contents_off;
}

static uint64_t
message_from (const struct frame *f, struct rule rule)
{
  return rule.from == FROM_SLOT ? f->mslot.next : f->off;
}

/* Whether F's valid contents count says its contents end at END.  */
static int
contents_says (const struct frame *f, struct rule rule, uint64_t end)
{
  return f->cslot.info.cls == SLOT_VALID
         && count_end (&f->cslot, contents_from (f, rule)) == end;
}

/* Whether F's valid message count says its contents end at END: there,
   or after the blank lines that follow under count-to next.  */
static int
message_says (struct input *in, const struct frame *f, struct rule rule,
              uint64_t end)
{
  return f->mslot.info.cls == SLOT_VALID
         && count_end (&f->mslot, message_from (f, rule))
            == (rule.to == TO_DATA ? end : skip_blank_lines (in, end));
}

/* Whether F's contents end at END, where no Message: line follows, by the
   word of its item counts, chained there, and of its valid contents or
   message count (FORMAT.md, "Stray bytes"): two witnesses, so one valid
   count that disagrees is the wrong one, unless it lands where it says
   the contents end.  Then the message ends there (or after the blank
   lines that follow, under count-to next), whatever comes after it.  */
static int
counts_agree (struct input *in, struct frame *f, struct rule rule,
              uint64_t end)
{
  int c = contents_says (f, rule, end), m = message_says (in, f, rule, end);
  if (!c && !m)
    return 0;
  if (!c && f->cslot.info.cls == SLOT_VALID)
    {
      uint64_t from = contents_from (f, rule);
      uint64_t e = count_end (&f->cslot, from);
      if (e >= f->cslot.next && !past_end (in, from, f->cslot.info.value)
          && lands_seen (in, f, e, 0))
        return 0;
    }
  if (!m && f->mslot.info.cls == SLOT_VALID && rule.to == TO_DATA)
    {
      uint64_t from = message_from (f, rule);
      uint64_t e = count_end (&f->mslot, from);
      if (e >= f->cslot.next && !past_end (in, from, f->mslot.info.value)
          && lands_seen (in, f, e, 0))
        return 0;
    }
  return 1;
}

/* Evidence 1: every item count is valid and lands, or the item counts
   chain to where the contents and message counts agree the contents end.
   Returns 1 when they frame the contents, 0 when not (PAST notes a count
   past the end), -1 out of memory.  */
static int
by_counts (struct input *in, struct frame *f, struct rule rule,
           struct past *past)
{
  for (uint64_t p = f->cslot.next;;)
    {
      struct line ln;
      enum line_kind kind;
      int ends;
      uint64_t q = past_blanks (in, p, &ln, &kind, &ends);
      if (ends)
        {
          f->contents_end = p;
          return 1;
        }
      struct fslot slot;
      enum frame_reason why;
      enum frame_status status;
      if (!read_item (in, &ln, kind, &slot, &why, &status))
        {
          if (!counts_agree (in, f, rule, p))
            return 0;
          f->contents_end = p;
          return 1;
        }
      if (slot.info.cls != SLOT_VALID)
        return 0;
      if (past_end (in, slot.next, slot.info.value))
        {
          note_past (past, LEVEL_ITEM, f->nitems + 1);
          return 0;
        }
      p = slot.next + slot.info.value;
      int landed = lands_seen (in, f, p, 1);
      if (!landed && !counts_agree (in, f, rule, p))
        return 0;
      int k = push_item (f, q, &slot, slot.info.value);
      if (k != 0)
        return k < 0 ? -1 : 0;
      if (!landed)
        {
          f->contents_end = p;
          return 1;
        }
    }
}

/* A min-heap of offsets where valid item counts land inside the contents:
   item lines that do not start a line are found only there.  */
struct heap
{
  uint64_t *v;
  size_t n, cap;
};

static int
heap_push (struct heap *h, uint64_t x)
{
  uint64_t *p = grow (h->v, &h->cap, h->n + 1, sizeof *p);
  if (!p)
    return -1;
  h->v = p;
  size_t i = h->n++;
  for (; i > 0 && h->v[(i - 1) / 2] > x; i = (i - 1) / 2)
    h->v[i] = h->v[(i - 1) / 2];
  h->v[i] = x;
  return 0;
}

static uint64_t
heap_pop (struct heap *h)
{
  uint64_t top = h->v[0], x = h->v[--h->n];
  size_t i = 0;
  for (;;)
    {
      size_t c = 2 * i + 1;
      if (c >= h->n)
        break;
      if (c + 1 < h->n && h->v[c + 1] < h->v[c])
        c++;
      if (h->v[c] >= x)
        break;
      h->v[i] = h->v[c];
      i = c;
    }
  if (h->n)
    h->v[i] = x;
  return top;
}

struct cands
{
  struct cut_cand *c;
  size_t n, cap;
};

/* Add OFF as a candidate if an item line with a usable slot starts
   there.  */
static int
add_candidate (struct input *in, struct cands *cs, struct heap *h,
               uint64_t off, uint64_t end)
{
  struct line ln;
  enum line_kind kind;
  if (cs->n && cs->c[cs->n - 1].off >= off)
    return 0;
  if (!line_read (in, off, &ln, &kind) || kind_at (in, off, kind) != LINE_ITEM)
    return 0;
  struct fslot slot;
  enum frame_reason why;
  enum frame_status status;
  if (!read_slot (in, ln.next, &slot, &why, &status) || slot.next > end)
    return 0;
  if (cs->n == MAX_CANDIDATES)
    return 1;
  struct cut_cand *p = grow (cs->c, &cs->cap, cs->n + 1, sizeof *p);
  if (!p)
    return -1;
  cs->c = p;
  struct cut_cand *c = &cs->c[cs->n++];
  c->off = off;
  c->slot_off = slot.off;
  c->data_off = slot.next;
  c->slot = slot.info;
  if (slot.info.cls == SLOT_VALID
      && slot.info.value < end - slot.next
      && heap_push (h, slot.next + slot.info.value) < 0)
    return -1;
  return 0;
}

/* Every item line in [FIRST, END): those at line starts, those glued
   and followed by a valid or blank slot line, and those where a valid
   count lands.  Returns 1 when there are too many to weigh.  */
static int
find_candidates (struct input *in, uint64_t first, uint64_t end,
                 struct cands *cs, struct heap *hp)
{
  struct heap h = *hp;
  int r = 0;
  uint64_t line = first;
  while (r == 0 && (line < end || h.n))
    {
      uint64_t at = line;
      if (h.n && (line >= end || h.v[0] <= line))
        at = heap_pop (&h);
      else
        {
          struct line ln;
          enum line_kind kind, glued;
          line_read (in, line, &ln, &kind);
          uint64_t g = kind != LINE_OTHER ? UINT64_MAX
                       : glued_counting (in, &ln, line, 1u << LINE_ITEM,
                                         &glued);
          if (g < end && heap_push (&h, g) < 0)
            r = -1;
          line = ln.next;
        }
      if (r == 0)
        r = add_candidate (in, cs, &h, at, end);
    }
  *hp = h;
  return r;
}

/* Evidence 2 and 3: the contents end at END, from a count; weigh the ways
   of cutting them into items.  */
static int
by_cut (struct input *in, struct frame *f, uint64_t end, enum evidence ev)
{
  uint64_t first = skip_blank_lines (in, f->cslot.next);
  if (first >= end)
    {
      if (end != f->cslot.next)
        return 0;
      f->contents_end = end;
      f->evidence = ev;
      return 1;
    }
  struct cands cs = { f->cands, 0, f->cands_cap };
  struct heap h = { f->heap, 0, f->heap_cap };
  int r = find_candidates (in, first, end, &cs, &h);
  f->cands = cs.c;
  f->cands_cap = cs.cap;
  f->heap = h.v;
  f->heap_cap = h.cap;
  size_t *chosen = NULL, nchosen = 0;
  enum cut_result cut = CUT_NONE;
  if (r < 0)
    cut = CUT_NOMEM;
  else if (r > 0)
    {
      fail (f, UNFRAMED, WHY_TOO_MANY, LEVEL_CONTENTS, 0);
      f->contents_end = end;
    }
  else if (cs.n && cs.c[0].off == first)
    {
      chosen = grow (f->chosen, &f->chosen_cap, cs.n, sizeof *chosen);
      if (chosen)
        f->chosen = chosen;
      cut = chosen ? best_cut (cs.c, cs.n, end, chosen, &nchosen)
            : CUT_NOMEM;
    }
  int ret = 0;
  if (cut == CUT_NOMEM)
    ret = -1;
  else if (cut == CUT_TIE)
    {
      fail (f, UNFRAMED, WHY_TIE, ev == EV_CONTENTS ? LEVEL_CONTENTS
                                                    : LEVEL_MESSAGE, 0);
      f->contents_end = end;
    }
  else if (cut == CUT_OK)
    {
      int k = 0;
      for (size_t i = 0; i < nchosen && k == 0; i++)
        {
          const struct cut_cand *c = &cs.c[chosen[i]];
          uint64_t stop = i + 1 < nchosen ? cs.c[chosen[i + 1]].off : end;
          struct fslot slot = { c->slot_off, c->data_off, c->slot };
          k = push_item (f, c->off, &slot, stop - c->data_off);
        }
      if (k < 0)
        ret = -1;
      else if (k == 0)
        {
          f->contents_end = end;
          f->evidence = ev;
          ret = 1;
        }
    }
  return ret;
}

/* Whether what data ending at OFF lands on ends before LIMIT, the next
   message's start: an item line there may hold a glued Message: line
   that starts it, and must not be read as one of this message's.  */
static int
lands_before (struct input *in, uint64_t off, uint64_t limit)
{
  struct line ln;
  uint64_t q = skip_blank_lines (in, off);
  return q >= limit || !line_get (in, q, &ln, NULL) || ln.end <= limit;
}

/* Where data of unknown length from DATA ends: before the next item or
   Message: line, at a line start or glued and followed by a valid or
   blank slot line, or before a final 0x1A; blank lines just before a
   Message: line or the end are separators.  *ANOTHER: an item starts
   there.  */
static uint64_t
scan_data_end (struct input *in, uint64_t data, int *another)
{
  uint64_t r = data, blank_run = UINT64_MAX;
  struct line ln;
  enum line_kind kind = LINE_OTHER;
  *another = 0;
  while (!is_final_mark (in, r) && line_read (in, r, &ln, &kind)
         && kind != LINE_ITEM && !starts_message (kind))
    {
      if (kind == LINE_BLANK)
        {
          if (blank_run == UINT64_MAX)
            blank_run = r;
        }
      else
        {
          enum line_kind glued;
          uint64_t g = kind != LINE_OTHER ? UINT64_MAX
                       : glued_counting (in, &ln, r, 1u << LINE_ITEM
                                         | 1u << LINE_MESSAGE, &glued);
          if (g != UINT64_MAX)
            {
              *another = glued == LINE_ITEM;
              return g;
            }
          blank_run = UINT64_MAX;
        }
      r = ln.next;
    }
  if (kind == LINE_ITEM)
    {
      *another = 1;
      return r;
    }
  if (blank_run != UINT64_MAX)
    return blank_run;
  if (r > data && is_final_mark (in, r - 1))
    return r - 1;
  return r;
}

/* Evidence 4, the last resort: an item's data runs to the next item or
   Message: line; blank lines before a Message: line or the end are
   separators.  Valid counts that land are still believed, but not across
   a Message: line: what the scan looks at must stay within the message it
   would pass through, or repairing the messages after it could change
   how it frames on the next run.  */
static int
by_scan (struct input *in, struct frame *f)
{
  uint64_t p = f->cslot.next;
  /* The next Message: line at a line start: found once and kept, since the
     items only move forward, so that many items cost one walk.  */
  uint64_t limit = 0;
  for (;;)
    {
      struct line ln;
      enum line_kind kind;
      int ends;
      uint64_t q = past_blanks (in, p, &ln, &kind, &ends);
      if (ends)
        break;
      struct fslot slot;
      enum frame_reason why;
      enum frame_status status;
      if (!read_item (in, &ln, kind, &slot, &why, &status))
        return fail (f, status, why, LEVEL_ITEM, f->nitems + 1);
      uint64_t data = slot.next;
      if (slot.info.cls == SLOT_VALID)
        {
          if (past_end (in, data, slot.info.value))
            return fail (f, CUT_SHORT, WHY_PAST_END, LEVEL_ITEM,
                         f->nitems + 1);
          if (limit < data)
            limit = next_message_line (in, data);
          if (data + slot.info.value <= limit
              && lands_seen (in, f, data + slot.info.value, 1)
              && lands_before (in, data + slot.info.value, limit))
            {
              int k = push_item (f, q, &slot, slot.info.value);
              if (k != 0)
                return k < 0 ? -1 : 0;
              p = data + slot.info.value;
              continue;
            }
        }
      int another;
      p = scan_data_end (in, data, &another);
      int k = push_item (f, q, &slot, p - data);
      if (k != 0)
        return k < 0 ? -1 : 0;
      if (!another)
        break;
    }
  f->contents_end = p;
  f->evidence = EV_SCAN;
  return 1;
}

uint64_t
stray_end (struct input *in, uint64_t off)
{
  uint64_t next = next_message_line (in, off);
  if (input_at_end (in, next))
    next = stream_end (in);
  return next;
}

/* Messages run up to the end of the stream or a final 0x1A.  */
int
more_messages (struct input *in, uint64_t off)
{
  return input_byte (in, off) >= 0 && !is_final_mark (in, off);
}

uint64_t
first_message (struct input *in)
{
  uint64_t first = next_message_line (in, 0);
  if (!input_at_end (in, first))
    return first;
  uint64_t end = stream_end (in);
  return first < end ? first : end;
}

enum starts
what_starts (struct input *in, uint64_t off, const struct frame *last)
{
  if (last && last->message_at_end && last->end == off)
    return STARTS_MESSAGE;
  if (!more_messages (in, off))
    return STARTS_END;
  struct line ln;
  enum line_kind kind;
  return line_get (in, off, &ln, &kind) && starts_message (kind)
         ? STARTS_MESSAGE : STARTS_STRAY;
}

uint64_t
next_message_line (struct input *in, uint64_t off)
{
  struct line ln;
  enum line_kind kind;
  while (line_read (in, off, &ln, &kind) && !starts_message (kind))
    {
      enum line_kind glued;
      uint64_t g = kind != LINE_OTHER ? UINT64_MAX
                   : glued_counting (in, &ln, off, 1u << LINE_MESSAGE,
                                     &glued);
      if (g != UINT64_MAX)
        return g;
      off = ln.next;
    }
  return off;
}

/* Where the message ends once its contents end is known: after the blank
   lines that follow.  Anything there but a Message: line or the end is
   stray bytes (FORMAT.md), for the caller.  */
static uint64_t
message_end (struct input *in, uint64_t contents_end)
{
  return skip_blank_lines (in, contents_end);
}

/* Item counts that land (or that chain to where the contents and message
   counts agree the contents end) frame the message whatever its other
   counts say; else a valid contents or message count gives the end of the
   contents.  A count that runs past the end of the input means the stream
   was cut short only when none of those frames the message.  */
static int
frame_contents (struct input *in, struct rule rule, struct frame *f)
{
  const struct fslot *m = &f->mslot, *c = &f->cslot;
  struct past past = { 0 };
  int r = by_counts (in, f, rule, &past);
  if (r != 0 || f->status != FRAMED)
    return r;
  f->nitems = 0;
  f->evidence = EV_COUNTS;
  if (c->info.cls == SLOT_VALID)
    {
      uint64_t from = contents_from (f, rule);
      /* Where no Message: line follows, the message count is the second
         witness the contents count needs (FORMAT.md, "Stray bytes"); an
         item line there says the contents go on, and is no stray byte.  */
      uint64_t end = from + c->info.value;
      if (past_end (in, from, c->info.value))
        note_past (&past, LEVEL_CONTENTS, 0);
      else if (end >= c->next
               && (lands_seen (in, f, end, 0)
                   || (message_says (in, f, rule, end)
                       && !lands_seen (in, f, end, 1))))
        {
          r = by_cut (in, f, end, EV_CONTENTS);
          if (r != 0 || f->status != FRAMED)
            return r;
        }
    }
  if (m->info.cls == SLOT_VALID)
    {
      uint64_t from = message_from (f, rule);
      if (past_end (in, from, m->info.value))
        note_past (&past, LEVEL_MESSAGE, 0);
      else if (rule.to == TO_DATA && from + m->info.value >= c->next
               && lands_seen (in, f, from + m->info.value, 0))
        {
          r = by_cut (in, f, from + m->info.value, EV_MESSAGE);
          if (r != 0 || f->status != FRAMED)
            return r;
        }
    }
  if (past.seen)
    return fail (f, CUT_SHORT, WHY_PAST_END, past.level, past.item);
  return by_scan (in, f);
}

/* Remember where the first From: and Subject: say who and what.  */
static void
note_header (struct input *in, const struct line *ln, struct frame *f)
{
  uint64_t v;
  if (f->from_off == UINT64_MAX && line_has_prefix (in, ln, "From:", 5, &v))
    f->from_off = v, f->from_end = ln->end;
  else if (f->subject_off == UINT64_MAX
           && line_has_prefix (in, ln, "Subject:", 8, &v))
    f->subject_off = v, f->subject_end = ln->end;
}

/* A line of the buffer B: [at, at + n) and its EOL up to NEXT; its kind
   is looked at only where it matters.  */
struct qline
{
  size_t at, n, next;
  enum line_kind kind;
};

/* The line at AT in the N bytes of B, when it ends inside them.  */
static inline int
quick_line (const unsigned char *b, size_t n, size_t at, struct qline *l)
{
  const unsigned char *p = b + at;
  const unsigned char *lf = at < n ? find_lf (p, n - at) : NULL;
  if (!lf)
    return 0;
  size_t len = (size_t) (lf - p);
  l->at = at;
  /* Without a branch, which lines of LF and CRLF mixed would mispredict:
     an empty line reads its own LF.  */
  l->n = len - (lf[-(ptrdiff_t) (len > 0)] == '\r');
  l->next = at + len + 1;
  return 1;
}

/* Whether the N bytes of P, a line with an EOL, end with "Message:" and
   spaces: only then may a Message: line be glued into it.  */
static int
quick_may_glue (const unsigned char *p, size_t n)
{
  static const char kw[] = "Message:";
  while (n > 0 && p[n - 1] == ' ')
    n--;
  return n > sizeof kw - 1 && memcmp (p + n - (sizeof kw - 1), kw,
                                      sizeof kw - 1) == 0;
}

/* The slot on the line at AT, as read_slot reads it.  A valid or blank
   one starts with a space or a digit, so its line is no keyword line;
   an invalid one must be no keyword line and hold no glued Message:
   line.  Inline, which GCC does not choose here: it is asked three times
   a message, and the calls cost 3% of a dense stream's time.  */
static inline __attribute__ ((always_inline)) int
quick_slot (const unsigned char *b, size_t n, uint64_t base, size_t at,
            struct fslot *s)
{
  struct qline l;
  if (!quick_line (b, n, at, &l))
    return 0;
  slot_classify (b + at, l.n, &s->info);
  s->off = base + at;
  s->next = base + l.next;
  return s->info.cls != SLOT_INVALID
         || (kw_classify (b + at, l.n) == LINE_OTHER
             && !quick_may_glue (b + at, l.n));
}

/* Past the blank lines from AT, as past_blanks, with the kind of the line
   where they stop; 0 when a line there does not end inside the buffer.
   (A final 0x1A is the last byte of the input: no line that ends inside
   the buffer starts with one.)  Inline, as quick_slot.  */
static inline __attribute__ ((always_inline)) int
quick_blanks (const unsigned char *b, size_t n, size_t at, struct qline *l)
{
  while (quick_line (b, n, at, l))
    {
      if (l->n > 0)
        {
          l->kind = kw_classify (b + at, l->n);
          return 1;
        }
      at = l->next;
    }
  return 0;
}

static void
quick_header (const unsigned char *b, uint64_t base, const struct qline *l,
              struct frame *f)
{
  static const struct { const char *s; size_t n; } name[2] =
    { { "From:", 5 }, { "Subject:", 8 } };
  uint64_t *off[2] = { &f->from_off, &f->subject_off };
  uint64_t *end[2] = { &f->from_end, &f->subject_end };
  for (int k = 0; k < 2; k++)
    if (*off[k] == UINT64_MAX && l->n >= name[k].n
        && memcmp (b + l->at, name[k].s, name[k].n) == 0)
      {
        size_t v = l->at + name[k].n;
        while (v < l->at + l->n && b[v] == ' ')
          v++;
        *off[k] = base + v;
        *end[k] = base + l->at + l->n;
        return;
      }
}

/* Whether a keyword may be glued into the N bytes of P, a line that is no
   keyword line: a colon after its first byte with an e or m before it
   (see glued_keyword).  */
static int
quick_may_hold (const unsigned char *p, size_t n)
{
  for (const unsigned char *c = p + 1; n > 1
       && (c = memchr (c, ':', n - (size_t) (c - p))); c++)
    if (c[-1] == 'e' || c[-1] == 'm')
      return 1;
  return 0;
}

/* The first line from R on, in the N bytes of B, that may matter to a
   scan: a keyword line, or one that may hold a glued keyword.  Both need a
   colon, so the lines before the next colon are passed over in one
   search.  Returns 0 when such a line is not found whole in the buffer,
   or holds a glued keyword, for frame_message.  */
static int
quick_keyword (const unsigned char *b, size_t n, size_t r, struct qline *l)
{
  for (;;)
    {
      const unsigned char *c = r < n ? memchr (b + r, ':', n - r) : NULL;
      if (!c)
        return 0;
      size_t at = (size_t) (c - b);
      while (at > r && b[at - 1] != '\n')
        at--;
      if (!quick_line (b, n, at, l))
        return 0;
      l->kind = kw_classify (b + at, l->n);
      if (l->kind == LINE_ITEM || starts_message (l->kind))
        return 1;
      if (l->kind == LINE_OTHER && quick_may_hold (b + at, l->n))
        return 0;
      r = l->next;
    }
}

/* Where the blank lines (LF or CRLF alone) that end at AT start, none of
   them before FROM, a line's start.  */
static size_t
quick_blank_run (const unsigned char *b, size_t from, size_t at)
{
  for (;;)
    if (at > from && b[at - 1] == '\n' && (at - 1 == from || b[at - 2] == '\n'))
      at -= 1;
    else if (at > from + 1 && b[at - 1] == '\n' && b[at - 2] == '\r'
             && (at - 2 == from || b[at - 3] == '\n'))
      at -= 2;
    else
      return at;
}

/* Evidence 4 as by_scan gives it, for contents from AT whose item counts
   are all blank: each item's data runs to the next item or Message: line,
   less the blank lines before a Message: line.  Returns 1 when it framed
   F so, 0 when anything else is met, for frame_message.  */
static int
quick_scan (const unsigned char *b, size_t n, uint64_t off, size_t at,
            struct frame *f)
{
  f->nitems = 0;
  struct qline l;
  if (!quick_blanks (b, n, at, &l))
    return 0;
  while (l.kind == LINE_ITEM)
    {
      struct fslot slot;
      uint64_t item_off = off + l.at;
      if (!quick_slot (b, n, off, l.next, &slot)
          || slot.info.cls == SLOT_VALID)
        return 0;
      size_t data = (size_t) (slot.next - off);
      if (!quick_keyword (b, n, data, &l))
        return 0;
      at = l.kind == LINE_ITEM ? l.at : quick_blank_run (b, data, l.at);
      if (push_item (f, item_off, &slot, at - data) != 0)
        return 0;
    }
  if (!starts_message (l.kind))
    return 0;
  f->contents_end = off + at;
  f->end = off + l.at;
  f->message_at_end = 1;
  f->evidence = EV_SCAN;
  return 1;
}

/* Evidence 2 as by_cut gives it to contents that hold one item line,
   ITEM with SLOT, whose count is not valid or lands nowhere
   (quick_astray): the valid contents count (counted by RULE) ends the
   contents before a Message: line, and the item runs to that end.
   Returns 1 when it framed F so, 0 when anything else is met, for
   frame_message.  */
static int
quick_cut (const unsigned char *b, size_t n, uint64_t off, struct rule rule,
           const struct qline *item, const struct fslot *slot,
           struct frame *f)
{
  uint64_t from = contents_from (f, rule);
  if (f->cslot.info.value > n - (size_t) (from - off))
    return 0;
  size_t end = (size_t) (from - off + f->cslot.info.value);
  if (off + end > f->looked)
    f->looked = off + end;
  /* As lands (): not on the LF of a CRLF, then blank lines and the next
     Message: line (so the end is past the item line).  */
  struct qline l;
  if ((end > 0 && end < n && b[end] == '\n' && b[end - 1] == '\r')
      || !quick_blanks (b, n, end, &l) || !starts_message (l.kind)
      || slot->next - off > end)
    return 0;
  size_t next = l.at;
  /* The item line is the only candidate (find_candidates): no other item
     line starts a line before the end or is glued into one.  */
  for (size_t r = (size_t) (slot->off - off); r < end; r = l.next)
    {
      if (!quick_line (b, n, r, &l))
        return 0;
      enum line_kind kind = l.n ? kw_classify (b + r, l.n) : LINE_BLANK;
      if (kind == LINE_ITEM
          || (kind == LINE_OTHER && quick_may_hold (b + r, l.n)))
        return 0;
    }
  if (push_item (f, off + item->at, slot, off + end - slot->next) != 0)
    return 0;
  f->contents_end = off + end;
  f->end = off + next;
  f->message_at_end = 1;
  f->evidence = EV_CONTENTS;
  return 1;
}

/* Whether data of known length that ends at AT, inside a line, lands
   nowhere: no keyword line starts there, and AT is not on the line's EOL,
   after which blank lines and a keyword line may follow.  */
static int
quick_astray (const unsigned char *b, size_t n, size_t at)
{
  struct qline l;
  return quick_line (b, n, at, &l) && kw_classify (b + at, l.n) == LINE_OTHER;
}

/* The common message, framed the way frame_message would frame it but in
   one pass over the buffer that holds it: valid or blank message and
   contents counts, headers without a glued Message: line, and item counts
   that all are valid and land (evidence 1), when no count is valid blank
   (evidence 4), or one item whose count is not valid or does not land,
   left to a valid contents count (evidence 2).  Returns 1 when it framed
   F so, 0 when the message is anything else, for frame_message to frame;
   nearly every message of a real mailbox is framed here, and tests and
   the fuzz target hold the two to the same answers.  */
static int
frame_quick (struct input *in, uint64_t off, struct rule rule,
             struct frame *f)
{
  size_t n;
  const unsigned char *b = input_at (in, off, &n);
  struct qline l;
  if (!b || !quick_line (b, n, 0, &l)
      || !quick_slot (b, n, off, l.next, &f->mslot))
    return 0;
  size_t at = (size_t) (f->mslot.next - off);
  for (;; at = l.next)
    {
      if (!quick_line (b, n, at, &l))
        return 0;
      /* Only a line that starts with M or C can be a Message: or
         Contents: line; one that may hold a glued Message: line is left
         to frame_message, whatever its kind.  */
      l.kind = l.n > 0 && (b[at] == 'M' || b[at] == 'C')
               ? kw_classify (b + at, l.n) : LINE_OTHER;
      if (starts_message (l.kind))
        return 0;
      if (l.kind == LINE_CONTENTS)
        break;
      if (quick_may_glue (b + at, l.n))
        return 0;
      if (f->headers)
        quick_header (b, off, &l, f);
    }
  f->contents_off = off + at;
  if (!quick_slot (b, n, off, l.next, &f->cslot))
    return 0;
  at = (size_t) (f->cslot.next - off);
  struct qline item;
  size_t item_at = at;
  if (!quick_blanks (b, n, at, &item))
    return 0;
  while (!starts_message (item.kind))
    {
      struct fslot slot;
      if (item.kind != LINE_ITEM
          || !quick_slot (b, n, off, item.next, &slot))
        return 0;
      /* With no valid contents or message count, an item count that is
         not valid leaves only the scan (frame_contents).  */
      if (slot.info.cls != SLOT_VALID && f->cslot.info.cls != SLOT_VALID
          && f->mslot.info.cls != SLOT_VALID)
        return quick_scan (b, n, off, at, f);
      /* The first item's count not valid, the contents count is what
         frames the contents (frame_contents).  */
      if (slot.info.cls != SLOT_VALID && f->nitems == 0
          && f->cslot.info.cls == SLOT_VALID)
        return quick_cut (b, n, off, rule, &item, &slot, f);
      if (slot.info.cls != SLOT_VALID
          || slot.info.value > n - (size_t) (slot.next - off))
        return 0;
      item_at = (size_t) (slot.next - off + slot.info.value);
      if (off + item_at > f->looked)
        f->looked = off + item_at;
      /* As lands (): not on the LF of a CRLF, then blank lines and an
         item line (the loop goes on) or a Message: line (it ends).  Data
         that ends inside a line, where a glued item line's word must be
         checked, is left to frame_message, unless it is the first item's
         and lands nowhere: by_counts then gives up (the contents count
         lands elsewhere, so the item count cannot chain to stray bytes
         either) and the contents count cuts the contents.  */
      if (item_at > 0 && item_at < n && b[item_at - 1] != '\n')
        return f->nitems == 0 && f->cslot.info.cls == SLOT_VALID
               && quick_astray (b, n, item_at)
               && quick_cut (b, n, off, rule, &item, &slot, f);
      uint64_t line_off = off + item.at;
      if (!quick_blanks (b, n, item_at, &item)
          || push_item (f, line_off, &slot, slot.info.value) != 0)
        return 0;
    }
  f->contents_end = off + item_at;
  f->end = off + item.at;
  f->message_at_end = 1;
  return 1;
}

/* What frame_message starts from.  */
static void
frame_start (struct frame *f, uint64_t off)
{
  f->off = off;
  f->nitems = 0;
  f->status = FRAMED;
  f->reason = WHY_NONE;
  f->evidence = EV_COUNTS;
  f->why_item = 0;
  f->looked = off;
  f->message_at_end = 0;
  f->from_off = f->subject_off = UINT64_MAX;
  f->from_end = f->subject_end = 0;
  memset (&f->cslot, 0, sizeof f->cslot);
}

int
frame_message (struct input *in, uint64_t off, struct rule rule,
               struct frame *f)
{
  frame_start (f, off);
  if (!f->thorough && frame_quick (in, off, rule, f))
    return 0;
  frame_start (f, off);
  struct line ln;
  enum line_kind kind;
  int r = 0;
  line_get (in, off, &ln, NULL);
  if (read_slot (in, ln.next, &f->mslot, &f->reason, &f->status))
    {
      uint64_t p = f->mslot.next;
      enum line_kind glued;
      int next_glued = 0;
      while (line_read (in, p, &ln, &kind) && !starts_message (kind)
             && kind != LINE_CONTENTS)
        {
          /* A glued Message: line starts the next message (see
             next_message_line): the headers never run past it.  */
          if (kind == LINE_OTHER
              && glued_counting (in, &ln, p, 1u << LINE_MESSAGE, &glued)
                 != UINT64_MAX)
            {
              next_glued = 1;
              break;
            }
          if (f->headers)
            note_header (in, &ln, f);
          p = ln.next;
        }
      if (next_glued)
        fail (f, UNFRAMED, WHY_NO_CONTENTS, LEVEL_CONTENTS, 0);
      else if (!line_read (in, p, &ln, &kind))
        fail (f, CUT_SHORT, WHY_ENDS_EARLY, LEVEL_CONTENTS, 0);
      else if (starts_message (kind))
        fail (f, UNFRAMED, WHY_NO_CONTENTS, LEVEL_CONTENTS, 0);
      else
        {
          f->contents_off = p;
          if (read_slot (in, ln.next, &f->cslot, &f->reason, &f->status))
            r = frame_contents (in, rule, f);
          else
            f->why_level = LEVEL_CONTENTS;
        }
    }
  else
    f->why_level = LEVEL_MESSAGE;
  if (r < 0)
    return -1;
  /* A message passed through runs as far as its framing looked, so that
     nothing it depended on is repaired (and maybe widened, shifting what
     its counts point at) after it: a count past the end covers the rest
     of the input, a count that could not be cut covers the contents it
     gave; else it stops at the first Message: line after the Message:
     line and after every place a count of it was tried at.  */
  if (f->status == FRAMED)
    f->end = message_end (in, f->contents_end);
  else if (f->status == CUT_SHORT)
    {
      stream_end (in);
      f->end = input_size (in);
    }
  else
    {
      line_get (in, off, &ln, NULL);
      f->end = next_message_line (in, ln.next);
      if (f->reason == WHY_TIE || f->reason == WHY_TOO_MANY)
        f->end = message_end (in, f->contents_end);
      if (f->looked > f->end)
        f->end = next_message_line (in, f->looked);
    }
  return 0;
}

void
frame_free (struct frame *f)
{
  free (f->items);
  free (f->cands);
  free (f->heap);
  free (f->chosen);
  f->items = NULL;
  f->cands = NULL;
  f->heap = NULL;
  f->chosen = NULL;
  f->items_cap = f->cands_cap = f->heap_cap = f->chosen_cap = 0;
}
