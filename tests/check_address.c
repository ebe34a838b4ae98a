/* Addresses: gateways, the address map, made-up addresses.  */
#include <config.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "address.h"
#include "testutil.h"

static struct address a;

/* The address of V; its display name into NAME, which has room for
   all of V.  */
static const char *
conv (const char *v, const struct addrmap *m, char *name)
{
  ck_assert_int_eq (address_convert (v, strlen (v), m, "ccmail.invalid", &a),
                    0);
  memcpy (name, v + a.name_off, a.name_len);
  name[a.name_len] = 0;
  return a.spec;
}

START_TEST (made_up)
{
  char name[600];                /* room for any value below */
  /* CONVERT.md's own example.  */
  ck_assert_str_eq (conv ("Grewal, Jeff at Hub", NULL, name),
                    "Jeff.Grewal@hub.ccmail.invalid");
  ck_assert_str_eq (name, "Grewal, Jeff");
  ck_assert_str_eq (conv ("Admin at HUBPO2", NULL, name),
                    "Admin@hubpo2.ccmail.invalid");
  ck_assert_str_eq (conv ("  Jane  Q. Public at Main Office ", NULL, name),
                    "Jane.Q.Public@main.office.ccmail.invalid");
  ck_assert_str_eq (name, "Jane  Q. Public");
  /* A bare name is on the local post office, which has no name.  */
  ck_assert_str_eq (conv ("Grewal, Jeff", NULL, name),
                    "Jeff.Grewal@ccmail.invalid");
  /* Only atext remains; nothing at all is "user".  */
  ck_assert_str_eq (conv ("M\x81ller, J\x94rg at Z\x81rich", NULL, name),
                    "Jrg.Mller@zrich.ccmail.invalid");
  ck_assert_str_eq (conv ("\xc3\xa9\xc3\xa9 at \xc3\xa9", NULL, name),
                    "user@ccmail.invalid");
  ck_assert_str_eq (conv ("(Sales) <desk> at PO", NULL, name),
                    "Sales.desk@po.ccmail.invalid");
  ck_assert_int_eq (address_convert ("   ", 3, NULL, "x.invalid", &a), -1);
  /* RFC 5321's limits: 64 bytes of local part, 63 of a label.  */
  char longname[600];
  memset (longname, 'a', 300);
  memcpy (longname + 300, ", ", 2);
  memset (longname + 302, 'b', 100);
  memcpy (longname + 402, " at ", 4);
  memset (longname + 406, 'C', 100);
  longname[506] = 0;
  const char *spec = conv (longname, NULL, name);
  ck_assert_uint_eq (strlen (spec), 64 + 1 + 63 + 15);
  ck_assert_int_eq (strncmp (spec, "bbbb", 4), 0);
  ck_assert_int_eq (spec[64], '@');
  ck_assert_int_eq (spec[65], 'c');
  ck_assert_int_eq (address_convert ("", 0, NULL, "x.invalid", &a), -1);
  /* No "=?", which a reader would decode as an encoded word; the display
     name keeps it (mime_phrase encodes it).  */
  ck_assert_str_eq (conv ("=?utf-8?q?Boss?= at =?PO", NULL, name),
                    "=utf-8?q?Boss?=@=po.ccmail.invalid");
  ck_assert_str_eq (name, "=?utf-8?q?Boss?=");
  ck_assert_str_eq (conv ("Doe, =??Jane at PO", NULL, name),
                    "=Jane.Doe@po.ccmail.invalid");
}
END_TEST

START_TEST (gateways)
{
  char name[600];                /* room for any value below */
  ck_assert_str_eq (conv ("user@example.com at SMTPPO", NULL, name),
                    "user@example.com");
  ck_assert_str_eq (name, "");
  ck_assert_str_eq (conv ("Jane Doe [SMTP:jane.doe@example.org] at SITE",
                          NULL, name), "jane.doe@example.org");
  ck_assert_str_eq (name, "Jane Doe");
  ck_assert_str_eq (conv ("[smtp:x@example.org] at SITE", NULL, name),
                    "x@example.org");
  ck_assert_str_eq (name, "");
  /* Not an address: made up from the name instead.  */
  ck_assert_str_eq (conv ("a@@b at SMTPPO", NULL, name),
                    "ab@smtppo.ccmail.invalid");
  ck_assert_str_eq (conv ("Doe [SMTP:not an address] at SITE", NULL, name),
                    "Doe.SMTPnot.an.address@site.ccmail.invalid");
  ck_assert (address_is_spec ("a.b@c.d", 7));
  ck_assert (!address_is_spec ("a..b@c", 6));
  ck_assert (!address_is_spec ("a b@c", 5));
  ck_assert (!address_is_spec (".a@c", 4));
  ck_assert (!address_is_spec ("a@c.", 4));
}
END_TEST

static const char *
write_map (const char *text)
{
  static char path[] = "/tmp/check_address.XXXXXX";
  strcpy (path, "/tmp/check_address.XXXXXX");
  int fd = mkstemp (path);
  ck_assert_int_ge (fd, 0);
  FILE *f = fdopen (fd, "w");
  fputs (text, f);
  fclose (f);
  return path;
}

START_TEST (address_map)
{
  const char *path = write_map ("name,postoffice,address\r\n"
                                "\"Grewal, Jeff\",Hub,jeff@example.com\r\n"
                                "\"Grewal, Jeff\",,jgrewal@example.net\n"
                                "\n"
                                "\"Say \"\"Hi\"\"\",,hi@example.com\n");
  struct addrmap m = { 0 };
  uint64_t line;
  const char *why;
  ck_assert_int_eq (addrmap_load (&m, path, &line, &why), 0);
  unlink (path);
  ck_assert_uint_eq (m.n, 3);
  char name[600];                /* room for any value below */
  ck_assert_str_eq (conv ("Grewal, Jeff at Hub", &m, name),
                    "jeff@example.com");
  ck_assert_str_eq (name, "Grewal, Jeff");
  /* Names and post offices are not case-sensitive in cc:Mail.  */
  ck_assert_str_eq (conv ("GREWAL, JEFF at hub", &m, name),
                    "jeff@example.com");
  ck_assert_str_eq (conv ("Grewal, Jeff at Other", &m, name),
                    "jgrewal@example.net");
  ck_assert_str_eq (conv ("Grewal, Jeff", &m, name), "jgrewal@example.net");
  ck_assert_str_eq (conv ("Say \"Hi\" at X", &m, name), "hi@example.com");
  ck_assert_str_eq (conv ("Other, Person at Hub", &m, name),
                    "Person.Other@hub.ccmail.invalid");
  addrmap_free (&m);

  /* A spreadsheet's "CSV UTF-8": a byte order mark before the header.  */
  path = write_map ("\xEF\xBB\xBFname,postoffice,address\r\n"
                    "Jeff,Hub,jeff@example.com\r\n");
  ck_assert_int_eq (addrmap_load (&m, path, &line, &why), 0);
  unlink (path);
  ck_assert_uint_eq (m.n, 1);
  ck_assert_str_eq (conv ("Jeff at Hub", &m, name), "jeff@example.com");
  addrmap_free (&m);

  static const struct
  {
    const char *text, *why;
    uint64_t line;
  } bad[] = {
    { "a,b\n", "fewer than three fields (name,postoffice,address)", 1 },
    { "x,y,z@w\na,b,c,d\n", "more than three fields "
      "(name,postoffice,address)", 2 },
    { "\"a,b,c@d\n", "a quote that does not close", 1 },
    { "a,b,not an address\n", "the address is not a plain local@domain", 1 },
    { "\"a\"b,c,d@e\n", "text after a quoted field", 1 },
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    {
      path = write_map (bad[i].text);
      ck_assert_int_eq (addrmap_load (&m, path, &line, &why), -1);
      unlink (path);
      ck_assert_str_eq (why, bad[i].why);
      ck_assert_uint_eq (line, bad[i].line);
      addrmap_free (&m);
    }
  ck_assert_int_eq (addrmap_load (&m, "/nonexistent/map.csv", &line, &why),
                    -1);
  ck_assert_uint_eq (line, 0);
}
END_TEST

static Suite *
address_suite (void)
{
  Suite *s = suite_create ("address");
  TCase *core = tcase_create ("Core");
  tcase_add_test (core, made_up);
  tcase_add_test (core, gateways);
  suite_add_tcase (s, core);
  TCase *map = tcase_create ("Map");
  tcase_add_test (map, address_map);
  suite_add_tcase (s, map);
  return s;
}

int
main (void)
{
  return check_main (address_suite ());
}
