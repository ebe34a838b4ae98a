/* Framing: which evidence frames a message, and where its parts are.  */
#include <config.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frame.h"
#include "rules.h"
#include "testutil.h"

static const struct rule slot_data = { FROM_SLOT, TO_DATA };

static struct input in;
static struct frame f;

static void
frame_str (const char *s, size_t n, struct rule rule)
{
  memset (&f, 0, sizeof f);
  input_from_bytes (&in, s, n, 0);
  ck_assert_int_eq (frame_message (&in, 0, rule, &f), 0);
}

#define FRAME(s) frame_str ((s), sizeof (s) - 1, slot_data)

static void
teardown (void)
{
  frame_free (&f);
  input_done (&in);
}

/* Item K's data, as a string, for comparisons.  */
static char *
item_data (size_t k)
{
  static char buf[256];
  uint64_t at = f.items[k].slot.next;
  size_t n = (size_t) f.items[k].data_len;
  ck_assert_uint_lt (n, sizeof buf);
  for (size_t i = 0; i < n; i++)
    buf[i] = (char) input_byte (&in, at + i);
  buf[n] = 0;
  return buf;
}

static const char healthy[] =
  "Message:\n"
  "   73\n"
  "From: A\n"
  "Contents:\n"
  "   49\n"
  "Text item: \n"
  "    5\n"
  "body\n"
  "File item: B.BIN\n"
  "    3\n"
  "xyz"
  "Message:\n";

START_TEST (counts_that_land)
{
  FRAME (healthy);
  ck_assert_int_eq (f.status, FRAMED);
  ck_assert_int_eq (f.evidence, EV_COUNTS);
  ck_assert_uint_eq (f.nitems, 2);
  ck_assert_str_eq (item_data (0), "body\n");
  ck_assert_str_eq (item_data (1), "xyz");
  ck_assert_uint_eq (f.end, sizeof healthy - 1 - 9);
  struct recount rc = { 0 };
  ck_assert_int_eq (recount_message (&f, slot_data, &rc), 0);
  ck_assert (!rc.msg.change && !rc.contents.change);
  ck_assert (!rc.items[0].change && !rc.items[1].change);
  recount_free (&rc);
}
END_TEST

START_TEST (blank_items_cut_by_contents)
{
  /* Two real items with blank counts stay two.  */
  static const char s[] =
    "Message:\n     \nContents:\n   49\n"
    "Text item: \n     \nfirst\n"
    "Text item: \n     \nsecond\n"
    "\n";
  FRAME (s);
  ck_assert_int_eq (f.status, FRAMED);
  ck_assert_int_eq (f.evidence, EV_CONTENTS);
  ck_assert_uint_eq (f.nitems, 2);
  ck_assert_str_eq (item_data (0), "first\n");
  ck_assert_str_eq (item_data (1), "second\n");
}
END_TEST

START_TEST (stray_item_line_in_binary)
{
  /* The attachment's count is blank, but the contents count says where
     the contents end; a File item: line inside the data must not split
     it, since the data after it does not match its count.  */
  static const char s[] =
    "Message:\n     \nContents:\n   51\n"
    "File item: A.BIN\n     \n"
    "\x01\x02\n"
    "File item: FAKE\n"
    "   99\n"
    "\x00\x1a\n"
    "Message:\n";
  FRAME (s);
  ck_assert_int_eq (f.status, FRAMED);
  ck_assert_int_eq (f.evidence, EV_CONTENTS);
  ck_assert_uint_eq (f.nitems, 1);
  ck_assert_uint_eq (f.items[0].data_len, 3 + 16 + 6 + 3);
}
END_TEST

START_TEST (cut_by_message_count)
{
  /* Contents count blank, item count blank: the message count (count-to
     data) tells where the contents end.  */
  static const char s[] =
    "Message:\n   44\nContents:\n     \n"
    "Text item: \n     \nline one\n\n"
    "\n\n"
    "Message:\n";
  FRAME (s);
  ck_assert_int_eq (f.status, FRAMED);
  ck_assert_int_eq (f.evidence, EV_MESSAGE);
  ck_assert_uint_eq (f.nitems, 1);
  ck_assert_str_eq (item_data (0), "line one\n\n");
}
END_TEST

START_TEST (scan_last_resort)
{
  static const char s[] =
    "Message:\n\nContents:\n\n"
    "Text item: \n\nfirst\n\n"
    "Text item: \n\nsecond\n"
    "\r\n\n"
    "Message:\n";
  FRAME (s);
  ck_assert_int_eq (f.status, FRAMED);
  ck_assert_int_eq (f.evidence, EV_SCAN);
  ck_assert_uint_eq (f.nitems, 2);
  /* Blank lines before an item line are data, before Message: not.  */
  ck_assert_str_eq (item_data (0), "first\n\n");
  ck_assert_str_eq (item_data (1), "second\n");
}
END_TEST

START_TEST (scan_keeps_final_mark_out)
{
  static const char s[] =
    "Message:\n\nContents:\n\nText item: \n\nlast\r\n\r\n\x1a";
  FRAME (s);
  ck_assert_int_eq (f.evidence, EV_SCAN);
  ck_assert_str_eq (item_data (0), "last\r\n");
  ck_assert_uint_eq (f.end, sizeof s - 2);
  ck_assert_uint_eq (stream_end (&in), sizeof s - 2);
}
END_TEST

START_TEST (landing_mid_line)
{
  /* Q184391: the next keyword may follow data at once.  */
  static const char s[] =
    "Message:\n     \nContents:\n   33\n"
    "File item: N.TXT\n   10\n0123456789Message:\n";
  FRAME (s);
  ck_assert_int_eq (f.evidence, EV_COUNTS);
  ck_assert_str_eq (item_data (0), "0123456789");
  ck_assert_uint_eq (f.end, sizeof s - 1 - 9);
}
END_TEST

START_TEST (no_items)
{
  static const char s[] = "Message:\n     \nFrom: x\nContents:\n     \n\n";
  FRAME (s);
  ck_assert_int_eq (f.status, FRAMED);
  ck_assert_uint_eq (f.nitems, 0);
  ck_assert_uint_eq (f.contents_end, sizeof s - 2);
  ck_assert_uint_eq (f.end, sizeof s - 1);
}
END_TEST

START_TEST (no_contents)
{
  static const char s[] = "Message:\n   10\nFrom: x\nMessage:\n";
  FRAME (s);
  ck_assert_int_eq (f.status, UNFRAMED);
  ck_assert_int_eq (f.reason, WHY_NO_CONTENTS);
  ck_assert_uint_eq (f.end, sizeof s - 1 - 9);
}
END_TEST

START_TEST (missing_slot)
{
  static const char s[] = "Message:\nContents:\n   0\nMessage:\n";
  FRAME (s);
  ck_assert_int_eq (f.status, UNFRAMED);
  ck_assert_int_eq (f.reason, WHY_MISSING_SLOT);
}
END_TEST

START_TEST (cut_short)
{
  static const char s[] =
    "Message:\n     \nContents:\n     \nFile item: A\n  500\nonly a few";
  FRAME (s);
  ck_assert_int_eq (f.status, CUT_SHORT);
  ck_assert_int_eq (f.reason, WHY_PAST_END);
  ck_assert_uint_eq (f.why_item, 1);
  ck_assert_uint_eq (f.end, sizeof s - 1);
}
END_TEST

START_TEST (cut_short_in_headers)
{
  static const char s[] = "Message:\n   99\nFrom: x\n";
  FRAME (s);
  ck_assert_int_eq (f.status, CUT_SHORT);
}
END_TEST

START_TEST (tie_not_trusted)
{
  /* Two cuts score the same: item 2 or item 3 could be the second item
     (each count confirms its cut, and no cut has more items).  */
  static const char s[] =
    "Message:\n     \nContents:\n   58\n"
    "Text item: \n     \na\n"
    "Text item: \n   20\n"
    "Text item: \n    2\nb\n"
    "\n";
  FRAME (s);
  ck_assert_int_eq (f.status, UNFRAMED);
  ck_assert_int_eq (f.reason, WHY_TIE);
}
END_TEST

START_TEST (next_counts_separators)
{
  static const char s[] =
    "Message:\n   38\nContents:\n   22\n"
    "Text item: \n    2\nx\n"
    "\n\n"
    "Message:\n";
  struct rule next = { FROM_SLOT, TO_NEXT };
  frame_str (s, sizeof s - 1, next);
  ck_assert_int_eq (f.evidence, EV_COUNTS);
  struct recount rc = { 0 };
  ck_assert_int_eq (recount_message (&f, next, &rc), 0);
  ck_assert_uint_eq (rc.msg.value, 38);
  ck_assert (!rc.msg.change);
  ck_assert_int_eq (recount_message (&f, slot_data, &rc), 0);
  ck_assert_uint_eq (rc.msg.value, 36);
  ck_assert (rc.msg.change);
  recount_free (&rc);
}
END_TEST

START_TEST (widening_counted_outward)
{
  /* An empty item slot gets exactly its digits: the contents and message
     counts grow by those bytes.  */
  static const char s[] =
    "Message:\n     \nContents:\n     \n"
    "Text item: \n\n0123456789AB\n";
  FRAME (s);
  ck_assert_int_eq (f.evidence, EV_SCAN);
  struct recount rc = { 0 };
  ck_assert_int_eq (recount_message (&f, slot_data, &rc), 0);
  ck_assert_uint_eq (rc.items[0].value, 13);
  ck_assert_uint_eq (rc.items[0].width, 2);
  ck_assert_uint_eq (rc.contents.value, 12 + 3 + 13);
  ck_assert_uint_eq (rc.msg.value, 10 + 6 + 28);
  recount_free (&rc);
}
END_TEST

/* The quick path (frame_quick) must frame every message exactly as the
   thorough one does: both are run on every message of a stream, each on
   an input of its own.  */
static void
slots_agree (const struct fslot *a, const struct fslot *b)
{
  ck_assert_uint_eq (a->off, b->off);
  ck_assert_uint_eq (a->next, b->next);
  ck_assert_int_eq (a->info.cls, b->info.cls);
  ck_assert_uint_eq (a->info.width, b->info.width);
  ck_assert_uint_eq (a->info.value, b->info.value);
  ck_assert_int_eq (a->info.padded, b->info.padded);
  ck_assert_int_eq (a->info.style, b->info.style);
}

static void
frames_agree (const struct frame *a, const struct frame *b)
{
  ck_assert_int_eq (a->status, b->status);
  ck_assert_int_eq (a->reason, b->reason);
  ck_assert_uint_eq (a->end, b->end);
  ck_assert_uint_eq (a->looked, b->looked);
  if (a->status != FRAMED)
    return;
  ck_assert_int_eq (a->evidence, b->evidence);
  ck_assert_uint_eq (a->from_off, b->from_off);
  ck_assert_uint_eq (a->from_end, b->from_end);
  ck_assert_uint_eq (a->subject_off, b->subject_off);
  ck_assert_uint_eq (a->subject_end, b->subject_end);
  slots_agree (&a->mslot, &b->mslot);
  ck_assert_uint_eq (a->contents_off, b->contents_off);
  slots_agree (&a->cslot, &b->cslot);
  ck_assert_uint_eq (a->contents_end, b->contents_end);
  ck_assert_uint_eq (a->nitems, b->nitems);
  for (size_t i = 0; i < a->nitems; i++)
    {
      ck_assert_uint_eq (a->items[i].off, b->items[i].off);
      slots_agree (&a->items[i].slot, &b->items[i].slot);
      ck_assert_uint_eq (a->items[i].data_len, b->items[i].data_len);
    }
}

/* Frame every message of QIN and TIN (the same bytes) both ways with
   RULE.  */
static size_t
quick_agrees_by (struct input *qin, struct input *tin, struct rule rule,
                 size_t *quick)
{
  struct frame q = { .headers = 1 }, t = { .headers = 1, .thorough = 1 };
  size_t messages = 0;
  uint64_t off = next_message_line (tin, 0);
  for (enum starts s; (s = what_starts (tin, off, NULL)) != STARTS_END;)
    {
      if (s == STARTS_STRAY)
        {
          off = stray_end (tin, off);
          continue;
        }
      /* The line table is left as it was by the quick path alone.  */
      free (qin->lines);
      qin->lines = NULL;
      ck_assert_int_eq (frame_message (qin, off, rule, &q), 0);
      ck_assert_int_eq (frame_message (tin, off, rule, &t), 0);
      frames_agree (&q, &t);
      /* A Message: line the quick path says it saw at the end is one
         the thorough walk finds there.  */
      if (q.message_at_end)
        ck_assert_int_eq (what_starts (tin, q.end, NULL), STARTS_MESSAGE);
      *quick += q.status == FRAMED && qin->lines == NULL;
      messages++;
      off = t.end;
    }
  frame_free (&q);
  frame_free (&t);
  return messages;
}

/* Frame every message of the N bytes at P both ways, under each rule
   (or, with TWO, under slot/data and keyword/next, which try both ways
   of counting from that the quick path knows); how many of them the
   quick path framed, in *QUICK.  */
static size_t
quick_agrees (const void *p, size_t n, int two, size_t *quick)
{
  struct input qin, tin;
  input_from_bytes (&tin, p, n, 0);
  /* A regular file is read with pread alone: both can share it.  */
  ck_assert_int_eq (input_open (&qin, dup (tin.fd), "quick", 0), 0);
  size_t messages = 0;
  for (unsigned i = 0; i < 4; i += two ? 3 : 1)
    messages += quick_agrees_by (&qin, &tin, rule_from_index (i), quick);
  input_done (&qin);
  input_done (&tin);
  return messages;
}

/* Messages whose framing takes every path: each byte of them replaced in
   turn by bytes that make or break lines, keywords, counts and marks.  */
static const char *const variants[] = {
  healthy,
  "Message:\r\n   80\r\nFrom: A\r\nSubject: S\r\nContents:\r\n   40\r\n"
  "Text item: \r\n    6\r\nbody\r\n\r\nMessage:\r\n  \r\nContents:\r\n"
  "  \r\nText item: \r\n   \r\nline\r\n\r\nMessage:\r\n",
  "Message:\n     \nFrom: B\nContents:\n     \n\nText item:\n   \nab\n"
  "File item: X\n   \nxy\n\nMessage:\n   \nContents:\n   \nMessage:\n",
  "Message:\n   10\nContents:\n    3\nFax item: \n    1\nz\n\n\x1a",
  /* One item whose count is not valid, cut by the contents count; an
     invalid message count; an invalid contents count.  */
  "Message:\n  x1\nFrom: A\nContents:\n   24\nText item: \n   \nabc\ndef\n"
  "\nMessage:\n   \nContents:\n  y\nText item: \n  \nq\n\nMessage:\n",
  /* A keyword line for a slot; an item glued into an invalid slot.  */
  "Message:\n   \nContents:\nText item: \nText item: \n  \nab\n\nMessage:\n"
  "   32\nContents:\n   32\nText item: \n  xText item:\n  \nab\n\n"
  "Message:\n",
  /* Scanned data: colons that make no keyword, blank runs of LF and
     CRLF, a CR alone on a line.  */
  "Message:\r\n  \r\nContents:\r\n  \r\nText item: \r\n  \r\nTo: x\r\n"
  "\r\n\r\r\n\r\nFile item: a\r\n \r\nab:c\r\n\n\r\n\nMessage:\r\n",
  /* One item whose valid count ends inside a line, cut by the contents
     count; a valid count that lands on an item line glued after it.  */
  "Message:\r\n   71\r\nFrom: A\r\nContents:\r\n   34\r\nText item: \r\n"
  "    4\r\nhello\r\nworld\r\n\r\nMessage:\r\n   \r\nContents:\r\n   54\r\n"
  "Text item: \r\n    9\r\nhello\r\nwoFile item: \r\n    5\r\nabc\r\n\r\n"
  "Message:\r\n",
  /* One item whose valid count is one short of its LF, where blank lines
     and a Message: line follow; one whose count runs past the contents
     count's end to an item line glued into the next message.  */
  "Message:\n   \nContents:\n   30\nText item: \n   11\nhello\nworld\n\n"
  "Message:\n   \nContents:\n   30\nText item: \n   27\nhello\nworld\n\n"
  "Message:\n   \nXFile item: \n    0\nMessage:\n   \nContents:\n    0\n",
  /* Glued keywords: in a slot, in the headers, in scanned data.  */
  "Message:\n  xMessage:\n   \nContents:\n   \nMessage:\n   \n"
  "From: AMessage: \n   \nContents:\n  \nText item:\n \nabcText item:\n"
  "  \nxyzMessage:\n  \nContents:\n \nMessage:\n",
};

START_TEST (quick_path_agrees)
{
  static const char subst[] = "\n\r :Mm e0\x1a";
  size_t quick = 0;
  for (size_t v = 0; v < sizeof variants / sizeof *variants; v++)
    {
      size_t n = strlen (variants[v]);
      char *buf = malloc (n);
      ck_assert_ptr_nonnull (buf);
      quick_agrees (variants[v], n, 0, &quick);
      for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sizeof subst - 1; k++)
          {
            memcpy (buf, variants[v], n);
            buf[i] = subst[k];
            quick_agrees (buf, n, 1, &quick);
          }
      free (buf);
    }
  /* The quick path was taken, not bypassed.  */
  ck_assert_uint_gt (quick, 1000);
}
END_TEST

/* The same on the golden streams and the fuzz corpus.  */
START_TEST (quick_path_agrees_on_files)
{
  const char *srcdir = getenv ("srcdir");
  char cmd[4096];
  snprintf (cmd, sizeof cmd, "ls %s/tests/pairs/*.in %s/tests/fuzz/corpus/* "
            "%s/data/*.txt", srcdir ? srcdir : ".", srcdir ? srcdir : ".",
            srcdir ? srcdir : ".");
  FILE *ls = popen (cmd, "r");
  ck_assert_ptr_nonnull (ls);
  char path[4096];
  size_t files = 0, framed = 0, quick = 0;
  while (fgets (path, sizeof path, ls))
    {
      path[strcspn (path, "\n")] = 0;
      FILE *fp = fopen (path, "rb");
      ck_assert_msg (fp != NULL, "%s", path);
      static char data[1 << 20];
      size_t n = fread (data, 1, sizeof data, fp);
      fclose (fp);
      framed += quick_agrees (data, n, 0, &quick);
      files++;
    }
  pclose (ls);
  ck_assert_uint_gt (files, 50);
  ck_assert_uint_gt (quick, 30);
  ck_assert_uint_gt (framed, quick);
}
END_TEST

static Suite *
frame_suite (void)
{
  Suite *s = suite_create ("frame");
  TCase *ev = tcase_create ("Evidence");
  tcase_add_checked_fixture (ev, NULL, teardown);
  tcase_add_test (ev, counts_that_land);
  tcase_add_test (ev, blank_items_cut_by_contents);
  tcase_add_test (ev, stray_item_line_in_binary);
  tcase_add_test (ev, cut_by_message_count);
  tcase_add_test (ev, scan_last_resort);
  tcase_add_test (ev, scan_keeps_final_mark_out);
  tcase_add_test (ev, landing_mid_line);
  tcase_add_test (ev, no_items);
  suite_add_tcase (s, ev);
  TCase *bad = tcase_create ("Unframeable");
  tcase_add_checked_fixture (bad, NULL, teardown);
  tcase_add_test (bad, no_contents);
  tcase_add_test (bad, missing_slot);
  tcase_add_test (bad, cut_short);
  tcase_add_test (bad, cut_short_in_headers);
  tcase_add_test (bad, tie_not_trusted);
  suite_add_tcase (s, bad);
  TCase *counts = tcase_create ("Counting");
  tcase_add_checked_fixture (counts, NULL, teardown);
  tcase_add_test (counts, next_counts_separators);
  tcase_add_test (counts, widening_counted_outward);
  suite_add_tcase (s, counts);
  TCase *quick = tcase_create ("Quick path");
  tcase_add_test (quick, quick_path_agrees);
  tcase_add_test (quick, quick_path_agrees_on_files);
  tcase_set_timeout (quick, 120);
  suite_add_tcase (s, quick);
  return s;
}

int
main (void)
{
  return check_main (frame_suite ());
}
