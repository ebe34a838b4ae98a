/* Diagnostics: a finding's text, put together without printf.  */
#include <config.h>
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "testutil.h"

/* Every number of digits, each side of every power of ten, as printf
   writes them.  */
START_TEST (numbers_as_printf)
{
  uint64_t p = 1;
  for (int k = 0; k <= 20; k++)
    {
      const uint64_t near[] = { p - 1, p, p + 1, p + p / 2, 42,
                                UINT64_C (1234567) };
      for (size_t i = 0; i < N_OF (near); i++)
        {
          struct diag_text t;
          t.n = 0;
          diag_put (&t, "x");
          diag_put_u64 (&t, near[i]);
          char want[32];
          snprintf (want, sizeof want, "x%" PRIu64, near[i]);
          ck_assert_uint_eq (t.n, strlen (want));
          ck_assert_msg (memcmp (t.s, want, t.n) == 0, "%s", want);
        }
      p = k < 19 ? p * 10 : UINT64_MAX;
    }
}
END_TEST

/* A number that does not fit is left out whole, never cut.  */
START_TEST (full_text)
{
  struct diag_text t;
  t.n = sizeof t.s - 4;
  diag_put_u64 (&t, 12345);
  ck_assert_uint_eq (t.n, sizeof t.s - 4);
  diag_put_u64 (&t, 123);
  ck_assert_uint_eq (t.n, sizeof t.s - 1);
  ck_assert (memcmp (t.s + sizeof t.s - 4, "123", 3) == 0);
}
END_TEST

/* Each finding names its own place, though the part before its text is
   kept from the finding before: one file, line, message or label apart
   is enough to write it anew.  */
START_TEST (where_each_finding_is)
{
  FILE *f = tmpfile ();
  ck_assert_ptr_nonnull (f);
  /* Given back after: without a fork (CK_FORK=no) the tests share it.  */
  int saved = dup (STDERR_FILENO);
  ck_assert_int_ge (saved, 0);
  ck_assert_int_ge (dup2 (fileno (f), STDERR_FILENO), 0);
  diag_init ();
  char who[32] = "Subject: t";
  static const struct
  {
    const char *file;
    uint64_t line, message;
    int who;
    const char *want;
  } cases[] = {
    { "a", 1, 1, 0, "ccfix: a:1: message 1: x\n" },
    { "a", 1, 1, 0, "ccfix: a:1: message 1: x\n" },
    { "a", 1, 1, 1, "ccfix: a:1: message 1 (Subject: t): x\n" },
    { "a", 1, 1, 2, "ccfix: a:1: message 1 (Subject: u): x\n" },
    { "a", 1, 1, 0, "ccfix: a:1: message 1: x\n" },
    { "a", 2, 1, 0, "ccfix: a:2: message 1: x\n" },
    { "a", 2, 3, 0, "ccfix: a:2: message 3: x\n" },
    { "b", 2, 3, 0, "ccfix: b:2: message 3: x\n" },
    { "ba", 2, 3, 0, "ccfix: ba:2: message 3: x\n" },
    { "ba", 2, 0, 0, "ccfix: ba:2: x\n" },
    { "ba", 2, 3, 0, "ccfix: ba:2: message 3: x\n" },
  };
  char want[1024] = "";
  for (size_t i = 0; i < N_OF (cases); i++)
    {
      who[9] = cases[i].who == 2 ? 'u' : 't';
      diag_finding (0, cases[i].file, cases[i].line, cases[i].message,
                    cases[i].who ? who : NULL, "x");
      strcat (want, cases[i].want);
    }
  diag_flush ();
  ck_assert_int_ge (dup2 (saved, STDERR_FILENO), 0);
  close (saved);
  char got[1024];
  ssize_t n = pread (fileno (f), got, sizeof got - 1, 0);
  ck_assert_int_ge (n, 0);
  got[n] = 0;
  ck_assert_str_eq (got, want);
  fclose (f);
}
END_TEST

static Suite *
diag_suite (void)
{
  Suite *s = suite_create ("diag");
  TCase *core = tcase_create ("Core");
  tcase_add_test (core, numbers_as_printf);
  tcase_add_test (core, full_text);
  tcase_add_test (core, where_each_finding_is);
  suite_add_tcase (s, core);
  return s;
}

int
main (void)
{
  return check_main (diag_suite ());
}
