// SPDX-License-Identifier: GPL-2.0
/*
 * gupfast.c - the fast-GUP hazard.  Walker threads do what
 * get_user_pages_fast() does: with interrupts disabled and no lock, walk the
 * page tables of a range and take each page.  Unmapper threads populate a
 * 2 MiB region (MAP_POPULATE), do I/O on it, and then give it up: every other
 * time by munmap (PTEs zapped, then the table freed) and otherwise the way
 * khugepaged's collapse does (the table detached with its PTEs present,
 * flushed and freed) - the case where a walker is still reading it.
 *
 * An IPI-based shootdown cannot complete while a walker has interrupts off,
 * so freeing after it is safe.  A hypercall flush does not interrupt the
 * walker: the page-table page can be freed mid-walk, unless tables are freed
 * after a grace period (rcu) or an empty IPI round (sync-one).  A walker
 * reading a freed page-table page is reported by the engine.
 */
#include <stdlib.h>

#include "work/workload.h"

#define REGIONS		4	/* 2 MiB regions the unmappers cycle over */
#define POP_PAGES	512	/* populated per map: the whole table */
#define WALK_PAGES	512	/* one gup of 2 MiB (an O_DIRECT buffer, an RDMA MR) */
#define GET_PAGE_NS	20	/* try_grab_folio: a locked add on the page */

static u64 region(int r)
{
	return wl_region(0) + (u64)r * PMD_SIZE;
}

/* The buffer the application does I/O on now: walkers pin this one. */
struct gup_state {
	u64 buffer ____cacheline_aligned;
};

static void gup_setup(struct wl_ctx *c)
{
	struct gup_state *g = kzalloc(c->k, sizeof(*g));

	g->buffer = region(0);
	c->wl_data = g;
	c->mm = mm_create(c->k);
	mm_add_vma(c->mm, region(0), region(REGIONS), VMA_ANON, true, NULL, 0);
	mm_add_vma(c->mm, wl_region(7), wl_region(8), VMA_ANON, true, NULL, 0);
	wl_measure_begin(c);
}

static void walker(struct wl_ctx *c)
{
	struct gup_state *g = c->wl_data;

	for (;;) {
		/* inside a system call (an O_DIRECT read, an RDMA memory
		 * registration), which returns through exit_to_user_mode */
		syscall_boundary();
		gup_fast(c->mm, READ_ONCE(g->buffer), WALK_PAGES, GET_PAGE_NS);
		exit_to_user_mode();
		env_stat(STAT_WALKS, 1);
		user_compute(100 + get_random_u64() % 400);
	}
}

static void unmapper(struct wl_ctx *c)
{
	struct gup_state *g = c->wl_data;
	u64 i;

	for (i = 1; wl_running(c, i); i++) {
		u64 base = region((int)(get_random_u64() % REGIONS));

		sys_populate(c->mm, base, POP_PAGES * PAGE_SIZE);
		WRITE_ONCE(g->buffer, base);
		user_write(base, i);
		user_compute(2000);		/* the I/O */
		if (i & 1)
			mm_collapse_pmd(c->mm, base);
		else
			sys_munmap(c->mm, base, PMD_SIZE);
		env_stat(STAT_OPS, 1);
	}
}

static void gup_thread(struct wl_ctx *c, int t)
{
	if (t % 2)
		walker(c);
	unmapper(c);
	if (t == 0)
		wl_measure_end(c, c->iters);
}

const struct workload wl_gup_fast = {
	.name = "gup-fast",
	.summary = "odd threads walk page tables with IRQs off (get_user_pages_fast); "
		   "even threads unmap or collapse 2 MiB regions, freeing tables (unmaps/s)",
	.metric = METRIC_OPS_PER_SEC,
	.default_iters = 1000,
	.default_threads = 8,		/* 4 walkers, 4 unmappers */
	.setup = gup_setup,
	.thread = gup_thread,
	.only_thread0_counted = true,
};
