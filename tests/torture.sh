#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# torture.sh - shootdown torture: correct protocols survive a short run, a
# mutant is found, and the command it prints reproduces the failure.
SD=${SHOOTDOWN:-build/shootdown}
echo "1..3"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$SD" torture --time 2 --seed 3 >"$tmp/ok.out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q '^torture: .* configurations' "$tmp/ok.out"
if [ $? -eq 0 ]; then echo "ok 1 - correct protocols: clean, summary printed"
else echo "not ok 1 - correct protocols: exit $rc"; grep '^violation\|^fail' "$tmp/ok.out" | head -3 | sed 's/^/# /'; fi

"$SD" torture --time 5 --seed 3 --mutate skip-local >"$tmp/bad.out" 2>&1
rc=$?
cmd=$(grep -m1 '^violation' "$tmp/bad.out" | sed 's/^violation *//; s/  #.*//')
[ $rc -eq 1 ] && [ -n "$cmd" ]
if [ $? -eq 0 ]; then echo "ok 2 - skip-local: found (exit 1)"; else echo "not ok 2 - skip-local: exit $rc"; fi

# the printed command, as a user would paste it
eval "\"$SD\" ${cmd#shootdown }" >/dev/null 2>&1
rc=$?
if [ -n "$cmd" ] && [ $rc -eq 1 ]; then echo "ok 3 - the printed command reproduces it"
else echo "not ok 3 - reproduce: exit $rc ($cmd)"; fi
