/* Slots: classification and formatting.  */
#include <config.h>
#include "slot.h"
#include "decimal.h"

#include <string.h>

void
slot_scan_init (struct slot_scan *s)
{
  memset (s, 0, sizeof *s);
  s->blank = 1;
}

/* The grammar of a valid slot is SP* DIGIT{1,18} SP*; anything past that
   shape, or a 19th digit, makes it invalid, but it may still be blank.  */
void
slot_scan_feed (struct slot_scan *s, const unsigned char *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      unsigned char c = p[i];
      if (c != ' ' && c != '\0')
        s->blank = 0;
      switch (s->phase)
        {
        case 0:
          if (c == ' ')
            s->lead_spaces++;
          else if (c >= '0' && c <= '9')
            {
              s->phase = 1;
              s->digits = 1;
              s->value = (uint64_t) (c - '0');
            }
          else
            s->phase = 3;
          break;
        case 1:
          if (c >= '0' && c <= '9')
            {
              if (s->digits == 1 && s->value == 0)
                s->zero_lead = 1;
              if (++s->digits > SLOT_MAX_DIGITS)
                s->phase = 3;
              else
                s->value = s->value * 10 + (uint64_t) (c - '0');
            }
          else if (c == ' ')
            {
              s->phase = 2;
              s->trail_spaces = 1;
            }
          else
            s->phase = 3;
          break;
        case 2:
          if (c == ' ')
            s->trail_spaces++;
          else
            s->phase = 3;
          break;
        default:
          if (!s->blank)
            {
              /* Nothing can make it valid or blank again: only the width
                 is left to learn.  */
              s->width += n - i;
              return;
            }
          break;
        }
      s->width++;
    }
}

void
slot_scan_end (const struct slot_scan *s, struct slot_info *out)
{
  memset (out, 0, sizeof *out);
  out->width = s->width;
  if (s->blank)
    out->cls = SLOT_BLANK;
  else if (s->phase == 1 || s->phase == 2)
    {
      out->cls = SLOT_VALID;
      out->value = s->value;
      if (s->lead_spaces && !s->trail_spaces)
        out->padded = 1, out->style = STYLE_LEAD_SPACES;
      else if (s->trail_spaces && !s->lead_spaces)
        out->padded = 1, out->style = STYLE_TRAIL_SPACES;
      else if (s->zero_lead && !s->lead_spaces && !s->trail_spaces)
        out->padded = 1, out->style = STYLE_ZEROS;
    }
  else
    out->cls = SLOT_INVALID;
}

void
slot_classify_scan (const unsigned char *p, size_t n, struct slot_info *out)
{
  struct slot_scan s;
  slot_scan_init (&s);
  slot_scan_feed (&s, p, n);
  slot_scan_end (&s, out);
}

uint64_t
slot_new_width (uint64_t old_width, uint64_t value)
{
  uint64_t d = decimal_digits (value);
  return old_width >= d ? old_width : d;
}

size_t
slot_format (uint64_t value, uint64_t width, enum slot_style style,
             uint64_t offset, unsigned char *buf, size_t n)
{
  unsigned nd = decimal_digits (value);
  if (width < nd)
    width = nd;
  uint64_t pad = width - nd;
  /* Where the digits sit inside the slot; leading zeros may not make more
     than SLOT_MAX_DIGITS digits, or the count would read back invalid:
     spaces fill what is left before them.  */
  uint64_t dstart = style == STYLE_TRAIL_SPACES ? 0 : pad;
  uint64_t zstart = style != STYLE_ZEROS ? dstart
                    : width > SLOT_MAX_DIGITS ? width - SLOT_MAX_DIGITS : 0;
  if (offset >= width)
    return 0;
  if (offset == 0 && width <= n)
    {
      /* The whole slot at once, as nearly every one is written: a few
         bytes, placed eight at a time (the last eight overlapping what
         is already there), since a call to memset costs more than the
         bytes.  */
      size_t w = (size_t) width, i = 0;
      if (w >= 8)
        {
          for (; w - i >= 8; i += 8)
            memcpy (buf + i, "        ", 8);
          memcpy (buf + w - 8, "        ", 8);
        }
      else
        for (; i < w; i++)
          buf[i] = ' ';
      for (i = (size_t) zstart; i < dstart; i++)
        buf[i] = '0';
      decimal_put (buf + dstart, nd, value);
      return w;
    }
  unsigned char d[20];
  decimal_put (d, nd, value);
  size_t k = width - offset < n ? (size_t) (width - offset) : n;
  /* Spaces, then zeros, then the digits, then spaces: each run of the
     slot that falls in [OFFSET, OFFSET + K) is filled at once.  */
  const uint64_t bounds[] = { 0, zstart, dstart, dstart + nd, width };
  for (int r = 0; r < 4; r++)
    {
      uint64_t a = bounds[r] > offset ? bounds[r] : offset;
      uint64_t b = bounds[r + 1] < offset + k ? bounds[r + 1] : offset + k;
      if (a >= b)
        continue;
      unsigned char *to = buf + (a - offset);
      if (r == 2)
        memcpy (to, d + (a - dstart), (size_t) (b - a));
      else
        memset (to, r == 1 ? '0' : ' ', (size_t) (b - a));
    }
  return k;
}

const char *
slot_class_name (enum slot_class c)
{
  static const char *const names[] = { "valid", "blank", "invalid" };
  return names[c];
}

const char *
slot_style_name (enum slot_style s)
{
  static const char *const names[] = { "leading spaces", "trailing spaces",
                                       "leading zeros" };
  return names[s];
}
