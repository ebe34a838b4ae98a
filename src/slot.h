/* Slots: the count lines after Message:, Contents: and item lines.
   Classifying one and writing a new count into one, as FORMAT.md's
   "Slots" section says.  Pure functions: no I/O.  */
#ifndef CCFIX_SLOT_H
#define CCFIX_SLOT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* 18 digits always fit in a uint64_t; a 19th could overflow.  */
#define SLOT_MAX_DIGITS 18

enum slot_class { SLOT_VALID, SLOT_BLANK, SLOT_INVALID };

/* How a slot pads its digits to its width.  */
enum slot_style { STYLE_LEAD_SPACES, STYLE_TRAIL_SPACES, STYLE_ZEROS,
                  STYLE_COUNT };

/* A slot is classified as its bytes go by, so that a slot line of any
   length can be fed in pieces straight from the input buffer.  */
struct slot_scan
{
  uint64_t width;          /* bytes fed so far */
  uint64_t value;
  uint64_t lead_spaces, trail_spaces;
  unsigned digits;         /* all digits, leading zeros included */
  unsigned char phase;     /* 0 leading spaces, 1 digits, 2 trailing, 3 bad */
  unsigned char blank;     /* only spaces and NULs so far */
  unsigned char zero_lead; /* the first digit is a 0 and more follow */
};

struct slot_info
{
  enum slot_class cls;
  uint64_t width;
  uint64_t value;              /* SLOT_VALID only */
  int padded;                  /* a valid slot with padding: its style votes */
  enum slot_style style;       /* the padding seen, when padded */
};

void slot_scan_init (struct slot_scan *s);
void slot_scan_feed (struct slot_scan *s, const unsigned char *p, size_t n);
void slot_scan_end (const struct slot_scan *s, struct slot_info *out);
/* The rest of slot_classify: any slot, fed through a slot_scan.  */
void slot_classify_scan (const unsigned char *p, size_t n,
                         struct slot_info *out);

/* How many spaces the N bytes at P start with: eight at a time where
   the byte order allows, since most slots are padded with them.  */
static inline size_t
slot_spaces (const unsigned char *p, size_t n)
{
  size_t i = 0;
#if defined __GNUC__ && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  for (; n - i >= 8; i += 8)
    {
      uint64_t w;
      memcpy (&w, p + i, 8);
      w ^= UINT64_C (0x2020202020202020);
      if (w)
        return i + (size_t) __builtin_ctzll (w) / 8;
    }
#endif
  while (i < n && p[i] == ' ')
    i++;
  return i;
}

/* The shapes nearly every slot has, SP* DIGIT{1,18} SP* or spaces alone,
   read in one pass; 0 for anything else.  */
static inline int
slot_classify_common (const unsigned char *p, size_t n, struct slot_info *out)
{
  size_t lead = slot_spaces (p, n), i = lead;
  /* Past 18 digits V may wrap, but the slot is then not valid.  */
  uint64_t v = 0;
  unsigned c;
  while (i < n && (c = (unsigned) (p[i] - '0')) < 10)
    v = v * 10 + c, i++;
  size_t digits = i - lead, trail = slot_spaces (p + i, n - i);
  if (i + trail < n || digits > SLOT_MAX_DIGITS)
    return 0;
  if (digits == 0)
    {
      *out = (struct slot_info) { .cls = SLOT_BLANK, .width = n };
      return 1;
    }
  *out = (struct slot_info) { .cls = SLOT_VALID, .width = n, .value = v };
  if (lead && !trail)
    out->padded = 1, out->style = STYLE_LEAD_SPACES;
  else if (trail && !lead)
    out->padded = 1, out->style = STYLE_TRAIL_SPACES;
  else if (!lead && !trail && digits > 1 && p[lead] == '0')
    out->padded = 1, out->style = STYLE_ZEROS;
  return 1;
}

/* Classify the N bytes at P, a whole slot.  Inline, since it is asked of
   every slot of every message.  */
static inline void
slot_classify (const unsigned char *p, size_t n, struct slot_info *out)
{
  if (!slot_classify_common (p, n, out))
    slot_classify_scan (p, n, out);
}

/* The width a repaired slot of old width OLD_WIDTH gets for VALUE: the old
   width when the digits fit in it, else exactly the digits.  */
uint64_t slot_new_width (uint64_t old_width, uint64_t value);

/* Write VALUE into a slot of WIDTH bytes (at least its digits) in STYLE,
   in pieces: call with offset 0, 1, ... and a buffer of N bytes; returns
   the bytes placed.  Wide slots never need a buffer as wide as they are.  */
size_t slot_format (uint64_t value, uint64_t width, enum slot_style style,
                    uint64_t offset, unsigned char *buf, size_t n);

const char *slot_class_name (enum slot_class c);
const char *slot_style_name (enum slot_style s);

#endif
