/* MacBinary II and III: recognising an item that wraps a Macintosh file,
   finding its forks, and the AppleDouble header (RFC 1740) that carries
   its Finder info and resource fork in a multipart/appledouble part.  */
#ifndef CCFIX_MACBIN_H
#define CCFIX_MACBIN_H

#include <stddef.h>
#include <stdint.h>
#include "charset.h"

#define MACBIN_HEADER 128
/* The UTF-8 form of a name of at most 63 Mac OS Roman bytes, with its
   NUL: no Mac OS Roman byte needs more than 3 bytes of UTF-8.  */
#define MACBIN_NAME_UTF8 (63 * 3 + 1)
/* The most macbin_appledouble writes.  */
#define MACBIN_APPLEDOUBLE_MAX 256

struct macbin
{
  unsigned char name[64];      /* Mac OS Roman, NUL-terminated */
  size_t name_len;             /* 1 to 63 */
  unsigned char type[4], creator[4];
  uint16_t finder_flags;       /* bytes 73 (high) and 101 (low) */
  unsigned char location[4];   /* icon position, vertical then horizontal */
  unsigned char folder[2];     /* window or folder id */
  unsigned char script, xflags;        /* MacBinary III only, else 0 */
  int version;                 /* 3 with the "mBIN" signature, else 2 */
  /* Dates as the Mac kept them (seconds since 1904, its local time, 0
     for none), and the same wall clock as a Unix time read as UTC.  */
  uint32_t created_mac, modified_mac;
  int64_t created, modified;
  /* Offsets from the start of the item.  */
  uint64_t data_offset, data_len;
  uint64_t rsrc_offset, rsrc_len;
};

/* CRC-16/XMODEM (polynomial 0x1021, initial value 0) of N bytes of P.  */
uint16_t macbin_crc (const unsigned char *p, size_t n);

/* Read the first MACBIN_HEADER bytes H of an item ITEM_LEN bytes long.
   Returns 1 and fills *MB when they are a MacBinary II or III header
   whose forks fit in the item, 0 when they are not (or when ITEM_LEN is
   shorter than a header: then H is not read).  */
int macbin_parse (const unsigned char *h, uint64_t item_len,
                  struct macbin *mb);

/* MB's name in UTF-8 into OUT (MACBIN_NAME_UTF8 bytes), through CS, which
   the caller opened with charset_open (CS, "UTF-8", "MACINTOSH").
   Returns its length, or -1 with errno set.  */
int macbin_name_utf8 (struct charset *cs, const struct macbin *mb,
                      char *out);

/* The AppleDouble header for MB into OUT (MACBIN_APPLEDOUBLE_MAX bytes):
   entries real name, file dates, Finder info and, last, the resource
   fork, whose MB->rsrc_len bytes follow the header in the file.  Returns
   the header's length.  */
size_t macbin_appledouble (const struct macbin *mb, unsigned char *out);

#endif
