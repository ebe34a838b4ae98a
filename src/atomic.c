/* Atomic replacement of a file.  */
#include <config.h>
#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The temporary file a signal must not leave behind (one at a time).  */
static char *volatile pending;

int
atomic_open (struct atomic *a, const char *path, const struct stat *like)
{
  memset (a, 0, sizeof *a);
  a->path = path;
  a->fd = -1;
  size_t n = strlen (path) + sizeof ".ccfix-XXXXXX";
  a->tmp = malloc (n);
  if (!a->tmp)
    {
      a->failed = "cannot create a temporary file";
      return -1;
    }
  snprintf (a->tmp, n, "%s.ccfix-XXXXXX", path);
  a->fd = mkstemp (a->tmp);
  if (a->fd < 0)
    {
      int e = errno;
      free (a->tmp);
      a->tmp = NULL;
      a->failed = "cannot create a temporary file";
      errno = e;
      return -1;
    }
  pending = a->tmp;
  mode_t mode;
  if (like)
    {
      mode = like->st_mode & 07777;
      /* Not allowed for an ordinary user unless the owner is already
         right: the mode still follows.  */
      if (fchown (a->fd, like->st_uid, like->st_gid) < 0)
        mode &= 0777;
    }
  else
    {
      mode_t mask = umask (0);
      umask (mask);
      mode = 0666 & ~mask;
    }
  if (fchmod (a->fd, mode) < 0)
    {
      int e = errno;
      a->failed = "cannot set the mode of the temporary file";
      atomic_abort (a);
      errno = e;
      return -1;
    }
  return 0;
}

static int
fail (struct atomic *a, const char *what)
{
  int e = errno;
  a->failed = what;
  atomic_abort (a);
  errno = e;
  return -1;
}

int
atomic_commit (struct atomic *a, const char *suffix)
{
  if (fsync (a->fd) < 0)
    return fail (a, "cannot sync the temporary file");
  int fd = a->fd;
  a->fd = -1;
  if (close (fd) < 0)
    return fail (a, "cannot close the temporary file");
  if (suffix && *suffix)
    {
      size_t n = strlen (a->path) + strlen (suffix) + 1;
      char *backup = malloc (n);
      if (!backup)
        return fail (a, "cannot keep the original");
      snprintf (backup, n, "%s%s", a->path, suffix);
      /* A hard link keeps the original in place until the rename: at no
         moment is there no file under PATH.  */
      if (unlink (backup) < 0 && errno != ENOENT)
        {
          free (backup);
          return fail (a, "cannot replace the old backup");
        }
      int r = link (a->path, backup);
      free (backup);
      if (r < 0)
        return fail (a, "cannot keep the original");
    }
  if (rename (a->tmp, a->path) < 0)
    return fail (a, "cannot rename the temporary file");
  pending = NULL;
  free (a->tmp);
  a->tmp = NULL;
  return 0;
}

void
atomic_abort (struct atomic *a)
{
  if (a->fd >= 0)
    close (a->fd);
  a->fd = -1;
  if (a->tmp)
    {
      pending = NULL;
      unlink (a->tmp);
      free (a->tmp);
      a->tmp = NULL;
    }
}

void
atomic_cleanup_signal (void)
{
  char *p = pending;
  if (p)
    unlink (p);
}
