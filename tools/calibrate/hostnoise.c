// SPDX-License-Identifier: GPL-2.0
/*
 * hostnoise.c - how often, and for how long, a CPU is taken away from a
 * thread that never sleeps: a pinned busy loop reads the clock and records
 * every gap above a threshold (interrupts, host work, preemption).  This is
 * the host interference a vCPU sees.
 *
 *   hostnoise [seconds] [threshold_ns]
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	long long thr = argc > 2 ? atoll(argv[2]) : 5000;
	static long long gaps[1 << 20];
	long long t0, prev, end, total = 0;
	int n = 0, cpu;
	cpu_set_t set;

	for (cpu = 0; cpu < 2; cpu++) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			continue;
		t0 = prev = now_ns();
		end = t0 + (long long)(secs * 1e9);
		while (prev < end) {
			long long t = now_ns();
			if (t - prev > thr && n < (1 << 20)) {
				gaps[n++] = t - prev;
				total += t - prev;
			}
			prev = t;
		}
	}
	qsort(gaps, n, sizeof(gaps[0]), cmp);
	printf("hostnoise: %d gaps > %lld ns in %.1f s of busy loop (2 CPUs)\n",
	       n, thr, 2 * secs);
	if (n) {
		printf("  mean interval %.0f ns, median gap %lld ns, p90 %lld ns, "
		       "max %lld ns, %.3f%% of time lost\n",
		       2 * secs * 1e9 / n, gaps[n / 2], gaps[n * 9 / 10], gaps[n - 1],
		       100.0 * total / (2 * secs * 1e9));
	}
	return 0;
}
