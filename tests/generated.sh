#!/bin/sh
# Property test: ccfix against streams from tests/gen, an oracle that
# shares no code with it.  For seeds 1..GEN_COUNT, gen writes a damaged
# stream, the exact repair and the options pinning the counting rule and
# slot style; then FORMAT.md's invariants are checked:
#   1, 2  the repair is byte for byte the oracle's;
#   3     repairing the repair changes nothing, and --check agrees;
#   4     the messages repaired one at a time join to the same bytes.
# --check on the damaged stream must also say whether anything changes.
# Stops at the first failure and says how to reproduce it.
. "${srcdir:-.}/tests/testlib.sh"
GEN=${GEN:-./gen}
count=${GEN_COUNT:-1000}

for prog in "$CCFIX" "$GEN"; do
  [ -x "$prog" ] || { bad "$prog is not an executable"; summary generated; exit; }
done
d=$tmp/stream

# fail WHAT [FILE EXPECTED-FILE]: report the seed's first failure and stop.
fail () {
  echo "FAIL: seed $seed: $1"
  echo "  options: $args"
  if [ $# -ge 3 ]; then
    echo "  cmp -l $2 $3 | head (offset, octal got, octal want):"
    cmp -l "$2" "$3" 2>&1 | head -n 10 | sed 's/^/    /'
    echo "  sizes: $(wc -c < "$2") got, $(wc -c < "$3") want"
  fi
  if [ -s "$d/err" ]; then
    echo "  ccfix said:"
    head -n 10 "$d/err" | sed 's/^/    /'
  fi
  echo "  reproduce: mkdir s && GEN_VERBOSE=1 $GEN $seed s && $CCFIX $args < s/in"
  fail=1
  summary generated
  exit
}

# run WANT INPUT OUTPUT [OPTION]: ccfix with the seed's options; its exit
# status must be WANT.
run () {
  "$CCFIX" $4 $args < "$2" > "$3" 2> "$d/err"
  st=$?
  [ "$st" -eq "$1" ] || fail "ccfix $4 $args < $(basename "$2"): status $st, want $1"
}

seed=1
while [ "$seed" -le "$count" ]; do
  rm -rf "$d" && mkdir "$d" || exit 1
  "$GEN" "$seed" "$d" || { bad "seed $seed: gen failed"; summary generated; exit; }
  args=$(cat "$d/args")
  n=$(cat "$d/n")

  # Invariants 1 and 2, by the oracle.
  run 0 "$d/in" "$d/out"
  cmp -s "$d/out" "$d/expected" || fail "repair differs from expected" "$d/out" "$d/expected"

  # --check: status 1 exactly when the repair changes something.
  if cmp -s "$d/in" "$d/expected"; then want=0; else want=1; fi
  run $want "$d/in" "$d/check" --check
  [ -s "$d/check" ] && fail "--check wrote to standard output"

  # Invariant 3: a fixed point.
  run 0 "$d/out" "$d/out2"
  cmp -s "$d/out2" "$d/out" || fail "repairing the repair changed it" "$d/out2" "$d/out"
  run 0 "$d/out" "$d/check" --check

  # Invariant 4: message by message.
  : > "$d/joined"
  k=1
  while [ "$k" -le "$n" ]; do
    run 0 "$d/in.$k" "$d/out.$k"
    cmp -s "$d/out.$k" "$d/expected.$k" \
      || fail "message $k alone (in.$k) differs from expected.$k" "$d/out.$k" "$d/expected.$k"
    cat "$d/out.$k" >> "$d/joined"
    k=$((k + 1))
  done
  [ "$n" -eq 0 ] || cmp -s "$d/joined" "$d/out" \
    || fail "messages repaired one at a time do not join to the whole" "$d/joined" "$d/out"

  ok
  seed=$((seed + 1))
done
summary generated
