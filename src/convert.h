/* Converting one input: each framed message written as RFC 5322 + MIME
   into an mbox, what cannot be framed kept as a message of its own
   (CONVERT.md).  Framing is repair's: the same learned rule, the same
   frame of every message.  */
#ifndef CCFIX_CONVERT_H
#define CCFIX_CONVERT_H

#include <stdint.h>
#include "address.h"
#include "charset.h"
#include "date.h"
#include "output.h"
#include "repair.h"

struct convert_settings
{
  const struct settings *s;    /* framing, look-ahead, -q */
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
   onto OUT as mboxrd.  Returns the exit status it deserves; fills ST.  */
int convert_stream (int fd, const char *name, const char *account,
                    struct output *out, struct convert_settings *c,
                    struct stats *st);

#endif
