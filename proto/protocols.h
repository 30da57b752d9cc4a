/* SPDX-License-Identifier: GPL-2.0 */
/*
 * protocols.h - the list of protocols, in the order `shootdown list
 * protocols` shows them.  Each entry P names a `const struct flush_ops
 * P_flush_ops` defined in a file of its own (proto/native.c has four).
 * Adding a protocol is that file and one line here (docs/extending.md).
 */
#ifndef PROTO_PROTOCOLS_H
#define PROTO_PROTOCOLS_H

#define FOR_EACH_PROTOCOL(P)	\
	P(baseline)		\
	P(concurrent)		\
	P(concurrent_shared)	\
	P(async)		\
	P(concurrent_ceiling)	\
	P(pv)			\
	P(hyperv)		\
	P(xen)

#define __PROTOCOL_COUNT(p) + 1
enum { NR_PROTOCOLS = 0 FOR_EACH_PROTOCOL(__PROTOCOL_COUNT) };

#endif
