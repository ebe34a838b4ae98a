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
  struct part *parts;          /* -t: the current message's parts */
  size_t parts_cap;
  const char *who;             /* -f: the message's subject, for findings */
  char who_buf[160];
  uint64_t line;               /* of the message being repaired */
  uint64_t number;
};

/* Messages run up to the end of the stream or a final 0x1A.  */
int
more_messages (struct input *in, uint64_t off)
{
  int c = input_byte (in, off);
  return c >= 0 && !(c == 0x1A && input_at_end (in, off + 1));
}

/* Read ahead, framing messages with the rule as far as it is forced, until
   the end or the look-ahead bound; nothing is released meanwhile, so the
   repair starts again from FIRST.  */
int
learn_stream (struct input *in, uint64_t first, const struct settings *s,
              struct frame *f, struct stats *st)
{
  struct learner l = { 0 };
  struct rule provisional = learned_rule (&l, s->from, s->to);
  uint64_t off = first;
  while (more_messages (in, off))
    {
      if (off - first >= s->learn_bound)
        {
          st->bounded = 1;
          break;
        }
      if (frame_message (in, off, provisional, f) < 0
          || learn_message (&l, f) < 0)
        return -1;
      st->held++;
      off = f->end;
      if (!message_starts (in, off))
        off = stray_end (in, off);
    }
  st->rule = learned_rule (&l, s->from, s->to);
  st->evidence = l.evidence;
  st->rule_source = s->from != RULE_AUTO && s->to != RULE_AUTO
                    ? "forced" : l.evidence ? "learned" : "default";
  st->style = (int) (s->pad != RULE_AUTO ? (enum slot_style) s->pad
                     : learned_style (&l));
  return 0;
}

const char *
reason_text (const struct frame *f, char *buf, size_t n)
{
  const char *level = level_name (f->why_level);
  switch (f->reason)
    {
    case WHY_NO_CONTENTS:
      return "no Contents: line before the next Message: line";
    case WHY_ENDS_EARLY:
      return "cut short: the input ends inside the message's lines";
    case WHY_MISSING_SLOT:
      if (f->why_level == LEVEL_ITEM)
        snprintf (buf, n, "item %zu has no count line", f->why_item);
      else
        snprintf (buf, n, "no %s count line", level);
      return buf;
    case WHY_NO_ITEM:
      snprintf (buf, n, "no item line where item %zu should start",
                f->why_item);
      return buf;
    case WHY_TIE:
      return "two ways of cutting the contents into items score the same";
    case WHY_TOO_MANY:
      return "too many item lines in the contents to weigh";
    case WHY_PAST_END:
      if (f->why_level == LEVEL_ITEM)
        snprintf (buf, n, "cut short: the item %zu count runs past the end "
                  "of the input", f->why_item);
      else
        snprintf (buf, n, "cut short: the %s count runs past the end of "
                  "the input", level);
      return buf;
    default:
      return "cannot be framed";
    }
}

static int
note_repair (struct run *r, enum level level, size_t item,
             const struct fslot *s, const struct count *c)
{
  struct repair_note *p = grow (r->notes, &r->notes_cap, r->nnotes + 1,
                                sizeof *p);
  if (!p)
    return -1;
  r->notes = p;
  struct repair_note *n = &r->notes[r->nnotes++];
  n->level = level;
  n->item = item;
  n->slot = s;
  n->value = c->value;
  n->width = c->width;
  return 0;
}

/* What the Migration Wizard would have read in slot S: spaces read as 0
   (KB Q287056), anything else as the text there.  */
static void
wizard_reads (struct run *r, const struct fslot *s, char *buf, size_t n)
{
  size_t k = 0;
  for (uint64_t at = s->off; at < s->off + s->info.width && k + 4 < n; at++)
    {
      int c = input_byte (&r->in, at);
      if (c == ' ' || c == 0)
        continue;
      buf[k++] = c > ' ' && c < 0x7f && c != '\'' ? (char) c : '?';
    }
  if (k == 0)
    buf[k++] = '0';
  buf[k] = 0;
}

/* --lint: the event the Exchange 5.5 Migration Wizard would have logged
   for a bad count (1027 for a message count, 1032 for the others).  */
static void
report_event (struct run *r, enum level level, size_t item,
              const struct fslot *s)
{
  char read[40];
  wizard_reads (r, s, read, sizeof read);
  if (level == LEVEL_MESSAGE)
    diag_finding (r->s->quiet, r->in.name, r->line, r->number, r->who,
                    "event 1027: invalid Message size of '%s'", read);
  else if (level == LEVEL_CONTENTS)
    diag_finding (r->s->quiet, r->in.name, r->line, r->number, r->who,
                    "event 1032: invalid Contents size of '%s'", read);
  else
    diag_finding (r->s->quiet, r->in.name, r->line, r->number, r->who,
                    "event 1032: invalid Item size of '%s' (item %zu)", read,
                    item);
}

static void
report_repair (struct run *r, enum level level, size_t item,
               const struct fslot *s, const struct count *c)
{
  static const int class_index[] = { 2, 0, 1 };   /* by enum slot_class */
  r->st->repairs[level][class_index[s->info.cls]]++;
  if (r->s->lint)
    {
      report_event (r, level, item, s);
      return;
    }
  char what[64];
  if (level == LEVEL_ITEM)
    snprintf (what, sizeof what, "item %zu", item);
  else
    snprintf (what, sizeof what, "%s", level_name (level));
  char was[32] = "";
  if (s->info.cls == SLOT_VALID)
    snprintf (was, sizeof was, " (%" PRIu64 ")", s->info.value);
  diag_finding (r->s->quiet, r->in.name, r->line, r->number, r->who,
                  "%s count %s%s, %s %" PRIu64 "%s", what,
                  count_class_name (s), was,
                  r->s->check ? "should be" : "now", c->value,
                  r->f.evidence == EV_SCAN ? " (found by scan)" : "");
}

/* Write the framed message, its changed slots rewritten.  Returns how many
   changed, -1 when out of memory.  */
static int
write_framed (struct run *r)
{
  const struct frame *f = &r->f;
  const struct fslot *slots[2] = { &f->mslot, &f->cslot };
  const struct count *counts[2] = { &r->rc.msg, &r->rc.contents };
  uint64_t pos = f->off;
  int changed = 0;
  for (size_t k = 0; k < 2 + f->nitems; k++)
    {
      const struct fslot *s = k < 2 ? slots[k] : &f->items[k - 2].slot;
      const struct count *c = k < 2 ? counts[k] : &r->rc.items[k - 2];
      if (!c->change)
        continue;
      output_copy (r->out, &r->in, pos, s->off);
      output_slot (r->out, c->value, c->width, r->style);
      pos = s->off + s->info.width;
      enum level level = k < 2 ? (enum level) k : LEVEL_ITEM;
      report_repair (r, level, k - 1, s, c);
      if (note_repair (r, level, k - 1, s, c) < 0)
        return -1;
      changed++;
    }
  output_copy (r->out, &r->in, pos, f->end);
  return changed;
}

/* A part of a message as -t writes it: text to convert, binary data to
   copy, or a slot (K: 0 message, 1 contents, 2 + i item i).  */
struct part
{
  uint64_t from, to;
  enum { PART_TEXT, PART_BINARY, PART_SLOT } kind;
  size_t k;
  uint64_t *size;              /* where its written length goes */
};

#define MAX_FIXED_PARTS 8

/* The parts of the framed message in order, each text part being one of
   the lengths recount_sizes needs.  */
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
      line_get (&r->in, it->off, &ln);
      int text = line_has_prefix (&r->in, &ln, "Text item:", 10, &v);
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

/* -t: measure the message converted, recount, and write it converted.
   Returns 0, 1 when it holds bytes invalid in its code page (it is then
   passed through unconverted), -1 when out of memory.  */
static int
write_transcoded (struct run *r, uint64_t off, char *why, size_t why_size)
{
  const struct frame *f = &r->f;
  if (recount_reserve (f, &r->rc) < 0)
    return -1;
  size_t max = MAX_FIXED_PARTS + 5 * f->nitems;
  struct part *parts = grow (r->parts, &r->parts_cap, max, sizeof *parts);
  if (!parts)
    return -1;
  r->parts = parts;
  struct sizes z = { .items = r->rc.item_sizes };
  size_t n = list_parts (r, &z, r->parts);
  for (size_t k = 0; k < n; k++)
    {
      struct part *p = &r->parts[k];
      uint64_t len = p->to - p->from, bad;
      struct charset *cs = r->s->transcode;
      int c = p->kind == PART_TEXT
              ? charset_convert (cs, &r->in, p->from, p->to, NULL, NULL,
                                 &len, &bad) : 0;
      if (c < 0)
        {
          if (c == -2)
            snprintf (why, why_size, "character U+%04" PRIX32 " at byte "
                      "offset %" PRIu64 " has no equivalent in %s",
                      cs->unmapped, bad, cs->to);
          else
            snprintf (why, why_size, "byte offset %" PRIu64 " is not a "
                      "character of %s", bad, cs->from);
          diag_finding (r->s->quiet, r->in.name, r->line, r->number, r->who,
                          "%s; passed through unconverted", why);
          output_copy (r->out, &r->in, off, f->end);
          return 1;
        }
      if (p->size)
        *p->size = len;
    }
  if (recount_sizes (f, &z, r->st->rule, &r->rc) < 0)
    return -1;
  int changed = 0;
  for (size_t k = 0; k < n; k++)
    {
      const struct part *p = &r->parts[k];
      uint64_t len, bad;
      if (p->kind == PART_BINARY)
        output_copy (r->out, &r->in, p->from, p->to);
      else if (p->kind == PART_TEXT)
        {
          if (r->out->fd >= 0)
            charset_convert (r->s->transcode, &r->in, p->from, p->to,
                             sink_output, r->out, &len, &bad);
          else
            r->out->bytes += *p->size;
        }
      else
        {
          const struct fslot *s = p->k == 0 ? &f->mslot : p->k == 1
                                  ? &f->cslot : &f->items[p->k - 2].slot;
          const struct count *c = p->k == 0 ? &r->rc.msg : p->k == 1
                                  ? &r->rc.contents : &r->rc.items[p->k - 2];
          if (!c->change)
            {
              output_copy (r->out, &r->in, p->from, p->to);
              continue;
            }
          output_slot (r->out, c->value, c->width, r->style);
          enum level level = p->k < 2 ? (enum level) p->k : LEVEL_ITEM;
          report_repair (r, level, p->k - 1, s, c);
          if (note_repair (r, level, p->k - 1, s, c) < 0)
            return -1;
          changed++;
        }
    }
  if (changed)
    r->st->repaired++;
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
  /* Framed from part of the message: nothing of it may be written (the
     caller stops at the input error).  */
  if (r->in.err)
    return 0;
  r->st->messages++;
  r->nnotes = 0;
  r->who = r->s->names ? label_message (r) : NULL;
  char buf[128];
  const char *reason = NULL;
  int ret = 0;
  if (r->f.status != FRAMED)
    {
      r->st->passed++;
      reason = reason_text (&r->f, buf, sizeof buf);
      if (r->s->lint)
        diag_finding (r->s->quiet, r->in.name, r->line, r->number, r->who,
                        "event 1029: Token should have been 'Message:' (%s)",
                        reason);
      else
        diag_finding (r->s->quiet, r->in.name, r->line, r->number, r->who,
                        "%s; passed through unchanged", reason);
      output_copy (r->out, &r->in, off, r->f.end);
      ret = 1;
    }
  else if (r->s->transcode)
    {
      ret = write_transcoded (r, off, buf, sizeof buf);
      if (ret < 0)
        return -1;
      if (ret)
        {
          r->st->passed++;
          reason = buf;
        }
    }
  else
    {
      if (recount_message (&r->f, r->st->rule, &r->rc) < 0)
        return -1;
      int changed = write_framed (r);
      if (changed < 0)
        return -1;
      if (changed)
        {
          r->st->repaired++;
          r->st->scanned += r->f.evidence == EV_SCAN;
        }
    }
  if (r->s->on_message)
    {
      struct message_note note = { r->in.name, &r->in, r->number, off,
                                   r->line, &r->f, reason, r->notes,
                                   r->nnotes, r->style, NULL };
      r->s->on_message (r->s->on_message_ctx, &note);
    }
  return ret;
}

/* Stray bytes after message R->number (FORMAT.md): passed through with a
   warning, like a preamble.  Returns where they end.  */
static uint64_t
pass_stray (struct run *r, uint64_t off)
{
  uint64_t end = stray_end (&r->in, off);
  r->st->stray_bytes += end - off;
  const char *s = end - off == 1 ? "" : "s";
  if (r->s->lint)
    diag_warning (r->s->quiet, r->in.name, r->line, "event 1029: Token "
                    "should have been 'Message:' (%" PRIu64 " stray byte%s "
                    "after message %" PRIu64 ")", end - off, s, r->number);
  else
    diag_warning (r->s->quiet, r->in.name, r->line, "%" PRIu64 " stray "
                    "byte%s after message %" PRIu64 " passed through "
                    "unchanged", end - off, s, r->number);
  output_copy (r->out, &r->in, off, end);
  r->line += count_lf (&r->in, off, end);
  return end;
}

int
repair_stream (int fd, const char *name, struct output *out,
               const struct settings *s, struct stats *st)
{
  struct run r = { .out = out, .s = s, .st = st };
  memset (st, 0, sizeof *st);
  uint64_t out_start = out->bytes;
  if (input_open (&r.in, fd, name, s->mem_cap) < 0)
    {
      diag_error (name, errno);
      return EXIT_TROUBLE;
    }
  struct progress progress;
  if (s->progress)
    {
      progress_start (&progress, fd, name);
      r.in.on_read = progress_bytes;
      r.in.on_read_ctx = &progress;
    }
  int status = EXIT_REPAIRED, nomem = 0;
  uint64_t first = next_message_line (&r.in, 0);
  if (learn_stream (&r.in, first, s, &r.f, st) < 0)
    nomem = 1;
  r.style = (enum slot_style) st->style;
  r.line = 1 + count_lf (&r.in, 0, first);
  if (first > 0 && !nomem)
    {
      st->preamble_lines = r.line - 1 + (input_byte (&r.in, first - 1) != '\n');
      if (s->lint)
        {
          diag_warning (s->quiet, name, 1, "event 1029: Token should have "
                          "been 'Message:'");
          status = EXIT_UNREPAIRED;
        }
      else
        diag_warning (s->quiet, name, 1, "%" PRIu64 " lines %s passed "
                        "through unchanged", st->preamble_lines,
                        more_messages (&r.in, first)
                        ? "before the first Message: line"
                        : "and no Message: line");
      output_copy (out, &r.in, 0, first);
    }
  uint64_t off = first;
  while (!nomem && !out->err && !r.in.err && more_messages (&r.in, off))
    {
      if (!message_starts (&r.in, off))
        {
          off = pass_stray (&r, off);
          if (s->lint)
            status = EXIT_UNREPAIRED;
          continue;
        }
      r.number++;
      int m = repair_message (&r, off);
      if (m < 0)
        nomem = 1;
      else if (m > 0)
        status = EXIT_UNREPAIRED;
      r.line += count_lf (&r.in, off, r.f.end);
      off = r.f.end;
      input_release (&r.in, output_needs (out, &r.in, off));
      if (s->progress)
        progress_messages (&progress, st->messages, st->repaired);
    }
  if (!nomem && !out->err && !r.in.err)
    {
      /* The tail: a final 0x1A.  */
      stream_end (&r.in);
      output_copy (out, &r.in, off, input_size (&r.in));
    }
  /* Queued input bytes must go before the input does.  */
  output_flush (out);
  if (s->progress)
    progress_stop (&progress);
  st->bytes_in = input_size (&r.in);
  st->bytes_out = out->bytes - out_start;
  if (s->check && (st->repaired || st->passed))
    status = EXIT_UNREPAIRED;
  if (nomem)
    {
      diag_error (name, ENOMEM);
      status = EXIT_TROUBLE;
    }
  else if (r.in.err)
    {
      char what[512];
      snprintf (what, sizeof what, "%s: %s", name, r.in.err_what);
      diag_error (what, r.in.err);
      status = EXIT_TROUBLE;
    }
  frame_free (&r.f);
  recount_free (&r.rc);
  free (r.notes);
  free (r.parts);
  input_close (&r.in);
  return status;
}
