// SPDX-License-Identifier: GPL-2.0
/*
 * kernbench.c - process churn: each thread (a make) runs "jobs", each a
 * short-lived process of its own that maps text, heap and stack in separate
 * 2 MiB regions, touches them, computes, and exits while its parent waits.  Exit frees every page-table page, so this is
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

/* One job: a process of its own.  Its parent and the child's state live
 * in kernel memory, where the parent waits for it. */
struct job {
	struct wl_ctx *c;
	struct task_struct *parent;
	u32 done;
};

/* The child: exec (a fresh address space), run, exit. */
static void job_main(void *arg)
{
	struct job *j = arg;
	struct wl_ctx *c = j->c;
	struct task_struct *parent = j->parent;
	struct mm *mm = mm_create(c->k);
	u64 text = wl_region(0), heap = wl_region(1), stack = wl_region(2) - PMD_SIZE;

	mm_add_vma(mm, text, text + TEXT_PAGES * PAGE_SIZE, VMA_FILE_PRIVATE,
		   false, c->file, 0);
	mm_add_vma(mm, heap, heap + HEAP_PAGES * PAGE_SIZE, VMA_ANON, true, NULL, 0);
	mm_add_vma(mm, stack, stack + STACK_PAGES * PAGE_SIZE, VMA_ANON, true, NULL, 0);
	syscall_boundary();				/* exec */
	task_switch_mm(mm);
	touch(text, TEXT_PAGES, false);
	touch(heap, HEAP_PAGES, true);
	touch(stack, STACK_PAGES, true);
	user_compute(JOB_WORK_NS);
	syscall_boundary();				/* exit */
	task_exit_mm();
	mm_exit(mm);
	mm_destroy(mm);
	smp_store_release(&j->done, 1u);
	wake_up_process(parent);			/* SIGCHLD: wait4 returns */
}

/*
 * vfork + exec + wait4, as make starts a job: the child is a new task the
 * scheduler places (on an idle CPU if there is one), the parent sleeps
 * until it has exited.  So jobs migrate, and their exits flush every CPU
 * that ran them or idles lazily on their mm.
 */
static void run_job(struct wl_ctx *c)
{
	struct job *j = kzalloc(c->k, sizeof(*j));

	j->c = c;
	j->parent = current;
	syscall_boundary();				/* vfork */
	kthread_create(c->k, job_main, j, "job", NULL);
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (smp_load_acquire(&j->done))
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	kmem_free(c->k->kmem, j);
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
