/* Converting one input: each framed message written as RFC 5322 + MIME
   into an mbox, a Maildir++ tree or .eml files, what cannot be framed
   kept as a message of its own (CONVERT.md).  Framing is repair's: the same learned rule, the same
   frame of every message.  */
#ifndef CCFIX_CONVERT_H
#define CCFIX_CONVERT_H

#include <stdint.h>
#include "address.h"
#include "charset.h"
#include "date.h"
#include "output.h"
#include "repair.h"

/* One item of a converted message, for the report: its data as it stands
   in the export, so that an auditor can check each attachment.  */
struct item_note
{
  const char *kind;            /* "text", "file", "fax" ... */
  uint64_t name_off, name_end; /* the name on the input, when not NAME */
  const char *name;            /* a name ccfix gave it, or NULL */
  char given[1040];            /* its storage: up to a title and ".pcx" */
  uint64_t bytes;
  char sha256[65];
};

/* What --convert wrote for a message (struct message_note's conv).  */
struct convert_note
{
  const char *id;              /* the Message-ID is <ID@ccfix.invalid> */
  uint64_t output;             /* mbox: the offset of its From line */
  const char *path;            /* else its file, relative to the DIR */
  const struct item_note *items;
  size_t nitems;
};

/* The container each message goes into.  */
enum convert_format
{
  CONVERT_MBOX,                /* one stream */
  CONVERT_MAILDIR,             /* a file each in a Maildir++ tree */
  CONVERT_EML                  /* a file each, DIR/ACCOUNT/FOLDER.../ */
};

struct convert_settings
{
  enum convert_format format;
  const char *dir;             /* maildir, eml: -o DIR */
  struct charset *mac;         /* MacBinary names to UTF-8; NULL: keep
                                  MacBinary items as they are */
  const struct settings *s;    /* framing, look-ahead, -q, on_message */
  struct charset *text;        /* -f: text to UTF-8; NULL without */
  const char *from_code;       /* its source code page, for findings */
  const struct addrmap *map;   /* --address-map, or NULL */
  const char *domain;          /* of made-up addresses */
  enum date_order order;
  const char *zone;            /* --timezone, or NULL */
  int warned_8bit;             /* "-f would name it" said once a run */
};

void convert_settings_default (struct convert_settings *c,
                               const struct settings *s);

/* Convert the stream read from FD (named NAME, holding ACCOUNT's mail)
   onto OUT as mboxrd, or (OUT NULL) into files under C->dir.  Returns
   the exit status it deserves; fills ST.  */
int convert_stream (int fd, const char *name, const char *account,
                    struct output *out, struct convert_settings *c,
                    struct stats *st);

#endif
