/* Addresses.  */
#include <config.h>
#include "address.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grow.h"
#include "mime.h"

static int
lower (int c)
{
  return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* cc:Mail names are not case-sensitive.  */
static int
same_name (const char *a, size_t an, const char *b)
{
  return strlen (b) == an && !strncasecmp (a, b, an);
}

static void
trim (const char **p, size_t *n)
{
  while (*n && (**p == ' ' || **p == '\t'))
    (*p)++, (*n)--;
  while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
    (*n)--;
}

/* ASCII only: what may go between < and > without quoting.  */
int
address_is_spec (const char *p, size_t n)
{
  /* RFC 5321's limit on a path, less its brackets.  */
  if (n > 254)
    return 0;
  const char *at = memchr (p, '@', n);
  if (!at || at == p || at == p + n - 1 || memchr (at + 1, '@', p + n - at - 1))
    return 0;
  for (size_t i = 0; i < n; i++)
    {
      unsigned char b = (unsigned char) p[i];
      if (p + i != at && !mime_atext (b) && b != '.')
        return 0;
      if (b == '.' && (i == 0 || i == n - 1 || p[i - 1] == '.'
                       || p[i - 1] == '@' || p[i + 1] == '@'))
        return 0;
    }
  return 1;
}

/* Append to OUT the atext of [P, P + N), spaces as dots, with no leading,
   trailing or doubled dot and no "=?", at most MAX bytes of it; LOW
   lower-cases it.  Returns the new length.  */
static size_t
reduce (const char *p, size_t n, int low, size_t max, char *out, size_t k)
{
  size_t start = k;
  for (size_t i = 0; i < n && k - start < max; i++)
    {
      unsigned char b = (unsigned char) p[i];
      if (b == ' ' || b == '.')
        {
          if (k > start && out[k - 1] != '.')
            out[k++] = '.';
        }
      /* "=?" is atext, but Python's email decodes it as an encoded word
         even in an address, and shows another address.  */
      else if (b < 0x80 && mime_atext (b)
               && !(b == '?' && k > start && out[k - 1] == '='))
        out[k++] = (char) (low ? lower (b) : b);
    }
  while (k > start && out[k - 1] == '.')
    k--;
  return k;
}

/* RFC 5321's limits: a local part of 64 bytes, a domain label of 63.  */
enum { LOCAL_MAX = 64, LABEL_MAX = 63 };

/* "Last, First" -> "First.Last"; other names as they are, reduced.  */
static size_t
made_up_local (const char *p, size_t n, char *out)
{
  const char *comma = memchr (p, ',', n);
  size_t k = 0;
  if (comma && !memchr (comma + 1, ',', p + n - comma - 1))
    {
      const char *first = comma + 1;
      size_t fn = (size_t) (p + n - first), ln = (size_t) (comma - p);
      k = reduce (first, fn, 0, LOCAL_MAX, out, k);
      if (k && k < LOCAL_MAX)
        out[k++] = '.';
      k = reduce (p, ln, 0, LOCAL_MAX - k, out, k);
      while (k && out[k - 1] == '.')
        k--;
    }
  else
    k = reduce (p, n, 0, LOCAL_MAX, out, k);
  if (!k)
    {
      memcpy (out, "user", 4);
      k = 4;
    }
  return k;
}

static const char *
map_lookup (const struct addrmap *m, const char *name, size_t nn,
            const char *po, size_t pn)
{
  const char *any = NULL;
  for (size_t i = 0; m && i < m->n; i++)
    if (same_name (name, nn, m->e[i].name))
      {
        if (po && same_name (po, pn, m->e[i].po))
          return m->e[i].addr;
        if (!m->e[i].po[0] && !any)
          any = m->e[i].addr;
      }
  return any;
}

static int
case_prefix (const char *p, size_t n, const char *s)
{
  return n >= strlen (s) && !strncasecmp (p, s, strlen (s));
}

int
address_convert (const char *v, size_t n, const struct addrmap *m,
                 const char *domain, struct address *a)
{
  const char *name = v, *po = NULL;
  size_t nn = n, pn = 0;
  if (n > ADDRESS_MAX)
    return -1;
  trim (&name, &nn);
  for (size_t i = nn; i >= 4; i--)
    if (case_prefix (name + i - 4, nn - i + 4, " at "))
      {
        po = name + i;
        pn = nn - i;
        nn = i - 4;
        trim (&name, &nn);
        trim (&po, &pn);
        break;
      }
  if (!nn)
    return -1;
  a->name_off = (size_t) (name - v);
  a->name_len = nn;
  /* Gateways: "Name [SMTP:user@example.com]" and "user@example.com".  */
  const char *open = memchr (name, '[', nn);
  if (open && case_prefix (open, (size_t) (name + nn - open), "[smtp:"))
    {
      const char *s = open + 6, *close = memchr (s, ']', name + nn - s);
      if (close && address_is_spec (s, (size_t) (close - s)))
        {
          memcpy (a->spec, s, (size_t) (close - s));
          a->spec[close - s] = 0;
          const char *d = name;
          size_t dn = (size_t) (open - name);
          trim (&d, &dn);
          a->name_off = (size_t) (d - v);
          a->name_len = dn;
          return 0;
        }
    }
  if (address_is_spec (name, nn))
    {
      memcpy (a->spec, name, nn);
      a->spec[nn] = 0;
      a->name_len = 0;
      return 0;
    }
  const char *mapped = map_lookup (m, name, nn, po, pn);
  if (mapped)
    {
      snprintf (a->spec, sizeof a->spec, "%s", mapped);
      return 0;
    }
  size_t k = made_up_local (name, nn, a->spec);
  a->spec[k++] = '@';
  size_t d = k;
  if (po)
    k = reduce (po, pn, 1, LABEL_MAX, a->spec, k);
  if (k > d)
    a->spec[k++] = '.';
  snprintf (a->spec + k, sizeof a->spec - k, "%s", domain);
  return 0;
}

/* One CSV field from *P (RFC 4180: quoted with "" for a quote, or bare),
   unquoted into a new string; *P then at the comma or line end after it.
   NULL when out of memory or the quotes do not close (*BAD set).  */
static char *
csv_field (const char **p, const char *end, int *bad)
{
  const char *s = *p;
  char *out = malloc ((size_t) (end - s) + 1);
  if (!out)
    return NULL;
  size_t k = 0;
  if (s < end && *s == '"')
    {
      for (s++;; s++)
        {
          if (s == end)
            {
              *bad = 1;
              free (out);
              return NULL;
            }
          if (*s == '"' && (s + 1 == end || s[1] != '"'))
            break;
          if (*s == '"')
            s++;
          out[k++] = *s;
        }
      s++;
    }
  else
    while (s < end && *s != ',')
      out[k++] = *s++;
  out[k] = 0;
  *p = s;
  return out;
}

static int
addrmap_line (struct addrmap *m, const char *s, const char *end,
              const char **why)
{
  char *f[3] = { NULL, NULL, NULL };
  int bad = 0, n = 0;
  for (;;)
    {
      if (n == 3)
        {
          *why = "more than three fields (name,postoffice,address)";
          goto fail;
        }
      f[n] = csv_field (&s, end, &bad);
      if (!f[n])
        {
          *why = bad ? "a quote that does not close" : NULL;
          goto fail;
        }
      n++;
      if (s == end)
        break;
      if (*s != ',')
        {
          *why = "text after a quoted field";
          goto fail;
        }
      s++;
    }
  if (n < 3)
    {
      *why = "fewer than three fields (name,postoffice,address)";
      goto fail;
    }
  if (same_name ("name", 4, f[0]) && same_name ("postoffice", 10, f[1]))
    {
      for (int i = 0; i < 3; i++)
        free (f[i]);
      return 0;
    }
  if (!address_is_spec (f[2], strlen (f[2])))
    {
      *why = "the address is not a plain local@domain";
      goto fail;
    }
  struct addrmap_entry *e = grow (m->e, &m->cap, m->n + 1, sizeof *e);
  if (!e)
    goto fail;
  m->e = e;
  m->e[m->n++] = (struct addrmap_entry) { f[0], f[1], f[2] };
  return 0;
fail:
  for (int i = 0; i < 3; i++)
    free (f[i]);
  return -1;
}

int
addrmap_load (struct addrmap *m, const char *path, uint64_t *line,
              const char **why)
{
  *line = 0;
  *why = NULL;
  FILE *fp = fopen (path, "r");
  if (!fp)
    return -1;
  char *buf = NULL;
  size_t cap = 0;
  ssize_t len;
  int r = 0;
  while (r == 0 && (len = getline (&buf, &cap, fp)) >= 0)
    {
      ++*line;
      while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        len--;
      /* A spreadsheet's "CSV UTF-8" starts with a byte order mark.  */
      size_t bom = *line == 1 && len >= 3
                   && memcmp (buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
      if (len > (ssize_t) bom
          && addrmap_line (m, buf + bom, buf + len, why) < 0)
        {
          if (!*why)
            errno = ENOMEM;
          r = -1;
        }
    }
  if (r == 0 && ferror (fp))
    {
      *line = 0;
      r = -1;
    }
  free (buf);
  if (fclose (fp) != 0 && r == 0)
    {
      *line = 0;
      r = -1;
    }
  return r;
}

void
addrmap_free (struct addrmap *m)
{
  for (size_t i = 0; i < m->n; i++)
    {
      free (m->e[i].name);
      free (m->e[i].po);
      free (m->e[i].addr);
    }
  free (m->e);
  memset (m, 0, sizeof *m);
}
