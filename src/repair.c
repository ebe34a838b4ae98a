/* Repairing one input.  */
#include <config.h>
#include "repair.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "frame.h"
#include "grow.h"
#include "lines.h"
#include "progress.h"
#include "rules.h"

void
settings_default (struct settings *s)
{
  memset (s, 0, sizeof *s);
  s->from = s->to = s->pad = RULE_AUTO;
  s->mem_cap = (size_t) 8 << 20;
  s->learn_bound = (uint64_t) 4 << 20;
}

struct run
{
  struct input in;
  struct output *out;
  const struct settings *s;
  struct stats *st;
  struct frame f;
  struct recount rc;
  enum slot_style style;
  struct repair_note *notes;   /* the current message's repairs */
  size_t nnotes, notes_cap;
  struct part *parts;          /* the current message's parts */
  size_t parts_cap;
  struct output_patch *patches;   /* and its slots written anew */
  size_t patches_cap;
  struct teller t;             /* where findings are, and how said */
  int lines;                   /* keep t.line: someone may be told it */
  uint64_t line_off;           /* t.line is the line this offset is on */
  char who_buf[160];           /* -f: the message's subject */
};

/* Bring t.line to the line OFF is on, counting from where it was last
   known: only when it is about to be told, or as the bytes leave memory.
   Counting every byte of a regular file whose big items framing jumped
   over would cost as much as the repair.  */
static void
line_at (struct run *r, uint64_t off)
{
  if (r->lines && off > r->line_off)
    {
      r->t.line += count_lf (&r->in, r->line_off, off);
      r->line_off = off;
    }
}

/* Whether RULE agrees with the parts of S's rule that are forced.  */
static int
allowed (const struct settings *s, struct rule rule)
{
  return (s->from == RULE_AUTO || (int) rule.from == s->from)
         && (s->to == RULE_AUTO || (int) rule.to == s->to);
}

/* One walk of the look-ahead from FIRST, framing each message with RULE
   (F is scratch) and taking its slots as STYLE votes.  With VOTES, its
   counts vote for the rules too; a message that does not vote as RULE
   frames it is framed again under the other rules that S allows, G being
   scratch: followed by stray bytes, a message is framed by its counts
   only under the rule its counts were written in.  The walk goes on
   from the end of the frame that voted: RULE may pass a message through
   as far as its counts pointed, over the next message, whose vote would
   then go unheard here and be heard in the repaired stream, which RULE
   frames otherwise.  Returns -1 when out of memory.  */
static int
learn_walk (struct input *in, uint64_t first, const struct settings *s,
            struct rule rule, struct frame *f, struct frame *g,
            struct learner *votes, struct learner *style, struct stats *st)
{
  uint64_t off = first;
  const struct frame *last = f;
  for (enum starts p; (p = what_starts (in, off, last)) != STARTS_END;)
    {
      if (p == STARTS_STRAY)
        {
          off = stray_end (in, off);
          continue;
        }
      if (off - first >= s->learn_bound)
        {
          st->bounded = 1;
          break;
        }
      if (frame_message (in, off, rule, f) < 0)
        return -1;
      learn_style (style, f);
      int voted = votes ? learn_message (votes, f) : 1;
      /* Only a valid contents or message count can vote, whatever the
         rule.  */
      if (voted == 0 && f->cslot.info.cls != SLOT_VALID
          && f->mslot.info.cls != SLOT_VALID)
        voted = 1;
      last = f;
      for (unsigned i = 0; voted == 0 && i < 4; i++)
        {
          struct rule other = rule_from_index (i);
          if (rule_index (other) != rule_index (rule) && allowed (s, other))
            voted = frame_message (in, off, other, g) < 0 ? -1
                    : learn_message (votes, g);
          if (voted > 0)
            last = g;
        }
      if (voted < 0)
        return -1;
      st->held += votes != NULL;
      off = last->end;
    }
  return 0;
}

/* Read ahead, framing messages with the rule as far as it is forced, until
   the end or the look-ahead bound; nothing is released meanwhile, so the
   repair starts again from FIRST.  */
int
learn_stream (struct input *in, uint64_t first, const struct settings *s,
              struct frame *f, struct stats *st)
{
  struct learner l = { 0 }, style = { 0 };
  struct frame g = { .thorough = f->thorough };
  struct rule provisional = learned_rule (&l, s->from, s->to);
  int r = learn_walk (in, first, s, provisional, f, &g, &l, &style, st);
  st->rule = learned_rule (&l, s->from, s->to);
  /* The slots that vote for the style are those of the messages as the
     rule learned frames them.  */
  if (r == 0 && s->pad == RULE_AUTO
      && rule_index (st->rule) != rule_index (provisional))
    {
      memset (&style, 0, sizeof style);
      r = learn_walk (in, first, s, st->rule, f, &g, NULL, &style, st);
    }
  frame_free (&g);
  if (r < 0)
    return -1;
  st->evidence = l.evidence + l.partial_evidence;
  st->rule_source = s->from != RULE_AUTO && s->to != RULE_AUTO
                    ? "forced" : st->evidence ? "learned" : "default";
  st->style = (int) (s->pad != RULE_AUTO ? (enum slot_style) s->pad
                     : learned_style (&style));
  return 0;
}

int
repair_list (const struct frame *f, const struct recount *rc,
             struct repair_note **notes, size_t *cap, size_t *n)
{
  struct repair_note *p = grow (*notes, cap, 2 + f->nitems, sizeof *p);
  if (!p)
    return -1;
  *notes = p;
  *n = 0;
  for (size_t k = 0; k < 2 + f->nitems; k++)
    {
      const struct count *c;
      const struct fslot *s = recount_slot (f, rc, k, &c);
      if (c->change)
        p[(*n)++] = (struct repair_note) {
          k < 2 ? (enum level) k : LEVEL_ITEM, k - 1, s, c->value, c->width };
    }
  return 0;
}

/* List the framed message's repairs, as R->rc recounted it, and tell
   them.  -1 when out of memory.  */
static int
note_repairs (struct run *r)
{
  static const int class_index[] = { 2, 0, 1 };   /* by enum slot_class */
  if (repair_list (&r->f, &r->rc, &r->notes, &r->notes_cap, &r->nnotes) < 0)
    return -1;
  if (r->nnotes > 0)
    line_at (r, r->f.off);
  for (size_t i = 0; i < r->nnotes; i++)
    {
      const struct repair_note *e = &r->notes[i];
      r->st->repairs[e->level][class_index[e->slot->info.cls]]++;
      tell_repair (&r->t, e->level, e->item, e->slot, e->value,
                   r->f.evidence == EV_SCAN);
    }
  return 0;
}

/* A part of a message as it is written: text (converted by -t), binary
   data (copied), or a slot (K: 0 message, 1 contents, 2 + i item i).  */
struct part
{
  uint64_t from, to;
  enum { PART_TEXT, PART_BINARY, PART_SLOT } kind;
  size_t k;
  uint64_t *size;              /* where its written length goes */
};

#define MAX_FIXED_PARTS 8

/* The parts of the framed message in order, each text part being one of
   the lengths recount_sizes needs.  Only -t tells text items from the
   others, whose data it never converts.  */
static size_t
list_parts (struct run *r, struct sizes *z, struct part *parts)
{
  const struct frame *f = &r->f;
  size_t n = 0;
#define PART(a, b, kind_, k_, size_) \
  parts[n++] = (struct part) { (a), (b), (kind_), (k_), (size_) }
  PART (f->off, f->mslot.off, PART_TEXT, 0, &z->message_line);
  PART (f->mslot.off, f->mslot.off + f->mslot.info.width, PART_SLOT, 0, NULL);
  PART (f->mslot.off + f->mslot.info.width, f->mslot.next, PART_TEXT, 0,
        &z->mslot_eol);
  PART (f->mslot.next, f->contents_off, PART_TEXT, 0, &z->headers);
  PART (f->contents_off, f->cslot.off, PART_TEXT, 0, &z->contents_line);
  PART (f->cslot.off, f->cslot.off + f->cslot.info.width, PART_SLOT, 1, NULL);
  PART (f->cslot.off + f->cslot.info.width, f->cslot.next, PART_TEXT, 0,
        &z->cslot_eol);
  uint64_t prev = f->cslot.next;
  for (size_t i = 0; i < f->nitems; i++)
    {
      const struct fitem *it = &f->items[i];
      struct item_sizes *iz = &z->items[i];
      struct line ln;
      uint64_t v;
      int text = 0;
      if (r->s->transcode)
        {
          line_get (&r->in, it->off, &ln, NULL);
          text = line_has_prefix (&r->in, &ln, "Text item:", 10, &v);
        }
      uint64_t data = it->slot.next;
      PART (prev, it->off, PART_TEXT, 0, &iz->before);
      PART (it->off, it->slot.off, PART_TEXT, 0, &iz->line);
      PART (it->slot.off, it->slot.off + it->slot.info.width, PART_SLOT,
            2 + i, NULL);
      PART (it->slot.off + it->slot.info.width, data, PART_TEXT, 0,
            &iz->slot_eol);
      PART (data, data + it->data_len, text ? PART_TEXT : PART_BINARY, 0,
            &iz->data);
      prev = data + it->data_len;
    }
  PART (f->contents_end, f->end, PART_TEXT, 0, &z->separators);
#undef PART
  return n;
}

static void
sink_output (void *ctx, const char *p, size_t n)
{
  output_bytes (ctx, (const unsigned char *) p, n);
}

/* What framing reads of a text: each colon that ends a keyword,
   "Message:", "Contents:" or " item:" with the letters of the word before
   it, folded into a hash in order.  A conversion that keeps it keeps
   every keyword line and every glued keyword of the text (their EOLs and
   spaces are never parts of other characters).  */
struct shape
{
  uint64_t hash;
  unsigned char ring[64];      /* the last bytes, at their count mod 64 */
  uint64_t count;
};

static void
shape_fold (struct shape *s, const unsigned char *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    s->hash = (s->hash ^ p[i]) * UINT64_C (0x100000001B3);
  s->hash = (s->hash ^ 0x100) * UINT64_C (0x100000001B3);
}

static void
shape_feed (void *ctx, const char *p, size_t n)
{
  struct shape *s = ctx;
  for (size_t i = 0; i < n; i++)
    {
      unsigned char c = (unsigned char) p[i];
      if (c == ':')
        {
          /* The 40 bytes before it (NULs before the text's start).  */
          unsigned char b[40];
          for (size_t k = 0; k < sizeof b; k++)
            b[k] = s->count >= sizeof b - k
                   ? s->ring[(s->count - (sizeof b - k)) % sizeof s->ring] : 0;
          const unsigned char *e = b + sizeof b;
          if (!memcmp (e - 7, "Message", 7))
            shape_fold (s, e - 7, 7);
          else if (!memcmp (e - 8, "Contents", 8))
            shape_fold (s, e - 8, 8);
          else if (!memcmp (e - 5, " item", 5))
            {
              const unsigned char *w = e - 5;
              while (w > b && kw_letter (w[-1]))
                w--;
              shape_fold (s, w, (size_t) (e - w));
            }
        }
      s->ring[s->count++ % sizeof s->ring] = c;
    }
}

/* -t: the lengths the parts will have once converted, for the recount.
   Returns 0, 1 when the message holds text that cannot be converted (WHY
   says so), -1 when out of memory.  */
static int
measure_parts (struct run *r, size_t n, char *why, size_t why_size)
{
  struct charset *cs = r->s->transcode;
  for (size_t k = 0; k < n; k++)
    {
      struct part *p = &r->parts[k];
      uint64_t len = p->to - p->from, bad;
      struct shape before = { 0 }, after = { 0 };
      int c = p->kind == PART_TEXT
              ? charset_convert (cs, &r->in, p->from, p->to, shape_feed,
                                 &after, &len, &bad) : 0;
      const unsigned char *b;
      size_t m;
      for (uint64_t at = p->from;
           c == 0 && p->kind == PART_TEXT && input_chunk (&r->in, &at, p->to,
                                                         &b, &m);)
        shape_feed (&before, (const char *) b, m);
      /* A character of the source code page whose bytes take in a
         letter of a keyword (a trail byte of CP932 may be one): framed,
         the letter is part of the keyword; converted, it is gone, and the
         output would frame otherwise.  */
      if (c == 0 && before.hash != after.hash)
        {
          snprintf (why, why_size, "a character of %s there takes in a "
                    "letter of a keyword", cs->from);
          return 1;
        }
      if (c == -2)
        {
          snprintf (why, why_size, "character U+%04" PRIX32 " at byte "
                    "offset %" PRIu64 " has no equivalent in %s",
                    cs->unmapped, bad, cs->to);
          return 1;
        }
      if (c < 0)
        {
          snprintf (why, why_size, "byte offset %" PRIu64 " is not a "
                    "character of %s", bad, cs->from);
          return 1;
        }
      if (p->size)
        *p->size = len;
    }
  return 0;
}

/* Write slot K's new count.  */
static void
write_slot (struct run *r, size_t k)
{
  const struct count *c;
  recount_slot (&r->f, &r->rc, k, &c);
  output_slot (r->out, c->value, c->width, r->style);
}

/* Whether part P goes out as it came in: most do, and the writer joins
   them into one copy.  */
static int
copied (const struct run *r, const struct part *p)
{
  const struct count *c;
  if (p->kind == PART_SLOT)
    return recount_slot (&r->f, &r->rc, p->k, &c), !c->change;
  return p->kind == PART_BINARY;
}

/* -t: recount the framed message from the lengths its parts will have
   once converted, and write it part by part.  Returns 0, 2 when the
   message cannot be converted (it is then passed through unconverted,
   WHY saying why), -1 when out of memory.  */
static int
write_converted (struct run *r, char *why, size_t why_size)
{
  const struct frame *f = &r->f;
  struct part *parts = grow (r->parts, &r->parts_cap,
                             MAX_FIXED_PARTS + 5 * f->nitems, sizeof *parts);
  if (!parts || recount_reserve (f, &r->rc) < 0)
    return -1;
  r->parts = parts;
  struct sizes z = { .items = r->rc.item_sizes };
  size_t n = list_parts (r, &z, parts);
  int unconverted = measure_parts (r, n, why, why_size);
  /* A read failed: WHY would blame the text.  Nothing of the message may
     be written (the caller stops).  */
  if (r->in.err)
    return 0;
  if (unconverted)
    {
      line_at (r, f->off);
      tell_unconverted (&r->t, why);
      output_copy (r->out, &r->in, f->off, f->end);
      return 2;
    }
  if (recount_sizes (f, &z, r->st->rule, &r->rc) < 0 || note_repairs (r) < 0)
    return -1;
  /* The parts are contiguous: copies run from COPY to the next part
     that is written otherwise.  */
  uint64_t copy = f->off;
  for (size_t k = 0; k < n; k++)
    {
      const struct part *p = &parts[k];
      if (copied (r, p))
        continue;
      output_copy (r->out, &r->in, copy, p->from);
      uint64_t len, bad;
      if (p->kind == PART_SLOT)
        write_slot (r, p->k);
      else if (r->out->fd >= 0)
        charset_convert (r->s->transcode, &r->in, p->from, p->to,
                         sink_output, r->out, &len, &bad);
      else
        r->out->bytes += *p->size;
      copy = p->to;
    }
  output_copy (r->out, &r->in, copy, f->end);
  return 0;
}

/* Recount the framed message and write it: the bytes between the slots
   whose counts change are copied.  Returns 0, 1 when -t cannot convert it
   (WHY says why), -1 when out of memory.  */
static int
write_message (struct run *r, char *why, size_t why_size)
{
  const struct frame *f = &r->f;
  if (r->s->transcode)
    {
      int w = write_converted (r, why, why_size);
      if (w != 0)
        return w < 0 ? -1 : 1;
    }
  else
    {
      struct output_patch *p = grow (r->patches, &r->patches_cap,
                                     2 + f->nitems, sizeof *p);
      if (!p || recount_message (f, r->st->rule, &r->rc) < 0
          || note_repairs (r) < 0)
        return -1;
      r->patches = p;
      for (size_t i = 0; i < r->nnotes; i++)
        {
          const struct repair_note *e = &r->notes[i];
          p[i] = (struct output_patch) { e->slot->off, e->slot->info.width,
                                         e->value, e->width };
        }
      output_patched (r->out, &r->in, f->off, f->end, p, r->nnotes,
                      r->style);
    }
  if (r->nnotes > 0)
    {
      r->st->repaired++;
      r->st->scanned += f->evidence == EV_SCAN;
    }
  return 0;
}

/* -f: name the message in findings by its subject (else its sender),
   converted to the locale's character set; NULL when it cannot be.  */
static const char *
label_message (struct run *r)
{
  const struct frame *f = &r->f;
  uint64_t from = f->subject_off, to = f->subject_end;
  const char *key = "Subject";
  if (from == UINT64_MAX)
    from = f->from_off, to = f->from_end, key = "From";
  if (from == UINT64_MAX)
    return NULL;
  if (to - from > 60)
    to = from + 60;
  char buf[128];
  struct text_buf t = { buf, sizeof buf, 0 };
  uint64_t len, bad;
  if (charset_convert (r->s->names, &r->in, from, to, charset_to_buf, &t,
                       &len, &bad) < 0)
    return NULL;
  for (size_t i = 0; i < t.n; i++)
    if ((unsigned char) buf[i] < 0x20 || buf[i] == 0x7f)
      buf[i] = '?';
  snprintf (r->who_buf, sizeof r->who_buf, "%s: %.*s", key, (int) t.n, buf);
  return r->who_buf;
}

/* Frame, recount and write the message at OFF.  Returns 1 when it had to
   be passed through, -1 when out of memory.  */
static int
repair_message (struct run *r, uint64_t off)
{
  if (frame_message (&r->in, off, r->st->rule, &r->f) < 0)
    return -1;
  r->t.who = r->s->names ? label_message (r) : NULL;
  /* Framed (or named) from part of the message: nothing of it may be
     written, nor said (the caller stops at the input error).  */
  if (r->in.err)
    return 0;
  r->st->messages++;
  r->nnotes = 0;
  char buf[128];
  const char *reason = NULL;
  int ret = 1;
  if (r->f.status != FRAMED)
    {
      reason = reason_text (&r->f, buf, sizeof buf);
      line_at (r, off);
      tell_passed (&r->t, reason);
      output_copy (r->out, &r->in, off, r->f.end);
    }
  else if ((ret = write_message (r, buf, sizeof buf)) > 0)
    reason = buf;
  if (ret < 0)
    return -1;
  /* A read failed while it was written: the output broke off there
     (output_halt), and no report row may say it was written.  */
  if (r->in.err)
    return 0;
  r->st->passed += ret;
  if (r->s->on_message)
    {
      line_at (r, off);
      struct message_note note = { r->in.name, &r->in, r->t.number, off,
                                   r->t.line, &r->f, reason, r->notes,
                                   r->nnotes, r->style, NULL };
      r->s->on_message (r->s->on_message_ctx, &note);
    }
  return ret;
}

/* Stray bytes after the message before OFF (FORMAT.md): passed through
   with a warning, like a preamble.  Returns where they end.  */
static uint64_t
pass_stray (struct run *r, uint64_t off)
{
  uint64_t end = stray_end (&r->in, off);
  r->st->stray_bytes += end - off;
  line_at (r, off);
  tell_stray (&r->t, end - off);
  output_copy (r->out, &r->in, off, end);
  return end;
}

/* The bytes before the first Message: line at FIRST: passed through with a
   warning.  */
static void
pass_preamble (struct run *r, uint64_t first)
{
  r->st->preamble_lines = r->t.line - 1
                          + (input_byte (&r->in, first - 1) != '\n');
  tell_preamble (&r->t, r->st->preamble_lines,
                 more_messages (&r->in, first));
  output_copy (r->out, &r->in, 0, first);
}

/* Every message from OFF on, and the stray bytes between them; the exit
   status they deserve, -1 when out of memory.  */
static int
repair_messages (struct run *r, uint64_t off, struct progress *progress)
{
  int status = EXIT_REPAIRED;
  enum starts p;
  while (!r->out->err && !r->in.err
         && (p = what_starts (&r->in, off, &r->f)) != STARTS_END)
    {
      if (p == STARTS_STRAY)
        {
          off = pass_stray (r, off);
          if (r->s->lint)
            status = EXIT_UNREPAIRED;
          continue;
        }
      r->t.number++;
      int m = repair_message (r, off);
      if (m < 0)
        return -1;
      if (m > 0)
        status = EXIT_UNREPAIRED;
      off = r->f.end;
      /* Lines still in memory are counted now, while the bytes are in
         cache; what a regular file's framing jumped over only when
         told.  */
      if (!r->in.reread || input_holds (&r->in, r->line_off))
        line_at (r, off);
      input_release (&r->in, output_needs (r->out, &r->in, off));
      if (r->s->progress)
        progress_messages (progress, r->st->messages, r->st->repaired);
    }
  if (!r->out->err && !r->in.err)
    {
      /* The tail: a final 0x1A.  */
      stream_end (&r->in);
      output_copy (r->out, &r->in, off, input_size (&r->in));
    }
  return status;
}

/* The exit status of a run that ended with STATUS, or with an error.  */
static int
finish (struct run *r, int status)
{
  const struct stats *st = r->st;
  if (r->s->check && (st->repaired || st->passed))
    status = EXIT_UNREPAIRED;
  if (status < 0)
    {
      diag_error (r->in.name, ENOMEM);
      status = EXIT_TROUBLE;
    }
  else if (r->in.err)
    {
      char what[512];
      snprintf (what, sizeof what, "%s: %s", r->in.name, r->in.err_what);
      diag_error (what, r->in.err);
      status = EXIT_TROUBLE;
    }
  return status;
}

int
repair_stream (int fd, const char *name, struct output *out,
               const struct settings *s, struct stats *st)
{
  struct run r = { .out = out, .s = s, .st = st,
                   .t = { .file = name, .quiet = s->quiet, .lint = s->lint,
                          .check = s->check } };
  memset (st, 0, sizeof *st);
  uint64_t out_start = out->bytes;
  if (input_open (&r.in, fd, name, s->mem_cap) < 0)
    {
      diag_error (name, errno);
      return EXIT_TROUBLE;
    }
  /* A failed read may leave any message framed or written from then on
     wrong: the output breaks off where it happens (FORMAT.md, invariant
     5), and keeps what it was given before.  */
  r.in.on_error = output_halt;
  r.in.on_error_ctx = out;
  r.t.in = &r.in;
  /* Line numbers and headers cost a pass over every line: only for
     someone who reads them.  */
  r.lines = !s->quiet || s->on_message;
  r.f.headers = s->names || s->on_message;
  r.f.thorough = s->thorough;
  struct progress progress;
  if (s->progress)
    {
      progress_start (&progress, fd, name);
      r.in.on_read = progress_bytes;
      r.in.on_read_ctx = &progress;
    }
  uint64_t first = first_message (&r.in);
  int status = learn_stream (&r.in, first, s, &r.f, st);
  r.style = (enum slot_style) st->style;
  r.t.line = 1 + count_lf (&r.in, 0, first);
  r.line_off = first;
  if (status == 0 && first > 0 && !r.in.err)
    {
      pass_preamble (&r, first);
      if (s->lint)
        status = EXIT_UNREPAIRED;
    }
  if (status >= 0)
    {
      int m = repair_messages (&r, first, &progress);
      status = m < 0 ? m : m > status ? m : status;
    }
  /* Queued input bytes must go before the input does.  */
  output_flush (out);
  if (s->progress)
    progress_stop (&progress);
  st->bytes_in = input_size (&r.in);
  st->bytes_out = out->bytes - out_start;
  status = finish (&r, status);
  frame_free (&r.f);
  recount_free (&r.rc);
  free (r.notes);
  free (r.parts);
  free (r.patches);
  input_close (&r.in);
  return status;
}
