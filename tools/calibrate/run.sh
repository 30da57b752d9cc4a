#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# run.sh - build the calibration programs into build/calibrate/ and run them.
# Results go to stdout and build/calibrate/results.txt; the figures in
# profiles/host.profile and docs/profiles.md come from this.
#
# The programs need the machine to themselves: pingpong, ipi and
# madvise_ipi use both CPU 0 and CPU 1, and anything else running skews
# every figure.  Before each program the script samples /proc/stat for two
# seconds and notes in the output when the CPUs were not idle; with
# CALIB_WAIT=N it first waits up to N seconds for them to become idle.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
out="$top/build/calibrate"
src="$top/tools/calibrate"
CC=${CC:-gcc}
progs=${PROGS:-"tlbinfo core pingpong syscall pagefault ctxsw noise ipi madvise_ipi pagewalk dram"}
mkdir -p "$out"
for p in $progs; do
	$CC -std=gnu11 -O2 -Wall -Wextra -pthread -o "$out/$p" "$src/$p.c"
done

# Percentage of CPU time that was idle over the next two seconds.
idle_pct() {
	set -- $(head -1 /proc/stat)
	i0=$(($5 + $6)); t0=$(($2 + $3 + $4 + $5 + $6 + $7 + $8 + $9))
	sleep 2
	set -- $(head -1 /proc/stat)
	i1=$(($5 + $6)); t1=$(($2 + $3 + $4 + $5 + $6 + $7 + $8 + $9))
	echo $(( 100 * (i1 - i0) / (t1 - t0 + 1) ))
}

# Wait (up to CALIB_WAIT seconds) for idle CPUs; warn if they are not.
settle() {
	waited=0
	idle=$(idle_pct)
	while [ "$idle" -lt 90 ] && [ "$waited" -lt "${CALIB_WAIT:-0}" ]; do
		sleep 8
		waited=$((waited + 10))
		idle=$(idle_pct)
	done
	if [ "$idle" -lt 90 ]; then
		echo "# WARNING: CPUs only ${idle}% idle; this figure is not clean. Busiest:"
		ps -eo pcpu,pid,comm --sort=-pcpu | sed -n '2,3s/^/#   /p'
	fi
}

{
	echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -r)"
	echo "# $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')," \
	     "$(nproc) CPUs$(grep -q hypervisor /proc/cpuinfo && echo ', virtual machine')"
	for p in $progs; do
		echo "## $p"
		settle
		"$out/$p"
	done
} | tee "$out/results.txt"
