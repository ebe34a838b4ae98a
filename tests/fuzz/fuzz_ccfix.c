/* Fuzz target: the library on arbitrary bytes, checking FORMAT.md's
   invariants.  Any failure aborts, which is what libFuzzer and AFL++
   count as a finding.

   libFuzzer:  clang -fsanitize=fuzzer,address,undefined ...
   AFL++:      afl-clang-fast -fsanitize=fuzzer ... (the libFuzzer driver)
   or linked with standalone.c to replay files (the seed corpus).

   Checked for every input:
   - the status is 0 or 1 (2 would be an I/O error on memory files);
   - the output is the input with exactly the reported slots rewritten:
     every rewritten span is a whole slot line's bytes (after an LF,
     before its EOL) and holds a valid count in the learned style;
   - the output is a fixed point: repairing it again changes nothing and
     gives the same status;
   - the same two with the rule forced to one of the four, picked by the
     input's bytes;
   - framed without the quick path, the stream gets the same repairs and
     the same output;
   - invariant 4: each message repaired alone, with the rule and style of
     the whole stream (the preamble going with the first, stray bytes with
     the message before them), gives the bytes the whole repair gave it,
     unless the end of its piece changes it: alone it runs past that end
     and is cut short, or the piece ends with a 0x1A, which alone is a
     final mark;
   - converted from CP932 to UTF-8 (-t), the status is 0 or 1, and when it
     is 0 every count of the converted stream is right as it stands;
   - converted to mbox (--convert, -f CP932), the status is 0 or 1, a
     second run gives the same bytes, and they are an mbox: each message
     a From line, header fields with one Message-ID, an empty line, a
     body, and an empty line at its end.  */
#define _GNU_SOURCE
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "charset.h"
#include "convert.h"
#include "repair.h"
#include "rules.h"

struct edit
{
  uint64_t off, old_width, value, width;
};

struct watch
{
  struct edit *e;
  size_t n, cap;
  uint64_t *starts;            /* each message's Message: line */
  size_t nmsg, msg_cap;
  int cut;                     /* a message was cut short */
};

static void *
grow (void *p, size_t *cap, size_t n, size_t size)
{
  if (n < *cap)
    return p;
  *cap = *cap ? 2 * *cap : 16;
  p = realloc (p, *cap * size);
  if (!p)
    abort ();
  return p;
}

static void
on_message (void *ctx, const struct message_note *note)
{
  struct watch *w = ctx;
  w->starts = grow (w->starts, &w->msg_cap, w->nmsg, sizeof *w->starts);
  w->starts[w->nmsg++] = note->off;
  w->cut |= note->frame->status == CUT_SHORT;
  for (size_t k = 0; k < note->nrepairs; k++)
    {
      w->e = grow (w->e, &w->cap, w->n, sizeof *w->e);
      const struct repair_note *r = &note->repairs[k];
      struct edit e = { r->slot->off, r->slot->info.width, r->value,
                        r->width };
      w->e[w->n++] = e;
    }
}

static int
memfile (const void *p, size_t n)
{
  int fd = memfd_create ("ccfix-fuzz", 0);
  if (fd < 0)
    abort ();
  for (size_t done = 0; done < n;)
    {
      ssize_t k = write (fd, (const char *) p + done, n - done);
      if (k <= 0)
        abort ();
      done += (size_t) k;
    }
  if (lseek (fd, 0, SEEK_SET) != 0)
    abort ();
  return fd;
}

/* What O wrote to OFD, in *OUT (malloc'd, *OUTN bytes); both files then
   closed.  */
static void
read_back (struct output *o, int ifd, int ofd, uint8_t **out, size_t *outn)
{
  if (output_flush (o) < 0)
    abort ();
  output_close (o);
  *outn = (size_t) lseek (ofd, 0, SEEK_END);
  *out = malloc (*outn + 1);
  if (!*out || pread (ofd, *out, *outn, 0) != (ssize_t) *outn)
    abort ();
  close (ifd);
  close (ofd);
}

/* The converter for -t, opened once.  */
static struct charset *
to_utf8 (void)
{
  static struct charset cs;
  static int open;
  if (!open && charset_open (&cs, "UTF-8", "CP932") < 0)
    abort ();
  open = 1;
  return &cs;
}

/* Repair N bytes at P; the output in *OUT (malloc'd, *OUTN bytes).  With
   CONVERT, change the code page from CP932 to UTF-8 as well; with PIN,
   use its rule and style instead of learning them.  */
static int
repair (const uint8_t *p, size_t n, uint8_t **out, size_t *outn,
        struct watch *w, struct stats *st, int convert,
        const struct stats *pin, int thorough)
{
  int ifd = memfile (p, n), ofd = memfile ("", 0);
  struct settings s;
  settings_default (&s);
  if (pin)
    {
      s.from = (int) pin->rule.from;
      s.to = (int) pin->rule.to;
      s.pad = pin->style;
    }
  s.quiet = 1;
  s.mem_cap = 0;               /* the least: spills happen sooner */
  s.thorough = thorough;
  s.on_message = on_message;
  s.on_message_ctx = w;
  if (convert)
    {
      s.transcode = to_utf8 ();
    }
  struct output o;
  if (output_open (&o, ofd) < 0)
    abort ();
  int status = repair_stream (ifd, "fuzz", &o, &s, st);
  read_back (&o, ifd, ofd, out, outn);
  return status;
}

static void
check_edits (const uint8_t *in, size_t n, const uint8_t *out, size_t outn,
             const struct watch *w, enum slot_style style)
{
  size_t at = 0, o = 0;
  for (size_t k = 0; k < w->n; k++)
    {
      const struct edit *e = &w->e[k];
      if (e->off < at || e->off + e->old_width > n)
        abort ();
      /* A slot is a whole line: after an LF, before its EOL.  */
      if (e->off == 0 || in[e->off - 1] != '\n')
        abort ();
      size_t end = (size_t) (e->off + e->old_width);
      if (!(end < n && (in[end] == '\n'
                        || (in[end] == '\r' && end + 1 < n
                            && in[end + 1] == '\n'))))
        abort ();
      size_t same = (size_t) e->off - at;
      if (o + same > outn || memcmp (in + at, out + o, same) != 0)
        abort ();
      o += same;
      if (o + e->width > outn)
        abort ();
      for (uint64_t done = 0; done < e->width;)
        {
          unsigned char want[64];
          size_t got = slot_format (e->value, e->width, style, done, want,
                                    sizeof want);
          if (memcmp (out + o + done, want, got) != 0)
            abort ();
          done += got;
        }
      struct slot_info info;
      slot_classify (out + o, (size_t) e->width, &info);
      if (info.cls != SLOT_VALID || info.value != e->value)
        abort ();
      o += (size_t) e->width;
      at = end;
    }
  if (outn - o != n - at || memcmp (in + at, out + o, n - at) != 0)
    abort ();
}

/* Where input offset OFF went in the output, given the edits W made.  */
static size_t
out_offset (const struct watch *w, uint64_t off)
{
  uint64_t o = off;
  for (size_t k = 0; k < w->n && w->e[k].off < off; k++)
    o = o + w->e[k].width - w->e[k].old_width;
  return (size_t) o;
}

/* Invariant 4 on the whole repair OUT of DATA, which W watched.  */
static void
check_alone (const uint8_t *data, size_t size, const uint8_t *out,
             const struct watch *w, const struct stats *st)
{
  for (size_t k = 0; k < w->nmsg; k++)
    {
      uint64_t from = k == 0 ? 0 : w->starts[k];
      uint64_t to = k + 1 < w->nmsg ? w->starts[k + 1] : size;
      struct watch alone = { 0 };
      struct stats st2;
      uint8_t *piece;
      size_t piecen;
      repair (data + from, (size_t) (to - from), &piece, &piecen, &alone,
              &st2, 0, st, 0);
      size_t o = out_offset (w, from), oend = out_offset (w, to);
      int end_changes = alone.cut || (to < size && data[to - 1] == 0x1A);
      if (!end_changes
          && (piecen != oend - o || memcmp (piece, out + o, piecen) != 0))
        abort ();
      free (piece);
      free (alone.e);
      free (alone.starts);
    }
}

/* --convert=mbox of N bytes at P; the output in *OUT.  */
static int
convert (const uint8_t *p, size_t n, uint8_t **out, size_t *outn)
{
  int ifd = memfile (p, n), ofd = memfile ("", 0);
  struct settings s;
  settings_default (&s);
  s.quiet = 1;
  s.mem_cap = 0;
  struct convert_settings c;
  convert_settings_default (&c, &s);
  c.text = to_utf8 ();
  c.from_code = "CP932";
  c.zone = "America/New_York";
  struct output o;
  struct stats st;
  if (output_open (&o, ofd) < 0)
    abort ();
  int status = convert_stream (ifd, "fuzz", "fuzz", &o, &c, &st);
  read_back (&o, ifd, ofd, out, outn);
  return status;
}

static int
starts (const uint8_t *p, size_t n, const char *s)
{
  return n >= strlen (s) && !memcmp (p, s, strlen (s));
}

/* The mbox's shape, message by message.  */
static void
check_mbox (const uint8_t *m, size_t n)
{
  size_t at = 0;
  while (at < n)
    {
      if (!starts (m + at, n - at, "From "))
        abort ();
      const uint8_t *next = NULL;
      for (size_t k = at; k + 7 <= n; k++)
        if (!memcmp (m + k, "\n\nFrom ", 7))
          {
            next = m + k + 2;
            break;
          }
      size_t end = next ? (size_t) (next - m) : n;
      if (end - at < 2 || m[end - 1] != '\n' || m[end - 2] != '\n')
        abort ();
      int ids = 0;
      size_t k = (const uint8_t *) memchr (m + at, '\n', end - at) - m + 1;
      while (k < end && m[k] != '\n')
        {
          ids += starts (m + k, end - k, "Message-ID: <");
          /* A field line or a folded one (RFC 5322: folded lines start
             with a space or a tab): never an empty or bare line.  */
          if (m[k] != ' ' && m[k] != '\t' && !memchr (m + k, ':', end - k))
            abort ();
          k = (size_t) ((const uint8_t *) memchr (m + k, '\n', end - k) - m)
              + 1;
        }
      if (ids != 1 || k >= end)
        abort ();
      at = end;
    }
}

/* Repair DATA (with PIN's rule and style unless NULL) into *OUT: status
   0 or 1, the input but for the slots W is told of, and a fixed point.  */
static int
repair_checked (const uint8_t *data, size_t size, const struct stats *pin,
                struct watch *w, struct stats *st, uint8_t **out,
                size_t *outn)
{
  int status = repair (data, size, out, outn, w, st, 0, pin, 0);
  if (status != EXIT_REPAIRED && status != EXIT_UNREPAIRED)
    abort ();
  check_edits (data, size, *out, *outn, w, (enum slot_style) st->style);
  struct watch again = { 0 };
  struct stats st2;
  uint8_t *out2;
  size_t out2n;
  int status2 = repair (*out, *outn, &out2, &out2n, &again, &st2, 0, pin, 0);
  if (status2 != status || again.n != 0 || out2n != *outn
      || memcmp (*out, out2, *outn) != 0)
    abort ();
  free (out2);
  free (again.e);
  free (again.starts);
  return status;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct watch w = { 0 }, again = { 0 };
  struct stats st, st2;
  uint8_t *out, *out2;
  size_t outn, out2n;
  int status = repair_checked (data, size, NULL, &w, &st, &out, &outn);
  check_alone (data, size, out, &w, &st);

  /* The quick path frames every message as the thorough one does: the
     same repairs, the same bytes.  */
  int status2 = repair (data, size, &out2, &out2n, &again, &st2, 0, NULL, 1);
  if (status2 != status || again.n != w.n || out2n != outn
      || memcmp (out, out2, outn) != 0
      || (w.n && memcmp (again.e, w.e, w.n * sizeof *w.e) != 0))
    abort ();
  free (out);
  free (out2);

  /* Forced to one rule (picked by the input's bytes, so that a finding
     replays), the repair keeps every byte but the slots it reports, and
     is a fixed point: the framing of every rule is held to that, not
     only of the rule a stream teaches.  */
  uint64_t h = UINT64_C (0xcbf29ce484222325);
  for (size_t i = 0; i < size; i++)
    h = (h ^ data[i]) * UINT64_C (0x100000001B3);
  struct stats forced = st;
  forced.rule = rule_from_index ((unsigned) (h >> 32) % 4);
  again.n = 0;
  repair_checked (data, size, &forced, &again, &st2, &out, &outn);
  free (out);

  /* -t: the counts of what it writes are right as they stand: a plain
     repair of it changes nothing.  */
  again.n = 0;
  status = repair (data, size, &out, &outn, &again, &st, 1, NULL, 0);
  if (status != EXIT_REPAIRED && status != EXIT_UNREPAIRED)
    abort ();
  if (status == EXIT_REPAIRED)
    {
      again.n = 0;
      status2 = repair (out, outn, &out2, &out2n, &again, &st2, 0, NULL, 0);
      if (status2 != EXIT_REPAIRED || out2n != outn
          || memcmp (out, out2, outn) != 0)
        abort ();
      free (out2);
    }
  free (out);
  free (w.e);
  free (w.starts);
  free (again.e);
  free (again.starts);

  status = convert (data, size, &out, &outn);
  if (status != EXIT_REPAIRED && status != EXIT_UNREPAIRED)
    abort ();
  check_mbox (out, outn);
  if (convert (data, size, &out2, &out2n) != status || out2n != outn
      || memcmp (out, out2, outn) != 0)
    abort ();
  free (out);
  free (out2);
  return 0;
}
