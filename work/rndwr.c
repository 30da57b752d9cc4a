// SPDX-License-Identifier: GPL-2.0
/*
 * rndwr.c - mmap-rndwr: threads write random pages of a shared file mapping
 * (sysbench fileio rndwr in mmap mode).  Every FSYNC_EVERY writes a thread
 * writes the file back, which write-protects the dirty pages' PTEs one page
 * at a time, each with its shootdown.  Reported: writes per second.
 */
#include "work/workload.h"

#define FILE_PAGES	4096	/* 16 MiB */
#define FSYNC_EVERY	100	/* sysbench --file-fsync-freq default */

static void rndwr_setup(struct wl_ctx *c)
{
	c->mm = mm_create(c->k);
	c->file = file_create(FILE_PAGES);
	mm_add_vma(c->mm, wl_region(0), wl_region(0) + FILE_PAGES * PAGE_SIZE,
		   VMA_FILE_SHARED, true, c->file, 0);
	mm_add_vma(c->mm, wl_region(7), wl_region(8), VMA_ANON, true, NULL, 0);
	wl_measure_begin(c);
}

static void rndwr_thread(struct wl_ctx *c, int t)
{
	u64 i;

	for (i = 1; i <= c->iters; i++) {
		u64 page = env->random() % FILE_PAGES;

		user_write(wl_region(0) + page * PAGE_SIZE, i);
		env_stat(STAT_OPS, 1);
		if (i % FSYNC_EVERY == 0)
			file_writeback(c->mm, c->file);
	}
	if (t == 0)
		wl_measure_end(c, c->iters);
}

const struct workload wl_mmap_rndwr = {
	.name = "mmap-rndwr",
	.summary = "threads write random pages of a shared file mapping; "
		   "fsync every 100 writes write-protects dirty PTEs (writes/s)",
	.metric = METRIC_OPS_PER_SEC,
	.default_iters = 400,
	.setup = rndwr_setup,
	.thread = rndwr_thread,
};
