/* Output targets: every file ccfix writes (-o, -i, --report, standard
   output) goes through one, which looks at what it is about to replace
   before replacing anything.

   A regular file (or a name not yet there) is written to a temporary file
   beside it, synced and renamed over it only on commit; symbolic links are
   followed, so the file a link points to is replaced and the link stays.
   A character device, a FIFO or a socket is written straight through and
   never renamed over; a report bound for one is held in a temporary file
   until what it tells of is done (target_pass), so that what is taken
   back never reaches it.  Each target reports its own errors, one line each:
   "ccfix: NAME: what happened: strerror".  */
#ifndef CCFIX_TARGET_H
#define CCFIX_TARGET_H

#include <sys/stat.h>
#include "output.h"

/* What a target is for: it decides what may be replaced.  */
enum target_role
{
  TARGET_OUTPUT,               /* -o, or standard output */
  TARGET_IN_PLACE,             /* -i: only a regular file with one link */
  TARGET_REPORT                /* --report: never over a file not a report */
};

struct target
{
  const char *name;            /* as given; NULL for standard output */
  enum target_role role;
  char *path;                  /* the regular file replaced, links followed */
  char *tmp;                   /* its temporary file until commit or abort */
  int fd;                      /* -1: nothing is written (--check) */
  struct output out;           /* what writes through FD */
  int held;                    /* a report's stream while FD, a temporary
                                  file, holds what is written; else -1 */
  uint64_t passed;             /* bytes passed on to it so far */
};

/* Open a target on NAME, or on standard output when NAME is NULL.
   Returns -1 after reporting why not.  */
int target_open (struct target *t, const char *name, enum target_role role);
/* A target that only counts the bytes it is given: --check's.  */
int target_discard (struct target *t);

/* Write everything out; for a regular file, keep the original as
   PATH+SUFFIX when SUFFIX is given (never over an existing file), then
   rename the temporary file over it.  Returns -1 after reporting the
   failure, the original file then untouched.  */
int target_commit (struct target *t, const char *suffix);
/* Drop what was written: a file replaced stays as it was.  A stream
   (standard output, a device, a FIFO) cannot take back what it got: it
   gets what is still buffered, but a report's gets nothing more than was
   passed on.  */
void target_abort (struct target *t);

/* Take back what was written after its first BYTES, which a regular
   file's temporary file can, and a held report back to what was passed
   on; another stream keeps what it got.  Returns -1 after reporting a
   failure.  */
int target_rewind (struct target *t, uint64_t bytes);
/* A held report: pass what it holds on to its stream, for good.  Returns
   -1 after reporting a failure.  */
int target_pass (struct target *t);
/* Remove every pending temporary file: from a signal handler.  */
void target_cleanup_signal (void);
/* The temporary file NAME in the directory DIR (AT_FDCWD: NAME as it is),
   which target_cleanup_signal removes until target_pending_done is told
   of NAME, the same pointer: before NAME is freed.  -1 with errno set
   when too many are pending.  */
int target_pending (int dir, char *name);
void target_pending_done (const char *name);

/* One file a run names, for target_check_distinct.  */
struct file_use
{
  const char *name;            /* NULL: standard input or output */
  enum file_use_kind { USE_INPUT, USE_OUTPUT, USE_IN_PLACE, USE_REPORT } kind;
};

/* Refuse, before anything is read or written, a run in which a file
   written is also read or written under another use (compared by device
   and inode, links followed), or in which an -i backup name SUFFIX would
   land on one of them.  Returns -1 after saying which two names are the
   same file.  */
int target_check_distinct (const struct file_use *uses, size_t n,
                           const char *suffix);

#endif
