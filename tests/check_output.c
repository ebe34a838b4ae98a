/* Output: the byte-exact sink, its slots, its counting mode, its write
   errors and its halt.  */
#include <config.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* The input "Message:\n     \nabc" in IN, and OUT writing into the
   temporary file returned.  */
static FILE *
open_pair (struct input *in, struct output *out)
{
  INPUT_STR (in, "Message:\n     \nabc");
  FILE *f = tmpfile ();
  ck_assert_ptr_nonnull (f);
  ck_assert_int_eq (output_open (out, fileno (f)), 0);
  return f;
}

START_TEST (bytes_copies_and_slots_in_order)
{
  struct input in;
  struct output out;
  FILE *f = open_pair (&in, &out);
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

/* What OUT wrote into the temporary file F, whole, in a malloc'd buffer
   of *N bytes.  */
static char *
slurp (FILE *f, size_t *n)
{
  struct stat st;
  ck_assert_int_eq (fstat (fileno (f), &st), 0);
  char *b = malloc ((size_t) st.st_size + 1);
  ck_assert_ptr_nonnull (b);
  ck_assert_int_eq (pread (fileno (f), b, (size_t) st.st_size, 0),
                    st.st_size);
  *n = (size_t) st.st_size;
  return b;
}

/* A copy with slots written anew gives what the copies and slots between
   them give: for a short message in memory (written over in the buffer),
   with the buffer nearly full, and for one too long for that; slots that
   keep their width and one that widens, at the start and side by
   side.  */
START_TEST (patched_as_pieces)
{
  enum { LEN = 40000 };
  static char src[LEN];
  for (size_t i = 0; i < LEN; i++)
    src[i] = i % 50 == 49 ? '\n' : (char) ('a' + i % 26);
  static const struct output_patch p[] = {
    { 0, 3, 7, 3 }, { 10, 5, 123456, 6 }, { 15, 2, 5, 2 }, { 100, 10, 42, 10 }
  };
  static const uint64_t ends[] = { 120, 200, LEN };
  for (size_t e = 0; e < N_OF (ends); e++)
    for (int full = 0; full < 2; full++)
      for (enum slot_style style = 0; style < STYLE_COUNT; style++)
        {
          struct input in;
          input_from_bytes (&in, src, LEN, 0);
          FILE *f[2] = { tmpfile (), tmpfile () };
          struct output out[2];
          for (int k = 0; k < 2; k++)
            {
              ck_assert_ptr_nonnull (f[k]);
              ck_assert_int_eq (output_open (&out[k], fileno (f[k])), 0);
              /* Room for less than the message: the buffer goes out
                 first.  */
              if (full)
                for (size_t i = 0; i < out[k].cap - 60; i++)
                  output_bytes (&out[k], (const unsigned char *) "-", 1);
            }
          output_patched (&out[0], &in, 0, ends[e], p, N_OF (p), style);
          uint64_t at = 0;
          for (size_t k = 0; k < N_OF (p); k++)
            {
              output_copy (&out[1], &in, at, p[k].off);
              output_slot (&out[1], p[k].value, p[k].new_width, style);
              at = p[k].off + p[k].width;
            }
          output_copy (&out[1], &in, at, ends[e]);
          size_t n[2];
          char *b[2];
          for (int k = 0; k < 2; k++)
            {
              ck_assert_int_eq (output_flush (&out[k]), 0);
              b[k] = slurp (f[k], &n[k]);
            }
          ck_assert_uint_eq (out[0].bytes, out[1].bytes);
          ck_assert_uint_eq (n[0], out[0].bytes);
          ck_assert_uint_eq (n[0], n[1]);
          ck_assert_msg (memcmp (b[0], b[1], n[0]) == 0, "end %zu", e);
          for (int k = 0; k < 2; k++)
            {
              free (b[k]);
              output_close (&out[k]);
              fclose (f[k]);
            }
          input_done (&in);
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
  struct output out;
  FILE *f = open_pair (&in, &out);
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
  tcase_add_test (tc, patched_as_pieces);
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
