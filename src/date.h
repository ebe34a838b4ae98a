/* Dates: the export's "M/D/Y H:MM" local times, read in the order the
   post office wrote them, placed in a time zone by the C library's tzdata,
   and written as RFC 5322 and mbox want them (CONVERT.md, "Dates").  */
#ifndef CCFIX_DATE_H
#define CCFIX_DATE_H

#include <stddef.h>
#include <stdint.h>

enum date_order { ORDER_MDY, ORDER_DMY, ORDER_YMD };

/* A local time as the export wrote it, and where it lies from UTC.  */
struct cdate
{
  int year, month, day, hour, min, sec;
  int offset;                  /* minutes east of UTC */
  int zoned;                   /* offset known; else "-0000" */
};

/* Read "M/D/Y H:MM[:SS][ ][AM|PM]" (separators / - .) from the N bytes at
   P, all of them.  Returns 0, or -1 when it does not parse or names a day
   or time that does not exist.  */
int date_parse (const char *p, size_t n, enum date_order order,
                struct cdate *d);

/* Set D's offset by the rules of ZONE (an IANA name; NULL: unknown) on
   its date.  Returns -1 when the local time does not exist there (it
   falls in a daylight-saving gap).  Of a time that occurs twice, the
   first.  */
int date_place (struct cdate *d, const char *zone);

/* Whether ZONE names a time zone in the C library's tzdata.  */
int date_zone_known (const char *zone);

/* "Tue, 2 Jun 1998 08:39:00 -0400" into BUF (at least 40 bytes).  */
void date_rfc5322 (const struct cdate *d, char *buf, size_t n);
/* The same moment in UTC as asctime writes it, "Tue Jun  2 12:39:00
   1998", for mbox From lines.  */
void date_asctime_utc (const struct cdate *d, char *buf, size_t n);

/* D as seconds since 1970 UTC (-0000 read as UTC), for file times.  */
int64_t date_unix (const struct cdate *d);
/* The UTC time T (seconds since 1970) as a date of unknown zone.  */
void date_from_unix (int64_t t, struct cdate *d);

#endif
