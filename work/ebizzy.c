// SPDX-License-Identifier: GPL-2.0
/*
 * ebizzy.c - threads repeatedly allocate large chunks, fill them, search
 * them, and free them again (ebizzy's pattern; with chunks above the mmap
 * threshold, every free is a munmap and so a shootdown to every CPU of the
 * process).  Runs for a fixed simulated time; reported: records searched
 * per second.
 */
#include "work/workload.h"

#define CHUNKS_PER_THREAD	4
#define CHUNK_PAGES		64	/* 256 KiB: past glibc's mmap threshold */
#define SEARCHES		32	/* records read per loop */

static u64 chunk_base(int slot)
{
	return wl_region(0) + (u64)slot * CHUNK_PAGES * PAGE_SIZE;
}

static void ebizzy_setup(struct wl_ctx *c)
{
	u64 len = (u64)c->threads * CHUNKS_PER_THREAD * CHUNK_PAGES * PAGE_SIZE;

	c->mm = mm_create(c->k);
	mm_add_vma(c->mm, wl_region(0), wl_region(0) + len, VMA_ANON, true, NULL, 0);
	mm_add_vma(c->mm, wl_region(7), wl_region(8), VMA_ANON, true, NULL, 0);
	wl_measure_begin(c);
}

static void ebizzy_thread(struct wl_ctx *c, int t)
{
	int nslots = c->threads * CHUNKS_PER_THREAD;
	u64 i, p;

	for (i = 1; wl_running(c, i); i++) {
		int slot = t * CHUNKS_PER_THREAD + (int)(get_random_u64() % CHUNKS_PER_THREAD);
		u64 base = chunk_base(slot);

		/* free the old chunk, allocate and fill a new one */
		sys_munmap(c->mm, base, CHUNK_PAGES * PAGE_SIZE);
		for (p = 0; p < CHUNK_PAGES; p++)
			user_write(base + p * PAGE_SIZE, i);
		/* search records anywhere in the shared chunk array */
		for (p = 0; p < SEARCHES; p++) {
			u64 r = get_random_u64();
			(void)user_read(chunk_base(r % nslots) +
					(r >> 32) % CHUNK_PAGES * PAGE_SIZE);
			user_compute(50);
		}
		env_stat(STAT_OPS, SEARCHES);
	}
}

const struct workload wl_ebizzy = {
	.name = "ebizzy",
	.summary = "threads allocate 256 KiB chunks, fill, search, free them "
		   "(munmap shootdowns); records/s over 200 ms simulated",
	.metric = METRIC_OPS_PER_SEC,
	.default_iters = 0,
	.default_duration_ns = 200 * 1000 * 1000,
	.setup = ebizzy_setup,
	.thread = ebizzy_thread,
};
