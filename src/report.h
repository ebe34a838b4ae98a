/* The JSON Lines report: one object per message, in input order, for the
   administrator who must know which messages were damaged and what
   changed (the schema is in ccfix(1), REPORT).  */
#ifndef CCFIX_REPORT_H
#define CCFIX_REPORT_H

#include "charset.h"
#include "output.h"
#include "repair.h"

struct report
{
  struct output *out;
  const char *account;         /* NULL: none */
  struct charset *decode;      /* -f: header values to UTF-8; NULL: Latin-1 */
};

/* An on_message callback: CTX is a struct report.  */
void report_row (void *ctx, const struct message_note *note);

/* The account a file holds, from its name: the base name less a final
   extension ("exports/One, User.txt" -> "One, User").  Returns a malloc'd
   string, or NULL for standard input.  */
char *account_from_name (const char *name);

#endif
