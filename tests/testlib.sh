# Sourced by the shell tests: the program, a scratch directory, counters,
# and an assertion on exit statuses.  Each test ends with summary NAME.
srcdir=${srcdir:-.}
CCFIX=${CCFIX:-../src/ccfix}
tmp=$(mktemp -d) || exit 1
# chmod first: a test may leave unreadable files behind.
trap 'chmod -R u+rwx "$tmp"; rm -rf "$tmp"' EXIT HUP INT TERM
pass=0 fail=0
ok () { pass=$((pass + 1)); }
bad () { fail=$((fail + 1)); echo "FAIL: $*"; }
# expect STATUS DESCRIPTION COMMAND...: the command's exit status, its
# output in $tmp/out and $tmp/err.
expect () {
  want=$1 what=$2; shift 2
  "$@" > "$tmp/out" 2> "$tmp/err"
  got=$?
  if [ "$got" -eq "$want" ]; then ok; else bad "$what: status $got, want $want ($(head -c 300 "$tmp/err"))"; fi
}
# summary NAME: the closing line the harness log shows, and the status.
summary () {
  echo "$1: $pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
