/* Output.  */
#include <config.h>
#include "output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OUT_CAP ((size_t) 128 * 1024)
/* A queued run is written once it is this long: large writes, and the
   input never holds much on its behalf.  */
#define RUN_MAX ((uint64_t) 256 * 1024)
/* A run no longer than this is copied into the buffer.  */
#define RUN_SHORT ((uint64_t) 16 * 1024)

int
output_open (struct output *out, int fd)
{
  memset (out, 0, sizeof *out);
  out->fd = fd;
  out->cap = OUT_CAP;
  out->buf = aligned_alloc (4096, OUT_CAP);
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

/* Append N bytes from P to the buffer, writing it out when full.  */
static void
buffer (struct output *out, const unsigned char *p, size_t n)
{
  if (n <= out->cap - out->len)
    {
      memcpy (out->buf + out->len, p, n);
      out->len += n;
      return;
    }
  while (n > 0 && !out->err)
    {
      if (out->len == out->cap)
        {
          write_all (out, out->buf, out->len);
          out->len = 0;
        }
      size_t k = out->cap - out->len < n ? out->cap - out->len : n;
      memcpy (out->buf + out->len, p, k);
      out->len += k;
      p += k;
      n -= k;
    }
}

/* Write the queued run after what is buffered: a short one joins the
   buffer, a long one follows it straight from the input.  */
static void
write_run (struct output *out)
{
  struct input *in = out->run_in;
  uint64_t from = out->run_from, to = out->run_to;
  out->run_in = NULL;
  const unsigned char *p;
  size_t n;
  if (to - from <= RUN_SHORT)
    while (!out->err && input_chunk (in, &from, to, &p, &n))
      buffer (out, p, n);
  else
    {
      write_all (out, out->buf, out->len);
      out->len = 0;
      while (!out->err && input_chunk (in, &from, to, &p, &n))
        write_all (out, p, n);
    }
  /* Bytes read once that cannot be read again: the output breaks off
     there, never with a gap (the input says why).  */
  if (from < to)
    out->halted = 1;
}

/* Whether bytes given now may be written: the queued run goes first, as
   it comes before them.  Not when only counting, nor after a failed
   write or a halt.  */
static int
ready (struct output *out)
{
  if (out->fd < 0 || out->err || out->halted)
    return 0;
  if (out->run_in)
    write_run (out);
  return !out->err && !out->halted;
}

int
output_flush (struct output *out)
{
  if (out->fd >= 0)
    {
      if (out->run_in)
        write_run (out);
      write_all (out, out->buf, out->len);
    }
  out->len = 0;
  return out->err ? -1 : 0;
}

uint64_t
output_needs (const struct output *out, const struct input *in, uint64_t off)
{
  return out->run_in == in && out->run_from < off ? out->run_from : off;
}

void
output_close (struct output *out)
{
  free (out->buf);
  out->buf = NULL;
}

void
output_halt (void *ctx)
{
  struct output *out = ctx;
  out->halted = 1;
}

void
output_bytes (struct output *out, const unsigned char *p, size_t n)
{
  out->bytes += n;
  if (ready (out))
    buffer (out, p, n);
}

void
output_copy (struct output *out, struct input *in, uint64_t from,
             uint64_t to)
{
  out->bytes += to - from;
  if (out->fd < 0 || out->err || out->halted || from == to)
    return;
  if (out->run_in == in && out->run_to == from)
    out->run_to = to;
  else
    {
      if (!ready (out))
        return;
      out->run_in = in;
      out->run_from = from;
      out->run_to = to;
    }
  if (out->run_to - out->run_from >= RUN_MAX)
    write_run (out);
}

void
output_slot (struct output *out, uint64_t value, uint64_t width,
             enum slot_style style)
{
  /* Nearly every slot is formatted straight into the buffer.  */
  if (width <= out->cap)
    {
      out->bytes += width;
      if (!ready (out))
        return;
      if (out->cap - out->len < width)
        {
          write_all (out, out->buf, out->len);
          out->len = 0;
        }
      out->len += slot_format (value, width, style, 0, out->buf + out->len,
                               (size_t) width);
      return;
    }
  unsigned char piece[256];
  for (uint64_t done = 0; done < width;)
    {
      size_t n = slot_format (value, width, style, done, piece, sizeof piece);
      output_bytes (out, piece, n);
      done += n;
    }
}

void
output_patched (struct output *out, struct input *in, uint64_t from,
                uint64_t to, const struct output_patch *p, size_t n,
                enum slot_style style)
{
  uint64_t len = to - from;
  for (size_t k = 0; k < n; k++)
    len = len - p[k].width + p[k].new_width;
  /* Nearly every repaired message is short and in memory: it is copied
     into the buffer once, and its slots written over there, rather than
     queued and copied piece by piece around them.  */
  const unsigned char *b;
  size_t avail;
  if (n > 0 && len <= RUN_SHORT && ready (out)
      && (b = input_at (in, from, &avail)) && avail >= to - from)
    {
      out->bytes += len;
      if (out->cap - out->len < len)
        {
          write_all (out, out->buf, out->len);
          out->len = 0;
        }
      unsigned char *o = out->buf + out->len;
      uint64_t at = from;
      for (size_t k = 0; k < n; k++)
        {
          memcpy (o, b + (at - from), (size_t) (p[k].off - at));
          o += p[k].off - at;
          o += slot_format (p[k].value, p[k].new_width, style, 0, o,
                            (size_t) p[k].new_width);
          at = p[k].off + p[k].width;
        }
      memcpy (o, b + (at - from), (size_t) (to - at));
      out->len += (size_t) len;
      return;
    }
  uint64_t at = from;
  for (size_t k = 0; k < n; k++)
    {
      output_copy (out, in, at, p[k].off);
      output_slot (out, p[k].value, p[k].new_width, style);
      at = p[k].off + p[k].width;
    }
  output_copy (out, in, at, to);
}
