#!/usr/bin/env python3
"""Check an mbox that ccfix --convert wrote against the export it came from,
with mail software that shares no code with ccfix: Python's email package
and, with --dovecot, Dovecot's IMAP server.

    convert_check.py [--code CP] [--zone ZONE] [--order mdy|dmy|ymd]
                     [--dovecot] [--names] EXPORT ORIGINAL MBOX

EXPORT is the stream with every count right (ccfix's repair of ORIGINAL,
or ORIGINAL itself), read here by its counts alone; ORIGINAL is what was
converted, whose unreadable parts must come back byte for byte.  With
--names, every display name (as Python and Dovecot read it) and file name
must also be the export's, for streams whose addresses are all NAME at PO
and whose File items have no date.  Prints one line per failure and exits
1 if there was any.
"""
import argparse
import datetime
import email
import email.header
import email.policy
import os
import re
import subprocess
import sys
import tempfile
import zoneinfo

failures = []


def fail(what):
    failures.append(what)
    print('FAIL: ' + what)


# ---- the export, by its counts -------------------------------------------

def line_at(data, p):
    """The line at P without its EOL, and where the next one starts."""
    e = data.find(b'\n', p)
    if e < 0:
        return data[p:], len(data)
    return data[p:e].rstrip(b'\r') if data[e - 1:e] == b'\r' else data[p:e], e + 1


def skip_blank(data, p):
    while True:
        ln, nxt = line_at(data, p)
        if ln != b'' or nxt == p or p >= len(data):
            return p
        p = nxt


ITEM = re.compile(rb'([A-Za-z]+) item:(.*)\Z', re.S)


def read_export(data):
    """Messages as (offset, header lines, items); items as (word, title,
    data)."""
    m = re.search(rb'(?:\A|\n)Message:', data)
    p = m.start() + (data[m.start():m.start() + 1] == b'\n') if m else len(data)
    msgs = []
    while data.startswith(b'Message:', p):
        off = p
        try:
            p = read_message(data, p, msgs)
        except ValueError:
            # Not framed by its counts: ccfix keeps it as an unreadable
            # part, checked against the original bytes instead.
            m = re.search(rb'\nMessage:', data[off + 1:])
            p = off + 2 + m.start() if m else len(data)
            continue
        # Stray bytes (FORMAT.md) up to the next Message: line, glued or
        # not: they are an unreadable part, checked as one.
        if not data.startswith(b'Message:', p):
            q = data.find(b'Message:', p)
            p = q if q >= 0 else len(data)
    return msgs


def read_message(data, p, msgs):
    off = p
    _, p = line_at(data, p)
    _, p = line_at(data, p)           # the message slot
    headers = []
    while True:
        ln, q = line_at(data, p)
        if ln.startswith(b'Message:') or q == p:
            raise ValueError('no Contents: line')
        p = q
        if ln.startswith(b'Contents:'):
            break
        headers.append(ln)
    _, p = line_at(data, p)           # the contents slot
    items = []
    while True:
        q = skip_blank(data, p)
        ln, nxt = line_at(data, q)
        im = ITEM.match(ln)
        if not im or data.startswith(b'Message:', q):
            break
        slot, dstart = line_at(data, nxt)
        n = int(slot.strip(b' \0'))
        if dstart + n > len(data):
            raise ValueError('cut short')
        items.append((im.group(1), im.group(2).strip(b' '),
                      data[dstart:dstart + n]))
        p = dstart + n
    msgs.append((off, headers, items))
    return skip_blank(data, p)


# ---- dates, as CONVERT.md says, written again here ------------------------

DATE = re.compile(r'(\d{1,4})[/.-](\d{1,4})[/.-](\d{1,4}) +(\d{1,2}):(\d\d)'
                  r'(?::(\d\d))? *([AaPp][Mm])?\Z')


def export_date(text, order, zone):
    """(naive local datetime, aware datetime or None) or None when there is
    no such date."""
    m = DATE.match(text.strip(' '))
    if not m:
        return None
    a, b, c = m.group(1), m.group(2), m.group(3)
    y, mo, d = {'mdy': (c, a, b), 'dmy': (c, b, a), 'ymd': (a, b, c)}[order]
    if len(mo) > 2 or len(d) > 2 or len(y) == 3:
        return None
    year = int(y)
    if len(y) <= 2:
        year += 1900 if year >= 70 else 2000
    hour = int(m.group(4))
    if m.group(7):
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m.group(7).lower() == 'pm' else 0)
    try:
        local = datetime.datetime(year, int(mo), int(d), hour,
                                  int(m.group(5)), int(m.group(6) or 0))
    except ValueError:
        return None
    if not zone:
        return local, None
    aware = local.replace(tzinfo=zoneinfo.ZoneInfo(zone), fold=0)
    back = aware.astimezone(datetime.timezone.utc).astimezone(aware.tzinfo)
    if back.replace(tzinfo=None) != local:
        return 'gap'
    return local, aware


# ---- names, as CONVERT.md and QUIRKS say ----------------------------------

def export_text(raw, code):
    return raw.decode(code) if code else raw.decode('utf-8')


def display_name(value, code):
    """The display name the export's NAME at PO gives: the last " at "
    ends the name; a tab reads as a space, another control character as
    its Unicode control picture (QUIRKS)."""
    text = export_text(value, code).strip(' \t')
    m = re.match(r'(?is)(.*) at ', text)
    name = (m.group(1) if m else text).strip(' \t')
    return ''.join(' ' if c == '\t' else '\u2421' if c == '\x7f'
                   else chr(0x2400 + ord(c)) if c < ' ' else c for c in name)


def export_names(headers, code):
    """{field: [display names]}: From's first line, every To and Cc line."""
    names = {}
    for h in headers:
        name, sep, value = h.partition(b':')
        field = name.decode('ascii', 'replace').lower()
        if not sep or field not in ('from', 'to', 'cc') or len(value) > 1024:
            continue
        if field == 'from' and field in names:
            continue
        names.setdefault(field, []).append(display_name(value, code))
    return names


def check_names(where, msg, exp, code):
    for field, want in export_names(exp[1], code).items():
        got = [a.display_name for a in msg[field].addresses] \
            if msg[field] is not None else []
        if got != want:
            fail('%s: %s names %r, want %r' % (where, field, got, want))
    for i, (part, (word, title, _)) in enumerate(
            zip(leaves(msg), exp[2]), 1):
        want = export_text(title, code).strip(' ')
        if word != b'Text' and part.get_filename() != want:
            fail('%s item %d: file name %r, want %r' %
                 (where, i, part.get_filename(), want))


def envelope_name(raw):
    """A name of Dovecot's ENVELOPE, RFC 2047 decoded as RFC 2047 says
    (white space between encoded words dropped)."""
    if raw is None:
        return ''
    return str(email.header.make_header(email.header.decode_header(
        raw.decode('ascii'))))


# ---- the mbox --------------------------------------------------------------

def read_mbox(data):
    """The messages of an mboxrd file, quoting undone, and the From lines."""
    msgs, cur, froms = [], None, []
    lines = data.split(b'\n')
    if lines and lines[-1] == b'':
        lines.pop()
    prev_blank = True
    for ln in lines:
        if prev_blank and ln.startswith(b'From '):
            if cur is not None:
                msgs.append(cur)
            cur = []
            froms.append(ln)
            prev_blank = False
            continue
        if cur is None:
            fail('mbox does not start with a From line')
            return [], []
        cur.append(ln)
        prev_blank = ln == b''
    if cur is not None:
        msgs.append(cur)
    out = []
    for m in msgs:
        if not m or m[-1] != b'':
            fail('a message does not end with an empty line')
            continue
        body = b'\n'.join(m[:-1]) + b'\n'
        out.append(re.sub(rb'(?m)^>(>*From )', rb'\1', body))
    return out, froms


def all_defects(msg):
    found = []
    for part in msg.walk():
        found += [repr(d) for d in part.defects]
        for k, v in part.items():
            found += ['%s: %r' % (k, d) for d in getattr(v, 'defects', ())]
    return found


def leaves(msg):
    return [p for p in msg.walk() if not p.is_multipart()]


def check_text(where, part, item_data, code, single):
    want = item_data.replace(b'\r\n', b'\n')
    cs = part.get_content_charset()
    if cs == 'utf-8' and code:
        got = part.get_content()
        want = want.decode(code)
        nl = '\n'
    else:
        got = part.get_payload(decode=True)
        nl = b'\n'
        if cs == 'us-ascii' and any(b > 127 for b in want):
            fail(where + ': 8-bit text labelled us-ascii')
    # An mbox message ends with a line end: a single text body without
    # one gains it (QUIRKS).
    if single and got == want + nl and not want.endswith(nl):
        got = want
    if got != want:
        fail('%s: text differs: %r... want %r...' % (where, got[:60], want[:60]))


def check_message(k, msg, exp, args):
    off, headers, items = exp
    where = 'message %d (export offset %d)' % (k, off)
    d = all_defects(msg)
    if d:
        fail('%s: defects %s' % (where, d))
    values = {}
    for h in headers:
        name, sep, value = h.partition(b':')
        # ccfix reads address lines of up to 1024 bytes (QUIRKS).
        if sep and (name.lower() not in (b'from', b'to') or len(value) <= 1024):
            values.setdefault(name.decode('ascii', 'replace').lower(),
                              value.strip(b' '))
    if 'subject' in values and msg['subject'] is None:
        fail(where + ': no Subject')
    elif 'subject' in values:
        raw = values['subject']
        want = raw.decode(args.code) if args.code else \
            raw.decode('ascii') if raw.isascii() else None
        if want is not None and str(msg['subject']) != want:
            fail('%s: Subject %r, want %r' % (where, str(msg['subject']), want))
    date = values.get('date')
    parsed = export_date(date.decode('latin-1'), args.order, args.zone) \
        if date is not None else None
    if parsed is None or parsed == 'gap':
        if msg['date'] is not None:
            fail('%s: Date %s for %r' % (where, msg['date'], date))
    else:
        local, aware = parsed
        got = msg['date'].datetime if msg['date'] is not None else None
        if got is None or got.replace(tzinfo=None) != local:
            fail('%s: Date %s, want %s' % (where, msg['date'], local))
        elif aware and got.utcoffset() != aware.utcoffset():
            fail('%s: Date %s, want offset %s' % (where, msg['date'],
                                                  aware.utcoffset()))
        elif not aware and not str(msg['date']).endswith('-0000'):
            fail('%s: Date %s, want -0000' % (where, msg['date']))
    for name in ('from', 'to'):
        if name in values and msg[name] is None:
            fail('%s: no %s' % (where, name))
    if args.names:
        check_names(where, msg, exp, args.code)
    parts = leaves(msg)
    if not items:
        if len(parts) != 1 or parts[0].get_payload(decode=True) != b'':
            fail(where + ': not one empty body')
        return
    if len(parts) != len(items):
        fail('%s: %d parts, %d items' % (where, len(parts), len(items)))
        return
    single = len(items) == 1 and not msg.is_multipart()
    for i, (part, (word, title, data)) in enumerate(zip(parts, items), 1):
        pw = '%s item %d' % (where, i)
        if word == b'Text':
            if part.get_content_type() != 'text/plain':
                fail(pw + ': not text/plain')
            check_text(pw, part, data, args.code, single)
        else:
            if part.get_content_disposition() != 'attachment':
                fail(pw + ': not an attachment')
            if part.get_payload(decode=True) != data:
                fail(pw + ': attachment bytes differ')
            if not part.get_filename():
                fail(pw + ': no file name')


def check_unreadable(msg, original, account):
    subject = str(msg['subject'])
    m = re.match(r'\[ccfix\] unreadable part of (.*) at offset (\d+)\Z',
                 subject)
    if not m or m.group(1) != account:
        fail('unreadable part: subject %r' % subject)
        return
    off = int(m.group(2))
    parts = leaves(msg)
    if len(parts) != 2 or parts[1].get_content_type() != \
            'application/octet-stream':
        fail('unreadable part at %d: not a text and the bytes' % off)
        return
    raw = parts[1].get_payload(decode=True)
    if not raw or original[off:off + len(raw)] != raw:
        fail('unreadable part at %d: bytes differ from the input' % off)


# ---- Dovecot ---------------------------------------------------------------

def imap_tokens(data):
    """IMAP response data as nested lists of bytes (atoms, strings,
    literals), None for NIL."""
    pos = 0

    def parse_list():
        nonlocal pos
        out = []
        while pos < len(data):
            c = data[pos:pos + 1]
            if c in (b' ', b'\r', b'\n'):
                pos += 1
            elif c == b'(':
                pos += 1
                out.append(parse_list())
            elif c == b')':
                pos += 1
                return out
            elif c == b'"':
                e = pos + 1
                s = bytearray()
                while data[e:e + 1] != b'"':
                    if data[e:e + 1] == b'\\':
                        e += 1
                    s += data[e:e + 1]
                    e += 1
                out.append(bytes(s))
                pos = e + 1
            elif c in (b'{', b'~') and re.match(rb'~?\{\d+\}\r\n', data[pos:]):
                m = re.match(rb'~?\{(\d+)\}\r\n', data[pos:])
                start = pos + m.end()
                out.append(data[start:start + int(m.group(1))])
                pos = start + int(m.group(1))
            else:
                m = re.match(rb'[^ ()\r\n]+', data[pos:])
                tok = m.group(0)
                pos += len(tok)
                out.append(None if tok == b'NIL' else tok)
        return out
    return parse_list()


def dovecot(mbox_path, commands):
    """Run Dovecot's imap on the mbox with COMMANDS; the untagged FETCH
    responses as {message number: [data items]}."""
    d = tempfile.mkdtemp(prefix='ccfix-dovecot.')
    inbox = os.path.join(d, 'inbox')
    with open(mbox_path, 'rb') as f, open(inbox, 'wb') as g:
        g.write(f.read())
    os.mkdir(os.path.join(d, 'mail'))
    cmd = ['/usr/lib/dovecot/imap', '-c', '/dev/null', '-o', 'ssl=no',
           '-o', 'mail_location=mbox:%s/mail:INBOX=%s' % (d, inbox)]
    env = {'HOME': d, 'PATH': '/usr/bin:/bin'}
    if os.geteuid() == 0:
        # Dovecot refuses to run as root.
        for root, dirs, files in os.walk(d):
            for n in dirs + files + ['.']:
                os.chown(os.path.join(root, n), 65534, 65534)
        cmd = ['setpriv', '--reuid=nobody', '--regid=nogroup',
               '--clear-groups'] + cmd
        env['USER'] = 'nobody'
    else:
        env['USER'] = os.environ.get('USER', 'ccfix')
    script = b'a EXAMINE INBOX\r\n' + b''.join(
        b'c%d %s\r\n' % (i, c) for i, c in enumerate(commands)) + \
        b'z LOGOUT\r\n'
    out = subprocess.run(cmd, input=script, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, env=env).stdout
    subprocess.run(['rm', '-rf', d])
    if b'z OK' not in out:
        fail('dovecot: no clean logout: %r' % out[-300:])
    exists = re.search(rb'\* (\d+) EXISTS', out)
    fetched = {}
    for m in re.finditer(rb'^\* (\d+) FETCH ', out, re.M):
        rest = out[m.end():]
        toks = imap_tokens(rest)
        if toks and isinstance(toks[0], list):
            fetched.setdefault(int(m.group(1)), []).extend(toks[0])
    for m in re.finditer(rb'^c\d+ (NO|BAD) .*$', out, re.M):
        fail('dovecot: ' + m.group(0).decode('latin-1'))
    return int(exists.group(1)) if exists else -1, fetched


def body_parts(bs):
    """The leaf parts of a BODYSTRUCTURE, in order, with their numbers."""
    if isinstance(bs[0], list):
        out = []
        i = 0
        while isinstance(bs[i], list):
            for num, leaf in body_parts(bs[i]):
                out.append(([i + 1] + num, leaf))
            i += 1
        return out
    return [([], bs)]


def check_dovecot(mbox_path, msgs, raws, exps, code=None, names=False):
    n = len(msgs)
    count, fetched = dovecot(mbox_path, [b'FETCH 1:* (ENVELOPE BODYSTRUCTURE)'])
    if count != n:
        fail('dovecot sees %d messages, want %d' % (count, n))
        return
    wanted = []
    for k in range(1, n + 1):
        items = dict(zip(fetched.get(k, [])[::2], fetched.get(k, [])[1::2]))
        env, bs = items.get(b'ENVELOPE'), items.get(b'BODYSTRUCTURE')
        msg, exp = msgs[k - 1], exps[k - 1]
        if env is None or bs is None:
            fail('dovecot: message %d not fetched' % k)
            continue
        # ENVELOPE gives the fields as written: compare with the raw,
        # unfolded header values.
        raw = email.message_from_bytes(raws[k - 1],
                                       policy=email.policy.compat32)
        for idx, name in ((0, 'Date'), (1, 'Subject')):
            want = raw[name]
            want = None if want is None else \
                re.sub(r'\r?\n', '', want).encode('utf-8', 'surrogateescape')
            if env[idx] != want:
                fail('dovecot: message %d: %s %r, written %r' %
                     (k, name, env[idx], want))
        for idx, name in ((2, 'from'), (5, 'to')):
            addrs = env[idx] or []
            want = msg[name].addresses if msg[name] is not None else ()
            got = [(a[2] or b'').decode() + '@' + (a[3] or b'').decode()
                   for a in addrs]
            if got != [a.addr_spec for a in want]:
                fail('dovecot: message %d: %s %s, python %s' %
                     (k, name, got, [a.addr_spec for a in want]))
            # Dovecot reads a run of spaces in a quoted-string as one
            # space (QUIRKS).
            want_names = [re.sub(' +', ' ', n) for n in
                          export_names(exp[1], code).get(name, [])] \
                if names and exp else None
            got_names = [re.sub(' +', ' ', envelope_name(a[0]))
                         for a in addrs]
            if want_names is not None and got_names != want_names:
                fail('dovecot: message %d: %s names %r, want %r' %
                     (k, name, got_names, want_names))
        leaves_ = body_parts(bs)
        items_ = exp[2] if exp else None
        if items_ is not None and len(leaves_) != max(1, len(items_)):
            fail('dovecot: message %d: %d parts, %d items' %
                 (k, len(leaves_), len(items_)))
            continue
        for i, (num, leaf) in enumerate(leaves_):
            if items_ is not None and items_ and items_[i][0] != b'Text':
                wanted.append((k, '.'.join(map(str, num or [1])),
                               items_[i][2]))
            elif items_ is None and leaf[0].lower() != b'text':
                wanted.append((k, '.'.join(map(str, num or [1])), None))
    if not wanted:
        return
    cmds = [b'FETCH %d BINARY[%s]' % (k, p.encode()) for k, p, _ in wanted]
    _, fetched = dovecot(mbox_path, cmds)
    got = {}
    for k, toks in fetched.items():
        for j in range(0, len(toks) - 1, 2):
            m = re.match(rb'BINARY\[([\d.]+)\]', toks[j] or b'')
            if m:
                got[(k, m.group(1).decode())] = toks[j + 1] or b''
    for k, p, data in wanted:
        if (k, p) not in got:
            fail('dovecot: BINARY[%s] of message %d missing' % (p, k))
        elif data is not None and got[(k, p)] != data:
            fail('dovecot: BINARY[%s] of message %d differs from the item'
                 % (p, k))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--code')
    ap.add_argument('--zone')
    ap.add_argument('--order', default='mdy')
    ap.add_argument('--account')
    ap.add_argument('--dovecot', action='store_true')
    ap.add_argument('--names', action='store_true')
    ap.add_argument('export')
    ap.add_argument('original')
    ap.add_argument('mbox')
    args = ap.parse_args()
    export = open(args.export, 'rb').read()
    original = open(args.original, 'rb').read()
    raw, froms = read_mbox(open(args.mbox, 'rb').read())
    account = args.account or os.path.splitext(
        os.path.basename(args.original))[0]
    exps = read_export(export)
    msgs = [email.message_from_bytes(r, policy=email.policy.default)
            for r in raw]
    framed = []
    paired = []
    for msg in msgs:
        if str(msg['subject'] or '').startswith('[ccfix] unreadable part'):
            check_unreadable(msg, original, account)
            paired.append(None)
        else:
            framed.append(msg)
            paired.append(len(framed) - 1)
    if len(framed) != len(exps):
        fail('%d messages converted, %d in the export' %
             (len(framed), len(exps)))
    for k, (msg, exp) in enumerate(zip(framed, exps), 1):
        check_message(k, msg, exp, args)
    for line, msg in zip(froms, msgs):
        if not re.match(rb'From \S+ \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\Z',
                        line):
            fail('From line %r' % line)
    if args.dovecot and len(framed) == len(exps):
        check_dovecot(args.mbox, msgs, raw,
                      [exps[i] if i is not None else None for i in paired],
                      args.code, args.names)
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
