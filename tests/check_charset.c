/* Code pages: conversions that work, that are refused, and the two kinds
   of bad character.  */
#include <config.h>
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "testutil.h"

static struct charset
opened (const char *to, const char *from)
{
  struct charset cs;
  ck_assert_int_eq (charset_open (&cs, to, from), 0);
  return cs;
}

START_TEST (converts_and_measures)
{
  struct charset cs = opened ("UTF-8", "CP850");
  struct input in;
  INPUT_STR (&in, "caf\x82 ok");        /* e-acute in CP850 */
  char buf[32];
  struct text_buf t = { buf, sizeof buf, 0 };
  uint64_t len, bad;
  ck_assert_int_eq (charset_convert (&cs, &in, 0, 7, charset_to_buf, &t,
                                     &len, &bad), 0);
  ck_assert_uint_eq (len, 8);
  ck_assert_int_eq (memcmp (buf, "caf\xc3\xa9 ok", 8), 0);
  input_done (&in);
  charset_close (&cs);
}
END_TEST

/* Counts and keywords could be neither read nor written in these.  */
START_TEST (not_ascii_compatible_refused)
{
  const char *bad[] = { "UTF-16", "UTF-16LE", "UTF-32BE", "IBM037" };
  for (size_t k = 0; k < N_OF (bad); k++)
    {
      struct charset cs;
      ck_assert_int_eq (charset_open (&cs, bad[k], "UTF-8"), -1);
      ck_assert_int_eq (errno, 0);
      ck_assert_int_eq (charset_open (&cs, "UTF-8", bad[k]), -1);
      ck_assert_int_eq (errno, 0);
    }
  struct charset cs;
  ck_assert_int_eq (charset_open (&cs, "UTF-8", "NO-SUCH-CODE-PAGE"), -1);
  ck_assert_int_ne (errno, 0);
}
END_TEST

START_TEST (invalid_source_or_missing_target)
{
  struct input in;
  INPUT_STR (&in, "ab\xff" "cd");
  uint64_t len, bad;
  struct charset cs = opened ("CP850", "UTF-8");
  ck_assert_int_eq (charset_convert (&cs, &in, 0, 5, NULL, NULL, &len, &bad),
                    -1);
  ck_assert_uint_eq (bad, 2);
  input_done (&in);
  INPUT_STR (&in, "5 \xe2\x82\xac");    /* the euro sign: not in CP850 */
  ck_assert_int_eq (charset_convert (&cs, &in, 0, 5, NULL, NULL, &len, &bad),
                    -2);
  ck_assert_uint_eq (bad, 2);
  ck_assert_uint_eq (cs.unmapped, 0x20AC);
  input_done (&in);
  charset_close (&cs);
}
END_TEST

/* A character cut by the end of the range is not a character.  */
START_TEST (cut_character)
{
  struct charset cs = opened ("UTF-8", "CP932");
  struct input in;
  INPUT_STR (&in, "x\x93\xfa");         /* one double-byte character */
  uint64_t len, bad;
  ck_assert_int_eq (charset_convert (&cs, &in, 0, 3, NULL, NULL, &len, &bad),
                    0);
  ck_assert_uint_eq (len, 4);
  ck_assert_int_eq (charset_convert (&cs, &in, 0, 2, NULL, NULL, &len, &bad),
                    -1);
  ck_assert_uint_eq (bad, 1);
  input_done (&in);
  charset_close (&cs);
}
END_TEST

static Suite *
charset_suite (void)
{
  Suite *s = suite_create ("charset");
  TCase *tc = tcase_create ("Core");
  tcase_add_test (tc, converts_and_measures);
  tcase_add_test (tc, not_ascii_compatible_refused);
  tcase_add_test (tc, invalid_source_or_missing_target);
  tcase_add_test (tc, cut_character);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return check_main (charset_suite ());
}
