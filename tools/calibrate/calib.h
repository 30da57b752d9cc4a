/* SPDX-License-Identifier: GPL-2.0 */
/*
 * calib.h - shared helpers for the host calibration programs: a monotonic
 * clock, CPU pinning, and the median over repeated runs.
 *
 * Every program repeats its measurement REPS times and prints one line per
 * quantity: "name  median  (min .. max, reps)" in nanoseconds.  The median
 * is what goes into profiles/host.profile; min and max show the spread,
 * which is large on a virtual machine whose vCPUs the host may preempt.
 * With CALIB_VERBOSE set in the environment every run is printed too.
 */
#ifndef CALIB_H
#define CALIB_H

#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPS	11

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sched_setaffinity");
		exit(1);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts v[] in place; prints and returns the median. */
static inline double report_median(const char *name, double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	printf("%-34s %9.2f ns  (min %.2f .. max %.2f, %d runs)\n", name,
	       v[n / 2], v[0], v[n - 1], n);
	/* CALIB_VERBOSE=1: every run, to see a bimodal spread. */
	if (getenv("CALIB_VERBOSE")) {
		int i;

		printf("%-34s", "  all runs:");
		for (i = 0; i < n; i++)
			printf(" %.1f", v[i]);
		printf("\n");
	}
	fflush(stdout);
	return v[n / 2];
}

/*
 * Median of n per-call samples (sorted in place).  Operations whose cost
 * varies call by call (an IPI on a VM whose vCPUs the host preempts) are
 * timed one by one: the mean of a long loop would mix the common fast case
 * with rare multi-microsecond stalls.
 */
static inline double sample_median(double *s, long n)
{
	qsort(s, n, sizeof(*s), cmp_double);
	return s[n / 2];
}

/* The q-quantile (0..1) of n sorted samples. */
static inline double sample_quantile(const double *s, long n, double q)
{
	return s[(long)(q * (n - 1))];
}

/*
 * Interrupts of one kind ("CAL" function calls, "TLB" shootdowns) that CPU
 * cpu has taken so far, from /proc/interrupts; -1 if unreadable.
 */
static inline long irq_count(const char *tag, int cpu)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[4096], *p, *end;
	long v = -1;
	int i;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		p = line + strspn(line, " ");
		if (strncmp(p, tag, strlen(tag)) || p[strlen(tag)] != ':')
			continue;
		p += strlen(tag) + 1;
		for (i = 0; i <= cpu; i++, p = end) {
			v = strtol(p, &end, 10);
			if (end == p) {
				v = -1;
				break;
			}
		}
		break;
	}
	fclose(f);
	return v;
}

/*
 * Per-call samples of an operation that interrupted another CPU in only
 * some of the calls (k of n, counted by irq_count): the k slowest calls
 * are taken to be those, as the interrupt costs microseconds and the
 * distribution is cleanly bimodal.  Gives the median of each group.
 */
struct split {
	double fast, slow;	/* medians: calls without / with an IPI */
	double frac;		/* k / n */
};

static inline struct split split_samples(double *s, long n, long k)
{
	struct split r = { 0, 0, 0 };

	qsort(s, n, sizeof(*s), cmp_double);
	if (k < 0)
		k = 0;
	if (k > n)
		k = n;
	r.frac = (double)k / n;
	r.fast = k < n ? s[(n - k) / 2] : 0;
	r.slow = k ? s[n - k + k / 2] : 0;
	return r;
}

/*
 * A thread that spins on CPU 1 reading the clock and records every stretch
 * longer than GAP_MIN_NS in which it did not get to run: an interrupt it
 * took (entry, handler, exit), or its vCPU descheduled by the host.  Set
 * gap_record while the measured loop runs; gap_stop ends the thread.
 * Each gap also holds one clock read (~20 ns).
 */
#define GAP_MIN_NS	200
#define MAX_GAPS	65536

static volatile int gap_stop, gap_record;
static double gap[MAX_GAPS];
static long ngaps;

static inline void *gap_spinner(void *arg)
{
	uint64_t last, t;

	pin(1);
	last = now_ns();
	while (!gap_stop) {
		t = now_ns();
		if (t - last > GAP_MIN_NS && gap_record && ngaps < MAX_GAPS)
			gap[ngaps++] = (double)(t - last);
		last = t;
	}
	return arg;
}

/* Keep the compiler from deleting or merging a memory access. */
#define ACCESS_ONCE(x) (*(volatile __typeof__(x) *)&(x))

#endif
