/* Hashing ahead: the thread hands over exactly the hashes that would be
   computed when asked, and nothing else.  */
#include <config.h>
#include <check.h>
#include <string.h>

#include "digest.h"
#include "frame.h"
#include "testutil.h"

static const struct rule slot_data = { FROM_SLOT, TO_DATA };

/* Messages, one that does not frame, and stray bytes.  */
static const char stream[] =
  "Message:\n   47\nFrom: A\nContents:\n   23\nText item: \n    5\nbody\n\n"
  "Message:\n   47\nFrom: B\nContents:\n   23\nText item: \n    5\nbody\n\n"
  "stray\n"
  "Message:\n   10\nNo contents\n"
  "Message:\n   40\nFrom: C\nContents:\n   16\nText item: \n    5\nbody\n";

/* Walk STREAM as a conversion does, asking A for each piece's hash;
   each must be the hash computed afresh.  Returns the pieces.  */
static size_t
walk (struct ahead *a, struct input *in)
{
  struct frame f = { 0 };
  size_t pieces = 0;
  uint64_t off = next_message_line (in, 0);
  for (enum starts s; (s = what_starts (in, off, NULL)) != STARTS_END;)
    {
      uint64_t end;
      if (s == STARTS_STRAY)
        end = stray_end (in, off);
      else
        {
          ck_assert_int_eq (frame_message (in, off, slot_data, &f), 0);
          end = f.end;
        }
      char got[33], want[33];
      ahead_hash (a, "acct", in, off, end, got);
      digest_hex ("acct", 5, in, off, end, 16, want);
      ck_assert_str_eq (got, want);
      pieces++;
      off = end;
    }
  frame_free (&f);
  return pieces;
}

START_TEST (hands_over_every_piece)
{
  struct input in;
  input_from_bytes (&in, stream, sizeof stream - 1, 0);
  struct ahead *a = ahead_start (&in, "acct", slot_data, 0, 0);
  ck_assert_ptr_nonnull (a);
  size_t pieces = walk (a, &in);
  ck_assert_uint_eq (pieces, 5);
  ck_assert_uint_eq (ahead_used (a), pieces);
  ahead_stop (a);
  input_done (&in);
}
END_TEST

/* A piece other than the thread's is hashed when asked, and the thread's
   hash of it is not handed over.  */
START_TEST (other_pieces_are_hashed_when_asked)
{
  struct input in;
  input_from_bytes (&in, stream, sizeof stream - 1, 0);
  struct ahead *a = ahead_start (&in, "acct", slot_data, 0, 0);
  ck_assert_ptr_nonnull (a);
  char got[33], want[33];
  ahead_hash (a, "acct", &in, 0, 10, got);
  digest_hex ("acct", 5, &in, 0, 10, 16, want);
  ck_assert_str_eq (got, want);
  ck_assert_uint_eq (ahead_used (a), 0);
  /* Another account's hash is not the thread's either.  */
  ahead_hash (a, "other", &in, 80, 100, got);
  digest_hex ("other", 6, &in, 80, 100, 16, want);
  ck_assert_str_eq (got, want);
  ck_assert_uint_eq (ahead_used (a), 0);
  ahead_stop (a);
  input_done (&in);
}
END_TEST

/* Stopped before anything is asked, the thread ends (it may be waiting
   for room to hand a piece over).  */
START_TEST (stops_when_nothing_is_asked)
{
  static char big[64 * 1024];
  size_t n = 0;
  while (n + sizeof stream < sizeof big)
    {
      memcpy (big + n, stream, sizeof stream - 1);
      n += sizeof stream - 1;
    }
  struct input in;
  input_from_bytes (&in, big, n, 0);
  struct ahead *a = ahead_start (&in, "acct", slot_data, 0, 0);
  ck_assert_ptr_nonnull (a);
  ahead_stop (a);
  input_done (&in);
}
END_TEST

START_TEST (not_from_a_pipe)
{
  struct input in;
  input_from_pipe (&in, stream, sizeof stream - 1, 0);
  ck_assert_ptr_null (ahead_start (&in, "acct", slot_data, 0, 0));
  input_done (&in);
}
END_TEST

static Suite *
digest_suite (void)
{
  Suite *s = suite_create ("digest");
  TCase *t = tcase_create ("Ahead");
  tcase_add_test (t, hands_over_every_piece);
  tcase_add_test (t, other_pieces_are_hashed_when_asked);
  tcase_add_test (t, stops_when_nothing_is_asked);
  tcase_add_test (t, not_from_a_pipe);
  suite_add_tcase (s, t);
  return s;
}

int
main (void)
{
  return check_main (digest_suite ());
}
