#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cli-list.sh - `shootdown list` prints every kind, and every name it lists
# is one that run accepts.  TAP output, for prove.
. "$(dirname "$0")/tap.shlib"

for kind in protocols workloads mutants profiles params; do
	"$SD" list $kind >"$tmp/$kind" 2>"$tmp/err"
	ok $? "list $kind exits 0"
	[ -s "$tmp/$kind" ] && [ ! -s "$tmp/err" ] &&
		awk 'NF < 2 { exit 1 }' "$tmp/$kind"
	ok $? "list $kind: a name and a summary on every line"
done

grep -q '^concurrent ' "$tmp/protocols" && grep -q '^madv-touch ' "$tmp/workloads" &&
	grep -q '^skip-local ' "$tmp/mutants" && grep -q '^default ' "$tmp/profiles"
ok $? "the lists hold the known names"

"$SD" list >"$tmp/all"
for kind in protocols workloads mutants profiles params; do
	grep -q "^$kind:" "$tmp/all" || break
done
ok $? "list without an argument prints all five lists"

# Every bare-metal protocol and every workload runs (briefly) and is clean.
for p in $(grep -v 'needs --vms' "$tmp/protocols" | awk '/^[^ ]/ { print $1 }'); do
	"$SD" run --protocol "$p" --cpus 4 --iters 3 --csv >/dev/null 2>"$tmp/err"
	ok $? "listed protocol $p runs clean $(head -c 200 "$tmp/err")"
done
# Workloads that run for a simulated time refuse --iters: run those as they are.
for w in $(awk '{ print $1 }' "$tmp/workloads"); do
	"$SD" run --workload "$w" --cpus 2 --iters 3 --csv >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 2 ] && grep -q 'simulated time' "$tmp/err"; then
		"$SD" run --workload "$w" --cpus 2 --csv >/dev/null 2>"$tmp/err"
		rc=$?
	fi
	ok $rc "listed workload $w runs clean $(head -c 200 "$tmp/err")"
done
for m in $(awk '{ print $1 }' "$tmp/mutants"); do
	"$SD" run --mutate "$m" --help >/dev/null 2>&1
	ok $? "listed mutant $m is accepted"
done
for prof in $(awk '{ print $1 }' "$tmp/profiles"); do
	"$SD" run --profile "$prof" --cpus 2 --iters 2 --csv >/dev/null 2>"$tmp/err"
	ok $? "listed profile $prof loads and runs $(head -c 200 "$tmp/err")"
done

echo "1..$n"
