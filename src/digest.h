/* SHA-256 over pieces of the input: of an item's data for reports, and of
   each message for its Message-ID.  Hashing every byte is half of what a
   conversion costs, so for a regular file the Message-ID hashes are
   computed ahead, on a second thread that walks the stream as the
   conversion will.  */
#ifndef CCFIX_DIGEST_H
#define CCFIX_DIGEST_H

#include <stddef.h>
#include <stdint.h>
#include "frame.h"
#include "input.h"

/* The bytes of a SHA-256 hash.  */
#define DIGEST_SIZE 32

/* SHA-256 of the N bytes at PREFIX followed by [FROM, TO) of IN, its
   first K bytes in hex into HEX (2 * K + 1 bytes).  */
void digest_hex (const char *prefix, size_t n, struct input *in,
                 uint64_t from, uint64_t to, size_t k, char *hex);

struct ahead;

/* Start hashing ahead the pieces that a conversion of IN, framing with
   RULE, walks from FIRST: each message and the stray bytes between them.
   NULL when that cannot be done (IN is no regular file, or there is no
   thread or memory): every hash is then computed when asked.  */
struct ahead *ahead_start (const struct input *in, const char *account,
                           struct rule rule, int thorough, uint64_t first);

/* The Message-ID hash of [FROM, TO) of IN: SHA-256 over ACCOUNT, a NUL
   and those bytes, its first 16 bytes in hex into HEX (33 bytes).  Taken
   from A when it has hashed that very piece, else computed now.  Pieces
   are asked for in the order of the stream.  */
void ahead_hash (struct ahead *a, const char *account, struct input *in,
                 uint64_t from, uint64_t to, char *hex);

/* How many hashes A has handed over (for tests).  */
uint64_t ahead_used (const struct ahead *a);

/* Stop the thread and free A (NULL is allowed).  */
void ahead_stop (struct ahead *a);

#endif
