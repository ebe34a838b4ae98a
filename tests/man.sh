#!/bin/sh
# The manual is clean under mandoc's linter and names every option.
. "${srcdir:-.}/tests/testlib.sh"
man=$srcdir/man/ccfix.1
ggo=$srcdir/src/ccfix.ggo
if command -v mandoc > /dev/null 2>&1; then
  out=$(mandoc -Tlint -Wwarning "$man" 2>&1)
  [ -z "$out" ] && ok || bad "mandoc -Tlint: $out"
  # Words the page once ran together when rendered.
  for slip in 'Text item items' 'FILESUFFIX'; do
    mandoc -Tascii "$man" | col -b | grep -q "$slip" \
      && bad "the manual reads '$slip'" || ok
  done
else
  bad "mandoc is not installed (a build dependency: see README)"
fi
for opt in $(sed -n 's/^[[:space:]]*option[[:space:]]*"\([^"]*\)".*/\1/p' "$ggo"); do
  pat=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
  grep -q -- "$pat" "$man" && ok || bad "--$opt is not in the manual"
done
summary man
