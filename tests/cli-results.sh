#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cli-results.sh - what run and compare print: the acceptance comparison of
# baseline and concurrent, the JSON fields, determinism (same arguments,
# same bytes), failure reporting and exit statuses.  TAP output, for prove.
. "$(dirname "$0")/tap.shlib"

# field NAME < JSON-LINES: the value of NAME on each line.
field() {
	sed -n "s/.*\"$1\":\\([^,}]*\\).*/\\1/p"
}

# value PROTOCOL CPUS NAME < JSON-LINES
value() {
	grep "\"protocol\":\"$1\"," | grep "\"cpus\":$2," | field "$3"
}

# ---- the acceptance comparison ------------------------------------------------
"$SD" compare --workload madv-touch --protocols baseline,concurrent --cpus 1,2,4 \
	--json >"$tmp/acc.json" 2>"$tmp/err"
ok $? "compare madv-touch baseline,concurrent 1,2,4 exits 0"
[ "$(wc -l <"$tmp/acc.json")" -eq 6 ] && ! grep -qv '^{.*}$' "$tmp/acc.json"
ok $? "it prints exactly 6 JSON lines"
[ ! -s "$tmp/err" ]
ok $? "and nothing on stderr"

for cpus in 2 4; do
	b=$(value baseline $cpus ns_per_iter <"$tmp/acc.json")
	c=$(value concurrent $cpus ns_per_iter <"$tmp/acc.json")
	awk -v b="$b" -v c="$c" 'BEGIN { exit !(b > 0 && c > 0 && c < b) }'
	ok $? "concurrent is faster than baseline at $cpus cpus ($c < $b ns)"
done
b=$(value baseline 1 ns_per_iter <"$tmp/acc.json")
c=$(value concurrent 1 ns_per_iter <"$tmp/acc.json")
awk -v b="$b" -v c="$c" 'BEGIN { d = (c - b) / b; exit !(b > 0 && d < 0.02 && d > -0.02) }'
ok $? "concurrent is within 2% of baseline at 1 cpu ($c vs $b ns)"

keys=$(head -n 1 "$tmp/acc.json" | grep -o '"[a-z_]*":' | tr -d '":' | tr '\n' ' ')
want="protocol workload cpus threads lazy profile seed repeat mutate params iters ns_per_iter ops_per_sec shootdowns ipis ipis_per_shootdown full_flushes partial_flushes lazy_skipped vms vcpus pcpus table_free host_mutate per_vm pv_skipped hypercalls pv_kicks steal_ns walks context_switches wakeup_ipis idle_ns lazy_entries spin_wait_ns ptl_wait_ns mmap_lock_wait_ns violations sim_ops sim_ns wall_s exit failure "
[ "$keys" = "$want" ]
ok $? "JSON keys in the documented order"

# ---- determinism ---------------------------------------------------------------
args="--workload tlb-flush2 --protocols baseline,concurrent --cpus 2,4"
"$SD" compare $args >"$tmp/t1" && "$SD" compare $args >"$tmp/t2" && cmp -s "$tmp/t1" "$tmp/t2"
ok $? "the table is byte-identical across runs"
"$SD" compare $args --csv >"$tmp/c1" && "$SD" compare $args --csv >"$tmp/c2" && cmp -s "$tmp/c1" "$tmp/c2"
ok $? "the CSV is byte-identical across runs"
"$SD" compare $args --json | sed 's/"wall_s":[^,]*,//' >"$tmp/j1" &&
"$SD" compare $args --json | sed 's/"wall_s":[^,]*,//' >"$tmp/j2" && cmp -s "$tmp/j1" "$tmp/j2"
ok $? "the JSON is identical across runs but for wall_s"
! grep -q wall "$tmp/t1" "$tmp/c1"
ok $? "neither table nor CSV shows wall time"

"$SD" run --cpus 4 --iters 20 --trace "$tmp/a.trace" >/dev/null &&
"$SD" run --cpus 4 --iters 20 --trace "$tmp/b.trace" >/dev/null &&
[ -s "$tmp/a.trace" ] && cmp -s "$tmp/a.trace" "$tmp/b.trace"
ok $? "the trace is byte-identical across runs"
[ ! -e "$tmp/a.trace.tmp" ]
ok $? "no temporary trace file is left"

"$SD" run --workload tlb-flush2 --cpus 4 --seed 1 --csv >"$tmp/s1" &&
"$SD" run --workload tlb-flush2 --cpus 4 --seed 2 --csv >"$tmp/s2" &&
! cmp -s "$tmp/s1" "$tmp/s2"
ok $? "a different seed changes a multi-threaded throughput run"

# A cell's result is the same alone or in any grid, whatever else the process
# allocated before it: the simulation must not depend on host addresses.
"$SD" compare --workload madv-touch --protocols concurrent --cpus 2,4 --csv >"$tmp/g1"
"$SD" compare --workload madv-touch --protocols baseline,concurrent --cpus 2,4 --csv |
	grep -v '^baseline,' >"$tmp/g2"
cmp -s "$tmp/g1" "$tmp/g2"
ok $? "madv-touch: a compare cell does not depend on the rest of the grid"
for w in madv-touch tlb-flush1 mmap-rndwr; do
	"$SD" run --workload $w --cpus 4 --iters 50 --csv >"$tmp/r1"
	"$SD" run --workload $w --cpus 4 --iters 50 --csv --protocol concurrent >"$tmp/r2"
	cmp -s "$tmp/r1" "$tmp/r2"
	ok $? "$w: a default is the same as spelling it out (host heap layout)"
done

# ---- shapes of the grid -----------------------------------------------------------
"$SD" compare --workload mmap-rndwr --protocols baseline,concurrent --cpus 8 \
	--threads 1,2,4 --iters 50 --csv >"$tmp/thr.csv"
[ "$(awk -F, 'NR > 1 && $3 == 8 { print $4 }' "$tmp/thr.csv" | tr '\n' ' ')" = "1 1 2 2 4 4 " ]
ok $? "--threads list with one --cpus: rows over threads on 8 cpus"
"$SD" compare --workload mmap-rndwr --protocols baseline,concurrent --cpus 8 \
	--threads 1,2,4 --iters 50 >"$tmp/thr.txt"
grep -q '^ *threads  *baseline  *concurrent$' "$tmp/thr.txt" &&
	grep -q '^ *4  *[0-9]*/s  *[0-9]*/s ([-+][0-9]*\.[0-9]%)$' "$tmp/thr.txt"
ok $? "the table has a threads column and relative changes"

"$SD" run --cpus 64 --json >"$tmp/64.json"
[ "$(field ipis_per_shootdown <"$tmp/64.json")" = "63.00" ]
ok $? "concurrent madv-touch on 64 busy cpus: 63 IPIs per shootdown"
"$SD" run --cpus 64 --lazy 32 --json >"$tmp/64l.json"
awk -v x="$(field ipis_per_shootdown <"$tmp/64l.json")" -v s="$(field lazy_skipped <"$tmp/64l.json")" \
	'BEGIN { exit !(x < 63 && s > 0) }'
ok $? "with 32 lazy cpus: fewer IPIs per shootdown, lazy CPUs skipped"
"$SD" run --cpus 1024 --iters 20 --json >"$tmp/1024.json"
ok $? "a 1024-cpu run completes"

# ---- failures ----------------------------------------------------------------------
"$SD" run --workload tlb-flush2 --cpus 4 --mutate skip-local --json >"$tmp/m.json" 2>"$tmp/m.err"
rc=$?
[ $rc -eq 1 ]
ok $? "a mutant (skip-local) is caught: exit 1 ($rc)"
grep -q '^shootdown: concurrent/tlb-flush2/4 cpus: .' "$tmp/m.err"
ok $? "the failure line names protocol, workload and cpus: $(grep '^shootdown:' "$tmp/m.err")"
[ "$(field exit <"$tmp/m.json")" = 1 ] && [ "$(field violations <"$tmp/m.json")" -gt 0 ] &&
	[ "$(field failure <"$tmp/m.json")" != null ]
ok $? "its JSON says exit 1, violations > 0, and why"

"$SD" compare --workload tlb-flush2 --protocols baseline,concurrent --cpus 2,4 \
	--mutate skip-local --csv >"$tmp/mc.csv" 2>/dev/null
rc=$?
[ $rc -eq 1 ]
ok $? "a compare with a caught mutant exits 1 ($rc)"
[ "$(wc -l <"$tmp/mc.csv")" -eq 5 ]
ok $? "and still prints every row"

if [ -w /dev/full ]; then
	"$SD" list protocols >/dev/full 2>"$tmp/full.err"
	rc=$?
	[ $rc -eq 3 ] && [ "$(wc -l <"$tmp/full.err")" -eq 1 ]
	ok $? "a write error on stdout: exit 3 and one line ($rc)"
else
	ok 0 "# SKIP no /dev/full"
fi

# ---- check: a search cut short is Unknown, not Never --------------------------
"$SD" check scenarios/async-nmi.scn --steps 50 >"$tmp/unk.out" 2>&1
rc=$?
[ $rc -eq 4 ] && grep -q 'Unknown' "$tmp/unk.out"
ok $? "check: a search stopped by --steps reports Unknown and exits 4 (got $rc)"

echo "1..$n"
