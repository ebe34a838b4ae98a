/* Slot classes and slot formatting.  */
#include <config.h>
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"
#include "slot.h"
#include "testutil.h"

static struct slot_info
classify (const char *s)
{
  struct slot_info info;
  slot_classify ((const unsigned char *) s, strlen (s), &info);
  return info;
}

START_TEST (valid_forms)
{
  struct slot_info i = classify ("  209");
  ck_assert_int_eq (i.cls, SLOT_VALID);
  ck_assert_uint_eq (i.value, 209);
  ck_assert_uint_eq (i.width, 5);
  ck_assert (i.padded);
  ck_assert_int_eq (i.style, STYLE_LEAD_SPACES);

  i = classify ("209  ");
  ck_assert_int_eq (i.cls, SLOT_VALID);
  ck_assert_int_eq (i.style, STYLE_TRAIL_SPACES);

  i = classify ("00209");
  ck_assert_int_eq (i.cls, SLOT_VALID);
  ck_assert_uint_eq (i.value, 209);
  ck_assert_int_eq (i.style, STYLE_ZEROS);

  i = classify ("209");
  ck_assert_int_eq (i.cls, SLOT_VALID);
  ck_assert (!i.padded);

  i = classify ("0");
  ck_assert_int_eq (i.cls, SLOT_VALID);
  ck_assert_uint_eq (i.value, 0);
  ck_assert (!i.padded);

  /* Spaces on both sides: valid, but no single style to learn.  */
  i = classify (" 42 ");
  ck_assert_int_eq (i.cls, SLOT_VALID);
  ck_assert (!i.padded);
}
END_TEST

START_TEST (digit_limit)
{
  struct slot_info i = classify ("999999999999999999");
  ck_assert_int_eq (i.cls, SLOT_VALID);
  ck_assert_uint_eq (i.value, 999999999999999999u);
  ck_assert_int_eq (classify ("1000000000000000000").cls, SLOT_INVALID);
  /* Leading zeros are digits too.  */
  ck_assert_int_eq (classify ("0000000000000000001").cls, SLOT_INVALID);
  ck_assert_int_eq (classify ("  000000000000000001").cls, SLOT_VALID);
}
END_TEST

START_TEST (blank_forms)
{
  ck_assert_int_eq (classify ("").cls, SLOT_BLANK);
  ck_assert_int_eq (classify ("     ").cls, SLOT_BLANK);
  struct slot_info i;
  slot_classify ((const unsigned char *) " \0 \0", 4, &i);
  ck_assert_int_eq (i.cls, SLOT_BLANK);
  ck_assert_uint_eq (i.width, 4);
  slot_classify ((const unsigned char *) "\0\0\0", 3, &i);
  ck_assert_int_eq (i.cls, SLOT_BLANK);
}
END_TEST

START_TEST (invalid_forms)
{
  const char *bad[] = { "12a", "-12", "+12", "1 2", "abc", "\t12", "12\t",
                        "0x10", "1,024" };
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
    ck_assert_msg (classify (bad[k]).cls == SLOT_INVALID, "%s", bad[k]);
  struct slot_info i;
  slot_classify ((const unsigned char *) "12\0", 3, &i);
  ck_assert_int_eq (i.cls, SLOT_INVALID);
  ck_assert_uint_eq (i.width, 3);
}
END_TEST

START_TEST (fed_in_pieces)
{
  /* A slot split anywhere classifies as it does whole.  */
  const char *s = "   000123   ";
  struct slot_info whole = classify (s);
  for (size_t cut = 0; cut <= strlen (s); cut++)
    {
      struct slot_scan sc;
      struct slot_info part;
      slot_scan_init (&sc);
      slot_scan_feed (&sc, (const unsigned char *) s, cut);
      slot_scan_feed (&sc, (const unsigned char *) s + cut, strlen (s) - cut);
      slot_scan_end (&sc, &part);
      ck_assert_int_eq (part.cls, whole.cls);
      ck_assert_uint_eq (part.value, whole.value);
      ck_assert_uint_eq (part.width, whole.width);
    }
}
END_TEST

/* The one-pass reading of the common shape and the byte-at-a-time scan
   agree on every slot of up to five pieces that matter to either.  */
START_TEST (classify_agrees_with_scan)
{
  static const char *const pieces[] = { " ", "0", "7", "12", "x", "\t",
                                        "999999999" };
  enum { NP = sizeof pieces / sizeof *pieces };
  unsigned total = NP * NP * NP * NP * NP;
  for (unsigned code = 0; code < total; code++)
    {
      unsigned char b[64];
      size_t n = 0;
      for (unsigned c = code, k = 0; k < 5 && (k == 0 || c); k++, c /= NP)
        {
          size_t len = strlen (pieces[c % NP]);
          memcpy (b + n, pieces[c % NP], len);
          n += len;
        }
      struct slot_info fast, slow;
      struct slot_scan sc;
      slot_classify (b, n, &fast);
      slot_scan_init (&sc);
      slot_scan_feed (&sc, b, n);
      slot_scan_end (&sc, &slow);
      ck_assert_msg (fast.cls == slow.cls && fast.width == slow.width
                     && fast.value == slow.value
                     && fast.padded == slow.padded
                     && fast.style == slow.style, "'%.*s'", (int) n, b);
    }
}
END_TEST

static const char *
format (uint64_t value, uint64_t width, enum slot_style style)
{
  static unsigned char buf[64];
  size_t n = slot_format (value, width, style, 0, buf, sizeof buf - 1);
  buf[n] = 0;
  return (const char *) buf;
}

START_TEST (format_styles)
{
  ck_assert_str_eq (format (209, 6, STYLE_LEAD_SPACES), "   209");
  ck_assert_str_eq (format (209, 6, STYLE_TRAIL_SPACES), "209   ");
  ck_assert_str_eq (format (209, 6, STYLE_ZEROS), "000209");
  ck_assert_str_eq (format (0, 5, STYLE_LEAD_SPACES), "    0");
  ck_assert_str_eq (format (0, 1, STYLE_ZEROS), "0");
  /* Zeros never make more digits than a valid slot may hold.  */
  ck_assert_str_eq (format (2, 20, STYLE_ZEROS), "  000000000000000002");
  struct slot_info i;
  slot_classify ((const unsigned char *) format (2, 20, STYLE_ZEROS), 20, &i);
  ck_assert_int_eq (i.cls, SLOT_VALID);
  /* Too narrow: exactly the digits.  */
  ck_assert_str_eq (format (12345, 3, STYLE_LEAD_SPACES), "12345");
  ck_assert_str_eq (format (12345, 0, STYLE_ZEROS), "12345");
}
END_TEST

START_TEST (format_in_pieces)
{
  unsigned char buf[3], whole[40];
  size_t n = 0;
  for (uint64_t off = 0; off < 30;)
    {
      size_t k = slot_format (987654, 30, STYLE_LEAD_SPACES, off, buf, 3);
      memcpy (whole + n, buf, k);
      n += k;
      off += k;
    }
  ck_assert_uint_eq (n, 30);
  ck_assert (memcmp (whole, "                        987654", 30) == 0);
}
END_TEST

START_TEST (widths)
{
  /* Against the digits counted one division at a time, on each side of
     every power of ten and of two.  */
  uint64_t near[200];
  size_t n = 0;
  for (uint64_t p = 1;; p *= 10)
    {
      near[n++] = p - 1, near[n++] = p, near[n++] = p + 1;
      if (p > UINT64_MAX / 10)
        break;
    }
  for (int b = 1; b < 64; b++)
    near[n++] = (UINT64_C (1) << b) - 1, near[n++] = UINT64_C (1) << b;
  near[n++] = UINT64_MAX;
  for (size_t i = 0; i < n; i++)
    {
      unsigned want = 1;
      for (uint64_t v = near[i]; v >= 10; v /= 10)
        want++;
      ck_assert_uint_eq (decimal_digits (near[i]), want);
      unsigned char put[21];
      char printed[21];
      decimal_put (put, want, near[i]);
      snprintf (printed, sizeof printed, "%" PRIu64, near[i]);
      ck_assert (memcmp (put, printed, want) == 0);
    }
  ck_assert_uint_eq (slot_new_width (5, 209), 5);
  ck_assert_uint_eq (slot_new_width (2, 209), 3);
  ck_assert_uint_eq (slot_new_width (0, 7), 1);
}
END_TEST

static Suite *
slot_suite (void)
{
  Suite *s = suite_create ("slot");
  TCase *classes = tcase_create ("Classes");
  tcase_add_test (classes, valid_forms);
  tcase_add_test (classes, classify_agrees_with_scan);
  tcase_add_test (classes, blank_forms);
  tcase_add_test (classes, invalid_forms);
  tcase_add_test (classes, fed_in_pieces);
  suite_add_tcase (s, classes);
  TCase *limits = tcase_create ("Limits");
  tcase_add_test (limits, digit_limit);
  tcase_add_test (limits, widths);
  suite_add_tcase (s, limits);
  TCase *fmt = tcase_create ("Formatting");
  tcase_add_test (fmt, format_styles);
  tcase_add_test (fmt, format_in_pieces);
  suite_add_tcase (s, fmt);
  return s;
}

int
main (void)
{
  return check_main (slot_suite ());
}
