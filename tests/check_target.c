/* Output targets: what they replace, what they refuse, what they leave.  */
#include <config.h>
#include <check.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "target.h"
#include "testutil.h"

static char dir[PATH_MAX];

static void
make_dir (void)
{
  const char *tmp = getenv ("TMPDIR");
  snprintf (dir, sizeof dir, "%s/check_target.XXXXXX", tmp && *tmp ? tmp
            : "/tmp");
  ck_assert_ptr_nonnull (mkdtemp (dir));
}

static void
remove_dir (void)
{
  char cmd[PATH_MAX + 16];
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq (system (cmd), 0);
}

/* DIR/NAME, in a static buffer of four that take turns.  */
static const char *
at (const char *name)
{
  static char bufs[4][2 * PATH_MAX];
  static int turn;
  char *p = bufs[turn++ % 4];
  snprintf (p, sizeof bufs[0], "%s/%s", dir, name);
  return p;
}

static void
put_file (const char *path, const char *text)
{
  FILE *f = fopen (path, "w");
  ck_assert_ptr_nonnull (f);
  fputs (text, f);
  ck_assert_int_eq (fclose (f), 0);
}

static void
ck_file (const char *path, const char *want)
{
  char got[256] = "";
  FILE *f = fopen (path, "r");
  ck_assert_ptr_nonnull (f);
  size_t n = fread (got, 1, sizeof got - 1, f);
  fclose (f);
  got[n] = 0;
  ck_assert_str_eq (got, want);
}

static int
temporaries (void)
{
  DIR *d = opendir (dir);
  ck_assert_ptr_nonnull (d);
  int n = 0;
  for (struct dirent *e; (e = readdir (d));)
    n += strstr (e->d_name, ".ccfix-") != NULL;
  closedir (d);
  return n;
}

static void
write_text (struct target *t, const char *text)
{
  output_bytes (&t->out, (const unsigned char *) text, strlen (text));
}

START_TEST (replaced_on_commit)
{
  put_file (at ("f"), "old");
  ck_assert_int_eq (chmod (at ("f"), 0640), 0);
  struct target t;
  ck_assert_int_eq (target_open (&t, at ("f"), TARGET_OUTPUT), 0);
  write_text (&t, "new");
  ck_assert_int_eq (output_flush (&t.out), 0);
  ck_file (at ("f"), "old");
  ck_assert_int_eq (temporaries (), 1);
  ck_assert_int_eq (target_commit (&t, NULL), 0);
  ck_file (at ("f"), "new");
  struct stat st;
  ck_assert_int_eq (stat (at ("f"), &st), 0);
  ck_assert_uint_eq (st.st_mode & 07777, 0640);
  ck_assert_int_eq (temporaries (), 0);
}
END_TEST

START_TEST (untouched_on_abort)
{
  put_file (at ("f"), "old");
  struct target t;
  ck_assert_int_eq (target_open (&t, at ("f"), TARGET_IN_PLACE), 0);
  write_text (&t, "new");
  target_abort (&t);
  ck_file (at ("f"), "old");
  ck_assert_int_eq (temporaries (), 0);
}
END_TEST

/* What the read end FD of a pipe holds, all of it: its write ends
   closed.  */
static void
ck_pipe (int fd, const char *want)
{
  char got[256];
  size_t n = 0;
  for (ssize_t r; (r = read (fd, got + n, sizeof got - 1 - n)) > 0;)
    n += (size_t) r;
  got[n] = 0;
  ck_assert_str_eq (got, want);
  close (fd);
}

/* A report bound for a pipe gets what was passed on and what a commit
   adds, never what was taken back (a rewind stops at what was passed
   on), nor anything after an abort.  */
START_TEST (report_held_for_a_stream)
{
  for (int commit = 0; commit < 2; commit++)
    {
      int fds[2];
      ck_assert_int_eq (pipe (fds), 0);
      char name[32];
      snprintf (name, sizeof name, "/dev/fd/%d", fds[1]);
      struct target t;
      ck_assert_int_eq (target_open (&t, name, TARGET_REPORT), 0);
      close (fds[1]);
      write_text (&t, "a");
      ck_assert_int_eq (target_pass (&t), 0);
      uint64_t mark = t.out.bytes;
      write_text (&t, "bb");
      ck_assert_int_eq (target_rewind (&t, mark), 0);
      write_text (&t, "c");
      ck_assert_int_eq (target_rewind (&t, 0), 0);
      write_text (&t, "d");
      ck_assert_uint_eq (t.out.bytes, 2);
      if (commit)
        ck_assert_int_eq (target_commit (&t, NULL), 0);
      else
        target_abort (&t);
      ck_pipe (fds[0], commit ? "ad" : "a");
    }
}
END_TEST

START_TEST (links_followed)
{
  put_file (at ("f"), "old");
  ck_assert_int_eq (symlink ("f", at ("l")), 0);
  struct target t;
  ck_assert_int_eq (target_open (&t, at ("l"), TARGET_IN_PLACE), 0);
  write_text (&t, "new");
  ck_assert_int_eq (target_commit (&t, ".orig"), 0);
  struct stat st;
  ck_assert_int_eq (lstat (at ("l"), &st), 0);
  ck_assert (S_ISLNK (st.st_mode));
  ck_file (at ("f"), "new");
  ck_file (at ("f.orig"), "old");
}
END_TEST

START_TEST (backup_never_replaced)
{
  put_file (at ("f"), "old");
  put_file (at ("f.orig"), "older");
  struct target t;
  ck_assert_int_eq (target_open (&t, at ("f"), TARGET_IN_PLACE), 0);
  write_text (&t, "new");
  ck_assert_int_eq (target_commit (&t, ".orig"), -1);
  ck_file (at ("f"), "old");
  ck_file (at ("f.orig"), "older");
  ck_assert_int_eq (temporaries (), 0);
}
END_TEST

START_TEST (in_place_refusals)
{
  struct target t;
  put_file (at ("f"), "old");
  ck_assert_int_eq (link (at ("f"), at ("g")), 0);
  ck_assert_int_eq (target_open (&t, at ("f"), TARGET_IN_PLACE), -1);
  ck_assert_int_eq (target_open (&t, dir, TARGET_IN_PLACE), -1);
  ck_assert_int_eq (target_open (&t, "/dev/stdin", TARGET_IN_PLACE), -1);
  ck_assert_int_eq (mkfifo (at ("p"), 0600), 0);
  ck_assert_int_eq (target_open (&t, at ("p"), TARGET_IN_PLACE), -1);
  ck_assert_int_eq (temporaries (), 0);
  ck_file (at ("f"), "old");
}
END_TEST

START_TEST (report_replaces_reports)
{
  struct target t;
  put_file (at ("export"), "Message:\n");
  ck_assert_int_eq (target_open (&t, at ("export"), TARGET_REPORT), -1);
  ck_file (at ("export"), "Message:\n");
  /* Another program's JSON is no earlier report.  */
  put_file (at ("r"), "{}\n");
  ck_assert_int_eq (target_open (&t, at ("r"), TARGET_REPORT), -1);
  ck_file (at ("r"), "{}\n");
  put_file (at ("r"), "{\"input\":\"x\"}\n");
  ck_assert_int_eq (target_open (&t, at ("r"), TARGET_REPORT), 0);
  write_text (&t, "{\"a\":1}\n");
  ck_assert_int_eq (target_commit (&t, NULL), 0);
  ck_file (at ("r"), "{\"a\":1}\n");
  put_file (at ("empty"), "");
  ck_assert_int_eq (target_open (&t, at ("empty"), TARGET_REPORT), 0);
  target_abort (&t);
}
END_TEST

START_TEST (signal_removes_every_temporary)
{
  struct target a, b;
  ck_assert_int_eq (target_open (&a, at ("a"), TARGET_OUTPUT), 0);
  ck_assert_int_eq (target_open (&b, at ("b"), TARGET_REPORT), 0);
  ck_assert_int_eq (temporaries (), 2);
  target_cleanup_signal ();
  ck_assert_int_eq (temporaries (), 0);
  target_abort (&a);
  target_abort (&b);
}
END_TEST

START_TEST (same_file_refused)
{
  put_file (at ("a"), "a");
  put_file (at ("b"), "b");
  ck_assert_int_eq (symlink ("a", at ("l")), 0);
  struct file_use two_inputs[] = { { at ("a"), USE_INPUT },
                                   { at ("l"), USE_INPUT } };
  ck_assert_int_eq (target_check_distinct (two_inputs, 2, NULL), 0);
  struct file_use onto_input[] = { { at ("a"), USE_INPUT },
                                   { at ("b"), USE_INPUT },
                                   { at ("l"), USE_OUTPUT } };
  ck_assert_int_eq (target_check_distinct (onto_input, 3, NULL), -1);
  struct file_use two_outputs[] = { { at ("b"), USE_OUTPUT },
                                    { at ("b"), USE_REPORT } };
  ck_assert_int_eq (target_check_distinct (two_outputs, 2, NULL), -1);
  struct file_use apart[] = { { at ("a"), USE_INPUT },
                              { at ("b"), USE_OUTPUT },
                              { at ("new"), USE_REPORT } };
  ck_assert_int_eq (target_check_distinct (apart, 3, NULL), 0);
}
END_TEST

START_TEST (backup_onto_input_refused)
{
  put_file (at ("c"), "c");
  put_file (at ("c.txt"), "c.txt");
  struct file_use uses[] = { { at ("c"), USE_IN_PLACE },
                             { at ("c.txt"), USE_IN_PLACE } };
  ck_assert_int_eq (target_check_distinct (uses, 2, ".txt"), -1);
  ck_assert_int_eq (target_check_distinct (uses, 2, ".orig"), 0);
}
END_TEST

static Suite *
target_suite (void)
{
  Suite *s = suite_create ("target");
  TCase *core = tcase_create ("Core");
  tcase_add_checked_fixture (core, make_dir, remove_dir);
  tcase_add_test (core, replaced_on_commit);
  tcase_add_test (core, untouched_on_abort);
  tcase_add_test (core, links_followed);
  tcase_add_test (core, report_held_for_a_stream);
  tcase_add_test (core, signal_removes_every_temporary);
  suite_add_tcase (s, core);
  TCase *refusals = tcase_create ("Refusals");
  tcase_add_checked_fixture (refusals, make_dir, remove_dir);
  tcase_add_test (refusals, backup_never_replaced);
  tcase_add_test (refusals, in_place_refusals);
  tcase_add_test (refusals, report_replaces_reports);
  tcase_add_test (refusals, same_file_refused);
  tcase_add_test (refusals, backup_onto_input_refused);
  suite_add_tcase (s, refusals);
  return s;
}

int
main (void)
{
  return check_main (target_suite ());
}
