// SPDX-License-Identifier: GPL-2.0
/*
 * rndwr.c - mmap-rndwr: sysbench fileio rndwr in mmap mode.  128 files of
 * 32 pages (16 MiB, sysbench's default file count) mapped shared; threads
 * draw requests from one shared generator (a locked counter, as sysbench's
 * is under a mutex) and write a random page of a random file.  Every 100th
 * request (--file-fsync-freq's default) is instead an fsync of the next file
 * in turn: its dirty pages are written back, each PTE write-protected with
 * its own shootdown.  Reported: writes per second.
 */
#include "work/workload.h"

#define FILES		128
#define FILE_PAGES	32
#define FSYNC_FREQ	100

struct rndwr_state {
	spinlock_t lock ____cacheline_aligned;
	u64 requests;
	u64 fsynced;
};

static void rndwr_setup(struct wl_ctx *c)
{
	struct rndwr_state *st = kzalloc(c->k, sizeof(*st));

	c->wl_data = st;
	c->mm = mm_create(c->k);
	c->file = file_create(c->k, FILES * FILE_PAGES);
	mm_add_vma(c->mm, wl_region(0), wl_region(0) + FILES * FILE_PAGES * PAGE_SIZE,
		   VMA_FILE_SHARED, true, c->file, 0);
	mm_add_vma(c->mm, wl_region(7), wl_region(8), VMA_ANON, true, NULL, 0);
	wl_measure_begin(c);
}

/* The next request: a file to fsync (>= 0), or -1 for a write. */
static int next_request(struct rndwr_state *st)
{
	int fsync_file = -1;
	u64 n;

	spin_lock(&st->lock);
	n = READ_ONCE(st->requests) + 1;
	WRITE_ONCE(st->requests, n);
	if (n % FSYNC_FREQ == 0) {
		u64 f = READ_ONCE(st->fsynced);
		WRITE_ONCE(st->fsynced, f + 1);
		fsync_file = (int)(f % FILES);
	}
	spin_unlock(&st->lock);
	return fsync_file;
}

static void rndwr_thread(struct wl_ctx *c, int t)
{
	struct rndwr_state *st = c->wl_data;
	u64 i;

	for (i = 1; i <= c->iters; i++) {
		int f = next_request(st);

		if (f >= 0) {
			file_writeback_range(c->mm, c->file, (u64)f * FILE_PAGES,
					     FILE_PAGES);
			continue;
		}
		user_write(wl_region(0) + get_random_u64() % (FILES * FILE_PAGES) *
			   PAGE_SIZE, i);
		env_stat(STAT_OPS, 1);
	}
	if (t == 0)
		wl_measure_end(c, c->iters);
}

const struct workload wl_mmap_rndwr = {
	.name = "mmap-rndwr",
	.summary = "sysbench rndwr, mmap mode: threads write random pages of 128 "
		   "shared-mapped files; every 100th request fsyncs one (writes/s)",
	.metric = METRIC_OPS_PER_SEC,
	.default_iters = 400,
	.setup = rndwr_setup,
	.thread = rndwr_thread,
};
