// SPDX-License-Identifier: GPL-2.0
/*
 * bug.c - the one way the program dies of its own bugs (include/bug.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bug.h"

void bug_at(const char *file, int line, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fflush(stdout);
	fprintf(stderr, "shootdown: internal error at %s:%d: %s\n", file, line, msg);
	exit(3);
}

static void *checked(void *p, size_t n)
{
	if (!p && n)
		bug_at(__FILE__, __LINE__, "out of memory allocating %zu bytes", n);
	return p;
}

void *xmalloc(size_t n)
{
	return checked(malloc(n ? n : 1), n);
}

void *xcalloc(size_t nmemb, size_t size)
{
	if (size && nmemb > (size_t)-1 / size)
		bug_at(__FILE__, __LINE__, "allocation of %zu x %zu bytes overflows",
		       nmemb, size);
	return checked(calloc(nmemb ? nmemb : 1, size ? size : 1), nmemb * size);
}

void *xrealloc(void *p, size_t n)
{
	return checked(realloc(p, n ? n : 1), n);
}

void *xaligned_zalloc(size_t align, size_t n)
{
	size_t sz = (n + align - 1) & ~(align - 1);
	void *p = checked(aligned_alloc(align, sz ? sz : align), sz ? sz : align);

	memset(p, 0, sz ? sz : align);
	return p;
}
