#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# determinism.sh - same command, same bytes, whatever the host allocator
# does: the reference runs (scripts/reference-runs.sh) under glibc malloc
# tunables that change where and in which order the host's memory comes
# (no tcache, a perturbed heap, one arena, small mmap threshold), compared
# byte for byte with a plain run.  Other compilers: make check-compilers.
# TAP output, for prove.
. "$(dirname "$0")/tap.shlib"
REF="$(dirname "$0")/../scripts/reference-runs.sh"

"$REF" "$SD" >"$tmp/plain" 2>&1
ok $? "the reference runs complete"
for t in glibc.malloc.tcache_count=0 glibc.malloc.perturb=165 \
	 glibc.malloc.arena_max=1 \
	 glibc.malloc.tcache_count=0:glibc.malloc.mmap_threshold=4096; do
	GLIBC_TUNABLES=$t "$REF" "$SD" >"$tmp/t" 2>&1
	cmp -s "$tmp/plain" "$tmp/t"
	ok $? "GLIBC_TUNABLES=$t: byte-identical output"
done
echo "1..$n"
