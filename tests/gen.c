/*
 * gen SEED OUTDIR: write one damaged cc:Mail export stream and the exact
 * bytes a perfect repair gives for it (FORMAT.md is the contract).
 *
 * This is an oracle for tests/generated.sh, so it shares no code with
 * src/: a bug copied into both would pass unnoticed.  It stays obviously
 * right by never parsing anything.  Each message is built as a list of
 * parts (lines, slots, data); both streams are rendered from the same
 * parts, inner counts first, and every count is the rendered length of
 * what it frames.  Damage is chosen, not detected, and only where
 * FORMAT.md's framing rules recover it unambiguously (see plan_damage);
 * so are keyword lines glued to data of unknown length (glue_items) and
 * stray bytes after a clean message (gen_stray).
 *
 * Files written into OUTDIR:
 *   in, expected       the damaged stream and its repair
 *   args               ccfix options pinning the counting rule and style
 *   n                  the number of messages
 *   in.K, expected.K   message K alone (the preamble goes with message 1,
 *                      stray bytes with the message before them, a final
 *                      0x1A with the last), for invariant 4
 *
 * With GEN_VERBOSE set in the environment, the plan of each message is
 * described on standard error, to make a failing seed readable: each
 * slot's class and offset ("wrong crlf" and "wrong far" for the odd wrong
 * item counts, "glued" after an item whose data runs into the keyword
 * line after it) and how many stray bytes follow the message.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- randomness ---------------------------------------------------- */

/* splitmix64: the same stream on every libc, unlike rand(). */
static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* 0 .. n-1; the modulo bias is far below anything a test could notice. */
static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static size_t between(size_t lo, size_t hi)
{
	return lo + (size_t)below((uint64_t)(hi - lo) + 1);
}

static int chance(unsigned pct)
{
	return below(100) < pct;
}

static const char *pick(const char *const *v, size_t n)
{
	return v[below(n)];
}
#define PICK(v) pick((v), sizeof(v) / sizeof((v)[0]))

/* ---- byte buffers --------------------------------------------------- */

typedef struct {
	unsigned char *p;
	size_t len, cap;
} buf;

static _Noreturn void die(const char *what)
{
	perror(what);
	exit(2);
}

static void put(buf *b, const void *s, size_t n)
{
	if (n == 0)
		return;
	if (n > SIZE_MAX / 2 - b->len) {
		errno = ENOMEM;
		die("gen");
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		unsigned char *p = realloc(b->p, cap);
		if (!p)
			die("gen");
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void put_byte(buf *b, int c)
{
	unsigned char ch = (unsigned char)c;
	put(b, &ch, 1);
}

static void put_str(buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void put_buf(buf *b, const buf *s)
{
	put(b, s->p, s->len);
}

static void release(buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

static int has(const buf *b, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i + n <= b->len; i++)
		if (memcmp(b->p + i, s, n) == 0)
			return 1;
	return 0;
}

static int starts(const buf *b, size_t end, size_t at, const char *s)
{
	size_t n = strlen(s);
	return at <= end && n <= end - at && memcmp(b->p + at, s, n) == 0;
}

/* ---- the stream's rule and style ------------------------------------ */

enum from { FROM_SLOT, FROM_KEYWORD };
enum to { TO_DATA, TO_NEXT };
enum pad { PAD_LEADING, PAD_TRAILING, PAD_ZEROS };
enum eolmode { EOL_CRLF, EOL_LF, EOL_MIXED };

static struct {
	enum from from;
	enum to to;
	enum pad pad;
	enum eolmode eolmode;
} cfg;

static const char *const from_name[] = { "slot", "keyword" };
static const char *const to_name[] = { "data", "next" };
static const char *const pad_name[] = { "leading", "trailing", "zeros" };

/* Each line draws its own EOL, so a mixed stream mixes within messages. */
static const char *eol(void)
{
	switch (cfg.eolmode) {
	case EOL_CRLF: return "\r\n";
	case EOL_LF: return "\n";
	default: return chance(50) ? "\r\n" : "\n";
	}
}

/* ---- slots and counts ------------------------------------------------ */

enum cls { SC_OK, SC_BLANK, SC_EMPTY, SC_INVALID, SC_WRONG };
static const char *const cls_name[] = { "ok", "blank", "empty", "invalid", "wrong" };

enum role { R_ITEM, R_CONTENTS, R_MESSAGE };

/* SC_WRONG: which wrong number.  W_CRLF and W_FAR are item counts only. */
enum wrong { W_ANY, W_CRLF, W_FAR };
static const char *const wrong_name[] = { "", " crlf", " far" };

struct slot {
	enum role role;
	enum cls cls;
	enum pad pad;     /* SC_OK: its padding, nearly always the stream's */
	size_t width;     /* SC_OK: planned width, 0 for exactly the digits;
	                     SC_WRONG: its width */
	int must_pad;     /* SC_OK: keep a padding byte, as style evidence */
	enum wrong how;   /* SC_WRONG */
	buf raw;          /* SC_BLANK, SC_INVALID: what replaced the count */
	const char *eol;

	/* Filled in while rendering. */
	size_t in_width;  /* the slot's width in `in` */
	uint64_t written; /* SC_OK: the number `in` holds */
	uint64_t in_true, exp_true; /* the right number, at in_width, in each */
	size_t in_off;    /* where the slot's bytes sit in `in` */
	size_t lo, hi;    /* SC_WRONG: a wrong number n keeps lo + n <= hi */
};

static size_t ndigits(uint64_t v)
{
	size_t d = 1;
	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

/*
 * The number a slot must hold when its line is `width` bytes wide.  Under
 * count-from keyword the count includes its own slot line, so it depends
 * on the width it is written in.
 */
static uint64_t count_for(uint64_t base, int self, const char *e, size_t width)
{
	return self ? base + width + strlen(e) : base;
}

/*
 * The width of a slot holding exactly the digits of its own count.  Two
 * can exist (base 97: "99" in 2 bytes and "100" in 3); FORMAT.md says only
 * "exactly the digits", and the narrowest is the one a repair that tries
 * widths upwards finds.
 */
static size_t exact_width(uint64_t base, int self, const char *e)
{
	for (size_t d = 1;; d++)
		if (ndigits(count_for(base, self, e, d)) == d)
			return d;
}

/* `v` in `width` bytes; no padding when its digits fill or overflow it. */
static void put_count(buf *b, uint64_t v, size_t width, enum pad pad)
{
	char d[24];
	int n = snprintf(d, sizeof d, "%" PRIu64, v);
	size_t nd = (size_t)n, fill = width > nd ? width - nd : 0;

	if (pad == PAD_TRAILING)
		put(b, d, nd);
	for (size_t i = 0; i < fill; i++)
		put_byte(b, pad == PAD_ZEROS ? '0' : ' ');
	if (pad != PAD_TRAILING)
		put(b, d, nd);
}

/* FORMAT.md "Slots": keep the width when the digits fit, else exactly the
 * digits; pad in the stream's style. */
static void put_repair(buf *b, uint64_t base, int self, const char *e, size_t width)
{
	if (width == 0 || ndigits(count_for(base, self, e, width)) > width)
		width = exact_width(base, self, e);
	put_count(b, count_for(base, self, e, width), width, cfg.pad);
}

enum ctx { IN, EXP };

/*
 * Append slot `s` and its EOL.  `base` is everything the count measures
 * except the slot line itself (which only self-inclusive counts add).  In
 * `in` a damaged slot holds its damage; in `expected` every slot holds the
 * right number, and a valid one that is still right keeps its bytes.
 * s->in_off is left relative to `b`; render_message makes it absolute.
 */
static void render_slot(buf *b, struct slot *s, uint64_t base, int self, enum ctx ctx)
{
	const char *e = s->eol;

	if (ctx == IN) {
		s->in_off = b->len;
		switch (s->cls) {
		case SC_OK: {
			size_t w = s->width ? s->width : exact_width(base, self, e);
			while (ndigits(count_for(base, self, e, w)) + (s->must_pad ? 1u : 0u) > w)
				w++;
			s->in_width = w;
			s->written = count_for(base, self, e, w);
			put_count(b, s->written, w, s->pad);
			break;
		}
		case SC_WRONG:
			/* The number is chosen once both streams are known. */
			s->in_width = s->width;
			for (size_t i = 0; i < s->width; i++)
				put_byte(b, '?');
			break;
		default:
			s->in_width = s->raw.len;
			put_buf(b, &s->raw);
			break;
		}
		s->in_true = count_for(base, self, e, s->in_width);
	} else {
		s->exp_true = count_for(base, self, e, s->in_width);
		if (s->cls == SC_OK && s->exp_true == s->written)
			put_count(b, s->written, s->in_width, s->pad);
		else
			put_repair(b, base, self, e, s->in_width);
	}
	put_str(b, e);
}

/* ---- messages --------------------------------------------------------- */

#define MAX_ITEMS 5
#define MAX_MSGS 8

struct item {
	buf line;         /* "Text item: ..." without its EOL */
	const char *eol;
	struct slot s;
	buf data;
	int text;
	int glued;        /* the next keyword line follows the data at once */
	size_t in_data;   /* where the data starts in `in` */
};

enum plan { P_CLEAN, P_OUTER, P_ITEMS };
static const char *const plan_name[] = { "clean", "outer", "items" };

/* P_ITEMS: what gives the end of the contents once item counts are gone. */
enum ends { END_C, END_M, END_SCAN };
static const char *const ends_name[] = { "contents", "message", "scan" };

struct msg {
	enum plan plan;
	enum ends ends;
	buf mline;        /* "Message:" and maybe trailing spaces */
	const char *meol;
	struct slot ms;
	buf headers;      /* header lines with their EOLs */
	buf cline;        /* "Contents:" and maybe trailing spaces */
	const char *ceol;
	struct slot cs;
	struct item items[MAX_ITEMS];
	size_t nitems;
	buf seps;         /* blank lines before the next Message: or the end */
	buf stray;        /* after the seps, counted nowhere */
	size_t in_off, exp_off;
};

static struct stream {
	buf preamble;
	struct msg msgs[MAX_MSGS];
	size_t nmsgs;
	int eofmark;
} st;

/*
 * Append message `m`.  The parts are rendered innermost first into their
 * own buffers, so each count is simply the length of buffers already
 * complete: items, then the contents block, then the message.
 */
static void render_message(buf *out, struct msg *m, enum ctx ctx)
{
	int self = cfg.from == FROM_KEYWORD;
	buf items = { 0 }, contents = { 0 }, head = { 0 };
	size_t data_rel[MAX_ITEMS];

	for (size_t i = 0; i < m->nitems; i++) {
		struct item *it = &m->items[i];
		put_buf(&items, &it->line);
		put_str(&items, it->eol);
		render_slot(&items, &it->s, it->data.len, 0, ctx);
		data_rel[i] = items.len;
		put_buf(&items, &it->data);
	}

	put_buf(&contents, &m->cline);
	put_str(&contents, m->ceol);
	uint64_t cbase = items.len + (self ? contents.len : 0);
	render_slot(&contents, &m->cs, cbase, self, ctx);
	size_t items_rel = contents.len;
	put_buf(&contents, &items);

	put_buf(&head, &m->mline);
	put_str(&head, m->meol);
	uint64_t mbase = m->headers.len + contents.len + (self ? head.len : 0) +
	                 (cfg.to == TO_NEXT ? m->seps.len : 0);
	render_slot(&head, &m->ms, mbase, self, ctx);

	size_t start = out->len;
	put_buf(out, &head);
	put_buf(out, &m->headers);
	size_t cstart = out->len;
	put_buf(out, &contents);
	size_t cend = out->len;
	put_buf(out, &m->seps);
	put_buf(out, &m->stray);

	if (ctx == IN) {
		size_t items_abs = cstart + items_rel;
		m->ms.in_off += start;
		m->ms.lo = self ? start : start + head.len;
		m->cs.in_off += cstart;
		m->cs.lo = self ? cstart : items_abs;
		/* hi of the message and contents slots: set by render_stream. */
		for (size_t i = 0; i < m->nitems; i++) {
			struct item *it = &m->items[i];
			it->s.in_off += items_abs;
			it->in_data = items_abs + data_rel[i];
			it->s.lo = it->in_data;
			it->s.hi = cend;
		}
	}
	release(&items);
	release(&contents);
	release(&head);
}

static void render_stream(buf *out, enum ctx ctx)
{
	put_buf(out, &st.preamble);
	for (size_t k = 0; k < st.nmsgs; k++) {
		struct msg *m = &st.msgs[k];
		if (ctx == IN)
			m->in_off = out->len;
		else
			m->exp_off = out->len;
		render_message(out, m, ctx);
	}
	size_t body = out->len;
	if (st.eofmark)
		put_byte(out, 0x1A);
	if (ctx == IN)
		for (size_t k = 0; k < st.nmsgs; k++)
			st.msgs[k].ms.hi = st.msgs[k].cs.hi = body;
}

/* ---- content ------------------------------------------------------------ */

/* Names in code page 437/850: umlauts, accents, box drawing.  Octal
 * escapes, because a hex escape would swallow the letters after it. */
static const char *const names[] = {
	"Grewal, Jeff", "M\201ller, J\201rgen", "Fran\207ois, Ren\202",
	"\216berg, \231sten", "Pe\244a, Jos\202", "One, User",
	"Admin", "\232bel, Gr\204fin", "S\341nchez, \240ngel",
	"Lef\212vre, Ma\213l", "\311\315\315 Postmaster \315\315\273",
	"K\224nig, B\204rbel", "Ng, \245u\244o",
};
static const char *const hubs[] = { "Hub", "HUBPO2", "SALES", "\216RHUS", "PO1" };
static const char *const words[] = {
	"the", "report", "is", "attached", "please", "review", "by", "Friday",
	"meeting", "moved", "to", "room", "4", "thanks", "regards", "budget",
	"Gr\201\341e", "r\202sum\202", "\23312", "\253", "\254", "Re:",
	"cc:Mail", "--", "OK.", "p.s.", "\370C", "\341eta",
};
static const char *const subjects[] = {
	"Another message", "Budget 1998", "Re: lunch", "F\201r Sie",
	"Quarterly r\202sum\202", "FW: Contents of the share", "",
};
static const char *const folders[] = { "Inbox", "Drafts", "Projekte \216", "Message Log", "Sent" };
static const char *const prios[] = { "Normal", "Urgent", "Low" };
static const char *const exts[] = { "TXT", "DOC", "XLS", "ZIP", "BMP", "W\216R" };

/* Data look-alikes, each at a line start: a repair must count past them. */
static const char *const lookalikes[] = {
	"\nMessage:\r\n", "\nFile item: X\r\n   12\r\n", "\nContents:\n",
	"\nText item: \r\n     \r\n", "\nMessage:\n  120\n",
	"\nFax item:\r\n", "\r\n\r\nMessage:\r\n",
};

static void put_line(buf *b, const char *text)
{
	put_str(b, text);
	put_str(b, eol());
}

static void put_date(buf *b)
{
	/* One draw per statement: the order in which function arguments are
	 * evaluated is unspecified, and a seed must mean one stream. */
	unsigned v[5];
	static const unsigned lo[5] = { 1, 1, 90, 1, 0 }, hi[5] = { 12, 28, 99, 12, 59 };
	for (int i = 0; i < 5; i++)
		v[i] = (unsigned)between(lo[i], hi[i]);
	const char *half = chance(50) ? "AM" : "PM";
	char d[48];
	snprintf(d, sizeof d, "%u/%u/%02u %u:%02u%s", v[0], v[1], v[2], v[3], v[4], half);
	put_str(b, d);
}

static void put_address(buf *b)
{
	put_str(b, PICK(names));
	put_str(b, " at ");
	put_str(b, PICK(hubs));
}

/* From:, Date:, To:, Cc:, Subject:, Folder:, Priority: in a shuffled order;
 * To: lists are sometimes long, so that counts get more digits. */
static void gen_headers(buf *h)
{
	enum { H_FROM, H_DATE, H_TO, H_CC, H_SUBJECT, H_FOLDER, H_PRIORITY, NH };
	int order[NH];
	for (int i = 0; i < NH; i++)
		order[i] = i;
	for (int i = NH - 1; i > 0; i--) {
		int j = (int)below((uint64_t)i + 1), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (int i = 0; i < NH; i++) {
		int k = order[i];
		if (k != H_FROM && k != H_DATE && chance(35))
			continue;
		switch (k) {
		case H_FROM: put_str(h, "From: "); put_address(h); break;
		case H_DATE: put_str(h, "Date: "); put_date(h); break;
		case H_TO:
		case H_CC: {
			put_str(h, k == H_TO ? "To: " : "Cc: ");
			size_t n = chance(10) ? between(10, 120) : between(1, 3);
			for (size_t j = 0; j < n; j++) {
				if (j)
					put_str(h, ", ");
				put_address(h);
			}
			break;
		}
		case H_SUBJECT: put_str(h, "Subject: "); put_str(h, PICK(subjects)); break;
		case H_FOLDER: put_str(h, "Folder: "); put_str(h, PICK(folders)); break;
		default: put_str(h, "Priority: "); put_str(h, PICK(prios)); break;
		}
		put_str(h, eol());
	}
}

/* Console noise before the first message; never a keyword line. */
static void gen_preamble(buf *p)
{
	static const char *const noise[] = {
		"Lotus cc:Mail Export Utility  Version 8.50",
		"(c) Copyright Lotus Development Corporation",
		"Exporting messages for One, User ...",
		"\311\315\315\315\315\315\315\273", "", "Message count: 12",
		"  Messages: 3 exported", "Post office: \216RHUS",
	};
	size_t n = between(1, 4);
	for (size_t i = 0; i < n; i++)
		put_line(p, PICK(noise));
}

/*
 * A text item's data: lines of words, each ending in an EOL; sometimes no
 * bytes at all.  blank_lines_ok says whether empty lines may appear: the
 * scan takes empty lines before a Message: line for separators, so items
 * whose framing rests on the scan have none.
 */
static void gen_text(buf *d, int blank_lines_ok)
{
	if (chance(12))
		return;
	size_t lines = chance(10) ? between(20, 80) : between(1, 5);
	for (size_t i = 0; i < lines; i++) {
		if (blank_lines_ok && chance(12)) {
			put_str(d, eol());
			continue;
		}
		size_t w = between(1, 12);
		for (size_t j = 0; j < w; j++) {
			if (j)
				put_byte(d, ' ');
			put_str(d, PICK(words));
		}
		put_str(d, eol());
	}
}

/*
 * A file or fax item's data: raw bytes, rich in NUL, CR, LF and 0x1A.
 * plain: no keyword look-alikes and an EOL at the end, so that every item
 * line of the message starts a line and none hides in data; the plan then
 * lets the item counts be damaged.
 */
static void gen_binary(buf *d, int plain)
{
	static const unsigned char special[] = { 0, '\r', '\n', 0x1A, ' ', 0xFF };
	size_t n;

	if (chance(5))
		n = 0;
	else if (chance(4))
		n = between(1000, 30000);
	else
		n = chance(50) ? between(1, 40) : between(41, 600);

	int looks = !plain && chance(50);
	for (;;) {
		for (size_t i = 0; i < n; i++) {
			if (looks && chance(2))
				put_str(d, PICK(lookalikes));
			put_byte(d, chance(20) ? special[below(sizeof special)] : (int)(rnd() & 0xFF));
		}
		if (looks && chance(30))
			put_str(d, PICK(lookalikes));
		if (plain || chance(40))
			put_str(d, eol());
		/* Random bytes could spell a keyword; plain data must not. */
		if (!plain || (!has(d, "item:") && !has(d, "Message:") && !has(d, "Contents:")))
			return;
		d->len = 0;
	}
}

static void gen_item(struct item *it, int plain, int text_only)
{
	it->eol = eol();
	it->text = text_only || chance(50);
	if (it->text) {
		put_str(&it->line, chance(25) ? "Text item:" : "Text item: ");
		if (chance(40) && it->line.len > 10)
			put_str(&it->line, PICK(subjects));
		/* Only the scan cares about empty lines in data (see gen_text). */
		gen_text(&it->data, !text_only);
	} else {
		char t[64];
		if (chance(75)) {
			put_str(&it->line, "File item: ");
			for (int i = 0; i < 3; i++)
				put_byte(&it->line, 'A' + (int)below(26));
			unsigned num = (unsigned)below(1000);
			snprintf(t, sizeof t, "%u.%s ", num, PICK(exts));
			put_str(&it->line, t);
			put_date(&it->line);
		} else {
			put_str(&it->line, chance(50) ? "Fax item:" : "Fax item: Cover page");
		}
		gen_binary(&it->data, plain);
	}
}

/* Every item line starts a line and no data holds anything like one, so
 * the only places to cut the contents are the real item lines. */
static int is_plain(const struct msg *m)
{
	for (size_t i = 0; i < m->nitems; i++) {
		const buf *d = &m->items[i].data;
		if (d->len && d->p[d->len - 1] != '\n')
			return 0;
		if (has(d, "item:") || has(d, "Message:") || has(d, "Contents:"))
			return 0;
	}
	return 1;
}

/* The scan also frames it: text items only and no empty line in any data,
 * so no data can pass for separators. */
static int is_scannable(const struct msg *m)
{
	if (!is_plain(m))
		return 0;
	for (size_t i = 0; i < m->nitems; i++) {
		const buf *d = &m->items[i].data;
		if (!m->items[i].text)
			return 0;
		if (d->len && (d->p[0] == '\n' || (d->len > 1 && d->p[0] == '\r' && d->p[1] == '\n')))
			return 0;
		if (has(d, "\n\n") || has(d, "\n\r\n"))
			return 0;
	}
	return 1;
}

/* ---- damage ------------------------------------------------------------ */

/* GEN_ROOMY: healthy streams whose slots all have room for a few more
   digits, for the code page round trip: a count that grows when its text
   is converted must not widen its slot, or coming back could not give
   the same bytes.  */
static int roomy;

static void plan_ok(struct slot *s, enum role role)
{
	s->role = role;
	s->cls = SC_OK;
	s->pad = cfg.pad;
	s->width = roomy ? between(9, 12) : chance(15) ? 0 : between(5, 10);
	s->eol = eol();
}

static void put_digits(buf *b, size_t n, int nonzero_first)
{
	for (size_t i = 0; i < n; i++)
		put_byte(b, (i == 0 && nonzero_first ? '1' + (int)below(9) : '0' + (int)below(10)));
}

static void put_spaces(buf *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_byte(b, ' ');
}

/* Anything a slot may hold that is neither a number nor blank. */
static void gen_invalid(buf *b)
{
	/* 19+ digits would be repaired to zeros past 18 digits, itself
	 * invalid; FORMAT.md leaves that case open, so zeros streams skip it. */
	switch (below(cfg.pad == PAD_ZEROS ? 3 : 4)) {
	case 0: { /* letters among digits */
		static const char junk[] = "0123456789abcxyzOIlSn?*#.";
		size_t n = between(1, 8);
		put_spaces(b, chance(30) ? between(1, 3) : 0);
		size_t letter = below(n);
		for (size_t i = 0; i < n; i++)
			put_byte(b, i == letter ? junk[10 + below(sizeof junk - 11)]
			                        : junk[below(sizeof junk - 1)]);
		put_spaces(b, chance(30) ? between(1, 3) : 0);
		break;
	}
	case 1: /* a sign */
		put_spaces(b, chance(50) ? between(1, 4) : 0);
		put_byte(b, chance(50) ? '-' : '+');
		put_digits(b, between(1, 6), 0);
		put_spaces(b, chance(30) ? between(1, 2) : 0);
		break;
	case 2: /* inner spaces */
		put_spaces(b, chance(50) ? between(1, 3) : 0);
		put_digits(b, between(1, 4), 0);
		put_spaces(b, between(1, 2));
		put_digits(b, between(1, 4), 0);
		put_spaces(b, chance(30) ? between(1, 2) : 0);
		break;
	default: /* too many digits */
		put_spaces(b, chance(40) ? between(1, 3) : 0);
		put_digits(b, between(19, 22), 1);
		break;
	}
}

static void damage(struct slot *s, enum cls c)
{
	/* The damaged slot keeps the healthy width most of the time. */
	size_t same = s->width;
	s->cls = c;
	s->raw.len = 0;
	switch (c) {
	case SC_BLANK: {
		size_t w = same && chance(70) ? same : between(1, 12);
		int nul = chance(30);
		for (size_t i = 0; i < w; i++)
			put_byte(&s->raw, nul && chance(40) ? 0 : ' ');
		break;
	}
	case SC_INVALID:
		gen_invalid(&s->raw);
		break;
	case SC_WRONG:
		s->width = same && chance(60) ? same : between(1, 10);
		break;
	default:
		break;
	}
}

static enum cls any_damage(void)
{
	static const enum cls c[] = { SC_BLANK, SC_BLANK, SC_EMPTY, SC_INVALID, SC_WRONG };
	return c[below(sizeof c / sizeof c[0])];
}

/* Blank, empty or invalid: never a number that could mislead. */
static enum cls mute_damage(void)
{
	static const enum cls c[] = { SC_BLANK, SC_BLANK, SC_EMPTY, SC_INVALID };
	return c[below(sizeof c / sizeof c[0])];
}

/*
 * FORMAT.md's best cut, from the slot classes alone.  A cut keeps some
 * item lines and folds each other item into the item before it.  A kept
 * item scores +1 for a valid count that matches, -1 for a valid count
 * that does not, -1 for an invalid slot, 0 for a blank one.  A right
 * count matches only while its item is not grown; a wrong number never
 * matches any cut, because choose_wrong keeps it off every place a cut
 * can end.  The real cut keeps every item line, so it has the most
 * items and wins all ties: it must merely score no lower than any other.
 * (Were invalid slots charged whatever the cut, the real cut would only
 * gain: this is the stricter reading.)
 */
static int real_cut_wins(const struct msg *m)
{
	size_t n = m->nitems;
	int real = 0;

	for (size_t i = 0; i < n; i++) {
		enum cls c = m->items[i].s.cls;
		real += c == SC_OK ? 1 : (c == SC_BLANK || c == SC_EMPTY) ? 0 : -1;
	}
	for (uint32_t fold = 1; n > 1 && fold < (UINT32_C(1) << (n - 1)); fold++) {
		int score = 0;
		for (size_t i = 0; i < n; i++) {
			if (i > 0 && (fold >> (i - 1) & 1))
				continue; /* folded into an earlier item */
			int grown = i + 1 < n && (fold >> i & 1);
			enum cls c = m->items[i].s.cls;
			if (c == SC_OK)
				score += grown ? -1 : 1;
			else if (c == SC_INVALID || c == SC_WRONG)
				score -= 1;
		}
		if (score > real)
			return 0;
	}
	return 1;
}

/*
 * Damage one message, only as far as FORMAT.md's "Framing a message"
 * recovers it without doubt:
 *  - P_OUTER: the message and contents counts, freely; every item count
 *    stays right, so the items land and frame the message.  (With no
 *    items, no wrong number beyond a wrong message count beside a right
 *    contents count.)
 *  - P_ITEMS: item counts, in plain messages only.  Then the end of the
 *    contents comes from a right contents count (END_C), a right message
 *    count under count-to data (END_M), or the scan (END_SCAN, scannable
 *    messages only).  The counts that give no end are blank, empty or
 *    invalid, never a wrong number that would give a false end; except a
 *    wrong message count beside a right contents count, which outranks it.
 *    Now and then under END_C one item count is an odd wrong number
 *    beside right contents and message counts, which frame the message:
 *    W_CRLF is one short of data ending in CR LF, pointing between the
 *    CR and the LF, which is never a landing place; W_FAR runs past the
 *    end of the stream, which is then not cut short but simply wrong.
 *    Either contradicts every cut, so it cannot make a false one win.
 */
static void plan_damage(struct msg *m)
{
	if (m->plan == P_OUTER) {
		enum cls mc, cc;
		do {
			mc = chance(45) ? SC_OK : any_damage();
			cc = chance(45) ? SC_OK : any_damage();
		} while (mc == SC_OK && cc == SC_OK);
		/* Without items no item count outranks the others: a wrong
		 * number would be the best evidence left.  Only a right
		 * contents count may stand beside a wrong message count. */
		if (m->nitems == 0 && cc == SC_WRONG)
			cc = mute_damage();
		if (m->nitems == 0 && mc == SC_WRONG && cc != SC_OK)
			mc = mute_damage();
		if (mc != SC_OK)
			damage(&m->ms, mc);
		if (cc != SC_OK)
			damage(&m->cs, cc);
		return;
	}
	if (m->plan != P_ITEMS)
		return;

	size_t n = m->nitems, odd = n;
	enum wrong how = W_ANY;
	if (m->ends == END_C && chance(20)) {
		odd = (size_t)below(n);
		const buf *d = &m->items[odd].data;
		how = d->len >= 2 && starts(d, d->len, d->len - 2, "\r\n") && chance(60)
		    ? W_CRLF : W_FAR;
	}
	enum cls c[MAX_ITEMS];
	int found = 0;
	for (int tries = 0; tries < 30 && !found; tries++) {
		int any = 0;
		for (size_t i = 0; i < n; i++) {
			c[i] = i == odd ? SC_WRONG : chance(50) ? any_damage() : SC_OK;
			any |= c[i] != SC_OK;
			m->items[i].s.cls = c[i];
		}
		/* The scan ignores counts, so any damage is fine there. */
		found = any && (m->ends == END_SCAN || real_cut_wins(m));
	}
	if (!found) {
		/* One blank count, or the odd wrong one alone, always leaves
		 * the real cut the best. */
		for (size_t i = 0; i < n; i++)
			c[i] = SC_OK;
		if (odd < n)
			c[odd] = SC_WRONG;
		else
			c[below(n)] = SC_BLANK;
	}
	for (size_t i = 0; i < n; i++) {
		m->items[i].s.cls = SC_OK;
		if (c[i] != SC_OK)
			damage(&m->items[i].s, c[i]);
	}
	if (odd < n) {
		/* W_FAR: 99999 as in a 1 KB file, or up to 18 digits; its
		 * number is drawn in choose_wrong, once `in` is known. */
		struct slot *s = &m->items[odd].s;
		s->how = how;
		if (how == W_FAR)
			s->width = chance(30) ? 5 : between(8, 18);
		else if (s->width < ndigits(m->items[odd].data.len - 1))
			s->width = ndigits(m->items[odd].data.len - 1);
	}

	switch (m->ends) {
	case END_C:
		if (odd == n && chance(50))
			damage(&m->ms, chance(15) ? SC_WRONG : mute_damage());
		break;
	case END_M:
		damage(&m->cs, mute_damage());
		break;
	default:
		damage(&m->cs, mute_damage());
		/* Under count-to next a right message count ends the message,
		 * not the contents: the scan still decides. */
		if (cfg.to == TO_DATA || chance(60))
			damage(&m->ms, mute_damage());
		break;
	}
}

/* The byte at `at` begins something that data of known length may end
 * before (FORMAT.md "lands"), read generously: a lone CR counts as a line
 * end, and "item:" after any run of letters as an item line. */
static int lands(const buf *b, size_t end, size_t at)
{
	while (at < end && (b->p[at] == '\r' || b->p[at] == '\n'))
		at++;
	if (at >= end || (at + 1 == end && b->p[at] == 0x1A))
		return 1;
	if (starts(b, end, at, "Message:") || starts(b, end, at, "Contents:"))
		return 1;
	/* Any tail of the letters too: "ext item:" is as good as "Text item:". */
	for (;; at++) {
		if (starts(b, end, at, " item:") || starts(b, end, at, "item:"))
			return 1;
		if (at >= end || (b->p[at] | 0x20) < 'a' || (b->p[at] | 0x20) > 'z')
			return 0;
	}
}

/* No wrong number fits: choose_wrong blanks the slot. */
#define NONE UINT64_MAX

/*
 * A wrong number for slot s of `in`.  It must be wrong in both streams (a
 * repair may widen an inner slot and move the right number), fit the
 * slot, stay inside the stream (inside the contents for an item, so it
 * never reads as a stream cut short) and, for an item, not land anywhere,
 * or it would be evidence.
 */
static uint64_t any_wrong(const buf *in, const struct slot *s)
{
	uint64_t most = 1;
	for (size_t i = 0; i < s->width; i++)
		most *= 10;
	most -= 1;
	if (s->hi - s->lo < most)
		most = s->hi - s->lo;

	for (int tries = 0; tries < 200; tries++) {
		uint64_t v;
		if (chance(50)) {
			uint64_t d = between(1, 40);
			v = chance(50) ? s->in_true + d : (s->in_true > d ? s->in_true - d : 0);
		} else {
			v = below(most + 1);
		}
		if (v > most || v == s->in_true || v == s->exp_true)
			continue;
		if (s->role == R_ITEM && lands(in, in->len, s->lo + v))
			continue;
		return v;
	}
	return NONE;
}

/* W_CRLF and W_FAR break any_wrong's rules on purpose (see plan_damage).
 * An item count never depends on its slot's width, so in_true is right
 * in both streams. */
static uint64_t odd_wrong(const buf *in, const struct slot *s)
{
	if (s->how == W_CRLF)
		return s->in_true - 1;
	uint64_t v = 0;
	for (size_t i = 0; i < s->width; i++)
		v = v * 10 + (s->width == 5 ? 9 : i ? below(10) : between(1, 9));
	/* 99999 inside a long stream is not past its end. */
	return v > in->len - s->lo ? v : NONE;
}

/* Write a wrong number into each SC_WRONG slot of `in`.  Failing one, the
 * slot goes blank instead: same width, same repair. */
static void choose_wrong(buf *in, struct slot *s)
{
	if (s->cls != SC_WRONG)
		return;
	uint64_t v = s->how == W_ANY ? any_wrong(in, s) : odd_wrong(in, s);
	if (v == NONE) {
		s->cls = SC_BLANK;
		memset(in->p + s->in_off, ' ', s->width);
		return;
	}
	buf t = { 0 };
	put_count(&t, v, s->width, chance(80) ? cfg.pad : (enum pad)below(3));
	memcpy(in->p + s->in_off, t.p, t.len);
	release(&t);
}

/* ---- the stream ---------------------------------------------------------- */

static void gen_message(struct msg *m, enum plan plan)
{
	m->plan = plan;
	m->ends = END_C;
	if (plan == P_ITEMS) {
		static const enum ends e[] = { END_C, END_C, END_M, END_SCAN, END_SCAN };
		do
			m->ends = e[below(sizeof e / sizeof e[0])];
		while (m->ends == END_M && cfg.to != TO_DATA);
	}

	put_str(&m->mline, "Message:");
	if (chance(8))
		put_spaces(&m->mline, between(1, 3));
	m->meol = eol();
	plan_ok(&m->ms, R_MESSAGE);
	gen_headers(&m->headers);
	put_str(&m->cline, "Contents:");
	if (chance(8))
		put_spaces(&m->cline, between(1, 3));
	m->ceol = eol();
	plan_ok(&m->cs, R_CONTENTS);

	m->nitems = plan == P_ITEMS ? between(1, MAX_ITEMS) : between(0, MAX_ITEMS);
	for (size_t i = 0; i < m->nitems; i++) {
		gen_item(&m->items[i], plan == P_ITEMS, plan == P_ITEMS && m->ends == END_SCAN);
		plan_ok(&m->items[i].s, R_ITEM);
	}
	/* The classifiers are the authority, not the intent. */
	if (plan == P_ITEMS && (!is_plain(m) || (m->ends == END_SCAN && !is_scannable(m))))
		m->plan = P_OUTER;

	/* Blank lines only after an EOL: data ending mid-line is followed by
	 * the next keyword at once (KB Q184391). */
	const buf *last = m->nitems ? &m->items[m->nitems - 1].data : NULL;
	if ((!last || !last->len || last->p[last->len - 1] == '\n') && chance(50))
		for (size_t i = between(1, 3); i > 0; i--)
			put_str(&m->seps, eol());
}

/* A slot line after which a glued keyword counts even where the data
 * before it has no known length (FORMAT.md): a valid or blank one.  A
 * wrong number is valid too, but would need a longer argument. */
static int marks_keyword(const struct slot *s)
{
	return s->cls == SC_OK || s->cls == SC_BLANK || s->cls == SC_EMPTY;
}

static int is_letter(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Take the EOL off the end of data, so that the keyword line after it is
 * glued on.  Not where that leaves nothing or a line break before the
 * keyword: it would start a line.  Before an item line (whose word is a
 * capital and small letters), not where the letters the data ends with
 * reach back to a line start either: the line could then be read as an
 * item line with a longer word, cutting the data short.  A lone CR counts
 * as a line break here, for the same generous reading as `lands`.
 */
static int glue(buf *d, int item_next)
{
	size_t n = d->len;
	if (!n || d->p[n - 1] != '\n')
		return 0;
	n -= n >= 2 && d->p[n - 2] == '\r' ? 2 : 1;
	if (!n || d->p[n - 1] == '\n')
		return 0;
	if (item_next) {
		size_t a = n;
		while (a && is_letter(d->p[a - 1]))
			a--;
		if (a < n && (!a || d->p[a - 1] == '\n' || d->p[a - 1] == '\r'))
			return 0;
	}
	d->len = n;
	return 1;
}

/*
 * Glued keywords after data of unknown length: in a P_ITEMS message, an
 * item whose count is blank, empty or invalid loses the EOL its data ends
 * with, when the keyword line after it has a slot line that lets a glued
 * keyword count.  The data holds no "item:", "Message:" or "Contents:"
 * (is_plain), so the only glued keywords are the real ones; the best cut
 * sees the same candidates and scores as before (real_cut_wins), and the
 * scan finds the same ends.  The last item's data runs into the next
 * message's Message: line, or into the end of the stream.
 */
static void glue_items(size_t k)
{
	struct msg *m = &st.msgs[k];
	if (m->plan != P_ITEMS || !chance(30))
		return;
	for (size_t i = 0; i < m->nitems; i++) {
		struct item *it = &m->items[i];
		enum cls c = it->s.cls;
		int last = i + 1 == m->nitems;
		const struct slot *next = !last ? &m->items[i + 1].s
		                        : k + 1 < st.nmsgs ? &st.msgs[k + 1].ms : NULL;
		if (c != SC_BLANK && c != SC_EMPTY && c != SC_INVALID)
			continue;
		if ((next && !marks_keyword(next)) || !chance(60))
			continue;
		it->glued = glue(&it->data, !last);
		/* Blank lines come only after an EOL. */
		if (it->glued && last)
			m->seps.len = 0;
	}
}

/*
 * Stray bytes after a clean message, whose counts all agree and frame it
 * (FORMAT.md "Stray bytes"): after its blank lines, before the next
 * Message: line or at the end of the stream, and counted nowhere, not even
 * by a count-to next message count.  None starts with LF, which could
 * make a CR at the end of the message a place between CR and LF; none is
 * a blank line or holds a keyword.  Before a message, those without an
 * EOL glue its Message: line on, so its slot must let a glued keyword
 * count.  At the end, a 0x1A is followed by more bytes, or it would be
 * the end mark, and the stream gets no end mark of its own.
 */
static void gen_stray(size_t k)
{
	static const char *const torn[] = { "x", "junk", "rt 4", "\315\315\315" };
	struct msg *m = &st.msgs[k];
	if (roomy || m->plan != P_CLEAN || !chance(6))
		return;
	buf *b = &m->stray;
	int end = k + 1 == st.nmsgs;
	int r = (int)below(5);
	if (!end && !marks_keyword(&st.msgs[k + 1].ms))
		r = 4;
	switch (r) {
	case 0: /* copy /b a+b */
		put_byte(b, 0x1A);
		if (end) {
			static const unsigned char tail[] = { 0, ' ', 'x', 0x1A };
			for (size_t i = between(1, 6); i > 0; i--)
				put_byte(b, i > 1 ? tail[below(sizeof tail)] : 0);
		}
		break;
	case 1:
		put_byte(b, '\r');
		break;
	case 2:
		put_spaces(b, between(1, 3));
		break;
	case 3:
		put_str(b, PICK(torn));
		break;
	default:
		put_line(b, PICK(torn));
		break;
	}
	if (end)
		st.eofmark = 0;
}

static void gen_stream(void)
{
	cfg.from = (enum from)below(2);
	cfg.to = (enum to)below(2);
	cfg.pad = (enum pad)below(3);
	cfg.eolmode = (enum eolmode)below(3);

	if (chance(25))
		gen_preamble(&st.preamble);
	st.eofmark = chance(30);
	st.nmsgs = chance(3) ? 0 : between(1, MAX_MSGS);

	/* A damaged stream keeps one clean message, so the rule can be
	 * learnt; it (or message 1 of a healthy stream) anchors the style. */
	int damaged = !roomy && st.nmsgs >= 2 && chance(80);
	size_t anchor = damaged ? (size_t)below(st.nmsgs) : 0;

	for (size_t k = 0; k < st.nmsgs; k++) {
		enum plan plan = P_CLEAN;
		if (damaged && k != anchor) {
			uint64_t r = below(100);
			plan = r < 30 ? P_CLEAN : r < 60 ? P_OUTER : P_ITEMS;
		}
		gen_message(&st.msgs[k], plan);
	}
	if (st.nmsgs) {
		struct msg *a = &st.msgs[anchor];
		a->ms.must_pad = a->cs.must_pad = 1;
		a->ms.width = between(roomy ? 9 : 5, roomy ? 12 : 10);
		a->cs.width = between(roomy ? 9 : 5, roomy ? 12 : 10);
		/* Now and then one valid slot elsewhere in another padding: it is
		 * right, so never touched, and the anchor outvotes it. */
		if (!roomy && st.nmsgs > 1 && chance(15)) {
			struct msg *o = &st.msgs[(anchor + 1) % st.nmsgs];
			o->ms.pad = (enum pad)((cfg.pad + between(1, 2)) % 3);
			o->ms.width = between(6, 10);
		}
	}
	for (size_t k = 0; k < st.nmsgs; k++)
		plan_damage(&st.msgs[k]);
	for (size_t k = 0; k < st.nmsgs; k++) {
		glue_items(k);
		gen_stray(k);
	}

	/* A last byte 0x1A would read as the end mark; without a mark, keep
	 * the stream from ending in one inside data. */
	if (!st.eofmark && st.nmsgs) {
		struct msg *m = &st.msgs[st.nmsgs - 1];
		if (!m->seps.len && !m->stray.len && m->nitems) {
			buf *d = &m->items[m->nitems - 1].data;
			if (d->len && d->p[d->len - 1] == 0x1A)
				d->p[d->len - 1] = 'Z';
		}
	}
}

static void describe(void)
{
	fprintf(stderr, "rule %s/%s, pad %s, eol %d, %zu messages, preamble %zu, eof mark %d\n",
	        from_name[cfg.from], to_name[cfg.to], pad_name[cfg.pad], (int)cfg.eolmode,
	        st.nmsgs, st.preamble.len, st.eofmark);
	for (size_t k = 0; k < st.nmsgs; k++) {
		const struct msg *m = &st.msgs[k];
		fprintf(stderr, "message %zu at %zu: %s", k + 1, m->in_off, plan_name[m->plan]);
		if (m->plan == P_ITEMS)
			fprintf(stderr, " (end from %s)", ends_name[m->ends]);
		fprintf(stderr, ", message %s@%zu, contents %s@%zu, items", cls_name[m->ms.cls],
		        m->ms.in_off, cls_name[m->cs.cls], m->cs.in_off);
		for (size_t i = 0; i < m->nitems; i++) {
			const struct item *it = &m->items[i];
			fprintf(stderr, " %s%s@%zu%s", cls_name[it->s.cls],
			        it->s.cls == SC_WRONG ? wrong_name[it->s.how] : "",
			        it->s.in_off, it->glued ? " glued" : "");
		}
		if (m->stray.len)
			fprintf(stderr, ", stray %zu", m->stray.len);
		fprintf(stderr, "\n");
	}
}

/* ---- output -------------------------------------------------------------- */

static const char *outdir;

static void write_file(const char *name, const void *p, size_t n)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s/%s", outdir, name) >= (int)sizeof path) {
		fprintf(stderr, "gen: %s: path too long\n", outdir);
		exit(2);
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		die(path);
	if ((n && fwrite(p, 1, n, f) != n) || fclose(f) != 0)
		die(path);
}

/* Message k of a stream runs from its Message: line to the next one; the
 * preamble goes with the first, everything after the last with the last. */
static void write_parts(const char *stem, const buf *b, int exp)
{
	for (size_t k = 0; k < st.nmsgs; k++) {
		size_t from = k == 0 ? 0 : (exp ? st.msgs[k].exp_off : st.msgs[k].in_off);
		size_t to = k + 1 == st.nmsgs ? b->len
		          : (exp ? st.msgs[k + 1].exp_off : st.msgs[k + 1].in_off);
		char name[64];
		snprintf(name, sizeof name, "%s.%zu", stem, k + 1);
		write_file(name, b->p + from, to - from);
	}
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: gen SEED OUTDIR\n");
		return 2;
	}
	char *end;
	errno = 0;
	unsigned long long seed = strtoull(argv[1], &end, 10);
	if (errno || end == argv[1] || *end) {
		fprintf(stderr, "gen: bad seed '%s'\n", argv[1]);
		return 2;
	}
	outdir = argv[2];
	rng_state = (uint64_t)seed;
	/* Decorrelate neighbouring seeds before the first draw. */
	(void)rnd();

	roomy = getenv("GEN_ROOMY") != NULL;
	gen_stream();

	buf in = { 0 }, exp = { 0 };
	render_stream(&in, IN);
	render_stream(&exp, EXP);
	for (size_t k = 0; k < st.nmsgs; k++) {
		struct msg *m = &st.msgs[k];
		choose_wrong(&in, &m->ms);
		choose_wrong(&in, &m->cs);
		for (size_t i = 0; i < m->nitems; i++)
			choose_wrong(&in, &m->items[i].s);
	}
	if (getenv("GEN_VERBOSE"))
		describe();

	write_file("in", in.p, in.len);
	write_file("expected", exp.p, exp.len);
	char line[128];
	int n = snprintf(line, sizeof line, "--count-from=%s --count-to=%s --pad=%s\n",
	                 from_name[cfg.from], to_name[cfg.to], pad_name[cfg.pad]);
	write_file("args", line, (size_t)n);
	n = snprintf(line, sizeof line, "%zu\n", st.nmsgs);
	write_file("n", line, (size_t)n);
	write_parts("in", &in, 0);
	write_parts("expected", &exp, 1);

	release(&in);
	release(&exp);
	return 0;
}
