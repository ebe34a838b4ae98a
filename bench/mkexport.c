/* Write a large, realistic export stream for the benchmark: text and
   binary file items, correct item and contents counts, and a share of
   the message counts blank (the Q287056 damage).

   mkexport SIZE_MIB BLANK_PERCENT [BIG_ITEM_MIB] > stream
   With BIG_ITEM_MIB, the stream is one message holding one file item of
   that size, with a blank message count.  */
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

int
main (int argc, char **argv)
{
  if (argc < 3)
    {
      fprintf (stderr, "usage: mkexport SIZE_MIB BLANK_PERCENT [BIG_ITEM_MIB]\n");
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
