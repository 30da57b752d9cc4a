#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check-compilers.sh - the reference runs give the same bytes from binaries
# built by gcc and clang at -O0 and -O2.  make check-compilers runs it;
# each build goes to build/cc-NAME.  Exits 1 on the first difference.
set -e
cd "$(dirname "$0")/.."
ref=""
status=0
for v in gcc:-O2 gcc:-O0 clang:-O2 clang:-O0; do
	cc=${v%%:*}
	opt=${v#*:}
	dir=build/cc-$cc$opt
	make -s O="$dir" CC="$cc" CFLAGS="$opt -g" "$dir/shootdown" >/dev/null
	scripts/reference-runs.sh "$dir/shootdown" >"$dir/reference.out" 2>&1
	if [ -z "$ref" ]; then
		ref=$dir/reference.out
		echo "check-compilers: $cc $opt: reference"
	elif cmp -s "$ref" "$dir/reference.out"; then
		echo "check-compilers: $cc $opt: identical"
	else
		echo "check-compilers: $cc $opt: DIFFERS from $ref:"
		diff "$ref" "$dir/reference.out" | head -5
		status=1
	fi
done
exit $status
