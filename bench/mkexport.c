/* Write a large, realistic export stream for the benchmark: text and
   binary file items, correct item and contents counts, and a share of
   the message counts blank (the Q287056 damage).

   mkexport SIZE_MIB BLANK_PERCENT [BIG_ITEM_MIB] > stream
   With BIG_ITEM_MIB, the stream is one message holding one file item of
   that size, with a blank message count.

   mkexport SHAPE SIZE_MIB > stream
   The stream shapes of the benchmark's table (see shape_main below):
   dense, valid, blank, bigbin, hugemsg; dense-fixed and blank-fixed are
   what a correct repair of dense and blank gives.  */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t
next (void)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static void
put (const void *p, size_t n)
{
  if (fwrite (p, 1, n, stdout) != n)
    {
      perror ("mkexport");
      exit (1);
    }
}

/* Binary data that often holds LF, CR, NUL and 0x1A.  */
static void
fill_binary (unsigned char *p, size_t n)
{
  for (size_t i = 0; i < n; i += 8)
    {
      uint64_t r = next ();
      size_t k = n - i < 8 ? n - i : 8;
      memcpy (p + i, &r, k);
    }
}

static void
fill_text (unsigned char *p, size_t n)
{
  static const char words[] = "the quarterly figures attached as agreed "
    "please review before friday regards ";
  for (size_t i = 0; i < n; i++)
    p[i] = (i % 72 == 71) ? '\n' : (unsigned char) words[i % (sizeof words - 1)];
  if (n)
    p[n - 1] = '\n';
}

static void
message (unsigned char *buf, size_t text, size_t bin, int blank)
{
  char head[512], contents[128], items[256];
  int h = snprintf (head, sizeof head,
                    "From: Grewal, Jeff at Hub\r\nDate: 6/2/98 8:39\r\n"
                    "To: Admin at HUBPO2\r\nSubject: Figures %llu\r\n",
                    (unsigned long long) (next () % 100000));
  int t = snprintf (items, sizeof items, "Text item: \r\n%10zu\r\n", text);
  int f = bin ? snprintf (items + t, sizeof items - (size_t) t,
                          "File item: DATA.BIN 6/2/98 8:39AM\r\n%10zu\r\n",
                          bin) : 0;
  uint64_t c = (uint64_t) t + text + (uint64_t) f + bin;
  int cl = snprintf (contents, sizeof contents, "Contents:\r\n%10llu\r\n",
                     (unsigned long long) c);
  uint64_t m = (uint64_t) h + (uint64_t) cl + c;
  if (blank)
    printf ("Message:\r\n          \r\n");
  else
    printf ("Message:\r\n%10llu\r\n", (unsigned long long) m);
  put (head, (size_t) h);
  put (contents, (size_t) cl);
  put (items, (size_t) t);
  fill_text (buf, text);
  put (buf, text);
  if (bin)
    {
      put (items + t, (size_t) f);
      fill_binary (buf, bin);
      put (buf, bin);
    }
  put ("\r\n", 2);
}

/* The shapes.  Each message is short headers, a text item, and now and
   then a binary file item whose data holds look-alike keyword lines, so
   only the counts frame it.  Line ends are LF or CRLF, chosen per
   message.  Every count is computed under the default rule (slot/data)
   and written 10 wide with leading spaces, the style a repair uses, so a
   correct repair of "dense" gives "dense-fixed" byte for byte: the two
   draw the same random numbers and differ only in the slots.  */

enum slot_kind { S_VALID, S_BLANK, S_INVALID, S_WRONG };

struct shape
{
  int damage;            /* dense: damaged counts, a few percent each */
  int keep_valid;        /* dense-fixed: draw the damage, write it valid */
  int all_blank;         /* every count blank: framing by scan */
  int fakes;             /* look-alike keyword lines inside binary data */
  unsigned bin_permille; /* messages with a binary file item */
  size_t bin_min, bin_span;  /* its size: bin_min + rand % bin_span */
  size_t text_min, text_span;
};

/* A slot line: the count, damaged as KIND says, 10 wide, then EOL.
   Wrong counts are off by 5 to 54 bytes: never a landing place, since
   that is past the separator and the next Message: line, or inside the
   text, whose lines start with no keyword.  */
static int
slot (char *out, size_t size, uint64_t n, enum slot_kind kind,
      const char *eol)
{
  static const char *const invalid[] = { "  12a4    ", "-        7",
    "   1 2    ", "0x1F      ", "  ???     " };
  switch (kind)
    {
    case S_BLANK:
      return snprintf (out, size, "          %s", eol);
    case S_INVALID:
      return snprintf (out, size, "%s%s", invalid[next () % 5], eol);
    case S_WRONG:
      {
        uint64_t d = 5 + next () % 50;
        return snprintf (out, size, "%10llu%s",
                         (unsigned long long) (next () % 2 && n > d
                                               ? n - d : n + d), eol);
      }
    default:
      return snprintf (out, size, "%10llu%s", (unsigned long long) n, eol);
    }
}

/* Damage to one count of a dense message: blank, invalid or wrong, with
   these chances in percent.  */
static enum slot_kind
damage (unsigned blank, unsigned invalid, unsigned wrong)
{
  unsigned r = (unsigned) (next () % 100);
  if (r < blank)
    return S_BLANK;
  if (r < blank + invalid)
    return S_INVALID;
  if (r < blank + invalid + wrong)
    return S_WRONG;
  return S_VALID;
}

static void
fill_text_eol (unsigned char *p, size_t n, const char *eol)
{
  static const char words[] = "thanks for the figures see you at the "
    "meeting on friday regards ";
  size_t el = strlen (eol), col = 0;
  /* Lines of about 60 characters, the last one ended by EOL, none
     empty: an empty last line would look like a separator to the scan.  */
  for (size_t i = 0; i < n;)
    if (n - i <= el)
      {
        memcpy (p + i, eol + el - (n - i), n - i);
        i = n;
      }
    else if (col >= 60 && n - i > 2 * el)
      {
        memcpy (p + i, eol, el);
        i += el;
        col = 0;
      }
    else
      {
        p[i] = (unsigned char) words[i % (sizeof words - 1)];
        i++;
        col++;
      }
}

/* Binary data with look-alike keyword lines planted in it: a whole
   message with blank counts, and stray Contents: and item lines.  */
static void
plant_fakes (unsigned char *p, size_t n)
{
  static const char *const fake[] = {
    "\r\nMessage:\r\n          \r\nFrom: A\r\nContents:\r\n          \r\n"
    "Text item: \r\n          \r\nhi\r\n",
    "\nContents:\n        12\n",
    "\r\nText item: \r\n          \r\n",
    "File item: X.BIN\r\n         3\r\n",
    "\nMessage:\n",
  };
  for (int k = 0; k < 4; k++)
    {
      const char *f = fake[next () % 5];
      size_t l = strlen (f);
      if (n > l)
        memcpy (p + next () % (n - l), f, l);
    }
}

/* One message of a shape; returns its size.  Data over BUF_SIZE is
   written in pieces.  LAST: the stream's last message, never damaged
   (a count past the end of the stream would mean a cut-short stream).  */
static uint64_t
shape_message (const struct shape *sh, unsigned char *buf, size_t buf_size,
               int last)
{
  const char *eol = next () % 2 ? "\r\n" : "\n";
  size_t el = strlen (eol);
  size_t text = sh->text_min + next () % sh->text_span;
  uint64_t bin = next () % 1000 < sh->bin_permille
    ? sh->bin_min + next () % sh->bin_span : 0;
  int sep = next () % 10 != 0;   /* a blank line after the message */
  enum slot_kind km = S_VALID, kc = S_VALID, kt = S_VALID;
  /* Draw the damage even where it is not used, so that dense and
     dense-fixed stay on the same random sequence.  */
  enum slot_kind dm = damage (45, 2, 2), dc = damage (3, 2, 2),
    dt = damage (3, 2, 2);
  if (sh->damage && !last)
    {
      km = dm;
      if (!bin)          /* binary data must be framed by its counts */
        kc = dc, kt = dt;
      /* One wrong count a message at most: two off by the same amount
         agree with each other and frame the message wrongly, which no
         repair can tell from the truth.  */
      if (kc == S_WRONG && km == S_WRONG)
        kc = S_VALID;
      if (kt == S_WRONG && (km == S_WRONG || kc == S_WRONG))
        kt = S_VALID;
    }
  if (sh->all_blank)
    km = kc = kt = S_BLANK;
  char head[256], tline[64], fline[64], ts[64], fs[64], cs[64], ms[64];
  int h = snprintf (head, sizeof head,
                    "From: Grewal, Jeff at Hub%s" "Date: 6/2/98 8:39%s"
                    "To: Admin at HUBPO2%s" "Subject: Figures %llu%s",
                    eol, eol, eol,
                    (unsigned long long) (next () % 100000), eol);
  int tl = snprintf (tline, sizeof tline, "Text item: %s", eol);
  int t = slot (ts, sizeof ts, text, kt, eol);
  int fl = 0, f = 0;
  if (bin)
    {
      fl = snprintf (fline, sizeof fline, "File item: DATA.BIN 6/2/98%s",
                     eol);
      f = slot (fs, sizeof fs, bin, S_VALID, eol);
    }
  uint64_t c = (uint64_t) tl + (uint64_t) t + text
    + (uint64_t) fl + (uint64_t) f + bin;
  int cl = slot (cs, sizeof cs, c, kc, eol);
  uint64_t m = (uint64_t) h + 9 + el + (uint64_t) cl + c;
  int ml = slot (ms, sizeof ms, m, km, eol);
  if (sh->keep_valid)
    {
      t = slot (ts, sizeof ts, text, S_VALID, eol);
      cl = slot (cs, sizeof cs, c, S_VALID, eol);
      ml = slot (ms, sizeof ms, m, S_VALID, eol);
    }
  printf ("Message:%s", eol);
  put (ms, (size_t) ml);
  put (head, (size_t) h);
  printf ("Contents:%s", eol);
  put (cs, (size_t) cl);
  put (tline, (size_t) tl);
  put (ts, (size_t) t);
  fill_text_eol (buf, text, eol);
  put (buf, text);
  if (bin)
    {
      put (fline, (size_t) fl);
      put (fs, (size_t) f);
      for (uint64_t done = 0; done < bin; done += buf_size)
        {
          size_t n = bin - done < buf_size ? (size_t) (bin - done) : buf_size;
          fill_binary (buf, n);
          if (sh->fakes)
            plant_fakes (buf, n);
          /* Data ending in CR before an LF line end does not land
             (FORMAT.md: never between a CR and its LF).  */
          if (done + n == bin && buf[n - 1] == '\r')
            buf[n - 1] = 'x';
          put (buf, n);
        }
    }
  if (sep)
    put (eol, el);
  return 9 + el + (uint64_t) ml + m + (sep ? el : 0);
}

static int
shape_main (const char *name, uint64_t size)
{
  /* dense: about 360-byte messages, one in 1000 with a binary item of
     2 to 8 KB.  */
  struct shape sh = { 0, 0, 0, 1, 1, 2048, 6144, 120, 120 };
  if (!strcmp (name, "dense"))
    sh.damage = 1;
  else if (!strcmp (name, "dense-fixed"))
    sh.damage = 1, sh.keep_valid = 1;
  else if (!strcmp (name, "valid"))
    ;
  else if (!strcmp (name, "blank"))
    /* Framed by the scan alone: look-alikes in the data would fool it,
       as FORMAT.md says, so the binary data here holds none.  */
    sh.all_blank = 1, sh.fakes = 0;
  else if (!strcmp (name, "blank-fixed"))
    sh.fakes = 0;
  else if (!strcmp (name, "bigbin"))
    sh.bin_permille = 1000, sh.bin_min = (size_t) 4 << 20,
      sh.bin_span = (size_t) 8 << 20;
  else if (!strcmp (name, "hugemsg"))
    sh.bin_permille = 1000, sh.bin_min = (size_t) 100 << 20,
      sh.bin_span = 1;
  else
    {
      fprintf (stderr, "mkexport: unknown shape %s\n", name);
      return 2;
    }
  size_t buf_size = (size_t) 16 << 20;
  unsigned char *buf = malloc (buf_size);
  if (!buf)
    return 1;
  /* The last message is the one that reaches SIZE; its size is known
     only once drawn, so the estimate is the shape's largest.  */
  uint64_t most = 1024 + sh.text_min + sh.text_span
    + (sh.bin_permille ? sh.bin_min + sh.bin_span : 0);
  for (uint64_t written = 0; written < size;)
    written += shape_message (&sh, buf, buf_size, written + most >= size);
  return fflush (stdout) ? 1 : 0;
}

int
main (int argc, char **argv)
{
  if (argc == 3 && (argv[1][0] < '0' || argv[1][0] > '9'))
    return shape_main (argv[1], strtoull (argv[2], NULL, 10) << 20);
  if (argc < 3)
    {
      fprintf (stderr, "usage: mkexport SIZE_MIB BLANK_PERCENT [BIG_ITEM_MIB]\n"
               "       mkexport SHAPE SIZE_MIB\n");
      return 2;
    }
  uint64_t size = strtoull (argv[1], NULL, 10) << 20;
  unsigned blank = (unsigned) strtoul (argv[2], NULL, 10);
  size_t chunk = (size_t) 1 << 20;
  unsigned char *buf = malloc (chunk);
  if (!buf)
    return 1;
  if (argc > 3)
    {
      /* One message, one huge item: written in pieces.  */
      uint64_t big = strtoull (argv[3], NULL, 10) << 20;
      char head[256];
      int h = snprintf (head, sizeof head,
                        "Message:\r\n          \r\nFrom: A\r\n"
                        "Contents:\r\n%10llu\r\n"
                        "File item: BIG.BIN\r\n%10llu\r\n",
                        (unsigned long long) (20 + 12 + big),
                        (unsigned long long) big);
      put (head, (size_t) h);
      for (uint64_t done = 0; done < big; done += chunk)
        {
          size_t n = big - done < chunk ? (size_t) (big - done) : chunk;
          fill_binary (buf, n);
          put (buf, n);
        }
      return fflush (stdout) ? 1 : 0;
    }
  for (uint64_t written = 0; written < size;)
    {
      size_t text = 200 + next () % 4000;
      size_t bin = next () % 3 ? 0 : (size_t) (next () % (256 * 1024));
      message (buf, text, bin, next () % 100 < blank);
      written += text + bin + 250;
    }
  return fflush (stdout) ? 1 : 0;
}
