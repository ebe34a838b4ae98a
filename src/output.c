/* Output.  */
#include <config.h>
#include "output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OUT_CAP ((size_t) 128 * 1024)

int
output_open (struct output *out, int fd)
{
  memset (out, 0, sizeof *out);
  out->fd = fd;
  out->cap = OUT_CAP;
  out->buf = malloc (OUT_CAP);
  return out->buf ? 0 : -1;
}

static void
write_all (struct output *out, const unsigned char *p, size_t n)
{
  while (n > 0 && !out->err)
    {
      ssize_t w = write (out->fd, p, n);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        {
          out->err = w < 0 ? errno : EIO;
          return;
        }
      p += w;
      n -= (size_t) w;
    }
}

int
output_flush (struct output *out)
{
  if (out->fd >= 0)
    write_all (out, out->buf, out->len);
  out->len = 0;
  return out->err ? -1 : 0;
}

void
output_close (struct output *out)
{
  free (out->buf);
  out->buf = NULL;
}

void
output_bytes (struct output *out, const unsigned char *p, size_t n)
{
  out->bytes += n;
  if (out->fd < 0 || out->err)
    return;
  if (out->len + n > out->cap)
    {
      output_flush (out);
      /* Large runs go straight from the input buffer: no second copy.  */
      if (n >= out->cap)
        {
          write_all (out, p, n);
          return;
        }
    }
  memcpy (out->buf + out->len, p, n);
  out->len += n;
}

void
output_copy (struct output *out, struct input *in, uint64_t from,
             uint64_t to)
{
  if (out->fd < 0)
    {
      out->bytes += to - from;
      return;
    }
  while (from < to && !out->err)
    {
      size_t avail;
      const unsigned char *p = input_at (in, from, &avail);
      if (!p)
        return;
      if (avail > to - from)
        avail = (size_t) (to - from);
      output_bytes (out, p, avail);
      from += avail;
    }
}

void
output_slot (struct output *out, uint64_t value, uint64_t width,
             enum slot_style style)
{
  unsigned char piece[256];
  for (uint64_t done = 0; done < width;)
    {
      size_t n = slot_format (value, width, style, done, piece, sizeof piece);
      output_bytes (out, piece, n);
      done += n;
    }
}
