#!/bin/sh
# make bench: the engine's figures.  Speed targets are met here, never in
# timed tests.  Usage: scripts/bench.sh BUILD_DIR
set -e
O=${1:-build}
echo "== simulator engine: simulated primitive ops per second of wall time =="
echo "   (targets: >= 20 M ops/s at 64 CPUs on one core; 1024 CPUs >= half of 4)"
"$O/bench/engine" default
for b in "$O"/bench/*; do
	case "$b" in */engine) continue ;; esac
	[ -x "$b" ] || continue
	echo
	"$b"
done
echo
echo "== checker: explored schedules per second (target: >= 100 k on 2-CPU scenarios) =="
"$O/shootdown" check scenarios/concurrent-flush.scn | tail -n 1
"$O/shootdown" check scenarios/switch-mm-barrier.scn | tail -n 1
echo
echo "== checker: the whole corpus, unbounded (DPOR), complete? (goal: < 60 s) =="
t0=$(date +%s.%N)
"$O/shootdown" check --time 60 | awk 'NR > 1 && NF >= 9 { n += $6; if ($8 != "yes" && $8 != "at") c++ }
	/cases:/ { print } END { printf "%d schedules; %d cases cut short\n", n, c }' || true
echo "corpus wall time: $(echo "$(date +%s.%N) - $t0" | bc) s"
echo
echo "== whole runs (simulated result, wall time) =="
for n in 4 64 1024; do
	"$O/shootdown" run --workload madv-touch --protocol concurrent --cpus "$n" \
		--iters 50 --json | sed -n 's/.*"cpus":\([0-9]*\).*"ns_per_iter":\([0-9.]*\).*"sim_ops":\([0-9]*\).*"wall_s":\([0-9.]*\).*/madv-touch concurrent \1 cpus: \2 ns\/iter, \3 sim ops, \4 s wall/p'
done
