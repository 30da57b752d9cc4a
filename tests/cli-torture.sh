#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cli-torture.sh - shootdown torture: a short run on correct protocols ends
# with a summary, a mutant is found and its printed command reproduces it,
# the sequence of configurations is a function of the seed, and bad
# arguments exit 2.  TAP output, for prove.
. "$(dirname "$0")/tap.shlib"

# The configuration lines, without the summary (it has the wall time).
configs() {
	grep -v '^torture: ' "$1"
}

# Correct protocols: seed 2's first 8 configurations are clean.
"$SD" torture --configs 8 --seed 2 >"$tmp/clean" 2>"$tmp/clean.err"
rc=$?
if [ "$rc" -eq 0 ] && ! grep -qv '^ok \|^torture: ' "$tmp/clean" &&
   grep -q '^torture: [1-9][0-9]* configurations, [0-9]* simulated operations, [0-9]* shootdowns, 0 violations' "$tmp/clean"; then
	ok 0 "torture --configs 8 --seed 2: clean, $(tail -1 "$tmp/clean")"
else
	ok 1 "torture --configs 8 --seed 2 -> exit $rc: $(grep -v '^ok ' "$tmp/clean" | head -c 400)"
fi

"$SD" torture --configs 2 --seed 7 --mutate skip-local >"$tmp/mut" 2>"$tmp/mut.err"
rc=$?
line=$(grep -m1 '^violation ' "$tmp/mut")
if [ "$rc" -eq 1 ] && [ -n "$line" ]; then
	ok 0 "torture --mutate skip-local finds it: $(echo "$line" | head -c 200)"
else
	ok 1 "torture --mutate skip-local -> exit $rc, no violation line"
fi

# The printed command, run as it is, fails the same way.
cmd=$(echo "$line" | sed 's/^violation *shootdown \(.*\)  # .*/\1/')
msg=$(echo "$line" | sed 's/^[^#]*  # //')
# shellcheck disable=SC2086
"$SD" $cmd >"$tmp/rep" 2>"$tmp/rep.err"
rc=$?
if [ -n "$cmd" ] && [ "$rc" -eq 1 ] && grep -qF -- "$msg" "$tmp/rep.err"; then
	ok 0 "the printed command reproduces it (exit 1, same first violation)"
else
	ok 1 "shootdown $cmd -> exit $rc: $(head -c 300 "$tmp/rep.err")"
fi

# Same seed, same configurations, in the same order: --configs is a
# count, so the output is the same on a fast host and a sanitizer build.
"$SD" torture --configs 3 --seed 5 >"$tmp/a" 2>/dev/null
"$SD" torture --configs 3 --seed 5 >"$tmp/b" 2>/dev/null
configs "$tmp/a" >"$tmp/a.c"
configs "$tmp/b" >"$tmp/b.c"
na=$(wc -l <"$tmp/a.c")
if [ "$na" -eq 3 ] && cmp -s "$tmp/a.c" "$tmp/b.c"; then
	ok 0 "seed 5 twice: the same 3 configurations"
else
	ok 1 "seed 5 twice: the configurations differ ($na lines)"
fi
"$SD" torture --configs 3 --seed 6 >"$tmp/c" 2>/dev/null
if ! configs "$tmp/c" | cmp -s - "$tmp/a.c"; then
	ok 0 "another seed, other configurations"
else
	ok 1 "seeds 5 and 6 drew the same configurations"
fi

"$SD" torture --time 1 --seed 3 --json >"$tmp/j" 2>/dev/null
if grep -q '^{"config":1,"verdict":"' "$tmp/j" && tail -1 "$tmp/j" | grep -q '^{"summary":true,"configurations":'; then
	ok 0 "--json: one object per configuration and a summary"
else
	ok 1 "--json: $(head -c 300 "$tmp/j")"
fi

# usage_error_unprefixed WANT ARGS...: exit 2, one stderr line containing
# WANT, no stdout.  tap.shlib's usage_error, less its check that the line
# starts with "shootdown: " (and with a shorter failure message).
usage_error_unprefixed() {
	want=$1
	shift
	"$SD" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	   [ ! -s "$tmp/out" ] && grep -qF -- "$want" "$tmp/err"; then
		ok 0 "$* -> exit 2: $(cat "$tmp/err")"
	else
		ok 1 "$* -> exit $rc, wanted '$want': $(head -c 300 "$tmp/err")"
	fi
}
usage_error_unprefixed "--time"		torture
usage_error_unprefixed "'0'"		torture --time 0
usage_error_unprefixed "'x'"		torture --time x
usage_error_unprefixed "'0'"		torture --configs 0
usage_error_unprefixed "'-2'"		torture --configs -2
usage_error_unprefixed "'foo'"		torture --time 1 --mutate foo
usage_error_unprefixed "'bar'"		torture --time 1 --host-mutate bar
usage_error_unprefixed "cannot be combined" torture --time 1 --mutate skip-local --host-mutate host-lost-flush
usage_error_unprefixed "shootdown check"	torture --time 1 --mutate no-switch-barrier
usage_error_unprefixed "'extra'"		torture --time 1 extra
usage_error_unprefixed "--bogus"		torture --time 1 --bogus

echo "1..$n"
