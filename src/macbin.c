/* MacBinary II and III, and AppleDouble.  */
#include <config.h>
#include "macbin.h"

#include <string.h>

/* Seconds from the Mac's epoch (1904-01-01) to the Unix one (1970-01-01)
   and to AppleDouble's (2000-01-01).  */
#define MAC_TO_UNIX INT64_C (2082844800)
#define MAC_TO_2000 INT64_C (3029529600)

/* AppleSingle/AppleDouble version 2 (RFC 1740, appendix B).  */
#define AD_MAGIC 0x00051607u
#define AD_VERSION 0x00020000u
#define AD_RSRC 2
#define AD_REAL_NAME 3
#define AD_DATES 8
#define AD_FINDER_INFO 9
#define AD_DATES_LEN 16
#define AD_FINDER_INFO_LEN 32
#define AD_UNKNOWN_DATE 0x80000000u

uint16_t
macbin_crc (const unsigned char *p, size_t n)
{
  static const uint16_t table[16] = {
    0x0000, 0x1021, 0x2042, 0x3063, 0x4084, 0x50a5, 0x60c6, 0x70e7,
    0x8108, 0x9129, 0xa14a, 0xb16b, 0xc18c, 0xd1ad, 0xe1ce, 0xf1ef
  };
  uint16_t crc = 0;
  for (size_t i = 0; i < n; i++)
    {
      crc = (uint16_t) ((crc << 4) ^ table[(crc >> 12) ^ (p[i] >> 4)]);
      crc = (uint16_t) ((crc << 4) ^ table[(crc >> 12) ^ (p[i] & 0x0f)]);
    }
  return crc;
}

static uint32_t
be32 (const unsigned char *p)
{
  return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16
    | (uint32_t) p[2] << 8 | p[3];
}

static uint64_t
pad128 (uint64_t n)
{
  return (n + 127) / 128 * 128;
}

int
macbin_parse (const unsigned char *h, uint64_t item_len, struct macbin *mb)
{
  if (item_len < MACBIN_HEADER)
    return 0;
  size_t name_len = h[1];
  if (h[0] != 0 || h[74] != 0 || name_len < 1 || name_len > 63)
    return 0;
  if (macbin_crc (h, 124) != ((uint16_t) (h[124] << 8) | h[125]))
    return 0;
  /* The secondary header, which no known writer fills, comes first.  */
  uint64_t second = pad128 ((uint64_t) h[120] << 8 | h[121]);
  uint64_t data_len = be32 (h + 83), rsrc_len = be32 (h + 87);
  if (MACBIN_HEADER + second + pad128 (data_len) + pad128 (rsrc_len)
      > item_len)
    return 0;

  memset (mb, 0, sizeof *mb);
  memcpy (mb->name, h + 2, name_len);
  mb->name_len = name_len;
  memcpy (mb->type, h + 65, 4);
  memcpy (mb->creator, h + 69, 4);
  mb->finder_flags = (uint16_t) (h[73] << 8 | h[101]);
  memcpy (mb->location, h + 75, 4);
  memcpy (mb->folder, h + 79, 2);
  mb->version = memcmp (h + 102, "mBIN", 4) == 0 ? 3 : 2;
  if (mb->version == 3)
    {
      mb->script = h[106];
      mb->xflags = h[107];
    }
  mb->created_mac = be32 (h + 91);
  mb->modified_mac = be32 (h + 95);
  mb->created = mb->created_mac ? mb->created_mac - MAC_TO_UNIX : 0;
  mb->modified = mb->modified_mac ? mb->modified_mac - MAC_TO_UNIX : 0;
  mb->data_offset = MACBIN_HEADER + second;
  mb->data_len = data_len;
  mb->rsrc_offset = mb->data_offset + pad128 (data_len);
  mb->rsrc_len = rsrc_len;
  return 1;
}

int
macbin_name_utf8 (struct charset *cs, const struct macbin *mb, char *out)
{
  char *in = (char *) mb->name;
  size_t inleft = mb->name_len;
  char *op = out;
  size_t outleft = MACBIN_NAME_UTF8 - 1;
  iconv (cs->cd, NULL, NULL, NULL, NULL);
  if (iconv (cs->cd, (ICONV_CONST char **) &in, &inleft, &op, &outleft)
      == (size_t) -1)
    return -1;
  *op = '\0';
  return (int) (op - out);
}

static unsigned char *
put32 (unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char) (v >> 24);
  p[1] = (unsigned char) (v >> 16);
  p[2] = (unsigned char) (v >> 8);
  p[3] = (unsigned char) v;
  return p + 4;
}

/* A Mac date as AppleDouble keeps it: signed seconds since 2000.  */
static uint32_t
date_2000 (uint32_t mac)
{
  int64_t s = (int64_t) mac - MAC_TO_2000;
  if (mac == 0 || s <= INT32_MIN)
    return AD_UNKNOWN_DATE;
  return (uint32_t) s;
}

size_t
macbin_appledouble (const struct macbin *mb, unsigned char *out)
{
  enum { ENTRIES = 4, HEAD = 26 + 12 * ENTRIES };
  const uint32_t id[ENTRIES] = { AD_REAL_NAME, AD_DATES, AD_FINDER_INFO,
                                 AD_RSRC };
  const uint64_t len[ENTRIES] = { mb->name_len, AD_DATES_LEN,
                                  AD_FINDER_INFO_LEN, mb->rsrc_len };
  unsigned char *p = out;
  p = put32 (p, AD_MAGIC);
  p = put32 (p, AD_VERSION);
  memset (p, 0, 16);
  p += 16;
  *p++ = 0;
  *p++ = ENTRIES;
  uint32_t at = HEAD;
  for (int k = 0; k < ENTRIES; k++)
    {
      p = put32 (p, id[k]);
      p = put32 (p, at);
      p = put32 (p, (uint32_t) len[k]);
      at += (uint32_t) len[k];
    }

  memcpy (p, mb->name, mb->name_len);
  p += mb->name_len;

  p = put32 (p, date_2000 (mb->created_mac));
  p = put32 (p, date_2000 (mb->modified_mac));
  p = put32 (p, AD_UNKNOWN_DATE);      /* backup */
  p = put32 (p, AD_UNKNOWN_DATE);      /* access */

  /* FInfo, then FXInfo, as the Finder keeps them (Inside Macintosh:
     Files); MacBinary III carries the script and extended flags.  */
  unsigned char *fi = p;
  memset (fi, 0, AD_FINDER_INFO_LEN);
  memcpy (fi, mb->type, 4);
  memcpy (fi + 4, mb->creator, 4);
  fi[8] = (unsigned char) (mb->finder_flags >> 8);
  fi[9] = (unsigned char) mb->finder_flags;
  memcpy (fi + 10, mb->location, 4);
  memcpy (fi + 14, mb->folder, 2);
  fi[24] = mb->script;
  fi[25] = mb->xflags;
  p += AD_FINDER_INFO_LEN;
  return (size_t) (p - out);
}
