/* Line and keyword recognition, and the input tape under them.  */
#include <config.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lines.h"
#include "testutil.h"

static enum line_kind
kind_of (const char *s)
{
  return kw_classify ((const unsigned char *) s, strlen (s));
}

START_TEST (keywords)
{
  ck_assert_int_eq (kind_of ("Message:"), LINE_MESSAGE);
  ck_assert_int_eq (kind_of ("Message:   "), LINE_MESSAGE);
  ck_assert_int_eq (kind_of ("Contents:"), LINE_CONTENTS);
  ck_assert_int_eq (kind_of ("Contents:  "), LINE_CONTENTS);
  ck_assert_int_eq (kind_of ("Text item:"), LINE_ITEM);
  ck_assert_int_eq (kind_of ("Text item: "), LINE_ITEM);
  ck_assert_int_eq (kind_of ("File item: NOTE.TXT 6/2/98 8:39AM"), LINE_ITEM);
  ck_assert_int_eq (kind_of ("Fax item: x"), LINE_ITEM);
  ck_assert_int_eq (kind_of (""), LINE_BLANK);
}
END_TEST

START_TEST (not_keywords)
{
  const char *other[] = { "Message: hello", "Message", "message:", " Message:",
                          "Message:\t", "Contents: 12", "Contents",
                          "Subject: Message:", "item:", " item:",
                          "Text item:x", "Text  item:", "Text item", "Te xt item:",
                          "Text2 item:", "From: Grewal, Jeff at Hub", " " };
  for (size_t k = 0; k < sizeof other / sizeof *other; k++)
    ck_assert_msg (kind_of (other[k]) == LINE_OTHER, "%s", other[k]);
}
END_TEST

START_TEST (keywords_in_pieces)
{
  const char *lines[] = { "Message:   ", "Contents:", "File item: A.TXT",
                          "Text item:", "Message: x", "Textitem:" };
  for (size_t k = 0; k < sizeof lines / sizeof *lines; k++)
    {
      size_t n = strlen (lines[k]);
      for (size_t cut = 0; cut <= n; cut++)
        {
          struct kw_scan ks;
          kw_scan_init (&ks);
          if (kw_scan_feed (&ks, (const unsigned char *) lines[k], cut))
            kw_scan_feed (&ks, (const unsigned char *) lines[k] + cut,
                          n - cut);
          ck_assert_int_eq (kw_scan_end (&ks), kind_of (lines[k]));
        }
    }
}
END_TEST

/* The one-look classifier and the byte-at-a-time scan (used where a line
   spans buffers) must agree on every line: here, every line of up to four
   pieces that matter to either.  */
START_TEST (classify_agrees_with_scan)
{
  static const char *const pieces[] = { "Message:", "Contents:", " item:",
                                        "Message", "X", "ab", " ", ":",
                                        "\t", "m" };
  enum { NP = sizeof pieces / sizeof *pieces };
  for (unsigned code = 0; code < NP * NP * NP * NP * 2; code++)
    {
      unsigned char line[64];
      size_t n = 0;
      unsigned c = code / 2;
      for (int k = 0; k < 4 && (k == 0 || c); k++, c /= NP)
        {
          /* Code 0 past the first piece ends the line early.  */
          size_t len = strlen (pieces[c % NP]);
          memcpy (line + n, pieces[c % NP], len);
          n += len;
        }
      n -= code % 2 && n ? 1 : 0;
      struct kw_scan ks;
      kw_scan_init (&ks);
      kw_scan_feed (&ks, line, n);
      ck_assert_msg (kw_scan_end (&ks) == kw_classify (line, n), "'%.*s'",
                     (int) n, line);
    }
}
END_TEST

START_TEST (line_ends)
{
  struct input in;
  INPUT_STR (&in, "Message:\r\n  12\nlast");
  struct line ln;
  enum line_kind kind;
  ck_assert (line_read (&in, 0, &ln, &kind));
  ck_assert_int_eq (kind, LINE_MESSAGE);
  ck_assert_uint_eq (ln.end, 8);
  ck_assert_uint_eq (ln.next, 10);
  ck_assert (line_read (&in, ln.next, &ln, &kind));
  ck_assert_uint_eq (ln.end, 14);
  ck_assert_uint_eq (ln.next, 15);
  ck_assert (line_read (&in, ln.next, &ln, &kind));
  ck_assert_uint_eq (ln.end, ln.next);       /* no EOL */
  ck_assert_int_eq (kind, LINE_OTHER);
  ck_assert (!line_read (&in, ln.next, &ln, &kind));
  input_done (&in);
}
END_TEST

START_TEST (keyword_needs_eol)
{
  struct input in;
  INPUT_STR (&in, "Contents:");
  struct line ln;
  enum line_kind kind;
  ck_assert (line_read (&in, 0, &ln, &kind));
  ck_assert_int_eq (kind, LINE_OTHER);
  input_done (&in);
}
END_TEST

START_TEST (message_cut_at_the_end)
{
  /* The start of a Message: line at the very end: the stream was cut
     there.  Anything else without an EOL is an ordinary line.  */
  const char *cut[] = { "Me", "Message:", "Message:  ", "Message:\r" };
  const char *other[] = { "Mx", "Message: x", "Text item:", "\r" };
  struct input in;
  struct line ln;
  enum line_kind kind;
  for (size_t k = 0; k < 4; k++)
    {
      input_from_bytes (&in, cut[k], strlen (cut[k]), 0);
      ck_assert (line_read (&in, 0, &ln, &kind));
      ck_assert_msg (kind == LINE_CUT, "%s", cut[k]);
      input_done (&in);
    }
  for (size_t k = 0; k < 4; k++)
    {
      input_from_bytes (&in, other[k], strlen (other[k]), 0);
      ck_assert (line_read (&in, 0, &ln, &kind));
      ck_assert_msg (kind == LINE_OTHER, "%s", other[k]);
      input_done (&in);
    }
}
END_TEST

START_TEST (lone_cr_is_not_eol)
{
  struct input in;
  INPUT_STR (&in, "Contents:\r \n");
  struct line ln;
  enum line_kind kind;
  ck_assert (line_read (&in, 0, &ln, &kind));
  ck_assert_int_eq (kind, LINE_OTHER);
  input_done (&in);
}
END_TEST

START_TEST (blank_lines)
{
  struct input in;
  INPUT_STR (&in, "\r\n\n\r\nMessage:\n");
  ck_assert_uint_eq (skip_blank_lines (&in, 0), 5);
  ck_assert_uint_eq (count_lf (&in, 0, 14), 4);
  ck_assert_uint_eq (count_lf (&in, 2, 3), 1);
  input_done (&in);
}
END_TEST

/* Where glued_keyword finds a keyword in the first line of S, from FROM:
   its offset, or -1; KIND is what it says it is.  */
static long
glued_in (const char *s, uint64_t from, unsigned want, enum line_kind *kind)
{
  struct input in;
  struct line ln;
  input_from_bytes (&in, s, strlen (s), 0);
  ck_assert (line_get (&in, 0, &ln, NULL));
  uint64_t g = glued_keyword (&in, &ln, from, want, kind);
  input_done (&in);
  return g == UINT64_MAX ? -1 : (long) g;
}

START_TEST (glued_keywords)
{
  const unsigned both = 1u << LINE_ITEM | 1u << LINE_MESSAGE;
  enum line_kind kind;
  ck_assert_int_eq (glued_in ("Hello there.File item: G.BIN\r\n", 0, both,
                              &kind), 12);
  ck_assert_int_eq (kind, LINE_ITEM);
  /* The word starts at its capital: the data ends with "data".  */
  ck_assert_int_eq (glued_in ("dataFile item:\n", 0, both, &kind), 4);
  ck_assert_int_eq (glued_in ("xyzText item: \n", 0, both, &kind), 3);
  ck_assert_int_eq (glued_in ("\x1a" "Message:  \r\n", 0, both, &kind), 1);
  ck_assert_int_eq (kind, LINE_MESSAGE);
  ck_assert_int_eq (glued_in ("dataMessage:\n", 0, 1u << LINE_ITEM, &kind),
                    -1);
  ck_assert_int_eq (glued_in ("dataFile item:\n", 0, 1u << LINE_MESSAGE,
                              &kind), -1);
  /* The first keyword of the line, whatever follows.  */
  ck_assert_int_eq (glued_in ("aFax item: bFile item: c\n", 0, both, &kind),
                    1);
  /* Not at the line's start, not before FROM.  */
  ck_assert_int_eq (glued_in ("File item: x\n", 0, both, &kind), -1);
  ck_assert_int_eq (glued_in ("abFile item: x\n", 3, both, &kind), -1);
  const char *none[] = { "datafile item:\n", "dataFILE item:\n",
                         "dataFile item:x\n", "dataFile  item:\n",
                         "data item:\n", "dataMessage: x\n",
                         "dataMessage:", "Subject: Re: a\n", "1F item:\n" };
  for (size_t k = 0; k < sizeof none / sizeof *none; k++)
    ck_assert_msg (glued_in (none[k], 0, both, &kind) == -1, "%s", none[k]);
}
END_TEST

START_TEST (count_lf_long)
{
  /* Every alignment of the word-at-a-time count.  */
  unsigned char buf[300];
  for (size_t i = 0; i < sizeof buf; i++)
    buf[i] = (unsigned char) (i % 7 == 0 ? '\n' : i % 5 == 0 ? 0x8a : i);
  size_t want = 0;
  for (size_t i = 0; i < sizeof buf; i++)
    want += buf[i] == '\n';
  struct input in;
  input_from_bytes (&in, buf, sizeof buf, 0);
  for (size_t from = 0; from < 16; from++)
    {
      size_t w = 0;
      for (size_t i = from; i < sizeof buf; i++)
        w += buf[i] == '\n';
      ck_assert_uint_eq (count_lf (&in, from, sizeof buf), w);
    }
  ck_assert_uint_eq (count_lf (&in, 0, sizeof buf), want);
  for (size_t to = sizeof buf - 70; to <= sizeof buf; to++)
    {
      size_t w = 0;
      for (size_t i = 3; i < to; i++)
        w += buf[i] == '\n';
      ck_assert_uint_eq (count_lf (&in, 3, to), w);
    }
  input_done (&in);
}
END_TEST

/* Every length up to past two sums of the counters (62 steps of 64
   bytes each) at every alignment: over nothing but LFs, where every lane
   is as full as it gets, and over LFs at random.  */
START_TEST (count_lf_every_length)
{
  enum { N = 2 * 62 * 64 + 200 };
  static unsigned char lfs[N + 16], some[N + 16];
  memset (lfs, '\n', sizeof lfs);
  uint32_t x = 1;
  for (size_t i = 0; i < sizeof some; i++)
    {
      x = x * 1103515245u + 12345u;
      some[i] = (x >> 16) % 3 == 0 ? '\n' : (unsigned char) (x >> 24);
    }
  static size_t before[N + 1];      /* LFs in some[0, i) */
  for (size_t i = 0; i < N; i++)
    before[i + 1] = before[i] + (some[i] == '\n');
  struct input a, b;
  input_from_bytes (&a, lfs, sizeof lfs, 0);
  input_from_bytes (&b, some, sizeof some, 0);
  for (size_t from = 0; from < 16; from++)
    for (size_t len = 0; from + len <= N; len++)
      {
        ck_assert_uint_eq (count_lf (&a, from, from + len), len);
        ck_assert_uint_eq (count_lf (&b, from, from + len),
                           before[from + len] - before[from]);
      }
  input_done (&a);
  input_done (&b);
}
END_TEST

/* Nothing but LFs, past the point where byte-wide counters are emptied
   (255 steps of 64 bytes): every counter full.  */
START_TEST (count_lf_dense)
{
  enum { N = 3 * 255 * 64 + 100 };
  static unsigned char buf[N];
  memset (buf, '\n', sizeof buf);
  buf[N / 2] = 'x';
  struct input in;
  input_from_bytes (&in, buf, sizeof buf, 0);
  static const size_t from[] = { 0, 1, 17, 64 * 255, 64 * 255 + 1 };
  static const size_t to[] = { N, N - 1, N - 63, 64 * 255 * 2, 64 * 255 + 65 };
  for (size_t f = 0; f < N_OF (from); f++)
    for (size_t t = 0; t < N_OF (to); t++)
      if (from[f] <= to[t])
        ck_assert_uint_eq (count_lf (&in, from[f], to[t]),
                           to[t] - from[f]
                           - (from[f] <= N / 2 && N / 2 < to[t]));
  input_done (&in);
}
END_TEST

/* Far more than the memory bound, nothing released: the early bytes must
   come back intact, from the file itself or, from a pipe, from the spill
   file.  */
static void
read_back (int from_pipe)
{
  size_t n = (size_t) 5 << 20;
  unsigned char *buf = malloc (n);
  for (size_t i = 0; i < n; i++)
    buf[i] = (unsigned char) (i * 2654435761u >> 13);
  struct input in;
  if (from_pipe)
    input_from_pipe (&in, buf, n, (size_t) 1 << 20);
  else
    input_from_bytes (&in, buf, n, (size_t) 1 << 20);
  ck_assert_int_eq (input_byte (&in, n - 1), buf[n - 1]);
  ck_assert_int_eq (in.reread, !from_pipe);
  if (from_pipe)
    ck_assert_uint_gt (in.spilled, (size_t) 3 << 20);
  else
    ck_assert_uint_eq (in.spilled, 0);
  for (size_t off = 0; off < n; off += 4093)
    ck_assert_int_eq (input_byte (&in, off), buf[off]);
  ck_assert (input_at_end (&in, n));
  ck_assert_uint_eq (input_size (&in), n);
  ck_assert_int_eq (in.err, 0);
  input_release (&in, n);
  input_done (&in);
  free (buf);
}

START_TEST (reread_a_file)
{
  read_back (0);
}
END_TEST

/* A jump past the end of a regular file still finds the end where it
   is, and the bytes jumped over can be read.  */
START_TEST (jump_past_the_end)
{
  size_t n = (size_t) 3 << 20;
  unsigned char *buf = malloc (n);
  for (size_t i = 0; i < n; i++)
    buf[i] = (unsigned char) (i * 2654435761u >> 11);
  struct input in;
  input_from_bytes (&in, buf, n, (size_t) 1 << 20);
  ck_assert_int_eq (input_byte (&in, n + ((uint64_t) 100 << 20)), -1);
  ck_assert_uint_eq (input_size (&in), n);
  ck_assert_int_eq (input_byte (&in, n - 1), buf[n - 1]);
  ck_assert_int_eq (input_byte (&in, n / 2), buf[n / 2]);
  ck_assert (input_at_end (&in, n));
  input_done (&in);
  input_from_bytes (&in, buf, n, (size_t) 1 << 20);
  ck_assert_int_eq (input_byte (&in, n - 5), buf[n - 5]);   /* a jump */
  ck_assert_int_eq (input_byte (&in, 7), buf[7]);
  ck_assert (input_at_end (&in, n));
  ck_assert_uint_eq (input_size (&in), n);
  ck_assert_int_eq (in.err, 0);
  input_done (&in);
  free (buf);
}
END_TEST

/* A look-ahead that slides over a pipe, always holding part of the spill
   file: the file's disk use stays near what is held, not the stream.  */
START_TEST (spill_slides)
{
  size_t n = (size_t) 24 << 20, ahead = (size_t) 3 << 20;
  unsigned char *buf = malloc (n);
  for (size_t i = 0; i < n; i++)
    buf[i] = (unsigned char) (i * 2654435761u >> 9);
  struct input in;
  input_from_pipe (&in, buf, n, (size_t) 1 << 20);
  for (size_t off = 0; off + ahead < n; off += 64 * 1024)
    {
      ck_assert_int_eq (input_byte (&in, off + ahead), buf[off + ahead]);
      ck_assert_int_eq (input_byte (&in, off), buf[off]);
      input_release (&in, off);
    }
  ck_assert_uint_gt (in.spilled, (size_t) 16 << 20);
  struct stat st;
  ck_assert_int_eq (fstat (in.spill_fd, &st), 0);
  ck_assert_int_le ((long long) st.st_blocks * 512, (long long) 6 << 20);
  input_done (&in);
  free (buf);
}
END_TEST

START_TEST (spill_a_pipe)
{
  read_back (1);
}
END_TEST

static Suite *
lines_suite (void)
{
  Suite *s = suite_create ("lines");
  TCase *kw = tcase_create ("Keywords");
  tcase_add_test (kw, keywords);
  tcase_add_test (kw, not_keywords);
  tcase_add_test (kw, keywords_in_pieces);
  tcase_add_test (kw, classify_agrees_with_scan);
  suite_add_tcase (s, kw);
  TCase *lines = tcase_create ("Lines");
  tcase_add_test (lines, line_ends);
  tcase_add_test (lines, keyword_needs_eol);
  tcase_add_test (lines, message_cut_at_the_end);
  tcase_add_test (lines, lone_cr_is_not_eol);
  tcase_add_test (lines, blank_lines);
  tcase_add_test (lines, glued_keywords);
  tcase_add_test (lines, count_lf_long);
  tcase_add_test (lines, count_lf_dense);
  tcase_add_test (lines, count_lf_every_length);
  suite_add_tcase (s, lines);
  TCase *input = tcase_create ("Input");
  tcase_set_timeout (input, 60);
  tcase_add_test (input, reread_a_file);
  tcase_add_test (input, spill_a_pipe);
  tcase_add_test (input, spill_slides);
  tcase_add_test (input, jump_past_the_end);
  suite_add_tcase (s, input);
  return s;
}

int
main (void)
{
  return check_main (lines_suite ());
}
