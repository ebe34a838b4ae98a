/* Delivering message files.  */
#include <config.h>
#include "maildir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grow.h"
#include "target.h"

/* Mail is private: what ccfix creates is its owner's alone, as Dovecot
   and Courier make it.  */
#define DIR_MODE 0700
#define FILE_MODE 0600

/* Tries at a free temporary name before giving up: another try is needed
   only when a crashed run with the same process id left one behind.  */
#define TMP_TRIES 100

#define COMPARE_CHUNK ((size_t) 16 * 1024)

static int
make_dir (int at, const char *name)
{
  return mkdirat (at, name, DIR_MODE) < 0 && errno != EEXIST ? -1 : 0;
}

/* Open the directory NAME in AT, not following a symbolic link.  */
static int
open_dir (int at, const char *name)
{
  return openat (at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Close FD, keeping errno: for the way out of a failure.  */
static void
close_keep_errno (int fd)
{
  int e = errno;
  if (fd >= 0)
    close (fd);
  errno = e;
}

/* cur, new and tmp in AT.  */
static int
make_maildir (int at)
{
  return make_dir (at, "cur") < 0 || make_dir (at, "new") < 0
    || make_dir (at, "tmp") < 0 ? -1 : 0;
}

/* A file of ccfix's that a reader renamed.  */
struct found
{
  char *name;
  int in_new;
};

struct maildir_seen
{
  char *folder;
  struct found *files;         /* sorted by their unique names */
  size_t n;
};

void
maildir_init (struct maildir *md)
{
  md->tmp = md->cur = md->new = -1;
  md->seen = NULL;
  md->nseen = md->seen_cap = md->at = 0;
}

void
maildir_free (struct maildir *md)
{
  maildir_close (md);
  for (size_t i = 0; i < md->nseen; i++)
    {
      for (size_t k = 0; k < md->seen[i].n; k++)
        free (md->seen[i].files[k].name);
      free (md->seen[i].files);
      free (md->seen[i].folder);
    }
  free (md->seen);
  md->seen = NULL;
  md->nseen = md->seen_cap = 0;
}

/* The length of NAME's unique part (what comes before the ':' of its
   info), when NAME is one ccfix gives: "ORDINAL.HASH.ccfix" and any
   info.  Else 0.  */
static size_t
ccfix_unique (const char *name)
{
  size_t d = strspn (name, "0123456789");
  if (d == 0 || name[d] != '.'
      || strspn (name + d + 1, "0123456789abcdef") != 16
      || strncmp (name + d + 17, ".ccfix", 6) != 0)
    return 0;
  size_t n = d + 23;
  return name[n] == ':' || name[n] == '\0' ? n : 0;
}

static int
cmp_unique (const char *a, const char *b)
{
  size_t na = strcspn (a, ":"), nb = strcspn (b, ":");
  int c = memcmp (a, b, na < nb ? na : nb);
  return c ? c : (na > nb) - (na < nb);
}

static int
cmp_found (const void *a, const void *b)
{
  const struct found *x = a, *y = b;
  int c = cmp_unique (x->name, y->name);
  /* cur/ first, then the name: the same order whatever readdir gives.  */
  return c ? c : x->in_new != y->in_new ? x->in_new - y->in_new
    : strcmp (x->name, y->name);
}

static int
cmp_key (const void *a, const void *b)
{
  return cmp_unique (((const struct found *) a)->name,
                     ((const struct found *) b)->name);
}

/* Add to S the files of ccfix's in the directory FD (new/ when IN_NEW)
   that a reader has renamed: in cur/ those whose info is not ccfix's
   ":2,", in new/ every one (ccfix never writes there).  */
static int
scan (struct maildir_seen *s, size_t *cap, int fd, int in_new)
{
  int dup_fd = dup (fd);
  DIR *d = dup_fd < 0 ? NULL : fdopendir (dup_fd);
  if (!d)
    {
      close_keep_errno (dup_fd);
      return -1;
    }
  int r = 0;
  errno = 0;
  for (struct dirent *e; (e = readdir (d)); errno = 0)
    {
      size_t u = ccfix_unique (e->d_name);
      if (!u || (!in_new && strcmp (e->d_name + u, ":2,") == 0))
        continue;
      struct found *f = grow (s->files, cap, s->n + 1, sizeof *f);
      char *name = f ? strdup (e->d_name) : NULL;
      if (!name)
        {
          if (f)
            s->files = f;
          r = -1;
          break;
        }
      s->files = f;
      s->files[s->n++] = (struct found) { name, in_new };
    }
  if (errno != 0)
    r = -1;
  int e = errno;
  closedir (d);
  errno = e;
  return r;
}

/* Find or make MD's entry for FOLDER, and read its cur/ and new/ when
   it is new.  Once per folder and input, not per message: a tree of
   millions of files is read once, and only the renamed files are kept,
   which a conversion into a fresh tree has none of.  A file a reader
   renames after that is not seen (see delivery_commit).  */
static int
seen_folder (struct maildir *md, const char *folder)
{
  for (md->at = 0; md->at < md->nseen; md->at++)
    if (strcmp (md->seen[md->at].folder, folder) == 0)
      return 0;
  struct maildir_seen *s = grow (md->seen, &md->seen_cap, md->nseen + 1,
                                 sizeof *s);
  if (!s)
    return -1;
  md->seen = s;
  s += md->nseen;
  *s = (struct maildir_seen) { strdup (folder), NULL, 0 };
  size_t cap = 0;
  if (!s->folder || scan (s, &cap, md->cur, 0) < 0
      || scan (s, &cap, md->new, 1) < 0)
    {
      int e = errno;
      for (size_t k = 0; k < s->n; k++)
        free (s->files[k].name);
      free (s->files);
      free (s->folder);
      errno = e;
      return -1;
    }
  /* Not with no files: qsort's array may not be a null pointer.  */
  if (s->n > 1)
    qsort (s->files, s->n, sizeof *s->files, cmp_found);
  md->nseen++;
  return 0;
}

int
maildir_open (struct maildir *md, const char *dir, const char *folder)
{
  md->tmp = md->cur = md->new = -1;
  if (*folder && (folder[0] != '.' || strchr (folder, '/')
                  || strcmp (folder, ".") == 0 || strcmp (folder, "..") == 0))
    {
      errno = EINVAL;
      return -1;
    }
  if (make_dir (AT_FDCWD, dir) < 0)
    return -1;
  int top = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (top < 0)
    return -1;
  /* DIR is the inbox and must be a Maildir even when only folders get
     mail: readers look for the folders inside it.  */
  int f = top;
  if (make_maildir (top) < 0)
    goto fail;
  if (*folder)
    {
      if (make_dir (top, folder) < 0 || (f = open_dir (top, folder)) < 0)
        goto fail;
      /* Not blocking on a FIFO there, which is no marker.  */
      int m = openat (f, "maildirfolder", O_WRONLY | O_CREAT | O_NOFOLLOW
                      | O_NONBLOCK | O_CLOEXEC, FILE_MODE);
      struct stat st;
      if (m >= 0 && fstat (m, &st) == 0 && !S_ISREG (st.st_mode))
        {
          close (m);
          m = -1;
          errno = EEXIST;
        }
      if (m < 0 || close (m) < 0 || make_maildir (f) < 0)
        goto fail;
    }
  if ((md->tmp = open_dir (f, "tmp")) < 0
      || (md->cur = open_dir (f, "cur")) < 0
      || (md->new = open_dir (f, "new")) < 0
      || seen_folder (md, folder) < 0)
    goto fail;
  if (f != top)
    close (f);
  close (top);
  return 0;

fail:
  maildir_close (md);
  if (f >= 0 && f != top)
    close_keep_errno (f);
  close_keep_errno (top);
  return -1;
}

void
maildir_close (struct maildir *md)
{
  close_keep_errno (md->tmp);
  close_keep_errno (md->cur);
  close_keep_errno (md->new);
  md->tmp = md->cur = md->new = -1;
}

int
maildir_deliver (struct delivery *d, const struct maildir *md,
                 uint64_t ordinal, const char *hash)
{
  if (strlen (hash) != 16 || strspn (hash, "0123456789abcdef") != 16)
    {
      d->fd = -1;
      d->name = d->tmp = d->found = NULL;
      d->failed = "not a hash of 16 hex digits";
      errno = EINVAL;
      return -1;
    }
  /* 20 digits, '.', the hash, ".ccfix:2," and the NUL.  */
  char name[20 + 1 + 16 + 9 + 1];
  snprintf (name, sizeof name, "%" PRIu64 ".%s.ccfix:2,", ordinal, hash);
  if (delivery_open (d, md->tmp, md->cur, name) < 0)
    return -1;
  /* Maildir's unique name is what comes before the ':'; a reader that
     sets a flag renames "...:2," to "...:2,S", which link() would not
     see taken.  */
  const struct maildir_seen *s = md->at < md->nseen ? &md->seen[md->at]
                                 : NULL;
  struct found key = { name, 0 };
  const struct found *f = s && s->n ? bsearch (&key, s->files, s->n,
                                               sizeof key, cmp_key) : NULL;
  /* The first of several (a copy in cur/ and in new/): the same one on
     every run.  */
  while (f && f > s->files && cmp_key (f - 1, &key) == 0)
    f--;
  if (f)
    {
      d->found = strdup (f->name);
      if (!d->found)
        {
          delivery_abort (d);
          d->failed = "cannot create a temporary file";
          errno = ENOMEM;
          return -1;
        }
      d->found_dir = f->in_new ? md->new : md->cur;
      d->found_in = f->in_new ? "new" : "cur";
    }
  return 0;
}

int
dir_open (const char *dir, const char *rel)
{
  if (make_dir (AT_FDCWD, dir) < 0)
    return -1;
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  for (const char *p = rel; fd >= 0 && *p;)
    {
      size_t n = strcspn (p, "/");
      char part[NAME_MAX + 1];
      if (n > NAME_MAX)
        {
          close (fd);
          errno = ENAMETOOLONG;
          return -1;
        }
      memcpy (part, p, n);
      part[n] = '\0';
      p += n + (p[n] == '/');
      if (n == 0)
        continue;
      if (strcmp (part, ".") == 0 || strcmp (part, "..") == 0)
        {
          close (fd);
          errno = EINVAL;
          return -1;
        }
      int sub = make_dir (fd, part) < 0 ? -1 : open_dir (fd, part);
      close_keep_errno (fd);
      fd = sub;
    }
  return fd;
}

int
delivery_open (struct delivery *d, int tmpdir, int dir, const char *name)
{
  d->dir = dir;
  d->tmpdir = tmpdir;
  d->fd = -1;
  d->failed = NULL;
  d->tmp = d->found = NULL;
  d->name = strdup (name);
  /* A leading '.': never a name ccfix gives a message, and hidden.  */
  size_t n = strlen (name) + sizeof ".ccfix..." + 2 * 20;
  if (d->name)
    d->tmp = malloc (n);
  if (!d->tmp)
    {
      free (d->name);
      d->name = NULL;
      d->failed = "cannot create a temporary file";
      errno = ENOMEM;
      return -1;
    }
  /* No signal between making the file and listing it for the signal
     handler to remove.  */
  sigset_t all, old;
  sigfillset (&all);
  pthread_sigmask (SIG_BLOCK, &all, &old);
  for (int k = 0; k < TMP_TRIES && d->fd < 0; k++)
    {
      snprintf (d->tmp, n, ".ccfix.%ld.%d.%s", (long) getpid (), k, name);
      d->fd = openat (tmpdir, d->tmp,
                      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                      FILE_MODE);
      if (d->fd < 0 && errno != EEXIST)
        break;
    }
  if (d->fd >= 0 && target_pending (tmpdir, d->tmp) < 0)
    {
      int e = errno;
      close (d->fd);
      unlinkat (tmpdir, d->tmp, 0);
      d->fd = -1;
      errno = e;
    }
  int saved = errno;
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  errno = saved;
  if (d->fd < 0)
    {
      int e = errno;
      free (d->tmp);
      free (d->name);
      d->tmp = d->name = NULL;
      d->failed = "cannot create a temporary file";
      errno = e;
      return -1;
    }
  return 0;
}

static int
fail (struct delivery *d, const char *what)
{
  int e = errno;
  d->failed = what;
  delivery_abort (d);
  errno = e;
  return -1;
}

/* Read up to N bytes, fewer only at the end of the file.  */
static ssize_t
read_full (int fd, unsigned char *p, size_t n)
{
  size_t got = 0;
  while (got < n)
    {
      ssize_t r = read (fd, p + got, n - got);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return -1;
      if (r == 0)
        break;
      got += (size_t) r;
    }
  return (ssize_t) got;
}

/* 1 when the regular file NAME in DIR holds the bytes of D's temporary
   file, 0 when anything else is there, -1 with errno set when they
   cannot be read.  */
static int
same_bytes (const struct delivery *d, int dir, const char *name)
{
  /* Not blocking: a FIFO under the name is no message, and must not
     hold the run.  */
  int old = openat (dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (old < 0)
    return errno == ELOOP ? 0 : -1;
  int neu = openat (d->tmpdir, d->tmp, O_RDONLY | O_CLOEXEC);
  struct stat so, sn;
  int same = -1;
  if (neu >= 0 && fstat (old, &so) == 0 && fstat (neu, &sn) == 0)
    same = S_ISREG (so.st_mode) && so.st_size == sn.st_size;
  unsigned char a[COMPARE_CHUNK], b[COMPARE_CHUNK];
  while (same == 1)
    {
      ssize_t na = read_full (old, a, sizeof a);
      ssize_t nb = na < 0 ? -1 : read_full (neu, b, sizeof b);
      if (na < 0 || nb < 0)
        same = -1;
      else if (na != nb || memcmp (a, b, (size_t) na) != 0)
        same = 0;
      else if (na == 0)
        break;
    }
  close_keep_errno (old);
  close_keep_errno (neu);
  return same;
}

int
delivery_commit (struct delivery *d, const struct timespec *mtime)
{
  if (mtime)
    {
      const struct timespec t[2] = { *mtime, *mtime };
      if (futimens (d->fd, t) < 0)
        return fail (d, "cannot set the modification time");
    }
  if (fsync (d->fd) < 0)
    return fail (d, "cannot sync the temporary file");
  int fd = d->fd;
  d->fd = -1;
  if (close (fd) < 0)
    return fail (d, "cannot close the temporary file");
  int status = DELIVERED, same = -1;
  /* The file a reader renamed is compared with, never linked to: it is
     the same message.  Should the reader have renamed it again or
     deleted it since the folder was read, it is delivered anew under
     its own name rather than the folder read again for each message.  */
  if (d->found)
    {
      same = same_bytes (d, d->found_dir, d->found);
      if (same < 0 && errno != ENOENT)
        return fail (d, "cannot compare with the file already there");
    }
  if (same < 0 && linkat (d->tmpdir, d->tmp, d->dir, d->name, 0) < 0)
    {
      if (errno != EEXIST)
        return fail (d, "cannot give the file its name");
      same = same_bytes (d, d->dir, d->name);
      if (same < 0)
        return fail (d, "cannot compare with the file already there");
    }
  if (same >= 0)
    status = same ? DELIVERY_SAME : DELIVERY_CONFLICT;
  if (unlinkat (d->tmpdir, d->tmp, 0) < 0)
    return fail (d, "cannot remove the temporary file");
  target_pending_done (d->tmp);
  free (d->tmp);
  free (d->name);
  free (d->found);
  d->tmp = d->name = d->found = NULL;
  return status;
}

void
delivery_abort (struct delivery *d)
{
  if (d->fd >= 0)
    close (d->fd);
  d->fd = -1;
  if (d->tmp)
    {
      unlinkat (d->tmpdir, d->tmp, 0);
      target_pending_done (d->tmp);
    }
  free (d->tmp);
  free (d->name);
  free (d->found);
  d->tmp = d->name = d->found = NULL;
}
