#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# layers.sh - the tree keeps its layering (scripts/layers.sh), and the check
# catches a violation planted in a copy of the tree and a cycle.
cd "$(dirname "$0")/.."
echo "1..4"
n=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

out=$(scripts/layers.sh 2>&1)
ok $? "the tree: no include crosses a layer the wrong way${out:+ ($out)}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for d in include lib proto hw sim check work cli; do
	mkdir -p "$tmp/$d"
	cp "$d"/*.[ch] "$tmp/$d/" 2>/dev/null || true
done
cp -r scripts "$tmp/"

echo '#include "sim/internal.h"' >> "$tmp/proto/tlb.c"
out=$(scripts/layers.sh "$tmp" 2>&1)
rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q 'proto/tlb.c.*sim/internal.h'
ok $? "protocol code that includes an engine is refused"

sed -i '$d' "$tmp/proto/tlb.c"
echo '#include "work/workload.h"' >> "$tmp/hw/tlb.c"
out=$(scripts/layers.sh "$tmp" 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q 'hw/tlb.c.*work/workload.h'
ok $? "the machine model including a workload is refused"

sed -i '$d' "$tmp/hw/tlb.c"
# a cycle the per-directory rules allow only if both rules are loosened
sed -i 's|allow\["hw"\] = " include lib hw "|allow["hw"] = " include lib hw sim "|' "$tmp/scripts/layers.sh"
echo '#include "sim/internal.h"' >> "$tmp/hw/tlb.c"
out=$("$tmp/scripts/layers.sh" "$tmp" 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q 'cycle'
ok $? "a cycle between directories is found (hw <-> sim)"
