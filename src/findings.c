/* Findings.  */
#include <config.h>
#include "findings.h"

#include <inttypes.h>
#include <stdio.h>

#include "diag.h"

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
    case WHY_ITEM_LIMIT:
      snprintf (buf, n, "more than %zu items", f->why_item - 1);
      return buf;
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

/* What the Migration Wizard would have read in slot S: spaces read as 0
   (KB Q287056), anything else as the text there.  */
static void
wizard_reads (struct input *in, const struct fslot *s, char *buf, size_t n)
{
  size_t k = 0;
  for (uint64_t at = s->off; at < s->off + s->info.width && k + 4 < n; at++)
    {
      int c = input_byte (in, at);
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
tell_event (const struct teller *t, enum level level, size_t item,
            const struct fslot *s)
{
  static const char *const what[] = { "Message", "Contents", "Item" };
  char read[40], which[32] = "";
  wizard_reads (t->in, s, read, sizeof read);
  if (level == LEVEL_ITEM)
    snprintf (which, sizeof which, " (item %zu)", item);
  diag_finding (t->quiet, t->file, t->line, t->number, t->who,
                "event %d: invalid %s size of '%s'%s",
                level == LEVEL_MESSAGE ? 1027 : 1032, what[level], read,
                which);
}

void
tell_repair (const struct teller *t, enum level level, size_t item,
             const struct fslot *s, uint64_t value, int scan)
{
  if (t->quiet)
    return;
  if (t->lint)
    {
      tell_event (t, level, item, s);
      return;
    }
  /* Written without printf, straight after where it is: a stream can
     hold millions of these.  */
  struct diag_text text;
  diag_finding_begin (&text, t->file, t->line, t->number, t->who);
  if (level == LEVEL_ITEM)
    {
      diag_put (&text, "item ");
      diag_put_u64 (&text, item);
    }
  else
    diag_put (&text, level_name (level));
  diag_put (&text, " count ");
  diag_put (&text, count_class_name (s));
  if (s->info.cls == SLOT_VALID)
    {
      diag_put (&text, " (");
      diag_put_u64 (&text, s->info.value);
      diag_put (&text, ")");
    }
  diag_put (&text, t->check ? ", should be " : ", now ");
  diag_put_u64 (&text, value);
  if (scan)
    diag_put (&text, " (found by scan)");
  diag_finding_end (&text);
}

void
tell_passed (const struct teller *t, const char *reason)
{
  if (t->lint)
    diag_finding (t->quiet, t->file, t->line, t->number, t->who,
                  "event 1029: Token should have been 'Message:' (%s)",
                  reason);
  else
    diag_finding (t->quiet, t->file, t->line, t->number, t->who,
                  "%s; passed through unchanged", reason);
}

void
tell_unconverted (const struct teller *t, const char *why)
{
  diag_finding (t->quiet, t->file, t->line, t->number, t->who,
                "%s; passed through unconverted", why);
}

void
tell_preamble (const struct teller *t, uint64_t lines, int messages)
{
  if (t->lint)
    diag_warning (t->quiet, t->file, 1, "event 1029: Token should have "
                  "been 'Message:'");
  else
    diag_warning (t->quiet, t->file, 1, "%" PRIu64 " line%s %s passed "
                  "through unchanged", lines, lines == 1 ? "" : "s",
                  messages ? "before the first Message: line"
                           : "and no Message: line");
}

void
tell_stray (const struct teller *t, uint64_t bytes)
{
  const char *s = bytes == 1 ? "" : "s";
  if (t->lint)
    diag_warning (t->quiet, t->file, t->line, "event 1029: Token "
                  "should have been 'Message:' (%" PRIu64 " stray byte%s "
                  "after message %" PRIu64 ")", bytes, s, t->number);
  else
    diag_warning (t->quiet, t->file, t->line, "%" PRIu64 " stray "
                  "byte%s after message %" PRIu64 " passed through "
                  "unchanged", bytes, s, t->number);
}
