/* Diagnostics: a finding's text, put together without printf.  */
#include <config.h>
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

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

static Suite *
diag_suite (void)
{
  Suite *s = suite_create ("diag");
  TCase *core = tcase_create ("Core");
  tcase_add_test (core, numbers_as_printf);
  tcase_add_test (core, full_text);
  suite_add_tcase (s, core);
  return s;
}

int
main (void)
{
  return check_main (diag_suite ());
}
