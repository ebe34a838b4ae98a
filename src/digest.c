/* SHA-256 of pieces of the input, and hashing ahead.  */
#include <config.h>
#include "digest.h"

#include <nettle/sha2.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

void
digest_hex (const char *prefix, size_t n, struct input *in, uint64_t from,
            uint64_t to, size_t k, char *hex)
{
  static const char xd[] = "0123456789abcdef";
  struct sha256_ctx sha;
  uint8_t d[DIGEST_SIZE];
  sha256_init (&sha);
  sha256_update (&sha, n, (const uint8_t *) prefix);
  const unsigned char *p;
  size_t got;
  while (input_chunk (in, &from, to, &p, &got))
    sha256_update (&sha, got, p);
  sha256_digest (&sha, sizeof d, d);
  for (size_t i = 0; i < k; i++)
    {
      hex[2 * i] = xd[d[i] >> 4];
      hex[2 * i + 1] = xd[d[i] & 15];
    }
  hex[2 * k] = 0;
}

/* A piece hashed ahead: [from, to) and its Message-ID hash.  */
struct piece
{
  uint64_t from, to;
  char hex[33];
};

/* Enough pieces that the thread rarely waits for short messages, few
   enough that what it holds is nothing beside the input's look-ahead.  */
#define RING 64

struct ahead
{
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t changed;      /* a piece was added or taken, or done */
  struct piece ring[RING];
  size_t head, count;
  int done;                    /* the thread has stopped adding */
  int stop;                    /* asked to stop */
  uint64_t used;

  /* The thread's own: the same file, read with pread, framed again.  */
  struct input in;
  struct frame f;
  struct rule rule;
  uint64_t first;
  char *account;
};

/* Put P in the ring; 0 when asked to stop instead.  */
static int
publish (struct ahead *a, const struct piece *p)
{
  pthread_mutex_lock (&a->lock);
  while (a->count == RING && !a->stop)
    pthread_cond_wait (&a->changed, &a->lock);
  int go = !a->stop;
  if (go)
    {
      a->ring[(a->head + a->count) % RING] = *p;
      a->count++;
      pthread_cond_broadcast (&a->changed);
    }
  pthread_mutex_unlock (&a->lock);
  return go;
}

/* The walk of convert_messages: a piece is a message, as far as its
   framing says it ends, or the stray bytes before the next Message:
   line.  Should the two walks ever part, ahead_hash sees the pieces
   differ and hashes for itself: a wrong hash is never handed over.  */
static void *
run (void *arg)
{
  struct ahead *a = arg;
  size_t n = strlen (a->account) + 1;
  for (uint64_t off = a->first;;)
    {
      enum starts kind = what_starts (&a->in, off, &a->f);
      if (kind == STARTS_END)
        break;
      struct piece p = { off, 0, "" };
      if (kind == STARTS_STRAY)
        p.to = stray_end (&a->in, off);
      else if (frame_message (&a->in, off, a->rule, &a->f) < 0)
        break;
      else
        p.to = a->f.end;
      if (a->in.err)
        break;
      digest_hex (a->account, n, &a->in, p.from, p.to, 16, p.hex);
      if (a->in.err || !publish (a, &p))
        break;
      off = p.to;
      input_release (&a->in, off);
    }
  pthread_mutex_lock (&a->lock);
  a->done = 1;
  pthread_cond_broadcast (&a->changed);
  pthread_mutex_unlock (&a->lock);
  return NULL;
}

struct ahead *
ahead_start (const struct input *in, const char *account, struct rule rule,
             int thorough, uint64_t first)
{
  if (!in->reread)
    return NULL;
  struct ahead *a = calloc (1, sizeof *a);
  if (!a)
    return NULL;
  a->rule = rule;
  a->first = first;
  a->f.thorough = thorough;
  a->account = strdup (account);
  /* Both inputs read the file with pread only, never moving its offset:
     they share the descriptor.  */
  int opened = a->account && input_open (&a->in, in->fd, in->name, 0) == 0;
  if (opened)
    a->in.file_base = in->file_base;
  if (!opened || pthread_mutex_init (&a->lock, NULL) != 0)
    {
      if (opened)
        input_close (&a->in);
      free (a->account);
      free (a);
      return NULL;
    }
  /* The thread takes no signal: the main thread's handler must run
     where nothing goes on making files while it removes them.  */
  sigset_t all, old;
  sigfillset (&all);
  pthread_sigmask (SIG_BLOCK, &all, &old);
  int made = pthread_cond_init (&a->changed, NULL) == 0
             && pthread_create (&a->thread, NULL, run, a) == 0;
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  if (!made)
    {
      pthread_mutex_destroy (&a->lock);
      input_close (&a->in);
      free (a->account);
      free (a);
      return NULL;
    }
  return a;
}

void
ahead_hash (struct ahead *a, const char *account, struct input *in,
            uint64_t from, uint64_t to, char *hex)
{
  if (a)
    {
      pthread_mutex_lock (&a->lock);
      for (;;)
        {
          while (a->count && a->ring[a->head].from < from)
            {
              a->head = (a->head + 1) % RING;
              a->count--;
            }
          if (a->count || a->done)
            break;
          pthread_cond_wait (&a->changed, &a->lock);
        }
      const struct piece *p = &a->ring[a->head];
      int have = a->count && p->from == from && p->to == to;
      if (have)
        {
          memcpy (hex, p->hex, sizeof p->hex);
          a->head = (a->head + 1) % RING;
          a->count--;
          a->used++;
          pthread_cond_broadcast (&a->changed);
        }
      pthread_mutex_unlock (&a->lock);
      if (have)
        return;
    }
  digest_hex (account, strlen (account) + 1, in, from, to, 16, hex);
}

uint64_t
ahead_used (const struct ahead *a)
{
  return a ? a->used : 0;
}

void
ahead_stop (struct ahead *a)
{
  if (!a)
    return;
  pthread_mutex_lock (&a->lock);
  a->stop = 1;
  pthread_cond_broadcast (&a->changed);
  pthread_mutex_unlock (&a->lock);
  pthread_join (a->thread, NULL);
  pthread_cond_destroy (&a->changed);
  pthread_mutex_destroy (&a->lock);
  frame_free (&a->f);
  input_close (&a->in);
  free (a->account);
  free (a);
}
