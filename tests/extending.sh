#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# extending.sh - docs/extending.md cannot rot: its example protocol is the
# file in the tree, and "one file plus one table line" is shown by adding a
# second protocol to a copy of the tree, building it and running it.
cd "$(dirname "$0")/.."
SD=${SHOOTDOWN:-build/shootdown}
echo "1..6"
n=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the fenced block after "<!-- example: FILE -->"
block() {
	awk -v f="$1" '$0 == "<!-- example: " f " -->" { on = 1; next }
		on && /^```c$/ { inblk = 1; next }
		inblk && /^```$/ { exit }
		inblk { print }' docs/extending.md
}
block proto/example_ceiling.c > "$tmp/doc.c"
cmp -s "$tmp/doc.c" proto/example_ceiling.c
ok $? "docs/extending.md shows proto/example_ceiling.c as it is"
line=$(block proto/protocols.h)
grep -qxF "$line" proto/protocols.h
ok $? "its table line is the one in proto/protocols.h"

out=$("$SD" run -p concurrent-ceiling -w tlb-flush2 -c 4 --param ceiling=0)
echo "$out" | grep -q 'ceiling=0' && echo "$out" | grep -Eq 'ranged flushes +0$'
ok $? "ceiling=0: every ranged flush becomes a full flush"
out=$("$SD" run -p concurrent-ceiling -w tlb-flush2 -c 4)
echo "$out" | grep -q 'ceiling=8' && ! echo "$out" | grep -Eq 'ranged flushes +0$'
ok $? "the default ceiling keeps ranged flushes"

# A new protocol in a copy of the tree: one file, one line, nothing else.
mkdir -p "$tmp/tree"
cp -r Makefile include lib proto hw sim check work cli tests profiles scenarios "$tmp/tree/"
sed 's/concurrent_ceiling_flush_ops/ceiling_two_flush_ops/;
     s/"concurrent-ceiling"/"ceiling-two"/' proto/example_ceiling.c \
	> "$tmp/tree/proto/ceiling_two.c"
sed -i 's/^\(\tP(concurrent_ceiling)\t\\\)$/\1\n\tP(ceiling_two)\t\t\\/' \
	"$tmp/tree/proto/protocols.h"
(cd "$tmp/tree" && make -s -j2 O=b CFLAGS=-O1 b/shootdown b/tests/t_protocols.t) \
	>"$tmp/build.log" 2>&1 &&
	"$tmp/tree/b/shootdown" list protocols | grep -q '^ceiling-two '
ok $? "a protocol added as one file and one table line is listed"
# the safety sweep of tests/t_protocols.c finds it without being told
(cd "$tmp/tree" && b/tests/t_protocols.t) > "$tmp/sweep.tap" 2>&1
grep -q '^ok .*ceiling-two' "$tmp/sweep.tap" && ! grep -q '^not ok' "$tmp/sweep.tap"
ok $? "the safety sweep runs the new protocol and it passes"
