/* Input: buffered reads, look-ahead and spill.  */
#include <config.h>
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Below this much free room the buffer is compacted (or spilled) before a
   read, so that reads stay large.  */
#define READ_MIN ((size_t) 256 * 1024)
/* The kernel copies into page-aligned memory several times faster.  */
#define PAGE ((size_t) 4096)
#define CACHE_CAP ((size_t) 128 * 1024)
/* Reads no larger than this keep the bytes in cache between the read, the
   framing and the line count that follow it.  */
#define READ_MAX ((size_t) 256 * 1024)
#define COMPACT_MAX ((uint64_t) 4 * 1024)
/* A jump ahead in a regular file further than this is not read through.  */
#define SKIP_MIN ((uint64_t) 1 << 20)
#define PUNCH_STEP ((uint64_t) 1 << 20)

int
input_open (struct input *in, int fd, const char *name, size_t mem_cap)
{
  memset (in, 0, sizeof *in);
  in->fd = fd;
  in->name = name;
  in->spill_fd = -1;
  struct stat st;
  off_t pos;
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode)
      && (pos = lseek (fd, 0, SEEK_CUR)) >= 0)
    {
      in->reread = 1;
      in->file_base = (uint64_t) pos;
      /* As cat does: a larger read-ahead, for a file read front to back
         (the jumps over long data go forward too).  A hint: its failure
         changes nothing.  */
#if HAVE_POSIX_FADVISE
      posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    }
  if (mem_cap < 2 * READ_MIN)
    mem_cap = 2 * READ_MIN;
  in->mem_cap = mem_cap;
  in->base = aligned_alloc (PAGE, (mem_cap + PAGE - 1) / PAGE * PAGE + PAGE);
  in->mem = in->base;
  in->cache_cap = CACHE_CAP;
  in->cache = aligned_alloc (PAGE, CACHE_CAP);
  if (!in->base || !in->cache)
    {
      free (in->base);
      free (in->cache);
      errno = ENOMEM;
      return -1;
    }
  return 0;
}

void
input_close (struct input *in)
{
  /* Read to its end, a regular file is left positioned there, as a
     filter that read it would leave it (POSIX asks it of utilities that
     read a seekable standard input): what reads the descriptor next, a
     second "-" or the next command of a shell's { ...; } < file, starts
     after it.  pread never moved the offset.  */
  if (in->reread && in->eof && !in->err)
    lseek (in->fd, (off_t) (in->file_base + input_size (in)), SEEK_SET);
  free (in->base);
  free (in->cache);
  free (in->lines);
  in->lines = NULL;
  if (in->spill_fd >= 0)
    close (in->spill_fd);
  in->base = in->mem = in->cache = NULL;
  in->spill_fd = -1;
}

static void
fail (struct input *in, const char *what)
{
  if (!in->err)
    {
      in->err = errno ? errno : EIO;
      in->err_what = what;
      if (in->on_error)
        in->on_error (in->on_error_ctx);
    }
  in->eof = 1;
}

int
temporary_file (void)
{
  const char *dir = getenv ("TMPDIR");
  if (!dir || !*dir)
    dir = "/tmp";
  size_t n = strlen (dir) + sizeof "/ccfix.XXXXXX";
  char *path = malloc (n);
  if (!path)
    return -1;
  snprintf (path, n, "%s/ccfix.XXXXXX", dir);
  int fd = mkstemp (path);
  if (fd >= 0)
    unlink (path);
  free (path);
  return fd;
}

static int
spill_create (struct input *in)
{
  int fd = temporary_file ();
  if (fd < 0)
    return -1;
  in->spill_fd = fd;
  in->spill_off = in->mem_off;
  return 0;
}

/* Drop the first N bytes of memory.  The rest moves to where a byte at
   an offset on a page boundary lies on a page, so that reads (at the
   offsets that follow) go to page-aligned memory.  */
static void
slide (struct input *in, size_t n)
{
  uint64_t off = in->mem_off + n;
  unsigned char *to = in->base + (size_t) (off % PAGE);
  memmove (to, in->mem + n, in->mem_len - n);
  in->mem = to;
  in->mem_off = off;
  in->mem_len -= n;
}

/* Move the first N bytes of memory to the end of the spill file (or, for
   a regular file, just out of memory).  */
static int
spill (struct input *in, size_t n)
{
  if (!in->reread && in->spill_fd < 0 && spill_create (in) < 0)
    return -1;
  uint64_t pos = in->mem_off - in->spill_off;
  for (size_t done = 0; !in->reread && done < n;)
    {
      ssize_t w = pwrite (in->spill_fd, in->mem + done, n - done,
                          (off_t) (pos + done));
      if (w < 0)
        {
          if (errno == EINTR)
            continue;
          return -1;
        }
      done += (size_t) w;
    }
  if (!in->reread)
    in->spilled += n;
  slide (in, n);
  return 0;
}

/* Make room for a large read: drop what is released, then spill the older
   half of what is still kept.  */
static int
make_room (struct input *in)
{
  uint64_t kept = in->mem_off + in->mem_len - in->keep;
  /* Compacting early, while little is kept, makes reads reuse the start
     of the buffer: the bytes stay in cache from read() to write().  */
  if (in->mem_cap - in->mem_len >= READ_MIN && kept > COMPACT_MAX)
    return 0;
  if (in->keep > in->mem_off)
    {
      uint64_t gone = in->keep - in->mem_off;
      slide (in, gone < in->mem_len ? (size_t) gone : in->mem_len);
    }
  if (in->mem_cap - in->mem_len >= READ_MIN)
    return 0;
  /* What a regular file drops costs a pread to see again, not a write and
     a read: only the newest bytes, framing's neighbourhood, stay.  */
  size_t stay = in->reread ? READ_MIN : in->mem_cap / 2;
  return spill (in, in->mem_len - stay);
}

/* Framing jumps far ahead in a regular file (data of a known length):
   the bytes on the way are not read now but, if ever wanted, later with
   pread.  Only within the size the file has, so that the end is still
   found by reading.  */
static void
skip_to (struct input *in, uint64_t off)
{
  struct stat st;
  uint64_t to = off & ~(uint64_t) 4095;
  if (fstat (in->fd, &st) < 0 || (uint64_t) st.st_size < in->file_base + to)
    return;
  in->mem_off = to;
  in->mem_len = 0;
  in->mem = in->base;
}

static void
fill (struct input *in)
{
  if (in->eof)
    return;
  if (make_room (in) < 0)
    {
      fail (in, "cannot spill look-ahead to a temporary file");
      return;
    }
  for (;;)
    {
      size_t room = in->mem_cap - in->mem_len;
      size_t want = room < READ_MAX ? room : READ_MAX;
      /* Ending on a page boundary keeps the next read page-aligned.  */
      size_t over = (size_t) ((in->mem_off + in->mem_len + want) % PAGE);
      if (want > over + PAGE)
        want -= over;
      /* A regular file is read with pread: its offset never moves, so
         that a second reader can share the descriptor (digest.c).  */
      ssize_t r = in->reread
                  ? pread (in->fd, in->mem + in->mem_len, want,
                           (off_t) (in->file_base + in->mem_off
                                    + in->mem_len))
                  : read (in->fd, in->mem + in->mem_len, want);
      if (r > 0)
        {
          in->mem_len += (size_t) r;
          if (in->on_read)
            in->on_read (in->on_read_ctx, in->mem_off + in->mem_len);
          return;
        }
      if (r == 0)
        {
          in->eof = 1;
          return;
        }
      if (errno != EINTR)
        {
          fail (in, "read error");
          return;
        }
    }
}

static const unsigned char *
from_spill (struct input *in, uint64_t off, size_t *avail)
{
  if (!(off >= in->cache_off && off < in->cache_off + in->cache_len))
    {
      uint64_t left = in->mem_off - off;
      size_t want = left < in->cache_cap ? (size_t) left : in->cache_cap;
      ssize_t r;
      do
        r = in->reread
            ? pread (in->fd, in->cache, want, (off_t) (in->file_base + off))
            : pread (in->spill_fd, in->cache, want,
                     (off_t) (off - in->spill_off));
      while (r < 0 && errno == EINTR);
      if (r <= 0)
        {
          if (r == 0)
            errno = EIO;
          fail (in, in->reread ? "cannot read the input again"
                               : "cannot read back the temporary file");
          in->cache_len = 0;
          return NULL;
        }
      in->cache_off = off;
      in->cache_len = (size_t) r;
    }
  *avail = (size_t) (in->cache_off + in->cache_len - off);
  return in->cache + (off - in->cache_off);
}

const unsigned char *
input_at_slow (struct input *in, uint64_t off, size_t *avail)
{
  if (off < in->mem_off)
    return from_spill (in, off, avail);
  if (in->reread && !in->eof && off - (in->mem_off + in->mem_len) > SKIP_MIN)
    skip_to (in, off);
  while (off >= in->mem_off + in->mem_len)
    {
      if (in->eof)
        return NULL;
      fill (in);
    }
  *avail = (size_t) (in->mem_off + in->mem_len - off);
  return in->mem + (off - in->mem_off);
}

int
input_at_end (struct input *in, uint64_t off)
{
  size_t avail;
  return input_at (in, off, &avail) == NULL;
}

uint64_t
input_find_lf (struct input *in, uint64_t off)
{
  for (;;)
    {
      size_t avail;
      const unsigned char *p = input_at (in, off, &avail);
      if (!p)
        return off;
      const unsigned char *lf = memchr (p, '\n', avail);
      if (lf)
        return off + (uint64_t) (lf - p);
      off += avail;
    }
}

uint64_t
input_size (const struct input *in)
{
  return in->mem_off + in->mem_len;
}

void
input_release (struct input *in, uint64_t off)
{
  if (off <= in->keep)
    return;
  in->keep = off;
  if (in->spill_fd < 0)
    return;
  /* Once nothing in the spill file is needed, start it afresh so that it
     never holds more than one look-ahead.  */
  if (off >= in->mem_off && in->spill_off < in->mem_off)
    {
      if (ftruncate (in->spill_fd, 0) < 0)
        fail (in, "cannot truncate the temporary file");
      in->spill_off = in->mem_off;
      in->punched = 0;
      return;
    }
#if defined HAVE_FALLOCATE && defined FALLOC_FL_PUNCH_HOLE
  /* A look-ahead that keeps sliding never lets the file start afresh:
     give its released start back to the disk, so that it holds no more
     than is still needed.  A file system that cannot is only larger.  */
  uint64_t done = (off - in->spill_off) & ~(PUNCH_STEP - 1);
  if (off > in->spill_off && done >= in->punched + PUNCH_STEP)
    {
      /* Tried once per step, whatever the answer.  */
      fallocate (in->spill_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                 (off_t) in->punched, (off_t) (done - in->punched));
      in->punched = done;
    }
#endif
}
