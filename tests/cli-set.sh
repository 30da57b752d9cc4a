#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cli-set.sh - --set KEY=VALUE overrides a profile key: a new value changes
# the numbers and names the profile, the key's own value changes nothing but
# the name.  TAP output, for prove.
. "$(dirname "$0")/tap.shlib"

# The result without the header line (which names the profile).
body() {
	"$SD" run --protocol async --workload dropped-page --cpus 4 --iters 50 "$@" | tail -n +2
}

body >"$tmp/plain"
body --set nmi_interval_ns=0 >"$tmp/same"
body --set nmi_interval_ns=2000 >"$tmp/nmi"
if cmp -s "$tmp/plain" "$tmp/same"; then
	ok 0 "--set with the profile's own value: the same numbers"
else
	ok 1 "--set nmi_interval_ns=0 changed the numbers"
fi
if ! cmp -s "$tmp/plain" "$tmp/nmi"; then
	ok 0 "--set nmi_interval_ns=2000 changes the result"
else
	ok 1 "--set nmi_interval_ns=2000 changed nothing"
fi
"$SD" run --cpus 2 --iters 5 --set nmi_interval_ns=2000 --set page_walk_ns=17.5 --json >"$tmp/j"
if grep -q '"profile":"default+nmi_interval_ns=2000+page_walk_ns=17.5"' "$tmp/j"; then
	ok 0 "the JSON names the overrides in the profile"
else
	ok 1 "profile field: $(head -c 300 "$tmp/j")"
fi
"$SD" compare --protocols baseline,concurrent --cpus 2 --iters 5 --set sockets=1 >"$tmp/c"
if head -1 "$tmp/c" | grep -q 'profile default+sockets=1,'; then
	ok 0 "compare's heading names the overrides"
else
	ok 1 "compare heading: $(head -1 "$tmp/c")"
fi
echo "1..$n"
