// SPDX-License-Identifier: GPL-2.0
/*
 * pagewalk.c - cost of a TLB miss whose page-table entries are in cache.
 *
 * A dependent pointer chase visits N nodes in a random cycle.  In the
 * "spread" layout every node sits on its own 4 KiB page, N pages, far more
 * than the second-level TLB holds, so nearly every load misses the TLB
 * and the hardware walks the page tables.  In the "packed" layout the same
 * N nodes fill whole pages, 64 to a page (one per cache line), so the
 * chase touches the same number of distinct cache lines but only N/64
 * pages, which stay in the TLB.  Both walk the same cache footprint in the
 * same random order; the difference per load is the page walk.  Nodes on
 * the spread pages use line (i % 64) of their page so they spread over all
 * cache sets as the packed ones do.  Huge pages are turned off.
 *
 * On a virtual machine the walk is two-dimensional (each guest page-table
 * access is itself translated through the host's EPT tables), so this
 * measures more than bare metal would.
 */
#include "calib.h"	/* first: it defines _GNU_SOURCE */
#include <sys/mman.h>

#define PAGE	4096
#define LINE	64
#define LINES_PER_PAGE	(PAGE / LINE)
#define LOADS	(10 * 1000 * 1000)

static uint64_t rng = 88172645463325252ULL;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Link nodes (void **) into one random cycle (Sattolo's algorithm). */
static void **link_cycle(void ***node, long n)
{
	long i, *perm = malloc(n * sizeof(*perm));
	void **head;

	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = n - 1; i > 0; i--) {
		long j = (long)(next_rand() % (uint64_t)i), t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (i = 0; i < n; i++)
		*node[perm[i]] = node[perm[(i + 1) % n]];
	head = node[perm[0]];
	free(perm);
	return head;
}

static double chase(void **p)
{
	uint64_t t;
	long i;

	for (i = 0; i < LOADS / 10; i++)	/* warm caches and TLB */
		p = (void **)*p;
	t = now_ns();
	for (i = 0; i < LOADS; i++)
		p = (void **)*p;
	t = now_ns() - t;
	__asm__ volatile("" : : "r"(p));
	return (double)t / LOADS;
}

static double layout(long n, int spread)
{
	long pages = spread ? n : n / LINES_PER_PAGE, i;
	size_t size = (size_t)pages * PAGE;
	char *m = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void ***node = malloc(n * sizeof(*node));
	double v;

	if (m == MAP_FAILED || !node) {
		perror("mmap");
		exit(1);
	}
	madvise(m, size, MADV_NOHUGEPAGE);
	for (i = 0; i < n; i++) {
		long page = spread ? i : i / LINES_PER_PAGE;

		node[i] = (void **)(m + page * PAGE + (i % LINES_PER_PAGE) * LINE);
	}
	v = chase(link_cycle(node, n));
	free(node);
	munmap(m, size);
	return v;
}

static void measure(long n)
{
	double sp[REPS], pk[REPS], d[REPS];
	char name[64];
	int r;

	for (r = 0; r < REPS; r++) {
		sp[r] = layout(n, 1);
		pk[r] = layout(n, 0);
		d[r] = sp[r] - pk[r];
	}
	snprintf(name, sizeof(name), "%ld nodes, spread (TLB miss)", n);
	report_median(name, sp, REPS);
	snprintf(name, sizeof(name), "%ld nodes, packed (TLB hit)", n);
	report_median(name, pk, REPS);
	snprintf(name, sizeof(name), "%ld nodes, page walk (difference)", n);
	report_median(name, d, REPS);
}

/*
 * TLB reach: the spread chase over n pages for growing n.  The time per
 * load steps up once n exceeds what the TLB holds (first the small L1
 * DTLB, then the second-level TLB whose size tlb_entries models).  All
 * sizes here keep the touched lines (n of them) within L2.
 */
static void sweep(void)
{
	static const long sizes[] = { 32, 64, 128, 256, 512, 1024, 1536, 2048,
				      3072, 4096, 6144, 8192, 16384 };
	double v[REPS];
	char name[64];
	size_t i;
	int r;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (r = 0; r < REPS; r++)
			v[r] = layout(sizes[i], 1);
		snprintf(name, sizeof(name), "%ld pages, one line each", sizes[i]);
		report_median(name, v, REPS);
	}
}

int main(void)
{
	pin(0);
	sweep();
	measure(16384);		/* 1 MiB of lines: fits in L2 */
	measure(65536);		/* 4 MiB of lines: L3 */
	return 0;
}
