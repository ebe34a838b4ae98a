/* Dates: reading, time zones, writing.  */
#include <config.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "testutil.h"

/* D read in ORDER and placed in ZONE, as RFC 5322 writes it; "-" when it
   does not parse, "gap" when it does not exist in the zone.  */
static const char *
rfc (const char *s, enum date_order order, const char *zone)
{
  static char buf[64];
  struct cdate d;
  if (date_parse (s, strlen (s), order, &d) < 0)
    return "-";
  if (date_place (&d, zone) < 0)
    return "gap";
  date_rfc5322 (&d, buf, sizeof buf);
  return buf;
}

static const char *
utc (const char *s, const char *zone)
{
  static char buf[64];
  struct cdate d;
  ck_assert_int_eq (date_parse (s, strlen (s), ORDER_MDY, &d), 0);
  ck_assert_int_eq (date_place (&d, zone), 0);
  date_asctime_utc (&d, buf, sizeof buf);
  return buf;
}

START_TEST (forms)
{
  /* The sample, FORMAT.md's example; 2 June 1998 was a Tuesday.  */
  ck_assert_str_eq (rfc ("6/2/98 8:39", ORDER_MDY, NULL),
                    "Tue, 2 Jun 1998 08:39:00 -0000");
  ck_assert_str_eq (rfc ("06-02-1998 8:39:07", ORDER_MDY, NULL),
                    "Tue, 2 Jun 1998 08:39:07 -0000");
  ck_assert_str_eq (rfc ("6.2.98 8:39PM", ORDER_MDY, NULL),
                    "Tue, 2 Jun 1998 20:39:00 -0000");
  ck_assert_str_eq (rfc ("6/2/98 12:05 am", ORDER_MDY, NULL),
                    "Tue, 2 Jun 1998 00:05:00 -0000");
  ck_assert_str_eq (rfc ("6/2/98 12:05 PM", ORDER_MDY, NULL),
                    "Tue, 2 Jun 1998 12:05:00 -0000");
  ck_assert_str_eq (rfc ("2/6/98 8:39", ORDER_DMY, NULL),
                    "Tue, 2 Jun 1998 08:39:00 -0000");
  ck_assert_str_eq (rfc ("98/6/2 8:39", ORDER_YMD, NULL),
                    "Tue, 2 Jun 1998 08:39:00 -0000");
  /* The window: 70-99 are 19xx, 00-69 20xx.  1 January 2000 was a
     Saturday, 31 December 1969 a Wednesday, 31 December 2069 will be a
     Tuesday.  */
  ck_assert_str_eq (rfc ("1/1/00 0:00", ORDER_MDY, NULL),
                    "Sat, 1 Jan 2000 00:00:00 -0000");
  ck_assert_str_eq (rfc ("12/31/69 23:59", ORDER_MDY, NULL),
                    "Tue, 31 Dec 2069 23:59:00 -0000");
  ck_assert_str_eq (rfc ("12/31/1969 23:59", ORDER_MDY, NULL),
                    "Wed, 31 Dec 1969 23:59:00 -0000");
  ck_assert_str_eq (rfc ("1/1/70 0:00", ORDER_MDY, NULL),
                    "Thu, 1 Jan 1970 00:00:00 -0000");
  /* 2000 was a leap year, 1900 and 2100 were not.  */
  ck_assert_str_eq (rfc ("2/29/00 9:00", ORDER_MDY, NULL),
                    "Tue, 29 Feb 2000 09:00:00 -0000");
}
END_TEST

START_TEST (rejected)
{
  static const char *const bad[] = {
    "2/31/99 8:00",     /* KB Q233325 */
    "2/29/1900 8:00", "2/29/01 8:00", "13/1/98 8:00", "0/1/98 8:00",
    "6/0/98 8:00", "6/2/98 24:00", "6/2/98 8:60", "6/2/98 8:5",
    "6/2/98 13:00 PM", "6/2/98 0:30 AM", "6/2/98", "6/2/98 8:39:7",
    "6/2/98 8:39 XM", "6/2/98 8:39 AM PM", "6/2/98  8:39x", "6/2 8:39",
    "6/2/998 8:39", "a/2/98 8:39", "", "6/2/98 839",
    "6/2/98\t8:39",
    /* RFC 5322: a year is 1900 or later; Python reads 0099 as 1999, and
       Dovecot refuses an mbox whose From line has a 3-digit year.  */
    "6/2/0998 8:39", "12/31/1899 23:59", "1/1/0000 0:00",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    ck_assert_msg (!strcmp (rfc (bad[i], ORDER_MDY, NULL), "-"), "%s",
                   bad[i]);
  ck_assert_str_eq (rfc ("31/2/99 8:00", ORDER_DMY, NULL), "-");
  ck_assert_str_eq (rfc ("1/1/1900 0:00", ORDER_MDY, NULL),
                    "Mon, 1 Jan 1900 00:00:00 -0000");
}
END_TEST

START_TEST (zones)
{
  const char *ny = "America/New_York";
  ck_assert (date_zone_known (ny));
  ck_assert (!date_zone_known ("America/Nowhere"));
  ck_assert (!date_zone_known ("../etc/passwd"));
  ck_assert (!date_zone_known (""));
  /* EDT in June, EST in January.  */
  ck_assert_str_eq (rfc ("6/2/98 8:39", ORDER_MDY, ny),
                    "Tue, 2 Jun 1998 08:39:00 -0400");
  ck_assert_str_eq (rfc ("1/15/99 8:39", ORDER_MDY, ny),
                    "Fri, 15 Jan 1999 08:39:00 -0500");
  /* 1998's change to daylight saving time: 5 April at 2:00 EST the clocks
     went to 3:00 EDT; 2:30 never happened (KB Q281734).  */
  ck_assert_str_eq (rfc ("4/5/98 1:59", ORDER_MDY, ny),
                    "Sun, 5 Apr 1998 01:59:00 -0500");
  ck_assert_str_eq (rfc ("4/5/98 2:30", ORDER_MDY, ny), "gap");
  ck_assert_str_eq (rfc ("4/5/98 3:00", ORDER_MDY, ny),
                    "Sun, 5 Apr 1998 03:00:00 -0400");
  /* Back on 25 October at 2:00 EDT to 1:00 EST: 1:30 happened twice, the
     first time in EDT.  */
  ck_assert_str_eq (rfc ("10/25/98 1:30", ORDER_MDY, ny),
                    "Sun, 25 Oct 1998 01:30:00 -0400");
  ck_assert_str_eq (rfc ("10/25/98 2:30", ORDER_MDY, ny),
                    "Sun, 25 Oct 1998 02:30:00 -0500");
  ck_assert_str_eq (rfc ("6/2/98 8:39", ORDER_MDY, "Asia/Kolkata"),
                    "Tue, 2 Jun 1998 08:39:00 +0530");
  ck_assert_str_eq (rfc ("6/2/98 8:39", ORDER_MDY, "UTC"),
                    "Tue, 2 Jun 1998 08:39:00 +0000");
}
END_TEST

START_TEST (mbox_dates)
{
  ck_assert_str_eq (utc ("6/2/98 8:39", NULL), "Tue Jun  2 08:39:00 1998");
  ck_assert_str_eq (utc ("6/2/98 8:39", "America/New_York"),
                    "Tue Jun  2 12:39:00 1998");
  /* Across midnight and a year's end, both ways.  */
  ck_assert_str_eq (utc ("12/31/98 22:00", "America/New_York"),
                    "Fri Jan  1 03:00:00 1999");
  ck_assert_str_eq (utc ("1/1/99 1:00", "Asia/Kolkata"),
                    "Thu Dec 31 19:30:00 1998");
  ck_assert_str_eq (utc ("12/31/1969 23:59", NULL),
                    "Wed Dec 31 23:59:00 1969");
}
END_TEST

/* File times and MacBinary dates: seconds since 1970 and back, with the
   zone's offset taken off on the way there.  */
START_TEST (unix_times)
{
  struct cdate d;
  ck_assert_int_eq (date_parse ("6/2/98 8:39", 11, ORDER_MDY, &d), 0);
  ck_assert_int_eq (date_place (&d, NULL), 0);
  ck_assert_int_eq (date_unix (&d), 896776740);
  ck_assert_int_eq (date_place (&d, "America/New_York"), 0);
  ck_assert_int_eq (date_unix (&d), 896776740 + 4 * 3600);
  ck_assert_int_eq (date_parse ("12/31/1969 23:59", 16, ORDER_MDY, &d), 0);
  ck_assert_int_eq (date_place (&d, NULL), 0);
  ck_assert_int_eq (date_unix (&d), -60);
  const int64_t times[] = { 0, -1, -60, 896776740, -2082844800, 4102444799 };
  for (size_t i = 0; i < sizeof times / sizeof *times; i++)
    {
      date_from_unix (times[i], &d);
      ck_assert_int_eq (d.zoned, 0);
      ck_assert_int_eq (date_unix (&d), times[i]);
    }
  date_from_unix (-2082844800, &d);     /* the Mac's epoch */
  ck_assert_int_eq (d.year, 1904);
  ck_assert_int_eq (d.month, 1);
  ck_assert_int_eq (d.day, 1);
  ck_assert_int_eq (d.hour + d.min + d.sec, 0);
}
END_TEST

static Suite *
date_suite (void)
{
  Suite *s = suite_create ("date");
  TCase *core = tcase_create ("Core");
  tcase_add_test (core, forms);
  tcase_add_test (core, rejected);
  suite_add_tcase (s, core);
  TCase *zones_case = tcase_create ("Zones");
  tcase_add_test (zones_case, zones);
  tcase_add_test (zones_case, mbox_dates);
  tcase_add_test (zones_case, unix_times);
  suite_add_tcase (s, zones_case);
  return s;
}

int
main (void)
{
  return check_main (date_suite ());
}
