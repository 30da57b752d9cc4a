// SPDX-License-Identifier: GPL-2.0
/*
 * engine.c - simulator throughput: simulated primitive operations per second
 * of wall time, with every CPU busy (so every primitive may switch CPUs),
 * and the memory the engine uses per simulated CPU.
 *
 * Each CPU loops over loads and stores of its own line, loads of a line all
 * CPUs share, an atomic on a contended line now and then, and a little user
 * work.  Printed: ops/s at 4, 64 and 1024 CPUs, and KiB per CPU; then the
 * engine's memory per CPU when every CPU's TLB is full (target <= 64 KiB).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include "sim/internal.h"

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
			user_compute(20);
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

/* ---- memory with every TLB full ---------------------------------------- */
#define MEM_PAGES 4096			/* more than any profile's TLB holds */
static u64 mem_root;

static void mem_cpu(void *arg)
{
	u64 v, i;

	(void)arg;
	load_cr3(mem_root, 1, false);
	for (i = 0; i < MEM_PAGES; i++)
		user_access(i << PAGE_SHIFT, &v, false);
}

/* Map MEM_PAGES pages at va 0 before the run (plain set-up code). */
static void mem_map(struct sim *s)
{
	u64 va;

	mem_root = hw_frame_alloc(&s->hw);
	for (va = 0; va < MEM_PAGES * PAGE_SIZE; va += PAGE_SIZE) {
		u64 t = mem_root;
		int level;

		for (level = PT_LEVELS; level > 1; level--) {
			pte_t *e = hw_table(&s->hw, t) + pt_index(va, level);
			if (!pte_present(*e))
				*e = pfn_pte(hw_frame_alloc(&s->hw),
					     _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
			t = pte_pfn(*e);
		}
		hw_table(&s->hw, t)[pt_index(va, 1)] =
			pfn_pte(hw_frame_alloc(&s->hw), _PAGE_PRESENT | _PAGE_USER);
	}
}

static void bench_memory(const struct profile *p, int n)
{
	struct sim_config cfg = { .prof = p, .topo = { .cpus = n }, .seed = 1,
				  .nr_frames = 2 * MEM_PAGES, .report = stderr };
	long rss0 = rss_kib(), rss1, tables;
	char err[256];
	struct sim *s = sim_create(&cfg, err, sizeof(err));
	int c;

	mem_map(s);
	tables = (long)(s->hw.mem.nr_frames - s->hw.mem.nr_free) * 4;	/* KiB */
	for (c = 0; c < n; c++)
		sim_cpu_start(s, c, mem_cpu, NULL, NULL, true);
	sim_run(s);
	rss1 = rss_kib();
	printf("memory  %5d cpus, every TLB full (%llu entries): %6.1f KiB/cpu "
	       "besides simulated RAM\n", n, (unsigned long long)p->tlb_entries,
	       (double)(rss1 - rss0 - tables) / n);
	sim_destroy(s);
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
		struct sim_config cfg = { .prof = &p, .topo = { .cpus = n }, .seed = 1,
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
	bench_memory(&p, 256);
	return 0;
}
