/* Folder names: a cc:Mail folder path (UTF-8, its parts separated by
   '\') as a Maildir++ folder or as the directories of .eml files.  Both
   results are one safe relative name whatever the path holds: nothing in
   them can reach outside the directory they are taken in.  */
#ifndef CCFIX_FOLDER_H
#define CCFIX_FOLDER_H

#include <stddef.h>

/* The longest name a file system takes for one directory entry.  */
#define FOLDER_NAME_MAX 255

/* The longest Maildir++ folder name.  notmuch indexes each directory as
   the Xapian term "XDDIRENTRY" PARENT ":" NAME, PARENT the parent
   directory's document id (at most 10 digits: Xapian's ids are 32-bit),
   and Xapian refuses a term over 245 bytes: a longer name makes notmuch
   stop indexing the whole tree.  245 less 10 + 10 + 1 is 224.  That also
   keeps notmuch's folder term ("XFOLDER:" and the path from its database
   root) short enough for a Maildir up to 13 bytes below that root
   ("mail/").  */
#define FOLDER_MAILDIR_MAX 224

/* The Maildir++ folder for PATH (N bytes), malloc'd: "" for the inbox
   (no parts, or the one part "Inbox" in any case), else ".A.B" with each
   part in IMAP modified UTF-7 and '.' and '/' in it as '_', a first part
   "Inbox" in any case as "INBOX", and a '~' that would begin the name as
   '_'.  A name longer than FOLDER_MAILDIR_MAX bytes is cut and ends in
   '~' and 16 hex digits of the SHA-256 of the whole.  NULL with errno set
   when out of memory.  */
char *folder_maildir (const char *path, size_t n);

/* The directory for the .eml files of folder PATH (N bytes) of account
   ACCOUNT (ALEN bytes), relative to the output directory, malloc'd:
   "ACCOUNT/A/B", each part made safe by folder_safe_part, and a folder
   part that ends in ".eml" and any number of '_' (in any case) given one
   '_' more, so that it is never the name of a message file beside it.
   NULL with errno set when out of memory.  */
char *folder_eml (const char *account, size_t alen, const char *path,
                  size_t n);

/* One name part P (N bytes) as a safe file name, malloc'd: never empty,
   no '/', '\\' or control character, no leading '.', valid UTF-8 (a byte
   that is not is read as Latin-1), at most FOLDER_NAME_MAX bytes (cut
   as folder_maildir's).  NULL with errno set when out of memory.  */
char *folder_safe_part (const char *p, size_t n);

#endif
