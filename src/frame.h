/* Framing: where one message's lines, slots and item data are, found from
   the best evidence the message offers (FORMAT.md, "Framing a message").  */
#ifndef CCFIX_FRAME_H
#define CCFIX_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include "input.h"
#include "slot.h"

struct cut_cand;                /* bestcut.h */

enum count_from { FROM_SLOT, FROM_KEYWORD };
enum count_to { TO_DATA, TO_NEXT };

struct rule
{
  enum count_from from;
  enum count_to to;
};

const char *rule_name (struct rule r);   /* "slot/data" ... */

/* A slot on the input: its bytes are [off, off + info.width), its EOL
   [off + info.width, next).  */
struct fslot
{
  uint64_t off, next;
  struct slot_info info;
};

struct fitem
{
  uint64_t off;              /* the item line */
  struct fslot slot;
  uint64_t data_len;         /* the data is [slot.next, slot.next + data_len) */
};

/* What framed the message, most trusted first.  */
enum evidence { EV_COUNTS, EV_CONTENTS, EV_MESSAGE, EV_SCAN };

enum frame_status { FRAMED, UNFRAMED, CUT_SHORT };

enum frame_reason
{
  WHY_NONE,
  WHY_NO_CONTENTS,         /* a Message: line or the end came first */
  WHY_MISSING_SLOT,        /* a count line is missing: a keyword instead */
  WHY_NO_ITEM,             /* the contents hold no item line where one
                              should start */
  WHY_TIE,                 /* two best cuts score the same */
  WHY_TOO_MANY,            /* too many item lines to weigh */
  WHY_ITEM_LIMIT,          /* more items than any message can have */
  WHY_PAST_END,            /* a valid count runs past the end (CUT_SHORT) */
  WHY_ENDS_EARLY           /* the input ends inside its lines (CUT_SHORT) */
};

/* Which count a finding is about.  */
enum level { LEVEL_MESSAGE, LEVEL_CONTENTS, LEVEL_ITEM };

const char *level_name (enum level level);   /* "message" ... */

struct frame
{
  int headers;               /* set by the caller: find From: and Subject: */
  int thorough;              /* set by the caller: no quick path (tests) */
  uint64_t off;              /* the Message: line */
  struct fslot mslot;
  /* The values of the first From: and Subject: headers, for reports:
     [off, end), off == UINT64_MAX when there is none or none was asked
     for.  */
  uint64_t from_off, from_end, subject_off, subject_end;
  uint64_t contents_off;     /* the Contents: line */
  struct fslot cslot;        /* items start at cslot.next */
  struct fitem *items;
  size_t nitems, items_cap;
  uint64_t contents_end;     /* after the last item's data */
  uint64_t end;              /* where the next message (or the tail) starts */
  int message_at_end;        /* a Message: line was seen to start at END */

  enum frame_status status;
  enum frame_reason reason;
  enum level why_level;      /* the count a reason is about */
  size_t why_item;           /* 1-based, for LEVEL_ITEM */
  enum evidence evidence;
  uint64_t looked;           /* the farthest place a count was tried at */

  /* Weighing cuts: kept from message to message, not allocated anew.  */
  struct cut_cand *cands;
  size_t cands_cap;
  uint64_t *heap;
  size_t heap_cap;
  size_t *chosen;
  size_t chosen_cap;
};

/* Where a stream's messages end: its size, less a final 0x1A.  */
uint64_t stream_end (struct input *in);

/* Frame the message whose Message: line starts at OFF.  Returns -1 when
   out of memory, else 0 with F filled in, F->status saying whether it
   framed.  F->items is reused from call to call.  */
int frame_message (struct input *in, uint64_t off, struct rule rule,
                   struct frame *f);

/* Where stray bytes from OFF, where no Message: line starts, end: at the
   next Message: line, else before a final 0x1A.  Always past OFF when OFF
   holds a byte that is not a final 0x1A.  */
uint64_t stray_end (struct input *in, uint64_t off);

/* Whether a message can start at OFF: not the end of the stream, nor a
   final 0x1A.  */
int more_messages (struct input *in, uint64_t off);

/* Where the messages start: the first Message: line, else the end of the
   stream, before a final 0x1A (which alone is an empty mailbox, not a
   preamble).  */
uint64_t first_message (struct input *in);

/* What a walk over the stream meets at OFF: the end of its messages, a
   Message: line, or stray bytes (up to stray_end).  LAST, when not NULL,
   is the frame of a message of IN: when it ended at OFF, its framing may
   have seen the Message: line there already.  */
enum starts { STARTS_END, STARTS_MESSAGE, STARTS_STRAY };
enum starts what_starts (struct input *in, uint64_t off,
                         const struct frame *last);

/* The first Message: line at or after OFF, at a line start or glued and
   followed by a valid or blank slot line, or the end of the input.  */
uint64_t next_message_line (struct input *in, uint64_t off);

void frame_free (struct frame *f);

#endif
