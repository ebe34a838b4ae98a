#!/bin/sh
# The migration workflow: the JSON Lines report, --lint's wizard events,
# accounts and the per-file table.
. "${srcdir:-.}/tests/testlib.sh"
# has FILE STRING: FILE holds STRING (fixed, not a pattern).
has () { if grep -qF -- "$2" "$1"; then ok; else bad "$1 lacks: $2"; echo "  ---"; cat "$1"; fi; }

# Two messages: the first with a blank message count and an accented
# Latin-1 subject (0xE9, e-acute), the second unframeable.
printf 'Message:\n     \nFrom: Grewal, Jeff at Hub\nSubject: Caf\351\n' > "$tmp/One, User.txt"
printf 'Contents:\n   20\nText item: \n    2\nx\n' >> "$tmp/One, User.txt"
printf 'Message:\n   10\nFrom: B\nMessage:\n\000\000\000\nContents:\n    0\n' >> "$tmp/One, User.txt"
# Items: a blank item count found by scan, an invalid contents count.
printf 'Message:\n   50\nSubject: s\nContents:\n  x\nText item: \n\nbody\n' > "$tmp/two.exp"
printf 'Message:\n   39\nContents:\n   23\nText item: \n     \nline\n' >> "$tmp/two.exp"

"$CCFIX" -q --report="$tmp/r.jsonl" "$tmp/One, User.txt" "$tmp/two.exp" > /dev/null
[ $? -eq 1 ] && ok || bad "report run status"
r=$tmp/r.jsonl
[ "$(wc -l < "$r")" -eq 5 ] && ok || bad "report: one line per message"
head -n 1 "$r" > "$tmp/m1"
has "$tmp/m1" "{\"input\":\"$tmp/One, User.txt\",\"account\":\"One, User\",\"message\":1,\"offset\":0,\"line\":1,"
has "$tmp/m1" '"from":"Grewal, Jeff at Hub","subject":"Café","status":"repaired"'
has "$tmp/m1" '"repairs":[{"level":"message","class":"blank","was":"     ","now":"   76","evidence":"counts"}]}'
sed -n 2p "$r" > "$tmp/m2"
has "$tmp/m2" '"message":2,"offset":'
has "$tmp/m2" '"line":10,"from":"B","subject":null,"status":"passed-through","repairs":[],"reason":"no Contents: line before the next Message: line"}'
sed -n 3p "$r" > "$tmp/m3"
has "$tmp/m3" '"message":3,'
has "$tmp/m3" '"class":"blank","was":"\u0000\u0000\u0000","now":" 16"'
sed -n 4p "$r" > "$tmp/m4"
has "$tmp/m4" "\"input\":\"$tmp/two.exp\",\"account\":\"two\",\"message\":1,\"offset\":0,\"line\":1,\"from\":null,\"subject\":\"s\""
has "$tmp/m4" '{"level":"contents","class":"invalid","was":"  x","now":" 19","evidence":"scan"}'
has "$tmp/m4" '{"level":"item","item":1,"class":"blank","was":"","now":"5","evidence":"scan"}'
sed -n 5p "$r" > "$tmp/m5"
has "$tmp/m5" '{"level":"item","item":1,"class":"blank","was":"     ","now":"    5","evidence":"best-cut"}'
has "$tmp/m5" '"status":"repaired"'
if command -v python3 > /dev/null 2>&1; then
  python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]' "$r" \
    && ok || bad "report is not valid JSON Lines"
fi

# --account labels a single input; a healthy message says "ok".
printf 'Message:\n   44\nFrom: A\nContents:\n   20\nText item: \n    2\nx\n' > "$tmp/good"
"$CCFIX" --account="Two, User" --report="$tmp/g.jsonl" - < "$tmp/good" > /dev/null && ok || bad "healthy status"
has "$tmp/g.jsonl" '{"input":"-","account":"Two, User","message":1,"offset":0,"line":1,"from":"A","subject":null,"status":"ok","repairs":[]}'
"$CCFIX" --account=x "$tmp/good" "$tmp/good" > /dev/null 2> "$tmp/err"; [ $? -eq 2 ] && ok || bad "--account with two inputs"
# The report is written atomically: a failure leaves no report.
"$CCFIX" --report="$tmp/none.jsonl" "$tmp/good" "$tmp/missing" > /dev/null 2>&1
[ -e "$tmp/none.jsonl" ] && bad "report written despite an I/O error" || ok
ls "$tmp" | grep -q ccfix- && bad "temporary report left" || ok
# A report down a pipe is written as a file's is: whole, and not at all
# by a run that fails (its rows wait in a temporary file till the end).
"$CCFIX" --report=/dev/fd/3 "$tmp/good" "$tmp/missing" 3>&1 > /dev/null 2>&1 \
  | cat > "$tmp/piped"
[ -s "$tmp/piped" ] && bad "a failed run sent report rows down a pipe" || ok
"$CCFIX" --report=/dev/fd/3 "$tmp/One, User.txt" "$tmp/two.exp" 3>&1 \
  > /dev/null 2>&1 | cat > "$tmp/piped"
"$CCFIX" --report="$tmp/filed.jsonl" "$tmp/One, User.txt" "$tmp/two.exp" \
  > /dev/null 2>&1
[ -s "$tmp/piped" ] && cmp -s "$tmp/piped" "$tmp/filed.jsonl" && ok \
  || bad "a report down a pipe is not the one written to a file"
# TMPDIR holds them: where it cannot, the run stops before it starts
# (the program itself: valgrind would need TMPDIR too).
TMPDIR="$tmp/nowhere" "${CCFIX_REAL:-$CCFIX}" --report=/dev/fd/3 \
  "$tmp/good" 3>&1 > /dev/null 2> "$tmp/err" | cat > "$tmp/piped"
grep -q "^ccfix: /dev/fd/3: cannot hold the report in a temporary file: " \
  "$tmp/err" && ok || bad "no temporary file for a piped report: $(cat "$tmp/err")"

# --lint: the wizard's events, nothing on stdout, the status.
"$CCFIX" --lint "$tmp/One, User.txt" "$tmp/two.exp" > "$tmp/out" 2> "$tmp/lint"
[ $? -eq 1 ] && ok || bad "lint status"
[ -s "$tmp/out" ] && bad "lint wrote to stdout" || ok
has "$tmp/lint" "ccfix: $tmp/One, User.txt:1: message 1: event 1027: invalid Message size of '0'"
has "$tmp/lint" "ccfix: $tmp/One, User.txt:10: message 2: event 1029: Token should have been 'Message:' (no Contents: line before the next Message: line)"
has "$tmp/lint" "ccfix: $tmp/two.exp:1: message 1: event 1032: invalid Contents size of 'x'"
has "$tmp/lint" "ccfix: $tmp/two.exp:1: message 1: event 1032: invalid Item size of '0' (item 1)"
"$CCFIX" --lint "$tmp/good" > /dev/null 2> "$tmp/lint2" && ok || bad "lint of a healthy stream"
[ -s "$tmp/lint2" ] && bad "lint of a healthy stream spoke" || ok
printf 'EXPORT: console noise\n' | cat - "$tmp/good" > "$tmp/noisy"
"$CCFIX" --lint "$tmp/noisy" > /dev/null 2> "$tmp/lint3"; [ $? -eq 1 ] && ok || bad "lint of a preamble"
has "$tmp/lint3" "noisy:1: event 1029: Token should have been 'Message:'"
# The preamble's warning counts its lines, one or more.
"$CCFIX" "$tmp/noisy" > /dev/null 2> "$tmp/pre"
has "$tmp/pre" "ccfix: $tmp/noisy:1: 1 line before the first Message: line passed through unchanged"
printf 'EXPORT: console noise\nmore\n' > "$tmp/nothing"
"$CCFIX" "$tmp/nothing" > /dev/null 2> "$tmp/pre"
has "$tmp/pre" "ccfix: $tmp/nothing:1: 2 lines and no Message: line passed through unchanged"
"$CCFIX" --convert=mbox "$tmp/noisy" > /dev/null 2> "$tmp/pre"
has "$tmp/pre" "ccfix: $tmp/noisy:1: 1 line before the first Message: line kept as an unreadable part"

# The per-file table, with -v and with --check over several files.
"$CCFIX" -q -v "$tmp/One, User.txt" "$tmp/two.exp" "$tmp/good" > /dev/null 2> "$tmp/table"
has "$tmp/table" "FILE"
grep -E "^$tmp/One, User.txt +One, User +3 +2 +1 +passed through$" "$tmp/table" > /dev/null && ok || bad "table row 1: $(cat "$tmp/table")"
grep -E "^$tmp/two.exp +two +2 +4 +0 +repaired$" "$tmp/table" > /dev/null && ok || bad "table row 2"
grep -E "^$tmp/good +good +1 +0 +0 +ok$" "$tmp/table" > /dev/null && ok || bad "table row 3"
"$CCFIX" -q --check "$tmp/two.exp" "$tmp/good" 2> "$tmp/table2"
grep -E "^$tmp/two.exp +two +2 +4 +0 +needs repair$" "$tmp/table2" > /dev/null && ok || bad "check table: $(cat "$tmp/table2")"
"$CCFIX" -q --lint "$tmp/two.exp" "$tmp/good" 2> "$tmp/table3"
grep -E "would fail$" "$tmp/table3" > /dev/null && grep -E "would migrate$" "$tmp/table3" > /dev/null \
  && ok || bad "lint table: $(cat "$tmp/table3")"
"$CCFIX" -q -v "$tmp/good" > /dev/null 2> "$tmp/one"
grep -q '^FILE' "$tmp/one" && bad "a table for a single file" || ok

summary report
