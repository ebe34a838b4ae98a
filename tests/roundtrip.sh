#!/bin/sh
# Code pages: generated streams (their slots with room to grow) converted
# from CP437 to UTF-8 and back give the original bytes and counts; the
# UTF-8 stream in between has every count right as it stands.  Also the
# options' errors.
. "${srcdir:-.}/tests/testlib.sh"
GEN=${GEN:-./gen}
count=${ROUNDTRIP_COUNT:-200}
changed=0

seed=1
while [ "$seed" -le "$count" ]; do
  d=$tmp/s; rm -rf "$d"; mkdir "$d"
  GEN_ROOMY=1 "$GEN" "$seed" "$d" || { bad "seed $seed: gen failed"; break; }
  args=$(cat "$d/args")
  # shellcheck disable=SC2086
  if ! "$CCFIX" -q $args -f CP437 -t UTF-8 < "$d/in" > "$d/utf8"; then
    bad "seed $seed: to UTF-8 failed"
  # shellcheck disable=SC2086
  elif ! "$CCFIX" -q $args --check < "$d/utf8"; then
    bad "seed $seed: the UTF-8 stream's counts are not right"
  # shellcheck disable=SC2086
  elif ! "$CCFIX" -q $args -f UTF-8 -t CP437 < "$d/utf8" > "$d/back"; then
    bad "seed $seed: back to CP437 failed"
  elif ! cmp -s "$d/back" "$d/in"; then
    bad "seed $seed: the round trip changed the stream ($args)"
  else
    pass=$((pass + 1))
    cmp -s "$d/utf8" "$d/in" || changed=$((changed + 1))
  fi
  seed=$((seed + 1))
done
# The round trip must have had work to do: most streams hold 8-bit text.
[ "$changed" -gt $((count / 2)) ] || bad "only $changed streams changed in UTF-8"

printf 'Message:\n     \nContents:\n    0\n' > "$tmp/one"
"$CCFIX" -t UTF-8 "$tmp/one" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q -- '--to-code needs --from-code' "$tmp/err" && pass=$((pass + 1)) \
  || bad "-t without -f"
"$CCFIX" -f NO-SUCH-CODE-PAGE -t UTF-8 "$tmp/one" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q '^ccfix: cannot convert from NO-SUCH-CODE-PAGE to UTF-8: Invalid argument$' \
  "$tmp/err" && pass=$((pass + 1)) || bad "unknown code page: $(cat "$tmp/err")"

# -f decodes names in the report; without it they are Latin-1.
printf 'Message:\n     \nFrom: \225\134\216\246\nContents:\n    0\n' > "$tmp/sjis"
"$CCFIX" -q -f CP932 --report="$tmp/r" "$tmp/sjis" > "$tmp/out"
"$CCFIX" -q "$tmp/sjis" | cmp -s - "$tmp/out" && pass=$((pass + 1)) \
  || bad "-f alone changed the output"
grep -q '"from":"表示"' "$tmp/r" && pass=$((pass + 1)) || bad "-f report: $(cat "$tmp/r")"
"$CCFIX" -q --report="$tmp/r2" "$tmp/sjis" > /dev/null
# Latin-1: U+0095, a backslash (escaped), U+008E, U+00A6, as UTF-8.
grep -qF "\"from\":\"$(printf '\302\225\\\\\302\216\302\246')\"" "$tmp/r2" \
  && pass=$((pass + 1)) || bad "Latin-1 report: $(cat "$tmp/r2")"

# -f names each message in findings by its subject or sender, in the
# locale's character set.
LC_ALL=C.UTF-8 "$CCFIX" -f CP932 "$tmp/sjis" 2> "$tmp/err" > /dev/null
grep -q "^ccfix: $tmp/sjis:1: message 1 (From: 表示): message count blank, now 27\$" "$tmp/err" \
  && pass=$((pass + 1)) || bad "-f in findings: $(cat "$tmp/err")"
LC_ALL=C "$CCFIX" -f CP932 "$tmp/sjis" 2> "$tmp/err" > /dev/null
grep -q "message 1 (From: ??): message count blank" "$tmp/err" \
  && pass=$((pass + 1)) || bad "-f in an ASCII locale: $(cat "$tmp/err")"

# -t: a CP932 character that takes in the first letter of a glued item
# line (0xF2 then "F") would leave "ile item:" once converted, and the
# glued Message: after it would then start a message: the message goes
# through unconverted, framed as the input is.
printf 'Message:\n   80\nFrom: a\nX\362File item: Message:\n     \n' \
  > "$tmp/glued"
printf 'Contents:\n   30\nText item: \n   12\nhello\nworld\n' >> "$tmp/glued"
"$CCFIX" -f CP932 -t UTF-8 "$tmp/glued" > "$tmp/out" 2> "$tmp/err"
[ $? -eq 1 ] && cmp -s "$tmp/out" "$tmp/glued" \
  && grep -q "^ccfix: $tmp/glued:1: message 1 (From: a): a character of \
CP932 there takes in a letter of a keyword; passed through unconverted\$" \
     "$tmp/err" \
  && pass=$((pass + 1)) || bad "-t, a keyword's letter in a character: \
$(cat "$tmp/err")"
# A byte that is no character, after a keyword, is still named as such.
printf 'Message:\n   80\nFrom: a\nText item: x\nMessage: \201\n' > "$tmp/bad"
printf 'Contents:\n   30\nText item: \n   12\nhello\nworld\n' >> "$tmp/bad"
"$CCFIX" -f CP932 -t UTF-8 "$tmp/bad" 2>&1 > /dev/null \
  | grep -q "byte offset 45 is not a character of CP932; passed through" \
  && pass=$((pass + 1)) || bad "-t, a bad byte after a keyword"

summary roundtrip
