/* MacBinary headers, the Mac OS Roman name and the AppleDouble header.  */
#include <config.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "macbin.h"
#include "testutil.h"

/* CRC-16/XMODEM one bit at a time, as the MacBinary II note gives it: a
   check on the table-driven one in macbin.c.  */
static uint16_t
crc_bitwise (const unsigned char *p, size_t n)
{
  uint16_t crc = 0;
  for (size_t i = 0; i < n; i++)
    {
      crc ^= (uint16_t) (p[i] << 8);
      for (int b = 0; b < 8; b++)
        crc = (uint16_t) (crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
    }
  return crc;
}

static void
put_be32 (unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char) (v >> 24);
  p[1] = (unsigned char) (v >> 16);
  p[2] = (unsigned char) (v >> 8);
  p[3] = (unsigned char) v;
}

static uint32_t
get_be32 (const unsigned char *p)
{
  return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16
    | (uint32_t) p[2] << 8 | p[3];
}

static void
seal (unsigned char *h)
{
  uint16_t crc = crc_bitwise (h, 124);
  h[124] = (unsigned char) (crc >> 8);
  h[125] = (unsigned char) crc;
}

/* 1998-06-02 08:39:00 as a Mac date (1904 epoch): the Unix time
   896776740 plus the 66 years and 17 leap days between the epochs.  */
#define UNIX_DATE 896776740
#define MAC_DATE (UNIX_DATE + 2082844800u)

static const char DATA[] = "Data fork: Budget 1998, four quarters.";
static const char RSRC[] = "Resource fork: ICN# and STR resources.";

/* An item: a MacBinary II header for the file "Résumé" (Mac OS Roman
   0x8E for é) of type TEXT, creator ttxt, the two forks above, each
   padded to 128 bytes.  Returns its length.  */
static size_t
build (unsigned char *item, size_t cap)
{
  memset (item, 0, cap);
  static const unsigned char name[] = "R\x8esum\x8e";
  item[1] = sizeof name - 1;
  memcpy (item + 2, name, sizeof name - 1);
  memcpy (item + 65, "TEXT", 4);
  memcpy (item + 69, "ttxt", 4);
  item[73] = 0x01;              /* Finder flags, high byte */
  item[101] = 0x20;             /* and low byte */
  item[75] = 0x00, item[76] = 0x40, item[77] = 0x00, item[78] = 0x50;
  put_be32 (item + 83, sizeof DATA - 1);
  put_be32 (item + 87, sizeof RSRC - 1);
  put_be32 (item + 91, MAC_DATE - 3600);
  put_be32 (item + 95, MAC_DATE);
  item[122] = 129;
  item[123] = 129;
  seal (item);
  memcpy (item + 128, DATA, sizeof DATA - 1);
  memcpy (item + 256, RSRC, sizeof RSRC - 1);
  return 384;
}

START_TEST (crc_matches_bitwise)
{
  ck_assert_uint_eq (macbin_crc ((const unsigned char *) "123456789", 9),
                     0x31c3);   /* the catalogued check value */
  unsigned char b[300];
  for (size_t i = 0; i < sizeof b; i++)
    b[i] = (unsigned char) (i * 37 + 11);
  for (size_t n = 0; n <= sizeof b; n += 7)
    ck_assert_uint_eq (macbin_crc (b, n), crc_bitwise (b, n));
}
END_TEST

START_TEST (parses_a_real_header)
{
  unsigned char item[512];
  size_t len = build (item, sizeof item);
  struct macbin mb;
  ck_assert_int_eq (macbin_parse (item, len, &mb), 1);
  ck_assert_uint_eq (mb.name_len, 6);
  ck_assert_mem_eq (mb.name, "R\x8esum\x8e", 7);
  ck_assert_mem_eq (mb.type, "TEXT", 4);
  ck_assert_mem_eq (mb.creator, "ttxt", 4);
  ck_assert_uint_eq (mb.finder_flags, 0x0120);
  ck_assert_int_eq (mb.version, 2);
  ck_assert_int_eq (mb.modified, UNIX_DATE);
  ck_assert_int_eq (mb.created, UNIX_DATE - 3600);
  ck_assert_uint_eq (mb.data_offset, 128);
  ck_assert_uint_eq (mb.data_len, sizeof DATA - 1);
  ck_assert_mem_eq (item + mb.data_offset, DATA, mb.data_len);
  ck_assert_uint_eq (mb.rsrc_offset, 256);
  ck_assert_uint_eq (mb.rsrc_len, sizeof RSRC - 1);
  ck_assert_mem_eq (item + mb.rsrc_offset, RSRC, mb.rsrc_len);

  /* MacBinary III: the signature, the script and extended flags.  */
  memcpy (item + 102, "mBIN", 4);
  item[106] = 1;
  item[107] = 0x40;
  item[122] = 130;
  seal (item);
  ck_assert_int_eq (macbin_parse (item, len, &mb), 1);
  ck_assert_int_eq (mb.version, 3);
  ck_assert_uint_eq (mb.script, 1);
  ck_assert_uint_eq (mb.xflags, 0x40);
}
END_TEST

START_TEST (any_flipped_bit_is_refused)
{
  unsigned char item[512];
  size_t len = build (item, sizeof item);
  struct macbin mb;
  for (size_t bit = 0; bit < 126 * 8; bit++)
    {
      item[bit / 8] ^= (unsigned char) (1 << bit % 8);
      ck_assert_msg (macbin_parse (item, len, &mb) == 0, "bit %zu", bit);
      item[bit / 8] ^= (unsigned char) (1 << bit % 8);
    }
  ck_assert_int_eq (macbin_parse (item, len, &mb), 1);
}
END_TEST

START_TEST (zero_bytes_and_name_length)
{
  unsigned char item[512];
  size_t len = build (item, sizeof item);
  struct macbin mb;
  /* Each with a correct CRC: the CRC alone does not make MacBinary.  */
  item[0] = 1;
  seal (item);
  ck_assert_int_eq (macbin_parse (item, len, &mb), 0);
  build (item, sizeof item);
  item[74] = 1;
  seal (item);
  ck_assert_int_eq (macbin_parse (item, len, &mb), 0);
  build (item, sizeof item);
  item[1] = 0;
  seal (item);
  ck_assert_int_eq (macbin_parse (item, len, &mb), 0);
  item[1] = 64;
  seal (item);
  ck_assert_int_eq (macbin_parse (item, len, &mb), 0);
  item[1] = 63;
  seal (item);
  ck_assert_int_eq (macbin_parse (item, len, &mb), 1);
}
END_TEST

START_TEST (forks_must_fit)
{
  unsigned char item[512];
  size_t len = build (item, sizeof item);
  struct macbin mb;
  /* Both forks padded: 128 + 128 + 128; one byte less does not hold
     them.  */
  ck_assert_int_eq (macbin_parse (item, len - 1, &mb), 0);
  ck_assert_int_eq (macbin_parse (item, len + 1, &mb), 1);
  /* A data fork one byte longer takes one more block.  */
  put_be32 (item + 83, 129);
  seal (item);
  ck_assert_int_eq (macbin_parse (item, len, &mb), 0);
  ck_assert_int_eq (macbin_parse (item, len + 128, &mb), 1);
  /* Lengths near 4 GiB do not wrap around.  */
  put_be32 (item + 83, 0xffffffffu);
  put_be32 (item + 87, 0xffffffffu);
  seal (item);
  ck_assert_int_eq (macbin_parse (item, len, &mb), 0);
  ck_assert_int_eq (macbin_parse (item, UINT64_C (0x200000080), &mb), 1);
  /* Shorter than a header: not MacBinary, whatever the bytes say.  */
  ck_assert_int_eq (macbin_parse (item, 127, &mb), 0);
}
END_TEST

START_TEST (secondary_header_is_skipped)
{
  unsigned char item[640];
  size_t len = build (item, sizeof item);
  /* 10 bytes of secondary header take a block of 128 before the data.  */
  memmove (item + 256, item + 128, 256);
  memset (item + 128, 'S', 128);
  item[120] = 0;
  item[121] = 10;
  seal (item);
  struct macbin mb;
  ck_assert_int_eq (macbin_parse (item, len, &mb), 0);
  ck_assert_int_eq (macbin_parse (item, len + 128, &mb), 1);
  ck_assert_uint_eq (mb.data_offset, 256);
  ck_assert_mem_eq (item + mb.data_offset, DATA, mb.data_len);
  ck_assert_uint_eq (mb.rsrc_offset, 384);
  ck_assert_mem_eq (item + mb.rsrc_offset, RSRC, mb.rsrc_len);
}
END_TEST

START_TEST (name_to_utf8)
{
  unsigned char item[512];
  build (item, sizeof item);
  struct macbin mb;
  ck_assert_int_eq (macbin_parse (item, 384, &mb), 1);
  struct charset cs;
  ck_assert_int_eq (charset_open (&cs, "UTF-8", "MACINTOSH"), 0);
  char name[MACBIN_NAME_UTF8];
  ck_assert_int_eq (macbin_name_utf8 (&cs, &mb, name), 8);
  ck_assert_str_eq (name, "R\xc3\xa9sum\xc3\xa9");

  /* The longest name, of the characters with the longest UTF-8: the
     ligature fi (0xDE, U+FB01) is three bytes.  */
  memset (mb.name, 0xde, 63);
  mb.name_len = 63;
  ck_assert_int_eq (macbin_name_utf8 (&cs, &mb, name), 189);
  ck_assert_mem_eq (name, "\xef\xac\x81", 3);
  charset_close (&cs);
}
END_TEST

START_TEST (appledouble_header)
{
  unsigned char item[512];
  build (item, sizeof item);
  struct macbin mb;
  ck_assert_int_eq (macbin_parse (item, 384, &mb), 1);
  unsigned char ad[MACBIN_APPLEDOUBLE_MAX];
  size_t n = macbin_appledouble (&mb, ad);
  ck_assert_uint_le (n, sizeof ad);
  ck_assert_uint_eq (get_be32 (ad), 0x00051607);
  ck_assert_uint_eq (get_be32 (ad + 4), 0x00020000);
  unsigned entries = (unsigned) (ad[24] << 8 | ad[25]);
  ck_assert_uint_eq (entries, 4);

  /* Walk the entry table as a reader would.  */
  int seen = 0;
  for (unsigned k = 0; k < entries; k++)
    {
      const unsigned char *e = ad + 26 + 12 * k;
      uint32_t id = get_be32 (e), off = get_be32 (e + 4),
        len = get_be32 (e + 8);
      switch (id)
        {
        case 2:                /* the resource fork: it follows */
          ck_assert_uint_eq (off, n);
          ck_assert_uint_eq (len, sizeof RSRC - 1);
          break;
        case 3:
          ck_assert_uint_eq (len, 6);
          ck_assert_mem_eq (ad + off, "R\x8esum\x8e", 6);
          break;
        case 8:                /* seconds since 2000-01-01 UTC */
          ck_assert_uint_eq (len, 16);
          ck_assert_uint_eq (get_be32 (ad + off + 4),
                             (uint32_t) (UNIX_DATE - 946684800));
          ck_assert_uint_eq (get_be32 (ad + off + 8), 0x80000000u);
          break;
        case 9:
          ck_assert_uint_eq (len, 32);
          ck_assert_mem_eq (ad + off, "TEXTttxt\x01\x20\x00\x40\x00\x50",
                            14);
          break;
        default:
          ck_abort_msg ("entry %u", (unsigned) id);
        }
      seen |= 1 << id;
    }
  ck_assert_int_eq (seen, 1 << 2 | 1 << 3 | 1 << 8 | 1 << 9);
}
END_TEST

static Suite *
macbin_suite (void)
{
  Suite *s = suite_create ("macbin");
  TCase *tc = tcase_create ("Core");
  tcase_add_test (tc, crc_matches_bitwise);
  tcase_add_test (tc, parses_a_real_header);
  tcase_add_test (tc, name_to_utf8);
  tcase_add_test (tc, appledouble_header);
  suite_add_tcase (s, tc);
  tc = tcase_create ("Refused");
  tcase_add_test (tc, any_flipped_bit_is_refused);
  tcase_add_test (tc, zero_bytes_and_name_length);
  tcase_add_test (tc, forks_must_fit);
  tcase_add_test (tc, secondary_header_is_skipped);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return check_main (macbin_suite ());
}
