/* Helpers the Check suites share: an input made from bytes in memory.  */
#ifndef CCFIX_TESTUTIL_H
#define CCFIX_TESTUTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"

/* An unlinked temporary file holding N bytes of P, opened as IN.  */
static inline void
input_from_bytes (struct input *in, const void *p, size_t n, size_t mem_cap)
{
  FILE *f = tmpfile ();
  ck_assert_ptr_nonnull (f);
  ck_assert_uint_eq (fwrite (p, 1, n, f), n);
  ck_assert_int_eq (fflush (f), 0);
  rewind (f);
  int fd = dup (fileno (f));
  fclose (f);
  ck_assert_int_ge (fd, 0);
  ck_assert_int_eq (input_open (in, fd, "test", mem_cap), 0);
}

/* The same through a pipe, which cannot be read twice: a child writes
   the bytes.  */
static inline void
input_from_pipe (struct input *in, const void *p, size_t n, size_t mem_cap)
{
  int fds[2];
  ck_assert_int_eq (pipe (fds), 0);
  pid_t pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    {
      close (fds[0]);
      const char *b = p;
      for (size_t done = 0; done < n;)
        {
          ssize_t w = write (fds[1], b + done, n - done);
          if (w <= 0)
            _exit (1);
          done += (size_t) w;
        }
      _exit (0);
    }
  close (fds[1]);
  ck_assert_int_eq (input_open (in, fds[0], "pipe", mem_cap), 0);
}

static inline void
input_done (struct input *in)
{
  close (in->fd);
  input_close (in);
}

#define INPUT_STR(in, s) input_from_bytes ((in), (s), sizeof (s) - 1, 0)

#define N_OF(a) (sizeof (a) / sizeof *(a))

/* Every suite's main: run S, exit status 1 on any failure.  */
static inline int
check_main (Suite *s)
{
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
