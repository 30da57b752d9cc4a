#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cli-output.sh - where run and compare write, and what is left when that
# fails or they are interrupted: --trace writes through devices, FIFOs and
# symbolic links and never replaces the file it names; a bad trace path or
# an unwritable stdout stops the command before it runs anything; SIGINT
# and SIGTERM print what finished and exit 128+signal, leaving the trace
# file as it was.  TAP output, for prove.
. "$(dirname "$0")/tap.shlib"

cd "$tmp" || exit 1

# A run far longer than any test may wait (tlb-flush2 at 1024 CPUs takes
# minutes): a command that must stop before running it returns at once, and
# one interrupted in it shows the interrupt was taken in the middle of a run.
LONG="--workload tlb-flush2 --cpus 1024"

# Under timeout(1) when there is one, so a regression fails instead of
# hanging the suite.
guard() {
	if command -v timeout >/dev/null; then
		timeout 120 "$@"
	else
		"$@"
	fi
}

# wait_for FILE PATTERN: until a line of FILE matches (at most ~60 s).
wait_for() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 600 ] && return 1
		sleep 0.1
	done
}

# wait_tmpfile PID: until PID holds its unlinked trace file open (the
# arguments are checked, the run is about to start), at most ~60 s.
wait_tmpfile() {
	i=0
	while ! ls -l "/proc/$1/fd" 2>/dev/null | grep -q '(deleted)'; do
		i=$((i + 1))
		[ $i -gt 600 ] && return 1
		sleep 0.1
	done
}

small="--cpus 4 --iters 10"
"$SD" run $small --trace ref.json >/dev/null
ok $? "a trace to a new file"

# ---- what --trace writes to -----------------------------------------------------
echo old >real
ln -s real link
"$SD" run $small --trace link >/dev/null &&
[ -L link ] && [ "$(readlink link)" = real ] && cmp -s real ref.json
ok $? "a symbolic link is written through and stays a link"

ln -s target dangling
"$SD" run $small --trace dangling >/dev/null &&
[ -L dangling ] && cmp -s target ref.json
ok $? "a dangling symbolic link: its target is created"

echo old >inode
ln inode hardlink
before=$(ls -i inode | cut -d' ' -f1)
"$SD" run $small --trace inode >/dev/null &&
[ "$(ls -i inode | cut -d' ' -f1)" = "$before" ] && cmp -s hardlink ref.json
ok $? "a regular file is rewritten in place: same inode, hard links see it"

# The old scheme wrote FILE.tmp and renamed it: a directory there broke it.
mkdir busy.json.tmp
"$SD" run $small --trace busy.json >/dev/null && cmp -s busy.json ref.json &&
[ -d busy.json.tmp ] && [ -z "$(ls busy.json.tmp)" ]
ok $? "no FILE.tmp is used (a directory of that name is left alone)"
rmdir busy.json.tmp

if mkfifo fifo 2>/dev/null; then
	cat fifo >from-fifo &
	reader=$!
	"$SD" run $small --trace fifo >/dev/null
	rc=$?
	wait $reader
	[ $rc -eq 0 ] && [ -p fifo ] && cmp -s from-fifo ref.json
	ok $? "a FIFO is written to as it is"
else
	ok 0 "# SKIP no mkfifo"
fi

if [ "$(id -u)" = 0 ]; then
	"$SD" run $small --trace /dev/null >/dev/null && [ -c /dev/null ]
	ok $? "--trace /dev/null as root leaves /dev/null a character device"
else
	ok 0 "# SKIP --trace /dev/null: not root, cannot replace it anyway"
fi

# ---- a bad trace path: exit 2 before anything runs -----------------------------
# trace_rejected WANT ARGS...: exit 2 under guard, one stderr line
# "shootdown: --trace: ..." matching the regex WANT, no stdout (./out, ./err).
# Not tap.shlib's usage_error: that one is not under timeout(1), takes WANT
# as a fixed string anywhere in the line, and words its results differently.
trace_rejected() {
	want=$1
	shift
	guard "$SD" "$@" >out 2>err
	rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] && [ ! -s out ] &&
		grep -q "^shootdown: --trace: .*$want" err
	ok $? "$* -> exit 2 at once ($rc): $(head -c 200 err)"
}

mkdir dir
trace_rejected "'dir': Is a directory"	run $LONG --trace dir
trace_rejected "'none/t.json'"		run $LONG --trace none/t.json
trace_rejected "empty file name"	run $LONG --trace ''
if [ "$(id -u)" != 0 ]; then
	echo keep >readonly
	chmod 444 readonly
	trace_rejected "'readonly'"	run $LONG --trace readonly
	[ "$(cat readonly)" = keep ]
	ok $? "and the read-only file is as it was"
else
	ok 0 "# SKIP read-only trace file: root writes anyway"
	ok 0 "# SKIP read-only trace file: root writes anyway"
fi
[ -z "$(ls dir)" ] && [ ! -e none ] && [ -z "$(find . -name '*.tmp')" ]
ok $? "rejected commands leave no files behind"

"$SD" run $small --trace /dev/full >out 2>err
rc=$?
[ $rc -eq 3 ] && [ "$(grep -c '^shootdown:' err)" -eq 1 ] && grep -q 'trace' err
ok $? "a trace that cannot be written (/dev/full): exit 3 and one line ($rc)"

# ---- an unwritable stdout -----------------------------------------------------------
if [ -w /dev/full ]; then
	guard "$SD" compare $LONG >/dev/full 2>err
	rc=$?
	[ $rc -eq 3 ] && [ "$(wc -l <err)" -eq 1 ] && grep -q 'cannot write output' err
	ok $? "compare's table to /dev/full: exit 3 before the first run ($rc)"
	guard "$SD" compare $LONG --csv >/dev/full 2>err
	rc=$?
	[ $rc -eq 3 ] && [ "$(wc -l <err)" -eq 1 ]
	ok $? "compare --csv to /dev/full: exit 3 before the first run ($rc)"
	guard "$SD" compare --workload tlb-flush2 --protocols concurrent \
		--cpus 4,1024 --json >/dev/full 2>err
	rc=$?
	[ $rc -eq 3 ] && [ "$(wc -l <err)" -eq 1 ]
	ok $? "compare --json to /dev/full: exit 3 at the first row, not the last ($rc)"
else
	for i in 1 2 3; do ok 0 "# SKIP no /dev/full"; done
fi

# ---- SIGINT and SIGTERM -----------------------------------------------------------
# The first cell is quick, the second long: the signal is sent once the
# first one has printed, so it lands in the second whatever the host's speed.
"$SD" compare --workload tlb-flush2 --protocols concurrent --cpus 4,1024 \
	--json >int.json 2>int.err &
pid=$!
wait_for int.json '^{'
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 130 ]
ok $? "SIGINT during compare --json: exit 130 ($rc)"
[ "$(wc -l <int.json)" -eq 1 ] && grep -q '"cpus":4,' int.json
ok $? "the finished row was printed, the interrupted one not"
grep -q '^shootdown: interrupted by SIGINT after 1 of 2 runs$' int.err
ok $? "one line says so: $(tail -n 1 int.err)"

"$SD" compare --workload tlb-flush2 --protocols concurrent --cpus 4,1024 \
	--csv >term.csv 2>/dev/null &
pid=$!
wait_for term.csv '^concurrent,'
kill -TERM $pid
wait $pid
rc=$?
[ $rc -eq 143 ] && [ "$(wc -l <term.csv)" -eq 2 ]
ok $? "SIGTERM: exit 143, the header and the finished row ($rc)"

# The table is printed at the end, so the first cell's end is seen on stderr:
# a caught mutant's failure line comes as soon as its run is over.
"$SD" compare --workload tlb-flush2 --mutate skip-local --protocols concurrent \
	--cpus 4,1024 >int.txt 2>int.err &
pid=$!
wait_for int.err '^shootdown: concurrent/tlb-flush2/4 cpus'
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 130 ]
ok $? "SIGINT during compare's table: exit 130 ($rc)"
grep -q '^ *4  *FAILED$' int.txt && ! grep -q '^ *1024 ' int.txt
ok $? "the table has the finished row only"
[ "$(tail -n 1 int.txt)" = "interrupted: 1 of 2 runs done" ]
ok $? "and is marked interrupted: $(tail -n 1 int.txt)"

# An interrupted run keeps a regular trace file as it was, removes one it
# created, and leaves no temporary file (it never had a name).
echo old >keep.json
"$SD" run $LONG --trace keep.json >/dev/null 2>&1 &
pid=$!
if [ -d /proc/$pid ]; then
	wait_tmpfile $pid
	kill -INT $pid
	wait $pid
	rc=$?
	[ $rc -eq 130 ] && [ "$(cat keep.json)" = old ]
	ok $? "SIGINT during run --trace FILE: exit 130, FILE as it was ($rc)"

	"$SD" run $LONG --trace fresh.json >/dev/null 2>&1 &
	pid=$!
	wait_tmpfile $pid
	kill -TERM $pid
	wait $pid
	rc=$?
	[ $rc -eq 143 ] && [ ! -e fresh.json ]
	ok $? "SIGTERM during run --trace NEW: exit 143, NEW not created ($rc)"
else
	kill $pid
	wait $pid
	ok 0 "# SKIP no /proc to see the run start"
	ok 0 "# SKIP no /proc to see the run start"
fi
[ -z "$(find . -name '*.tmp')" ]
ok $? "no FILE.tmp anywhere"

# ---- what a trace shows ---------------------------------------------------------
# more threads than CPUs: task slices, and lock waits as slices inside them
"$SD" run -w ebizzy --cpus 4 --threads 8 --trace tasks.json >/dev/null &&
	grep -q '"name":"mmap_lock wait"' tasks.json &&
	grep -q '"name":"spinlock wait"\|"name":"page-table lock wait"' tasks.json &&
	grep -q '"name":"thread"' tasks.json
ok $? "ebizzy, 8 threads on 4 CPUs: tasks and lock waits are slices of the trace"

echo "1..$n"
