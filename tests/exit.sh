#!/bin/sh
# Exit statuses, standard streams and write errors, as a user meets them.
. "${srcdir:-.}/tests/testlib.sh"

good=$tmp/good.txt
printf 'Message:\n   44\nFrom: A\nContents:\n   20\nText item: \n    2\nx\n' > "$good"
broken=$tmp/broken.txt
printf 'Message:\n     \nFrom: A\nContents:\n   20\nText item: \n    2\nx\n' > "$broken"
headless=$tmp/headless.txt
printf 'Message:\n   10\nFrom: A\nMessage:\n     \nContents:\n    0\n' > "$headless"
headless_fixed=$tmp/headless.fixed
printf 'Message:\n   10\nFrom: A\nMessage:\n   16\nContents:\n    0\n' > "$headless_fixed"

expect 0 "healthy stream" "$CCFIX" "$good"
cmp -s "$tmp/out" "$good" && ok || bad "healthy stream changed"
[ -s "$tmp/err" ] && bad "healthy stream: stderr not empty" || ok

expect 0 "repair" "$CCFIX" "$broken"
cmp -s "$tmp/out" "$good" && ok || bad "repair output"
grep -q '^ccfix: .*broken.txt:1: message 1: message count blank, now 44$' "$tmp/err" \
  && ok || bad "repair finding: $(cat "$tmp/err")"

expect 0 "standard input" sh -c '"$1" < "$2"' sh "$CCFIX" "$broken"
grep -q '^ccfix: -:1: message 1:' "$tmp/err" && ok || bad "stdin is named -"

expect 1 "unframeable message" "$CCFIX" "$headless"
cmp -s "$tmp/out" "$headless_fixed" && ok || bad "unframeable message not passed through"
grep -q 'headless.txt:1: message 1: no Contents: line' "$tmp/err" && ok \
  || bad "unframeable finding: $(cat "$tmp/err")"
grep -q 'headless.txt:4: message 2: message count blank, now 16' "$tmp/err" \
  && ok || bad "message after an unframeable one: $(cat "$tmp/err")"

expect 0 "check, nothing to do" "$CCFIX" --check "$good"
[ -s "$tmp/out" ] && bad "--check wrote to stdout" || ok
expect 1 "check, work to do" "$CCFIX" -c "$broken"
[ -s "$tmp/out" ] && bad "--check wrote to stdout" || ok
grep -q 'message count blank, should be 44' "$tmp/err" && ok || bad "--check wording"

expect 1 "quiet keeps the status" "$CCFIX" -q "$headless"
[ -s "$tmp/err" ] && bad "-q printed: $(cat "$tmp/err")" || ok
expect 1 "quiet check" "$CCFIX" -q --check "$broken"

expect 0 "verbose" "$CCFIX" -v "$broken"
grep -q 'broken.txt: 1 messages, 1 repaired, 0 passed through; repairs: message blank 1' \
  "$tmp/err" && ok || bad "verbose summary: $(cat "$tmp/err")"
# Findings to a file are held, but never behind what follows them.
head -n 1 "$tmp/err" | grep -q 'message 1: message count blank' && \
  tail -n 1 "$tmp/err" | grep -q '1 messages, 1 repaired' && ok \
  || bad "verbose order: $(cat "$tmp/err")"

# Several inputs: each repaired on its own, in order; the worst status.
expect 1 "several files" "$CCFIX" "$broken" "$headless" "$good"
cat "$good" "$headless_fixed" "$good" > "$tmp/want"
cmp -s "$tmp/out" "$tmp/want" && ok || bad "several files output"

expect 2 "missing file" "$CCFIX" "$tmp/nonexistent" "$good"
grep -q "^ccfix: $tmp/nonexistent: No such file or directory$" "$tmp/err" \
  && ok || bad "missing file message: $(cat "$tmp/err")"
cmp -s "$tmp/out" "$good" && ok || bad "files after a missing one"

expect 2 "directory" "$CCFIX" "$tmp"
grep -q "^ccfix: $tmp: read error: Is a directory$" "$tmp/err" && ok \
  || bad "directory message: $(cat "$tmp/err")"
# A regular file on standard input is left at its end, as cat leaves it:
# a second "-" reads nothing, nor does the next command on it; and ccfix
# starts where the one before it stopped.
expect 0 "- -" "$CCFIX" -q - - < "$broken"
cmp -s "$tmp/out" "$good" && ok || bad "- - read standard input twice"
for how in "" --convert=mbox; do
  # shellcheck disable=SC2086
  { "$CCFIX" -q $how > /dev/null; cat; } < "$broken" > "$tmp/rest"
  [ -s "$tmp/rest" ] && bad "ccfix $how left standard input before its end" || ok
done
{ dd bs=9 count=1 status=none > /dev/null; "$CCFIX" -q; } < "$good" > "$tmp/rest" 2> /dev/null
tail -c +10 "$good" | cmp -s - "$tmp/rest" && ok || bad "ccfix did not start at the offset it was given"

# Nothing of a directory is read: the files after it are repaired, as
# after a missing one.
expect 2 "directory among files" "$CCFIX" -q "$good" "$tmp" "$broken"
cat "$good" "$good" > "$tmp/want"
cmp -s "$tmp/out" "$tmp/want" && ok || bad "files after a directory"
[ "$(cat "$tmp/err")" = "ccfix: $tmp: read error: Is a directory" ] && ok \
  || bad "directory among files: errors: $(cat "$tmp/err")"
expect 2 "a directory on standard input" sh -c '"$1" -q - "$2" < "$3"' sh \
  "$CCFIX" "$broken" "$tmp"
cmp -s "$tmp/out" "$good" && ok || bad "files after a directory on standard input"
[ "$(cat "$tmp/err")" = "ccfix: -: read error: Is a directory" ] && ok \
  || bad "a directory on standard input: errors: $(cat "$tmp/err")"

# Option errors name the program ccfix, whatever path ran it, and quote
# as ccfix's own messages do.
expect 2 "unknown option" "$CCFIX" --frobnicate
grep -q "^ccfix: unrecognized option '--frobnicate'$" "$tmp/err" && ok || bad "unknown option: $(cat "$tmp/err")"
grep -q "Try 'ccfix --help'" "$tmp/err" && ok || bad "usage hint"
expect 2 "bad rule" "$CCFIX" --count-from=sideways "$good"
grep -q "^ccfix: invalid argument, \"sideways\", for option '--count-from'$" "$tmp/err" && ok \
  || bad "bad rule message: $(cat "$tmp/err")"

# An empty name is no file: refused before anything is written.
for opt in --output= --report=; do
  expect 2 "$opt with no name" "$CCFIX" "$opt" "$good"
  grep -q "^ccfix: ${opt%=} names no file$" "$tmp/err" && ok \
    || bad "$opt with no name: $(cat "$tmp/err")"
done
ls -a | grep -q 'ccfix-' && bad "an empty name: a temporary file left" || ok

expect 0 "help" "$CCFIX" --help
grep -q '^Usage: ccfix \[OPTION\]... \[FILE\]...' "$tmp/out" && ok || bad "--help text"
sed -n '/^Exit status/,/^$/p' "$tmp/out" | grep -q -- '--lint' && ok || bad "--help: --lint's exit status"
grep -q 'example\.org' "$tmp/out" && bad "--help: a made-up bug address" || ok
expect 0 "version" "$CCFIX" --version
grep -q '^ccfix [0-9]' "$tmp/out" && ok || bad "--version text"
grep -q '^Copyright (C) [0-9]' "$tmp/out" && ok || bad "--version: no Copyright line"

if [ -w /dev/full ]; then
  expect 2 "write error" sh -c '"$1" "$2" > /dev/full' sh "$CCFIX" "$good"
  grep -q '^ccfix: write error: No space left on device$' "$tmp/err" && ok \
    || bad "write error message: $(cat "$tmp/err")"
  expect 2 "help write error" sh -c '"$1" --help > /dev/full' sh "$CCFIX"
  grep -q 'write error' "$tmp/err" && ok || bad "--help write error message"
else
  bad "/dev/full is not writable here: the write-error test cannot run"
fi

# Progress: shown and erased on a terminal, never when stderr is not one.
expect 0 "progress off a terminal" "$CCFIX" -P "$good"
[ -s "$tmp/err" ] && bad "-P wrote to a non-terminal: $(cat "$tmp/err")" || ok
if command -v script > /dev/null 2>&1; then
  # Input that arrives slowly, as from a long export, so a refresh is due
  # (long enough for a program started slowly, as under valgrind).
  script -qec "(cat '$good'; sleep 3; cat '$good') | '$CCFIX' -P > /dev/null" \
    "$tmp/tty" > /dev/null 2>&1
  tr '\r' '\n' < "$tmp/tty" | grep -q '^.*ccfix: -: .* MB/s, [0-9]* messages, 0 repairs' \
    && ok || bad "no progress line on a terminal: $(od -c "$tmp/tty" | head -5)"
  # Each line is drawn after \r and erase-line, and one more erase ends it.
  esc=$(printf '\033')
  draws=$(grep -o 'repairs' "$tmp/tty" | wc -l)
  erases=$(grep -o "$esc\\[K" "$tmp/tty" | wc -l)
  [ "$draws" -gt 0 ] && [ "$erases" -eq $((draws + 1)) ] && ok \
    || bad "progress line not erased at the end ($draws drawn, $erases erased)"
else
  bad "script(1) is missing: cannot test -P on a terminal"
fi

summary exit
