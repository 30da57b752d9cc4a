#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - the experiments of the seed patch series, rerun on the simulated
# machine.  `make demo` runs it as: ./scripts/demo.sh build/shootdown
#
# Every table is deterministic: run it twice, get the same bytes.  The whole
# demo takes a few seconds to a few tens of seconds on a small host.
set -e

SD=${1:-build/shootdown}

heading() {
	printf '\n==== %s\n' "$1"
	shift
	for line in "$@"; do
		printf '     %s\n' "$line"
	done
	printf '\n'
}

"$SD" --version >/dev/null

# ---- bare metal -------------------------------------------------------------

heading "madv-touch: the concurrent-flush series' microbenchmark" \
	"One thread loops { MADV_DONTNEED a page; write it again } while the" \
	"process's other threads spin, one per CPU, so each iteration is one" \
	"shootdown to every other CPU.  baseline waits for the remote CPUs before" \
	"flushing locally; concurrent flushes locally while the IPIs fly; async" \
	"lets the remote CPUs acknowledge on interrupt entry."
"$SD" compare --workload madv-touch --protocols baseline,concurrent,async \
	--cpus 1,2,4,8,16,64

# The sysbench experiment ran on a 2-socket machine with SMT: use the default
# profile's topology, grown to 48 CPUs if it has fewer.
cpus=$("$SD" list profiles | awk '$1 == "default" { print $2 }')
case $cpus in
''|*[!0-9]*)	cpus=48 ;;
esac
[ "$cpus" -ge 48 ] || cpus=48

# 200 writes per thread instead of the workload's 400 keep the 48-thread runs
# short; the ratios between the protocols are the same.
heading "mmap-rndwr: sysbench fileio rndwr in mmap mode, $cpus-CPU machine" \
	"Threads write random pages of a shared file mapping; every 100 writes" \
	"a thread writes the file back, write-protecting the dirty PTEs, each" \
	"with its shootdown.  Rows are threads (one per CPU, from CPU 0); the" \
	"other CPUs idle.  200 writes per thread (the workload default is 400)."
"$SD" compare --workload mmap-rndwr --protocols baseline,concurrent \
	--cpus "$cpus" --threads 1,2,4,8,16,24,32,48 --iters 200

# ---- virtual machines (issue 4) -----------------------------------------------
#
# VM-TABLE: ebizzy in 1, 2 and 3 VMs of as many vCPUs as the host has CPUs
# (1x, 2x, 3x overcommit), concurrent vs pv, e.g.
#	"$SD" compare --workload ebizzy --protocols concurrent,pv \
#		--vms 1,2,3 --vcpus 8 --pcpus 8
#
# VM-TABLE: the gup-fast hazard: hyperv with --table-free ipi reports a
# page-table use-after-free (exit 1, expected: run it under `if !`), and
# --table-free rcu (and concurrent with ipi) run clean.
