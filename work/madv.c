// SPDX-License-Identifier: GPL-2.0
/*
 * madv.c - the latency workloads of one initiating thread.
 *
 * madv-touch: thread 0 loops { MADV_DONTNEED one page; write it again } while
 * the other threads of the process busy-wait on their CPUs, so every
 * iteration is one shootdown to all of them.  Reported: ns per iteration.
 *
 * munmap-range: thread 0 maps, touches and unmaps ranges of 1, 2, 4 ... 1024
 * pages in turn: ranges past the flush ceiling become full flushes, and
 * ranges covering whole 2 MiB regions free their page-table pages.  The
 * other threads read the range's first page every 5 us.
 */
#include "work/workload.h"

#define WARMUP 4

static void anon_setup(struct wl_ctx *c)
{
	c->mm = mm_create(c->k);
	mm_add_vma(c->mm, wl_region(0), wl_region(1), VMA_ANON, true, NULL, 0);
	mm_add_vma(c->mm, wl_region(7), wl_region(8), VMA_ANON, true, NULL, 0);
}

static void madv_touch_thread(struct wl_ctx *c, int t)
{
	u64 page = wl_region(0), i;

	if (t)
		wl_spin_forever(c);
	for (i = 0; i < c->iters + WARMUP; i++) {
		if (i == WARMUP)
			wl_measure_begin(c);
		sys_madvise_dontneed(c->mm, page, PAGE_SIZE);
		user_write(page, i);
		env_stat(STAT_ITERS, 1);
	}
	wl_measure_end(c, c->iters);
}

const struct workload wl_madv_touch = {
	.name = "madv-touch",
	.summary = "one thread: MADV_DONTNEED a page, write it again; "
		   "the others busy-wait in the same mm (ns/iter)",
	.metric = METRIC_NS_PER_ITER,
	.default_iters = 200,
	.setup = anon_setup,
	.thread = madv_touch_thread,
	.only_thread0_counted = true,
	.pinned = true,
};

static const u64 range_pages[] = { 1, 2, 4, 8, 16, 32, 33, 34, 64, 128, 256,
				   512, 1024 };

/* The other threads of munmap-range read the first page of the range now
 * and then, so their TLBs and page-walk caches hold what is unmapped. */
static void range_reader(struct wl_ctx *c)
{
	for (;;) {
		(void)user_read(wl_region(0));
		user_compute(5000);
	}
}

static void munmap_range_thread(struct wl_ctx *c, int t)
{
	u64 base = wl_region(0), i, p;

	if (t)
		range_reader(c);
	wl_measure_begin(c);
	for (i = 0; i < c->iters; i++) {
		u64 n = range_pages[i % ARRAY_SIZE(range_pages)];

		for (p = 0; p < n; p++)
			user_write(base + p * PAGE_SIZE, i);
		sys_munmap(c->mm, base, n * PAGE_SIZE);
		env_stat(STAT_ITERS, 1);
	}
	wl_measure_end(c, c->iters);
}

const struct workload wl_munmap_range = {
	.name = "munmap-range",
	.summary = "one thread maps, touches and unmaps 1..1024 pages in turn "
		   "(ceiling, full flushes, freed page tables; ns/iter)",
	.metric = METRIC_NS_PER_ITER,
	.default_iters = 26,
	.setup = anon_setup,
	.thread = munmap_range_thread,
	.only_thread0_counted = true,
	.pinned = true,
};
