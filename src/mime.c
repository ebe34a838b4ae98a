/* MIME writing.  */
#include <config.h>
#include "mime.h"

#include <stdio.h>
#include <string.h>

#if defined __x86_64__ && defined __GNUC__
# include <immintrin.h>
# define B64_SSSE3 1
#endif

/* RFC 5322 recommends lines of at most 78 characters.  */
enum { FOLD_AT = 78 };

static const char b64_alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
put (struct sink out, const char *p, size_t n)
{
  out.write (out.ctx, p, n);
}

void
field_start (struct field *h, struct sink out, const char *name)
{
  h->out = out;
  put (out, name, strlen (name));
  put (out, ":", 1);
  h->col = strlen (name) + 1;
  h->words = 0;
}

void
field_word (struct field *h, const char *ws, size_t wsn, const char *p,
            size_t n)
{
  /* A field's first word stays on its name's line: a name alone there
     reads back with a leading space (Python's email).  An encoded word
     is the exception, its line held to RFC 2047's limit.  */
  int encoded = n >= 2 && p[0] == '=' && p[1] == '?';
  if (wsn && (h->words || encoded) && h->col + wsn + n > FOLD_AT)
    {
      put (h->out, "\n", 1);
      h->col = 0;
    }
  if (wsn)
    put (h->out, ws, wsn);
  put (h->out, p, n);
  h->col += wsn + n;
  h->words = 1;
}

void
field_end (struct field *h)
{
  put (h->out, "\n", 1);
}

/* Base64 of N <= 3 bytes into 4 characters.  */
static void
b64_group (const unsigned char *p, size_t n, char *o)
{
  unsigned v = (unsigned) p[0] << 16 | (n > 1 ? (unsigned) p[1] << 8 : 0)
               | (n > 2 ? p[2] : 0);
  o[0] = b64_alphabet[v >> 18 & 63];
  o[1] = b64_alphabet[v >> 12 & 63];
  o[2] = n > 1 ? b64_alphabet[v >> 6 & 63] : '=';
  o[3] = n > 2 ? b64_alphabet[v & 63] : '=';
}

void
ewords_init (struct ewords *e, struct field *h, const char *charset)
{
  e->h = h;
  e->charset = charset;
  e->utf8 = !strcmp (charset, "utf-8");
  /* "=?" CHARSET "?B?" ... "?=" in 75 characters, base64 in whole
     groups.  */
  size_t room = 75 - 7 - strlen (charset);
  e->max = room / 4 * 3;
  if (e->max > sizeof e->buf)
    e->max = sizeof e->buf;
  e->n = 0;
}

static void
ewords_emit (struct ewords *e, size_t n)
{
  char word[80];
  size_t k = (size_t) snprintf (word, sizeof word, "=?%s?B?", e->charset);
  for (size_t i = 0; i < n; i += 3)
    {
      b64_group (e->buf + i, n - i < 3 ? n - i : 3, word + k);
      k += 4;
    }
  memcpy (word + k, "?=", 2);
  k += 2;
  field_word (e->h, " ", 1, word, k);
  memmove (e->buf, e->buf + n, e->n - n);
  e->n -= n;
}

void
ewords_feed (void *ctx, const char *p, size_t n)
{
  struct ewords *e = ctx;
  for (size_t i = 0; i < n; i++)
    {
      e->buf[e->n++] = (unsigned char) p[i];
      if (e->n < e->max)
        continue;
      /* A UTF-8 character must not be split across two words
         (RFC 2047, 5): cut before the last character that started.  */
      size_t cut = e->n;
      if (e->utf8)
        {
          while (cut > 0 && (e->buf[cut - 1] & 0xC0) == 0x80)
            cut--;
          if (cut > 0 && e->buf[cut - 1] >= 0xC0)
            cut--;
          if (cut == 0)
            cut = e->n;
        }
      ewords_emit (e, cut);
    }
}

void
ewords_finish (struct ewords *e)
{
  while (e->n)
    ewords_emit (e, e->n);
}

int
mime_atext (unsigned char b)
{
  return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')
         || (b >= '0' && b <= '9') || (b && strchr ("!#$%&'*+-/=?^_`{|}~", b));
}

size_t
mime_quote (const char *p, size_t n, char *buf)
{
  size_t k = 0;
  buf[k++] = '"';
  for (size_t i = 0; i < n; i++)
    {
      if (p[i] == '"' || p[i] == '\\')
        buf[k++] = '\\';
      buf[k++] = p[i];
    }
  buf[k++] = '"';
  return k;
}

/* The longest white space and word of a display name written as it
   stands, quotes and escapes counted: with it a line stays far below RFC
   5322's 998 characters, as for unstructured fields.  */
enum { PHRASE_TOKEN_MAX = 900 };

static int
is_control (unsigned char b)
{
  return b < 0x20 || b == 0x7f;
}

/* A tab in a name is white space to its writer; as a space it reads the
   same everywhere, while readers differ on a tab (Python's email turns it
   into a space inside an encoded word, not inside quotes).  */
static unsigned char
phrase_byte (unsigned char b)
{
  return b == '\t' ? ' ' : b;
}

/* The token held in TOK: on the first, a space after what went before;
   else its own white space, before which the line may fold.  */
static void
phrase_flush (struct field *h, const char *tok, size_t *k, size_t *ws,
              int *first)
{
  if (*first)
    field_word (h, " ", 1, tok, *k);
  else
    field_word (h, tok, *ws, tok + *ws, *k - *ws);
  *first = 0;
  *k = *ws = 0;
}

/* Printable ASCII as atoms or, QUOTE, one quoted-string, a token (white
   space and the word after it) at a time.  Folding inside a quoted-string
   is allowed (RFC 5322, 3.2.4) and unfolding gives the name back.  */
static void
phrase_plain (struct field *h, const unsigned char *u, size_t n, int quote)
{
  char tok[PHRASE_TOKEN_MAX];
  size_t k = 0, ws = 0;
  int first = 1, in_word = 0;
  if (quote)
    tok[k++] = '"';
  for (size_t i = 0; i < n; i++)
    {
      char b = (char) phrase_byte (u[i]);
      if (b == ' ' && in_word)
        {
          phrase_flush (h, tok, &k, &ws, &first);
          in_word = 0;
        }
      if (b == '"' || b == '\\')
        tok[k++] = '\\';
      tok[k++] = b;
      if (b != ' ')
        in_word = 1;
      else if (!first)
        ws = k;
    }
  if (quote)
    tok[k++] = '"';
  if (k > ws)
    phrase_flush (h, tok, &k, &ws, &first);
}

/* A run of the name as encoded words, controls as their pictures.  */
static void
phrase_encoded (struct field *h, const unsigned char *u, size_t n, int ascii)
{
  struct ewords e;
  ewords_init (&e, h, ascii ? "us-ascii" : "utf-8");
  for (size_t i = 0; i < n; i++)
    {
      unsigned char b = phrase_byte (u[i]);
      if (is_control (b))
        {
          /* U+2400 to U+241F, and U+2421 for DEL, in UTF-8.  */
          char pic[3] = { (char) 0xE2, (char) 0x90,
                          (char) (b == 0x7f ? 0xA1 : 0x80 + b) };
          ewords_feed (&e, pic, 3);
        }
      else
        ewords_feed (&e, (const char *) &b, 1);
    }
  ewords_finish (&e);
}

/* Whether a plain segment [U, U + N) may go as atoms: atext and single
   spaces, since readers take a run of spaces between atoms, or one at
   either end, for one space or none.  */
static int
phrase_atoms (const unsigned char *u, size_t n)
{
  int atoms = n > 0;
  for (size_t i = 0; i < n; i++)
    {
      unsigned char b = phrase_byte (u[i]);
      atoms &= mime_atext (b)
               || (b == ' ' && i > 0 && i + 1 < n
                   && phrase_byte (u[i + 1]) != ' ');
    }
  return atoms;
}

/* Whether the token [U, U + N), white space and a word, may go as it
   stands: printable ASCII with no "=?" (a name in quotes that holds one
   still reads as an encoded word to Python's email), short enough for a
   line in quotes.  */
static int
phrase_token_plain (const unsigned char *u, size_t n)
{
  size_t len = 2;
  for (size_t i = 0; i < n; i++)
    {
      unsigned char b = phrase_byte (u[i]);
      if (is_control (b) || b >= 0x80
          || (i > 0 && u[i - 1] == '=' && b == '?'))
        return 0;
      len += b == '"' || b == '\\' ? 2 : 1;
    }
  return len <= PHRASE_TOKEN_MAX;
}

static int
phrase_ascii (const unsigned char *u, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (is_control (phrase_byte (u[i])) || u[i] >= 0x80)
      return 0;
  return 1;
}

static void
phrase_segment (struct field *h, const unsigned char *u, size_t n,
                int plain)
{
  if (plain)
    phrase_plain (h, u, n, !phrase_atoms (u, n));
  else
    phrase_encoded (h, u, n, phrase_ascii (u, n));
}

void
mime_phrase (struct field *h, const char *p, size_t n)
{
  const unsigned char *u = (const unsigned char *) p;
  /* Only the words that need it are encoded, each run of them with the
     spaces inside it: RFC 2047 drops the white space between two encoded
     words, and Python's email reads it as a space, so a name all in
     encoded words reads differently as soon as it takes two.  Between a
     run and the next, one space separates the two; the others go inside
     the second.  */
  size_t start = 0, i = 0;
  int plain = -1;
  while (i < n)
    {
      size_t end = i;
      while (end < n && phrase_byte (u[end]) == ' ')
        end++;
      while (end < n && phrase_byte (u[end]) != ' ')
        end++;
      int t = phrase_token_plain (u + i, end - i);
      if (plain >= 0 && t != plain)
        {
          phrase_segment (h, u + start, i - start, plain);
          start = i + 1;
        }
      plain = t;
      i = end;
    }
  if (plain >= 0)
    phrase_segment (h, u + start, n - start, plain);
}

int
mime_param_quotable (const char *p, size_t n)
{
  if (n > 60)
    return 0;
  for (size_t i = 0; i < n; i++)
    {
      unsigned char b = (unsigned char) p[i];
      if (b < 0x20 || b >= 0x7f || (i > 0 && p[i - 1] == '=' && b == '?'))
        return 0;
    }
  return 1;
}

/* The length of the UTF-8 character at P, N bytes left: what its first
   byte says when that many continuation bytes follow, else 1.  */
static size_t
utf8_length (const unsigned char *p, size_t n)
{
  size_t k = p[0] < 0xC0 ? 1 : p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3
             : p[0] < 0xF8 ? 4 : 1;
  if (k > n)
    return 1;
  for (size_t j = 1; j < k; j++)
    if ((p[j] & 0xC0) != 0x80)
      return 1;
  return k;
}

/* RFC 2231 attribute-char: what may stand unencoded.  */
static int
attr_char (unsigned char b)
{
  return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')
         || (b >= '0' && b <= '9') || (b && strchr ("!#$&+-.^_`|~", b));
}

void
mime_param_2231 (struct field *h, const char *name, const char *charset,
                 const unsigned char *p, size_t n)
{
  char word[96];
  size_t i = 0;
  int utf8 = !strcmp (charset, "utf-8");
  for (unsigned part = 0; i < n || part == 0; part++)
    {
      size_t k = (size_t) snprintf (word, sizeof word, "%s*%u*=%s%s", name,
                                    part, part ? "" : charset,
                                    part ? "" : "''");
      size_t head = k;
      /* Each piece on a line of its own after the "; ".  Python's email
         decodes each piece by itself: a character split between two is
         undecodable.  */
      while (i < n && k + 3 < 60)
        {
          size_t len = utf8 ? utf8_length (p + i, n - i) : 1, w = 0;
          for (size_t j = 0; j < len; j++)
            w += attr_char (p[i + j]) ? 1 : 3;
          if (k > head && k + w > 59)
            break;
          for (size_t j = 0; j < len; j++)
            if (attr_char (p[i + j]))
              word[k++] = (char) p[i + j];
            else
              k += (size_t) snprintf (word + k, 4, "%%%02X", p[i + j]);
          i += len;
        }
      field_word (h, "", 0, ";", 1);
      field_word (h, " ", 1, word, k);
    }
}

void
b64_init (struct b64 *b, struct sink out)
{
  b->out = out;
  b->npart = b->col = b->len = 0;
}

static void
b64_flush (struct b64 *b)
{
  put (b->out, b->buf, b->len);
  b->len = 0;
}

static void
b64_put (struct b64 *b, const unsigned char *g, size_t n)
{
  if (b->len + 5 > sizeof b->buf)
    b64_flush (b);
  /* A line ends only when more follows: the part's last line is ended by
     the delimiter after it.  */
  if (b->col == 76)
    {
      b->buf[b->len++] = '\n';
      b->col = 0;
    }
  b64_group (g, n, b->buf + b->len);
  b->len += 4;
  b->col += 4;
}

/* Base64 of LINES whole lines from U into O, each one 57 bytes into 76
   characters with a line end before it (before the first only when
   LEAD); returns the end.  Most of an attachment goes here: six bytes a
   step, read as one number, and two characters per lookup.  */
static char *
b64_lines (const unsigned char *u, size_t lines, char *o, int lead)
{
  static char pairs[4096][2];
  if (!pairs[0][0])
    for (unsigned k = 0; k < 4096; k++)
      {
        pairs[k][0] = b64_alphabet[k >> 6];
        pairs[k][1] = b64_alphabet[k & 63];
      }
  for (size_t l = 0; l < lines; l++)
    {
      if (lead || l)
        *o++ = '\n';
      /* Eight bytes are read for six: the last step's end stays inside
         the 57.  */
      for (int g = 0; g < 9; g++, u += 6, o += 8)
        {
          uint64_t v = (uint64_t) u[0] << 56 | (uint64_t) u[1] << 48
                       | (uint64_t) u[2] << 40 | (uint64_t) u[3] << 32
                       | (uint64_t) u[4] << 24 | (uint64_t) u[5] << 16
                       | (uint64_t) u[6] << 8 | u[7];
          memcpy (o, pairs[v >> 52], 2);
          memcpy (o + 2, pairs[v >> 40 & 4095], 2);
          memcpy (o + 4, pairs[v >> 28 & 4095], 2);
          memcpy (o + 6, pairs[v >> 16 & 4095], 2);
        }
      unsigned v = (unsigned) u[0] << 16 | (unsigned) u[1] << 8 | u[2];
      memcpy (o, pairs[v >> 12], 2);
      memcpy (o + 2, pairs[v & 4095], 2);
      u += 3;
      o += 4;
    }
  return o;
}

#ifdef B64_SSSE3
/* Twelve bytes at U as SPREAD picks them into sixteen characters at O,
   with SSSE3 (Wojciech Mula's method: each group of three into four
   6-bit fields of a 32-bit word by two multiplies, the fields into the
   alphabet through one table of offsets).  */
__attribute__ ((target ("ssse3")))
static inline void
b64_step (const unsigned char *u, __m128i spread, char *o)
{
  const __m128i offsets = _mm_setr_epi8 ('a' - 26, '0' - 52, '0' - 52,
                                         '0' - 52, '0' - 52, '0' - 52,
                                         '0' - 52, '0' - 52, '0' - 52,
                                         '0' - 52, '0' - 52, '+' - 62,
                                         '/' - 63, 'A', 0, 0);
  __m128i in = _mm_loadu_si128 ((const __m128i *) (const void *) u);
  in = _mm_shuffle_epi8 (in, spread);
  __m128i hi = _mm_mulhi_epu16 (_mm_and_si128 (in, _mm_set1_epi32
                                               (0x0fc0fc00)),
                                _mm_set1_epi32 (0x04000040));
  __m128i lo = _mm_mullo_epi16 (_mm_and_si128 (in, _mm_set1_epi32
                                               (0x003f03f0)),
                                _mm_set1_epi32 (0x01000010));
  __m128i k = _mm_or_si128 (hi, lo);
  /* 0-25 to 13, 26-51 to 0, 52-63 to 1-12: the offset's index.  */
  __m128i r = _mm_subs_epu8 (k, _mm_set1_epi8 (51));
  r = _mm_or_si128 (r, _mm_and_si128 (_mm_cmpgt_epi8 (_mm_set1_epi8 (26),
                                                      k),
                                      _mm_set1_epi8 (13)));
  r = _mm_add_epi8 (_mm_shuffle_epi8 (offsets, r), k);
  _mm_storeu_si128 ((__m128i *) (void *) o, r);
}

/* b64_lines with SSSE3.  Each step reads sixteen bytes for twelve, so the
   line's last twelve (from byte 45, one group again) are read from byte
   41, to stay inside the 57.  */
__attribute__ ((target ("ssse3")))
static char *
b64_lines_ssse3 (const unsigned char *u, size_t lines, char *o, int lead)
{
  const __m128i spread = _mm_set_epi8 (10, 11, 9, 10, 7, 8, 6, 7,
                                       4, 5, 3, 4, 1, 2, 0, 1);
  const __m128i last = _mm_set_epi8 (14, 15, 13, 14, 11, 12, 10, 11,
                                     8, 9, 7, 8, 5, 6, 4, 5);
  for (size_t l = 0; l < lines; l++, u += 57, o += 76)
    {
      if (lead || l)
        *o++ = '\n';
      for (int s = 0; s < 4; s++)
        b64_step (u + 12 * s, spread, o + 16 * s);
      b64_step (u + 41, last, o + 60);
    }
  return o;
}
#endif

void
b64_feed (void *ctx, const char *p, size_t n)
{
  struct b64 *b = ctx;
  const unsigned char *u = (const unsigned char *) p;
  size_t i = 0;
  while (b->npart && b->npart < 3 && i < n)
    b->part[b->npart++] = u[i++];
  if (b->npart == 3)
    {
      b64_put (b, b->part, 3);
      b->npart = 0;
    }
  /* Pieces end anywhere: finish the line they left open, so that the
     rest goes a line at a time.  */
  while (b->col != 0 && b->col != 76 && n - i >= 3)
    {
      b64_put (b, u + i, 3);
      i += 3;
    }
  while ((b->col == 0 || b->col == 76) && n - i >= 57)
    {
      if (b->len + 77 > sizeof b->buf)
        b64_flush (b);
      size_t lines = (n - i) / 57, room = (sizeof b->buf - b->len) / 77;
      if (lines > room)
        lines = room;
      char *o = b->buf + b->len;
      int lead = b->col == 76;
#ifdef B64_SSSE3
      if (__builtin_cpu_supports ("ssse3"))
        o = b64_lines_ssse3 (u + i, lines, o, lead);
      else
#endif
        o = b64_lines (u + i, lines, o, lead);
      i += 57 * lines;
      b->len = (size_t) (o - b->buf);
      b->col = 76;
    }
  for (; i + 3 <= n; i += 3)
    b64_put (b, u + i, 3);
  while (i < n)
    b->part[b->npart++] = u[i++];
}

void
b64_finish (struct b64 *b)
{
  if (b->npart)
    b64_put (b, b->part, b->npart);
  b64_flush (b);
  b->npart = b->col = 0;
}

void
qp_init (struct qp *q, struct sink out)
{
  q->out = out;
  q->col = q->len = 0;
  q->pending = -1;
}

/* One encoded or literal unit of W characters, after a soft line break
   when it would not fit in 76 with the '=' of that break.  */
static void
qp_put (struct qp *q, const char *s, size_t w)
{
  if (q->len + w + 3 > sizeof q->buf)
    {
      put (q->out, q->buf, q->len);
      q->len = 0;
    }
  if (q->col + w > 75)
    {
      memcpy (q->buf + q->len, "=\n", 2);
      q->len += 2;
      q->col = 0;
    }
  memcpy (q->buf + q->len, s, w);
  q->len += w;
  q->col += w;
}

static void
qp_encoded (struct qp *q, unsigned char b)
{
  char s[4];
  snprintf (s, sizeof s, "=%02X", b);
  qp_put (q, s, 3);
}

void
qp_feed (void *ctx, const char *p, size_t n)
{
  struct qp *q = ctx;
  for (size_t i = 0; i < n; i++)
    {
      unsigned char b = (unsigned char) p[i];
      if (q->pending >= 0)
        {
          /* White space is literal unless a line end follows it.  */
          char ws = (char) q->pending;
          q->pending = -1;
          if (b == '\n')
            qp_encoded (q, (unsigned char) ws);
          else
            qp_put (q, &ws, 1);
        }
      if (b == '\n')
        {
          /* A line end needs no room for a soft line break.  */
          q->col = 0;
          qp_put (q, "\n", 1);
          q->col = 0;
        }
      else if (b == ' ' || b == '\t')
        q->pending = b;
      else if (b >= 33 && b <= 126 && b != '=')
        qp_put (q, (const char *) &p[i], 1);
      else
        qp_encoded (q, b);
    }
}

void
qp_finish (struct qp *q)
{
  if (q->pending >= 0)
    qp_encoded (q, (unsigned char) q->pending);
  q->pending = -1;
  put (q->out, q->buf, q->len);
  q->len = q->col = 0;
}

/* The types of the files a cc:Mail user of the 1990s attached.  */
static const struct
{
  const char *ext, *type;
} types[] = {
  { "bmp", "image/bmp" },
  { "csv", "text/csv" },
  { "doc", "application/msword" },
  { "gif", "image/gif" },
  { "htm", "text/html" },
  { "html", "text/html" },
  { "jpeg", "image/jpeg" },
  { "jpg", "image/jpeg" },
  { "pcx", "image/x-pcx" },
  { "pdf", "application/pdf" },
  { "png", "image/png" },
  { "ppt", "application/vnd.ms-powerpoint" },
  { "rtf", "application/rtf" },
  { "tif", "image/tiff" },
  { "tiff", "image/tiff" },
  { "txt", "text/plain" },
  { "wk1", "application/vnd.lotus-1-2-3" },
  { "wk3", "application/vnd.lotus-1-2-3" },
  { "wk4", "application/vnd.lotus-1-2-3" },
  { "wpd", "application/vnd.wordperfect" },
  { "xls", "application/vnd.ms-excel" },
  { "zip", "application/zip" },
};

const char *
mime_type_for (const char *name, size_t n)
{
  size_t dot = n;
  while (dot > 0 && name[dot - 1] != '.')
    dot--;
  if (dot == 0 || n - dot > 4)
    return "application/octet-stream";
  char ext[5];
  for (size_t i = dot; i < n; i++)
    {
      char c = name[i];
      ext[i - dot] = c >= 'A' && c <= 'Z' ? (char) (c - 'A' + 'a') : c;
    }
  ext[n - dot] = 0;
  for (size_t i = 0; i < sizeof types / sizeof *types; i++)
    if (!strcmp (types[i].ext, ext))
      return types[i].type;
  return "application/octet-stream";
}
