/* The JSON Lines report.  */
#include <config.h>
#include "report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert.h"
#include "frame.h"
#include "rules.h"

/* Slot texts and header values longer than this are cut, with "...":
   a hostile 20 MiB slot must not make a 20 MiB report line.  */
#define TEXT_MAX 256

static void
put (struct report *j, const char *s)
{
  output_bytes (j->out, (const unsigned char *) s, strlen (s));
}

/* One byte as JSON string content: the input is taken as Latin-1, so any
   byte is a character and the report is always valid UTF-8.  */
static void
put_char (struct report *j, unsigned char c)
{
  char buf[8];
  if (c == '"' || c == '\\')
    snprintf (buf, sizeof buf, "\\%c", c);
  else if (c < 0x20 || c == 0x7f)
    snprintf (buf, sizeof buf, "\\u%04x", c);
  else if (c < 0x80)
    snprintf (buf, sizeof buf, "%c", c);
  else
    snprintf (buf, sizeof buf, "%c%c", 0xc0 | (c >> 6), 0x80 | (c & 0x3f));
  put (j, buf);
}

/* Input bytes as a JSON string: decoded from the -f code page when it can
   be, else taken as Latin-1.  */
static void
put_input_text (struct report *j, struct input *in, uint64_t from,
                uint64_t to)
{
  put (j, "\"");
  uint64_t stop = to - from > TEXT_MAX ? from + TEXT_MAX : to;
  char buf[4 * TEXT_MAX];
  struct text_buf t = { buf, sizeof buf, 0 };
  uint64_t len, bad;
  if (j->decode && charset_convert (j->decode, in, from, stop,
                                    charset_to_buf, &t, &len, &bad) == 0)
    {
      /* Already UTF-8: only quotes, backslashes and controls escaped.  */
      for (size_t i = 0; i < t.n; i++)
        {
          unsigned char c = (unsigned char) buf[i];
          if (c >= 0x80)
            output_bytes (j->out, &c, 1);
          else
            put_char (j, c);
        }
      put (j, stop < to ? "...\"" : "\"");
      return;
    }
  for (uint64_t at = from; at < stop; at++)
    {
      int c = input_byte (in, at);
      if (c < 0)
        break;
      put_char (j, (unsigned char) c);
    }
  put (j, stop < to ? "...\"" : "\"");
}

static void
put_string (struct report *j, const char *s)
{
  put (j, "\"");
  for (; *s; s++)
    put_char (j, (unsigned char) *s);
  put (j, "\"");
}

static void
put_key_u64 (struct report *j, const char *key, uint64_t v)
{
  char buf[64];
  snprintf (buf, sizeof buf, ",\"%s\":%" PRIu64, key, v);
  put (j, buf);
}

static void
put_slot_now (struct report *j, const struct repair_note *r,
              enum slot_style style)
{
  unsigned char piece[TEXT_MAX];
  size_t n = slot_format (r->value, r->width, style, 0, piece, sizeof piece);
  put (j, "\"");
  for (size_t i = 0; i < n; i++)
    put_char (j, piece[i]);
  put (j, n < r->width ? "...\"" : "\"");
}

static const char *
evidence_name (enum evidence e)
{
  return e == EV_COUNTS ? "counts" : e == EV_SCAN ? "scan" : "best-cut";
}

/* --convert: the Message-ID, where the message is in the output, and each
   item's name, size and SHA-256.  */
static void
put_converted (struct report *j, struct input *in,
               const struct convert_note *c)
{
  put (j, ",\"message_id\":\"<");
  put (j, c->id);
  put (j, "@ccfix.invalid>\"");
  if (c->path)
    {
      put (j, ",\"output\":");
      put_string (j, c->path);
    }
  else
    put_key_u64 (j, "output", c->output);
  put (j, ",\"items\":[");
  for (size_t k = 0; k < c->nitems; k++)
    {
      const struct item_note *it = &c->items[k];
      put (j, k ? ",{\"kind\":" : "{\"kind\":");
      put_string (j, it->kind);
      put (j, ",\"name\":");
      if (it->name)
        put_string (j, it->name);
      else if (it->name_off < it->name_end)
        put_input_text (j, in, it->name_off, it->name_end);
      else
        put (j, "null");
      put_key_u64 (j, "bytes", it->bytes);
      put (j, ",\"sha256\":\"");
      put (j, it->sha256);
      put (j, "\"}");
    }
  put (j, "]");
}

void
report_row (void *ctx, const struct message_note *note)
{
  struct report *j = ctx;
  const struct frame *f = note->frame;
  put (j, "{\"input\":");
  put_string (j, note->input);
  put (j, ",\"account\":");
  if (j->account)
    put_string (j, j->account);
  else
    put (j, "null");
  put_key_u64 (j, "message", note->number);
  put_key_u64 (j, "offset", note->off);
  put_key_u64 (j, "line", note->line);
  put (j, ",\"from\":");
  if (f->from_off != UINT64_MAX)
    put_input_text (j, note->in, f->from_off, f->from_end);
  else
    put (j, "null");
  put (j, ",\"subject\":");
  if (f->subject_off != UINT64_MAX)
    put_input_text (j, note->in, f->subject_off, f->subject_end);
  else
    put (j, "null");
  put (j, ",\"status\":");
  if (note->conv)
    put (j, note->reason ? "\"unreadable\"" : "\"converted\"");
  else
    put (j, note->reason ? "\"passed-through\""
            : note->nrepairs ? "\"repaired\"" : "\"ok\"");
  put (j, ",\"repairs\":[");
  for (size_t k = 0; k < note->nrepairs; k++)
    {
      const struct repair_note *r = &note->repairs[k];
      put (j, k ? ",{\"level\":\"" : "{\"level\":\"");
      put (j, level_name (r->level));
      put (j, "\"");
      if (r->level == LEVEL_ITEM)
        put_key_u64 (j, "item", r->item);
      put (j, ",\"class\":\"");
      put (j, count_class_name (r->slot));
      put (j, "\",\"was\":");
      put_input_text (j, note->in, r->slot->off,
                      r->slot->off + r->slot->info.width);
      put (j, ",\"now\":");
      put_slot_now (j, r, note->style);
      put (j, ",\"evidence\":\"");
      put (j, evidence_name (f->evidence));
      put (j, "\"}");
    }
  put (j, "]");
  if (note->reason)
    {
      put (j, ",\"reason\":");
      put_string (j, note->reason);
    }
  if (note->conv)
    put_converted (j, note->in, note->conv);
  put (j, "}\n");
}

char *
account_from_name (const char *name)
{
  if (!strcmp (name, "-"))
    return NULL;
  const char *base = strrchr (name, '/');
  base = base ? base + 1 : name;
  const char *dot = strrchr (base, '.');
  size_t n = dot && dot != base ? (size_t) (dot - base) : strlen (base);
  char *s = malloc (n + 1);
  if (s)
    {
      memcpy (s, base, n);
      s[n] = 0;
    }
  return s;
}
