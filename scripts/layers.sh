#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# layers.sh - the layering of the tree, checked.  Prints one line per
# include that crosses a layer the wrong way, and every cycle between
# directories; exits 1 if there is any.  Usage: scripts/layers.sh [ROOT]
#
# Bottom up:
#   include/  the contracts (env.h, the ABIs)       may include: include
#   lib/      coroutines, RNG, BUG()                may include: include lib
#   proto/    the simulated kernel                  may include: include proto
#   hw/       the machine's rules                   may include: include lib hw
#   sim/      the discrete-event engine             may include: include lib hw sim
#   check/    the interleaving engine               may include: include lib hw check
#   work/     workloads and checker scenarios       ... proto hw sim check work
#   cli/      the shootdown command                 ... and cli
# tests/, bench/ and tools/ sit on top and may include anything.
set -e
ROOT=${1:-.}
cd "$ROOT"

awk '
function dir_of(path,   i) {
	i = index(path, "/")
	return i ? substr(path, 1, i - 1) : ""
}
BEGIN {
	allow["include"] = " include "
	allow["lib"] = " include lib "
	allow["proto"] = " include proto "
	allow["hw"] = " include lib hw "
	allow["sim"] = " include lib hw sim "
	allow["check"] = " include lib hw check "
	allow["work"] = " include lib proto hw sim check work "
	allow["cli"] = " include lib proto hw sim check work cli "
	bad = 0
}
/^[ \t]*#[ \t]*include[ \t]*"/ {
	from = dir_of(FILENAME)
	inc = $0
	sub(/^[^"]*"/, "", inc)
	sub(/".*$/, "", inc)
	# "env.h" style names come from include/ (-Iinclude); "dir/x.h" from dir
	to = index(inc, "/") ? dir_of(inc) : "include"
	if (!index(inc, "/") && system("test -f " from "/" inc) == 0 && \
	    system("test -f include/" inc) != 0)
		to = from			# a neighbour in the same directory
	if (from in allow && index(allow[from], " " to " ") == 0) {
		printf "layering: %s:%d includes \"%s\" (%s/ may not use %s/)\n",
		       FILENAME, FNR, inc, from, to
		bad = 1
	}
	if (from != to && (from in allow))
		edge[from " " to] = 1
}
END {
	# cycles between directories: repeated relaxation of reachability
	for (e in edge) { split(e, p, " "); reach[p[1] " " p[2]] = 1; nodes[p[1]]; nodes[p[2]] }
	changed = 1
	while (changed) {
		changed = 0
		for (a in nodes) for (b in nodes) for (c in nodes)
			if ((a " " b) in reach && (b " " c) in reach && !((a " " c) in reach)) {
				reach[a " " c] = 1
				changed = 1
			}
	}
	for (a in nodes)
		if ((a " " a) in reach) {
			printf "layering: directories in a cycle through %s/\n", a
			bad = 1
		}
	exit bad
}' $(find include lib proto hw sim check work cli -name '*.[ch]' | sort)
