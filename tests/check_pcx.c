/* PCX recognition and fax names.  */
#include <config.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "pcx.h"
#include "testutil.h"

START_TEST (detect)
{
  /* The start of a real PCX header: manufacturer, version 5, RLE, 1 bit
     per pixel, as a fax is.  */
  const unsigned char fax[] = { 0x0a, 5, 1, 1, 0, 0, 0, 0 };
  ck_assert (pcx_detect (fax, sizeof fax));
  for (unsigned char v = 0; v <= 5; v++)
    {
      unsigned char p[] = { 0x0a, v, 1 };
      ck_assert_msg (pcx_detect (p, 3), "version %u", v);
    }
  const unsigned char v6[] = { 0x0a, 6, 1 }, rle0[] = { 0x0a, 5, 0 },
    man[] = { 0x0b, 5, 1 }, bmp[] = { 'B', 'M', 0 };
  ck_assert (!pcx_detect (v6, 3));
  ck_assert (!pcx_detect (rle0, 3));
  ck_assert (!pcx_detect (man, 3));
  ck_assert (!pcx_detect (bmp, 3));
  /* Too short to tell: an empty fax item, or one cut short.  */
  ck_assert (!pcx_detect (fax, 2));
  ck_assert (!pcx_detect (fax, 0));
}
END_TEST

static void
name_is (const char *title, uint64_t k, int is_pcx, const char *want)
{
  char *got = pcx_fax_name (title, strlen (title), k, is_pcx);
  ck_assert_ptr_nonnull (got);
  ck_assert_str_eq (got, want);
  free (got);
}

START_TEST (names)
{
  name_is ("", 1, 1, "fax-1.pcx");
  name_is ("   ", 12, 1, "fax-12.pcx");
  name_is ("", 3, 0, "fax-3");
  name_is ("Order 4711", 1, 1, "Order 4711.pcx");
  name_is ("  Order 4711  ", 1, 1, "Order 4711.pcx");
  name_is ("scan.PCX", 1, 1, "scan.PCX");
  name_is ("Order 4711", 1, 0, "Order 4711");
  name_is ("", UINT64_MAX, 1, "fax-18446744073709551615.pcx");
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("pcx");
  TCase *tc = tcase_create ("Core");
  tcase_add_test (tc, detect);
  tcase_add_test (tc, names);
  suite_add_tcase (s, tc);
  return check_main (s);
}
