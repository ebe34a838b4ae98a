/* Output: the repaired stream, byte for byte, through one buffer.  */
#ifndef CCFIX_OUTPUT_H
#define CCFIX_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include "input.h"
#include "slot.h"

struct output
{
  int fd;                      /* -1: count the bytes, write nothing */
  unsigned char *buf;
  size_t len, cap;
  /* Input bytes queued after BUF but not yet written: [run_from, run_to)
     of RUN_IN.  Long unchanged runs go out straight from the input
     buffer, so most bytes are copied once, by read(), as with cat; short
     ones join BUF, so that a repaired count between two runs costs no
     write of its own.  */
  struct input *run_in;
  uint64_t run_from, run_to;
  uint64_t bytes;              /* bytes written (or that would be) */
  int err;                     /* errno of the first failed write, or 0 */
  int halted;                  /* an input failed: nothing more goes out */
};

int output_open (struct output *out, int fd);
/* Write what is buffered or queued; -1 when a write has failed.  */
int output_flush (struct output *out);
/* The first offset of IN that OUT still needs: OFF, or the start of the
   input bytes it has queued.  The input must keep those.  */
uint64_t output_needs (const struct output *out, const struct input *in,
                       uint64_t off);
void output_close (struct output *out);

/* An input failed (its on_error): what OUT was given before still goes
   out, but nothing given from now on, which may have been made from
   bytes that were never read.  A queued copy that cannot be read again
   halts OUT too, where it breaks off.  CTX is the struct output.  */
void output_halt (void *ctx);

void output_bytes (struct output *out, const unsigned char *p, size_t n);
/* Copy [FROM, TO) of the input unchanged (queued: see output_needs).  */
void output_copy (struct output *out, struct input *in, uint64_t from,
                  uint64_t to);
/* Write VALUE as a slot of WIDTH bytes in STYLE.  */
void output_slot (struct output *out, uint64_t value, uint64_t width,
                  enum slot_style style);

/* A slot written anew inside copied bytes: the WIDTH bytes at OFF become
   VALUE in NEW_WIDTH bytes.  */
struct output_patch
{
  uint64_t off, width, value, new_width;
};

/* Copy [FROM, TO) of the input with the N slots of P (in order, inside
   it) written anew in STYLE.  */
void output_patched (struct output *out, struct input *in, uint64_t from,
                     uint64_t to, const struct output_patch *p, size_t n,
                     enum slot_style style);

#endif
