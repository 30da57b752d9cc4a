#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# symbols.sh - no global symbol of the binary is also one of the C library's.
# The simulated kernel uses kernel names; one that libc also exports (the
# model's sched_yield once did) silently replaces libc's for every caller
# in the process, the sanitizers' runtime included, which then calls into
# the model at exit.  Needs nm (binutils, part of build-essential).
. "$(dirname "$0")/tap.shlib"
echo "1..2"
libc=$(ldd "$SD" 2>/dev/null | awk '/libc\.so/ { print $3 }')
if [ -z "$libc" ] || ! command -v nm >/dev/null; then
	echo "ok 1 # SKIP no nm or no libc found"
	echo "ok 2 # SKIP no nm or no libc found"
	exit 0
fi
nm -D --defined-only "$libc" | awk '{ print $3 }' | sed 's/@.*//' | sort -u >"$tmp/libc"
nm --defined-only "$SD" | awk '$2 ~ /^[TDBR]$/ { print $3 }' | sort -u >"$tmp/ours"
clash=$(comm -12 "$tmp/libc" "$tmp/ours" | tr '\n' ' ')
ok "$([ -z "$clash" ] && echo 0 || echo 1)" "no global symbol of $SD is also libc's${clash:+: $clash}"
# the check itself: a symbol libc has, planted in a copy of the list
echo sched_yield >>"$tmp/ours"
sort -u -o "$tmp/ours" "$tmp/ours"
planted=$(comm -12 "$tmp/libc" "$tmp/ours")
ok "$([ "$planted" = sched_yield ] && echo 0 || echo 1)" "a planted sched_yield is found (${planted:-nothing})"
