// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush.c - will-it-scale tlb_flush1/2/3: every thread loops { write its
 * page; MADV_DONTNEED it; read it back and check the refaulted value } on a
 * private file mapping (1), an anonymous one (2), a shared file mapping (3).
 * Each thread also reads a random other thread's page every loop, so other
 * CPUs hold the translations that the shootdowns must remove, and a stale
 * one would be used (and caught).  Reported: loops per second.
 */
#include <stdio.h>

#include "work/workload.h"

#define PAGES_PER_THREAD 1

static void tlbflush_setup(struct wl_ctx *c, enum vma_kind kind)
{
	u64 len = (u64)c->threads * PAGES_PER_THREAD * PAGE_SIZE;

	c->mm = mm_create(c->k);
	if (kind != VMA_ANON)
		c->file = file_create(c->k, len >> PAGE_SHIFT);
	mm_add_vma(c->mm, wl_region(0), wl_region(0) + len, kind, true, c->file, 0);
	mm_add_vma(c->mm, wl_region(7), wl_region(8), VMA_ANON, true, NULL, 0);
	wl_measure_begin(c);
}

static void setup1(struct wl_ctx *c) { tlbflush_setup(c, VMA_FILE_PRIVATE); }
static void setup2(struct wl_ctx *c) { tlbflush_setup(c, VMA_ANON); }
static void setup3(struct wl_ctx *c) { tlbflush_setup(c, VMA_FILE_SHARED); }

static void tlbflush_loop(struct wl_ctx *c, int t, enum vma_kind kind)
{
	u64 mine = wl_region(0) + (u64)t * PAGES_PER_THREAD * PAGE_SIZE, i;

	for (i = 1; i <= c->iters; i++) {
		u64 v, want, other;

		user_write(mine, i);
		sys_madvise_dontneed(c->mm, mine, PAGE_SIZE);
		v = user_read(mine);
		want = kind == VMA_ANON ? 0 :
		       kind == VMA_FILE_PRIVATE ? file_content((mine - wl_region(0)) >> PAGE_SHIFT) :
		       i;
		if (v != want) {
			char msg[128];
			snprintf(msg, sizeof(msg), "tlb-flush: page 0x%llx read %#llx "
				 "after refault, expected %#llx",
				 (unsigned long long)mine, (unsigned long long)v,
				 (unsigned long long)want);
			report_violation(msg);
		}
		if (c->threads > 1) {
			other = get_random_u64() % (c->threads - 1);
			other += other >= (u64)t;
			(void)user_read(wl_region(0) + other * PAGES_PER_THREAD * PAGE_SIZE);
		}
		env_stat(STAT_OPS, 1);
	}
	if (t == 0)
		wl_measure_end(c, c->iters);
}

static void thread1(struct wl_ctx *c, int t) { tlbflush_loop(c, t, VMA_FILE_PRIVATE); }
static void thread2(struct wl_ctx *c, int t) { tlbflush_loop(c, t, VMA_ANON); }
static void thread3(struct wl_ctx *c, int t) { tlbflush_loop(c, t, VMA_FILE_SHARED); }

const struct workload wl_tlb_flush1 = {
	.name = "tlb-flush1",
	.summary = "will-it-scale tlb_flush1: write, MADV_DONTNEED, refault a "
		   "private file page per thread (loops/s)",
	.metric = METRIC_OPS_PER_SEC,
	.default_iters = 200,
	.setup = setup1,
	.thread = thread1,
};

const struct workload wl_tlb_flush2 = {
	.name = "tlb-flush2",
	.summary = "will-it-scale tlb_flush2: the same on anonymous memory (loops/s)",
	.metric = METRIC_OPS_PER_SEC,
	.default_iters = 200,
	.setup = setup2,
	.thread = thread2,
};

const struct workload wl_tlb_flush3 = {
	.name = "tlb-flush3",
	.summary = "will-it-scale tlb_flush3: the same on a shared file mapping (loops/s)",
	.metric = METRIC_OPS_PER_SEC,
	.default_iters = 200,
	.setup = setup3,
	.thread = thread3,
};
