#!/bin/sh
# Replay the fuzz corpus (seeds and past findings) and the samples through
# the fuzz target's invariant checks, without libFuzzer.
. "${srcdir:-.}/tests/testlib.sh"
REPLAY=${REPLAY:-./fuzz/replay}
set --
for f in "$srcdir"/tests/fuzz/corpus/* "$srcdir"/data/*.txt "$srcdir"/tests/pairs/*.in; do
  [ -f "$f" ] && set -- "$@" "$f"
done
[ $# -gt 0 ] || { echo "fuzz: no corpus found under $srcdir"; exit 1; }
"$REPLAY" "$@"
