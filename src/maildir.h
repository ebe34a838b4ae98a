/* Delivering message files: into a Maildir++ folder (through tmp/ into
   cur/) or into a plain directory (.eml files, through a temporary file
   beside them).  A file is written under a temporary name, synced, then
   hard-linked to its final name, which link() refuses to take when it
   exists: parallel runs into one tree never overwrite each other, and a
   re-run finds the same bytes already there and leaves them alone.  */
#ifndef CCFIX_MAILDIR_H
#define CCFIX_MAILDIR_H

#include <stdint.h>
#include <time.h>

/* What delivery_commit did.  */
enum delivery_status
{
  DELIVERED,                   /* the file is new */
  DELIVERY_SAME,               /* the name held the same bytes: kept */
  DELIVERY_CONFLICT            /* the name holds something else: kept */
};

/* One file being delivered.  */
struct delivery
{
  int fd;                      /* the caller writes the message here */
  int dir, tmpdir;             /* borrowed: the final and temporary homes */
  char *name, *tmp;
  const char *failed;          /* the step that failed, for the message */
  /* Maildir: the message's file as a reader renamed it (its flags) or
     moved it, compared with instead of taking NAME; else NULL.  */
  char *found;
  int found_dir;               /* borrowed: cur/ or new/ */
  const char *found_in;        /* "cur" or "new" */
};

/* ccfix's files of one folder that a reader renamed, as its directory
   held them when first opened: see maildir_open.  */
struct maildir_seen;

/* A Maildir++ folder, open: its tmp/, cur/ and new/, and what was seen
   of each folder opened since maildir_init.  */
struct maildir
{
  int tmp, cur, new;
  struct maildir_seen *seen;   /* one for each folder, in the order seen */
  size_t nseen, seen_cap;
  size_t at;                   /* the open folder's, in SEEN */
};

/* Before the first maildir_open; maildir_free when done with DIR.  */
void maildir_init (struct maildir *md);
void maildir_free (struct maildir *md);

/* Create what is missing of the Maildir DIR and of its folder FOLDER
   (folder_maildir's name: "" for the inbox, else ".NAME" with an empty
   maildirfolder file) and open it.  The first time MD opens FOLDER it
   reads its cur/ and new/ for ccfix's file names with other flags than
   its own.  One MD serves one DIR.  -1 with errno set on failure.  */
int maildir_open (struct maildir *md, const char *dir, const char *folder);
void maildir_close (struct maildir *md);

/* Start delivering the message numbered ORDINAL whose hash is HASH (16
   hex digits) into MD's cur/ as "ORDINAL.HASH.ccfix:2,", or, when a
   reader has renamed that file (to "ORDINAL.HASH.ccfix:2,S" or into
   new/), to compare it with the file under its new name (D->found).  */
int maildir_deliver (struct delivery *d, const struct maildir *md,
                     uint64_t ordinal, const char *hash);

/* Open the directory REL under DIR, creating what is missing of both.
   No part of REL may be "..", and none is followed if it is a symbolic
   link, so the result is inside DIR.  Returns its descriptor, or -1 with
   errno set.  */
int dir_open (const char *dir, const char *rel);

/* Start delivering a file named NAME into the directory DIR, written
   under a temporary name in TMPDIR (on the same file system; DIR itself
   for .eml files).  The caller writes it to D->fd.  -1 with errno and
   D->failed set on failure.  */
int delivery_open (struct delivery *d, int tmpdir, int dir, const char *name);
/* Set the file's modification (and access) time to MTIME unless it is
   NULL, sync it and give it its name, or leave what is there under the
   name (or D->found) alone.  Returns an enum delivery_status, or -1 with
   errno and D->failed set; either way the temporary file is removed
   (failing to remove it is a failure too).  The directory is not synced:
   one fsync of it after many deliveries makes their names durable.  */
int delivery_commit (struct delivery *d, const struct timespec *mtime);
/* Remove the temporary file: the message is not delivered.  */
void delivery_abort (struct delivery *d);

#endif
