#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# topologies.sh - VM topologies whose vCPU counts do not divide evenly over
# the host CPUs, more VMs than host CPUs, a single host CPU, vCPUs that
# outnumber the host many times over: each runs to its end without a
# violation (and, in make check-sanitize, without a memory error).
. "$(dirname "$0")/tap.shlib"

for t in "5 3 2" "1 3 2" "2 5 3" "3 1 2" "4 2 7" "7 3 1" "16 3 5" "2 9 4" "1 1 1"; do
	set -- $t
	"$SD" run --workload tlb-flush2 --protocol pv --vms "$1" --vcpus "$2" \
		--pcpus "$3" --iters 40 --csv >"$tmp/out" 2>"$tmp/err"
	ok $? "$1 VMs of $2 vCPUs on $3 host CPUs $(head -c 200 "$tmp/err")"
done
"$SD" run --workload ebizzy --protocol pv --vms 5 --vcpus 3 --pcpus 2 --csv \
	>"$tmp/out" 2>"$tmp/err"
ok $? "ebizzy, pv, 5 VMs of 3 vCPUs on 2 host CPUs $(head -c 200 "$tmp/err")"
echo "1..$n"
