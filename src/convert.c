/* Converting one input.  */
#include <config.h>
#include "convert.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "digest.h"
#include "folder.h"
#include "frame.h"
#include "grow.h"
#include "lines.h"
#include "macbin.h"
#include "maildir.h"
#include "mbox.h"
#include "mime.h"
#include "pcx.h"
#include "rules.h"

void
convert_settings_default (struct convert_settings *c,
                          const struct settings *s)
{
  memset (c, 0, sizeof *c);
  c->s = s;
  c->domain = "ccmail.invalid";
  c->order = ORDER_MDY;
}

struct conv
{
  struct input in;
  struct convert_settings *c;
  struct stats *st;
  const char *name, *account;
  struct frame f;
  /* The message is composed once, onto OUT (and PLAIN for base64, which
     needs no mbox quoting); the container decides where it goes.  */
  struct sink out, plain;
  struct output *stream;       /* mbox: the stream, through MB */
  struct mbox mb;
  /* Maildir, eml: the message's file, and the folder it goes to.  */
  struct output file;
  int file_last;               /* the last byte written to FILE, or -1 */
  struct delivery d;
  int delivering;              /* D is open */
  char *folder;                /* the open folder's name, or NULL */
  struct maildir md;           /* maildir: that folder */
  int dir;                     /* eml: that directory */
  char *path;                  /* the message's file, relative to DIR */
  int trouble;                 /* an I/O error: stop */
  uint64_t conflicts;          /* names holding other bytes, left alone */
  char hash[33];               /* the current message's, in hex */
  char id[64];                 /* its Message-ID is <ID@ccfix.invalid> */
  struct ahead *ahead;         /* hashing the messages ahead, or NULL */
  char boundary[64];
  uint64_t number;             /* of the message, in its input */
  uint64_t line;               /* of its Message: line */
  uint64_t unreadable;         /* unreadable-K so far */
  uint64_t output;             /* where the message's From line went */
  struct item_note *notes;     /* --report: the message's items */
  size_t nnotes, notes_cap;
  struct recount rc;           /* --report: the counts a repair gives it */
  struct repair_note *repairs; /* --report: those its export gets wrong */
  size_t nrepairs, repairs_cap;
};

static void
put (struct conv *v, const char *s)
{
  v->out.write (v->out.ctx, s, strlen (s));
}

/* Hand [FROM, TO) of the input to FN in the pieces the input has (an
   input error stops it: in->err says why).  */
static void
feed_range (struct input *in, uint64_t from, uint64_t to, sink_fn *fn,
            void *ctx)
{
  const unsigned char *p;
  size_t n;
  while (input_chunk (in, &from, to, &p, &n))
    fn (ctx, (const char *) p, n);
}

/* Up to N bytes at [FROM, TO) into BUF; returns how many.  */
static size_t
read_bytes (struct input *in, uint64_t from, uint64_t to, char *buf,
            size_t n)
{
  size_t k = 0, got;
  const unsigned char *p;
  if (to - from > n)
    to = from + n;
  while (input_chunk (in, &from, to, &p, &got))
    {
      memcpy (buf + k, p, got);
      k += got;
    }
  return k;
}

/* The Message-ID's hash: SHA-256 over the account, a NUL and the bytes
   [FROM, TO) as they stand in the export, its first 16 bytes in hex.  */
static void
message_hash (struct conv *v, uint64_t from, uint64_t to)
{
  ahead_hash (v->ahead, v->account, &v->in, from, to, v->hash);
  memcpy (v->id, v->hash, sizeof v->hash);
  /* The boundary holds "=_", which neither base64 nor quoted-printable
     ever writes, and 7bit text holding it goes as quoted-printable: it
     cannot occur in the parts.  */
  snprintf (v->boundary, sizeof v->boundary, "=_ccfix.%.16s.1", v->hash);
}

/* What an unstructured field value holds, to choose how to write it.  */
struct measure
{
  int eight, ctl, eq;          /* 8-bit bytes, controls, "=?" */
  uint64_t token, longest;     /* white space and word, as folded */
  int in_word, prev;
};

static void
measure_feed (void *ctx, const char *p, size_t n)
{
  struct measure *m = ctx;
  for (size_t i = 0; i < n; i++)
    {
      unsigned char b = (unsigned char) p[i];
      int ws = b == ' ' || b == '\t';
      m->eight |= b >= 0x80;
      m->ctl |= (b < 0x20 && !ws) || b == 0x7f;
      m->eq |= m->prev == '=' && b == '?';
      if (ws && m->in_word)
        m->token = 0;
      m->in_word = !ws;
      if (++m->token > m->longest)
        m->longest = m->token;
      m->prev = b;
    }
}

/* Plain text folded at its own white space: one token (white space and
   the word after it) at a time.  */
struct tokens
{
  struct field *h;
  char buf[1024];
  size_t n, ws;                /* bytes held, of which white space */
  int first;
};

static void
tokens_flush (struct tokens *t)
{
  if (t->n > t->ws)
    {
      if (t->first)
        field_word (t->h, " ", 1, t->buf + t->ws, t->n - t->ws);
      else
        field_word (t->h, t->buf, t->ws, t->buf + t->ws, t->n - t->ws);
      t->first = 0;
    }
  t->n = t->ws = 0;
}

static void
tokens_feed (void *ctx, const char *p, size_t n)
{
  struct tokens *t = ctx;
  for (size_t i = 0; i < n; i++)
    {
      int ws = p[i] == ' ' || p[i] == '\t';
      if (ws && t->n > t->ws)
        tokens_flush (t);
      /* measure_feed has seen to it that tokens fit.  */
      if (t->n < sizeof t->buf)
        t->buf[t->n++] = p[i];
      if (ws)
        t->ws = t->n;
    }
}

/* Whether [P, P + N) is UTF-8, for names that come from the file
   system.  */
static int
is_utf8 (const unsigned char *p, size_t n)
{
  for (size_t i = 0; i < n;)
    {
      size_t k = p[i] < 0x80 ? 1 : (p[i] & 0xE0) == 0xC0 ? 2
                 : (p[i] & 0xF0) == 0xE0 ? 3 : (p[i] & 0xF8) == 0xF0 ? 4 : 0;
      if (!k || i + k > n)
        return 0;
      for (size_t j = 1; j < k; j++)
        if ((p[i + j] & 0xC0) != 0x80)
          return 0;
      i += k;
    }
  return 1;
}

/* Once a run: 8-bit bytes whose code page nobody named.  */
static void
warn_8bit (struct conv *v)
{
  if (v->c->warned_8bit)
    return;
  diag_warning (v->c->s->quiet, v->name, v->line, "8-bit bytes and no -f: "
                "text is labelled unknown-8bit and such display names are "
                "left out; -f CODEPAGE would name the code page");
  v->c->warned_8bit = 1;
}

/* A field body of text, plain and folded where it can be; RFC 2047
   encoded words where it holds 8-bit bytes or controls, looks like an
   encoded word itself, or has a word too long to fold.  The text is
   [FROM, TO) of the input (converted with -f) or, IN NULL, the memory at
   MEM (a name from the file system: UTF-8 when it is).  */
static void
write_text (struct conv *v, struct field *h, struct input *in, uint64_t from,
            uint64_t to, const char *mem)
{
  struct measure m = { 0 };
  if (in)
    feed_range (in, from, to, measure_feed, &m);
  else
    measure_feed (&m, mem, (size_t) (to - from));
  if (!m.eight && !m.ctl && !m.eq && m.longest <= 900)
    {
      struct tokens t = { .h = h, .first = 1 };
      if (in)
        feed_range (in, from, to, tokens_feed, &t);
      else
        tokens_feed (&t, mem, (size_t) (to - from));
      tokens_flush (&t);
      return;
    }
  struct ewords e;
  uint64_t len, bad;
  if (!m.eight)
    ewords_init (&e, h, "us-ascii");
  else if (in && v->c->text
           && charset_convert (v->c->text, in, from, to, NULL, NULL, &len,
                               &bad) == 0)
    {
      ewords_init (&e, h, "utf-8");
      charset_convert (v->c->text, in, from, to, ewords_feed, &e, &len, &bad);
      ewords_finish (&e);
      return;
    }
  else
    ewords_init (&e, h, !in && is_utf8 ((const unsigned char *) mem,
                                        (size_t) (to - from))
                 ? "utf-8" : "unknown-8bit");
  if (in)
    feed_range (in, from, to, ewords_feed, &e);
  else
    ewords_feed (&e, mem, (size_t) (to - from));
  ewords_finish (&e);
}

static void
text_field (struct conv *v, const char *name, uint64_t from, uint64_t to)
{
  struct field h;
  field_start (&h, v->out, name);
  write_text (v, &h, &v->in, from, to, NULL);
  field_end (&h);
}

static void
string_field (struct conv *v, const char *name, const char *s)
{
  struct field h;
  field_start (&h, v->out, name);
  write_text (v, &h, NULL, 0, strlen (s), s);
  field_end (&h);
}

/* One header line of the export: "Name: value", the name's bytes at
   [off, off + name_len) and the value at [value, end); name_len 0 when the
   line is not of that form.  */
struct hline
{
  uint64_t off, end, next, value;
  size_t name_len;
  char name[64];
};

static int
header_line (struct conv *v, uint64_t off, struct hline *h)
{
  struct line ln;
  if (off >= v->f.contents_off || !line_get (&v->in, off, &ln, NULL))
    return 0;
  h->off = off;
  h->end = ln.end;
  h->next = ln.next;
  h->name_len = 0;
  size_t n = read_bytes (&v->in, ln.off, ln.end, h->name, sizeof h->name);
  for (size_t i = 0; i < n; i++)
    {
      unsigned char b = (unsigned char) h->name[i];
      if (b == ':' && i > 0)
        {
          h->name_len = i;
          h->name[i] = 0;
          uint64_t p = ln.off + i + 1;
          while (p < ln.end && input_byte (&v->in, p) == ' ')
            p++;
          h->value = p;
          break;
        }
      /* RFC 5322 ftext, less the space that cc:Mail never puts there.  */
      if (b <= ' ' || b >= 0x7f)
        break;
    }
  return 1;
}

/* Header names are not case-sensitive (RFC 5322), nor cc:Mail's words.  */
static int
same_word (const char *a, const char *b)
{
  return !strcasecmp (a, b);
}

/* The value of the first header line named NAME into BUF (N bytes, one
   kept for a NUL), its trailing spaces dropped: 1, or 0 when there is
   none, -1 when it is longer.  */
static int
first_value (struct conv *v, const char *name, char *buf, size_t n)
{
  struct hline h;
  for (uint64_t off = v->f.mslot.next; header_line (v, off, &h); off = h.next)
    if (h.name_len && same_word (h.name, name))
      {
        if (h.end - h.value >= n)
          return -1;
        size_t k = read_bytes (&v->in, h.value, h.end, buf, n - 1);
        while (k && buf[k - 1] == ' ')
          k--;
        buf[k] = 0;
        return 1;
      }
  return 0;
}

/* A display name, as mime_phrase writes it; left out when it is not
   UTF-8.  */
static void
display_name (struct conv *v, struct field *h, const char *p, size_t n)
{
  if (!is_utf8 ((const unsigned char *) p, n))
    {
      /* Of unknown code page: no reader can show it, and an encoded word
         in unknown-8bit is a defect in a phrase.  The name stays in the
         X-ccMail- copy.  */
      warn_8bit (v);
      return;
    }
  mime_phrase (h, p, n);
}

/* The address on the header line H: its value in UTF-8 with -f (else as
   it stands) into BUF, the address into A.  -1 when there is none.  */
static int
address_of (struct conv *v, const struct hline *h, char *buf, size_t n,
            struct address *a)
{
  if (h->end - h->value > ADDRESS_MAX)
    return -1;
  size_t k = read_bytes (&v->in, h->value, h->end, buf, ADDRESS_MAX);
  struct text_buf t = { buf, n, 0 };
  uint64_t len, bad;
  if (v->c->text
      && charset_convert (v->c->text, &v->in, h->value, h->end, NULL, NULL,
                          &len, &bad) == 0
      && len <= ADDRESS_MAX)
    {
      charset_convert (v->c->text, &v->in, h->value, h->end, charset_to_buf,
                       &t, &len, &bad);
      k = t.n;
    }
  return address_convert (buf, k, v->c->map, v->c->domain, a);
}

/* All lines named NAME as one address field, one address each.  */
static void
address_field (struct conv *v, const char *name)
{
  struct field h;
  struct hline hl;
  struct address a;
  char buf[ADDRESS_MAX];
  int count = 0;
  for (uint64_t off = v->f.mslot.next; header_line (v, off, &hl);
       off = hl.next)
    {
      if (!hl.name_len || !same_word (hl.name, name)
          || address_of (v, &hl, buf, sizeof buf, &a) < 0)
        continue;
      if (count++)
        field_word (&h, "", 0, ",", 1);
      else
        field_start (&h, v->out, name);
      if (a.name_len)
        display_name (v, &h, buf + a.name_off, a.name_len);
      char angle[sizeof a.spec + 2];
      int k = snprintf (angle, sizeof angle, "<%s>", a.spec);
      field_word (&h, " ", 1, angle, (size_t) k);
    }
  if (count)
    field_end (&h);
}

/* The message's date from its first Date: line, placed in the time zone.
   Returns -1, and says so, when it has none that parses and exists.  */
static int
message_date (struct conv *v, struct cdate *d)
{
  char buf[64];
  int found = first_value (v, "Date", buf, sizeof buf);
  if (found == 0)
    return -1;
  if (found < 0)
    {
      diag_finding (v->c->s->quiet, v->name, v->line, v->number, NULL,
                    "date line too long to be a date; no Date field");
      return -1;
    }
  size_t n = strlen (buf);
  const char *why = NULL;
  if (date_parse (buf, n, v->c->order, d) < 0)
    why = "does not parse or does not exist";
  else if (date_place (d, v->c->zone) < 0)
    why = "does not exist in the time zone";
  if (!why)
    return 0;
  diag_finding (v->c->s->quiet, v->name, v->line, v->number, NULL,
                "date '%s' %s; no Date field", buf, why);
  return -1;
}

static void
priority_fields (struct conv *v)
{
  char buf[16];
  if (first_value (v, "Priority", buf, sizeof buf) <= 0)
    return;
  if (same_word (buf, "high") || same_word (buf, "urgent"))
    put (v, "Importance: high\nX-Priority: 1\n");
  else if (same_word (buf, "low"))
    put (v, "Importance: low\nX-Priority: 5\n");
}

/* X-ccMail-NAME: a copy of every header line of the export.  */
static void
copy_fields (struct conv *v)
{
  struct hline h;
  for (uint64_t off = v->f.mslot.next; header_line (v, off, &h); off = h.next)
    {
      char name[96];
      if (h.end == h.off)
        continue;               /* a blank line holds nothing to keep */
      snprintf (name, sizeof name, "X-ccMail-%s",
                h.name_len ? h.name : "Header");
      text_field (v, name, h.name_len ? h.value : h.off, h.end);
    }
}

/* One item of the framed message.  */
struct item
{
  const struct fitem *it;
  size_t k;                    /* 1-based */
  char word[16];               /* "Text", "File", "Fax" ... */
  uint64_t title, title_end;   /* after "item:" and spaces */
  int text;
};

static void
item_get (struct conv *v, size_t k, struct item *t)
{
  t->it = &v->f.items[k];
  t->k = k + 1;
  struct line ln;
  line_get (&v->in, t->it->off, &ln, NULL);
  char buf[64];
  size_t n = read_bytes (&v->in, ln.off, ln.end, buf, sizeof buf - 1);
  buf[n] = 0;
  char *sp = strstr (buf, " item:");
  size_t w = sp ? (size_t) (sp - buf) : 0;
  if (w >= sizeof t->word)
    w = sizeof t->word - 1;
  memcpy (t->word, buf, w);
  t->word[w] = 0;
  t->title = ln.off + (sp ? (uint64_t) (sp - buf) + 6 : ln.end - ln.off);
  while (t->title < ln.end && input_byte (&v->in, t->title) == ' ')
    t->title++;
  t->title_end = ln.end;
  while (t->title_end > t->title
         && input_byte (&v->in, t->title_end - 1) == ' ')
    t->title_end--;
  t->text = !strcmp (t->word, "Text");
}

/* Text on its way out: CR LF becomes LF; a lone CR stays.  */
struct eol
{
  struct sink out;
  int cr;
};

static void
eol_feed (void *ctx, const char *p, size_t n)
{
  struct eol *e = ctx;
  const char *end = p + n;
  if (n && e->cr)
    {
      e->cr = 0;
      if (*p != '\n')
        e->out.write (e->out.ctx, "\r", 1);
    }
  /* Text holds few CRs: from one to the next in a single write.  */
  for (const char *cr; (cr = memchr (p, '\r', (size_t) (end - p)));
       p = cr + 1)
    {
      e->out.write (e->out.ctx, p, (size_t) (cr - p));
      if (cr + 1 == end)
        {
          e->cr = 1;
          return;
        }
      if (cr[1] != '\n')
        e->out.write (e->out.ctx, "\r", 1);
    }
  e->out.write (e->out.ctx, p, (size_t) (end - p));
}

static void
eol_finish (struct eol *e)
{
  if (e->cr)
    e->out.write (e->out.ctx, "\r", 1);
  e->cr = 0;
}

/* What text holds, to choose its transfer encoding.  */
struct tmeasure
{
  int eight, ctl, eq_under;
  uint64_t line, longest;
  int prev;
};

static void
tmeasure_feed (void *ctx, const char *p, size_t n)
{
  struct tmeasure *m = ctx;
  if (!n)
    return;
  /* Each question in a pass of its own, eight bytes at a time or through
     memchr: byte by byte, measuring took longer than writing.  */
  uint64_t any = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    {
      uint64_t w;
      memcpy (&w, p + i, 8);
      any |= w;
    }
  for (; i < n; i++)
    any |= (unsigned char) p[i];
  m->eight |= (any & 0x8080808080808080u) != 0;
  m->ctl |= memchr (p, 0, n) || memchr (p, '\r', n);
  m->eq_under |= m->prev == '=' && p[0] == '_';
  for (const char *q = p; !m->eq_under
       && (q = memchr (q, '=', n - 1 - (size_t) (q - p))); q++)
    m->eq_under = q[1] == '_';
  const char *end = p + n;
  for (const char *q = p;;)
    {
      const char *lf = memchr (q, '\n', (size_t) (end - q));
      m->line += (uint64_t) ((lf ? lf : end) - q);
      if (m->line > m->longest)
        m->longest = m->line;
      if (!lf)
        break;
      m->line = 0;
      q = lf + 1;
    }
  m->prev = (unsigned char) p[n - 1];
}

/* Pass the item's text, line ends changed, to OUT: converted when CONV.  */
static void
text_pass (struct conv *v, const struct fitem *it, int conv, struct sink out)
{
  struct eol e = { out, 0 };
  uint64_t from = it->slot.next, to = from + it->data_len, len, bad;
  if (conv)
    charset_convert (v->c->text, &v->in, from, to, eol_feed, &e, &len, &bad);
  else
    feed_range (&v->in, from, to, eol_feed, &e);
  eol_finish (&e);
}

/* How a text item is written: converted or not, 7bit or
   quoted-printable.  */
struct text_way
{
  int conv, seven;
};

/* A text item's part header fields.  */
static void
text_fields (struct conv *v, const struct item *t, int multipart,
             struct text_way *w)
{
  const struct fitem *it = t->it;
  uint64_t from = it->slot.next, to = from + it->data_len, len, bad;
  w->conv = 0;
  if (v->c->text)
    {
      w->conv = charset_convert (v->c->text, &v->in, from, to, NULL, NULL,
                                 &len, &bad) == 0;
      if (!w->conv)
        diag_finding (v->c->s->quiet, v->name, v->line, v->number, NULL,
                      "item %zu: byte offset %" PRIu64 " is not a "
                      "character of %s; kept unconverted as unknown-8bit",
                      t->k, bad, v->c->from_code);
    }
  struct tmeasure m = { 0 };
  text_pass (v, it, w->conv, (struct sink) { tmeasure_feed, &m });
  const char *charset = w->conv ? "utf-8" : m.eight ? "unknown-8bit"
                        : "us-ascii";
  if (m.eight && !v->c->text)
    warn_8bit (v);
  w->seven = !m.eight && !m.ctl && !m.eq_under && m.longest <= 998;
  put (v, "Content-Type: text/plain; charset=");
  put (v, charset);
  put (v, w->seven ? "\nContent-Transfer-Encoding: 7bit\n"
       : "\nContent-Transfer-Encoding: quoted-printable\n");
  if (multipart)
    put (v, "Content-Disposition: inline\n");
  if (t->title < t->title_end)
    text_field (v, "Content-Description", t->title, t->title_end);
}

static void
text_body (struct conv *v, const struct item *t, const struct text_way *w)
{
  if (w->seven)
    {
      text_pass (v, t->it, w->conv, v->out);
      return;
    }
  struct qp q;
  qp_init (&q, v->out);
  text_pass (v, t->it, w->conv, (struct sink) { qp_feed, &q });
  qp_finish (&q);
}

/* The name and date of a file item, "NAME DATE TIME": the date taken off
   the right end when it parses (KB Q166610), and *DATED when it also
   exists in the zone: what the name is must not hang on --timezone.  */
static size_t
file_name (struct conv *v, const struct item *t, char *buf, size_t n,
           struct cdate *d, int *dated)
{
  size_t len = read_bytes (&v->in, t->title, t->title_end, buf, n);
  *dated = 0;
  int spaces = 0;
  for (size_t i = len; i > 0 && spaces < 3; i--)
    if (buf[i - 1] == ' ' && (i == len || buf[i] != ' '))
      {
        spaces++;
        if (spaces >= 2 && date_parse (buf + i, len - i, v->c->order, d) == 0)
          {
            size_t k = i;
            while (k > 0 && buf[k - 1] == ' ')
              k--;
            if (k > 0)
              {
                *dated = date_place (d, v->c->zone) == 0;
                return k;
              }
          }
      }
  return len;
}

/* What an attachment is: its name, date and type, and where its bytes
   are.  */
struct attachment
{
  char name[1040];             /* up to a title of 1024 bytes and ".pcx" */
  size_t n;
  int from_title;              /* NAME is title bytes as they stand */
  int dated;
  struct cdate d;
  const char *type;
  uint64_t from, to;           /* its data on the input */
  int mac;                     /* a MacBinary item, unwrapped: MB */
  struct macbin mb;
};

/* filename="NAME" when mime_param_quotable, else RFC 2231.  Returns 1
   when the name lost bytes on the way.  */
static int
filename_param (struct conv *v, struct field *h, const struct item *t,
                const struct attachment *a)
{
  const char *name = a->name;
  size_t n = a->n;
  if (mime_param_quotable (name, n))
    {
      char q[2 * 60 + 16];
      memcpy (q, "filename=", 9);
      size_t k = 9 + mime_quote (name, n, q + 9);
      field_word (h, "", 0, ";", 1);
      field_word (h, " ", 1, q, k);
      return 0;
    }
  char conv[4096];
  struct text_buf tb = { conv, sizeof conv, 0 };
  uint64_t len, bad;
  if (a->from_title && v->c->text && n < 1024
      && charset_convert (v->c->text, &v->in, t->title, t->title + n,
                          charset_to_buf, &tb, &len, &bad) == 0
      && len <= sizeof conv)
    {
      mime_param_2231 (h, "filename", "utf-8", (unsigned char *) conv, tb.n);
      return 0;
    }
  if (!a->from_title && is_utf8 ((const unsigned char *) name, n))
    {
      mime_param_2231 (h, "filename", "utf-8", (const unsigned char *) name,
                       n);
      return 0;
    }
  /* A file name in a code page nobody named cannot be decoded by the
     reader (unknown-8bit is no charset to it): its 8-bit bytes become '_'
     and the title as it stands goes in Content-Description.  */
  int eight = 0;
  for (size_t i = 0; i < n && i < sizeof conv; i++)
    {
      eight |= (unsigned char) name[i] >= 0x80;
      conv[i] = (unsigned char) name[i] >= 0x80 ? '_' : name[i];
    }
  mime_param_2231 (h, "filename", "us-ascii", (unsigned char *) conv,
                   n < sizeof conv ? n : sizeof conv);
  if (eight)
    warn_8bit (v);
  return eight;
}

static void
b64_sink (void *ctx, const char *p, size_t n)
{
  b64_feed (ctx, p, n);
}

/* [FROM, TO) of the input in UTF-8 with -f (else as it stands) into BUF
   (N bytes): a title or a folder's name.  Returns its length.  */
static size_t
range_utf8 (struct conv *v, uint64_t from, uint64_t to, char *buf, size_t n)
{
  struct text_buf tb = { buf, n, 0 };
  uint64_t len, bad;
  if (v->c->text
      && charset_convert (v->c->text, &v->in, from, to, NULL, NULL, &len,
                          &bad) == 0 && len <= n)
    {
      charset_convert (v->c->text, &v->in, from, to, charset_to_buf, &tb,
                       &len, &bad);
      return tb.n;
    }
  return read_bytes (&v->in, from, to, buf, n);
}

/* A fax item: PCX or not, named after its title or its number among the
   message's faxes.  HEAD holds the first K bytes of its data.  */
static void
fax_get (struct conv *v, const struct item *t, struct attachment *a,
         const unsigned char *head, size_t k)
{
  uint64_t fax = 1;
  for (size_t i = 0; i + 1 < t->k; i++)
    {
      struct item o;
      item_get (v, i, &o);
      fax += !strcmp (o.word, "Fax");
    }
  int pcx = pcx_detect (head, k);
  char title[1024];
  size_t n = range_utf8 (v, t->title, t->title_end, title, sizeof title);
  char *name = pcx_fax_name (title, n, fax, pcx);
  if (!name)
    {
      /* Out of memory for a name: the number alone still names it.  */
      a->n = (size_t) snprintf (a->name, sizeof a->name, "fax-%" PRIu64,
                                fax);
    }
  else
    {
      a->n = (size_t) snprintf (a->name, sizeof a->name, "%s", name);
      free (name);
    }
  if (a->n >= sizeof a->name)
    a->n = sizeof a->name - 1;
  a->from_title = 0;
  if (pcx)
    a->type = "image/x-pcx";
}

/* A MacBinary item: the data fork, named and dated by its header.  */
static void
mac_get (struct conv *v, struct attachment *a)
{
  char name[MACBIN_NAME_UTF8];
  int n = macbin_name_utf8 (v->c->mac, &a->mb, name);
  if (n > 0)
    {
      memcpy (a->name, name, (size_t) n);
      a->n = (size_t) n;
      a->from_title = 0;
    }
  if (a->mb.modified)
    {
      date_from_unix (a->mb.modified, &a->d);
      a->dated = 1;
    }
  a->mac = 1;
  a->from += a->mb.data_offset;
  a->to = a->from + a->mb.data_len;
}

/* The attachment item T makes: a File item's name less its date, a Fax
   item's name, or the title; item-K without one.  */
static void
attachment_get (struct conv *v, const struct item *t, struct attachment *a)
{
  a->from = t->it->slot.next;
  a->to = a->from + t->it->data_len;
  a->from_title = 1;
  a->dated = a->mac = 0;
  a->type = NULL;
  unsigned char head[MACBIN_HEADER];
  size_t k = read_bytes (&v->in, a->from, a->to, (char *) head, sizeof head);
  if (!strcmp (t->word, "File"))
    {
      a->n = file_name (v, t, a->name, 1024, &a->d, &a->dated);
      if (v->c->mac && k == sizeof head
          && macbin_parse (head, t->it->data_len, &a->mb))
        mac_get (v, a);
    }
  else if (!strcmp (t->word, "Fax"))
    fax_get (v, t, a, head, k);
  else
    a->n = read_bytes (&v->in, t->title, t->title_end, a->name, 1024);
  if (a->n == 0)
    {
      a->from_title = 0;
      a->n = (size_t) snprintf (a->name, sizeof a->name, "item-%zu", t->k);
    }
  if (!a->type)
    a->type = mime_type_for (a->name, a->n);
}

/* An attachment's header fields and the blank line after them.  */
static void
attachment_fields (struct conv *v, const struct item *t,
                   const struct attachment *a)
{
  put (v, "Content-Type: ");
  put (v, a->type);
  put (v, "\nContent-Transfer-Encoding: base64\n");
  struct field h;
  field_start (&h, v->out, "Content-Disposition");
  field_word (&h, " ", 1, "attachment", 10);
  int lossy = filename_param (v, &h, t, a);
  if (a->dated)
    {
      char date[80] = "modification-date=\"";
      date_rfc5322 (&a->d, date + 19, sizeof date - 20);
      strcat (date, "\"");
      field_word (&h, "", 0, ";", 1);
      field_word (&h, " ", 1, date, strlen (date));
    }
  field_end (&h);
  if (lossy)
    text_field (v, "Content-Description", t->title, t->title_end);
  put (v, "\n");
}

/* The base64 of HEAD (N bytes) and then [FROM, TO) of the input, streamed
   from it.  */
static void
base64_body (struct conv *v, const unsigned char *head, size_t n,
             uint64_t from, uint64_t to)
{
  struct b64 b;
  b64_init (&b, v->plain);
  if (n)
    b64_feed (&b, (const char *) head, n);
  feed_range (&v->in, from, to, b64_sink, &b);
  b64_finish (&b);
}

/* A file, fax or other item as an attachment; a MacBinary item with a
   resource fork as RFC 1740 multipart/appledouble, the AppleDouble header
   and the resource fork in its application/applefile part.  */
static void
attachment_part (struct conv *v, const struct item *t)
{
  struct attachment a;
  attachment_get (v, t, &a);
  if (!a.mac || a.mb.rsrc_len == 0)
    {
      attachment_fields (v, t, &a);
      base64_body (v, NULL, 0, a.from, a.to);
      return;
    }
  /* ".2.K" after the hash: neither a prefix of the message's boundary,
     which ends ".1", nor holding it.  */
  char b[64];
  snprintf (b, sizeof b, "=_ccfix.%.16s.2.%zu", v->hash, t->k);
  put (v, "Content-Type: multipart/appledouble; boundary=\"");
  put (v, b);
  put (v, "\"\n\n--");
  put (v, b);
  put (v, "\nContent-Type: application/applefile\n"
       "Content-Transfer-Encoding: base64\n\n");
  unsigned char head[MACBIN_APPLEDOUBLE_MAX];
  size_t n = macbin_appledouble (&a.mb, head);
  uint64_t rsrc = t->it->slot.next + a.mb.rsrc_offset;
  base64_body (v, head, n, rsrc, rsrc + a.mb.rsrc_len);
  put (v, "\n--");
  put (v, b);
  put (v, "\n");
  attachment_fields (v, t, &a);
  base64_body (v, NULL, 0, a.from, a.to);
  put (v, "\n--");
  put (v, b);
  put (v, "--\n");
}

static void
delimiter (struct conv *v, int first)
{
  put (v, first ? "--" : "\n--");
  put (v, v->boundary);
  put (v, "\n");
}

static void
close_delimiter (struct conv *v)
{
  put (v, "\n--");
  put (v, v->boundary);
  put (v, "--\n");
}

static void
message_id_field (struct conv *v)
{
  put (v, "Message-ID: <");
  put (v, v->id);
  put (v, "@ccfix.invalid>\nMIME-Version: 1.0\n");
}

static void
source_field (struct conv *v, uint64_t off, uint64_t number)
{
  char src[4096];
  if (number)
    snprintf (src, sizeof src, "%s; offset %" PRIu64 "; message %" PRIu64,
              v->name, off, number);
  else
    snprintf (src, sizeof src, "%s; offset %" PRIu64, v->name, off);
  string_field (v, "X-ccMail-Account", v->account);
  string_field (v, "X-ccMail-Source", src);
}

/* Maildir and eml: a message's bytes into its file.  */
static void
file_write (void *ctx, const char *p, size_t n)
{
  struct conv *v = ctx;
  if (n)
    v->file_last = (unsigned char) p[n - 1];
  output_bytes (&v->file, (const unsigned char *) p, n);
}

/* eml: the message's LF line ends as CR LF.  */
static void
crlf_write (void *ctx, const char *p, size_t n)
{
  const char *end = p + n, *lf;
  while ((lf = memchr (p, '\n', (size_t) (end - p))))
    {
      file_write (ctx, p, (size_t) (lf - p));
      file_write (ctx, "\r\n", 2);
      p = lf + 1;
    }
  file_write (ctx, p, (size_t) (end - p));
}

/* "ccfix: DIR/REL: WHAT: strerror (ERR)", and the run stops.  */
static void
file_error (struct conv *v, const char *rel, const char *what, int err)
{
  size_t n = strlen (v->c->dir) + strlen (rel) + strlen (what) + 4;
  char *s = malloc (n);
  if (s)
    snprintf (s, n, "%s/%s: %s", v->c->dir, rel, what);
  diag_error (s ? s : v->c->dir, err);
  free (s);
  v->trouble = 1;
}

/* The framed message's Folder: value in UTF-8 with -f (else as it
   stands) into BUF (N bytes); its length, 0 for none.  */
static size_t
folder_value (struct conv *v, char *buf, size_t n)
{
  struct hline h;
  for (uint64_t off = v->f.mslot.next; header_line (v, off, &h); off = h.next)
    if (h.name_len && same_word (h.name, "Folder"))
      {
        uint64_t end = h.end;
        while (end > h.value && input_byte (&v->in, end - 1) == ' ')
          end--;
        return range_utf8 (v, h.value, end, buf, n);
      }
  return 0;
}

/* Make the names of the files delivered to the open folder durable, and
   close it.  */
static void
close_folder (struct conv *v)
{
  if (!v->folder)
    return;
  int fd = v->c->format == CONVERT_MAILDIR ? v->md.cur : v->dir;
  if (fsync (fd) < 0 && !v->trouble)
    file_error (v, v->folder, "cannot sync the directory", errno);
  if (v->c->format == CONVERT_MAILDIR)
    maildir_close (&v->md);
  else
    close (v->dir);
  free (v->folder);
  v->folder = NULL;
}

/* Open the folder of the framed message (FRAMED; else the inbox), unless
   it is open already.  -1 when it cannot be.  */
static int
open_folder (struct conv *v, int framed)
{
  char buf[4096];
  size_t n = framed ? folder_value (v, buf, sizeof buf) : 0;
  char *name = v->c->format == CONVERT_MAILDIR ? folder_maildir (buf, n)
               : folder_eml (v->account, strlen (v->account), buf, n);
  if (!name)
    {
      file_error (v, "", "cannot name the folder", errno);
      return -1;
    }
  if (v->folder && !strcmp (v->folder, name))
    {
      free (name);
      return 0;
    }
  close_folder (v);
  int r = v->c->format == CONVERT_MAILDIR
          ? maildir_open (&v->md, v->c->dir, name)
          : (v->dir = dir_open (v->c->dir, name));
  if (r < 0)
    {
      file_error (v, name, "cannot create the folder", errno);
      free (name);
      return -1;
    }
  v->folder = name;
  return 0;
}

/* Start the message: its From line in the mbox, or its file in the
   folder of the framed message (FRAMED) or in the inbox.  SENDER and
   DATE are for the From line; MESSAGE is 0 for a preamble or stray
   bytes.  */
static void
message_begin (struct conv *v, const char *sender, const char *date,
               int framed, int message)
{
  if (v->c->format == CONVERT_MBOX)
    {
      v->output = v->stream->bytes;
      mbox_begin (&v->mb, sender, date);
      return;
    }
  v->file_last = -1;
  /* After a failed read (of its hash, say) the message is not delivered:
     no folder, no file.  */
  if (v->trouble || v->in.err || open_folder (v, framed) < 0)
    return;
  char name[64];
  int r;
  if (v->c->format == CONVERT_MAILDIR)
    {
      char hash[17];
      memcpy (hash, v->hash, 16);
      hash[16] = 0;
      /* The name maildir_deliver gives, for the report.  */
      snprintf (name, sizeof name, "%" PRIu64 ".%s.ccfix:2,", v->number,
                hash);
      r = maildir_deliver (&v->d, &v->md, v->number, hash);
    }
  else
    {
      /* Preamble and stray bytes follow message N (0 for the preamble)
         and take its number with a word of their own.  */
      snprintf (name, sizeof name, message ? "%06" PRIu64 ".eml"
                : "%06" PRIu64 "-unreadable.eml", v->number);
      r = delivery_open (&v->d, v->dir, v->dir, name);
    }
  int err = errno;
  /* A file a reader renamed is the message's: named as it now is.  */
  const char *file = r == 0 && v->d.found ? v->d.found : name;
  size_t n = strlen (v->folder) + strlen (file) + 8;
  char *path = realloc (v->path, n);
  if (path)
    {
      v->path = path;
      if (v->c->format == CONVERT_EML)
        snprintf (path, n, "%s/%s", v->folder, name);
      else
        snprintf (path, n, "%s%s%s/%s", v->folder, *v->folder ? "/" : "",
                  file == name ? "cur" : v->d.found_in, file);
    }
  if (r < 0 || !path)
    {
      if (r == 0)
        delivery_abort (&v->d);
      file_error (v, path ? v->path : v->folder,
                  r < 0 ? v->d.failed : "cannot name the file",
                  r < 0 ? err : ENOMEM);
      return;
    }
  v->delivering = 1;
  v->file.fd = v->d.fd;
}

/* End the message: the mbox's empty line, or the file synced, dated
   DATE (when not NULL) and given its name; a name that holds other bytes
   is reported and left alone.  */
static void
message_end (struct conv *v, const struct cdate *date)
{
  if (v->c->format == CONVERT_MBOX)
    {
      mbox_end (&v->mb);
      return;
    }
  if (!v->delivering)
    return;
  v->delivering = 0;
  if (v->file_last != '\n')
    v->out.write (v->out.ctx, "\n", 1);
  int failed = output_flush (&v->file) < 0, err = v->file.err;
  v->file.err = 0;
  v->file.fd = -1;
  /* A message made from bytes that were not all read (a truncated body,
     a hash of the wrong bytes) never gets its name: a re-run delivers
     it.  The run stops, and says why once.  */
  if (failed || v->in.err)
    {
      delivery_abort (&v->d);
      if (!v->in.err)
        file_error (v, v->path, "cannot write", err);
      return;
    }
  struct timespec t = { 0, 0 };
  if (date)
    t.tv_sec = (time_t) date_unix (date);
  int r = delivery_commit (&v->d, date ? &t : NULL);
  if (r < 0)
    file_error (v, v->path, v->d.failed, errno);
  else if (r == DELIVERY_CONFLICT)
    {
      v->conflicts++;
      diag_finding (v->c->s->quiet, v->name, v->line, v->number, NULL,
                    "%s/%s holds other bytes; left alone", v->c->dir,
                    v->path);
    }
}

/* The address of the message's first From: line, for the mbox From line:
   in A (with BUF), or NULL.  */
static const char *
message_sender (struct conv *v, struct address *a, char *buf, size_t n)
{
  struct hline hl;
  for (uint64_t off = v->f.mslot.next; header_line (v, off, &hl);
       off = hl.next)
    if (hl.name_len && same_word (hl.name, "From"))
      return address_of (v, &hl, buf, n, a) == 0 ? a->spec : NULL;
  return NULL;
}

/* The framed message at F, its own bytes ending at END.  */
static void
convert_framed (struct conv *v, uint64_t end)
{
  const struct frame *f = &v->f;
  message_hash (v, f->off, end);
  struct address a;
  char buf[ADDRESS_MAX];
  const char *sender = message_sender (v, &a, buf, sizeof buf);
  struct hline hl;
  struct cdate d;
  int has_date = message_date (v, &d) == 0;
  char date[64] = "Thu Jan  1 00:00:00 1970";
  if (has_date)
    date_asctime_utc (&d, date, sizeof date);
  message_begin (v, sender, date, 1, 1);

  address_field (v, "From");
  address_field (v, "To");
  address_field (v, "Cc");
  address_field (v, "Bcc");
  for (uint64_t off = f->mslot.next; header_line (v, off, &hl); off = hl.next)
    if (hl.name_len && same_word (hl.name, "Subject"))
      {
        text_field (v, "Subject", hl.value, hl.end);
        break;
      }
  if (has_date)
    {
      date_rfc5322 (&d, date, sizeof date);
      put (v, "Date: ");
      put (v, date);
      put (v, "\n");
    }
  message_id_field (v);

  size_t nitems = f->nitems;
  struct item t;
  struct text_way w;
  int single = nitems == 0 || (nitems == 1 && (item_get (v, 0, &t), t.text));
  if (nitems == 0)
    put (v, "Content-Type: text/plain; charset=us-ascii\n"
         "Content-Transfer-Encoding: 7bit\n");
  else if (single)
    text_fields (v, &t, 0, &w);
  else
    {
      put (v, "Content-Type: multipart/mixed; boundary=\"");
      put (v, v->boundary);
      put (v, "\"\n");
    }
  priority_fields (v);
  source_field (v, f->off, v->number);
  copy_fields (v);
  put (v, "\n");
  if (single && nitems)
    text_body (v, &t, &w);
  for (size_t k = 0; !single && k < nitems; k++)
    {
      item_get (v, k, &t);
      delimiter (v, k == 0);
      if (t.text)
        {
          text_fields (v, &t, 1, &w);
          put (v, "\n");
          text_body (v, &t, &w);
        }
      else
        attachment_part (v, &t);
    }
  if (!single)
    close_delimiter (v);
  message_end (v, has_date ? &d : NULL);
}

/* Bytes [FROM, TO) that cannot be read as a message, kept as one: a short
   text that says WHY, and the bytes attached unchanged.  NUMBER is the
   message they were (0: a preamble or stray bytes).  */
static void
convert_unreadable (struct conv *v, uint64_t from, uint64_t to,
                    const char *why, uint64_t number)
{
  message_hash (v, from, to);
  /* Two parts of the same bytes (the 0x1A between each pair of files
     joined with copy /b) are still two messages: the offset tells them
     apart, and the hash stays that of the bytes attached.  */
  snprintf (v->id, sizeof v->id, "%s.%" PRIu64, v->hash, from);
  v->unreadable++;
  message_begin (v, "ccfix@ccfix.invalid", "Thu Jan  1 00:00:00 1970", 0,
                 number != 0);
  put (v, "From: ccfix <ccfix@ccfix.invalid>\n");
  char subject[4096];
  snprintf (subject, sizeof subject, "[ccfix] unreadable part of %s at "
            "offset %" PRIu64, v->account, from);
  string_field (v, "Subject", subject);
  message_id_field (v);
  put (v, "Content-Type: multipart/mixed; boundary=\"");
  put (v, v->boundary);
  put (v, "\"\n");
  source_field (v, from, number);
  put (v, "\n");
  delimiter (v, 1);
  put (v, "Content-Type: text/plain; charset=us-ascii\n"
       "Content-Transfer-Encoding: 7bit\n\n"
       "ccfix could not read these bytes of the export as a message: ");
  put (v, why);
  put (v, ".\nThey are attached unchanged.\n");
  delimiter (v, 0);
  char name[64];
  snprintf (name, sizeof name, "unreadable-%" PRIu64 ".ccmail",
            v->unreadable);
  put (v, "Content-Type: application/octet-stream\n"
       "Content-Transfer-Encoding: base64\n"
       "Content-Disposition: attachment; filename=\"");
  put (v, name);
  put (v, "\"\n\n");
  base64_body (v, NULL, 0, from, to);
  close_delimiter (v);
  message_end (v, NULL);
}

static struct item_note *
new_note (struct conv *v)
{
  struct item_note *p = grow (v->notes, &v->notes_cap, v->nnotes + 1,
                              sizeof *p);
  if (!p)
    return NULL;
  v->notes = p;
  struct item_note *n = &v->notes[v->nnotes++];
  memset (n, 0, sizeof *n);
  return n;
}

/* The items of the framed message as the report shows them, named as
   their parts are.  -1 when out of memory.  */
static int
note_items (struct conv *v)
{
  static const char *const kinds[] = { "text", "file", "fax" };
  for (size_t k = 0; k < v->f.nitems; k++)
    {
      struct item t;
      struct item_note *n = new_note (v);
      if (!n)
        return -1;
      item_get (v, k, &t);
      n->kind = "other";
      for (size_t i = 0; i < 3; i++)
        if (same_word (t.word, kinds[i]))
          n->kind = kinds[i];
      n->name_off = t.title;
      n->name_end = t.title_end;
      if (!t.text)
        {
          struct attachment a;
          attachment_get (v, &t, &a);
          n->name_end = t.title + a.n;
          if (!a.from_title)
            {
              snprintf (n->given, sizeof n->given, "%.*s", (int) a.n,
                        a.name);
              n->name = n->given;
            }
        }
      n->bytes = t.it->data_len;
      digest_hex ("", 0, &v->in, t.it->slot.next,
                  t.it->slot.next + t.it->data_len, DIGEST_SIZE,
                  n->sha256);
    }
  return 0;
}

/* The counts of the framed message that its export gets wrong, with
   what a repair would write, as the repair's report lists them: the
   export's counts are not in the mail, but an auditor learns from them
   how the message was framed (by scan, say).  -1 when out of memory.  */
static int
note_repairs (struct conv *v)
{
  return recount_message (&v->f, v->st->rule, &v->rc) < 0
         || repair_list (&v->f, &v->rc, &v->repairs, &v->repairs_cap,
                         &v->nrepairs) < 0 ? -1 : 0;
}

/* What the report says of the message at OFF; REASON when it is kept as
   an unreadable part [OFF, END).  Read before the message is delivered:
   a read that fails here stops its delivery, so that every file
   delivered has its row.  -1 when out of memory.  */
static int
report_gather (struct conv *v, uint64_t off, uint64_t end,
               const char *reason)
{
  v->nnotes = 0;
  v->nrepairs = 0;
  if (!reason)
    return note_items (v) < 0 || note_repairs (v) < 0 ? -1 : 0;
  struct item_note *n = new_note (v);
  if (!n)
    return -1;
  n->kind = "unreadable";
  /* The number convert_unreadable is about to give the part.  */
  snprintf (n->given, sizeof n->given, "unreadable-%" PRIu64 ".ccmail",
            v->unreadable + 1);
  n->name = n->given;
  n->bytes = end - off;
  digest_hex ("", 0, &v->in, off, end, DIGEST_SIZE, n->sha256);
  return 0;
}

/* Tell the report about the message at OFF, once written.  */
static void
report_message (struct conv *v, uint64_t off, const char *reason)
{
  /* A read failed: the message was not written whole (nor hashed
     right); or its file could not be made.  */
  if (v->in.err || v->trouble)
    return;
  struct convert_note cn = { v->id, v->output,
                             v->c->format == CONVERT_MBOX ? NULL : v->path,
                             v->notes, v->nnotes };
  struct message_note note = { v->name, &v->in, v->number, off, v->line,
                               &v->f, reason, v->repairs, v->nrepairs,
                               (enum slot_style) v->st->style, &cn };
  v->c->s->on_message (v->c->s->on_message_ctx, &note);
}

/* Frame and write the message at OFF.  Returns 1 when it could not be framed, -1 when out of memory.  */
static int
convert_message (struct conv *v, uint64_t off)
{
  if (frame_message (&v->in, off, v->st->rule, &v->f) < 0)
    return -1;
  /* Framed from part of the message: nothing of it may be written (the
     caller stops at the input error), as in repair.  */
  if (v->in.err)
    return 0;
  v->st->messages++;
  struct frame *f = &v->f;
  if (f->status != FRAMED)
    {
      char buf[128];
      const char *why = reason_text (f, buf, sizeof buf);
      v->st->passed++;
      diag_finding (v->c->s->quiet, v->name, v->line, v->number, NULL,
                    "%s; kept as an unreadable part", why);
      if (v->c->s->on_message && report_gather (v, off, f->end, why) < 0)
        return -1;
      convert_unreadable (v, off, f->end, why, v->number);
      if (v->c->s->on_message)
        report_message (v, off, why);
      return 1;
    }
  if (v->c->s->on_message && report_gather (v, off, f->end, NULL) < 0)
    return -1;
  convert_framed (v, f->end);
  if (v->c->s->on_message)
    report_message (v, off, NULL);
  return 0;
}

/* Stray bytes from OFF (FORMAT.md): kept as an unreadable part.  Returns
   where they end.  */
static uint64_t
convert_stray (struct conv *v, uint64_t off)
{
  uint64_t end = stray_end (&v->in, off);
  char why[96];
  snprintf (why, sizeof why, "stray bytes after message %" PRIu64,
            v->number);
  diag_warning (v->c->s->quiet, v->name, v->line, "%" PRIu64 " stray "
                "byte%s after message %" PRIu64 " kept as an unreadable "
                "part", end - off, end - off == 1 ? "" : "s", v->number);
  convert_unreadable (v, off, end, why, 0);
  v->line += count_lf (&v->in, off, end);
  return end;
}

/* The bytes before the first Message: line at FIRST: kept as an
   unreadable part.  */
static void
convert_preamble (struct conv *v, uint64_t first)
{
  v->st->preamble_lines = v->line - 1
                          + (input_byte (&v->in, first - 1) != '\n');
  int messages = more_messages (&v->in, first);
  const char *why = messages ? "lines before the first Message: line"
                             : "no Message: line";
  diag_warning (v->c->s->quiet, v->name, 1, "%" PRIu64 " line%s %s kept as "
                "an unreadable part", v->st->preamble_lines,
                v->st->preamble_lines == 1 ? "" : "s",
                messages ? "before the first Message: line"
                         : "and no Message: line");
  convert_unreadable (v, 0, first, why, 0);
}

/* Every message from OFF on, and the stray bytes between them; the exit
   status they deserve, -1 when out of memory.  */
static int
convert_messages (struct conv *v, uint64_t off)
{
  int status = EXIT_REPAIRED;
  enum starts p;
  while (!v->trouble && !v->in.err && !(v->stream && v->stream->err)
         && (p = what_starts (&v->in, off, &v->f)) != STARTS_END)
    {
      if (p == STARTS_STRAY)
        {
          off = convert_stray (v, off);
          continue;
        }
      v->number++;
      int m = convert_message (v, off);
      if (m < 0)
        return -1;
      if (m > 0)
        status = EXIT_UNREPAIRED;
      v->line += count_lf (&v->in, off, v->f.end);
      off = v->f.end;
      input_release (&v->in, v->stream ? output_needs (v->stream, &v->in,
                                                       off) : off);
    }
  return status;
}

/* The exit status of a run that ended with STATUS (-1: out of memory),
   and what is left to free.  */
static int
convert_finish (struct conv *v, int status)
{
  if (v->conflicts && status == EXIT_REPAIRED)
    status = EXIT_UNREPAIRED;
  if (status < 0)
    {
      diag_error (v->name, ENOMEM);
      status = EXIT_TROUBLE;
    }
  else if (v->trouble)
    status = EXIT_TROUBLE;
  else if (v->in.err)
    {
      char what[512];
      snprintf (what, sizeof what, "%s: %s", v->name, v->in.err_what);
      diag_error (what, v->in.err);
      status = EXIT_TROUBLE;
    }
  ahead_stop (v->ahead);
  if (v->delivering)
    delivery_abort (&v->d);
  output_close (&v->file);
  free (v->path);
  frame_free (&v->f);
  free (v->notes);
  recount_free (&v->rc);
  free (v->repairs);
  input_close (&v->in);
  return status;
}

int
convert_stream (int fd, const char *name, const char *account,
                struct output *out, struct convert_settings *c,
                struct stats *st)
{
  struct conv v = { .c = c, .st = st, .name = name,
                    .account = account ? account : name };
  maildir_init (&v.md);
  memset (st, 0, sizeof *st);
  uint64_t out_start = out ? out->bytes : 0;
  if (!out && output_open (&v.file, -1) < 0)
    {
      diag_error (name, ENOMEM);
      return EXIT_TROUBLE;
    }
  if (input_open (&v.in, fd, name, c->s->mem_cap) < 0)
    {
      diag_error (name, errno);
      output_close (&v.file);
      return EXIT_TROUBLE;
    }
  if (out)
    {
      v.stream = out;
      /* A failed read may leave anything composed from then on wrong:
         the mbox breaks off where it happens, keeping what it was given
         before.  */
      v.in.on_error = output_halt;
      v.in.on_error_ctx = out;
      mbox_init (&v.mb, out);
      v.out = (struct sink) { mbox_write, &v.mb };
      v.plain = (struct sink) { mbox_write_plain, &v.mb };
    }
  else
    v.out = v.plain = (struct sink) { c->format == CONVERT_EML ? crlf_write
                                      : file_write, &v };
  v.f.thorough = c->s->thorough;
  v.f.headers = c->s->on_message != NULL;
  uint64_t first = first_message (&v.in);
  int status = learn_stream (&v.in, first, c->s, &v.f, st);
  v.line = 1 + count_lf (&v.in, 0, first);
  if (status == 0 && first > 0 && !v.in.err)
    convert_preamble (&v, first);
  if (status == 0)
    {
      v.ahead = ahead_start (&v.in, v.account, st->rule, c->s->thorough,
                             first);
      status = convert_messages (&v, first);
    }
  if (out)
    output_flush (out);
  else
    close_folder (&v);
  maildir_free (&v.md);
  st->bytes_in = input_size (&v.in);
  st->bytes_out = (out ? out->bytes : v.file.bytes) - out_start;
  return convert_finish (&v, status);
}
