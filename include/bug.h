/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bug.h - impossible states and failed allocations.
 *
 * BUG_ON(cond) is for states the code's own invariants exclude: it prints one
 * line naming the file, the line and the condition and ends the process with
 * exit status 3 (internal error), instead of going on with corrupt state.
 * The x*alloc() helpers are malloc and friends that never return NULL: an
 * allocation failure is reported the same way.  These are for the engines'
 * and the tools' own bookkeeping; a bug in *simulated* kernel code is a
 * violation the engine reports, not a BUG().
 */
#ifndef SHOOTDOWN_BUG_H
#define SHOOTDOWN_BUG_H

#include <stddef.h>

void __attribute__((noreturn, format(printf, 3, 4)))
bug_at(const char *file, int line, const char *fmt, ...);

#define BUG(...)	bug_at(__FILE__, __LINE__, __VA_ARGS__)
#define BUG_ON(cond)							\
	do {								\
		if (__builtin_expect(!!(cond), 0))			\
			bug_at(__FILE__, __LINE__, "BUG_ON(%s)", #cond); \
	} while (0)

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Zeroed, aligned to align (a power of two), size rounded up to it. */
void *xaligned_zalloc(size_t align, size_t n);

#endif
