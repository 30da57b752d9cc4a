// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_run.c - a scenario as a program for the checker: the real
 * protocol code (proto/) on the checker's machine.
 *
 * init() builds the kernel once per case: kernel_create(), every CPU's
 * kernel_cpu_boot() on that CPU, the address space and its VMAs, then the
 * scenario's init scripts, all without interleaving.  Everything the kernel
 * allocated is in its own memory (kmem), which is handed to
 * check_snapshot() whole to be put back before each run; the page tables
 * and pages live in the checker's frames, which it restores itself.
 *
 * Each CPU then runs its script: one kernel operation after another, each
 * a system call, a fault, a context switch or a user access.  With tasks,
 * init also creates them, each queued on its first CPU; a CPU whose script
 * has ended runs its idle loop (sched_cpu_idle), and so its tasks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bug.h"
#include "work/scenario.h"
#include "proto/kernel.h"
#include "proto/mm.h"

/* A task's wake-up condition, in the kernel's memory (so it is reset
 * with it): what `wake` sets and `sleep` waits for. */
struct scn_waitflag {
	int woken;
};

struct scn_ctx {
	const struct scenario *s;
	const struct scn_case *c;
	struct kernel *k;
	struct mm *mm;
	struct file *file;
	struct task_struct *task[SCN_MAX_TASKS];
	struct scn_waitflag *flag[SCN_MAX_TASKS];
};

static struct scn_ctx X;	/* the case being checked */

/* Names for counterexamples: what a reviewer of tlb.c and smp.c calls them. */
static void name_cpu(struct kernel *k, int i)
{
	struct cpu_tlbstate *ts = &k->tlbstate[i];
	struct flush_tlb_info *fi = &k->flush_info[i];
	int j;

	check_name(&ts->loaded_mm, sizeof(ts->loaded_mm), "cpu%d.loaded_mm", i);
	check_name(&ts->loaded_mm_asid, 2, "cpu%d.loaded_asid", i);
	check_name(&ts->next_asid, 2, "cpu%d.next_asid", i);
	check_name(&ts->is_lazy_shared, 1, "cpu%d.is_lazy", i);
	for (j = 0; j < TLB_NR_DYN_ASIDS; j++) {
		check_name(&ts->ctxs[j].ctx_id, 8, "cpu%d.asid%d.ctx_id", i, j);
		check_name(&ts->ctxs[j].tlb_gen, 8, "cpu%d.asid%d.tlb_gen", i, j);
	}
	check_name(&k->tlbstate_shared[i].is_lazy, 1, "cpu%d.is_lazy", i);
	check_name(&k->callq[i].first, 8, "callq[%d]", i);
	check_name(&fi->mm, 8, "flush_info[%d].mm", i);
	check_name(&fi->start, 8, "flush_info[%d].start", i);
	check_name(&fi->end, 8, "flush_info[%d].end", i);
	check_name(&fi->new_tlb_gen, 8, "flush_info[%d].new_tlb_gen", i);
	check_name(&fi->stride_shift, 4, "flush_info[%d].stride_shift", i);
	check_name(&fi->freed_tables, 1, "flush_info[%d].freed_tables", i);
	check_name(&fi->initiating_cpu, 2, "flush_info[%d].initiating_cpu", i);
	check_name(&k->steal[i].preempted, 1, "steal[%d].preempted", i);
	check_name(&k->rcu[i], sizeof(k->rcu[i]), "rcu[%d]", i);
	for (j = 0; j < k->nr_cpus; j++) {
		struct csd *c = &k->csd[i][j];

		check_name(&c->next, 8, "csd[%d->%d].next", i, j);
		check_name(&c->flags, 4, "csd[%d->%d].flags", i, j);
		check_name(&c->func, 8, "csd[%d->%d].func", i, j);
		check_name(&c->info, 8, "csd[%d->%d].info", i, j);
		check_name(&c->payload, sizeof(c->payload), "csd[%d->%d].payload", i, j);
	}
}

static void name_tables(struct mm *mm, u64 va)
{
	static const char *const level_names[] = { "", "pt", "pmd", "pud", "pgd" };
	u64 t = mm->pgd;
	int level;

	for (level = PT_LEVELS; level >= 1 && t; level--) {
		pte_t e = ((pte_t *)pfn_to_virt(t))[pt_index(va, level)];

		if (level == PT_LEVELS)
			check_name(pfn_to_virt(t), PAGE_SIZE, "pgd");
		else
			check_name(pfn_to_virt(t), PAGE_SIZE, "%s(0x%llx)",
				   level_names[level], (unsigned long long)va);
		if (!pte_present(e))
			break;
		t = pte_pfn(e);
	}
}

static void name_kernel(struct kernel *k, struct mm *mm)
{
	int i;

	for (i = 0; i < k->nr_cpus; i++)
		name_cpu(k, i);
	check_name(&mm->tlb_gen, 8, "mm.tlb_gen");
	check_name(&mm->cpumask, sizeof(mm->cpumask), "mm.cpumask");
	check_name(&mm->page_table_lock, 4, "mm.page_table_lock");
	check_name(&mm->pgd, 8, "mm.pgd");
	check_name(&k->init_mm.cpumask, sizeof(k->init_mm.cpumask), "init_mm.cpumask");
	check_name(&k->init_mm.tlb_gen, 8, "init_mm.tlb_gen");
	check_name(&k->init_mm.pgd, 8, "init_mm.pgd");
	check_name(&k->booted, 4, "kernel.booted");
	/* anything unnamed in the kernel's memory (a page-table lock's
	 * descriptor, say) by its offset there, never its host address */
	check_name(k->kmem, (size_t)1 << 32, "kmem");
	/* functions that travel in call descriptors and handler tables */
	check_name((void *)flush_tlb_func, 1, "flush_tlb_func");
	check_name((void *)smp_call_interrupt, 1, "smp_call_interrupt");
	check_name((void *)kernel_empty_interrupt, 1, "kernel_empty_interrupt");
	check_name((void *)handle_page_fault, 1, "handle_page_fault");
	check_name(mm, sizeof(*mm), "mm");
	check_name(&k->init_mm, sizeof(k->init_mm), "init_mm");
	for (i = 0; i < k->nr_cpus; i++)
		check_name(&k->flush_info[i], sizeof(k->flush_info[i]),
			   "flush_info[%d]", i);
}

/* ---- operations ---------------------------------------------------------------- */

static int current_task_index(void)
{
	struct task_struct *me = current;
	int i;

	for (i = 0; i < X.s->nr_tasks; i++)
		if (X.task[i] == me)
			return i;
	BUG("a task op outside the scenario's tasks");
}

/* wait_event(flag): the sleeper's half of Linux's sleep protocol
 * (sched.h); the flag is consumed, so a task may sleep again. */
static void task_sleep(struct scn_waitflag *f)
{
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (READ_ONCE(f->woken))
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	WRITE_ONCE(f->woken, 0);
}

static void run_op(const struct scn_op *op)
{
	struct kernel *k = X.k;
	struct mm *mm = X.mm;
	u64 v;

	switch (op->kind) {
	case SOP_USE:
		switch_mm(k, mm);
		break;
	case SOP_LAZY:
		enter_lazy_tlb(k);
		break;
	case SOP_KERNEL:
		switch_mm(k, &k->init_mm);
		break;
	case SOP_READ:
		(void)user_read(op->va);
		break;
	case SOP_EMULATED_READ:
		(void)user_read_emulated(op->va);
		break;
	case SOP_WRITE:
		user_write(op->va, op->b);
		break;
	case SOP_EXPECT:
		v = user_read(op->va);
		if (v != op->b)
			check_fail("cpu %d read %#llx at 0x%llx, the scenario expects %#llx",
				   smp_processor_id(), (unsigned long long)v,
				   (unsigned long long)op->va, (unsigned long long)op->b);
		break;
	case SOP_MADVISE:
		sys_madvise_dontneed(mm, op->va, op->b << PAGE_SHIFT);
		break;
	case SOP_MUNMAP:
		sys_munmap(mm, op->va, op->b << PAGE_SHIFT);
		break;
	case SOP_MPROTECT:
		sys_mprotect(mm, op->va, op->b << PAGE_SHIFT, op->c);
		break;
	case SOP_POPULATE:
		sys_populate(mm, op->va, op->b << PAGE_SHIFT);
		break;
	case SOP_COLLAPSE:
		mm_collapse_pmd(mm, op->va);
		break;
	case SOP_WRITEBACK:
		if (X.file)
			file_writeback(mm, X.file);
		break;
	case SOP_GUP:
		gup_fast(mm, op->va, op->b, 0);
		break;
	case SOP_IRQS_OFF:
		local_irq_disable();
		break;
	case SOP_IRQS_ON:
		local_irq_enable();
		break;
	case SOP_SLEEP:
		task_sleep(X.flag[current_task_index()]);
		break;
	case SOP_WAKE:
		WRITE_ONCE(X.flag[op->b]->woken, 1);
		wake_up_process(X.task[op->b]);
		break;
	case SOP_YIELD:
		do_sched_yield();
		break;
	case SOP_MIGRATE:
		sched_migrate_current(op->b);
		break;
	}
}

/* ---- the program --------------------------------------------------------------------- */

static void scn_task(void *arg)
{
	const struct scn_task *t = arg;
	int i;

	for (i = 0; i < t->nr_ops; i++)
		run_op(&t->ops[i]);
}

/* Each task on its first CPU, so that queueing it there only marks that
 * CPU's idle task (no reschedule IPI pending at the start of every run). */
static void create_tasks(const struct scenario *s)
{
	int i, cpu;

	for (i = 0; i < s->nr_tasks; i++) {
		const struct scn_task *t = &s->tasks[i];
		struct task_struct *p;
		struct cpumask allowed;

		cpumask_clear(&allowed);
		for (cpu = 0; cpu < s->nr_cpus; cpu++)
			if (t->cpus & 1u << cpu)
				__cpumask_set_cpu(cpu, &allowed);
		X.flag[i] = kzalloc(X.k, sizeof(*X.flag[i]));
		check_on_cpu(t->cpu);
		p = task_create_on(X.k, t->kthread ? NULL : X.mm, scn_task,
				   (void *)t, t->name, &allowed, t->cpu);
		X.task[i] = p;
		check_name(p->ctx, 1, "task %s", t->name);
		check_name(&p->__state, sizeof(p->__state), "%s.state", t->name);
		check_name(&p->ti_flags, sizeof(p->ti_flags), "%s.flags", t->name);
		check_name(&p->on_rq, sizeof(p->on_rq), "%s.on_rq", t->name);
		check_name(&p->on_cpu, sizeof(p->on_cpu), "%s.on_cpu", t->name);
		check_name(&p->cpu, sizeof(p->cpu), "%s.cpu", t->name);
		check_name(&p->pi_lock, sizeof(p->pi_lock), "%s.pi_lock", t->name);
		check_name(&X.flag[i]->woken, sizeof(int), "%s.woken", t->name);
	}
	check_on_cpu(0);
}

static void scn_init(void *data)
{
	const struct scenario *s = X.s;
	struct kernel_opts o = {
		.protocol = s->protocol,
		.mutant = X.c->mutant,
		.table_free = s->table_free,
		.flush_ceiling = 33,
		/* a csd wait times out only when nothing else can run; then
		 * nothing will ever acknowledge it: report and end the run */
		.csd_lock_timeout_ns = 1ULL << 50,
		.panic_on_ipistall_ns = 1ULL << 50,
	};
	u64 pgoff = 0;
	int i;

	kernel_opts_defaults(&o);
	/* faults, madvise and munmap without mmap_lock or VMA locks: an
	 * over-approximation that keeps the searches finite (kernel.h);
	 * guests on the native qspinlock (docs/checker.md, "The kernel it
	 * runs") */
	o.kp[KP_VMA_LOCK] = VMA_LOCK_OFF;
	o.elide_mm_locks = true;
	o.kp[KP_PVSPIN] = PVSPIN_OFF;
	X.k = kernel_create(s->nr_cpus, &o);
	for (i = 0; i < s->nr_cpus; i++)
		check_set_kernel(i, X.k);
	for (i = 0; i < s->nr_cpus; i++) {
		check_on_cpu(i);
		kernel_cpu_boot(X.k);
	}
	check_on_cpu(0);
	X.mm = mm_create(X.k);
	X.file = s->file_pages ? file_create(X.k, s->file_pages) : NULL;
	for (i = 0; i < s->nr_vmas; i++) {
		const struct scn_vma *v = &s->vmas[i];
		bool file = v->kind != VMA_ANON;

		mm_add_vma(X.mm, v->start, v->start + (v->pages << PAGE_SHIFT),
			   v->kind, v->writable, file ? X.file : NULL, file ? pgoff : 0);
		if (file)
			pgoff += v->pages;
	}
	sched_name_objects(X.k, check_name);
	/* the call descriptors exist from the start, so they have names */
	for (i = 0; i < s->nr_cpus; i++)
		csd_row(X.k, i);
	/* named before the init scripts run, so that an error there names
	 * what it waited on ("csd[0->1].flags"), not a host address */
	name_kernel(X.k, X.mm);
	for (i = 0; i < s->nr_init; i++) {
		check_on_cpu(s->init[i].cpu);
		run_op(&s->init[i]);
	}
	check_on_cpu(0);
	create_tasks(s);
	/* everything the kernel allocated, as it is now, starts every run */
	check_snapshot(X.k->kmem, kmem_used(X.k->kmem));
	for (i = 0; i < s->nr_vmas; i++)
		name_tables(X.mm, s->vmas[i].start);
}

static void scn_cpu(void *data)
{
	int me = smp_processor_id(), i;

	for (i = 0; i < X.s->nr_ops[me]; i++)
		run_op(&X.s->ops[me][i]);
	if (X.s->nr_tasks) {
		check_idle_loop();
		sched_cpu_idle(X.k);
	}
}


const char *scenario_case_mutant(const struct scn_case *c)
{
	if (c->host_mutant)
		return host_mutants[c->host_mutant].name;
	return mutants[c->mutant].name;
}

static void scn_free(void)
{
	if (X.k)
		kernel_destroy(X.k);
	memset(&X, 0, sizeof(X));
}

int scenario_check(const struct scenario *s, const struct scn_case *c,
		   const struct check_config *cfg_in, struct check_result *r)
{
	struct check_config cfg = *cfg_in;
	struct check_program p = {
		.name = s->name,
		.nr_cpus = s->nr_cpus,
		.init = scn_init,
	};
	int i, rc;

	for (i = 0; i < s->nr_cpus; i++)
		p.cpu_main[i] = scn_cpu;
	cfg.sc = cfg.sc || c->sc;
	cfg.host = s->host;
	cfg.host_deschedules = s->host_deschedules;
	cfg.host_cpus = s->host_cpus;
	cfg.nmi_cpus = s->nmi_cpus;
	cfg.timer_cpus = s->timer_cpus;
	cfg.host_mutant = c->host_mutant;
	memset(&X, 0, sizeof(X));
	X.s = s;
	X.c = c;
	rc = check_explore(&p, &cfg, r);
	scn_free();
	return rc;
}
