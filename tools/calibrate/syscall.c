// SPDX-License-Identifier: GPL-2.0
/*
 * syscall.c - round trip of the cheapest system call, getppid(): entry,
 * a few loads, exit, with whatever mitigations the running kernel applies
 * on that path.  The raw syscall() avoids any libc caching.
 */
#include "calib.h"	/* first: it defines _GNU_SOURCE */
#include <sys/syscall.h>
#include <unistd.h>

#define ITERS	(2 * 1000 * 1000)

static double run(void)
{
	uint64_t t = now_ns();
	long i;

	for (i = 0; i < ITERS; i++)
		syscall(SYS_getppid);
	return (double)(now_ns() - t) / ITERS;
}

int main(void)
{
	double v[REPS];
	int r;

	pin(0);
	run();
	for (r = 0; r < REPS; r++)
		v[r] = run();
	report_median("syscall getppid round trip", v, REPS);
	return 0;
}
