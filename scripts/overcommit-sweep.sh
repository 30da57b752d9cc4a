#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# overcommit-sweep.sh [SHOOTDOWN] [SEEDS] - the correct guest protocols under
# 2x and 3x host overcommit, rcu table freeing, seeds 1..SEEDS, and at 2x
# with twice as many threads as vCPUs (tasks preempted, sleeping, idle
# vCPUs halting): every run must be clean.  The false alarms of the in-flight window and the 50 ms
# watchdog showed up here; `make check-overcommit` runs it (CI does too).
# Prints one line per configuration and a summary; exit 1 on any violation.
SD=${1:-build/shootdown}
SEEDS=${2:-20}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 1)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# gup-fast runs 8 threads on the 4 vCPUs: its unmappers, woken, wait a
# slice behind CPU-bound walkers, so 100 unmaps per run (not its default
# 1000) keep the sweep at minutes
for p in pv hyperv xen; do
	for w in ebizzy tlb-flush2 gup-fast; do
		it=
		[ "$w" = gup-fast ] && it="--iters 100"
		for vms in 2 3; do
			echo "--protocol $p --workload $w --vms $vms --vcpus 4 --pcpus 4 --table-free rcu $it"
		done
		echo "--protocol $p --workload $w --vms 2 --vcpus 4 --pcpus 4 --threads 8 --table-free rcu $it"
	done
done > "$tmp/configs"

# one line per config: its arguments, then violations and exit of the
# summed --repeat run
i=0
while read -r args; do
	i=$((i + 1))
	echo "$i $args"
done < "$tmp/configs" |
xargs -P "$JOBS" -L 1 sh -c '
	n=$1; shift
	out=$("'"$SD"'" run "$@" --repeat '"$SEEDS"' --csv 2>/dev/null)
	rc=$?
	v=$(echo "$out" | awk -F, "NR==1 { for (i = 1; i <= NF; i++) if (\$i == \"violations\") c = i } NR==2 { print \$c }")
	echo "$n rc=$rc violations=${v:-?} $*" > "'"$tmp"'/r.$n"
' sh

cat "$tmp"/r.* | sort -n > "$tmp/all"
cat "$tmp/all"
bad=$(grep -vc 'rc=0 violations=0 ' "$tmp/all")
n=$(wc -l < "$tmp/configs")
echo "overcommit sweep: $n configurations x $SEEDS seeds, $bad with a violation or failure"
[ "$bad" -eq 0 ]
