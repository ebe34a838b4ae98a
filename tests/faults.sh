#!/bin/sh
# Output modes and I/O faults: each a clear one-line error, exit 2, and
# nothing lost.
. "${srcdir:-.}/tests/testlib.sh"
# No temporary file may be left in DIR.
no_temp () {
  if ls "$1" | grep -q 'ccfix-'; then bad "$2: temporary file left: $(ls "$1")"; else ok; fi
}

d=$tmp/d; mkdir "$d"
printf 'Message:\n     \nFrom: A\nContents:\n   20\nText item: \n    2\nx\n' > "$tmp/broken"
printf 'Message:\n   44\nFrom: A\nContents:\n   20\nText item: \n    2\nx\n' > "$tmp/good"
# Large enough that a small file-size limit stops it half way.
i=0; while [ $i -lt 2000 ]; do cat "$tmp/broken"; i=$((i + 1)); done > "$tmp/many"

# -o: the file appears whole, with the umask's mode.
expect 0 "-o" sh -c 'umask 027; "$1" -q -o "$2" "$3"' sh "$CCFIX" "$d/new" "$tmp/broken"
cmp -s "$d/new" "$tmp/good" && ok || bad "-o content"
[ -s "$tmp/out" ] && bad "-o also wrote to stdout" || ok
case $(ls -l "$d/new") in -rw-r-----*) ok ;; *) bad "-o mode: $(ls -l "$d/new")" ;; esac
no_temp "$d" "-o"
# -o over an existing file keeps its mode.
chmod 604 "$d/new"
expect 0 "-o over a file" "$CCFIX" -q -o "$d/new" "$tmp/broken"
case $(ls -l "$d/new") in -rw----r--*) ok ;; *) bad "-o kept mode: $(ls -l "$d/new")" ;; esac

# A failure half way: the old file untouched, no temporary file left.
printf 'old contents\n' > "$d/keep"
expect 2 "-o with a file-size limit" sh -c 'trap "" XFSZ; ulimit -f 8; exec "$1" -q -o "$2" "$3"' \
  sh "$CCFIX" "$d/keep" "$tmp/many"
[ "$(cat "$d/keep")" = "old contents" ] && ok || bad "-o failure touched the file"
grep -q "^ccfix: $d/keep: write error: File too large$" "$tmp/err" && ok \
  || bad "-o file-size message: $(cat "$tmp/err")"
no_temp "$d" "-o failure"
expect 2 "-o, a missing input" "$CCFIX" -q -o "$d/keep" "$tmp/broken" "$tmp/nothing"
[ "$(cat "$d/keep")" = "old contents" ] && ok || bad "-o with a missing input replaced the file"
no_temp "$d" "-o missing input"
expect 2 "-o into a missing directory" "$CCFIX" -o "$tmp/no/such" "$tmp/broken"
grep -q "^ccfix: $tmp/no/such: cannot create a temporary file: No such file or directory$" \
  "$tmp/err" && ok || bad "-o missing directory message: $(cat "$tmp/err")"

# -i: in place, the original kept with a suffix, the mode kept.
cp "$tmp/broken" "$d/a"; chmod 640 "$d/a"
expect 0 "-i.orig" "$CCFIX" -q -i.orig "$d/a"
cmp -s "$d/a" "$tmp/good" && ok || bad "-i content"
cmp -s "$d/a.orig" "$tmp/broken" && ok || bad "-i backup"
case $(ls -l "$d/a") in -rw-r-----*) ok ;; *) bad "-i mode: $(ls -l "$d/a")" ;; esac
cp "$tmp/broken" "$d/b"
expect 0 "-i without suffix" "$CCFIX" -q --in-place "$d/b"
cmp -s "$d/b" "$tmp/good" && ok || bad "--in-place content"
[ -e "$d/b.orig" ] && bad "--in-place made a backup" || ok
no_temp "$d" "-i"
cp "$tmp/many" "$d/m"
expect 2 "-i with a file-size limit" sh -c 'trap "" XFSZ; ulimit -f 8; exec "$1" -q -i "$2"' \
  sh "$CCFIX" "$d/m"
cmp -s "$d/m" "$tmp/many" && ok || bad "-i failure touched the file"
no_temp "$d" "-i failure"
expect 2 "-i on standard input" "$CCFIX" -i -
grep -q "cannot repair standard input" "$tmp/err" && ok || bad "-i - message"
expect 2 "-i without files" "$CCFIX" -i
expect 2 "-i on a directory" "$CCFIX" -i "$d"
grep -q "^ccfix: $d: not a regular file$" "$tmp/err" && ok || bad "-i directory message: $(cat "$tmp/err")"
expect 2 "-o and --check" "$CCFIX" -c -o "$d/x" "$tmp/broken"
[ -e "$d/x" ] && bad "--check -o wrote a file" || ok

# Standard output onto an input: refused, as cat does.
cp "$tmp/broken" "$d/self"
expect 2 "output is an input" sh -c '"$1" "$2" >> "$2"' sh "$CCFIX" "$d/self"
grep -q "^ccfix: standard output and input '$d/self' are the same file$" "$tmp/err" && ok \
  || bad "same file message: $(cat "$tmp/err")"
cmp -s "$d/self" "$tmp/broken" && ok || bad "same file was written"

# Faults on the way in and out.
expect 2 "full disk" sh -c '"$1" "$2" > /dev/full' sh "$CCFIX" "$tmp/many"
grep -q '^ccfix: write error: No space left on device$' "$tmp/err" && ok || bad "full disk message"
expect 2 "file-size limit on stdout" sh -c 'trap "" XFSZ; ulimit -f 8; exec "$1" -q "$2" > "$3"' \
  sh "$CCFIX" "$tmp/many" "$d/limited"
grep -q '^ccfix: write error: File too large$' "$tmp/err" && ok || bad "stdout size limit message: $(cat "$tmp/err")"
expect 2 "read error" "$CCFIX" /proc/self/mem
grep -q '^ccfix: /proc/self/mem: read error: Input/output error$' "$tmp/err" && ok \
  || bad "read error message: $(cat "$tmp/err")"
expect 2 "directory input" "$CCFIX" "$d"
grep -q "^ccfix: $d: read error: Is a directory$" "$tmp/err" && ok || bad "directory message"
expect 2 "missing input" "$CCFIX" "$tmp/nothing"
grep -q "^ccfix: $tmp/nothing: No such file or directory$" "$tmp/err" && ok || bad "missing message"
cp "$tmp/broken" "$d/secret"; chmod 600 "$d/secret"
if [ "$(id -u)" -eq 0 ]; then
  # root reads anything: drop to nobody to meet a permission error.
  chmod 755 "$tmp" "$d"
  expect 2 "unreadable input" setpriv --reuid=65534 --regid=65534 --clear-groups "$CCFIX" "$d/secret"
else
  expect 2 "unreadable input" "$CCFIX" "$d/secret"
fi
grep -q "^ccfix: $d/secret: Permission denied$" "$tmp/err" && ok || bad "unreadable message: $(cat "$tmp/err")"
# A closed pipe downstream: exit 2 without a word, as GNU filters do
# (whoever closed the pipe knows).
sh -c '"$1" -q "$2" 2> "$3"; echo $? > "$4"' sh "$CCFIX" "$tmp/many" "$tmp/err" "$tmp/status" | head -c 10 > /dev/null
[ "$(cat "$tmp/status")" = 2 ] && ok || bad "closed pipe status $(cat "$tmp/status")"
[ -s "$tmp/err" ] && bad "closed pipe message: $(cat "$tmp/err")" || ok

# FORMAT.md invariant 5: a message larger than the look-ahead kept in
# memory, read from a pipe with nowhere to spill, stops the run before any
# byte of it (or of a message framed after the failure) is written: the
# output is short, never a count computed from part of a message.  The
# program itself, since valgrind also needs $TMPDIR.
{ cat "$tmp/good"; printf 'Message:\n     \nContents:\n     \nText item: \n     \n'
  head -c 12000000 /dev/zero | tr '\0' 'y'; printf '\nMessage:\n     \nContents:\n    0\n'; } > "$tmp/huge"
piped () {  # FILE ARGS...: ccfix ARGS... reading FILE through a pipe
  f=$1; shift
  cat "$f" | env TMPDIR=/nonexistent "${CCFIX_REAL:-$CCFIX}" "$@"
}
expect 2 "no room to spill" piped "$tmp/huge" -q -
grep -q "^ccfix: -: cannot spill look-ahead to a temporary file: No such file or directory$" \
  "$tmp/err" && ok || bad "spill message: $(cat "$tmp/err")"
n=$(wc -c < "$tmp/out")
[ "$n" -le "$(wc -c < "$tmp/good")" ] && cmp -s -n "$n" "$tmp/out" "$tmp/good" && ok \
  || bad "a failed spill wrote $n bytes: $(head -c 120 "$tmp/out" | od -c | head -3)"
cp "$tmp/good" "$d/spill"
expect 2 "no room to spill, -o" piped "$tmp/huge" -q -o "$d/spill" -
cmp -s "$d/spill" "$tmp/good" && ok || bad "a failed spill touched the -o file"
no_temp "$d" "failed spill"
# The same for --convert: no part of the message that could not be held
# is written as mail.
expect 2 "no room to spill, --convert" piped "$tmp/huge" -q --convert=mbox -
grep -q 'yyyyyyyy' "$tmp/out" && bad "a failed spill converted part of a message" || ok
# A regular file is read again where it lies: it needs no spill file.
expect 0 "a regular file, no spill" env TMPDIR=/nonexistent "${CCFIX_REAL:-$CCFIX}" -q "$tmp/huge"
mv "$tmp/out" "$tmp/huge.out"
expect 0 "a pipe, spilled" sh -c 'cat "$1" | "$2" -q -' sh "$tmp/huge" "$CCFIX"
cmp -s "$tmp/out" "$tmp/huge.out" && ok || bad "a file and a pipe repair differently"
# A Maildir conversion that a write error stops keeps the report of what
# it delivered (the first message), with no row for the message whose
# file it could not write.
expect 2 "maildir with a file-size limit" sh -c 'trap "" XFSZ; ulimit -f 8
  exec "$1" -q --convert=maildir -o "$2" --report="$3" "$4"' \
  sh "$CCFIX" "$d/lim" "$d/lim.jsonl" "$tmp/huge"
files=$(find "$d/lim" -type f ! -name maildirfolder | wc -l)
[ "$files" -eq 1 ] && ok || bad "maildir with a file-size limit: $files files"
[ -f "$d/lim.jsonl" ] && [ "$(wc -l < "$d/lim.jsonl")" -eq 1 ] && ok \
  || bad "maildir with a file-size limit: report $(cat "$d/lim.jsonl" 2>&1)"

# Read errors: one pread of the input (or of its spill file) fails with
# EIO, at the start of each pass over the message larger than the
# look-ahead (the first re-read of a message already framed, say) and
# evenly between.  Exit 2 with one error line.  A stream output is a
# prefix of the right one: short, or ending inside the message whose
# bytes could not be read again, never with a gap or a message composed
# from part of its bytes.  eml and Maildir deliver no file made from
# bytes not read and leave no temporary file; a re-run delivers all.
# strace injects the error into the program itself (valgrind, which
# reads files of its own, would shift the count).
real=${CCFIX_REAL:-$CCFIX}
from () {  # SRC CMD...: CMD reading $tmp/huge as a file (f) or a pipe (p)
  src=$1; shift
  if [ "$src" = f ]; then "$@" "$tmp/huge"; else cat "$tmp/huge" | "$@" -; fi
}
# trace CMD...: CMD under strace, which follows threads (and counts the
# calls of each apart), stopped should it hang.  LeakSanitizer cannot
# work under strace (make check-asan).
trace () {
  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
    timeout 120 strace -f -qq -e trace=pread64 "$@"
}
# piped3 FILE CMD...: CMD with its descriptor 3 down a pipe into FILE; the
# status is CMD's.
piped3 () {
  f=$1; shift
  { "$@" 3>&1 > /dev/null; echo $? > "$f.status"; } | cat > "$f"
  return "$(cat "$f.status")"
}
# picks SRC ARGS...: the pread64 calls of the main thread to fail: of
# those that read the input or the spill file, the first, each that goes
# back more than 1 MiB, the last, and four evenly between.
picks () {
  src=$1; shift
  from "$src" trace -y -o "$tmp/trace" "$real" "$@" > /dev/null 2>&1
  awk -v f="$tmp/huge" '
    NR == 1 { main = $1 }
    $1 != main { next }
    /pread64\(/ {
      k++
      ours = index($0, "<" f ">") || /\/ccfix\.[^>\/]*>\(deleted\)/
      if (/unfinished/) next
    }
    ours && /\) = / {
      s = $0; sub(/\) = .*$/, "", s); sub(/.*, /, "", s); off = s + 0
      ks[++n] = k
      if (n == 1 || off < prev - 1048576) pick[k] = 1
      prev = off
      ours = 0
    }
    END {
      if (n) pick[ks[n]] = 1
      for (i = 1; n && i < 5; i++) pick[ks[int(n * i / 5) + 1]] = 1
      for (k in pick) print k
    }' "$tmp/trace" | sort -n
}
inject () {  # K[+] SRC ARGS...: the K-th pread64 (and each after, K+) fails
  k=$1 src=$2; shift 2
  from "$src" trace -o /dev/null \
    -e inject=pread64:error=EIO:when="$k" "$real" "$@"
}
one_error () {  # WHAT: $tmp/err is one line, the read error
  if [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -Eq "^ccfix: [^:]+: \
(read error|cannot read the input again|cannot read back the temporary file)\
: Input/output error\$" "$tmp/err"
  then ok; else bad "$1: errors: $(head -c 300 "$tmp/err")"; fi
}
prefix () {  # FILE RIGHT WHAT
  n=$(wc -c < "$1")
  if [ "$n" -le "$(wc -c < "$2")" ] && cmp -s -n "$n" "$1" "$2"; then ok
  else bad "$3: its $n bytes are no prefix of the right output"; fi
}
delivered () {  # DIR RIGHT WHAT: each file in DIR is RIGHT's, none temporary
  find "$1" -type f ! -name maildirfolder | while read -r f; do
    r=${f#"$1"/}
    case $r in
      .ccfix.*|*/.ccfix.*) echo "temporary file $r left" ;;
      *) cmp -s "$f" "$2/$r" || echo "$r delivered wrong" ;;
    esac
  done > "$tmp/delivered"
  if [ -s "$tmp/delivered" ]; then bad "$3: $(head -3 "$tmp/delivered")"
  else ok; fi
}
if ! command -v strace > /dev/null; then
  bad "strace is not installed (a test dependency: see README)"
elif ! strace -f -qq -o /dev/null true 2> /dev/null; then
  echo "faults: strace cannot trace here: read errors are not tested"
else
  for src in f p; do
    for how in repair mbox; do
      set -- -q; [ $how = mbox ] && set -- -q --convert=mbox
      from $src "$real" "$@" > "$tmp/right" 2> /dev/null
      ks=$(picks $src "$@")
      [ -n "$ks" ] && ok || bad "$how $src: no pread64 of the input seen"
      for k in $ks; do
        expect 2 "$how $src, pread $k fails" inject $k $src "$@"
        one_error "$how $src, pread $k"
        prefix "$tmp/out" "$tmp/right" "$how $src, pread $k"
      done
    done
    for how in eml maildir; do
      rm -rf "$d/right"
      from $src "$real" -q --convert=$how -o "$d/right" 2> /dev/null
      for k in $(picks $src -q --convert=$how -o "$d/probe"); do
        rm -rf "$d/md" "$d/probe" "$d/md.jsonl"
        expect 2 "$how $src, pread $k fails" \
          inject $k $src -q --convert=$how -o "$d/md" --report="$d/md.jsonl"
        one_error "$how $src, pread $k"
        [ -d "$d/md" ] && delivered "$d/md" "$d/right" "$how $src, pread $k"
        # The report tells of every message delivered, and of no other.
        files=$(find "$d/md" -type f ! -name maildirfolder 2> /dev/null | wc -l)
        rows=0; [ -f "$d/md.jsonl" ] && rows=$(wc -l < "$d/md.jsonl")
        [ "$files" -eq "$rows" ] && ok \
          || bad "$how $src, pread $k: $rows report rows for $files files"
        expect 0 "$how $src, pread $k failed, run again" \
          from $src "$real" -q --convert=$how -o "$d/md"
        diff -r "$d/md" "$d/right" > /dev/null && ok \
          || bad "$how $src, pread $k failed: a re-run does not deliver all"
      done
    done
  done
  # A run that fails after -i has replaced a file keeps its report, less
  # the rows of the input it left as it was: the pread that fails is three
  # quarters into the second input's, past its first message's row (the
  # first half is the look-ahead learning reads before any row).
  cp "$tmp/broken" "$d/r1"; cp "$tmp/huge" "$d/r2"
  trace -y -o "$tmp/trace" "$real" -q -i "$d/r1" "$d/r2" > /dev/null 2>&1
  k=$(awk -v f="$d/r2" 'NR == 1 { main = $1 } $1 != main { next }
        /pread64\(/ { k++; if (index($0, "<" f ">")) ks[++n] = k }
        END { if (n) print ks[int(n * 3 / 4) + 1] }' "$tmp/trace")
  cp "$tmp/broken" "$d/r1"; cp "$tmp/huge" "$d/r2"
  if [ -z "$k" ]; then bad "-i: no pread64 of the second input seen"
  else
    expect 2 "-i, the second input's pread $k fails" trace -o /dev/null \
      -e inject=pread64:error=EIO:when="$k" \
      "$real" -q -i --report="$d/r.jsonl" "$d/r1" "$d/r2"
    cmp -s "$d/r1" "$tmp/good" && ok || bad "-i: the first input not repaired"
    cmp -s "$d/r2" "$tmp/huge" && ok || bad "-i: the failed input changed"
    [ "$(grep -c "\"input\":\"$d/r1\"" "$d/r.jsonl")" = 1 ] && ok \
      || bad "-i: the report lost the replaced file's row"
    grep -q "\"input\":\"$d/r2\"" "$d/r.jsonl" \
      && bad "-i: the report tells of a repair not made" || ok
    no_temp "$d" "-i, a read error"
    # The same down a pipe, which cannot take rows back: they reach it
    # only once the file they tell of is replaced.
    cp "$tmp/broken" "$d/r1"; cp "$tmp/huge" "$d/r2"
    expect 2 "-i, the second input's pread $k fails, report to a pipe" \
      piped3 "$d/rp.jsonl" trace -o /dev/null \
      -e inject=pread64:error=EIO:when="$k" \
      "$real" -q -i --report=/dev/fd/3 "$d/r1" "$d/r2"
    cmp -s "$d/rp.jsonl" "$d/r.jsonl" && ok \
      || bad "-i: the piped report is not the one written to a file"
  fi
  # -t, the input failing for good from a pread on: it once converted
  # the same bytes for ever.
  from f "$real" -q -t CP850 -f CP437 > "$tmp/right" 2> /dev/null
  for k in $(picks f -q -t CP850 -f CP437); do
    expect 2 "-t, preads fail from $k on" inject $k+ f -q -t CP850 -f CP437
    one_error "-t, preads from $k"
    prefix "$tmp/out" "$tmp/right" "-t, preads from $k"
  done
fi

summary faults
