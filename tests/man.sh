#!/bin/sh
# The manual is clean under mandoc's linter and names every option.
srcdir=${srcdir:-.}
man=$srcdir/man/ccfix.1
ggo=$srcdir/src/ccfix.ggo
fail=0 pass=0
if command -v mandoc > /dev/null 2>&1; then
  out=$(mandoc -Tlint -Wwarning "$man" 2>&1)
  if [ -n "$out" ]; then echo "FAIL: mandoc -Tlint: $out"; fail=$((fail + 1)); else pass=$((pass + 1)); fi
else
  echo "FAIL: mandoc is not installed (a build dependency: see README)"
  fail=$((fail + 1))
fi
# Words the page once ran together when rendered.
if command -v mandoc > /dev/null 2>&1; then
  for slip in 'Text item items' 'FILESUFFIX'; do
    if mandoc -Tascii "$man" | col -b | grep -q "$slip"; then
      echo "FAIL: the manual reads '$slip'"; fail=$((fail + 1))
    else pass=$((pass + 1)); fi
  done
fi
for opt in $(sed -n 's/^[[:space:]]*option[[:space:]]*"\([^"]*\)".*/\1/p' "$ggo"); do
  pat=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
  if grep -q -- "$pat" "$man"; then pass=$((pass + 1))
  else echo "FAIL: --$opt is not in the manual"; fail=$((fail + 1)); fi
done
echo "man: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
