#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh DIR SECONDS [NAME...] - run the fuzzers built in DIR/tests/fuzz
# (make fuzz), SECONDS each, one after another.  Each starts from its seeds
# in tests/fuzz/corpus/NAME and keeps what it finds in DIR/corpus/NAME;
# a finding is saved under DIR/artifacts and fails the run.
set -u
dir=$1
secs=$2
shift 2
src=$(dirname "$0")
[ $# -gt 0 ] || set -- profile scenario options
mkdir -p "$dir/artifacts"
status=0
for name in "$@"; do
	mkdir -p "$dir/corpus/$name"
	dict=
	[ -f "$src/$name.dict" ] && dict=-dict=$src/$name.dict
	echo "fuzz $name: $secs s"
	# -close_fd_mask=1: the harnesses' stdout is not the report
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	"$dir/tests/fuzz/fuzz_$name" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
		-close_fd_mask=1 $dict \
		-artifact_prefix="$dir/artifacts/$name-" \
		"$dir/corpus/$name" "$src/corpus/$name" \
		>"$dir/$name.log" 2>&1
	rc=$?
	grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss)' \
		"$dir/$name.log" | sed "s/^/  $name: /"
	if [ $rc -ne 0 ]; then
		echo "fuzz $name: FAILED (exit $rc), the end of $dir/$name.log:"
		tail -40 "$dir/$name.log"
		status=1
	fi
done
exit $status
