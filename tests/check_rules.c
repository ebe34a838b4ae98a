/* The rules: counting rules, learning them and the style, the best cut.  */
#include <config.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "testutil.h"

/* A frame built by hand:
     0  "Message:\n"        9 bytes
     9  slot (width W) "\n"
        "From: x\n"         8 bytes
        "Contents:\n"      10 bytes
        slot (width 3) "\n"
        one item "Text item: \n" (12), slot width 3 "\n", data 7
   with the slots' classes and values given.  */
static struct frame fr;
static struct fitem item;

static void
build (uint64_t mwidth, struct slot_info m, struct slot_info c,
       struct slot_info i)
{
  memset (&fr, 0, sizeof fr);
  m.width = mwidth;
  fr.off = 0;
  fr.mslot.off = 9;
  fr.mslot.info = m;
  fr.mslot.next = 9 + mwidth + 1;
  fr.contents_off = fr.mslot.next + 8;
  fr.cslot.off = fr.contents_off + 10;
  fr.cslot.info = c;
  fr.cslot.next = fr.cslot.off + 4;
  item.off = fr.cslot.next;
  item.slot.off = item.off + 12;
  item.slot.info = i;
  item.slot.next = item.slot.off + 4;
  item.data_len = 7;
  fr.items = &item;
  fr.nitems = 1;
  fr.contents_end = item.slot.next + 7;
  fr.end = fr.contents_end + 2;          /* one blank CRLF line */
  fr.status = FRAMED;
  fr.evidence = EV_COUNTS;
}

static struct slot_info
valid (uint64_t v)
{
  struct slot_info s = { SLOT_VALID, 3, v, 1, STYLE_LEAD_SPACES };
  return s;
}

static struct slot_info
blank (void)
{
  struct slot_info s = { SLOT_BLANK, 3, 0, 0, 0 };
  return s;
}

START_TEST (each_rule_counts)
{
  build (3, blank (), blank (), valid (7));
  struct recount rc = { 0 };
  struct rule r[4] = { { FROM_SLOT, TO_DATA }, { FROM_SLOT, TO_NEXT },
                       { FROM_KEYWORD, TO_DATA }, { FROM_KEYWORD, TO_NEXT } };
  /* contents: item line 12 + slot line 4 + data 7 = 23; keyword adds
     "Contents:\n" and its slot line: 23 + 14 = 37.  message: headers 8 +
     contents line 10 + slot 4 + 23 = 45; next adds 2; keyword adds
     "Message:\n" and the slot line (4).  */
  const uint64_t contents[4] = { 23, 23, 37, 37 };
  const uint64_t message[4] = { 45, 47, 58, 60 };
  for (int k = 0; k < 4; k++)
    {
      ck_assert_int_eq (recount_message (&fr, r[k], &rc), 0);
      ck_assert_uint_eq (rc.contents.value, contents[k]);
      ck_assert_uint_eq (rc.msg.value, message[k]);
      ck_assert_uint_eq (rc.msg.width, 3);
      ck_assert (rc.msg.change && rc.contents.change && !rc.items[0].change);
    }
  recount_free (&rc);
}
END_TEST

START_TEST (keyword_counts_itself_when_widened)
{
  /* An empty message slot under count-from keyword: the count includes
     its own digits.  45 + "Message:\n" 9 + digits + "\n" = 55 + digits;
     two digits: 57.  */
  build (0, blank (), valid (23), valid (7));
  struct recount rc = { 0 };
  struct rule kw = { FROM_KEYWORD, TO_DATA };
  fr.cslot.info = valid (37);
  ck_assert_int_eq (recount_message (&fr, kw, &rc), 0);
  ck_assert (!rc.contents.change);
  ck_assert_uint_eq (rc.msg.value, 57);
  ck_assert_uint_eq (rc.msg.width, 2);
  /* A slot too narrow for its count: 109 bytes without the slot line,
     109 + d + 1 has d digits only for d = 3.  */
  build (1, blank (), valid (23), valid (7));
  fr.cslot.info = valid (37);
  fr.mslot.info.cls = SLOT_VALID;   /* valid but too narrow for the count */
  fr.mslot.info.value = 5;
  fr.contents_end += 55;            /* 55 more bytes of data */
  item.data_len += 55;
  item.slot.info = valid (62);
  fr.cslot.info = valid (92);
  ck_assert_int_eq (recount_message (&fr, kw, &rc), 0);
  ck_assert (!rc.contents.change);
  ck_assert_uint_eq (rc.msg.value, 113);
  ck_assert_uint_eq (rc.msg.width, 3);
  recount_free (&rc);
}
END_TEST

START_TEST (right_slot_untouched)
{
  build (3, valid (45), valid (23), valid (7));
  fr.mslot.info.style = STYLE_ZEROS;
  struct recount rc = { 0 };
  struct rule sd = { FROM_SLOT, TO_DATA };
  ck_assert_int_eq (recount_message (&fr, sd, &rc), 0);
  ck_assert (!rc.msg.change && !rc.contents.change && !rc.items[0].change);
  recount_free (&rc);
}
END_TEST

START_TEST (learn_each_rule)
{
  struct rule r[4] = { { FROM_SLOT, TO_DATA }, { FROM_SLOT, TO_NEXT },
                       { FROM_KEYWORD, TO_DATA }, { FROM_KEYWORD, TO_NEXT } };
  const uint64_t contents[4] = { 23, 23, 37, 37 };
  const uint64_t message[4] = { 45, 47, 58, 60 };
  for (int k = 0; k < 4; k++)
    {
      struct learner l = { 0 };
      build (3, valid (message[k]), valid (contents[k]), valid (7));
      ck_assert_int_eq (learn_message (&l, &fr), 1);
      struct rule got = learned_rule (&l, RULE_AUTO, RULE_AUTO);
      ck_assert_str_eq (rule_name (got), rule_name (r[k]));
      ck_assert_uint_eq (l.evidence, 1);
    }
}
END_TEST

START_TEST (learn_majority_and_ties)
{
  struct learner l = { 0 };
  ck_assert_str_eq (rule_name (learned_rule (&l, RULE_AUTO, RULE_AUTO)),
                    "slot/data");
  l.votes[rule_index ((struct rule) { FROM_KEYWORD, TO_NEXT })] = 2;
  l.votes[rule_index ((struct rule) { FROM_SLOT, TO_DATA })] = 1;
  ck_assert_str_eq (rule_name (learned_rule (&l, RULE_AUTO, RULE_AUTO)),
                    "keyword/next");
  /* Ties: slot before keyword, data before next.  */
  l.votes[rule_index ((struct rule) { FROM_SLOT, TO_DATA })] = 2;
  ck_assert_str_eq (rule_name (learned_rule (&l, RULE_AUTO, RULE_AUTO)),
                    "slot/data");
  memset (&l, 0, sizeof l);
  l.votes[rule_index ((struct rule) { FROM_KEYWORD, TO_DATA })] = 3;
  l.votes[rule_index ((struct rule) { FROM_KEYWORD, TO_NEXT })] = 3;
  ck_assert_str_eq (rule_name (learned_rule (&l, RULE_AUTO, RULE_AUTO)),
                    "keyword/data");
  /* A forced part narrows the choice.  */
  ck_assert_str_eq (rule_name (learned_rule (&l, FROM_SLOT, RULE_AUTO)),
                    "slot/data");
  ck_assert_str_eq (rule_name (learned_rule (&l, RULE_AUTO, TO_NEXT)),
                    "keyword/next");
}
END_TEST

START_TEST (learn_from_contents_alone)
{
  /* The message count is blank, the contents count is keyword-style: that
     is evidence for count-from keyword.  */
  struct learner l = { 0 };
  build (3, blank (), valid (37), valid (7));
  ck_assert_int_eq (learn_message (&l, &fr), 1);
  ck_assert_int_eq (learned_rule (&l, RULE_AUTO, RULE_AUTO).from,
                    FROM_KEYWORD);
  ck_assert_uint_eq (l.evidence, 0);
  ck_assert_uint_eq (l.partial_evidence, 1);
}
END_TEST

START_TEST (clean_messages_outvote_partial_ones)
{
  /* One clean slot/next message against two whose message count alone
     speaks for slot/data: FORMAT.md counts the clean ones; partial votes
     only break a tie among them.  */
  struct learner l = { 0 };
  build (3, valid (47), valid (23), valid (7));
  ck_assert_int_eq (learn_message (&l, &fr), 1);
  for (int k = 0; k < 2; k++)
    {
      build (3, valid (45), blank (), valid (7));
      ck_assert_int_eq (learn_message (&l, &fr), 1);
    }
  ck_assert_str_eq (rule_name (learned_rule (&l, RULE_AUTO, RULE_AUTO)),
                    "slot/next");
  memset (&l.votes, 0, sizeof l.votes);
  ck_assert_str_eq (rule_name (learned_rule (&l, RULE_AUTO, RULE_AUTO)),
                    "slot/data");
}
END_TEST

START_TEST (no_vote_over_a_slot_that_widens)
{
  /* A one-byte blank contents slot becomes "23" when repaired: the
     message count measured the narrow one, so whatever rule a recount
     with the wider slot finds it right under, it tells nothing.  */
  struct learner l = { 0 };
  struct slot_info narrow = blank ();
  narrow.width = 1;
  build (3, valid (45), narrow, valid (7));
  struct recount rc = { 0 };
  ck_assert_int_eq (recount_message (&fr, (struct rule) { FROM_SLOT,
                                                          TO_DATA }, &rc), 0);
  ck_assert_uint_eq (rc.contents.width, 2);
  recount_free (&rc);
  fr.mslot.info.value = 46;     /* right for the widened slot */
  ck_assert_int_eq (learn_message (&l, &fr), 0);
  ck_assert_uint_eq (l.partial_evidence, 0);
}
END_TEST

START_TEST (unlanded_items_are_no_evidence)
{
  struct learner l = { 0 };
  build (3, valid (60), valid (37), blank ());
  fr.evidence = EV_SCAN;
  ck_assert_int_eq (learn_message (&l, &fr), 0);
  ck_assert_uint_eq (l.evidence, 0);
}
END_TEST

START_TEST (style_majority)
{
  struct learner l = { 0 };
  ck_assert_int_eq (learned_style (&l), STYLE_LEAD_SPACES);
  struct slot_info z = valid (45);
  z.style = STYLE_ZEROS;
  struct slot_info t = valid (23);
  t.style = STYLE_TRAIL_SPACES;
  build (3, z, t, z);
  learn_style (&l, &fr);
  ck_assert_int_eq (learned_style (&l), STYLE_ZEROS);
  l.style[STYLE_TRAIL_SPACES] = l.style[STYLE_ZEROS];
  ck_assert_int_eq (learned_style (&l), STYLE_TRAIL_SPACES);
  l.style[STYLE_LEAD_SPACES] = l.style[STYLE_ZEROS];
  ck_assert_int_eq (learned_style (&l), STYLE_LEAD_SPACES);
}
END_TEST

static Suite *
rules_suite (void)
{
  Suite *s = suite_create ("rules");
  TCase *count = tcase_create ("Counting");
  tcase_add_test (count, each_rule_counts);
  tcase_add_test (count, keyword_counts_itself_when_widened);
  tcase_add_test (count, right_slot_untouched);
  suite_add_tcase (s, count);
  TCase *learn = tcase_create ("Learning");
  tcase_add_test (learn, learn_each_rule);
  tcase_add_test (learn, learn_majority_and_ties);
  tcase_add_test (learn, learn_from_contents_alone);
  tcase_add_test (learn, clean_messages_outvote_partial_ones);
  tcase_add_test (learn, no_vote_over_a_slot_that_widens);
  tcase_add_test (learn, unlanded_items_are_no_evidence);
  tcase_add_test (learn, style_majority);
  suite_add_tcase (s, learn);
  return s;
}

int
main (void)
{
  return check_main (rules_suite ());
}
