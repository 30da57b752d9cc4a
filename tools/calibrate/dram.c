// SPDX-License-Identifier: GPL-2.0
/*
 * dram.c - load latency from memory: a dependent pointer chase over one
 * line in each 4 KiB of a 2 GiB buffer, in random order, backed by 2 MiB
 * pages where the kernel grants them (MADV_HUGEPAGE) so that TLB misses
 * stay rare.  2 GiB is several times any L3 this is likely to run on, so
 * nearly every load comes from DRAM.  On a virtual machine the host's
 * page size for guest memory decides whether TLB misses stay rare.
 */
#include "calib.h"	/* first: it defines _GNU_SOURCE */
#include <sys/mman.h>

#define SIZE	(2UL << 30)
#define STRIDE	4096
#define LOADS	(5 * 1000 * 1000)
#define RUNS	5

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* How much of the buffer the kernel did back with 2 MiB pages. */
static void print_thp(void)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	char line[256];

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "AnonHugePages:", 14))
			printf("  %ld MiB of the %lu MiB on 2 MiB pages\n",
			       strtol(line + 14, NULL, 10) / 1024, SIZE >> 20);
	if (f)
		fclose(f);
}

int main(void)
{
	long n = SIZE / STRIDE, i, *perm;
	double v[RUNS];
	char *m;
	int r;

	pin(0);
	m = mmap(NULL, SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	perm = malloc(n * sizeof(*perm));
	if (m == MAP_FAILED || !perm) {
		perror("mmap");
		return 1;
	}
	madvise(m, SIZE, MADV_HUGEPAGE);
	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = n - 1; i > 0; i--) {	/* one random cycle (Sattolo) */
		long j = (long)(next_rand() % (uint64_t)i), t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	/* Node k sits in block k at line k % 64, so lines spread over sets. */
#define NODE(k) ((void **)(m + (k) * STRIDE + ((k) % 64) * 64))
	for (i = 0; i < n; i++)
		*NODE(perm[i]) = NODE(perm[(i + 1) % n]);
	for (r = 0; r < RUNS; r++) {
		void **p = NODE(perm[0]);
		uint64_t t = now_ns();

		for (i = 0; i < LOADS; i++)
			p = (void **)*p;
		v[r] = (double)(now_ns() - t) / LOADS;
		__asm__ volatile("" : : "r"(p));
	}
	report_median("DRAM load (2 GiB random chase)", v, RUNS);
	print_thp();
	return 0;
}
