#!/bin/sh
# Output targets: no command line loses a file.  Every case checks the
# bytes of every file involved afterwards, not only the exit status.
. "${srcdir:-.}/tests/testlib.sh"
# same FILE WANT WHAT: FILE holds exactly the bytes of WANT.
same () { if cmp -s "$1" "$2"; then ok; else bad "$3: $1 differs from $2"; fi; }
# kept FILE STAMP WHAT: FILE is the very file STAMP was taken of (inode,
# time stamp to the nanosecond).
stamp () { stat -c '%i %y' "$1"; }
kept () { if [ "$(stamp "$1")" = "$2" ]; then ok; else bad "$3: $1 was rewritten"; fi; }
# no_temp DIR WHAT: no temporary file left in DIR.
no_temp () {
  if ls -a "$1" | grep -q 'ccfix-'; then bad "$2: temporary file left: $(ls "$1")"; else ok; fi
}
# says WHAT LINE: standard error is exactly LINE.
says () { if [ "$(cat "$tmp/err")" = "$2" ]; then ok; else bad "$1: message: $(cat "$tmp/err")"; fi; }

printf 'Message:\n     \nFrom: A\nContents:\n   20\nText item: \n    2\nx\n' > "$tmp/broken"
printf 'Message:\n   44\nFrom: A\nContents:\n   20\nText item: \n    2\nx\n' > "$tmp/good"
d=$tmp/d; mkdir "$d"; cd "$d" || exit 1
fresh () { for f; do cp "$tmp/broken" "$f"; done; }

# --report onto the export being repaired, or onto the -o file.
fresh a.txt
expect 2 "-i with --report on the input" "$CCFIX" -q -i --report=a.txt a.txt
says "-i --report" "ccfix: --in-place 'a.txt' and --report 'a.txt' are the same file"
same a.txt "$tmp/broken" "-i --report"
expect 2 "--report on an input" "$CCFIX" -q --report=a.txt a.txt
says "--report on an input" "ccfix: --report 'a.txt' and input 'a.txt' are the same file"
same a.txt "$tmp/broken" "--report on an input"
printf 'old output\n' > o.txt; cp o.txt o.want
expect 2 "--report on the -o file" "$CCFIX" -q --report=o.txt -o o.txt a.txt
says "--report on -o" "ccfix: --output 'o.txt' and --report 'o.txt' are the same file"
same o.txt o.want "--report on -o"
same a.txt "$tmp/broken" "--report on -o"
# -o onto one of its inputs, even through another name.
fresh b.txt
expect 2 "-o onto an input" "$CCFIX" -q -o a.txt a.txt b.txt
says "-o a a b" "ccfix: --output 'a.txt' and input 'a.txt' are the same file"
same a.txt "$tmp/broken" "-o a a b"; same b.txt "$tmp/broken" "-o a a b"
ln -s a.txt a.link
expect 2 "-o onto an input through a link" "$CCFIX" -q -o a.link b.txt a.txt
says "-o through a link" "ccfix: --output 'a.link' and input 'a.txt' are the same file"
same a.txt "$tmp/broken" "-o through a link"
expect 2 "standard output onto an input" sh -c '"$1" -q a.txt >> a.txt' sh "$CCFIX"
same a.txt "$tmp/broken" "stdout onto an input"
# The same file twice for -i, and an -i backup that is another input.
expect 2 "-i on one file twice" "$CCFIX" -q -i.orig a.txt ./a.txt
says "-i twice" "ccfix: --in-place 'a.txt' and --in-place './a.txt' are the same file"
same a.txt "$tmp/broken" "-i twice"; [ -e a.txt.orig ] && bad "-i twice made a backup" || ok
fresh c.txt c.txt.txt
expect 2 "-i backup onto another input" "$CCFIX" -q -i.txt c.txt c.txt.txt
says "-i.txt c.txt c.txt.txt" "ccfix: the backup 'c.txt.txt' of --in-place 'c.txt' and --in-place 'c.txt.txt' are the same file"
same c.txt "$tmp/broken" "-i.txt c.txt c.txt.txt"; same c.txt.txt "$tmp/broken" "-i.txt c.txt c.txt.txt"
no_temp . "refusals"

# --report with the '=' forgotten takes the export as its file name: an
# existing file that is not a report is never replaced.
fresh b.txt
expect 2 "--report over an export" sh -c '"$1" --report b.txt < /dev/null' sh "$CCFIX"
says "--report b.txt" "ccfix: b.txt: exists and is not a report: not replaced"
same b.txt "$tmp/broken" "--report b.txt"
# An earlier report, or an empty file, is replaced.
expect 0 "--report over a report" "$CCFIX" -q --report=r.jsonl a.txt
cp r.jsonl r.first
expect 0 "--report over a report" "$CCFIX" -q --report=r.jsonl a.txt
same r.jsonl r.first "report replaced"
: > empty.jsonl
expect 0 "--report over an empty file" "$CCFIX" -q --report=empty.jsonl a.txt
same empty.jsonl r.first "empty report replaced"
# Any other JSON is no earlier report of ccfix's.
printf '{"name": "data"}\n' > other.json; cp other.json "$tmp/other.json"
expect 2 "--report over other JSON" "$CCFIX" -q --report=other.json a.txt
same other.json "$tmp/other.json" "--report over other JSON"

# -i.orig run twice: the original stays in the backup, and a file that
# needs no change is not written at all.
fresh e.txt
expect 0 "-i.orig" "$CCFIX" -q -i.orig e.txt
same e.txt "$tmp/good" "-i.orig"; same e.txt.orig "$tmp/broken" "-i.orig backup"
s1=$(stamp e.txt) s2=$(stamp e.txt.orig)
sleep 0.01
expect 0 "-i.orig again" "$CCFIX" -q -i.orig e.txt
kept e.txt "$s1" "-i.orig again"; kept e.txt.orig "$s2" "-i.orig again"
same e.txt.orig "$tmp/broken" "-i.orig again: backup"
cp "$tmp/good" g.txt; s1=$(stamp g.txt)
expect 0 "-i on a healthy file" "$CCFIX" -q -i.orig g.txt
kept g.txt "$s1" "-i healthy"; [ -e g.txt.orig ] && bad "-i healthy made a backup" || ok
# A backup in the way: that file is refused, the others repaired.
fresh f.txt h.txt; printf 'older backup\n' > f.txt.orig; cp f.txt.orig f.want
expect 2 "-i with a backup in the way" "$CCFIX" -q -i.orig f.txt h.txt
says "backup in the way" "ccfix: f.txt: cannot keep the original as 'f.txt.orig': File exists"
same f.txt "$tmp/broken" "backup in the way"; same f.txt.orig f.want "backup in the way"
same h.txt "$tmp/good" "the file after a refused one"; same h.txt.orig "$tmp/broken" "its backup"
no_temp . "-i"

# Links: a symbolic link chain is followed, the file at its end replaced,
# the links kept; a file with several hard links is refused.
mkdir s s2; fresh s2/real
ln -s ../s2/l2 s/l1; ln -s real s2/l2
expect 0 "-i through a chain of links" "$CCFIX" -q -i.orig s/l1
[ -L s/l1 ] && [ -L s2/l2 ] && ok || bad "-i replaced a link: $(ls -l s s2)"
same s2/real "$tmp/good" "-i through links"; same s2/real.orig "$tmp/broken" "-i through links: backup"
fresh s2/real
expect 0 "-o through a chain of links" "$CCFIX" -q -o s/l1 "$tmp/broken"
[ -L s/l1 ] && [ -L s2/l2 ] && ok || bad "-o replaced a link"
same s2/real "$tmp/good" "-o through links"
no_temp s2 "links"
ln -s s2/missing dangling
expect 0 "-o through a dangling link" "$CCFIX" -q -o dangling "$tmp/broken"
[ -L dangling ] && ok || bad "-o replaced a dangling link"
same s2/missing "$tmp/good" "-o through a dangling link"
fresh hard; ln hard hard2; s1=$(stamp hard)
expect 2 "-i on a hard-linked file" "$CCFIX" -q -i hard
says "hard links" "ccfix: hard: has 2 hard links: not replaced"
kept hard "$s1" "hard links"; same hard "$tmp/broken" "hard links"
[ "$(stat -c %h hard2)" = 2 ] && ok || bad "hard links split"

# A FIFO is written straight through, to the reader waiting on it, and
# never replaced; -i refuses it.
mkfifo fifo
cat fifo > fifo.got &
expect 0 "-o onto a FIFO" "$CCFIX" -q -o fifo "$tmp/broken"
wait
[ -p fifo ] && ok || bad "-o replaced the FIFO"
same fifo.got "$tmp/good" "-o onto a FIFO"
cat fifo > fifo.got &
expect 0 "--report onto a FIFO" "$CCFIX" -q --report=fifo "$tmp/broken"
wait
[ -p fifo ] && ok || bad "--report replaced the FIFO"
grep -q '"status":"repaired"' fifo.got && ok || bad "--report onto a FIFO: $(cat fifo.got)"
expect 2 "-i on a FIFO" "$CCFIX" -q -i fifo
says "-i FIFO" "ccfix: fifo: not a regular file"
[ -p fifo ] && ok || bad "-i replaced the FIFO"

# A character device made here (never the real /dev): written through,
# never replaced.  Making one takes root.
if mknod null c 1 3 2> /dev/null; then
  expect 0 "-o onto a device" "$CCFIX" -q -o null "$tmp/broken"
  [ -c null ] && ok || bad "-o replaced the device: $(ls -l null)"
  expect 0 "--report onto a device" "$CCFIX" -q --report=null "$tmp/broken"
  [ -c null ] && ok || bad "--report replaced the device"
  expect 2 "-i on a device" "$CCFIX" -q -i null
  says "-i device" "ccfix: null: not a regular file"
  [ -c null ] && ok || bad "-i replaced the device"
else
  echo "SKIP: mknod needs root: the device cases did not run"
fi
no_temp . "streams"

# Names of ccfix's own open files: written through them, never replaced;
# -i refuses them.
expect 0 "--report=/dev/stdout" sh -c '"$1" -q -o "$2" --report=/dev/stdout "$3" | cat' \
  sh "$CCFIX" out.txt "$tmp/broken"
grep -q '^{"input":' "$tmp/out" && ok || bad "--report=/dev/stdout: $(cat "$tmp/out")"
same out.txt "$tmp/good" "--report=/dev/stdout"
expect 2 "-i /dev/stdin" sh -c '"$1" -q -i /dev/stdin < "$2"' sh "$CCFIX" a.txt
says "-i /dev/stdin" "ccfix: /dev/stdin: names an open file, not a file to replace"
same a.txt "$tmp/broken" "-i /dev/stdin"
# A normal user cannot create files in /dev: --report=/dev/stderr must
# still work for one.
if [ "$(id -u)" -eq 0 ]; then
  chmod 755 "$tmp" "$d"; chmod 644 "$tmp/broken"
  setpriv --reuid=65534 --regid=65534 --clear-groups "$CCFIX" -q --report=/dev/stderr \
    "$tmp/broken" > "$tmp/out" 2> "$tmp/err"; st=$?
else
  "$CCFIX" -q --report=/dev/stderr "$tmp/broken" > "$tmp/out" 2> "$tmp/err"; st=$?
fi
[ $st -eq 0 ] && ok || bad "--report=/dev/stderr as a user: status $st: $(cat "$tmp/err")"
grep -q '^{"input":' "$tmp/err" && ok || bad "--report=/dev/stderr as a user: $(cat "$tmp/err")"
same "$tmp/out" "$tmp/good" "--report=/dev/stderr as a user: output"

# SIGINT with both a report and an output pending: neither temporary file
# is left, and both targets are as they were.
printf 'old output\n' > out.txt; cp out.txt out.want
printf '{"input":"old"}\n' > rep.jsonl; cp rep.jsonl rep.want
mkfifo slow
exec 3<> slow
cat "$tmp/broken" >&3
"$CCFIX" -q -o out.txt --report=rep.jsonl slow 2> "$tmp/err" &
pid=$!
i=0
while [ "$(ls -a | grep -c 'ccfix-')" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(ls -a | grep -c 'ccfix-')" -eq 2 ] && ok || bad "SIGINT: the run did not get going: $(ls -a)"
kill -INT $pid
wait $pid; st=$?
exec 3>&-
[ $st -eq 130 ] && ok || bad "SIGINT: status $st"
no_temp . "SIGINT"
same out.txt out.want "SIGINT: -o"; same rep.jsonl rep.want "SIGINT: --report"

# Findings held for a file on stderr are still written when a signal ends
# the run: two broken messages, then 5 MiB of good ones (past the learning
# look-ahead, so that repair is under way), then the input stalls.
{ cat "$tmp/broken" "$tmp/broken"
  awk 'BEGIN { for (i = 0; i < 130000; i++) printf "Message:\n   44\nFrom: A\nContents:\n   20\nText item: \n    2\nx\n" }'
} > "$tmp/stall"
mkfifo stall
exec 4<> stall
"$CCFIX" -o stall.txt stall 2> "$tmp/err" &
pid=$!
cat "$tmp/stall" >&4
i=0
while [ "$(cat stall.txt.ccfix-* 2>/dev/null | wc -c)" -lt 4000000 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT $pid
wait $pid; st=$?
exec 4>&-
[ $st -eq 130 ] && ok || bad "SIGINT with findings: status $st"
[ "$(grep -c 'message count blank, now 44$' "$tmp/err")" -eq 2 ] && ok \
  || bad "SIGINT lost the findings: $(cat "$tmp/err")"
no_temp . "SIGINT with findings"

# Two outputs to be made at one name that does not exist yet: refused
# before either is written, by any spelling of the name.
fresh new.txt
for spelling in new.out ./new.out; do
  expect 2 "-o and --report both new ($spelling)" "$CCFIX" -q -o new.out \
    --report="$spelling" new.txt
  says "-o and --report both new" \
    "ccfix: --output 'new.out' and --report '$spelling' are the same file"
  [ -e new.out ] && bad "-o and --report both new: something was written" || ok
done
ln -s new.out to-new.out
expect 2 "-o through a dangling link, --report new" "$CCFIX" -q -o to-new.out \
  --report=new.out new.txt
[ -e new.out ] && bad "-o through a dangling link: something was written" || ok
rm to-new.out
# The report where -i is about to make the backup (the input starting
# as a report does, so that it would pass for an earlier one).
printf '{"input":' > brace.txt; cat "$tmp/broken" >> brace.txt; cp brace.txt "$tmp/brace"
expect 2 "--report onto the backup to be" "$CCFIX" -q -i.orig \
  --report=brace.txt.orig brace.txt
says "--report onto the backup to be" "ccfix: the backup 'brace.txt.orig' of --in-place 'brace.txt' and --report 'brace.txt.orig' are the same file"
same brace.txt "$tmp/brace" "--report onto the backup to be"
[ -e brace.txt.orig ] && bad "--report onto the backup to be: backup made" || ok
no_temp . "outputs to be made"

# -i with -t on text that converts to the same bytes (ASCII): no change,
# so no new inode and no backup, and the same command runs again.
printf 'Message:\n   44\nFrom: A\nContents:\n   20\nText item: \n    2\nx\n' > ascii.txt
stamp_ascii=$(stamp ascii.txt)
for run in 1 2; do
  expect 0 "-i -t, ASCII (run $run)" "$CCFIX" -q -f CP850 -t UTF-8 -i.orig ascii.txt
done
kept ascii.txt "$stamp_ascii" "-i -t, ASCII"
[ -e ascii.txt.orig ] && bad "-i -t, ASCII: a backup was made" || ok

# The input grows while -i repairs it: what was added would be lost with
# the original, so the file is left as it is.  strace holds the first
# read of the file for two seconds, and the test appends meanwhile.
# The program itself: valgrind reads files of its own, and LeakSanitizer
# cannot work under strace (make check-asan).
if ! command -v strace > /dev/null 2>&1; then
  bad "strace is not installed (a test dependency: see README)"
elif ! strace -f -qq -o /dev/null true 2> /dev/null; then
  echo "targets: strace cannot trace here: an input growing during -i is not tested"
else
  i=0; while [ $i -lt 3000 ]; do cat "$tmp/broken"; i=$((i + 1)); done > grows.txt
  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
    strace -f -qq -o /dev/null -P grows.txt -e trace=pread64 \
    -e inject=pread64:delay_enter=2000000:when=1 \
    "${CCFIX_REAL:-$CCFIX}" -q -i.orig grows.txt 2> "$tmp/err" &
  pid=$!
  # Its temporary file is made just before the input is opened.
  i=0
  while ! ls grows.txt.ccfix-* > /dev/null 2>&1 && [ $i -lt 300 ]; do
    sleep 0.1; i=$((i + 1))
  done
  sleep 0.5
  printf 'Message:\n' >> grows.txt
  wait $pid; st=$?
  [ $st -eq 2 ] && ok || bad "input grown during -i: status $st"
  grep -q "^ccfix: grows.txt: changed while it was repaired; left as it is$" \
    "$tmp/err" && ok || bad "input grown during -i: message: $(cat "$tmp/err")"
  [ "$(tail -c 9 grows.txt)" = "Message:" ] && ok || bad "input grown during -i: replaced"
  [ -e grows.txt.orig ] && bad "input grown during -i: a backup was made" || ok
  no_temp . "input grown during -i"
fi

# -i keeps the extended attributes of the file it replaces (an access
# control list is one: its loss would open the file to others).
fresh attr.txt
if python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.ccfix", b"kept")' \
     attr.txt 2> /dev/null; then
  expect 0 "-i, extended attributes" "$CCFIX" -q -i attr.txt
  same attr.txt "$tmp/good" "-i, extended attributes"
  [ "$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "user.ccfix").decode())' \
       attr.txt 2>&1)" = kept ] && ok || bad "-i lost an extended attribute"
else
  echo "targets: the file system of $d has no user extended attributes;"
  echo "targets: -i keeping them is not tested here"
fi

# The program itself: valgrind cannot run with its standard error closed.
real=${CCFIX_REAL:-$CCFIX}
# A closed standard descriptor: the first file ccfix opens, an output's
# temporary file, must not become it, or findings (stderr), the repaired
# stream (stdout) or an empty input (stdin) would land in the output.
i=0; while [ $i -lt 2000 ]; do cat "$tmp/broken"; i=$((i + 1)); done > closed.txt
i=0; while [ $i -lt 2000 ]; do cat "$tmp/good"; i=$((i + 1)); done > "$tmp/goods"
expect 0 "-i, stderr closed" sh -c '"$1" -i closed.txt 2>&-' sh "$real"
same closed.txt "$tmp/goods" "-i, stderr closed"
fresh closed.txt; cp "$tmp/good" closed.out
expect 2 "-o, stdin closed" sh -c '"$1" -q -o closed.out <&-' sh "$real"
same closed.out "$tmp/good" "-o, stdin closed"
expect 2 "stdout closed" sh -c '"$1" -q --report=closed.jsonl closed.txt >&-' \
  sh "$real"
[ -e closed.jsonl ] && bad "stdout closed: the report was written" || ok
same closed.txt "$tmp/broken" "stdout closed"
no_temp . "closed descriptors"

# "-" names standard output for --output and --report, as it names
# standard input among the inputs; a file named - is ./-.
fresh dash.txt
expect 0 "-o -" "$CCFIX" -q -o - dash.txt
same "$tmp/out" "$tmp/good" "-o -"
[ -e ./- ] && bad "-o - made a file named -" || ok
expect 0 "-o ./-" "$CCFIX" -q -o ./- dash.txt
same ./- "$tmp/good" "-o ./-"
rm -f ./-
# The rows --report=- gives are a file report's.
expect 0 "--report to a file" "$CCFIX" -q -o dash.out --report=dash.jsonl dash.txt
[ "$(wc -l < dash.jsonl)" -eq 1 ] && ok || bad "--report to a file: $(cat dash.jsonl)"
for how in --check -o; do
  set -- --check; [ $how = -o ] && set -- -o dash.out
  want=1; [ $how = -o ] && want=0
  expect $want "$how --report=-" "$CCFIX" -q "$@" --report=- dash.txt
  same "$tmp/out" dash.jsonl "$how --report=-"
done
same dash.out "$tmp/good" "-o FILE --report=-"
same dash.txt "$tmp/broken" "--report=-"
fresh dash2.txt
expect 0 "-i --report=-" "$CCFIX" -q -i --report=- dash2.txt
same dash2.txt "$tmp/good" "-i --report=-"
grep -q '^{"input":"dash2.txt",.*"status":"repaired"' "$tmp/out" \
  && [ "$(wc -l < "$tmp/out")" -eq 1 ] && ok || bad "-i --report=-: $(cat "$tmp/out")"
# Both on standard output would interleave: refused before anything.
for o in "" "-o -"; do
  # shellcheck disable=SC2086
  expect 2 "--report=- $o" "$CCFIX" -q $o --report=- dash.txt
  head -1 "$tmp/err" | grep -q '^ccfix: --report=- and the output cannot both go to standard output' \
    && ok || bad "--report=- $o: message: $(cat "$tmp/err")"
  [ -s "$tmp/out" ] && bad "--report=- $o: wrote $(head -c 100 "$tmp/out")" || ok
done
# A directory conversion needs a directory, not standard output.
expect 2 "--convert=maildir -o -" "$CCFIX" -q --convert=maildir -o - dash.txt
head -1 "$tmp/err" | grep -q '^ccfix: --convert=maildir and --convert=eml need --output=DIR$' \
  && ok || bad "--convert=maildir -o -: message: $(cat "$tmp/err")"
[ -e ./- ] && bad "--convert=maildir -o - made -" || ok
no_temp . "-"

summary targets
