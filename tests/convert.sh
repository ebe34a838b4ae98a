#!/bin/sh
# --convert=mbox, read back by mail software that shares no code with
# ccfix: Python's email package and Dovecot's IMAP server, through
# tests/convert_check.py, on the samples, golden pairs' inputs and the
# generator's streams; then what a user meets: refusals, -o, write errors,
# the same bytes every run.
. "${srcdir:-.}/tests/testlib.sh"
srcdir=${srcdir:-.}
# As many generated streams as GEN_COUNT asks (fewer under valgrind), at
# most 40: each goes through Python and Dovecot.
count=${CONVERT_COUNT:-${GEN_COUNT:-40}}
[ "$count" -gt 40 ] && count=40
check_py=$srcdir/tests/convert_check.py
checkopts=

if ! command -v python3 > /dev/null 2>&1; then
  bad "python3 is not installed (a test dependency: see README)"
  summary convert
  exit
fi
dovecot=--dovecot
if [ ! -x /usr/lib/dovecot/imap ]; then
  bad "dovecot-imapd is not installed (a test dependency: see README)"
  dovecot=
fi

# convert NAME EXPORT INPUT [OPTION]...: convert INPUT; EXPORT holds its
# messages with every count right, for the checker.
convert () {
  name=$1 export=$2 input=$3; shift 3
  code=; zone=
  for o in "$@"; do
    case $o in
      -fCP*) code=cp${o#-fCP} ;;
      --timezone=*) zone=${o#--timezone=} ;;
    esac
  done
  "$CCFIX" --convert=mbox --account=acct "$@" "$input" > "$tmp/mbox" 2> "$tmp/err"
  st=$?
  if [ "$st" -gt 1 ]; then bad "$name: status $st: $(head -c 300 "$tmp/err")"; return; fi
  # A regular file's Message-IDs are hashed ahead on a second thread, a
  # pipe's as each message is written: the same bytes either way.
  "$CCFIX" --convert=mbox --account=acct "$@" < "$input" > "$tmp/file" 2> /dev/null
  cat "$input" | "$CCFIX" --convert=mbox --account=acct "$@" > "$tmp/piped" 2> /dev/null
  cmp -s "$tmp/file" "$tmp/piped" && ok \
    || bad "$name: a pipe gives other bytes: $(cmp "$tmp/file" "$tmp/piped")"
  if python3 "$check_py" $dovecot $checkopts --account=acct \
       ${code:+--code=$code} ${zone:+--zone=$zone} "$export" "$input" \
       "$tmp/mbox" > "$tmp/check"; then
    ok
  else
    bad "$name: $(head -n 5 "$tmp/check")"
  fi
}

convert healthy "$srcdir/data/healthy.txt" "$srcdir/data/healthy.txt"
convert healthy-cp850 "$srcdir/data/healthy.txt" "$srcdir/data/healthy.txt" \
  -fCP850 --timezone=America/New_York
convert binary "$srcdir/data/binary.txt" "$srcdir/data/binary.txt"
convert q287056 "$srcdir/data/q287056.fixed" "$srcdir/data/q287056.txt"
for p in preamble no-contents truncated two-blank-items zero-length-text \
         no-items mixed-eol stray-item-line final-sub blank-item-best-cut \
         all-blank-scan no-blank-between-blocks nul-blank; do
  convert "$p" "$srcdir/tests/pairs/$p.out" "$srcdir/tests/pairs/$p.in"
done

# Display names and file names with specials, tabs, control characters,
# "=?", runs of spaces, CP932 text, short and long: each one read back by
# Python and Dovecot as the export has it (QUIRKS).
checkopts=--names
convert names "$srcdir/tests/convert-pairs/names.in" \
  "$srcdir/tests/convert-pairs/names.in" -fCP932
checkopts=

seed=1
while [ "$seed" -le "$count" ]; do
  d=$tmp/gen && rm -rf "$d" && mkdir "$d" || exit 1
  "$GEN" "$seed" "$d" || { bad "seed $seed: gen failed"; seed=$((seed + 1)); continue; }
  # shellcheck disable=SC2046
  if [ $((seed % 2)) -eq 1 ]; then
    convert "seed $seed" "$d/expected" "$d/in" $(cat "$d/args") -fCP850 \
      --timezone=America/New_York
  else
    convert "seed $seed" "$d/expected" "$d/in" $(cat "$d/args")
  fi
  seed=$((seed + 1))
done

# Golden pairs: NAME.in converted (from standard input, account "pairs",
# options in NAME.args) gives NAME.mbox byte for byte, exit status
# NAME.status (default 0).  The expected files were written out by hand
# from CONVERT.md, with only hashes and base64 computed elsewhere.
for in in "$srcdir"/tests/convert-pairs/*.in; do
  base=${in%.in} name=$(basename "$base")
  args=; [ -f "$base.args" ] && args=$(cat "$base.args")
  want=0; [ -f "$base.status" ] && want=$(cat "$base.status")
  # shellcheck disable=SC2086
  "$CCFIX" --convert=mbox --account=pairs $args < "$in" > "$tmp/pair" 2> "$tmp/err"
  got=$?
  if [ "$got" -ne "$want" ]; then bad "pair $name: status $got, want $want"
  elif ! cmp -s "$tmp/pair" "$base.mbox"; then
    bad "pair $name: output differs: $(diff "$base.mbox" "$tmp/pair" | head -n 6)"
  else ok; fi
done

# Files joined with copy /b leave a 0x1A between each pair: two stray
# parts of the same bytes, which are still two messages with two
# Message-IDs (mail software merges messages that share one).
msg () {
  printf 'Message:\n   78\nFrom: a\nSubject: m%s\nDate: 6/%s/98 8:39\n' "$1" "$1"
  printf 'Contents:\n   24\nText item:\n    7\nbody %s\n' "$1"
}
{ msg 1; printf '\032'; msg 2; printf '\032'; msg 3; printf '\032'; } > "$tmp/copyb.txt"
expect 0 "copy /b" "$CCFIX" --convert=mbox "$tmp/copyb.txt"
if python3 - "$tmp/out" <<'PY'
import mailbox, sys
ids = [m['Message-ID'] for m in mailbox.mbox(sys.argv[1])]
assert len(ids) == 5, ids
assert len(set(ids)) == 5, ids
PY
then ok; else bad "copy /b: stray parts of the same bytes share a Message-ID"; fi

# A file item's date in the hour the clocks skipped: no
# modification-date, but the name is the same as without --timezone.
{ printf 'Message:\n   78\nFrom: a\nDate: 6/2/98 8:39\nContents:\n   49\n'
  printf 'File item: NOTE.TXT 4/5/98 2:30AM\n    3\nabc'; } > "$tmp/gap.txt"
for zone in "" --timezone=America/New_York; do
  # shellcheck disable=SC2086
  expect 0 "file date in a gap $zone" "$CCFIX" --convert=mbox $zone "$tmp/gap.txt"
  grep -q 'filename="NOTE.TXT"' "$tmp/out" && ok || bad "file date in a gap $zone: name"
done
grep -q 'modification-date' "$tmp/out" && bad "file date in a gap: dated" || ok

# An empty mailbox (a final 0x1A alone) is no unreadable part: no mail.
printf '\032' > "$tmp/empty.txt"
expect 0 "empty mailbox" "$CCFIX" --convert=mbox "$tmp/empty.txt"
[ -s "$tmp/out" ] || [ -s "$tmp/err" ] && bad "empty mailbox: $(cat "$tmp/err")" || ok

# The same bytes every run, whatever the time or the process.
"$CCFIX" --convert=mbox "$srcdir/data/binary.txt" > "$tmp/one" 2>/dev/null
sleep 1
"$CCFIX" --convert=mbox "$srcdir/data/binary.txt" > "$tmp/two" 2>/dev/null
cmp -s "$tmp/one" "$tmp/two" && ok || bad "two runs differ"

# -o: the same bytes, written atomically; a failed run leaves the old file.
expect 0 "-o FILE" "$CCFIX" --convert=mbox -o "$tmp/o.mbox" "$srcdir/data/binary.txt"
cmp -s "$tmp/o.mbox" "$tmp/one" && ok || bad "-o differs from standard output"
expect 2 "-o with a missing input" "$CCFIX" --convert=mbox -o "$tmp/o.mbox" "$tmp/missing"
cmp -s "$tmp/o.mbox" "$tmp/one" && ok || bad "-o replaced the file after an error"
if [ -w /dev/full ]; then
  expect 2 "/dev/full" sh -c '"$1" --convert=mbox "$2" > /dev/full' sh "$CCFIX" "$srcdir/data/binary.txt"
  grep -q 'write error' "$tmp/err" && ok || bad "/dev/full: $(cat "$tmp/err")"
fi

# Exit 1 when a message cannot be framed, 0 for a preamble alone.
expect 1 "unframeable" "$CCFIX" --convert=mbox "$srcdir/tests/pairs/no-contents.in"
grep -q 'kept as an unreadable part' "$tmp/err" && ok || bad "unframeable finding: $(cat "$tmp/err")"
expect 0 "preamble" "$CCFIX" --convert=mbox "$srcdir/tests/pairs/preamble.in"
grep -q '^Subject: \[ccfix\] unreadable part of preamble at offset 0$' "$tmp/out" \
  && ok || bad "preamble kept"

# --report: each row's output offset is its message's From line, its
# message_id that message's, and each item's sha256 that of the bytes the
# mbox decodes to (attachments) or of the export's bytes (all items).
expect 1 "--report" "$CCFIX" --convert=mbox --report="$tmp/r.jsonl" -o "$tmp/r.mbox" \
  "$srcdir/data/binary.txt" "$srcdir/tests/pairs/no-contents.in"
if python3 - "$tmp/r.jsonl" "$tmp/r.mbox" "$srcdir/tests/pairs/no-contents.in" <<'PY'
import email, email.policy, hashlib, json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
mbox = open(sys.argv[2], 'rb').read()
unreadable = open(sys.argv[3], 'rb').read()
assert len(rows) == 5, len(rows)
assert [r['status'] for r in rows] == ['converted'] * 3 + ['unreadable', 'converted']
for r in rows:
    at = r['output']
    assert mbox[at:at + 5] == b'From ' and (at == 0 or mbox[at - 2:at] == b'\n\n'), r
    end = mbox.find(b'\n\nFrom ', at)
    raw = mbox[mbox.index(b'\n', at) + 1:end + 1 if end >= 0 else len(mbox)]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg['message-id'] == r['message_id'], (msg['message-id'], r)
    atts = [p for p in msg.walk() if p.get_content_disposition() == 'attachment']
    files = [i for i in r['items'] if i['kind'] != 'text']
    assert len(atts) == len(files), r
    for p, i in zip(atts, files):
        data = p.get_payload(decode=True)
        assert len(data) == i['bytes'] and hashlib.sha256(data).hexdigest() == i['sha256'], i
        assert p.get_filename() == i['name'], (p.get_filename(), i)
u = rows[3]['items'][0]
assert hashlib.sha256(unreadable[:u['bytes']]).hexdigest() == u['sha256']
PY
then ok; else bad "--report rows"; fi

# A conversion's row says what a repair's row says of the same message:
# its sender and subject, and the counts the export gets wrong, with how
# the message was framed.
expect 0 "--report, repair" "$CCFIX" --report="$tmp/r0.jsonl" \
  "$srcdir/data/q287056.txt"
expect 0 "--report, convert" "$CCFIX" --convert=mbox --report="$tmp/r1.jsonl" \
  "$srcdir/data/q287056.txt"
if python3 - "$tmp/r0.jsonl" "$tmp/r1.jsonl" <<'PY'
import json, sys
repair, conv = ([json.loads(l) for l in open(f)] for f in sys.argv[1:])
assert len(repair) == len(conv) == 5, (len(repair), len(conv))
assert any(r['repairs'] for r in repair)
for r, c in zip(repair, conv):
    for k in ('message', 'offset', 'line', 'from', 'subject', 'repairs'):
        assert r[k] == c[k], (k, r[k], c[k])
    assert r['from'] and r['subject'], r
PY
then ok; else bad "--report: a conversion's rows hold what a repair's hold"; fi

# Refusals.
for o in --check --lint -i -tUTF-8; do
  expect 2 "--convert $o" "$CCFIX" --convert=mbox -fCP850 "$o" "$srcdir/data/healthy.txt"
  grep -q 'does not combine' "$tmp/err" && ok || bad "--convert $o: $(cat "$tmp/err")"
done
expect 2 "--timezone without --convert" "$CCFIX" --timezone=UTC "$srcdir/data/healthy.txt"
expect 2 "unknown zone" "$CCFIX" --convert=mbox --timezone=Mars/Olympus "$srcdir/data/healthy.txt"
grep -q "unknown time zone 'Mars/Olympus'" "$tmp/err" && ok || bad "zone: $(cat "$tmp/err")"
expect 2 "bad domain" "$CCFIX" --convert=mbox --domain='a b' "$srcdir/data/healthy.txt"
printf 'name,postoffice,address\n"Grewal, Jeff,Hub,jeff@example.com\n' > "$tmp/map.csv"
expect 2 "bad address map" "$CCFIX" --convert=mbox --address-map="$tmp/map.csv" "$srcdir/data/healthy.txt"
grep -q "^ccfix: $tmp/map.csv:2: a quote that does not close$" "$tmp/err" && ok \
  || bad "map error: $(cat "$tmp/err")"
printf 'name,postoffice,address\n"Grewal, Jeff",Hub,jeff@example.com\n' > "$tmp/map.csv"
expect 0 "address map" "$CCFIX" --convert=mbox --address-map="$tmp/map.csv" "$srcdir/data/healthy.txt"
grep -q '^From: "Grewal, Jeff" <jeff@example.com>$' "$tmp/out" && ok || bad "map not used"

summary convert
