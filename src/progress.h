/* Progress: a one-line display on a terminal's standard error during long
   runs: bytes, percent when the size is known, MB/s, messages, repairs.  */
#ifndef CCFIX_PROGRESS_H
#define CCFIX_PROGRESS_H

#include <stdint.h>
#include <time.h>

struct progress
{
  const char *name;
  uint64_t size;               /* 0 when not known (a pipe) */
  uint64_t bytes, messages, repairs;
  struct timespec start, last;
};

/* Start showing progress for the input FD named NAME, if stderr is a
   terminal; else nothing is ever shown.  */
void progress_start (struct progress *p, int fd, const char *name);
/* The input has read BYTES in all.  */
void progress_bytes (void *p, uint64_t bytes);
void progress_messages (struct progress *p, uint64_t messages,
                        uint64_t repairs);
void progress_stop (struct progress *p);

#endif
