/* Best cut: weighing the ways of cutting contents into items.  */
#include <config.h>
#include <check.h>

#include "bestcut.h"
#include "testutil.h"

/* Candidates are built directly: an item line at OFF whose
   data starts 10 bytes later, with a slot of the given kind.  */
static struct cut_cand
cand (uint64_t off, enum slot_class cls, uint64_t value)
{
  struct cut_cand c = { off, off + 5, off + 10, { cls, 3, value, 0, 0 } };
  return c;
}

START_TEST (cut_stray_line_does_not_split)
{
  /* Item 0's count confirms it reaches the end; cutting at the stray
     blank-count line inside its data would contradict that.  */
  struct cut_cand c[] = { cand (0, SLOT_VALID, 190), cand (60, SLOT_BLANK, 0) };
  size_t chosen[2], n;
  ck_assert_int_eq (best_cut (c, N_OF (c), 200, chosen, &n), CUT_OK);
  ck_assert_uint_eq (n, 1);
  ck_assert_uint_eq (chosen[0], 0);
}
END_TEST

START_TEST (cut_more_items_on_equal_score)
{
  struct cut_cand c[] = { cand (0, SLOT_BLANK, 0), cand (40, SLOT_BLANK, 0) };
  size_t chosen[2], n;
  ck_assert_int_eq (best_cut (c, N_OF (c), 100, chosen, &n), CUT_OK);
  ck_assert_uint_eq (n, 2);
}
END_TEST

START_TEST (cut_confirmed_counts_win)
{
  /* 0 -> 40 -> 70 -> end confirmed at every step, against a line at 55
     with an invalid count.  */
  struct cut_cand c[] = { cand (0, SLOT_VALID, 30), cand (40, SLOT_VALID, 20),
                          cand (55, SLOT_INVALID, 0),
                          cand (70, SLOT_VALID, 20) };
  size_t chosen[4], n;
  ck_assert_int_eq (best_cut (c, N_OF (c), 100, chosen, &n), CUT_OK);
  ck_assert_uint_eq (n, 3);
  ck_assert_uint_eq (chosen[0], 0);
  ck_assert_uint_eq (chosen[1], 1);
  ck_assert_uint_eq (chosen[2], 3);
}
END_TEST

START_TEST (cut_invalid_and_contradicted_cost)
{
  /* Cutting at 50 gains nothing (blank) and cutting everything at once
     contradicts item 0's count; both cost the same, so more items win.  */
  struct cut_cand c[] = { cand (0, SLOT_VALID, 7), cand (50, SLOT_BLANK, 0) };
  size_t chosen[2], n;
  ck_assert_int_eq (best_cut (c, N_OF (c), 100, chosen, &n), CUT_OK);
  ck_assert_uint_eq (n, 2);
  /* An invalid slot alone scores -1 but is still the only cut.  */
  struct cut_cand d[] = { cand (0, SLOT_INVALID, 0) };
  ck_assert_int_eq (best_cut (d, 1, 100, chosen, &n), CUT_OK);
  ck_assert_uint_eq (n, 1);
}
END_TEST

START_TEST (cut_tie)
{
  /* Items 1 and 2 each confirm a cut with item 0: same score, same number
     of items.  */
  struct cut_cand c[] = { cand (0, SLOT_BLANK, 0), cand (30, SLOT_VALID, 60),
                          cand (50, SLOT_VALID, 40) };
  size_t chosen[3], n;
  ck_assert_int_eq (best_cut (c, N_OF (c), 100, chosen, &n), CUT_TIE);
}
END_TEST

START_TEST (cut_none)
{
  size_t chosen[1], n;
  struct cut_cand c[] = { cand (0, SLOT_BLANK, 0) };
  /* The only item's data would start after the end.  */
  ck_assert_int_eq (best_cut (c, 1, 5, chosen, &n), CUT_NONE);
  ck_assert_int_eq (best_cut (c, 0, 5, chosen, &n), CUT_NONE);
}
END_TEST

static Suite *
bestcut_suite (void)
{
  Suite *s = suite_create ("bestcut");
  TCase *cut = tcase_create ("BestCut");
  tcase_add_test (cut, cut_stray_line_does_not_split);
  tcase_add_test (cut, cut_more_items_on_equal_score);
  tcase_add_test (cut, cut_confirmed_counts_win);
  tcase_add_test (cut, cut_invalid_and_contradicted_cost);
  tcase_add_test (cut, cut_tie);
  tcase_add_test (cut, cut_none);
  suite_add_tcase (s, cut);
  return s;
}

int
main (void)
{
  return check_main (bestcut_suite ());
}
