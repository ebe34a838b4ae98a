#!/bin/sh
# --convert=maildir and eml, read back by software that shares no code
# with ccfix (Python's email, Dovecot's IMAP server, mblaze, notmuch),
# through tests/maildir_check.py: folders (hostile ones too), MacBinary
# items built with a real header and CRC, PCX faxes.  Then what a user
# meets: re-runs that change nothing, also after a reader set flags, a
# conflicting file left alone, several accounts at once, the report,
# refusals.
. "${srcdir:-.}/tests/testlib.sh"
srcdir=${srcdir:-.}
check_py=$srcdir/tests/maildir_check.py
# It imports convert_check.py: no byte code beside it in the source tree.
PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE

if ! command -v python3 > /dev/null 2>&1; then
  bad "python3 is not installed (a test dependency: see README)"
  summary maildir
  exit
fi
[ -x /usr/lib/dovecot/imap ] ||
  bad "dovecot-imapd is not installed (a test dependency: see README)"
command -v mshow > /dev/null 2>&1 ||
  bad "mblaze is not installed (a test dependency: see README)"
command -v notmuch > /dev/null 2>&1 ||
  bad "notmuch is not installed (a test dependency: see README)"

rule="--count-from=slot --count-to=data"
ex=$tmp/acct.ccm
python3 "$check_py" make "$ex" || exit 1
# The stream is right by its counts, so every message is framed.
expect 0 "the test stream" "$CCFIX" --check $rule "$ex"

# state DIR: every file's inode, size, mtime and bytes, every directory,
# for "nothing changed" (a directory's own mtime moves: the temporary
# file comes and goes).
state () {
  (cd "$1" && find . -type d | LC_ALL=C sort &&
   find . ! -type d -printf '%p %i %s %T@\n' | LC_ALL=C sort &&
   find . -type f -exec sha256sum {} + | LC_ALL=C sort)
}

# Each folder in a parent of its own: nothing may appear beside it,
# however hostile the folder names.
for fmt in maildir eml; do
  mkdir "$tmp/$fmt" || exit 1
  out=$tmp/$fmt/out
  expect 0 "$fmt" "$CCFIX" --convert=$fmt $rule -o "$out" "$ex"
  if python3 "$check_py" $fmt "$ex" "$out" > "$tmp/check"; then ok
  else bad "$fmt: $(head -n 5 "$tmp/check")"; fi
  [ "$(ls -A "$tmp/$fmt")" = out ] && ok || bad "$fmt: $(ls -A "$tmp/$fmt")"
  find "$out" -name '.ccfix.*' | grep -q . && bad "$fmt: temporary files left"
  state "$out" > "$tmp/before"
  expect 0 "$fmt again" "$CCFIX" --convert=$fmt $rule -o "$out" "$ex"
  state "$out" > "$tmp/after"
  cmp -s "$tmp/before" "$tmp/after" && ok || bad "$fmt: a re-run changed the tree"
done

# notmuch indexes every file: a folder name too long for its index
# (Xapian's terms) would stop it indexing anything.  Then it marks every
# message read, renaming "...:2," to "...:2,S" as any reader does, and one
# file is moved to new/: a re-run sees each as the message it is and
# changes nothing; other bytes in a renamed file are still a conflict.
if command -v notmuch > /dev/null 2>&1; then
  nm=$tmp/nm
  cp -a "$tmp/maildir/out" "$nm" || exit 1
  printf '[database]\npath=%s\n[new]\ntags=unread\nignore=maildirfolder\n[maildir]\nsynchronize_flags=true\n' \
    "$nm" > "$tmp/nm.cfg"
  notmuch () { HOME=$tmp NOTMUCH_CONFIG=$tmp/nm.cfg command notmuch "$@"; }
  files=$(find "$nm" -path '*/cur/*' -type f | wc -l)
  notmuch new --quiet > "$tmp/nm.out" 2>&1 || bad "notmuch new: $(cat "$tmp/nm.out")"
  n=$(notmuch count --output=files '*')
  [ "$n" = "$files" ] && ok ||
    bad "notmuch indexed $n of $files files: $(head -c 300 "$tmp/nm.out")"
  notmuch tag -unread -- '*' || bad "notmuch tag"
  n=$(find "$nm" -path '*/cur/*' -name '*.ccfix:2,S' | wc -l)
  [ "$n" = "$files" ] && ok || bad "notmuch renamed $n of $files files"
  f=$(find "$nm/.Projects/cur" -type f)
  mv "$f" "$nm/.Projects/new/$(basename "${f%%:*}")" || exit 1
  state "$nm" > "$tmp/before"
  expect 0 "maildir after flags" "$CCFIX" --convert=maildir $rule -o "$nm" "$ex"
  state "$nm" > "$tmp/after"
  cmp -s "$tmp/before" "$tmp/after" && ok ||
    bad "maildir: a re-run after flags changed the tree: $(diff "$tmp/before" "$tmp/after" | head -n 5)"
  f=$(find "$nm/.Faxes/cur" -type f)
  printf 'not this message\n' > "$f"
  expect 1 "conflict after flags" "$CCFIX" --convert=maildir $rule -o "$nm" "$ex"
  grep -q "^ccfix: $ex:[0-9]*: message 4: $nm/.Faxes/cur/4\.[0-9a-f]*\.ccfix:2,S holds other bytes; left alone$" \
    "$tmp/err" && ok || bad "conflict after flags: $(cat "$tmp/err")"
  [ "$(cat "$f")" = "not this message" ] && ok || bad "conflict after flags: file overwritten"
  [ "$(find "$nm/.Faxes/cur" -type f | wc -l)" -eq 1 ] && ok ||
    bad "conflict after flags: $(ls "$nm/.Faxes/cur")"
fi

# Maildir: each file's mtime is its message's date (the stream's dates
# have no zone, so -0000: read as UTC).
f=$(find "$tmp/maildir/out/.Projects/cur" -type f)
[ "$(date -u -r "$f" '+%Y-%m-%d %H:%M')" = "1998-06-02 08:39" ] && ok ||
  bad "mtime of $f: $(date -u -r "$f")"

# A different file under a name ccfix would write: reported, left alone,
# the rest delivered, exit 1.
out=$tmp/maildir/out
f=$(find "$out/.Faxes/cur" -type f)
printf 'not this message\n' > "$f"
rm -rf "$out/.Projects"
expect 1 "conflict" "$CCFIX" --convert=maildir $rule -o "$out" "$ex"
grep -q "^ccfix: $ex:[0-9]*: message 4: .*holds other bytes; left alone$" \
  "$tmp/err" && ok || bad "conflict message: $(cat "$tmp/err")"
[ "$(cat "$f")" = "not this message" ] && ok || bad "conflict: file overwritten"
[ -n "$(find "$out/.Projects/cur" -type f)" ] && ok || bad "conflict: the rest not delivered"

# A folder that cannot be made (a file in its place) is an I/O error:
# said once, with its path, exit 2.
out=$tmp/blocked
mkdir "$out" && : > "$out/.Faxes" || exit 1
expect 2 "blocked folder" "$CCFIX" --convert=maildir $rule -o "$out" "$ex"
grep -q "^ccfix: $out/.Faxes: cannot create the folder: Not a directory$" \
  "$tmp/err" && [ "$(wc -l < "$tmp/err")" -eq 1 ] && ok ||
  bad "blocked folder: $(cat "$tmp/err")"

# Several accounts into one tree at once, as README shows: every message
# of each, the folders shared.
mkdir "$tmp/accts" || exit 1
for a in anna bert carl dora; do cp "$ex" "$tmp/accts/$a.ccm"; done
for fmt in maildir eml; do
  printf '%s\n' "$tmp"/accts/*.ccm |
    xargs -P 4 -n 1 "$CCFIX" --convert=$fmt $rule -q -o "$tmp/all-$fmt"
  [ $? -eq 0 ] && ok || bad "$fmt: xargs -P failed"
  n=$(find "$tmp/all-$fmt" -type f \( -name '*.eml' -o -path '*/cur/*' \) | wc -l)
  [ "$n" -eq $((4 * $(find "$tmp/$fmt/out" -type f \( -name '*.eml' -o -path '*/cur/*' \) | wc -l))) ] &&
    ok || bad "$fmt: $n files from four accounts"
done
python3 "$check_py" eml "$ex" "$tmp/all-eml/anna" > "$tmp/check" && ok ||
  bad "eml of one of four accounts: $(head -n 3 "$tmp/check")"

# --report: output is each file's path relative to DIR.
expect 0 "--report" "$CCFIX" --convert=maildir $rule --report="$tmp/r.jsonl" \
  -o "$tmp/rep" "$ex"
if python3 - "$tmp/r.jsonl" "$tmp/rep" <<'EOF'
import json, os, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert rows and all(os.path.isfile(os.path.join(sys.argv[2], r['output']))
                    for r in rows), rows
assert any(i['kind'] == 'fax' and i['name'] == 'fax-1.pcx'
           for r in rows for i in r['items'])
EOF
then ok; else bad "--report rows"; fi

# mbox gets the same attachments.
expect 0 "mbox" "$CCFIX" --convert=mbox $rule -o "$tmp/m.mbox" "$ex"
if python3 "$check_py" mbox "$ex" "$tmp/m.mbox" > "$tmp/check"; then ok
else bad "mbox: $(head -n 5 "$tmp/check")"; fi
expect 0 "--macbinary=keep" "$CCFIX" --convert=mbox --macbinary=keep $rule "$ex"
grep -q 'appledouble' "$tmp/out" && bad "--macbinary=keep unwrapped"

# Refusals: no directory, or something that is not one.
expect 2 "maildir without -o" "$CCFIX" --convert=maildir "$ex"
expect 2 "eml -o FILE" "$CCFIX" --convert=eml -o "$ex" "$ex"
expect 2 "--macbinary without --convert" "$CCFIX" --macbinary=keep "$ex"
: > "$tmp/plain"
expect 2 "maildir -o FILE" "$CCFIX" --convert=maildir -o "$tmp/plain" "$ex"

# A FIFO under a name ccfix would write is no message: a conflict, left
# alone, and never waited on (nor a FIFO where a folder's maildirfolder
# marker goes, which stops the run).
for fmt in maildir eml; do
  out=$tmp/fifo-$fmt
  "$CCFIX" -q --convert=$fmt $rule -o "$out" "$ex" 2> /dev/null
  f=$(find "$out" -name '*.eml' -o -path '*/cur/*' -type f | LC_ALL=C sort | head -n 1)
  rm "$f" && mkfifo "$f"
  expect 1 "$fmt: a FIFO under a message's name" \
    timeout 60 "$CCFIX" -q --convert=$fmt $rule -o "$out" "$ex"
  [ -p "$f" ] && ok || bad "$fmt: the FIFO was replaced"
done
out=$tmp/fifo-marker
mkdir -p "$out/.Filed Mail.FYI"
mkfifo "$out/.Filed Mail.FYI/maildirfolder"
expect 2 "maildir: a FIFO for a folder's marker" \
  timeout 60 "$CCFIX" -q --convert=maildir $rule -o "$out" "$ex"

# SIGINT in the middle of a delivery leaves no temporary file: a stream
# long enough to be stopped while it is written.
for fmt in maildir eml; do
  out=$tmp/sigint-$fmt
  i=0; while [ $i -lt 400 ]; do cat "$ex"; i=$((i + 1)); done > "$tmp/long.ccm"
  "$CCFIX" -q --convert=$fmt $rule -o "$out" "$tmp/long.ccm" 2> /dev/null &
  pid=$!
  i=0
  while [ "$(find "$out" -type f 2> /dev/null | wc -l)" -lt 50 ] && [ $i -lt 300 ]; do
    sleep 0.1; i=$((i + 1))
  done
  kill -INT $pid
  wait $pid; st=$?
  [ $st -eq 130 ] && ok || bad "$fmt: SIGINT: status $st"
  find "$out" -name '.ccfix.*' | grep -q . \
    && bad "$fmt: SIGINT left temporary files: $(find "$out" -name '.ccfix.*')" || ok
done

summary maildir
