/* Output: the byte-exact sink, its slots, its counting mode, its write
   errors and its halt.  */
#include <config.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "testutil.h"

/* What OUT wrote into the temporary file FD, as a string in BUF.  */
static const char *
written (int fd, char *buf, size_t n)
{
  ssize_t k = pread (fd, buf, n - 1, 0);
  ck_assert_int_ge (k, 0);
  buf[k] = 0;
  return buf;
}

START_TEST (bytes_copies_and_slots_in_order)
{
  struct input in;
  INPUT_STR (&in, "Message:\n     \nabc");
  FILE *f = tmpfile ();
  ck_assert_ptr_nonnull (f);
  struct output out;
  ck_assert_int_eq (output_open (&out, fileno (f)), 0);
  output_copy (&out, &in, 0, 9);
  output_slot (&out, 42, 5, STYLE_LEAD_SPACES);
  output_copy (&out, &in, 14, 15);
  output_bytes (&out, (const unsigned char *) "<>", 2);
  output_copy (&out, &in, 15, 18);
  ck_assert_int_eq (output_flush (&out), 0);
  char buf[64];
  ck_assert_str_eq (written (fileno (f), buf, sizeof buf),
                    "Message:\n   42\n<>abc");
  ck_assert_uint_eq (out.bytes, 20);
  output_close (&out);
  fclose (f);
  input_done (&in);
}
END_TEST

START_TEST (slot_styles)
{
  static const struct { enum slot_style style; const char *want; } cases[] = {
    { STYLE_LEAD_SPACES, "    7" }, { STYLE_TRAIL_SPACES, "7    " },
    { STYLE_ZEROS, "00007" } };
  for (size_t k = 0; k < N_OF (cases); k++)
    {
      FILE *f = tmpfile ();
      struct output out;
      ck_assert_int_eq (output_open (&out, fileno (f)), 0);
      output_slot (&out, 7, 5, cases[k].style);
      ck_assert_int_eq (output_flush (&out), 0);
      char buf[16];
      ck_assert_str_eq (written (fileno (f), buf, sizeof buf), cases[k].want);
      output_close (&out);
      fclose (f);
    }
}
END_TEST

/* --check writes nothing but must still know the length.  */
START_TEST (counting_mode_writes_nothing)
{
  struct input in;
  INPUT_STR (&in, "0123456789");
  struct output out;
  ck_assert_int_eq (output_open (&out, -1), 0);
  output_copy (&out, &in, 2, 8);
  output_slot (&out, 12345, 8, STYLE_ZEROS);
  ck_assert_int_eq (output_flush (&out), 0);
  ck_assert_uint_eq (out.bytes, 14);
  output_close (&out);
  input_done (&in);
}
END_TEST

START_TEST (write_error_is_kept)
{
  int fd = open ("/dev/full", O_WRONLY);
  if (fd < 0)
    return;                    /* no /dev/full: nothing to learn here */
  struct output out;
  ck_assert_int_eq (output_open (&out, fd), 0);
  unsigned char block[4096] = { 0 };
  for (int k = 0; k < 100; k++)
    output_bytes (&out, block, sizeof block);
  ck_assert_int_eq (output_flush (&out), -1);
  ck_assert_int_eq (out.err, ENOSPC);
  output_close (&out);
  close (fd);
}
END_TEST

/* An input failed: what was given before still goes out, the queued
   copy included, and nothing given after, which may have been made from
   bytes never read.  */
START_TEST (halt_keeps_only_what_came_before)
{
  struct input in;
  INPUT_STR (&in, "Message:\n     \nabc");
  FILE *f = tmpfile ();
  ck_assert_ptr_nonnull (f);
  struct output out;
  ck_assert_int_eq (output_open (&out, fileno (f)), 0);
  output_bytes (&out, (const unsigned char *) "<", 1);
  output_copy (&out, &in, 0, 9);
  output_halt (&out);
  output_slot (&out, 42, 5, STYLE_LEAD_SPACES);
  output_copy (&out, &in, 9, 18);
  output_bytes (&out, (const unsigned char *) ">", 1);
  ck_assert_int_eq (output_flush (&out), 0);
  char buf[64];
  ck_assert_str_eq (written (fileno (f), buf, sizeof buf), "<Message:\n");
  output_close (&out);
  fclose (f);
  input_done (&in);
}
END_TEST

static Suite *
output_suite (void)
{
  Suite *s = suite_create ("output");
  TCase *tc = tcase_create ("Core");
  tcase_add_test (tc, bytes_copies_and_slots_in_order);
  tcase_add_test (tc, slot_styles);
  tcase_add_test (tc, counting_mode_writes_nothing);
  tcase_add_test (tc, write_error_is_kept);
  tcase_add_test (tc, halt_keeps_only_what_came_before);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return check_main (output_suite ());
}
