#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# reference-runs.sh - six representative runs and a checker scenario, whose
# output must be the same bytes on any host: with any allocator settings
# (tests/determinism.sh) and from any compiler (scripts/check-compilers.sh).
# Usage: scripts/reference-runs.sh SHOOTDOWN_BINARY
SD=${1:?usage: reference-runs.sh SHOOTDOWN_BINARY}
TOP=$(dirname "$0")/..
set -e
"$SD" run --workload madv-touch --cpus 64 --iters 30 --csv
"$SD" run --workload ebizzy --protocol pv --vms 3 --vcpus 4 --pcpus 4 --csv
"$SD" run --workload mmap-rndwr --cpus 8 --iters 100 --csv
"$SD" run --workload kernbench --cpus 8 --iters 20 --csv
"$SD" run --workload gup-fast --protocol hyperv --vms 1 --vcpus 8 \
	--table-free rcu --iters 200 --csv
"$SD" run --workload tlb-flush2 --protocol async --cpus 4 --csv
# the checker's own timings are the one thing that may differ
"$SD" check "$TOP/scenarios/concurrent-flush.scn" --json |
	sed 's/"seconds":[0-9.]*//; s/"first_seconds":[0-9.]*//'
