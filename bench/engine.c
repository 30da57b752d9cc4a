// SPDX-License-Identifier: GPL-2.0
/*
 * engine.c - simulator throughput: simulated primitive operations per second
 * of wall time, with every CPU busy (so every primitive may switch CPUs),
 * and the memory the engine uses per simulated CPU.
 *
 * Each CPU loops over loads and stores of its own line, loads of a line all
 * CPUs share, an atomic on a contended line now and then, and a little user
 * work.  Printed: ops/s at 4, 64 and 1024 CPUs, and KiB per CPU.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include "sim/sim.h"

#define OPS_PER_CPU_TOTAL 20000000ULL	/* spread over the CPUs */

struct bench_line { u64 v; } ____cacheline_aligned;
static struct bench_line *priv;
static struct bench_line shared_ro, contended;
static u64 loops_per_cpu;

static void bench_cpu(void *arg)
{
	struct bench_line *mine = &priv[smp_processor_id()];
	u64 i;

	(void)arg;
	for (i = 0; i < loops_per_cpu; i++) {
		WRITE_ONCE(mine->v, READ_ONCE(mine->v) + 1);
		(void)READ_ONCE(shared_ro.v);
		if ((i & 63) == 0)
			atomic_fetch_add(&contended.v, 1);
		if ((i & 15) == 0)
			env->compute(20);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, res = 0;

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &res) != 2)
			res = 0;
		fclose(f);
	}
	return res * 4;
}

int main(int argc, char **argv)
{
	static const int counts[] = { 4, 64, 1024 };
	struct profile p;
	char err[256];
	unsigned i;

	if (profile_load(&p, argc > 1 ? argv[1] : "default", err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		return 2;
	}
	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		int n = counts[i], c;
		struct sim_config cfg = { .prof = &p, .nr_cpus = n, .seed = 1,
					  .nr_frames = 64, .report = stderr };
		long rss0 = rss_kib(), rss1;
		struct sim *s;
		double t0, t;

		priv = aligned_alloc(64, sizeof(*priv) * n);
		memset(priv, 0, sizeof(*priv) * n);
		/* ~3.2 primitives per loop iteration */
		loops_per_cpu = OPS_PER_CPU_TOTAL / 3 / n;
		s = sim_create(&cfg, err, sizeof(err));
		if (!s) {
			fprintf(stderr, "bench: %s\n", err);
			return 3;
		}
		for (c = 0; c < n; c++)
			sim_cpu_start(s, c, bench_cpu, NULL, NULL, true);
		t0 = now();
		sim_run(s);
		t = now() - t0;
		rss1 = rss_kib();
		printf("engine  %5d cpus  %12llu ops  %6.3f s  %6.2f M ops/s  %6.1f KiB/cpu\n",
		       n, (unsigned long long)s->ops, t, s->ops / t / 1e6,
		       (double)(rss1 - rss0) / n);
		sim_destroy(s);
		free(priv);
	}
	return 0;
}
