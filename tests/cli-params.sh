#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cli-params.sh - --param NAME=VALUE for the kernel's own parameters
# (proto/params.c) beside the protocols': list params shows them, run and
# compare accept every value and record it, a list is an axis of compare,
# bad input is a one-line usage error.  The kernel parameters are read
# from `list params`, so a new one is covered without editing this file;
# nothing here depends on one value being faster than another.  TAP
# output, for prove.
. "$(dirname "$0")/tap.shlib"

# The params field of a JSON row (no jq on a bare Debian).
params_of() {
	sed -n 's/.*"params":"\([^"]*\)".*/\1/p' "$1"
}

# A tiny run: 2 CPUs, a few iterations.
RUN="run --cpus 2 --iters 3"

# ---- list params --------------------------------------------------------
"$SD" list params >"$tmp/list" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && [ -s "$tmp/list" ] && [ ! -s "$tmp/err" ]
ok $? "list params exits 0 (rc $rc) $(head -c 200 "$tmp/err")"

# NAME OWNER VALUES default DEFAULT HELP...
awk 'NF < 6 || $4 != "default" { exit 1 }' "$tmp/list"
ok $? "list params: name, owner, values, default and help on every line"

grep -q '^spinlock  *kernel  *qspinlock|ttas  *default qspinlock  *[^ ]' "$tmp/list"
ok $? "list params shows spinlock, its values and its default qspinlock"

awk '$2 == "kernel" { print $1, $3, $5 }' "$tmp/list" >"$tmp/kernel"
awk '$2 != "kernel" { print $1 }' "$tmp/list" | sort -u >"$tmp/proto_names"
[ -s "$tmp/kernel" ] && [ -s "$tmp/proto_names" ]
ok $? "list params has kernel parameters, then protocol parameters ($(awk '{ print $1 }' "$tmp/kernel" | tr '\n' ' '))"

grep -q '^ceiling  *concurrent-ceiling  *0\.\.512  *default 8 ' "$tmp/list"
ok $? "list params shows the protocol parameter ceiling of concurrent-ceiling"

# A name means one thing: the kernel's are looked up first, so a protocol
# parameter of the same name could never be set.
dup=$(awk '{ print $1 }' "$tmp/kernel" | sort | comm -12 - "$tmp/proto_names")
[ -z "$dup" ]
ok $? "no protocol parameter has a kernel parameter's name${dup:+: $dup}"

"$SD" list >"$tmp/all"
grep -q '^params:$' "$tmp/all" && grep -q '^spinlock ' "$tmp/all"
ok $? "list without an argument includes params"

# ---- every value of every kernel parameter runs and is recorded ---------
# VALUES is "a|b|c" for named values, "MIN..MAX" for a number.
values_of() {
	case $1 in
	*..*) echo "${1%%..*} ${1##*..}" ;;
	*) echo "$1" | tr '|' ' ' ;;
	esac
}

nondefault=""
while read -r name values def; do
	for v in $(values_of "$values"); do
		"$SD" $RUN --param "$name=$v" --json >"$tmp/j" 2>"$tmp/err"
		rc=$?
		p=$(params_of "$tmp/j")
		if [ "$v" = "$def" ]; then
			# the default is not named: results from before the
			# parameter existed stay byte for byte the same
			[ $rc -eq 0 ] && [ -z "$p" ]
		else
			[ $rc -eq 0 ] && [ "$p" = "$name=$v" ]
			[ -n "$nondefault" ] || nondefault="$name=$v"
		fi
		ok $? "run --param $name=$v exits 0 (rc $rc) and params is '$p' $(head -c 200 "$tmp/err")"
	done
done <"$tmp/kernel"

# every kernel parameter at a value that is not its default, at once
set --
want=""
while read -r name values def; do
	for v in $(values_of "$values"); do
		if [ "$v" != "$def" ]; then
			set -- "$@" --param "$name=$v"
			want="$want${want:+ }$name=$v"
			break
		fi
	done
done <"$tmp/kernel"
"$SD" $RUN "$@" --json >"$tmp/j" 2>"$tmp/err"
rc=$?
p=$(params_of "$tmp/j")
[ $rc -eq 0 ] && [ "$p" = "$want" ]
ok $? "run $* records '$want' (got '$p', rc $rc) $(head -c 200 "$tmp/err")"

"$SD" $RUN "$@" >"$tmp/sum"
head -1 "$tmp/sum" | grep -qF ", $(echo "$want" | sed 's/ /, /g'), profile"
ok $? "run's summary names them: $(head -1 "$tmp/sum")"

# a protocol's parameter and a kernel's in one run
"$SD" run -p concurrent-ceiling --cpus 2 --iters 3 --param ceiling=3 \
	--param spinlock=ttas --csv >"$tmp/csv"
grep -q ',ceiling=3 spinlock=ttas,' "$tmp/csv"
ok $? "a protocol and a kernel parameter together: params 'ceiling=3 spinlock=ttas'"

# ---- a list is an axis of compare ---------------------------------------
CMP="compare -p baseline,concurrent --cpus 2 --iters 3"
"$SD" $CMP --param spinlock=qspinlock,ttas >"$tmp/cmp" 2>"$tmp/err"
rc=$?
hdr=$(sed -n 3p "$tmp/cmp")
[ $rc -eq 0 ] &&
	echo "$hdr" | grep -q 'baseline spinlock=qspinlock .*concurrent spinlock=qspinlock .*baseline spinlock=ttas .*concurrent spinlock=ttas'
ok $? "compare --param spinlock=qspinlock,ttas: a column per protocol and value: $hdr"

grep -q 'change against baseline spinlock=qspinlock$' "$tmp/cmp"
ok $? "compare names its reference column with the parameter"

[ "$(grep -c 'spinlock=ttas' "$tmp/cmp")" -ge 2 ] &&
	! head -1 "$tmp/cmp" | grep -q spinlock
ok $? "both tables have the columns; the heading does not claim one value"

"$SD" $CMP --param spinlock=qspinlock,ttas --csv >"$tmp/cmp.csv"
[ "$(grep -c ',spinlock=ttas,' "$tmp/cmp.csv")" -eq 2 ] &&
	[ "$(wc -l <"$tmp/cmp.csv")" -eq 5 ]
ok $? "compare --csv: 4 rows, the two with ttas say so in params"

"$SD" compare -p concurrent --cpus 2 --iters 3 --param spinlock=ttas >"$tmp/one"
head -1 "$tmp/one" | grep -q ', spinlock=ttas$' &&
	sed -n 3p "$tmp/one" | grep -q 'concurrent$'
ok $? "a single value is not an axis: it is in compare's heading"

# ---- same seed and parameters, same bytes -------------------------------
"$SD" $CMP --param spinlock=qspinlock,ttas --seed 7 >"$tmp/d1"
"$SD" $CMP --param spinlock=qspinlock,ttas --seed 7 >"$tmp/d2"
cmp -s "$tmp/d1" "$tmp/d2"
ok $? "compare with a kernel parameter list: identical output for the same seed"

"$SD" $RUN "$@" --seed 3 --json | sed 's/"wall_s":[^,]*,//' >"$tmp/r1"
"$SD" $RUN "$@" --seed 3 --json | sed 's/"wall_s":[^,]*,//' >"$tmp/r2"
cmp -s "$tmp/r1" "$tmp/r2"
ok $? "run with kernel parameters: identical JSON (but wall_s) for the same seed"

# ---- errors -------------------------------------------------------------
usage_error "'frob'"		$RUN --param frob=1
usage_error "'frob'"		compare --param frob=1
usage_error "'bogus' is not one of qspinlock|ttas" $RUN --param spinlock=bogus
usage_error "'7'"		$RUN --param spinlock=7
usage_error "spinlock: empty value" $RUN --param spinlock=
usage_error "'spinlock' appears twice" $RUN --param spinlock=ttas --param spinlock=qspinlock
usage_error "'spinlock=qspinlock,ttas' is a list" $RUN --param spinlock=qspinlock,ttas
usage_error "'ttas' appears twice" compare --param spinlock=ttas,qspinlock,ttas
usage_error "'ttas,'"		compare --param spinlock=ttas,
usage_error "'bogus'"		compare --param spinlock=qspinlock,bogus
usage_error "'ceiling=1,2' is a list" compare -p concurrent-ceiling --param ceiling=1,2
usage_error "'spinlock' is not NAME=VALUE" $RUN --param spinlock
# a number outside the range of each numeric kernel parameter, if any
while read -r name values def; do
	case $values in
	*..*) usage_error "'$((${values##*..} + 1))'" $RUN --param "$name=$((${values##*..} + 1))" ;;
	esac
done <"$tmp/kernel"

echo "1..$n"
