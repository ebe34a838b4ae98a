/* Folder names.  */
#include <config.h>
#include "folder.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A shortened name ends in '~' and 16 hex digits of the SHA-256 of the
   whole name, so that long names that differ stay different.  */
#define HASH_TAIL 17

/* The character at P (N > 0 bytes), its length in *LEN.  A byte that does
   not start a valid UTF-8 sequence is read as Latin-1: names that differ
   stay different, and the result is valid UTF-8.  */
static uint32_t
next_char (const unsigned char *p, size_t n, size_t *len)
{
  static const uint32_t least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
  uint32_t c = p[0];
  size_t k = c < 0x80 ? 1 : c < 0xc2 ? 0 : c < 0xe0 ? 2 : c < 0xf0 ? 3
    : c < 0xf5 ? 4 : 0;
  *len = 1;
  if (k <= 1 || k > n)
    return c;
  uint32_t v = c & (0x7fu >> k);
  for (size_t i = 1; i < k; i++)
    {
      if ((p[i] & 0xc0) != 0x80)
        return c;
      v = v << 6 | (p[i] & 0x3f);
    }
  if (v < least[k] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
    return c;
  *len = k;
  return v;
}

static char *
put_utf8 (char *o, uint32_t c)
{
  if (c < 0x80)
    *o++ = (char) c;
  else if (c < 0x800)
    {
      *o++ = (char) (0xc0 | c >> 6);
      *o++ = (char) (0x80 | (c & 0x3f));
    }
  else if (c < 0x10000)
    {
      *o++ = (char) (0xe0 | c >> 12);
      *o++ = (char) (0x80 | (c >> 6 & 0x3f));
      *o++ = (char) (0x80 | (c & 0x3f));
    }
  else
    {
      *o++ = (char) (0xf0 | c >> 18);
      *o++ = (char) (0x80 | (c >> 12 & 0x3f));
      *o++ = (char) (0x80 | (c >> 6 & 0x3f));
      *o++ = (char) (0x80 | (c & 0x3f));
    }
  return o;
}

static void
hash_tail (const char *name, size_t n, char *out)
{
  static const char hex[] = "0123456789abcdef";
  struct sha256_ctx ctx;
  uint8_t d[SHA256_DIGEST_SIZE];
  sha256_init (&ctx);
  sha256_update (&ctx, n, (const uint8_t *) name);
  sha256_digest (&ctx, sizeof d, d);
  *out++ = '~';
  for (int i = 0; i < (HASH_TAIL - 1) / 2; i++)
    {
      *out++ = hex[d[i] >> 4];
      *out++ = hex[d[i] & 0x0f];
    }
}

/* One part in IMAP modified UTF-7 (RFC 3501, 5.1.3): printable ASCII
   stands for itself ('&' as "&-"), anything else is UTF-16 in base64 with
   ',' for '/', between '&' and '-'.  Maildir++ needs '.' and '/' out of
   the way first.  At most 5 bytes out for each byte in.  */
static char *
put_mutf7 (char *o, const unsigned char *p, size_t n)
{
  static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
  uint32_t bits = 0;
  int nbits = 0, in_run = 0;
  for (size_t i = 0, len; i < n; i += len)
    {
      uint32_t c = next_char (p + i, n - i, &len);
      if (c == '.' || c == '/')
        c = '_';
      if (c >= 0x20 && c <= 0x7e)
        {
          if (in_run)
            {
              if (nbits > 0)
                *o++ = b64[bits << (6 - nbits) & 0x3f];
              *o++ = '-';
              in_run = 0;
            }
          *o++ = (char) c;
          if (c == '&')
            *o++ = '-';
          continue;
        }
      if (!in_run)
        {
          *o++ = '&';
          in_run = 1;
          bits = 0;
          nbits = 0;
        }
      uint32_t units[2] = { c, 0 };
      int nunits = 1;
      if (c >= 0x10000)
        {
          units[0] = 0xd800 + ((c - 0x10000) >> 10);
          units[1] = 0xdc00 + ((c - 0x10000) & 0x3ff);
          nunits = 2;
        }
      for (int u = 0; u < nunits; u++)
        {
          bits = (bits << 16 | units[u]) & 0x3fffff;
          nbits += 16;
          while (nbits >= 6)
            {
              nbits -= 6;
              *o++ = b64[bits >> nbits & 0x3f];
            }
        }
    }
  if (in_run)
    {
      if (nbits > 0)
        *o++ = b64[bits << (6 - nbits) & 0x3f];
      *o++ = '-';
    }
  return o;
}

/* The Maildir++ name of the first N bytes of PATH into OUT (room for
   6 N + 2 bytes), its length returned.  Empty parts are left out.  */
static size_t
maildir_encode (const char *path, size_t n, char *out)
{
  char *o = out;
  const char *end = path + n;
  for (const char *p = path; p < end;)
    {
      const char *sep = memchr (p, '\\', (size_t) (end - p));
      if (!sep)
        sep = end;
      if (sep > p)
        {
          *o++ = '.';
          char *part = o;
          o = put_mutf7 (o, (const unsigned char *) p, (size_t) (sep - p));
          /* A folder under the inbox: Dovecot lists ".Inbox.Old" as
             INBOX.Old (INBOX is case-insensitive) but looks for
             ".INBOX.Old" when asked to open it.  Only the first part:
             INBOX is special only at the top.  */
          if (part == out + 1 && o - part == 5
              && strncasecmp (part, "inbox", 5) == 0)
            memcpy (part, "INBOX", 5);
        }
      p = sep + 1;
    }
  /* Dovecot refuses a mailbox whose name begins with '~' (its shorthand
     for a home directory): it would list the folder but never open it.  */
  if (o - out > 1 && out[1] == '~')
    out[1] = '_';
  *o = '\0';
  return (size_t) (o - out);
}

char *
folder_maildir (const char *path, size_t n)
{
  char *out = malloc (6 * n + 2 + HASH_TAIL);
  if (!out)
    return NULL;
  size_t len = maildir_encode (path, n, out);
  /* "Inbox" in any case: IMAP's INBOX, whose name is case-insensitive
     (RFC 3501, 5.1), so a folder of that name would be the inbox.  */
  if (len == 6 && strncasecmp (out + 1, "inbox", 5) == 0)
    {
      out[0] = '\0';
      len = 0;
    }
  if (len <= FOLDER_MAILDIR_MAX)
    return out;

  /* Too long: the longest prefix of PATH whose name leaves room for the
     hash.  Names grow with their prefix, so a binary search finds it.  */
  char tail[HASH_TAIL];
  hash_tail (out, len, tail);
  size_t lo = 0, hi = n;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo + 1) / 2;
      if (maildir_encode (path, mid, out) <= FOLDER_MAILDIR_MAX - HASH_TAIL)
        lo = mid;
      else
        hi = mid - 1;
    }
  /* Not inside a UTF-8 sequence, which has at most 3 continuation bytes:
     more are bytes read as Latin-1, each a character of its own.  The
     prefix is never empty: one more byte would not have fitted, and no
     byte makes more than 6 bytes of name.  */
  for (int k = 0; k < 3 && ((unsigned char) path[lo] & 0xc0) == 0x80; k++)
    lo--;
  len = maildir_encode (path, lo, out);
  memcpy (out + len, tail, HASH_TAIL);
  out[len + HASH_TAIL] = '\0';
  return out;
}

/* P (N bytes) made safe into OUT (room for 2 N + 2 bytes), its length
   returned: see folder_safe_part.  */
static size_t
safe_encode (const char *p, size_t n, char *out)
{
  char *o = out;
  for (size_t i = 0, len; i < n; i += len)
    {
      uint32_t c = next_char ((const unsigned char *) p + i, n - i, &len);
      if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '/' || c == '\\'
          || (o == out && c == '.'))
        c = '_';
      o = put_utf8 (o, c);
    }
  if (o == out)
    *o++ = '_';
  *o = '\0';
  return (size_t) (o - out);
}

/* 1 when the N bytes at S end in ".eml" (in any case) and any number of
   '_'.  */
static int
ends_eml (const char *s, size_t n)
{
  while (n > 0 && s[n - 1] == '_')
    n--;
  return n >= 4 && strncasecmp (s + n - 4, ".eml", 4) == 0;
}

/* Append the safe form of P (N bytes) at OUT, which has room for
   2 N + 3 bytes.  A folder part (FOLDER) is kept apart from the message
   files beside it: see folder_eml.  */
static char *
put_safe (char *out, const char *p, size_t n, int folder)
{
  size_t len = safe_encode (p, n, out);
  /* ccfix names message files NNNNNN.eml, and a folder "000001.eml"
     would take the name of the first message in the same directory.  One
     '_' more keeps every part apart from those and from each other
     ("x.eml" and "x.eml_" stay two folders).  Any case: a file system
     that ignores case would still see the same name.  */
  if (folder && ends_eml (out, len))
    {
      out[len++] = '_';
      out[len] = '\0';
    }
  if (len <= FOLDER_NAME_MAX)
    return out + len;
  char tail[HASH_TAIL];
  hash_tail (out, len, tail);
  len = FOLDER_NAME_MAX - HASH_TAIL;
  while (((unsigned char) out[len] & 0xc0) == 0x80)
    len--;
  memcpy (out + len, tail, HASH_TAIL);
  out[len + HASH_TAIL] = '\0';
  return out + len + HASH_TAIL;
}

char *
folder_safe_part (const char *p, size_t n)
{
  char *out = malloc (2 * n + 2 + HASH_TAIL);
  if (out)
    put_safe (out, p, n, 0);
  return out;
}

char *
folder_eml (const char *account, size_t alen, const char *path, size_t n)
{
  /* A part of K > 0 bytes takes at most 2 K, a '_' and its '/' (see
     safe_encode), and a '\\' of PATH stands between two parts: 2 N + 2
     in all, and the NUL.  */
  char *out = malloc (2 * alen + 2 + 2 * n + 3);
  if (!out)
    return NULL;
  char *o = put_safe (out, account, alen, 0);
  const char *end = path + n;
  for (const char *p = path; p < end;)
    {
      const char *sep = memchr (p, '\\', (size_t) (end - p));
      if (!sep)
        sep = end;
      if (sep > p)
        {
          *o++ = '/';
          o = put_safe (o, p, (size_t) (sep - p), 1);
        }
      p = sep + 1;
    }
  return out;
}
