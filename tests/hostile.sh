#!/bin/sh
# Hostile input: none may crash, hang or grow memory without bound, and
# each follows FORMAT.md: status 0 or 1, bytes kept, the output a fixed
# point.  Memory is held to 64 MiB of address space by ulimit -v
# (CCFIX_VMEM_KB: sanitizers and valgrind need more to work at all).
. "${srcdir:-.}/tests/testlib.sh"

# run NAME: repair $tmp/NAME within the memory limit and a time limit, then
# check the status and that the output is a fixed point.
run () {
  name=$1 f=$tmp/$1
  ( ulimit -v "${CCFIX_VMEM_KB:-65536}"; exec timeout 300 "$CCFIX" -q "$f" ) > "$f.out" 2> "$f.err"
  st=$?
  case $st in
    0|1) ok ;;
    *) bad "$name: status $st: $(head -c 300 "$f.err")"; return ;;
  esac
  ( ulimit -v "${CCFIX_VMEM_KB:-65536}"; exec timeout 300 "$CCFIX" -q "$f.out" ) > "$f.out2" 2>/dev/null
  st2=$?
  [ "$st2" -eq "$st" ] && cmp -s "$f.out" "$f.out2" && ok \
    || bad "$name: not a fixed point (status $st then $st2)"
}
# same NAME: the output must be the input, byte for byte.
same () { cmp -s "$tmp/$1" "$tmp/$1.out" && ok || bad "$1: bytes changed"; }

head='Message:\n'
tail='From: A\nContents:\n   20\nText item: \n    2\nx\n'
printf "${head}123456789012345678901234\n${tail}" > "$tmp/digits20"; run digits20
grep -q . "$tmp/digits20.out" && ok
printf "${head}  -44\n${tail}" > "$tmp/negative"; run negative
printf "${head} 4 4\n${tail}" > "$tmp/inner"; run inner
printf "${head}4\0004\n${tail}" > "$tmp/nul"; run nul
for f in digits20 negative inner nul; do
  grep -q '^ *44$' "$tmp/$f.out" && ok || bad "$f: count not repaired"
done

# Tens of MiB with no line end, alone and inside a message.
head -c 30000000 /dev/zero | tr '\0' 'x' > "$tmp/longline"; run longline; same longline
{ printf 'Message:\n     \nContents:\n     \nText item: \n     \n'
  head -c 30000000 /dev/zero | tr '\0' 'y'; } > "$tmp/longdata"; run longdata
{ printf 'Message:\n'; head -c 20000000 /dev/zero | tr '\0' ' '; printf '\nContents:\n0\n'; } \
  > "$tmp/longslot"; run longslot

# A million empty messages.
awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "Message:\n     \nContents:\n     \n" }' \
  > "$tmp/million"; run million
[ "$(grep -c '^    0$' "$tmp/million.out")" -eq 1000000 ] && ok || bad "million: contents counts"

# A hundred thousand items whose counts land nowhere: the scan must stay
# linear.
awk 'BEGIN { printf "Message:\n\nContents:\n\n"
  for (i = 0; i < 100000; i++) printf "Text item: \n1\nxy\n"
  printf "Message:\n\nContents:\n\n" }' > "$tmp/manyitems"; run manyitems

# Items: 16384 frame (by counts, by scan, by a cut from the contents
# count), one more is passed through whole, and a million stay within the
# memory limit.
items () {  # N COUNT: a message of N items "x", item counts COUNT
  awk -v n="$1" -v c="$2" 'BEGIN { printf "Message:\n     \nContents:\n%s\n", \
      (c == "cut" ? 17 * n : "     ")
    for (i = 0; i < n; i++) printf "Text item:\n%s\nx\n", (c == "cut" ? "   " : c)
    printf "Message:\n   36\nContents:\n   20\nText item: \n    2\nx\n" }'
}
for how in counts scan cut; do
  c=$how; [ $how = counts ] && c='  1'; [ $how = scan ] && c='   '
  items 16384 "$c" > "$tmp/items-$how"; run "items-$how"
  [ $st -eq 0 ] && ok || bad "16384 items by $how: status $st"
  "$CCFIX" --check -q "$tmp/items-$how.out" && ok || bad "16384 items by $how: not repaired"
  "$CCFIX" "$tmp/items-$how" 2>&1 >/dev/null | grep -c 'found by scan' > "$tmp/n"
  case $how in scan) w=16386 ;; *) w=0 ;; esac
  [ "$(cat "$tmp/n")" -eq $w ] && ok || bad "16384 items by $how: $(cat "$tmp/n") found by scan"
  items 16385 "$c" > "$tmp/over-$how"; run "over-$how"
  [ $st -eq 1 ] && ok || bad "16385 items by $how: status $st"
  head -n $((3 + 3 * 16385 + 1)) "$tmp/over-$how" | cmp -s - "$(head -n $((3 + 3 * 16385 + 1)) "$tmp/over-$how.out" > "$tmp/o"; echo "$tmp/o")" \
    && ok || bad "16385 items by $how: changed"
  "$CCFIX" "$tmp/over-$how" 2>&1 >/dev/null | grep -q 'message 1: more than 16384 items; passed through' \
    && ok || bad "16385 items by $how: not said"
done
items 1000000 '   ' > "$tmp/items-million"; run items-million; same items-million

# A finding after an item jumped over (a regular file) or read through (a
# pipe) names the line grep names.
{ printf 'Message:\n   3000044\nContents:\n   3000023\nText item: \n   3000000\n'
  awk 'BEGIN { for (i = 0; i < 300000; i++) printf "123456789\n" }'
  printf 'Message:\n     \nContents:\n   20\nText item: \n    2\nx\n'; } > "$tmp/jump"
want=$(grep -n '^Message:' "$tmp/jump" | sed -n '2s/:.*//p')
"$CCFIX" "$tmp/jump" 2>&1 >/dev/null | grep -q "^ccfix: $tmp/jump:$want: message 2: message count blank" \
  && ok || bad "line after a jump: $("$CCFIX" "$tmp/jump" 2>&1 >/dev/null)"
cat "$tmp/jump" | "$CCFIX" 2>&1 >/dev/null | grep -q "^ccfix: -:$want: message 2: message count blank" \
  && ok || bad "line after a pipe: $(cat "$tmp/jump" | "$CCFIX" 2>&1 >/dev/null)"

# Only separators; keywords without line ends; a 0x1A in the middle.
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "\r\n\n" }' > "$tmp/separators"
run separators; same separators
printf 'Message:' > "$tmp/kw1"; run kw1; same kw1
printf 'Message:\n   10\nContents:' > "$tmp/kw2"; run kw2; same kw2
printf 'Message:\n     \nContents:\n     \nText item:' > "$tmp/kw3"; run kw3; same kw3
printf "${head}   44\n${tail}\032${head}     \n${tail}" > "$tmp/sub"; run sub

# Every prefix of a valid sample: truncation at every byte.
printf 'Message:\r\n    95\r\nFrom: A\r\nContents:\r\n    67\r\nText item: \r\n     7\r\nhello\r\nFile item: A.BIN\r\n    13\r\n\000\r\nMessage:\n\032Message:\r\n    45\r\nContents:\r\n    26\r\nText item: \r\n     5\r\nbye\r\n\032' \
  > "$tmp/sample"
n=$(wc -c < "$tmp/sample")
"$CCFIX" --check "$tmp/sample" 2> "$tmp/sample.err" && ok || bad "sample is not healthy: $(cat "$tmp/sample.err")"
i=0 prefixes_bad=0
while [ $i -le "$n" ]; do
  head -c $i "$tmp/sample" > "$tmp/p"
  "$CCFIX" -q "$tmp/p" > "$tmp/p.out" 2>/dev/null; st=$?
  "$CCFIX" -q "$tmp/p.out" > "$tmp/p.out2" 2>/dev/null; st2=$?
  if [ $st -gt 1 ] || [ $st2 -ne $st ] || ! cmp -s "$tmp/p.out" "$tmp/p.out2"; then
    prefixes_bad=$((prefixes_bad + 1)); echo "prefix $i: status $st/$st2"
  fi
  i=$((i + 1))
done
[ $prefixes_bad -eq 0 ] && ok || bad "$prefixes_bad prefixes of the sample"
# Cut inside the counted binary item: passed through, never re-counted.
head -c 105 "$tmp/sample" > "$tmp/cut"; run cut; same cut
"$CCFIX" "$tmp/cut" 2>&1 >/dev/null | grep -q 'message 1: cut short: the item 2 count runs past the end' \
  && ok || bad "cut inside item data: not reported as cut short"
# Cut in the next Message: line: the whole message before it stands.
head -c 115 "$tmp/sample" > "$tmp/cut2"; run cut2; same cut2
"$CCFIX" "$tmp/cut2" 2>&1 >/dev/null | grep -q 'message 2: cut short' && ok \
  || bad "cut in a Message: line: $("$CCFIX" "$tmp/cut2" 2>&1 >/dev/null)"

summary hostile
