/* MIME writing: header fields folded at 78 columns, RFC 2047 encoded
   words, RFC 2231 parameters, and the base64 and quoted-printable body
   encodings, each as a stream so that memory stays flat whatever the size
   of a part.  Everything goes to a sink, as charset_convert's output does.  */
#ifndef CCFIX_MIME_H
#define CCFIX_MIME_H

#include <stddef.h>
#include <stdint.h>

typedef void sink_fn (void *ctx, const char *p, size_t n);

struct sink
{
  sink_fn *write;
  void *ctx;
};

/* A header field being written: "Name:" and words, folded before the
   white space in front of a word when the line would pass 78 columns.  */
struct field
{
  struct sink out;
  size_t col;
  int words;                   /* any word written yet */
};

void field_start (struct field *h, struct sink out, const char *name);
/* The white space WS (WSN bytes, maybe none) and the word P after it: the
   line is folded before WS when the word would pass column 78 and there is
   white space to fold at, but never before the field's first word unless
   it is an encoded word (a name alone on its line reads back with a
   leading space).  */
void field_word (struct field *h, const char *ws, size_t wsn, const char *p,
                 size_t n);
void field_end (struct field *h);

/* RFC 2047 "B" encoded words in CHARSET, as bytes come, each one a word of
   the field and at most 75 characters; with UTF-8, never splitting a
   character.  A sink_fn for its feed.  */
struct ewords
{
  struct field *h;
  const char *charset;
  int utf8;
  size_t max;                  /* bytes per word */
  unsigned char buf[64];
  size_t n;
};

void ewords_init (struct ewords *e, struct field *h, const char *charset);
void ewords_feed (void *ctx, const char *p, size_t n);
void ewords_finish (struct ewords *e);

/* Whether B is RFC 5322 atext.  */
int mime_atext (unsigned char b);

/* A display name or parameter value as an RFC 5322 quoted-string into BUF
   (of at least 2 * N + 3 bytes); returns its length.  */
size_t mime_quote (const char *p, size_t n, char *buf);

/* The display name P (N bytes of UTF-8) as words of the field, so that a
   reader takes it for one name and shows it as it is: atoms when it is
   atext and single spaces; else a quoted-string, folded at its own spaces,
   when it is printable ASCII.  Else its words that are not, hold "=?" (a
   reader would decode it) or are too long for a line are RFC 2047 "B"
   words, a run of such words at a time, and the others atoms or quoted.
   A tab is written as a space and any other control character as its
   Unicode control picture (U+2400 + the byte, U+2421 for DEL): readers
   take neither for part of a name.  */
void mime_phrase (struct field *h, const char *p, size_t n);

/* Whether a parameter value may be written as a quoted-string that every
   reader takes as it stands: printable ASCII, at most 60 bytes, and no
   "=?", which readers decode as an encoded word even inside quotes.  */
int mime_param_quotable (const char *p, size_t n);

/* An RFC 2231 extended parameter NAME*K*=... from bytes in CHARSET, as
   fields words "; NAME*0*=CHARSET''...", split so that no line passes 78
   columns; with UTF-8, never inside a character, since readers decode
   each piece on its own.  */
void mime_param_2231 (struct field *h, const char *name, const char *charset,
                      const unsigned char *p, size_t n);

/* Base64 in lines of 76 characters, as bytes come; the last line is left
   without its line end.  */
struct b64
{
  struct sink out;
  unsigned char part[3];
  size_t npart, col;
  char buf[4096];
  size_t len;
};

void b64_init (struct b64 *b, struct sink out);
void b64_feed (void *ctx, const char *p, size_t n);
/* Pad, and write what is held.  */
void b64_finish (struct b64 *b);

/* Quoted-printable (RFC 2045) of text whose line ends are LF, as bytes
   come: lines of at most 76 characters, '=' never written as itself, and
   a space or tab before a line end encoded.  */
struct qp
{
  struct sink out;
  size_t col;
  int pending;                 /* a space or tab not yet written, or -1 */
  char buf[4096];
  size_t len;
};

void qp_init (struct qp *q, struct sink out);
void qp_feed (void *ctx, const char *p, size_t n);
void qp_finish (struct qp *q);

/* The Content-Type for a file name, from its extension.  */
const char *mime_type_for (const char *name, size_t n);

#endif
