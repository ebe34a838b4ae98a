/* Output targets.  */
#include <config.h>
#include "target.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if HAVE_SYS_XATTR_H
# include <sys/xattr.h>
#endif

#include "diag.h"

/* The temporary files a signal must not leave behind: a fixed list, since
   the handler may neither lock nor allocate.  A run has at most a report,
   one output and one delivered file pending at once.  Each is a name in
   a directory, the directory set before the name.  */
#define PENDING_MAX 8
static struct
{
  volatile int dir;
  char *volatile name;
} pending[PENDING_MAX];

/* As many links as the kernel follows in one path.  */
#define LINKS_MAX 40

int
target_pending (int dir, char *name)
{
  for (size_t i = 0; i < PENDING_MAX; i++)
    if (!pending[i].name)
      {
        pending[i].dir = dir;
        pending[i].name = name;
        return 0;
      }
  errno = EMFILE;
  return -1;
}

void
target_pending_done (const char *name)
{
  for (size_t i = 0; i < PENDING_MAX; i++)
    if (pending[i].name == name)
      pending[i].name = NULL;
}

void
target_cleanup_signal (void)
{
  for (size_t i = 0; i < PENDING_MAX; i++)
    {
      char *p = pending[i].name;
      if (p)
        unlinkat (pending[i].dir, p, 0);
    }
}

/* "ccfix: NAME: WHAT: strerror (ERR)"; standard output has no name.  A
   closed pipe downstream is no news to whoever closed it.  */
static void
target_error (const struct target *t, const char *what, int err)
{
  if (err == EPIPE)
    return;
  if (!t->name)
    {
      diag_error (what, err);
      return;
    }
  char buf[PATH_MAX + 256];
  snprintf (buf, sizeof buf, "%s: %s", t->name, what);
  diag_error (buf, err);
}

/* The file NAME finally names, its symbolic links followed (each link's
   target relative to the link's directory), whether it exists or not.
   Malloc'd; NULL with errno set on failure.  */
static char *
resolve_links (const char *name)
{
  char *path = strdup (name);
  for (int hops = 0; path; hops++)
    {
      struct stat st;
      if (lstat (path, &st) < 0 || !S_ISLNK (st.st_mode))
        return path;
      char link[PATH_MAX];
      ssize_t n = hops < LINKS_MAX ? readlink (path, link, sizeof link)
                  : (errno = ELOOP, -1);
      if (n == (ssize_t) sizeof link)
        {
          errno = ENAMETOOLONG;
          n = -1;
        }
      if (n < 0)
        {
          free (path);
          return NULL;
        }
      link[n] = 0;
      const char *slash = strrchr (path, '/');
      size_t dir = link[0] != '/' && slash ? (size_t) (slash - path) + 1 : 0;
      char *next = malloc (dir + (size_t) n + 1);
      if (next)
        {
          memcpy (next, path, dir);
          memcpy (next + dir, link, (size_t) n + 1);
        }
      free (path);
      path = next;
    }
  errno = ENOMEM;
  return NULL;
}

/* A rename is durable once the directory holding it is synced.  */
static int
sync_directory (const char *path)
{
  const char *slash = strrchr (path, '/');
  char *dir = slash ? strndup (path, slash == path ? 1 : (size_t) (slash - path))
              : strdup (".");
  if (!dir)
    return -1;
  int fd = open (dir, O_RDONLY | O_DIRECTORY);
  free (dir);
  if (fd < 0)
    return -1;
  int r = fsync (fd);
  int e = errno;
  close (fd);
  errno = e;
  /* Some file systems cannot sync a directory at all: nothing is lost
     that a sync could have kept.  */
  return r < 0 && errno != EINVAL ? -1 : 0;
}

/* A report replaces only an empty file or an earlier report, which starts
   as report.c writes every row: a forgotten '=' in --report FILE must not
   empty an export, nor any other file that starts with a brace.  */
static int
is_report (const char *name, const struct stat *st)
{
  static const char row[] = "{\"input\":";
  if (st->st_size == 0)
    return 1;
  int fd = open (name, O_RDONLY);
  if (fd < 0)
    return 0;
  char start[sizeof row - 1];
  ssize_t r = read (fd, start, sizeof start);
  close (fd);
  return r == (ssize_t) sizeof start && !memcmp (start, row, sizeof start);
}

static int
open_output (struct target *t)
{
  if (output_open (&t->out, t->fd) < 0)
    {
      target_error (t, "cannot allocate a buffer", ENOMEM);
      target_abort (t);
      return -1;
    }
  return 0;
}

/* Standard output, a device, a FIFO or a socket, open as t->fd: a
   report's rows wait in a temporary file until they are passed on.  */
static int
open_stream (struct target *t)
{
  if (t->role == TARGET_REPORT)
    {
      int fd = temporary_file ();
      if (fd < 0)
        {
          target_error (t, "cannot hold the report in a temporary file",
                        errno);
          close (t->fd);
          t->fd = -1;
          return -1;
        }
      t->held = t->fd;
      t->fd = fd;
    }
  return open_output (t);
}

#if HAVE_SYS_XATTR_H && HAVE_FLISTXATTR
/* Give the temporary file the extended attributes of the file at t->path,
   which it will replace: an access control list among them, whose loss
   would open the file to others (the mode's group bits are only its
   mask).  One that cannot be kept stops the replacement.  */
static int
keep_xattrs (struct target *t)
{
  int fd = open (t->path, O_RDONLY | O_NOCTTY);
  ssize_t n = fd < 0 ? -1 : flistxattr (fd, NULL, 0);
  char *names = n > 0 ? malloc ((size_t) n) : NULL, *value = NULL;
  int r = 0;
  if (n < 0 && fd >= 0 && (errno == ENOTSUP || errno == ENOSYS))
    n = 0;
  if (n < 0 || (n > 0 && (!names || (n = flistxattr (fd, names, (size_t) n))
                                    < 0)))
    {
      target_error (t, "cannot read the extended attributes", errno);
      r = -1;
    }
  for (ssize_t at = 0; r == 0 && at < n; at += (ssize_t) strlen (names + at)
                                                + 1)
    {
      const char *name = names + at;
      ssize_t len = fgetxattr (fd, name, NULL, 0), got = -1;
      char *p = len >= 0 ? realloc (value, (size_t) len + 1) : NULL;
      if (p)
        {
          value = p;
          got = fgetxattr (fd, name, value, (size_t) len);
        }
      if (got < 0 || fsetxattr (t->fd, name, value, (size_t) got, 0) < 0)
        {
          char what[512];
          snprintf (what, sizeof what, "cannot keep the extended attribute "
                    "'%s'", name);
          target_error (t, what, errno);
          r = -1;
        }
    }
  free (names);
  free (value);
  if (fd >= 0)
    close (fd);
  return r;
}
#else
/* A system without the calls has no extended attributes to keep.  */
static int
keep_xattrs (struct target *t)
{
  (void) t;
  return 0;
}
#endif

/* The temporary file beside t->path, with the mode (and owner, where
   allowed) of LIKE, or 0666 less the umask when LIKE is NULL.  */
static int
open_temporary (struct target *t, const struct stat *like)
{
  size_t n = strlen (t->path) + sizeof ".ccfix-XXXXXX";
  t->tmp = malloc (n);
  if (!t->tmp)
    {
      target_error (t, "cannot create a temporary file", ENOMEM);
      return -1;
    }
  snprintf (t->tmp, n, "%s.ccfix-XXXXXX", t->path);
  /* Listed first: a signal right after mkstemp must find it.  */
  if (target_pending (AT_FDCWD, t->tmp) == 0)
    t->fd = mkstemp (t->tmp);
  if (t->fd < 0)
    {
      target_error (t, "cannot create a temporary file", errno);
      target_pending_done (t->tmp);
      free (t->tmp);
      t->tmp = NULL;
      return -1;
    }
  mode_t mode;
  if (like)
    {
      mode = like->st_mode & 07777;
      /* Not allowed for an ordinary user unless the owner is already
         right: the mode still follows.  */
      if (fchown (t->fd, like->st_uid, like->st_gid) < 0)
        mode &= 0777;
    }
  else
    {
      mode_t mask = umask (0);
      umask (mask);
      mode = 0666 & ~mask;
    }
  if (fchmod (t->fd, mode) < 0)
    {
      target_error (t, "cannot set the mode of the temporary file", errno);
      target_abort (t);
      return -1;
    }
  if (like && keep_xattrs (t) < 0)
    {
      target_abort (t);
      return -1;
    }
  return open_output (t);
}

/* The descriptor NAME stands for, when it names one of ccfix's own open
   files (/dev/stdout, /dev/fd/1, /proc/self/fd/1), else -1.  Such a name
   is written through that open file, appending where the shell said >>,
   never renamed over.  */
static int
descriptor_named (const char *name)
{
  static const char *const std[] = { "/dev/stdin", "/dev/stdout",
                                     "/dev/stderr" };
  for (int fd = 0; fd < 3; fd++)
    if (!strcmp (name, std[fd]))
      return fd;
  const char *n = !strncmp (name, "/dev/fd/", 8) ? name + 8
                  : !strncmp (name, "/proc/self/fd/", 14) ? name + 14 : NULL;
  if (!n || *n < '0' || *n > '9')
    return -1;
  char *end;
  long fd = strtol (n, &end, 10);
  return *end || fd > INT_MAX ? -1 : (int) fd;
}

/* What may stand at NAME for this role; 0 when it may be replaced.  */
static int
check_replaceable (struct target *t, const struct stat *st)
{
  char what[64];
  if (t->role == TARGET_IN_PLACE && !S_ISREG (st->st_mode))
    target_error (t, "not a regular file", 0);
  else if (S_ISDIR (st->st_mode))
    target_error (t, "cannot write", EISDIR);
  else if (t->role == TARGET_IN_PLACE && st->st_nlink > 1)
    {
      /* Replacing one name would split it from the others.  */
      snprintf (what, sizeof what, "has %ju hard links: not replaced",
                (uintmax_t) st->st_nlink);
      target_error (t, what, 0);
    }
  else if (t->role == TARGET_REPORT && S_ISREG (st->st_mode)
           && !is_report (t->name, st))
    target_error (t, "exists and is not a report: not replaced", 0);
  else
    return 0;
  return -1;
}

int
target_open (struct target *t, const char *name, enum target_role role)
{
  memset (t, 0, sizeof *t);
  t->name = name;
  t->role = role;
  t->fd = t->held = -1;
  if (!name)
    {
      t->fd = STDOUT_FILENO;
      return open_stream (t);
    }
  int named = descriptor_named (name);
  if (named >= 0 && role == TARGET_IN_PLACE)
    {
      target_error (t, "names an open file, not a file to replace", 0);
      return -1;
    }
  if (named >= 0)
    {
      t->fd = dup (named);
      if (t->fd < 0)
        {
          target_error (t, "cannot open", errno);
          return -1;
        }
      return open_stream (t);
    }
  struct stat st;
  int exists = stat (name, &st) == 0;
  if (!exists && errno != ENOENT)
    {
      target_error (t, "cannot look at it", errno);
      return -1;
    }
  if (exists && check_replaceable (t, &st) < 0)
    return -1;
  if (exists && !S_ISREG (st.st_mode))
    {
      /* A device, a FIFO or a socket: renaming over it would replace it
         with a regular file, and whoever reads it would get nothing.  */
      t->fd = open (name, O_WRONLY | O_NOCTTY);
      if (t->fd < 0)
        {
          target_error (t, "cannot open", errno);
          return -1;
        }
      return open_stream (t);
    }
  t->path = resolve_links (name);
  if (!t->path)
    {
      target_error (t, "cannot follow the link", errno);
      return -1;
    }
  if (open_temporary (t, exists ? &st : NULL) < 0)
    {
      free (t->path);
      t->path = NULL;
      return -1;
    }
  return 0;
}

int
target_discard (struct target *t)
{
  memset (t, 0, sizeof *t);
  t->fd = t->held = -1;
  return open_output (t);
}

/* Keep the file at t->path as t->path+SUFFIX.  A hard link keeps the
   original in place until the rename: at no moment is there no file under
   the name.  link() never replaces an existing backup.  */
static int
keep_original (struct target *t, const char *suffix)
{
  size_t n = strlen (t->path) + strlen (suffix) + 1;
  char *backup = malloc (n);
  if (!backup)
    {
      target_error (t, "cannot keep the original", ENOMEM);
      return -1;
    }
  snprintf (backup, n, "%s%s", t->path, suffix);
  int r = link (t->path, backup);
  if (r < 0)
    {
      char what[PATH_MAX + 64];
      int e = errno;
      snprintf (what, sizeof what, "cannot keep the original as '%s'",
                backup);
      target_error (t, what, e);
    }
  free (backup);
  return r;
}

/* Standard output, a device or a FIFO: what it got cannot be taken back,
   so it gets the rest of what was written (whole messages only, unless a
   read error broke one off: output_halt).  */
static int
finish_stream (struct target *t)
{
  int e = output_flush (&t->out) < 0 ? t->out.err : 0;
  output_close (&t->out);
  if (t->fd >= 0 && close (t->fd) != 0 && !e)
    e = errno;
  if (t->held >= 0 && close (t->held) != 0 && !e)
    e = errno;
  t->fd = t->held = -1;
  if (!e)
    return 0;
  target_error (t, "write error", e);
  return -1;
}

static int
commit_failed (struct target *t, const char *what)
{
  target_error (t, what, errno);
  target_abort (t);
  return -1;
}

int
target_pass (struct target *t)
{
  if (t->held < 0)
    return 0;
  if (output_flush (&t->out) < 0 || lseek (t->fd, 0, SEEK_SET) < 0)
    {
      target_error (t, "cannot hold the report in a temporary file",
                    t->out.err ? t->out.err : errno);
      return -1;
    }
  struct output stream;
  if (output_open (&stream, t->held) < 0)
    {
      target_error (t, "cannot allocate a buffer", ENOMEM);
      return -1;
    }
  unsigned char buf[64 * 1024];
  ssize_t r;
  while ((r = read (t->fd, buf, sizeof buf)) != 0 && !stream.err)
    if (r > 0)
      output_bytes (&stream, buf, (size_t) r);
    else if (errno != EINTR)
      break;
  int e = r < 0 ? errno : 0;
  output_flush (&stream);
  output_close (&stream);
  if (e)
    target_error (t, "cannot read back its temporary file", e);
  else if (stream.err)
    target_error (t, "write error", stream.err);
  else if (ftruncate (t->fd, 0) < 0 || lseek (t->fd, 0, SEEK_SET) < 0)
    target_error (t, "cannot empty its temporary file", e = errno);
  if (e || stream.err)
    return -1;
  t->passed = t->out.bytes;
  return 0;
}

int
target_commit (struct target *t, const char *suffix)
{
  if (!t->tmp)
    {
      if (target_pass (t) < 0)
        {
          target_abort (t);
          return -1;
        }
      return finish_stream (t);
    }
  int e = output_flush (&t->out) < 0 ? t->out.err : 0;
  output_close (&t->out);
  if (e)
    {
      errno = e;
      return commit_failed (t, "write error");
    }
  if (fsync (t->fd) < 0)
    return commit_failed (t, "cannot sync the temporary file");
  int fd = t->fd;
  t->fd = -1;
  if (close (fd) < 0)
    return commit_failed (t, "cannot close the temporary file");
  /* What appeared under the name since the open (an -i backup, say) is
     held to the same rule.  */
  struct stat st;
  if (t->role == TARGET_REPORT && stat (t->path, &st) == 0
      && check_replaceable (t, &st) < 0)
    {
      target_abort (t);
      return -1;
    }
  if (suffix && *suffix && keep_original (t, suffix) < 0)
    {
      target_abort (t);
      return -1;
    }
  if (rename (t->tmp, t->path) < 0)
    return commit_failed (t, "cannot rename the temporary file");
  target_pending_done (t->tmp);
  free (t->tmp);
  t->tmp = NULL;
  int r = sync_directory (t->path);
  if (r < 0)
    target_error (t, "cannot sync its directory", errno);
  free (t->path);
  t->path = NULL;
  return r;
}

void
target_abort (struct target *t)
{
  if (!t->tmp)
    {
      finish_stream (t);
      return;
    }
  output_close (&t->out);
  if (t->fd >= 0)
    close (t->fd);
  t->fd = -1;
  target_pending_done (t->tmp);
  unlink (t->tmp);
  free (t->tmp);
  t->tmp = NULL;
  free (t->path);
  t->path = NULL;
}

int
target_rewind (struct target *t, uint64_t bytes)
{
  if ((!t->tmp && t->held < 0) || t->out.bytes <= bytes)
    return 0;
  if (output_flush (&t->out) < 0)
    {
      target_error (t, "write error", t->out.err);
      return -1;
    }
  /* What was passed on stays with the stream.  */
  if (bytes < t->passed)
    bytes = t->passed;
  if (ftruncate (t->fd, (off_t) (bytes - t->passed)) < 0
      || lseek (t->fd, (off_t) (bytes - t->passed), SEEK_SET) < 0)
    {
      target_error (t, "cannot cut the temporary file", errno);
      return -1;
    }
  t->out.bytes = bytes;
  return 0;
}

/* What a use is called in a message.  */
static void
describe (const struct file_use *u, char *buf, size_t n)
{
  static const char *const kinds[] = { "input", "--output", "--in-place",
                                       "--report" };
  if (u->name)
    snprintf (buf, n, "%s '%s'", kinds[u->kind], u->name);
  else
    snprintf (buf, n, "%s", u->kind == USE_INPUT ? "standard input"
              : "standard output");
}

/* One use looked at: its file, when it is one that two uses could
   clobber each other through (a terminal or /dev/null can take
   several).  */
struct seen
{
  dev_t dev;
  ino_t ino;
  const struct file_use *use;
};

static int
file_cmp (const void *a, const void *b)
{
  const struct seen *x = a, *y = b;
  if (x->dev != y->dev)
    return x->dev < y->dev ? -1 : 1;
  return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static int
seen_cmp (const void *a, const void *b)
{
  const struct seen *x = a, *y = b;
  int c = file_cmp (a, b);
  /* Writers first, so that a clash names one; then in command-line
     order.  */
  if (!c)
    c = (x->use->kind == USE_INPUT) - (y->use->kind == USE_INPUT);
  return c ? c : (x->use > y->use) - (x->use < y->use);
}

/* "A and B are the same file", A being the BACKUP of a when given.  */
static int
same_file (const struct file_use *a, const char *backup,
           const struct file_use *b)
{
  char x[PATH_MAX + 32], y[PATH_MAX + 32];
  describe (a, x, sizeof x);
  describe (b, y, sizeof y);
  char what[4 * PATH_MAX];
  if (backup)
    snprintf (what, sizeof what, "the backup '%s' of %s and %s are the "
              "same file", backup, x, y);
  else
    snprintf (what, sizeof what, "%s and %s are the same file", x, y);
  diag_error (what, 0);
  return -1;
}

/* The backups -i would make, against everything else the run names.  */
static int
check_backups (const struct seen *seen, size_t k, const struct file_use *uses,
               size_t n, const char *suffix)
{
  for (size_t i = 0; i < n; i++)
    {
      if (uses[i].kind != USE_IN_PLACE)
        continue;
      char *path = resolve_links (uses[i].name);
      if (!path)
        continue;
      char backup[PATH_MAX + 64];
      snprintf (backup, sizeof backup, "%s%s", path, suffix);
      free (path);
      struct stat st;
      if (stat (backup, &st) < 0)
        continue;
      struct seen key = { st.st_dev, st.st_ino, &uses[i] };
      const struct seen *clash = bsearch (&key, seen, k, sizeof *seen,
                                          file_cmp);
      if (clash)
        return same_file (&uses[i], backup, clash->use);
    }
  return 0;
}

/* Where NAME, which does not exist yet, would be made: its links
   followed and its directory's real path.  Malloc'd; NULL when that
   cannot be told (the run's own open then says why).  */
static char *
future_path (const char *name)
{
  char *path = resolve_links (name);
  if (!path)
    return NULL;
  char *slash = strrchr (path, '/');
  const char *base = slash ? slash + 1 : path;
  if (slash)
    *slash = 0;
  char *dir = realpath (slash ? (*path ? path : "/") : ".", NULL);
  char *full = dir ? malloc (strlen (dir) + strlen (base) + 2) : NULL;
  if (full)
    sprintf (full, "%s/%s", dir, base);
  free (dir);
  free (path);
  return full;
}

/* A file that does not exist yet, to be made by USE (its backup when
   BACKUP): two of them at one path are one file.  */
struct future
{
  char *path;
  const struct file_use *use;
  const char *backup;
};

/* Refuse two files to be made at one path: -o and --report both new, or
   the report where -i is about to make a backup.  */
static int
check_futures (const struct file_use *uses, size_t n, const char *suffix)
{
  struct future *f = calloc (2 * n + 1, sizeof *f);
  char (*backups)[PATH_MAX + 64] = malloc ((n + 1) * sizeof *backups);
  size_t k = 0;
  int r = 0;
  if (!f || !backups)
    {
      diag_error ("cannot check the file names", ENOMEM);
      r = -1;
    }
  for (size_t i = 0; i < n && !r; i++)
    {
      struct stat st;
      char *path;
      if (uses[i].kind == USE_INPUT || !uses[i].name)
        continue;
      if (stat (uses[i].name, &st) < 0 && errno == ENOENT
          && (path = future_path (uses[i].name)))
        f[k++] = (struct future) { path, &uses[i], NULL };
      if (uses[i].kind != USE_IN_PLACE || !suffix || !*suffix
          || !(path = resolve_links (uses[i].name)))
        continue;
      snprintf (backups[i], sizeof backups[i], "%s%s", path, suffix);
      free (path);
      if (stat (backups[i], &st) < 0 && errno == ENOENT
          && (path = future_path (backups[i])))
        f[k++] = (struct future) { path, &uses[i], backups[i] };
    }
  for (size_t i = 0; i < k && !r; i++)
    for (size_t j = i + 1; j < k && !r; j++)
      if (!strcmp (f[i].path, f[j].path))
        r = f[j].backup ? same_file (f[j].use, f[j].backup, f[i].use)
            : same_file (f[i].use, f[i].backup, f[j].use);
  for (size_t i = 0; i < k; i++)
    free (f[i].path);
  free (f);
  free (backups);
  return r;
}

int
target_check_distinct (const struct file_use *uses, size_t n,
                       const char *suffix)
{
  struct seen *seen = malloc ((n ? n : 1) * sizeof *seen);
  if (!seen)
    {
      diag_error ("cannot check the file names", ENOMEM);
      return -1;
    }
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    {
      struct stat st;
      int fd = uses[i].kind == USE_INPUT ? STDIN_FILENO : STDOUT_FILENO;
      if ((uses[i].name ? stat (uses[i].name, &st) : fstat (fd, &st)) < 0
          || !(S_ISREG (st.st_mode) || S_ISFIFO (st.st_mode)))
        continue;
      seen[k++] = (struct seen) { st.st_dev, st.st_ino, &uses[i] };
    }
  qsort (seen, k, sizeof *seen, seen_cmp);
  int r = 0;
  for (size_t i = 0; i + 1 < k && !r; i++)
    if (seen[i].dev == seen[i + 1].dev && seen[i].ino == seen[i + 1].ino
        && seen[i].use->kind != USE_INPUT)
      r = same_file (seen[i].use, NULL, seen[i + 1].use);
  if (!r && suffix && *suffix)
    r = check_backups (seen, k, uses, n, suffix);
  free (seen);
  return r ? r : check_futures (uses, n, suffix);
}
