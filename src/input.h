/* Input: one export stream as a tape of bytes addressed by 64-bit offsets.

   Framing needs to look ahead (a message's count comes before the bytes it
   counts, and the counting rule is learned before the first message is
   written), so the bytes from the oldest one still needed onward are kept:
   in memory up to a bound, the older ones beyond it read again from the
   input itself when it is a regular file, else kept in a temporary spill
   file.  Memory use is flat whatever the size of a message or a stream.  */
#ifndef CCFIX_INPUT_H
#define CCFIX_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct input
{
  int fd;
  const char *name;            /* as given; "-" for standard input */

  unsigned char *base;         /* the buffer MEM lies in */
  unsigned char *mem;          /* holds [mem_off, mem_off + mem_len) */
  size_t mem_cap;
  uint64_t mem_off;
  size_t mem_len;

  /* A regular file: bytes before mem_off are read again from FD at
     FILE_BASE + their offset, and nothing is spilled.  */
  int reread;
  uint64_t file_base;

  int spill_fd;                /* holds [spill_off, mem_off), or -1 */
  uint64_t spill_off;
  uint64_t punched;            /* its first bytes given back to the disk */

  unsigned char *cache;        /* a window read back from the spill file */
  size_t cache_cap;
  uint64_t cache_off;
  size_t cache_len;

  uint64_t keep;               /* bytes before this are no longer needed */
  uint64_t spilled;            /* bytes ever written to the spill file */
  int eof;                     /* the end of the input has been read */
  int err;                     /* errno of a failed read or spill, or 0 */
  const char *err_what;        /* what failed: "read", "spill" */

  /* The lines that lines.c has found and classified, kept so that each
     is found once however often framing asks about it; freed with IN.  */
  struct line_memo *lines;

  /* Told the total read so far after each read, when set.  */
  void (*on_read) (void *ctx, uint64_t bytes);
  void *on_read_ctx;

  /* Called once, when a read first fails, when set.  A failed read looks
     like the end of the input to whoever asked (NULL, -1), so whatever
     is being made from the bytes may be wrong from there on: this is
     where its writer stops writing (output_halt).  */
  void (*on_error) (void *ctx);
  void *on_error_ctx;
};

/* MEM_CAP bytes of look-ahead stay in memory; more go to a spill file
   under $TMPDIR.  Returns -1 with errno set when no memory is left.  */
int input_open (struct input *in, int fd, const char *name, size_t mem_cap);
void input_close (struct input *in);

/* The bytes at OFF: a pointer to *AVAIL >= 1 contiguous bytes, valid until
   the next call on IN; NULL at the end of the input or on an error
   (in->err tells which: what is made of the bytes around an error, a
   frame, a hash, a message, must not be committed).  OFF must not be
   below the kept offset.  */
const unsigned char *input_at_slow (struct input *in, uint64_t off,
                                    size_t *avail);

/* Framing asks for bytes already in memory nearly every time.  */
static inline const unsigned char *
input_at (struct input *in, uint64_t off, size_t *avail)
{
  if (off >= in->mem_off && off - in->mem_off < in->mem_len)
    {
      *avail = (size_t) (in->mem_off + in->mem_len - off);
      return in->mem + (off - in->mem_off);
    }
  return input_at_slow (in, off, avail);
}

/* The next contiguous piece of [*AT, TO): 1 with *P and *N set and *AT
   moved past the piece; 0 at TO, at the end of the input or on an error.
   For (uint64_t at = FROM; input_chunk (in, &at, TO, &p, &n);) walks a
   range whatever the buffers that hold it.  */
static inline int
input_chunk (struct input *in, uint64_t *at, uint64_t to,
             const unsigned char **p, size_t *n)
{
  if (*at >= to || !(*p = input_at (in, *at, n)))
    return 0;
  if (*n > to - *at)
    *n = (size_t) (to - *at);
  *at += *n;
  return 1;
}

/* Whether the bytes from OFF to what was last read are in memory.  */
static inline int
input_holds (const struct input *in, uint64_t off)
{
  return off >= in->mem_off;
}

/* The byte at OFF, or -1 at the end (or on an error).  */
static inline int
input_byte (struct input *in, uint64_t off)
{
  size_t avail;
  const unsigned char *p = input_at (in, off, &avail);
  return p ? *p : -1;
}

/* Nonzero when OFF is at or past the end of the input.  */
int input_at_end (struct input *in, uint64_t off);

/* The offset of the first LF at or after OFF, or of the end of the input
   when there is none.  */
uint64_t input_find_lf (struct input *in, uint64_t off);

/* The total size, known only once the end has been read.  */
uint64_t input_size (const struct input *in);

/* Nothing before OFF will be asked for again.  */
void input_release (struct input *in, uint64_t off);

/* A temporary file under $TMPDIR (else /tmp), unlinked at once so that
   no exit path leaves it behind: the spill's, and a held report's.  Its
   descriptor, or -1 with errno set.  */
int temporary_file (void);

#endif
