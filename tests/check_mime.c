/* MIME writing and mboxrd quoting, on bytes in memory.  */
#include <config.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mbox.h"
#include "mime.h"
#include "testutil.h"

/* A sink into a growing string.  */
struct str
{
  char *p;
  size_t n, cap;
};

static void
str_write (void *ctx, const char *p, size_t n)
{
  struct str *s = ctx;
  if (s->n + n + 1 > s->cap)
    {
      s->cap = 2 * (s->n + n + 1);
      s->p = realloc (s->p, s->cap);
      ck_assert_ptr_nonnull (s->p);
    }
  memcpy (s->p + s->n, p, n);
  s->n += n;
  s->p[s->n] = 0;
}

static struct sink
to_str (struct str *s)
{
  memset (s, 0, sizeof *s);
  str_write (s, "", 0);
  return (struct sink) { str_write, s };
}

static int
b64_value (char c)
{
  const char *a =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const char *p = c ? strchr (a, c) : NULL;
  return p ? (int) (p - a) : -1;
}

/* An independent decoder: line ends skipped, '=' ends it.  */
static size_t
b64_decode (const char *s, size_t n, unsigned char *out)
{
  unsigned v = 0;
  int bits = 0;
  size_t k = 0;
  for (size_t i = 0; i < n && s[i] != '='; i++)
    {
      if (s[i] == '\n')
        continue;
      int d = b64_value (s[i]);
      ck_assert_int_ge (d, 0);
      v = v << 6 | (unsigned) d;
      bits += 6;
      if (bits >= 8)
        {
          bits -= 8;
          out[k++] = (unsigned char) (v >> bits);
        }
    }
  return k;
}

static char *
b64_of (const char *p, size_t n, size_t piece)
{
  struct str s;
  struct b64 b;
  b64_init (&b, to_str (&s));
  for (size_t i = 0; i < n; i += piece)
    b64_feed (&b, p + i, n - i < piece ? n - i : piece);
  b64_finish (&b);
  return s.p;
}

START_TEST (base64_vectors)
{
  /* RFC 4648, 10.  */
  static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba",
                                    "foobar" };
  static const char *const out[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==",
                                     "Zm9vYmE=", "Zm9vYmFy" };
  for (size_t i = 0; i < 7; i++)
    {
      char *s = b64_of (in[i], strlen (in[i]), 1);
      ck_assert_str_eq (s, out[i]);
      free (s);
    }
}
END_TEST

START_TEST (base64_lines_and_pieces)
{
  unsigned char data[1000], back[1000];
  for (size_t i = 0; i < sizeof data; i++)
    data[i] = (unsigned char) (i * 7 + i / 13);
  char *whole = b64_of ((char *) data, sizeof data, sizeof data);
  /* 57 bytes a line of 76; the last line has no line end of its own.  */
  size_t len = strlen (whole), col = 0;
  for (size_t i = 0; i < len; i++)
    {
      if (whole[i] == '\n')
        {
          ck_assert_uint_eq (col, 76);
          col = 0;
        }
      else
        col++;
    }
  ck_assert_uint_le (col, 76);
  ck_assert_int_ne (whole[len - 1], '\n');
  ck_assert_uint_eq (b64_decode (whole, len, back), sizeof data);
  ck_assert (!memcmp (back, data, sizeof data));
  for (size_t piece = 1; piece < 9; piece++)
    {
      char *s = b64_of ((char *) data, sizeof data, piece);
      ck_assert_str_eq (s, whole);
      free (s);
    }
  free (whole);
  char *one = b64_of ((char *) data, 57, 57);
  ck_assert_uint_eq (strlen (one), 76);
  free (one);
}
END_TEST

static char *
qp_of (const char *p, size_t n, size_t piece)
{
  struct str s;
  struct qp q;
  qp_init (&q, to_str (&s));
  for (size_t i = 0; i < n; i += piece)
    qp_feed (&q, p + i, n - i < piece ? n - i : piece);
  qp_finish (&q);
  return s.p;
}

static int
hex (char c)
{
  return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10
         : -1;
}

/* RFC 2045 6.7 decoding, strict: every '=' starts a soft break or two
   capital hex digits, no line is longer than 76.  */
static size_t
qp_decode (const char *s, char *out)
{
  size_t k = 0, col = 0;
  for (size_t i = 0; s[i]; i++)
    {
      col = s[i] == '\n' ? 0 : col + 1;
      ck_assert_uint_le (col, 76);
      if (s[i] != '=')
        {
          ck_assert (s[i] == '\n' || (s[i] >= 32 && s[i] < 127));
          if (s[i] == '\n')
            ck_assert (k == 0 || (out[k - 1] != ' ' && out[k - 1] != '\t')
                       || s[i - 1] == '=' || i < 3 || s[i - 3] == '=');
          out[k++] = s[i];
        }
      else if (s[i + 1] == '\n')
        i++, col = 0;
      else
        {
          ck_assert_int_ge (hex (s[i + 1]), 0);
          ck_assert_int_ge (hex (s[i + 2]), 0);
          out[k++] = (char) (hex (s[i + 1]) * 16 + hex (s[i + 2]));
          i += 2;
          col += 2;
        }
    }
  return k;
}

START_TEST (quoted_printable)
{
  char text[600];
  size_t n = 0;
  const char *start = "plain line\ntrailing space \ntab\t\n=_ equals\n";
  memcpy (text, start, strlen (start));
  n = strlen (start);
  for (int i = 0; i < 200; i++)
    text[n++] = (char) ("x\xe9 "[i % 3]);
  text[n++] = '\r';
  text[n++] = 0;
  text[n++] = ' ';
  char *whole = qp_of (text, n, n);
  ck_assert (strstr (whole, "trailing space=20\n"));
  ck_assert (strstr (whole, "tab=09\n"));
  ck_assert (strstr (whole, "=3D_ equals\n"));
  ck_assert (!strstr (whole, "=_"));
  char back[2000];
  ck_assert_uint_eq (qp_decode (whole, back), n);
  ck_assert (!memcmp (back, text, n));
  for (size_t piece = 1; piece < 5; piece++)
    {
      char *s = qp_of (text, n, piece);
      ck_assert_str_eq (s, whole);
      free (s);
    }
  free (whole);
}
END_TEST

START_TEST (folding)
{
  struct str s;
  struct field h;
  field_start (&h, to_str (&s), "Subject");
  for (int i = 0; i < 30; i++)
    field_word (&h, " ", 1, "word", 4);
  field_end (&h);
  /* Unfolding (removing each LF before white space) gives the words back
     with single spaces.  */
  size_t col = 0;
  for (size_t i = 0; i < s.n; i++)
    {
      col = s.p[i] == '\n' ? 0 : col + 1;
      ck_assert_uint_le (col, 78);
      if (s.p[i] == '\n' && i + 1 < s.n)
        ck_assert_int_eq (s.p[i + 1], ' ');
    }
  ck_assert (strchr (s.p, '\n') < s.p + s.n - 1);
  ck_assert_int_eq (strncmp (s.p, "Subject: word word", 18), 0);
  free (s.p);
  /* A first word too long for the line stays beside the name: a name
     alone on its line reads back with a leading space.  An encoded word
     folds, RFC 2047 holding its line to 76 characters.  */
  char longword[80];
  memset (longword, 'x', sizeof longword);
  field_start (&h, to_str (&s), "Subject");
  field_word (&h, " ", 1, longword, sizeof longword);
  field_word (&h, " ", 1, "draft", 5);
  field_end (&h);
  ck_assert_int_eq (strncmp (s.p, "Subject: xxx", 12), 0);
  ck_assert_int_eq (strcmp (s.p + 9 + sizeof longword, "\n draft\n"), 0);
  free (s.p);
  memcpy (longword, "=?", 2);
  field_start (&h, to_str (&s), "Subject");
  field_word (&h, " ", 1, longword, sizeof longword);
  field_end (&h);
  ck_assert_int_eq (strncmp (s.p, "Subject:\n =?xx", 14), 0);
  free (s.p);
}
END_TEST

/* Decode one encoded word "=?CHARSET?B?...?=" into OUT.  */
static size_t
eword_decode (const char *w, size_t n, const char *charset,
              unsigned char *out)
{
  char head[32];
  int k = snprintf (head, sizeof head, "=?%s?B?", charset);
  ck_assert_int_eq (strncmp (w, head, (size_t) k), 0);
  ck_assert_int_eq (strncmp (w + n - 2, "?=", 2), 0);
  return b64_decode (w + k, n - (size_t) k - 2, out);
}

START_TEST (encoded_words)
{
  /* "ÄÖÜ" 20 times: two-byte characters that a cut at 45 bytes would
     split.  */
  char text[200];
  size_t n = 0;
  for (int i = 0; i < 20; i++)
    {
      memcpy (text + n, "\xc3\x84\xc3\x96\xc3\x9c", 6);
      n += 6;
    }
  for (size_t piece = 1; piece <= n; piece += 59)
    {
      struct str s;
      struct field h;
      struct ewords e;
      field_start (&h, to_str (&s), "Subject");
      ewords_init (&e, &h, "utf-8");
      for (size_t i = 0; i < n; i += piece)
        ewords_feed (&e, text + i, n - i < piece ? n - i : piece);
      ewords_finish (&e);
      field_end (&h);
      unsigned char all[400];
      size_t k = 0;
      size_t len;
      for (char *w = strstr (s.p, "=?"); w; w = strstr (w + len, "=?"))
        {
          len = strcspn (w, " \n");
          ck_assert_uint_le (len, 75);
          size_t got = eword_decode (w, len, "utf-8", all + k);
          /* Each word holds whole characters.  */
          ck_assert_int_ne (all[k] & 0xC0, 0x80);
          ck_assert_int_ne (all[k + got - 1] & 0xE0, 0xC0);
          k += got;
        }
      ck_assert_uint_eq (k, n);
      ck_assert (!memcmp (all, text, n));
      free (s.p);
    }
}
END_TEST

START_TEST (quoting_and_params)
{
  char q[64];
  size_t n = mime_quote ("Grewal, \"Jeff\" \\", 16, q);
  ck_assert_uint_eq (n, 21);
  ck_assert (!memcmp (q, "\"Grewal, \\\"Jeff\\\" \\\\\"", n));
  ck_assert (mime_atext ('!') && mime_atext ('z') && !mime_atext (',')
             && !mime_atext (' ') && !mime_atext ('"') && !mime_atext (0));

  struct str s;
  struct field h;
  field_start (&h, to_str (&s), "Content-Disposition");
  field_word (&h, " ", 1, "attachment", 10);
  const char *name = "R\xc3\xa9sum\xc3\xa9 of a long, long name for 1998 "
                     "with more words than fit.doc";
  mime_param_2231 (&h, "filename", "utf-8", (const unsigned char *) name,
                   strlen (name));
  field_end (&h);
  ck_assert (strstr (s.p, "attachment;\n filename*0*=utf-8''R%C3%A9sum%C3%A9%20of"));
  ck_assert (strstr (s.p, ";\n filename*1*="));
  ck_assert (!strstr (s.p, "filename*0*=utf-8''R%C3%A9sum%C3%A9%20of%20a%20"
                      "long%2C%20long%20name%20for%201998"));
  free (s.p);

  ck_assert_str_eq (mime_type_for ("Q2.XLS", 6), "application/vnd.ms-excel");
  ck_assert_str_eq (mime_type_for ("a.b.pdf", 7), "application/pdf");
  ck_assert_str_eq (mime_type_for ("README", 6), "application/octet-stream");
  ck_assert_str_eq (mime_type_for ("x.docx", 6), "application/octet-stream");
  ck_assert_str_eq (mime_type_for ("x.", 2), "application/octet-stream");
}
END_TEST

/* "From:" and the display name P of N bytes, as mime_phrase writes it.  */
static char *
phrase_of (const char *p, size_t n)
{
  struct str s;
  struct field h;
  field_start (&h, to_str (&s), "From");
  mime_phrase (&h, p, n);
  field_end (&h);
  /* No line passes RFC 5322's limit, and every fold is before white
     space.  */
  size_t col = 0;
  for (size_t i = 0; i < s.n; i++)
    {
      col = s.p[i] == '\n' ? 0 : col + 1;
      ck_assert_uint_le (col, 998);
      if (s.p[i] == '\n' && i + 1 < s.n)
        ck_assert (s.p[i + 1] == ' ' || s.p[i + 1] == '\t');
    }
  return s.p;
}

/* FIELD unfolded (each line end before white space removed), less
   "From: " and the last line end.  */
static char *
unfolded (const char *field)
{
  ck_assert_int_eq (strncmp (field, "From:", 5), 0);
  char *u = strdup (field + 5);
  size_t k = 0;
  for (size_t i = 0; u[i]; i++)
    if (u[i] != '\n')
      u[k++] = u[i];
  u[k] = 0;
  ck_assert_int_eq (u[0], ' ');
  memmove (u, u + 1, k);
  return u;
}

/* The display name in FIELD ("From: " and a phrase) as RFC 5322 and
   RFC 2047 read it: quoted-strings unquoted, encoded words (UTF-8 or
   US-ASCII, each at most 75 characters) decoded, the white space between
   two encoded words dropped and any other run of it one space.  */
static size_t
phrase_text (const char *field, unsigned char *out)
{
  char *u = unfolded (field);
  size_t k = 0;
  int prev = 0;                  /* 0 none, 1 an encoded word, 2 other */
  for (const char *w = u;;)
    {
      while (*w == ' ')
        w++;
      if (!*w)
        break;
      int ew = !strncmp (w, "=?", 2);
      if (prev && !(prev == 1 && ew))
        out[k++] = ' ';
      if (ew)
        {
          size_t len = strcspn (w, " ");
          ck_assert_uint_le (len, 75);
          const char *cs = !strncmp (w, "=?utf-8?", 8) ? "utf-8" : "us-ascii";
          k += eword_decode (w, len, cs, out + k);
          w += len;
        }
      else if (*w == '"')
        {
          for (w++; *w != '"'; w++)
            {
              ck_assert_int_ne (*w, 0);
              if (*w == '\\')
                w++;
              out[k++] = (unsigned char) *w;
            }
          w++;
        }
      else
        while (*w && *w != ' ')
          out[k++] = (unsigned char) *w++;
      prev = ew ? 1 : 2;
    }
  free (u);
  return k;
}

START_TEST (display_names)
{
  struct
  {
    const char *name, *want;
  } plain[] = {
    { "Admin", "Admin" },
    { "Jane Q Public", "Jane Q Public" },
    { "Grewal, Jeff", "\"Grewal, Jeff\"" },
    { "Jane Q. Public", "\"Jane Q. Public\"" },
    /* Readers take a run of spaces between atoms for one.  */
    { "Jane  Doe", "\"Jane  Doe\"" },
    { "\"JD\" \\ Doe", "\"\\\"JD\\\" \\\\ Doe\"" },
    /* A tab reads as a space: unquoted, the comma split the name in
       two.  */
    { "Doe,\tJane", "\"Doe, Jane\"" },
    { "Jane\tDoe", "Jane Doe" },
  };
  for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
    {
      char *f = phrase_of (plain[i].name, strlen (plain[i].name));
      char *u = unfolded (f);
      ck_assert_str_eq (u, plain[i].want);
      free (u);
      free (f);
    }

  /* Quoted whatever its length: "Doe, Jaaa...ne" of 210 bytes, and words
     of a long name folded at 78 columns inside the quotes.  */
  char name[1100];
  memcpy (name, "Doe, J", 6);
  memset (name + 6, 'a', 202);
  memcpy (name + 208, "ne", 3);
  char *f = phrase_of (name, 210);
  ck_assert_int_eq (strncmp (f, "From: \"Doe,\n Jaaa", 17), 0);
  char *u = unfolded (f);
  ck_assert_uint_eq (strlen (u), 212);
  ck_assert (u[0] == '"' && !memcmp (u + 1, name, 210) && u[211] == '"');
  free (u);
  free (f);
  size_t n = 0;
  while (n < 600)
    {
      memcpy (name + n, "Accounts, Payable ", 18);
      n += 18;
    }
  f = phrase_of (name, n - 1);
  for (const char *l = f; l; l = strchr (l + 1, '\n'))
    ck_assert_uint_le (strcspn (l + 1, "\n"), 78);
  u = unfolded (f);
  ck_assert (u[0] == '"' && !memcmp (u + 1, name, n - 1) && u[n] == '"');
  free (u);
  free (f);

  /* Control characters: their pictures, in UTF-8 encoded words.  */
  unsigned char text[1100];
  f = phrase_of ("Smith, Bob\x01", 11);
  ck_assert_str_eq (f, "From: \"Smith,\" =?utf-8?B?Qm9i4pCB?=\n");
  ck_assert_uint_eq (phrase_text (f, text), 13);
  ck_assert (!memcmp (text, "Smith, Bob\xe2\x90\x81", 13));
  free (f);
  f = phrase_of ("Ctl\x1a\tName\x7f\0", 11);
  ck_assert_uint_eq (phrase_text (f, text), 17);
  ck_assert (!memcmp (text, "Ctl\xe2\x90\x9a Name\xe2\x90\xa1\xe2\x90\x80",
                      17));
  free (f);
  /* Not ASCII: only the words that need it are encoded, each run in as
     few encoded words as it takes, so that readers who take the space
     between two encoded words for text (Python's email) see the same.  */
  f = phrase_of ("M\xc3\xbcller, J\xc3\xb6rg", 14);
  ck_assert_str_eq (f, "From: =?utf-8?B?TcO8bGxlciwgSsO2cmc=?=\n");
  free (f);
  const char *mixed = "M\xc3\xbcller-L\xc3\xbc" "denscheidt, Karl  Theodor "
                      "J\xc3\xb6rg \xc3\x96, (Accounting)";
  f = phrase_of (mixed, strlen (mixed));
  ck_assert_uint_eq (phrase_text (f, text), strlen (mixed));
  ck_assert (!memcmp (text, mixed, strlen (mixed)));
  ck_assert (strstr (f, "?= \"Karl  Theodor\"\n =?utf-8?B?"));
  ck_assert (strstr (f, "?= \"(Accounting)\"\n"));
  free (f);
  /* Between two runs one space separates; the others go inside the
     second.  */
  f = phrase_of ("Karl  J\xc3\xb6rg", 11);
  ck_assert_str_eq (f, "From: Karl =?utf-8?B?IErDtnJn?=\n");
  ck_assert_uint_eq (phrase_text (f, text), 11);
  ck_assert (!memcmp (text, "Karl  J\xc3\xb6rg", 11));
  free (f);
  /* A word too long for a line.  */
  memset (name, 'x', 1000);
  f = phrase_of (name, 1000);
  ck_assert_int_eq (strncmp (f, "From:\n =?us-ascii?B?", 20), 0);
  ck_assert_uint_eq (phrase_text (f, text), 1000);
  ck_assert (!memcmp (text, name, 1000));
  free (f);
}
END_TEST

START_TEST (look_alike_encoded_words)
{
  /* A name or file name that reads as an encoded word is encoded itself,
     so that a reader shows it as the export has it.  */
  unsigned char text[64];
  const char *boss = "=?utf-8?q?Boss?=";
  char *f = phrase_of (boss, strlen (boss));
  ck_assert_int_eq (strncmp (f, "From: =?us-ascii?B?", 19), 0);
  ck_assert_uint_eq (phrase_text (f, text), strlen (boss));
  ck_assert (!memcmp (text, boss, strlen (boss)));
  free (f);
  f = phrase_of ("Boss, =?x", 9);
  ck_assert_str_eq (f, "From: \"Boss,\" =?us-ascii?B?PT94?=\n");
  free (f);
  f = phrase_of ("Boss ?= x", 9);
  ck_assert_str_eq (f, "From: Boss ?= x\n");
  free (f);

  ck_assert (mime_param_quotable ("evil.exe.txt", 12));
  ck_assert (!mime_param_quotable ("=?utf-8?q?evil.exe?=.txt", 24));
  ck_assert (!mime_param_quotable ("a=?", 3));
  ck_assert (mime_param_quotable ("a?=b=", 5));
  ck_assert (!mime_param_quotable ("tab\there", 8));
  ck_assert (!mime_param_quotable ("r\xc3\xa9sum\xc3\xa9.doc", 12));
  char sixty[62];
  memset (sixty, 'n', 61);
  ck_assert (mime_param_quotable (sixty, 60));
  ck_assert (!mime_param_quotable (sixty, 61));
}
END_TEST

static int
hex_value (char c)
{
  return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F'
         ? c - 'A' + 10 : -1;
}

/* Whether [P, P + N) is whole UTF-8 characters.  */
static int
whole_utf8 (const char *p, size_t n)
{
  for (size_t i = 0; i < n;)
    {
      unsigned char b = (unsigned char) p[i];
      size_t k = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0
                 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
      if (!k || i + k > n)
        return 0;
      for (size_t j = 1; j < k; j++)
        if (((unsigned char) p[i + j] & 0xC0) != 0x80)
          return 0;
      i += k;
    }
  return 1;
}

START_TEST (rfc2231_pieces)
{
  /* Three-byte characters (CP932 names in UTF-8), from every offset: a
     piece of 40 characters of %XX would end inside one.  */
  for (size_t lead = 0; lead < 3; lead++)
    {
      char name[400];
      size_t n = 0;
      memset (name, 'x', lead);
      n = lead;
      for (int i = 0; i < 30; i++)
        {
          memcpy (name + n, "\xe6\x97\xa5", 3);
          n += 3;
        }
      memcpy (name + n, ".xls", 4);
      n += 4;
      struct str s;
      struct field h;
      field_start (&h, to_str (&s), "Content-Disposition");
      field_word (&h, " ", 1, "attachment", 10);
      mime_param_2231 (&h, "filename", "utf-8", (const unsigned char *) name,
                       n);
      field_end (&h);
      /* Each piece decodes by itself to whole characters, and the pieces
         make the name.  */
      char back[400];
      size_t k = 0, pieces = 0;
      for (const char *p = strstr (s.p, "filename*"); p;
           p = strstr (p, "filename*"))
        {
          p = strchr (p, '=') + 1;
          if (!pieces++)
            {
              ck_assert_int_eq (strncmp (p, "utf-8''", 7), 0);
              p += 7;
            }
          size_t start = k, len = strcspn (p, ";\n");
          ck_assert_uint_le (len + 14, 78);
          for (size_t i = 0; i < len; i++)
            if (p[i] == '%')
              {
                back[k++] = (char) (hex_value (p[i + 1]) * 16
                                    + hex_value (p[i + 2]));
                i += 2;
              }
            else
              back[k++] = p[i];
          ck_assert (whole_utf8 (back + start, k - start));
          p += len;
        }
      ck_assert_uint_ge (pieces, 3);
      ck_assert_uint_eq (k, n);
      ck_assert (!memcmp (back, name, n));
      free (s.p);
    }
}
END_TEST

/* The mbox filter through an output on a temporary file.  */
static char *
mbox_of (const char *msg, size_t piece, size_t *len)
{
  FILE *f = tmpfile ();
  ck_assert_ptr_nonnull (f);
  struct output out;
  ck_assert_int_eq (output_open (&out, fileno (f)), 0);
  struct mbox m;
  mbox_init (&m, &out);
  mbox_begin (&m, NULL, "Thu Jan  1 00:00:00 1970");
  size_t n = strlen (msg);
  for (size_t i = 0; i < n; i += piece)
    mbox_write (&m, msg + i, n - i < piece ? n - i : piece);
  mbox_end (&m);
  ck_assert_int_eq (output_flush (&out), 0);
  output_close (&out);
  long size = ftell (f);
  char *buf = malloc ((size_t) size + 1);
  rewind (f);
  ck_assert_uint_eq (fread (buf, 1, (size_t) size, f), (size_t) size);
  buf[size] = 0;
  fclose (f);
  *len = (size_t) size;
  return buf;
}

START_TEST (mboxrd_quoting)
{
  const char *msg = "Subject: x\n\nFrom here\n>From there\n>>From far\n"
                    "From\nFrom:\n >From\nFromage\n>>>\nlast>From ";
  const char *want = "From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n"
                     "Subject: x\n\n>From here\n>>From there\n>>>From far\n"
                     "From\nFrom:\n >From\nFromage\n>>>\nlast>From \n\n";
  for (size_t piece = 1; piece < 8; piece++)
    {
      size_t len;
      char *got = mbox_of (msg, piece, &len);
      ck_assert_str_eq (got, want);
      free (got);
    }
  size_t len;
  char *got = mbox_of ("ends with a line end\n", 100, &len);
  ck_assert_str_eq (got, "From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n"
                    "ends with a line end\n\n");
  free (got);
}
END_TEST

/* Bytes written plain are not looked at, and quoting goes on after.  */
START_TEST (mboxrd_plain)
{
  FILE *f = tmpfile ();
  ck_assert_ptr_nonnull (f);
  struct output out;
  ck_assert_int_eq (output_open (&out, fileno (f)), 0);
  struct mbox m;
  mbox_init (&m, &out);
  mbox_begin (&m, "a@b", "Thu Jan  1 00:00:00 1970");
  mbox_write (&m, "x\n\n", 3);
  mbox_write_plain (&m, "QUJD\nREVG", 9);
  const char *rest = "\nFrom here\n>From \n";
  mbox_write (&m, rest, strlen (rest));
  mbox_end (&m);
  ck_assert_int_eq (output_flush (&out), 0);
  output_close (&out);
  char buf[256];
  rewind (f);
  size_t n = fread (buf, 1, sizeof buf - 1, f);
  buf[n] = 0;
  fclose (f);
  ck_assert_str_eq (buf, "From a@b Thu Jan  1 00:00:00 1970\nx\n\nQUJD\nREVG\n"
                    ">From here\n>>From \n\n");
}
END_TEST

static Suite *
mime_suite (void)
{
  Suite *s = suite_create ("mime");
  TCase *enc = tcase_create ("Encodings");
  tcase_add_test (enc, base64_vectors);
  tcase_add_test (enc, base64_lines_and_pieces);
  tcase_add_test (enc, quoted_printable);
  suite_add_tcase (s, enc);
  TCase *fields = tcase_create ("Fields");
  tcase_add_test (fields, folding);
  tcase_add_test (fields, encoded_words);
  tcase_add_test (fields, quoting_and_params);
  tcase_add_test (fields, display_names);
  tcase_add_test (fields, look_alike_encoded_words);
  tcase_add_test (fields, rfc2231_pieces);
  suite_add_tcase (s, fields);
  TCase *mbox = tcase_create ("mbox");
  tcase_add_test (mbox, mboxrd_quoting);
  tcase_add_test (mbox, mboxrd_plain);
  suite_add_tcase (s, mbox);
  return s;
}

int
main (void)
{
  return check_main (mime_suite ());
}
