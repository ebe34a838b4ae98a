/* Folder names for Maildir++ and for .eml directories.  */
#include <config.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "folder.h"
#include "testutil.h"

static void
maildir_is (const char *path, size_t n, const char *want)
{
  char *got = folder_maildir (path, n);
  ck_assert_ptr_nonnull (got);
  ck_assert_str_eq (got, want);
  free (got);
}
#define MAILDIR_IS(path, want) maildir_is (path, sizeof path - 1, want)

static void
eml_is (const char *account, const char *path, size_t n, const char *want)
{
  char *got = folder_eml (account, strlen (account), path, n);
  ck_assert_ptr_nonnull (got);
  ck_assert_str_eq (got, want);
  free (got);
}
#define EML_IS(account, path, want) \
  eml_is (account, path, sizeof path - 1, want)

START_TEST (maildir_hierarchy)
{
  MAILDIR_IS ("Filed Mail\\FYI", ".Filed Mail.FYI");
  MAILDIR_IS ("Projects", ".Projects");
  MAILDIR_IS ("v1.2/final\\a.b", ".v1_2_final.a_b");
  /* Empty parts are no level of their own.  */
  MAILDIR_IS ("\\A\\\\B\\", ".A.B");
}
END_TEST

/* Folders under the inbox: Dovecot opens INBOX.Old only as ".INBOX.Old",
   though it lists ".Inbox.Old" under that name too.  */
START_TEST (maildir_inbox_children)
{
  MAILDIR_IS ("Inbox\\Old", ".INBOX.Old");
  MAILDIR_IS ("inbox\\Old\\Inbox", ".INBOX.Old.Inbox");
  MAILDIR_IS ("INBOX\\Old", ".INBOX.Old");
  MAILDIR_IS ("\\iNBOx\\\\Old", ".INBOX.Old");
  /* Only a first part that is the inbox.  */
  MAILDIR_IS ("Old\\Inbox", ".Old.Inbox");
  MAILDIR_IS ("Inboxes\\Old", ".Inboxes.Old");
  MAILDIR_IS ("In.box\\Old", ".In_box.Old");
}
END_TEST

START_TEST (maildir_inbox)
{
  MAILDIR_IS ("", "");
  MAILDIR_IS ("\\", "");
  MAILDIR_IS ("Inbox", "");
  MAILDIR_IS ("INBOX", "");
  MAILDIR_IS ("inbox\\", "");
  MAILDIR_IS ("Inboxes", ".Inboxes");
}
END_TEST

START_TEST (maildir_modified_utf7)
{
  /* RFC 3501, 5.1.3's own example, "~peter/mail/台北/日本語", with
     cc:Mail's separator; the leading '~' Dovecot would refuse becomes
     '_', one anywhere else stays.  */
  MAILDIR_IS ("~peter\\mail\\\xe5\x8f\xb0\xe5\x8c\x97\\"
              "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
              "._peter.mail.&U,BTFw-.&ZeVnLIqe-");
  MAILDIR_IS ("mail\\~peter\\\xe5\x8f\xb0\xe5\x8c\x97",
              ".mail.~peter.&U,BTFw-");
  MAILDIR_IS ("&", ".&-");
  MAILDIR_IS ("Tom & Jerry", ".Tom &- Jerry");
  MAILDIR_IS ("Caf\xc3\xa9 Mail", ".Caf&AOk- Mail");
  /* Outside the BMP: a surrogate pair.  */
  MAILDIR_IS ("\xf0\x9f\x98\x80", ".&2D3eAA-");
  /* Control characters are not printable ASCII: encoded too.  */
  MAILDIR_IS ("a\x01" "b", ".a&AAE-b");
  /* Not UTF-8 (a code page the caller could not convert): read as
     Latin-1.  */
  MAILDIR_IS ("Caf\xe9", ".Caf&AOk-");
  MAILDIR_IS ("\x85", ".&AIU-");
}
END_TEST

START_TEST (maildir_hostile)
{
  MAILDIR_IS ("..\\..\\etc", ".__.__.etc");
  MAILDIR_IS ("../../etc/passwd", ".______etc_passwd");
  MAILDIR_IS (".", "._");
  maildir_is ("a\0b", 3, ".a&AAA-b");
}
END_TEST

/* Balanced: every '&' closed by a '-', as an IMAP server requires.  */
static int
mutf7_balanced (const char *s)
{
  for (const char *p = s; (p = strchr (p, '&'));)
    {
      p = strchr (p + 1, '-');
      if (!p)
        return 0;
      p++;
    }
  return 1;
}

START_TEST (maildir_long)
{
  char a[301], b[301];
  memset (a, 'x', 300);
  a[300] = '\0';
  memcpy (b, a, sizeof a);
  b[299] = 'y';
  char *na = folder_maildir (a, 300), *nb = folder_maildir (b, 300),
    *again = folder_maildir (a, 300);
  ck_assert_uint_eq (strlen (na), FOLDER_MAILDIR_MAX);
  ck_assert_int_eq (na[0], '.');
  ck_assert_str_ne (na, nb);
  ck_assert_str_eq (na, again);
  ck_assert_int_eq (strspn (na + 1, "x"), FOLDER_MAILDIR_MAX - 17 - 1);
  ck_assert_int_eq (na[FOLDER_MAILDIR_MAX - 17], '~');
  free (na);
  free (nb);
  free (again);

  /* notmuch's limit: a name of FOLDER_MAILDIR_MAX bytes is kept, one
     byte more is cut.  */
  char *n = folder_maildir (a, FOLDER_MAILDIR_MAX - 1);
  ck_assert_uint_eq (strlen (n), FOLDER_MAILDIR_MAX);
  ck_assert_uint_eq (strspn (n + 1, "x"), FOLDER_MAILDIR_MAX - 1);
  free (n);
  n = folder_maildir (a, FOLDER_MAILDIR_MAX);
  ck_assert_uint_eq (strlen (n), FOLDER_MAILDIR_MAX);
  ck_assert_int_eq (n[FOLDER_MAILDIR_MAX - 17], '~');
  free (n);
  /* The limit is on the whole name, not each part.  */
  char parts[241];
  for (int i = 0; i < 240; i++)
    parts[i] = i % 40 == 39 ? '\\' : 'p';
  parts[240] = '\0';
  n = folder_maildir (parts, 240);
  ck_assert_uint_eq (strlen (n), FOLDER_MAILDIR_MAX);
  ck_assert_int_eq (n[FOLDER_MAILDIR_MAX - 17], '~');
  ck_assert_mem_eq (n, ".ppp", 4);
  free (n);

  /* 100 CJK characters take 268 bytes of modified UTF-7: the cut closes
     the run.  */
  char cjk[301];
  for (int i = 0; i < 100; i++)
    memcpy (cjk + 3 * i, "\xe6\x97\xa5", 3);
  n = folder_maildir (cjk, 300);
  ck_assert_uint_le (strlen (n), FOLDER_MAILDIR_MAX);
  ck_assert_uint_gt (strlen (n), FOLDER_MAILDIR_MAX - 25);
  ck_assert (mutf7_balanced (n));
  ck_assert_mem_eq (n, ".&ZeVl", 6);
  free (n);

  /* Stray continuation bytes, read as Latin-1: the cut falls between
     them.  */
  char stray[300];
  memset (stray, 0x80, 300);
  n = folder_maildir (stray, 300);
  ck_assert_uint_le (strlen (n), FOLDER_MAILDIR_MAX);
  ck_assert_uint_gt (strlen (n), FOLDER_MAILDIR_MAX - 25);
  ck_assert_mem_eq (n, ".&AIAAgACA", 10);
  ck_assert (mutf7_balanced (n));
  free (n);
}
END_TEST

START_TEST (eml_paths)
{
  EML_IS ("jeff", "Filed Mail\\FYI", "jeff/Filed Mail/FYI");
  EML_IS ("jeff", "", "jeff");
  /* No inbox of its own here: the name as written.  */
  EML_IS ("jeff", "Inbox", "jeff/Inbox");
  EML_IS ("jeff", "\\A\\\\B\\", "jeff/A/B");
  EML_IS ("", "x", "_/x");
  EML_IS ("jeff", "Caf\xc3\xa9 & more", "jeff/Caf\xc3\xa9 & more");
  EML_IS ("jeff", "v1.2", "jeff/v1.2");
}
END_TEST

/* A folder is never named like a message file beside it (NNNNNN.eml),
   and folders that differ stay apart.  */
START_TEST (eml_not_a_message)
{
  EML_IS ("jeff", "000001.eml", "jeff/000001.eml_");
  EML_IS ("jeff", "000000-unreadable.eml\\000002.EML",
          "jeff/000000-unreadable.eml_/000002.EML_");
  EML_IS ("jeff", "x.eMl", "jeff/x.eMl_");
  EML_IS ("jeff", "x.eml_", "jeff/x.eml__");
  EML_IS ("jeff", "x.eml__", "jeff/x.eml___");
  EML_IS ("jeff", "x.emlx\\eml\\x.em\\x.eml.d",
          "jeff/x.emlx/eml/x.em/x.eml.d");
  /* A leading '.' is '_' first: "_eml" is no message's name.  */
  EML_IS ("jeff", ".eml", "jeff/_eml");
  /* The account directory holds no message files: kept.  */
  EML_IS ("x.eml", "y", "x.eml/y");
  /* A part that would grow past the limit is cut as any long one, and
     ends in the hash.  */
  char a[FOLDER_NAME_MAX + 1];
  memset (a, 'e', FOLDER_NAME_MAX - 4);
  memcpy (a + FOLDER_NAME_MAX - 4, ".eml", 5);
  char *p = folder_eml ("j", 1, a, FOLDER_NAME_MAX);
  ck_assert_uint_eq (strlen (p), 2 + FOLDER_NAME_MAX);
  ck_assert_int_eq (p[2 + FOLDER_NAME_MAX - 17], '~');
  free (p);
}
END_TEST

START_TEST (eml_hostile)
{
  EML_IS ("jeff", "..\\..\\etc", "jeff/_./_./etc");
  EML_IS ("../..", "x", "_._../x");
  EML_IS ("a/b\\c", ".hidden", "a_b_c/_hidden");
  EML_IS ("jeff", "a/../../b", "jeff/a_.._.._b");
  eml_is ("jeff", "a\0b\x01\x1f\x7f", 6, "jeff/a_b___");
  /* C1 controls, written in UTF-8 or as a Latin-1 byte.  */
  EML_IS ("jeff", "a\xc2\x85" "b\x85", "jeff/a_b_");
  /* Latin-1 bytes become UTF-8.  */
  EML_IS ("jeff", "Caf\xe9", "jeff/Caf\xc3\xa9");
  /* Shift-JIS, unconverted: the second byte of 0x95 0x5C is cc:Mail's
     separator, so the name splits, but stays inside.  */
  EML_IS ("jeff", "\x95\x5c\x83\x5c", "jeff/_/_");
}
END_TEST

START_TEST (eml_long)
{
  /* 150 two-byte characters: the cut keeps whole characters.  */
  char a[301];
  for (int i = 0; i < 150; i++)
    memcpy (a + 2 * i, "\xc3\xa9", 2);
  char *n = folder_safe_part (a, 300);
  size_t len = strlen (n);
  ck_assert_uint_le (len, FOLDER_NAME_MAX);
  ck_assert_int_eq (n[len - 17], '~');
  ck_assert_uint_eq ((len - 17) % 2, 0);
  ck_assert_mem_eq (n, a, len - 17);
  free (n);

  /* A 300-byte account and folder: each part shortened on its own.  */
  char b[301];
  memset (b, 'x', 300);
  char *p = folder_eml (b, 300, b, 300);
  char *slash = strchr (p, '/');
  ck_assert_ptr_nonnull (slash);
  ck_assert_uint_eq ((size_t) (slash - p), FOLDER_NAME_MAX);
  ck_assert_uint_eq (strlen (slash + 1), FOLDER_NAME_MAX);
  ck_assert_mem_eq (p, slash + 1, FOLDER_NAME_MAX);
  free (p);
}
END_TEST

/* 1 when every part of P (split at '/') is a name that stays where it
   is, and none after the account's is a message file's.  (Plain tests,
   not an assertion per byte: each of Check's passing assertions costs a
   system call.)  */
static int
safe_path (const char *p)
{
  const char *start = p;
  for (;;)
    {
      size_t n = strcspn (p, "/");
      if (n == 0 || n > FOLDER_NAME_MAX || p[0] == '.')
        return 0;
      if (p != start && n >= 4 && strncasecmp (p + n - 4, ".eml", 4) == 0)
        return 0;
      for (size_t i = 0; i < n; i++)
        if ((unsigned char) p[i] < 0x20 || p[i] == 0x7f)
          return 0;
      if (!p[n])
        return 1;
      p += n + 1;
    }
}

/* 1 when M is the inbox or one Maildir++ folder that Dovecot opens.  */
static int
safe_maildir (const char *m)
{
  if (!*m)
    return 1;
  if (m[0] != '.' || !m[1] || m[1] == '~' || strcmp (m, "..") == 0
      || strlen (m) > FOLDER_MAILDIR_MAX || strchr (m, '/')
      || !mutf7_balanced (m))
    return 0;
  for (const char *c = m; *c; c++)
    if ((unsigned char) *c < 0x20 || *c == 0x7f)
      return 0;
  return 1;
}

START_TEST (random_names_stay_inside)
{
  /* Names drawn from the bytes that make trouble.  */
  static const char pool[] = "./\\\x01\x1f\x7f\x80\x85\xc3\xa9\xe6\xff&a "
    "eml";
  unsigned seed = 12345;
  for (int round = 0; round < 2000; round++)
    {
      char name[400];
      size_t n = (size_t) (round % 400);
      for (size_t i = 0; i < n; i++)
        {
          seed = seed * 1103515245u + 12345u;
          name[i] = pool[(seed >> 16) % (sizeof pool - 1)];
        }
      char *e = folder_eml ("acct", 4, name, n);
      char *m = folder_maildir (name, n);
      ck_assert_msg (safe_path (e) && safe_maildir (m), "round %d", round);
      free (e);
      free (m);
    }
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("folder");
  TCase *tc = tcase_create ("Maildir");
  tcase_add_test (tc, maildir_hierarchy);
  tcase_add_test (tc, maildir_inbox);
  tcase_add_test (tc, maildir_inbox_children);
  tcase_add_test (tc, maildir_modified_utf7);
  tcase_add_test (tc, maildir_hostile);
  tcase_add_test (tc, maildir_long);
  suite_add_tcase (s, tc);
  tc = tcase_create ("eml");
  tcase_add_test (tc, eml_paths);
  tcase_add_test (tc, eml_not_a_message);
  tcase_add_test (tc, eml_hostile);
  tcase_add_test (tc, eml_long);
  suite_add_tcase (s, tc);
  tc = tcase_create ("Hostile");
  tcase_add_test (tc, random_names_stay_inside);
  suite_add_tcase (s, tc);
  return check_main (s);
}
