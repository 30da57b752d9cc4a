#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cli-usage.sh - bad input never runs anything: exit status 2, exactly one
# line on stderr naming the bad value, nothing on stdout, never a crash.
# And --help works everywhere.  TAP output, for prove.
. "$(dirname "$0")/tap.shlib"

# help_ok ARGS...: exit 0, usage on stdout, nothing on stderr.
help_ok() {
	"$SD" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 0 ] && grep -qi usage "$tmp/out" && [ ! -s "$tmp/err" ]; then
		ok 0 "$* prints help"
	else
		ok 1 "$* -> exit $rc: $(head -c 300 "$tmp/err")"
	fi
}

printf 'cpus = 4\nbogus line\n' >"$tmp/bad.profile"
mkdir "$tmp/dir"

# names
usage_error "'foo'"		run --protocol foo
usage_error "'foo'"		compare --protocols baseline,foo
usage_error "'nope'"		run --workload nope
usage_error "'nope'"		run --mutate nope
usage_error "'ceiling'"	run --protocol concurrent --param ceiling=3
usage_error "'999'"		run --protocol concurrent-ceiling --param ceiling=999
usage_error "'ceiling' is not NAME=VALUE" run --protocol concurrent-ceiling --param ceiling
usage_error "'x'"		run --protocol concurrent-ceiling --param ceiling=x
usage_error "appears twice"	run -p concurrent-ceiling --param ceiling=1 --param ceiling=2
usage_error "'nope'"		compare -p concurrent,concurrent-ceiling --param nope=1
usage_error "'frob'"		frob
usage_error "missing command"
usage_error "'frob'"		list frob
usage_error "'frob'"		help frob
usage_error "'0'"		run --vms 0
usage_error "--repeat"		run --repeat 0
usage_error "'17'"		run --vms 17
usage_error "--vcpus"		run --vcpus 4
usage_error "'frob'"		run --vms 1 --table-free frob
usage_error "'frob'"		run --vms 1 --host-mutate frob
usage_error "1024"		run --vms 2 --vcpus 1000
usage_error "--cpus"		compare --vms 1,2 --cpus 2,4
usage_error "'baseline'"	compare --protocols baseline,baseline

# numbers
usage_error "'0'"		run --cpus 0
usage_error "'5000'"		run --cpus 5000
usage_error "'4x'"		run --cpus 4x
usage_error "'-1'"		run --cpus -1
usage_error "'0x10'"		run --cpus 0x10
usage_error "'+4'"		run --cpus +4
usage_error "'99999999999999999999999'" run --cpus 99999999999999999999999
usage_error "--cpus"		run --cpus=
usage_error "'0'"		run --threads 0
usage_error "'5'"		run --cpus 4 --threads 5
usage_error "lazy threads need a CPU each" run -w ebizzy --cpus 2 --threads 3 --lazy 1
usage_error "'5000'"		run -w ebizzy --cpus 2 --threads 5000
usage_error "'4'"		run --cpus 4 --lazy 4
usage_error "'2'"		run --cpus 4 --threads 2 --lazy 2
usage_error "'-1'"		run --lazy -1
usage_error "'0'"		run --iters 0
usage_error "'ten'"		run --iters ten
usage_error "'-1'"		run --seed -1
usage_error "'1.5'"		run --seed 1.5
usage_error "'18446744073709551616'" run --seed 18446744073709551616

# lists
usage_error "'1,,2'"		compare --cpus 1,,2
usage_error "'1,2,'"		compare --cpus 1,2,
usage_error "',1'"		compare --cpus ,1
usage_error "'2,2'"		compare --cpus 2,2
usage_error "'0'"		compare --cpus 1,0
usage_error "'1,2'"		run --cpus 1,2
usage_error "--threads"		compare --cpus 2,4 --threads 1,2
usage_error "'3'"		compare --cpus 2,4 --threads 3

# options
usage_error "'--frob'"		run --frob
usage_error "'-x'"		compare -x
usage_error "--cpus"		run --cpus
usage_error "--json"		run --json --csv
usage_error "'extra'"		run extra
usage_error "'--json'"		--json

# files
usage_error "x.profile"		run --profile x.profile
usage_error "no-such-builtin"	run --profile no-such-builtin
usage_error "bad.profile"	run --profile "$tmp/bad.profile"
usage_error "$tmp/dir"		run --profile "$tmp/dir/"
usage_error "$tmp/none/t.json"	run --trace "$tmp/none/t.json"
usage_error "$tmp/dir"		run --trace "$tmp/dir"
usage_error "--trace"		compare --cpus 1,2 --trace "$tmp/t.json"
[ -z "$(ls "$tmp/dir")" ] && [ ! -e "$tmp/t.json" ] && [ ! -e "$tmp/t.json.tmp" ]
ok $? "rejected commands leave no files behind"

# help
help_ok --help
help_ok -h
help_ok run --help
help_ok compare --help
help_ok list --help
help_ok check --help
help_ok help
help_ok help compare
# --set: the key and the value, checked by the profile parser
usage_error "'foo'"		run --set foo=1
usage_error "not KEY=VALUE"	run --set nmi_interval_ns
usage_error "nmi_interval_ns: bad value 'x'" run --set nmi_interval_ns=x
usage_error "finer than 1 ps"	run --set page_walk_ns=1.0005
usage_error "fraction"		compare --set cpus=1.5
usage_error "host_timeslice_ns = 0" run --set host_timeslice_ns=0
usage_error "appears twice"	run --set cpus=4 --set cpus=8

# check: the same strict numbers, the option as typed, values escaped
usage_error "--bound: ' 3'"	check --bound ' 3'
usage_error "--bound: '+3'"	check --bound +3
usage_error "--bound: '0x2'"	check --bound 0x2
usage_error "'-2' is not in -1..64" check --bound -2
usage_error "--bound: missing value" check --bound
usage_error "--bou: missing value" check --bou
usage_error "--steps: '9' is not in" check --steps 9
usage_error "--seed: '-1' is negative" check --seed -1
usage_error "option '--sc' takes no value" check --sc=1
usage_error "unknown option '--frob'" check --frob
usage_error "unknown option '-x'" check -x
# a newline or an escape in a file name: one plain line (and a plain
# test description, so not through usage_error)
for name in "a
b.scn" "$(printf '\033[31mred.scn')"; do
	"$SD" check "$tmp/$name" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -s "$tmp/out" ] &&
		grep -q "^shootdown: $tmp/.*: No such file" "$tmp/err" &&
		! LC_ALL=C grep -q '[^ -~]' "$tmp/err"
	ok $? "check on a file name with a control character: one plain line"
done
printf 'cpus 2\nprotocol con\001current\nexpect none Never\n' >"$tmp/ctl.scn"
usage_error "ctl.scn:2: unknown protocol 'con?current'" check "$tmp/ctl.scn"

"$SD" --version | grep -q '^shootdown [0-9]'
ok $? "--version"

echo "1..$n"
