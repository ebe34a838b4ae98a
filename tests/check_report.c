/* The --report writer: one JSON object per message, what each holds, and
   the account a file name gives.  */
#include <config.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "testutil.h"

/* The report of repairing S (N bytes), in BUF.  */
static const char *
report_of (const char *s, size_t n, char *buf, size_t size)
{
  FILE *in = tmpfile (), *rep = tmpfile ();
  ck_assert_ptr_nonnull (in);
  ck_assert_ptr_nonnull (rep);
  ck_assert_uint_eq (fwrite (s, 1, n, in), n);
  fflush (in);
  rewind (in);
  struct output out, rout;
  ck_assert_int_eq (output_open (&out, -1), 0);
  ck_assert_int_eq (output_open (&rout, fileno (rep)), 0);
  struct report j = { &rout, "One, User", NULL };
  struct settings st;
  settings_default (&st);
  st.quiet = 1;
  st.on_message = report_row;
  st.on_message_ctx = &j;
  struct stats stats;
  repair_stream (fileno (in), "a.txt", &out, &st, &stats);
  ck_assert_int_eq (output_flush (&rout), 0);
  ssize_t k = pread (fileno (rep), buf, size - 1, 0);
  ck_assert_int_ge (k, 0);
  buf[k] = 0;
  output_close (&out);
  output_close (&rout);
  fclose (in);
  fclose (rep);
  return buf;
}

#define HAS(hay, needle) ck_assert_msg (strstr ((hay), (needle)), \
                                        "no %s in %s", (needle), (hay))

START_TEST (repaired_and_ok_rows)
{
  static const char s[] =
    "Message:\n     \nFrom: A \"B\" at PO\nSubject: x\x01y\nContents:\n"
    "   15\nText item:\n    3\nhi\n"
    "Message:\n   50\nSubject: fine\nContents:\n   20\nText item:\n"
    "    3\nok\n";
  char buf[4096];
  const char *r = report_of (s, sizeof s - 1, buf, sizeof buf);
  const char *second = strchr (r, '\n');
  ck_assert_ptr_nonnull (second);
  ck_assert_ptr_nonnull (strchr (second + 1, '\n'));
  HAS (r, "{\"input\":\"a.txt\",\"account\":\"One, User\",\"message\":1");
  HAS (r, "\"status\":\"repaired\"");
  HAS (r, "{\"level\":\"message\",\"class\":\"blank\",\"was\":\"     \"");
  /* JSON escapes: the quotes of the name, the control byte.  */
  HAS (r, "\"from\":\"A \\\"B\\\" at PO\"");
  HAS (r, "\"subject\":\"x\\u0001y\"");
  HAS (second, "\"message\":2");
  HAS (second, "\"status\":\"ok\",\"repairs\":[]");
}
END_TEST

START_TEST (passed_through_row)
{
  static const char s[] = "Message:\n   10\nSubject: no contents\n";
  char buf[2048];
  const char *r = report_of (s, sizeof s - 1, buf, sizeof buf);
  HAS (r, "\"status\":\"passed-through\"");
  HAS (r, "\"reason\":\"cut short");
}
END_TEST

START_TEST (account_names)
{
  static const struct { const char *name, *want; } cases[] = {
    { "exports/One, User.txt", "One, User" }, { "a.b.c", "a.b" },
    { ".hidden", ".hidden" }, { "dir.d/plain", "plain" } };
  for (size_t k = 0; k < N_OF (cases); k++)
    {
      char *a = account_from_name (cases[k].name);
      ck_assert_str_eq (a, cases[k].want);
      free (a);
    }
  ck_assert_ptr_null (account_from_name ("-"));
}
END_TEST

static Suite *
report_suite (void)
{
  Suite *s = suite_create ("report");
  TCase *tc = tcase_create ("Core");
  tcase_add_test (tc, repaired_and_ok_rows);
  tcase_add_test (tc, passed_through_row);
  tcase_add_test (tc, account_names);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return check_main (report_suite ());
}
