/* Progress.  */
#include <config.h>
#include "progress.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"

/* The display being shown, if any.  */
static struct progress *shown;

/* A few refreshes a second at most.  */
#define REFRESH_NS 250000000L

static int64_t
elapsed_ns (const struct timespec *from, const struct timespec *to)
{
  return (int64_t) (to->tv_sec - from->tv_sec) * 1000000000
         + (to->tv_nsec - from->tv_nsec);
}

void
progress_start (struct progress *p, int fd, const char *name)
{
  memset (p, 0, sizeof *p);
  if (!isatty (STDERR_FILENO))
    return;
  struct stat st;
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode))
    p->size = (uint64_t) st.st_size;
  p->name = name;
  clock_gettime (CLOCK_MONOTONIC, &p->start);
  p->last = p->start;
  shown = p;
}

static void
draw (struct progress *p)
{
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  if (elapsed_ns (&p->last, &now) < REFRESH_NS)
    return;
  p->last = now;
  double secs = (double) elapsed_ns (&p->start, &now) / 1e9;
  char pct[16] = "";
  if (p->size)
    snprintf (pct, sizeof pct, " (%" PRIu64 "%%)",
              p->bytes * 100 / p->size);
  char line[512];
  int n = snprintf (line, sizeof line, "%s: %s: %.1f MiB%s, %.0f MB/s, "
                    "%" PRIu64 " messages, %" PRIu64 " repairs",
                    program_name, p->name, (double) p->bytes / 1048576.0, pct,
                    secs > 0 ? (double) p->bytes / secs / 1e6 : 0.0,
                    p->messages, p->repairs);
  if (n > 0)
    diag_status (line, (size_t) n < sizeof line ? (size_t) n
                                                : sizeof line - 1);
}

void
progress_bytes (void *ctx, uint64_t bytes)
{
  struct progress *p = ctx;
  if (p != shown)
    return;
  p->bytes = bytes;
  draw (p);
}

void
progress_messages (struct progress *p, uint64_t messages, uint64_t repairs)
{
  if (p != shown)
    return;
  p->messages = messages;
  p->repairs = repairs;
  draw (p);
}

void
progress_stop (struct progress *p)
{
  if (p == shown)
    {
      diag_status_erase ();
      shown = NULL;
    }
}
