/* Dates.  */
#include <config.h>
#include "date.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const wdays[] =
  { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const months[] =
  { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
    "Nov", "Dec" };

static int
leap (int y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in (int month, int year)
{
  static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  return days[month - 1] + (month == 2 && leap (year));
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
   days_from_civil), independent of any time zone.  */
static int64_t
days_from_civil (int64_t y, int m, int d)
{
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void
civil_from_days (int64_t z, int *y, int *m, int *d)
{
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int) (doy - (153 * mp + 2) / 5 + 1);
  *m = (int) (mp < 10 ? mp + 3 : mp - 9);
  *y = (int) (yoe + era * 400 + (*m <= 2));
}

static int
weekday (int64_t days)
{
  return (int) ((days % 7 + 11) % 7);   /* 1970-01-01 was a Thursday */
}

/* Digits at *P (at most MAX of them); -1 when there are none.  *DIGITS
   gets how many.  */
static int
number (const char **p, const char *end, int max, int *digits)
{
  int v = 0, k = 0;
  while (*p < end && **p >= '0' && **p <= '9' && k < max)
    v = v * 10 + (*(*p)++ - '0'), k++;
  *digits = k;
  return k ? v : -1;
}

static int
date_sep (char c)
{
  return c == '/' || c == '-' || c == '.';
}

/* The date part, M/D/Y in ORDER, from *P.  */
static int
parse_day (const char **p, const char *end, enum date_order order,
           struct cdate *d)
{
  int part[3], digits[3];
  for (int i = 0; i < 3; i++)
    {
      part[i] = number (p, end, 4, &digits[i]);
      if (part[i] < 0 || (i < 2 && (*p == end || !date_sep (*(*p)++))))
        return -1;
    }
  int yi = order == ORDER_YMD ? 0 : 2;
  int mi = order == ORDER_DMY ? 1 : order == ORDER_YMD ? 1 : 0;
  int di = order == ORDER_DMY ? 0 : order == ORDER_YMD ? 2 : 1;
  if (digits[mi] > 2 || digits[di] > 2 || digits[yi] == 3)
    return -1;
  d->year = part[yi];
  if (digits[yi] <= 2)
    d->year += d->year >= 70 ? 1900 : 2000;
  d->month = part[mi];
  d->day = part[di];
  return 0;
}

/* 1 for AM, 2 for PM at *P (moved past it), else 0.  */
static int
half_day (const char **p, const char *end)
{
  if (end - *p < 2 || ((*p)[1] != 'M' && (*p)[1] != 'm'))
    return 0;
  int half = (*p)[0] == 'A' || (*p)[0] == 'a' ? 1
             : (*p)[0] == 'P' || (*p)[0] == 'p' ? 2 : 0;
  if (half)
    *p += 2;
  return half;
}

/* The time part, H:MM[:SS] [AM|PM], from *P to END.  */
static int
parse_time (const char *p, const char *end, struct cdate *d)
{
  int k;
  d->hour = number (&p, end, 2, &k);
  if (d->hour < 0 || p == end || *p++ != ':')
    return -1;
  d->min = number (&p, end, 2, &k);
  if (k != 2)
    return -1;
  d->sec = 0;
  if (p < end && *p == ':')
    {
      p++;
      d->sec = number (&p, end, 2, &k);
      if (k != 2)
        return -1;
    }
  while (p < end && *p == ' ')
    p++;
  int half = half_day (&p, end);
  if (p != end || (half && (d->hour < 1 || d->hour > 12)))
    return -1;
  if (half)
    d->hour = d->hour % 12 + (half == 2 ? 12 : 0);
  return 0;
}

int
date_parse (const char *p, size_t n, enum date_order order, struct cdate *d)
{
  const char *end = p + n;
  if (parse_day (&p, end, order, d) < 0 || p == end || *p != ' ')
    return -1;
  while (p < end && *p == ' ')
    p++;
  if (parse_time (p, end, d) < 0)
    return -1;
  d->offset = 0;
  d->zoned = 0;
  /* RFC 5322 wants a year of 1900 or later, and mail software reads an
     earlier one wrong (a From line's "998" ends an mbox).  */
  return d->year >= 1900 && d->month >= 1 && d->month <= 12 && d->day >= 1
         && d->day <= days_in (d->month, d->year) && d->hour <= 23
         && d->min <= 59 && d->sec <= 59 ? 0 : -1;
}

int
date_zone_known (const char *zone)
{
  if (!*zone || zone[0] == '/' || strstr (zone, ".."))
    return 0;
  const char *dir = getenv ("TZDIR");
  char path[4096];
  snprintf (path, sizeof path, "%s/%s", dir && *dir ? dir
            : "/usr/share/zoneinfo", zone);
  return access (path, R_OK) == 0;
}

int
date_place (struct cdate *d, const char *zone)
{
  d->zoned = 0;
  d->offset = 0;
  if (!zone)
    return 0;
  if (setenv ("TZ", zone, 1) != 0)
    return -1;
  tzset ();
  /* mktime decides a time that occurs twice by tm_isdst: try both, and
     keep those that come back as the same local time.  */
  int found = 0;
  time_t best = 0;
  for (int dst = 1; dst >= 0; dst--)
    {
      struct tm tm = { .tm_year = d->year - 1900, .tm_mon = d->month - 1,
                       .tm_mday = d->day, .tm_hour = d->hour,
                       .tm_min = d->min, .tm_sec = d->sec, .tm_isdst = dst };
      time_t t = mktime (&tm);
      struct tm back;
      if (t == (time_t) -1 || !localtime_r (&t, &back))
        continue;
      if (back.tm_year != d->year - 1900 || back.tm_mon != d->month - 1
          || back.tm_mday != d->day || back.tm_hour != d->hour
          || back.tm_min != d->min || back.tm_sec != d->sec)
        continue;
      if (!found || t < best)
        {
          best = t;
          d->offset = (int) (back.tm_gmtoff / 60);
        }
      found = 1;
    }
  if (!found)
    return -1;
  d->zoned = 1;
  return 0;
}

void
date_rfc5322 (const struct cdate *d, char *buf, size_t n)
{
  int64_t days = days_from_civil (d->year, d->month, d->day);
  int off = d->offset < 0 ? -d->offset : d->offset;
  snprintf (buf, n, "%s, %d %s %04d %02d:%02d:%02d %c%02d%02d",
            wdays[weekday (days)], d->day, months[d->month - 1], d->year,
            d->hour, d->min, d->sec,
            d->zoned && d->offset >= 0 ? '+' : '-', off / 60, off % 60);
}

int64_t
date_unix (const struct cdate *d)
{
  return days_from_civil (d->year, d->month, d->day) * 86400
         + d->hour * 3600 + d->min * 60 + d->sec - (int64_t) d->offset * 60;
}

void
date_from_unix (int64_t t, struct cdate *d)
{
  int64_t days = (t >= 0 ? t : t - 86399) / 86400, s = t - days * 86400;
  civil_from_days (days, &d->year, &d->month, &d->day);
  d->hour = (int) (s / 3600);
  d->min = (int) (s / 60 % 60);
  d->sec = (int) (s % 60);
  d->offset = 0;
  d->zoned = 0;
}

void
date_asctime_utc (const struct cdate *d, char *buf, size_t n)
{
  int64_t t = date_unix (d);
  int64_t days = (t >= 0 ? t : t - 86399) / 86400, s = t - days * 86400;
  int y, m, day;
  civil_from_days (days, &y, &m, &day);
  snprintf (buf, n, "%s %s %2d %02d:%02d:%02d %d", wdays[weekday (days)],
            months[m - 1], day, (int) (s / 3600), (int) (s / 60 % 60),
            (int) (s % 60), y);
}
