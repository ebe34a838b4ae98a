#!/usr/bin/env python3
"""Build an export stream for --convert=maildir and eml, and check what
ccfix made of it with software that shares no code with ccfix.

    maildir_check.py make EXPORT
        write the stream: folders (hostile ones too), MacBinary items with
        a real header and CRC, a damaged one, PCX faxes
    maildir_check.py maildir EXPORT DIR
        Python's email reads every file with no defects; Dovecot's IMAP
        server lists every folder under its name with the export's
        number of messages, and BINARY[part] of each attachment is its
        data (a MacBinary item's data fork, its resource fork after the
        AppleDouble header); mblaze's mshow -t sees every part
    maildir_check.py eml EXPORT DIR
        every file is inside DIR/ACCOUNT, has CR LF line ends only, and
        Python's email reads it with no defects; one file per message
    maildir_check.py mbox EXPORT MBOX
        the same attachments in an mbox: they are not the container's

Counts in the stream follow the rule --count-from=slot --count-to=data.
Prints one line per failure and exits 1 if there was any.
"""
import base64
import email
import email.policy
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import convert_check  # noqa: E402  (the export reader and IMAP tokens)

failures = []


def fail(what):
    failures.append(what)
    print('FAIL: ' + what)


# ---- MacBinary, from the MacBinary II and III notes ------------------------

def crc16_xmodem(data):
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021 if crc & 0x8000 else crc << 1) & 0xFFFF
    return crc


def pad128(b):
    return b + b'\0' * (-len(b) % 128)


MAC_EPOCH = 2082844800          # 1904-01-01 to 1970-01-01, in seconds


def macbinary(name, data, rsrc, modified):
    h = bytearray(128)
    h[1] = len(name)
    h[2:2 + len(name)] = name
    h[65:69] = b'TEXT'
    h[69:73] = b'ttxt'
    h[83:87] = len(data).to_bytes(4, 'big')
    h[87:91] = len(rsrc).to_bytes(4, 'big')
    h[91:95] = (modified + MAC_EPOCH).to_bytes(4, 'big')
    h[95:99] = (modified + MAC_EPOCH).to_bytes(4, 'big')
    h[102:106] = b'mBIN'
    h[122] = 130
    h[123] = 129
    h[124:126] = crc16_xmodem(bytes(h[:124])).to_bytes(2, 'big')
    return bytes(h) + pad128(data) + pad128(rsrc)


DATA_FORK = bytes(range(256)) * 3 + b'end of the data fork'
RSRC_FORK = b'RSRC' + bytes(range(255, -1, -1)) + b'end of the resource fork'
MODIFIED = 896776740            # 1998-06-02 08:39:00, the Mac's wall clock
PCX = b'\x0a\x05\x01\x01' + bytes(124) + b'\xc1\x00' * 40


def flip_bit(item):
    b = bytearray(item)
    b[10] ^= 0x04
    return bytes(b)


# ---- the stream ------------------------------------------------------------

# Also: a folder under the inbox, a name that modified UTF-7 makes longer
# than notmuch can index, one named like a message file in its account's
# directory (message 5 has no folder).
HOSTILE = [b'..\\..\\etc', b'a/b\\c', b'x\x01\x1fy', b'L' * 300,
           b'\x83\x65\x83\x58\x83\x67', b'/', b'.\\..', b'Inbox\\Old',
           '\u65e5'.encode() * 90, b'000005.eml']


def messages():
    """(Folder value or None, [(word, title, data)])."""
    mac = macbinary(b'Report', DATA_FORK, RSRC_FORK, MODIFIED)
    out = [
        (b'Filed Mail\\FYI', [(b'Text', b'', b'See the Mac file.\n'),
                               (b'File', b'REPORT.BIN 6/2/98 8:39AM', mac)]),
        (b'Projects', [(b'Text', b'', b'Data fork only.\n'),
                       (b'File', b'R.BIN',
                        macbinary(b'R\x8esum\x8e', DATA_FORK, b'', 0))]),
        (b'Inbox', [(b'Text', b'', b'A header with one bit flipped.\n'),
                    (b'File', b'BROKEN.BIN', flip_bit(mac))]),
        (b'Faxes', [(b'Text', b'', b'Two faxes.\n'),
                    (b'Fax', b'', PCX), (b'Fax', b'Invoice', PCX)]),
        (None, [(b'Text', b'', b'No folder at all.\n')]),
        (b'Filed Mail\\FYI', [(b'Text', b'', b'Second in its folder.\n')]),
    ]
    for f in HOSTILE:
        out.append((f, [(b'Text', b'', b'Hostile folder.\n'),
                        (b'File', b'x.dat', b'\0\1\2 data')]))
    return out


def slot(n):
    return b'%6d\n' % n


def make(path):
    s = b''
    for k, (folder, items) in enumerate(messages(), 1):
        body = b''
        for word, title, data in items:
            body += word + b' item: ' + title + b'\n' + slot(len(data)) + data
        head = b'From: Grewal, Jeff at Hub\nDate: 6/%d/98 8:39\n' % k
        head += b'To: Admin at HUBPO2\nSubject: Message %d\n' % k
        if folder is not None:
            head += b'Folder: ' + folder + b'\n'
        rest = head + b'Contents:\n' + slot(len(body)) + body
        s += b'Message:\n' + slot(len(rest)) + rest + b'\n\n'
    with open(path, 'wb') as f:
        f.write(s)


# ---- what each message should hold -----------------------------------------

def expected_parts(items):
    """The non-text leaves a message should have, as (mime type, bytes):
    the MacBinary items of messages() by their titles, a damaged one (and
    everything else) as it stands."""
    out = []
    for word, title, data in items:
        if word == b'Text':
            continue
        if title.startswith(b'REPORT.BIN'):
            out.append(('application/applefile', RSRC_FORK))
            out.append(('application/octet-stream', DATA_FORK))
        elif title == b'R.BIN':
            out.append(('application/octet-stream', DATA_FORK))
        elif word == b'Fax':
            out.append(('image/x-pcx', data))
        else:
            out.append(('application/octet-stream', data))
    return out


def parse_file(path):
    with open(path, 'rb') as f:
        raw = f.read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    defects = convert_check.all_defects(msg)
    if defects:
        fail('%s: defects %s' % (path, defects[:3]))
    return raw, msg


def source_number(msg):
    m = re.search(r'message (\d+)', str(msg['X-ccMail-Source'] or ''))
    return int(m.group(1)) if m else None


def check_message(where, msg, items):
    want = expected_parts(items)
    got = [p for p in convert_check.leaves(msg)
           if p.get_content_maintype() != 'text']
    if len(got) != len(want):
        fail('%s: %d attachments, want %d' % (where, len(got), len(want)))
        return
    for p, (ctype, data) in zip(got, want):
        payload = p.get_payload(decode=True)
        if p.get_content_type() != ctype and ctype != 'application/octet-stream':
            fail('%s: %s, want %s' % (where, p.get_content_type(), ctype))
        if ctype == 'application/applefile':
            if not payload.endswith(data) or payload[:4] != b'\0\x05\x16\x07':
                fail('%s: AppleDouble part does not hold the resource fork'
                     % where)
        elif payload != data:
            fail('%s: %s part differs from the item' % (where, ctype))
    if any(p.get_content_type() == 'multipart/appledouble'
           for p in msg.walk()) != any(c == 'application/applefile'
                                       for c, _ in want):
        fail('%s: multipart/appledouble where it should not be, or missing'
             % where)


# ---- Maildir ---------------------------------------------------------------

def mutf7(s):
    """IMAP modified UTF-7 (RFC 3501, 5.1.3)."""
    out, run = '', ''

    def flush():
        if not run:
            return ''
        b = base64.b64encode(run.encode('utf-16-be')).decode().rstrip('=')
        return '&' + b.replace('/', ',') + '-'
    for c in s:
        if 0x20 <= ord(c) < 0x7f:
            out += flush()
            run = ''
            out += '&-' if c == '&' else c
        else:
            run += c
    return out + flush()


# The longest Maildir++ folder name that notmuch indexes (src/folder.h).
MAILDIR_MAX = 224


def folder_name(raw):
    """The IMAP name Dovecot should list for a Folder: value, or 'INBOX';
    None where the length cut makes it ccfix's own."""
    parts = [p for p in (raw or b'').split(b'\\') if p]
    if not parts or (len(parts) == 1 and parts[0].lower() == b'inbox'):
        return 'INBOX'
    names = []
    for p in parts:
        try:
            t = p.decode('utf-8')
        except UnicodeDecodeError:
            t = p.decode('latin-1')
        t = t.replace('.', '_').replace('/', '_')
        names.append(mutf7(t))
    if names[0].lower() == 'inbox':
        names[0] = 'INBOX'
    name = '.'.join(names)
    return None if len(name) + 1 > MAILDIR_MAX else name


def imap(root, script):
    d = tempfile.mkdtemp(prefix='ccfix-maildir.')
    mail = os.path.join(d, 'mail')
    shutil.copytree(root, mail, symlinks=True)
    cmd = ['/usr/lib/dovecot/imap', '-c', '/dev/null', '-o', 'ssl=no',
           '-o', 'mail_location=maildir:%s' % mail]
    env = {'HOME': d, 'PATH': '/usr/bin:/bin'}
    if os.geteuid() == 0:
        for r, dirs, files in os.walk(d):
            for n in dirs + files + ['.']:
                os.lchown(os.path.join(r, n), 65534, 65534)
        cmd = ['setpriv', '--reuid=nobody', '--regid=nogroup',
               '--clear-groups'] + cmd
        env['USER'] = 'nobody'
    else:
        env['USER'] = os.environ.get('USER', 'ccfix')
    out = subprocess.run(cmd, input=script + b'z LOGOUT\r\n',
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         env=env).stdout
    shutil.rmtree(d)
    if b'z OK' not in out:
        fail('dovecot: no clean logout: %r' % out[-300:])
    for m in re.finditer(rb'^\w+ (NO|BAD) .*$', out, re.M):
        fail('dovecot: ' + m.group(0).decode('latin-1'))
    return out


def quote(name):
    return b'"' + name.encode().replace(b'\\', b'\\\\').replace(b'"', b'\\"') \
        + b'"'


def check_maildir(export, root):
    msgs = convert_check.read_export(open(export, 'rb').read())
    by_number = {}
    for k, (off, headers, items) in enumerate(msgs, 1):
        folder = next((h[8:] for h in headers if h.startswith(b'Folder: ')),
                      None)
        by_number[k] = (folder, items)
    files = {}
    for dirpath, dirs, names in os.walk(root):
        for n in names:
            p = os.path.join(dirpath, n)
            if os.path.basename(dirpath) == 'cur':
                files[p] = n
            elif n != 'maildirfolder':
                fail('%s: a file outside cur/' % p)
    seen = {}
    for p in files:
        if not re.fullmatch(r'\d+\.[0-9a-f]{16}\.ccfix:2,', files[p]):
            fail('%s: not ORDINAL.HASH.ccfix:2,' % p)
        raw, msg = parse_file(p)
        k = source_number(msg)
        if k not in by_number:
            fail('%s: no message %s in the export' % (p, k))
            continue
        seen[k] = os.path.relpath(os.path.dirname(os.path.dirname(p)), root)
        check_message(p, msg, by_number[k][1])
        if not msg['Message-ID'].startswith('<' + files[p].split('.')[1]):
            fail('%s: HASH is not the Message-ID\'s' % p)
    if sorted(seen) != sorted(by_number):
        fail('messages in the tree %s, in the export %s'
             % (sorted(seen), sorted(by_number)))
    # Each export folder is one Maildir folder.
    folders = {}
    for k, (folder, _) in by_number.items():
        folders.setdefault(folder_key(folder), set()).add(seen.get(k))
    for f, dirs in folders.items():
        if len(dirs) != 1:
            fail('folder %r went to %s' % (f, sorted(map(str, dirs))))
    check_dovecot(root, by_number)
    check_mblaze(root, by_number, len(files))


def folder_key(raw):
    name = folder_name(raw)
    return name if name is not None else raw


def check_dovecot(root, by_number):
    if not os.path.exists('/usr/lib/dovecot/imap'):
        return
    out = imap(root, b'a LIST "" "*"\r\n')
    listed = {}
    for m in re.finditer(rb'^\* LIST \(([^)]*)\) "\." (.*)\r$', out, re.M):
        name = convert_check.imap_tokens(m.group(2))[0].decode()
        listed[name] = m.group(1)
    want = {}
    for k, (folder, items) in by_number.items():
        want.setdefault(folder_key(folder), []).append(k)
    selectable = [n for n, flags in listed.items()
                  if b'Noselect' not in flags and b'NonExistent' not in flags]
    for name in want:
        if isinstance(name, str) and name not in listed:
            fail('dovecot does not list %r (lists %s)'
                 % (name, sorted(listed)))
    if len(selectable) != len(want):
        fail('dovecot lists %d folders, the export has %d: %s'
             % (len(selectable), len(want), sorted(selectable)))
    for name in selectable:
        script = b'a SELECT ' + quote(name) + b'\r\n' \
            b'b FETCH 1:* (BODY.PEEK[HEADER.FIELDS (X-CCMAIL-SOURCE)] ' \
            b'BODYSTRUCTURE)\r\n'
        out = imap(root, script)
        exists = re.search(rb'\* (\d+) EXISTS', out)
        numbers = [int(n) for n in re.findall(rb'message (\d+)', out)]
        wanted = want.get(name) or next(
            (v for n, v in want.items() if isinstance(n, bytes) and
             sorted(v) == sorted(numbers)), None)
        if not exists or wanted is None or int(exists.group(1)) != len(wanted):
            fail('dovecot: %r holds %s, want %s'
                 % (name, exists and exists.group(1), wanted))
            continue
        check_binary(root, name, out, numbers, by_number)


def check_binary(root, name, out, numbers, by_number):
    """BINARY[part] of every attachment leaf equals the data."""
    cmds = b'a SELECT ' + quote(name) + b'\r\n'
    wanted = []
    for seq, m in enumerate(re.finditer(rb'^\* (\d+) FETCH ', out, re.M), 1):
        toks = convert_check.imap_tokens(out[m.end():])[0]
        items = dict(zip(toks[::2], toks[1::2]))
        bs = items.get(b'BODYSTRUCTURE')
        k = numbers[seq - 1]
        leaves = [(num, leaf) for num, leaf in convert_check.body_parts(bs)
                  if leaf[0].lower() != b'text']
        want = expected_parts(by_number[k][1])
        if len(leaves) != len(want):
            fail('dovecot: message %d: %d attachments, want %d'
                 % (k, len(leaves), len(want)))
            continue
        for (num, leaf), (ctype, data) in zip(leaves, want):
            part = '.'.join(map(str, num or [1]))
            cmds += b'b%d FETCH %d BINARY.PEEK[%s]\r\n' % (
                len(wanted), seq, part.encode())
            wanted.append((k, part, ctype, data))
    got = imap(root, cmds)
    values = []
    for m in re.finditer(rb'^\* \d+ FETCH ', got, re.M):
        toks = convert_check.imap_tokens(got[m.end():])[0]
        if toks and (toks[0] or b'').startswith(b'BINARY['):
            values.append(toks[1] or b'')
    if len(values) != len(wanted):
        fail('dovecot: %d BINARY answers, want %d' % (len(values), len(wanted)))
        return
    for (k, part, ctype, data), v in zip(wanted, values):
        ok = v.endswith(data) if ctype == 'application/applefile' else v == data
        if not ok:
            fail('dovecot: message %d BINARY[%s] differs from the item'
                 % (k, part))


def check_mblaze(root, by_number, nfiles):
    if not shutil.which('mshow'):
        return
    dirs = subprocess.run(['mdirs', root], stdout=subprocess.PIPE,
                          check=True).stdout.split(b'\n')
    paths = subprocess.run(['mlist'] + [d for d in dirs if d],
                           stdout=subprocess.PIPE).stdout.split(b'\n')
    paths = [p for p in paths if p]
    if len(paths) != nfiles:
        fail('mblaze lists %d messages, the tree has %d' % (len(paths), nfiles))
    for p in paths:
        tree = subprocess.run(['mshow', '-t', p], stdout=subprocess.PIPE,
                              check=True).stdout.decode('utf-8', 'replace')
        m = re.search(r'message (\d+)', open(p, 'rb').read().decode(
            'latin-1'))
        items = by_number[int(m.group(1))][1]
        want = expected_parts(items)
        leaves = [ln for ln in tree.split('\n')[1:]
                  if re.match(r'\s+\d+: (?!multipart/)', ln)]
        text = sum(1 for w, _, _ in items if w == b'Text')
        if len(leaves) != max(1, text + len(want)):
            fail('mblaze: %s: %d parts, want %d:\n%s'
                 % (p.decode(), len(leaves), text + len(want), tree))


# ---- eml -------------------------------------------------------------------

def check_eml(export, root):
    msgs = convert_check.read_export(open(export, 'rb').read())
    n = 0
    real = os.path.realpath(root)
    for dirpath, dirs, names in os.walk(root):
        for name in names:
            p = os.path.join(dirpath, name)
            n += 1
            if not os.path.realpath(p).startswith(real + os.sep):
                fail('%s is outside %s' % (p, root))
            if not re.fullmatch(r'\d{6}(-unreadable)?\.eml', name):
                fail('%s: not NNNNNN.eml' % p)
            raw, msg = parse_file(p)
            if re.search(rb'(?<!\r)\n|\r(?!\n)', raw):
                fail('%s: a line end that is not CR LF' % p)
            k = source_number(msg)
            if k is None or k > len(msgs):
                fail('%s: no message %s in the export' % (p, k))
                continue
            check_message(p, msg, msgs[k - 1][2])
    if n != len(msgs):
        fail('%d .eml files, %d messages' % (n, len(msgs)))


def check_mbox(export, path):
    msgs = convert_check.read_export(open(export, 'rb').read())
    raws, _ = convert_check.read_mbox(open(path, 'rb').read())
    if len(raws) != len(msgs):
        fail('%d messages in the mbox, %d in the export'
             % (len(raws), len(msgs)))
    for k, (raw, exp) in enumerate(zip(raws, msgs), 1):
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        defects = convert_check.all_defects(msg)
        if defects:
            fail('mbox message %d: defects %s' % (k, defects[:3]))
        check_message('mbox message %d' % k, msg, exp[2])


def main():
    if sys.argv[1] == 'make':
        make(sys.argv[2])
    elif sys.argv[1] == 'maildir':
        check_maildir(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == 'mbox':
        check_mbox(sys.argv[2], sys.argv[3])
    else:
        check_eml(sys.argv[2], sys.argv[3])
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
