// SPDX-License-Identifier: GPL-2.0
/*
 * kernbench.c - process churn: each thread runs "jobs", each a short-lived
 * process that maps text, heap and stack in separate 2 MiB regions, touches
 * them, computes, and exits.  Exit frees every page-table page, so this is
 * where the table-freeing policy (ipi, rcu, sync-one) costs what it costs.
 * Reported: jobs per second.
 */
#include "work/workload.h"

#define TEXT_PAGES	8
#define HEAP_PAGES	16
#define STACK_PAGES	4
#define JOB_WORK_NS	20000

static void kernbench_setup(struct wl_ctx *c)
{
	c->mm = mm_create(c->k);
	c->file = file_create(c->k, TEXT_PAGES);
	mm_add_vma(c->mm, wl_region(7), wl_region(8), VMA_ANON, true, NULL, 0);
	c->probe_va = wl_region(7);	/* the jobs' mms come and go */
	wl_measure_begin(c);
}

static void touch(u64 base, int pages, bool write)
{
	int p;

	for (p = 0; p < pages; p++) {
		if (write)
			user_write(base + p * PAGE_SIZE, p);
		else
			(void)user_read(base + p * PAGE_SIZE);
	}
}

/* fork + exec + run + exit of one job */
static void run_job(struct wl_ctx *c)
{
	struct mm *mm = mm_create(c->k);
	u64 text = wl_region(0), heap = wl_region(1), stack = wl_region(2) - PMD_SIZE;

	mm_add_vma(mm, text, text + TEXT_PAGES * PAGE_SIZE, VMA_FILE_PRIVATE,
		   false, c->file, 0);
	mm_add_vma(mm, heap, heap + HEAP_PAGES * PAGE_SIZE, VMA_ANON, true, NULL, 0);
	mm_add_vma(mm, stack, stack + STACK_PAGES * PAGE_SIZE, VMA_ANON, true, NULL, 0);
	syscall_boundary();				/* exec */
	switch_mm(c->k, mm);
	touch(text, TEXT_PAGES, false);
	touch(heap, HEAP_PAGES, true);
	touch(stack, STACK_PAGES, true);
	user_compute(JOB_WORK_NS);
	syscall_boundary();				/* exit */
	switch_mm(c->k, c->mm);			/* the parent runs again */
	mm_exit(mm);
	mm_destroy(mm);
}

static void kernbench_thread(struct wl_ctx *c, int t)
{
	u64 i;

	for (i = 1; wl_running(c, i); i++) {
		run_job(c);
		env_stat(STAT_OPS, 1);
	}
	if (t == 0)
		wl_measure_end(c, c->iters);
}

const struct workload wl_kernbench = {
	.name = "kernbench",
	.summary = "process churn: short jobs map, touch and exit, freeing "
		   "all their page tables (jobs/s)",
	.metric = METRIC_OPS_PER_SEC,
	.default_iters = 60,
	.setup = kernbench_setup,
	.thread = kernbench_thread,
};
