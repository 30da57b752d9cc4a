#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bad-scenarios.sh - every file in tests/bad-scenarios/ is refused by
# shootdown check before anything runs: exit 2, nothing on stdout, one
# stderr line "shootdown: FILE:LINE: ...".  Each file's first line says
# where and what: "# line N: FRAGMENT".  TAP output, for prove.
. "$(dirname "$0")/tap.shlib"

dir=$(cd "$(dirname "$0")/bad-scenarios" && pwd)
for f in "$dir"/*.scn; do
	spec=$(head -n 1 "$f")
	line=$(echo "$spec" | sed -n 's/^# line \([0-9]*\): .*/\1/p')
	want=$(echo "$spec" | sed -n 's/^# line [0-9]*: //p')
	name=$(basename "$f")
	"$SD" check "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ -n "$line" ] && [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] &&
	   [ ! -s "$tmp/out" ] &&
	   grep -qF -- "shootdown: $f:$line: " "$tmp/err" &&
	   grep -qF -- "$want" "$tmp/err" &&
	   ! LC_ALL=C grep -q '[^ -~]' "$tmp/err"; then
		ok 0 "$name -> exit 2 at line $line: $(cut -c 1-160 "$tmp/err")"
	else
		ok 1 "$name -> exit $rc, $lines stderr lines, wanted line $line '$want': $(head -c 300 "$tmp/err")"
	fi
done
echo "1..$n"
