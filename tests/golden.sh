#!/bin/sh
# Golden pairs (tests/pairs): each NAME.in repaired must give NAME.out byte for byte,
# with NAME.status (default 0) and, when given, exactly NAME.err on
# stderr; the output of a clean run must be a fixed point (for a change of
# code page, -t, a stream whose counts are right as they stand).  The samples
# in data/ with a .fixed file are checked the same way.
. "${srcdir:-.}/tests/testlib.sh"
check () {  # check NAME IN OUT
  name=$1 in=$2 want=$3 base=${2%.*}
  args=; [ -f "$base.args" ] && args=$(cat "$base.args")
  st=0; [ -f "$base.status" ] && st=$(cat "$base.status")
  # shellcheck disable=SC2086
  "$CCFIX" $args < "$in" > "$tmp/out" 2> "$tmp/err"
  got=$?
  if [ "$got" -ne "$st" ]; then
    echo "FAIL: $name: status $got, want $st"; cat "$tmp/err"; fail=$((fail + 1)); return
  fi
  if ! cmp -s "$tmp/out" "$want"; then
    echo "FAIL: $name: output differs"; cmp -l "$tmp/out" "$want" | head -5
    cat "$tmp/err"; fail=$((fail + 1)); return
  fi
  if [ -f "$base.err" ] && ! cmp -s "$tmp/err" "$base.err"; then
    echo "FAIL: $name: stderr differs"; diff "$base.err" "$tmp/err"; fail=$((fail + 1)); return
  fi
  if [ "$st" -eq 0 ]; then
    # A converted stream is already in its new code page: it must stand
    # as it is, without converting it again.
    case " $args " in *" -t "*) args= ;; esac
    # shellcheck disable=SC2086
    "$CCFIX" $args < "$tmp/out" > "$tmp/out2" 2> "$tmp/err2"
    if [ $? -ne 0 ] || ! cmp -s "$tmp/out" "$tmp/out2" \
       || grep -v 'passed through unchanged$' "$tmp/err2" | grep -q .; then
      echo "FAIL: $name: not a fixed point"; cat "$tmp/err2"; fail=$((fail + 1)); return
    fi
  fi
  pass=$((pass + 1))
}
for in in "$srcdir"/tests/pairs/*.in; do
  check "$(basename "$in" .in)" "$in" "${in%.in}.out"
done
for in in "$srcdir"/data/*.txt; do
  if [ -f "${in%.txt}.fixed" ]; then
    check "$(basename "$in")" "$in" "${in%.txt}.fixed"
  else
    check "$(basename "$in")" "$in" "$in"
  fi
done
[ "$pass" -gt 0 ] || bad "no golden pair found under $srcdir"
summary golden
