/* Delivering message files into Maildir++ folders and .eml directories,
   in a temporary directory of each test's own.  */
/* For nftw's FTW_DEPTH and FTW_PHYS, to remove it.  */
#define _XOPEN_SOURCE 700
#include <config.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "folder.h"
#include "maildir.h"
#include "testutil.h"

#define HASH "0123456789abcdef"
#define NAME "7." HASH ".ccfix:2,"
#define DATE 896776740          /* 1998-06-02 08:39:00 UTC */

/* snprintf into the array BUF, which must hold the whole.  */
#define FORMAT(buf, ...) \
  ck_assert_int_lt (snprintf (buf, sizeof buf, __VA_ARGS__), \
                    (int) sizeof buf)

static char top[PATH_MAX];      /* the test's own directory */
static char dir[PATH_MAX];      /* the Maildir or .eml tree in it */

static void
setup (void)
{
  const char *t = getenv ("TMPDIR");
  FORMAT (top, "%s/check_maildir.XXXXXX", t && *t ? t : "/tmp");
  ck_assert_ptr_nonnull (mkdtemp (top));
  /* Resolved, so that paths of open directories compare with it.  */
  char real[PATH_MAX];
  ck_assert_ptr_nonnull (realpath (top, real));
  strcpy (top, real);
  FORMAT (dir, "%s/mail", top);
}

static int
remove_one (const char *path, const struct stat *st, int flag,
            struct FTW *ftw)
{
  (void) st;
  (void) flag;
  (void) ftw;
  return remove (path);
}

static void
teardown (void)
{
  nftw (top, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *
path_in (const char *a, const char *b)
{
  static char p[PATH_MAX];
  FORMAT (p, "%s/%s", a, b);
  return p;
}

static int
is_dir (const char *p)
{
  struct stat st;
  return lstat (p, &st) == 0 && S_ISDIR (st.st_mode);
}

/* The number of entries in directory P, less "." and "..".  */
static int
entries (const char *p)
{
  DIR *d = opendir (p);
  ck_assert_ptr_nonnull (d);
  int n = 0;
  for (struct dirent *e; (e = readdir (d));)
    n += strcmp (e->d_name, ".") != 0 && strcmp (e->d_name, "..") != 0;
  closedir (d);
  return n;
}

static void
write_str (int fd, const char *s)
{
  ck_assert_int_eq (write (fd, s, strlen (s)), (ssize_t) strlen (s));
}

static int
deliver_str (const struct maildir *md, const char *s,
             const struct timespec *mtime)
{
  struct delivery d;
  ck_assert_int_eq (maildir_deliver (&d, md, 7, HASH), 0);
  write_str (d.fd, s);
  return delivery_commit (&d, mtime);
}

static char *
slurp (const char *p)
{
  static char buf[4096];
  FILE *f = fopen (p, "rb");
  ck_assert_ptr_nonnull (f);
  size_t n = fread (buf, 1, sizeof buf - 1, f);
  fclose (f);
  buf[n] = '\0';
  return buf;
}

START_TEST (tree)
{
  struct maildir md;
  maildir_init (&md);
  ck_assert_int_eq (maildir_open (&md, dir, ""), 0);
  maildir_free (&md);
  ck_assert (is_dir (path_in (dir, "cur")));
  ck_assert (is_dir (path_in (dir, "new")));
  ck_assert (is_dir (path_in (dir, "tmp")));
  ck_assert_int_ne (access (path_in (dir, "maildirfolder"), F_OK), 0);

  ck_assert_int_eq (maildir_open (&md, dir, ".Filed Mail.FYI"), 0);
  maildir_free (&md);
  /* Again: an existing tree is added to.  */
  ck_assert_int_eq (maildir_open (&md, dir, ".Filed Mail.FYI"), 0);
  maildir_free (&md);
  char f[PATH_MAX];
  FORMAT (f, "%s/.Filed Mail.FYI", dir);
  ck_assert (is_dir (path_in (f, "cur")));
  ck_assert (is_dir (path_in (f, "new")));
  ck_assert (is_dir (path_in (f, "tmp")));
  struct stat st;
  ck_assert_int_eq (lstat (path_in (f, "maildirfolder"), &st), 0);
  ck_assert (S_ISREG (st.st_mode));
  ck_assert_int_eq (st.st_size, 0);
  ck_assert (is_dir (path_in (dir, "cur")));

  /* Only folder_maildir's names.  */
  const char *bad[] = { "x", ".", "..", ".a/b", "./x" };
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
    {
      errno = 0;
      ck_assert_int_eq (maildir_open (&md, dir, bad[k]), -1);
      ck_assert_int_eq (errno, EINVAL);
    }
}
END_TEST

START_TEST (fresh_and_again)
{
  struct maildir md;
  maildir_init (&md);
  ck_assert_int_eq (maildir_open (&md, dir, ""), 0);
  struct timespec date = { DATE, 0 };
  ck_assert_int_eq (deliver_str (&md, "Subject: hi\n\nbody\n", &date),
                    DELIVERED);
  char *p = path_in (dir, "cur/" NAME);
  ck_assert_str_eq (slurp (p), "Subject: hi\n\nbody\n");
  struct stat st, st2;
  ck_assert_int_eq (stat (p, &st), 0);
  ck_assert_int_eq (st.st_mtime, DATE);
  ck_assert_int_eq (st.st_mode & 07777, 0600);
  ck_assert_int_eq (entries (path_in (dir, "tmp")), 0);

  /* The same bytes again, another date: left alone, the same file.  */
  struct timespec other = { DATE + 86400, 0 };
  ck_assert_int_eq (deliver_str (&md, "Subject: hi\n\nbody\n", &other),
                    DELIVERY_SAME);
  p = path_in (dir, "cur/" NAME);
  ck_assert_int_eq (stat (p, &st2), 0);
  ck_assert_uint_eq (st2.st_ino, st.st_ino);
  ck_assert_int_eq (st2.st_mtime, DATE);
  ck_assert_int_eq (entries (path_in (dir, "tmp")), 0);

  /* Different bytes under the name: said so, the original untouched,
     whether the length differs or only a byte.  */
  ck_assert_int_eq (deliver_str (&md, "Subject: hi\n\nbody!\n", NULL),
                    DELIVERY_CONFLICT);
  ck_assert_int_eq (deliver_str (&md, "Subject: ho\n\nbody\n", NULL),
                    DELIVERY_CONFLICT);
  ck_assert_int_eq (deliver_str (&md, "", NULL), DELIVERY_CONFLICT);
  p = path_in (dir, "cur/" NAME);
  ck_assert_str_eq (slurp (p), "Subject: hi\n\nbody\n");
  ck_assert_int_eq (stat (p, &st2), 0);
  ck_assert_uint_eq (st2.st_ino, st.st_ino);
  ck_assert_int_eq (entries (path_in (dir, "tmp")), 0);
  maildir_free (&md);
}
END_TEST

/* Files longer than the comparison's chunk, differing only near the
   end.  */
/* The inode of P, 0 when it is not there.  */
static ino_t
inode (const char *p)
{
  struct stat st;
  return lstat (p, &st) == 0 ? st.st_ino : 0;
}

/* A reader that sets a flag renames NAME ("...:2,") to "...:2,S", or
   moves the file to new/: the same message, by Maildir's unique name,
   found when the folder is opened.  */
START_TEST (renamed_by_reader)
{
  struct maildir md;
  maildir_init (&md);
  ck_assert_int_eq (maildir_open (&md, dir, ".F"), 0);
  const char *msg = "Subject: hi\n\nbody\n";
  ck_assert_int_eq (deliver_str (&md, msg, NULL), DELIVERED);
  maildir_free (&md);
  char cur[PATH_MAX], seen[PATH_MAX], new[PATH_MAX], moved[PATH_MAX];
  FORMAT (cur, "%s/.F/cur", dir);
  FORMAT (seen, "%s/.F/cur/" NAME "RS", dir);
  FORMAT (new, "%s/.F/new", dir);
  FORMAT (moved, "%s/.F/new/7." HASH ".ccfix", dir);
  ck_assert_int_eq (rename (path_in (cur, NAME), seen), 0);
  ino_t ino = inode (seen);

  /* Same bytes: left alone, under the reader's name.  */
  maildir_init (&md);
  ck_assert_int_eq (maildir_open (&md, dir, ".F"), 0);
  struct delivery d;
  ck_assert_int_eq (maildir_deliver (&d, &md, 7, HASH), 0);
  ck_assert_str_eq (d.found, NAME "RS");
  ck_assert_str_eq (d.found_in, "cur");
  write_str (d.fd, msg);
  ck_assert_int_eq (delivery_commit (&d, NULL), DELIVERY_SAME);
  /* Different bytes: the conflict, nothing written.  */
  ck_assert_int_eq (deliver_str (&md, "Subject: ho\n\nbody\n", NULL),
                    DELIVERY_CONFLICT);
  ck_assert_int_eq (entries (cur), 1);
  ck_assert_uint_eq (inode (seen), ino);
  ck_assert_str_eq (slurp (seen), msg);
  ck_assert_int_eq (entries (path_in (dir, ".F/tmp")), 0);
  maildir_free (&md);

  /* Moved to new/, with or without an info.  */
  ck_assert_int_eq (rename (seen, moved), 0);
  maildir_init (&md);
  ck_assert_int_eq (maildir_open (&md, dir, ".F"), 0);
  ck_assert_int_eq (maildir_deliver (&d, &md, 7, HASH), 0);
  ck_assert_str_eq (d.found_in, "new");
  write_str (d.fd, msg);
  ck_assert_int_eq (delivery_commit (&d, NULL), DELIVERY_SAME);
  ck_assert_int_eq (entries (cur), 0);
  ck_assert_int_eq (entries (new), 1);
  maildir_free (&md);

  /* Deleted after the folder was read: delivered again, as a re-run
     does.  */
  maildir_init (&md);
  ck_assert_int_eq (maildir_open (&md, dir, ".F"), 0);
  ck_assert_int_eq (unlink (moved), 0);
  ck_assert_int_eq (deliver_str (&md, msg, NULL), DELIVERED);
  ck_assert_str_eq (slurp (path_in (cur, NAME)), msg);
  maildir_free (&md);
}
END_TEST

/* Only ccfix's own names count, and only the message's own.  */
START_TEST (renamed_others)
{
  char cur[PATH_MAX];
  FORMAT (cur, "%s/cur", dir);
  struct maildir md;
  maildir_init (&md);
  ck_assert_int_eq (maildir_open (&md, dir, ""), 0);
  maildir_free (&md);
  const char *other[] = {
    "8." HASH ".ccfix:2,S", "17." HASH ".ccfix:2,S", "7." HASH ".ccfixx:2,S",
    "7." HASH "0.ccfix:2,S", "x7." HASH ".ccfix:2,S", "7.0123456789ABCDEF"
    ".ccfix:2,S", "7." HASH ".ccfix.host:2,S"
  };
  for (size_t k = 0; k < sizeof other / sizeof *other; k++)
    {
      int fd = open (path_in (cur, other[k]), O_WRONLY | O_CREAT, 0600);
      ck_assert_int_ge (fd, 0);
      write_str (fd, "Subject: hi\n\nbody\n");
      close (fd);
    }
  maildir_init (&md);
  ck_assert_int_eq (maildir_open (&md, dir, ""), 0);
  struct delivery d;
  ck_assert_int_eq (maildir_deliver (&d, &md, 7, HASH), 0);
  ck_assert_ptr_null (d.found);
  write_str (d.fd, "Subject: hi\n\nbody\n");
  ck_assert_int_eq (delivery_commit (&d, NULL), DELIVERED);
  /* Opened again by the same MD: what was read is kept, not read
     again.  */
  maildir_close (&md);
  ck_assert_int_eq (maildir_open (&md, dir, ".G"), 0);
  maildir_close (&md);
  ck_assert_int_eq (maildir_open (&md, dir, ""), 0);
  ck_assert_uint_eq (md.nseen, 2);
  ck_assert_int_eq (deliver_str (&md, "Subject: hi\n\nbody\n", NULL),
                    DELIVERY_SAME);
  maildir_free (&md);
  ck_assert_int_eq (entries (cur), 8);
}
END_TEST

START_TEST (large_compare)
{
  struct maildir md;
  maildir_init (&md);
  ck_assert_int_eq (maildir_open (&md, dir, ".Big"), 0);
  size_t n = 300 * 1000;
  char *a = malloc (n + 1);
  for (size_t i = 0; i < n; i++)
    a[i] = (char) ('a' + i % 23);
  a[n] = '\0';
  ck_assert_int_eq (deliver_str (&md, a, NULL), DELIVERED);
  ck_assert_int_eq (deliver_str (&md, a, NULL), DELIVERY_SAME);
  a[n - 2] = '!';
  ck_assert_int_eq (deliver_str (&md, a, NULL), DELIVERY_CONFLICT);
  free (a);
  maildir_free (&md);
}
END_TEST

START_TEST (abort_and_errors)
{
  struct maildir md;
  maildir_init (&md);
  ck_assert_int_eq (maildir_open (&md, dir, ""), 0);
  struct delivery d;
  ck_assert_int_eq (maildir_deliver (&d, &md, 7, HASH), 0);
  write_str (d.fd, "half a mess");
  delivery_abort (&d);
  ck_assert_int_eq (entries (path_in (dir, "tmp")), 0);
  ck_assert_int_eq (entries (path_in (dir, "cur")), 0);

  errno = 0;
  ck_assert_int_eq (maildir_deliver (&d, &md, 7, "0123456789ABCDEF"), -1);
  ck_assert_int_eq (errno, EINVAL);
  ck_assert_int_eq (maildir_deliver (&d, &md, 7, "0123"), -1);

  /* Something that is not a regular file under the name: a conflict,
     and it stays.  */
  ck_assert_int_eq (symlink ("/etc/passwd", path_in (dir, "cur/" NAME)), 0);
  ck_assert_int_eq (deliver_str (&md, "x", NULL), DELIVERY_CONFLICT);
  struct stat st;
  ck_assert_int_eq (lstat (path_in (dir, "cur/" NAME), &st), 0);
  ck_assert (S_ISLNK (st.st_mode));
  maildir_free (&md);
}
END_TEST

START_TEST (mtime_unset)
{
  struct maildir md;
  maildir_init (&md);
  ck_assert_int_eq (maildir_open (&md, dir, ""), 0);
  time_t before = time (NULL);
  ck_assert_int_eq (deliver_str (&md, "x", NULL), DELIVERED);
  struct stat st;
  ck_assert_int_eq (stat (path_in (dir, "cur/" NAME), &st), 0);
  ck_assert_int_ge (st.st_mtime, before - 1);
  maildir_free (&md);
}
END_TEST

START_TEST (eml_delivery)
{
  char *rel = folder_eml ("jeff", 4, "Filed Mail\\FYI", 14);
  int fd = dir_open (dir, rel);
  ck_assert_int_ge (fd, 0);
  struct delivery d;
  ck_assert_int_eq (delivery_open (&d, fd, fd, "000001.eml"), 0);
  write_str (d.fd, "Subject: hi\r\n\r\nbody\r\n");
  struct timespec date = { DATE, 0 };
  ck_assert_int_eq (delivery_commit (&d, &date), DELIVERED);
  ck_assert_int_eq (delivery_open (&d, fd, fd, "000001.eml"), 0);
  write_str (d.fd, "Subject: hi\r\n\r\nbody\r\n");
  ck_assert_int_eq (delivery_commit (&d, &date), DELIVERY_SAME);
  close (fd);
  char p[PATH_MAX];
  FORMAT (p, "%s/%s", dir, rel);
  /* The file, and nothing else: no temporary file left beside it.  */
  ck_assert_int_eq (entries (p), 1);
  struct stat st;
  ck_assert_int_eq (stat (path_in (p, "000001.eml"), &st), 0);
  ck_assert_int_eq (st.st_mtime, DATE);
  free (rel);
}
END_TEST

START_TEST (dir_open_refuses_escapes)
{
  errno = 0;
  ck_assert_int_eq (dir_open (dir, "a/../b"), -1);
  ck_assert_int_eq (errno, EINVAL);
  ck_assert_int_eq (dir_open (dir, ".."), -1);
  /* A symbolic link planted inside is not followed out.  */
  char outside[PATH_MAX];
  FORMAT (outside, "%s/outside", top);
  ck_assert_int_eq (mkdir (outside, 0700), 0);
  ck_assert_int_eq (symlink (outside, path_in (dir, "evil")), 0);
  ck_assert_int_eq (dir_open (dir, "evil/x"), -1);
  ck_assert_int_eq (entries (outside), 0);
}
END_TEST

/* 1 when the directory open as FD is DIR or inside it.  */
static int
inside (int fd)
{
  char link[64], real[PATH_MAX];
  FORMAT (link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink (link, real, sizeof real - 1);
  ck_assert_int_gt (n, 0);
  real[n] = '\0';
  size_t len = strlen (dir);
  return strncmp (real, dir, len) == 0 && (real[len] == '/' || !real[len]);
}

START_TEST (hostile_names_stay_inside)
{
  char long_name[301];
  memset (long_name, 'z', 300);
  long_name[300] = '\0';
  const char *hostile[] = {
    "..\\..\\etc", "..", ".", "a/../../b", "/etc/passwd", "\\..\\",
    "tab\there\x01\x1b[31m", "\x95\x5c\x83\x5c\x82\xa0", long_name,
    "Inbox", "a\\..\\..\\..\\b"
  };
  for (size_t k = 0; k < sizeof hostile / sizeof *hostile; k++)
    {
      const char *h = hostile[k];
      char *rel = folder_eml ("..", 2, h, strlen (h));
      int fd = dir_open (dir, rel);
      ck_assert_msg (fd >= 0, "%s: %s", rel, strerror (errno));
      ck_assert_msg (inside (fd), "%s", rel);
      close (fd);
      free (rel);

      char *f = folder_maildir (h, strlen (h));
      struct maildir md;
      maildir_init (&md);
      ck_assert_msg (maildir_open (&md, dir, f) == 0, "%s", f);
      ck_assert (inside (md.cur) && inside (md.tmp));
      maildir_free (&md);
      free (f);
    }
  /* Nothing was made beside DIR.  */
  ck_assert_int_eq (entries (top), 1);
}
END_TEST

/* Two processes deliver message 7 into .Race at once, BYTES_A and
   BYTES_B, and commit together (each waits until the gate closes, so the
   links race): returns their two statuses as a bit set.  */
static int
race_commits (const char *bytes_a, const char *bytes_b)
{
  int gate[2];
  ck_assert_int_eq (pipe (gate), 0);
  pid_t pid[2];
  for (int k = 0; k < 2; k++)
    {
      pid[k] = fork ();
      ck_assert_int_ge (pid[k], 0);
      if (pid[k] == 0)
        {
          struct maildir md;
          maildir_init (&md);
          struct delivery d;
          const char *s = k ? bytes_b : bytes_a;
          char c;
          if (maildir_open (&md, dir, ".Race") < 0
              || maildir_deliver (&d, &md, 7, HASH) < 0
              || write (d.fd, s, strlen (s)) != (ssize_t) strlen (s))
            _exit (99);
          close (gate[1]);
          if (read (gate[0], &c, 1) != 0)
            _exit (99);
          int r = delivery_commit (&d, NULL);
          _exit (r < 0 ? 99 : r);
        }
    }
  close (gate[0]);
  close (gate[1]);
  int seen = 0;
  for (int k = 0; k < 2; k++)
    {
      int status;
      ck_assert_int_eq (waitpid (pid[k], &status, 0), pid[k]);
      ck_assert (WIFEXITED (status));
      ck_assert_int_ne (WEXITSTATUS (status), 99);
      seen |= 1 << WEXITSTATUS (status);
    }
  return seen;
}

/* race_commits, and the file then holds one of the two whole, and no
   temporary file is left.  */
static int
race (const char *bytes_a, const char *bytes_b)
{
  int seen = race_commits (bytes_a, bytes_b);
  char p[PATH_MAX];
  FORMAT (p, "%s/.Race/cur/" NAME, dir);
  const char *got = slurp (p);
  ck_assert (strcmp (got, bytes_a) == 0 || strcmp (got, bytes_b) == 0);
  FORMAT (p, "%s/.Race/tmp", dir);
  ck_assert_int_eq (entries (p), 0);
  FORMAT (p, "%s/.Race/cur/" NAME, dir);
  ck_assert_int_eq (unlink (p), 0);
  return seen;
}

START_TEST (parallel_runs)
{
  for (int round = 0; round < 20; round++)
    {
      ck_assert_int_eq (race ("same\n", "same\n"),
                        1 << DELIVERED | 1 << DELIVERY_SAME);
      ck_assert_int_eq (race ("one\n", "other\n"),
                        1 << DELIVERED | 1 << DELIVERY_CONFLICT);
    }
}
END_TEST

/* Two runs at once into a folder where a reader renamed the message's
   file: both compare, neither links, the reader's file stays alone.  */
START_TEST (parallel_renamed)
{
  struct maildir md;
  maildir_init (&md);
  ck_assert_int_eq (maildir_open (&md, dir, ".Race"), 0);
  ck_assert_int_eq (deliver_str (&md, "same\n", NULL), DELIVERED);
  maildir_free (&md);
  char cur[PATH_MAX], seen[PATH_MAX];
  FORMAT (cur, "%s/.Race/cur", dir);
  FORMAT (seen, "%s/.Race/cur/" NAME "S", dir);
  ck_assert_int_eq (rename (path_in (cur, NAME), seen), 0);
  for (int round = 0; round < 10; round++)
    {
      /* Both compare, and find the same bytes.  */
      ck_assert_int_eq (race_commits ("same\n", "same\n"),
                        1 << DELIVERY_SAME);
      ck_assert_int_eq (entries (cur), 1);
      ck_assert_str_eq (slurp (seen), "same\n");
    }
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("maildir");
  TCase *tc = tcase_create ("Core");
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, tree);
  tcase_add_test (tc, fresh_and_again);
  tcase_add_test (tc, renamed_by_reader);
  tcase_add_test (tc, renamed_others);
  tcase_add_test (tc, large_compare);
  tcase_add_test (tc, abort_and_errors);
  tcase_add_test (tc, mtime_unset);
  tcase_add_test (tc, eml_delivery);
  suite_add_tcase (s, tc);
  tc = tcase_create ("Hostile");
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, dir_open_refuses_escapes);
  tcase_add_test (tc, hostile_names_stay_inside);
  tcase_add_test (tc, parallel_runs);
  tcase_add_test (tc, parallel_renamed);
  suite_add_tcase (s, tc);
  return check_main (s);
}
