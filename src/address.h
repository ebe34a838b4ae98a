/* Addresses: a cc:Mail address ("NAME at POSTOFFICE", or a bare NAME) as
   an Internet one, by gateway unwrapping, an address map, or made up from
   the name under a domain (CONVERT.md, "Addresses").  */
#ifndef CCFIX_ADDRESS_H
#define CCFIX_ADDRESS_H

#include <stddef.h>
#include <stdint.h>

struct addrmap_entry
{
  char *name, *po, *addr;      /* po "" matches any post office */
};

/* --address-map: the rows of a CSV file name,postoffice,address.  */
struct addrmap
{
  struct addrmap_entry *e;
  size_t n, cap;
};

/* Load PATH into M (zeroed).  Returns 0, or -1 with *LINE the line at
   fault (0: the file itself, errno set) and *WHY saying what is wrong.  */
int addrmap_load (struct addrmap *m, const char *path, uint64_t *line,
                  const char **why);
void addrmap_free (struct addrmap *m);

/* Whether [P, P + N) is a plain dot-atom local@domain.  */
int address_is_spec (const char *p, size_t n);

enum { ADDRESS_MAX = 1024 };

struct address
{
  /* The display name: bytes [name_off, name_off + name_len) of the value,
     as they stand in the export (its code page); name_len 0: none.  */
  size_t name_off, name_len;
  char spec[ADDRESS_MAX + 256];   /* the addr-spec, ASCII */
};

/* The Internet address for the cc:Mail address V of N bytes (at most
   ADDRESS_MAX), with M (or NULL) and DOMAIN for made-up ones.  Returns -1
   when V holds no name at all or is longer.  */
int address_convert (const char *v, size_t n, const struct addrmap *m,
                     const char *domain, struct address *a);

#endif
