/* Atomic replacement of a file: write a temporary file beside it, fsync,
   then rename over it.  Until the rename the file is untouched; on any
   failure the temporary file is removed.  */
#ifndef CCFIX_ATOMIC_H
#define CCFIX_ATOMIC_H

#include <sys/stat.h>

struct atomic
{
  const char *path;
  char *tmp;                   /* the temporary file, NULL once gone */
  int fd;
  const char *failed;          /* the step that failed, for the message */
};

/* Create the temporary file for PATH, with the mode (and owner, where
   allowed) of LIKE, or 0666 less the umask when LIKE is NULL.  */
int atomic_open (struct atomic *a, const char *path, const struct stat *like);
/* fsync, close, keep the old file as PATH+SUFFIX when SUFFIX is given,
   rename.  -1 with errno and a->failed set on failure, the temporary file
   then removed.  */
int atomic_commit (struct atomic *a, const char *suffix);
void atomic_abort (struct atomic *a);

/* Remove any temporary file still open: from a signal handler.  */
void atomic_cleanup_signal (void);

#endif
