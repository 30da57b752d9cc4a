// SPDX-License-Identifier: GPL-2.0
/*
 * tlb.c - TLB shootdown as arch/x86/mm/tlb.c does it, and the variants the
 * seed patch series proposed.
 *
 * Generations: every flush request bumps mm->tlb_gen; every CPU records, per
 * ASID slot, the generation it has caught up to.  A handler that is already
 * caught up returns early; one exactly one generation behind the newest
 * request does the ranged flush; anything else flushes the whole ASID.
 *
 * Lazy TLB: a CPU that switched to a kernel thread keeps the user mm loaded
 * and says so in is_lazy; flushers skip it (unless page tables are freed)
 * and it catches up from the generation when it switches back.  The two
 * sides order their accesses so that one always sees the other:
 *   switch_mm:  is_lazy = false; smp_mb(); read tlb_gen
 *   flusher:    tlb_gen++ (locked, a full barrier); read is_lazy
 */
#include "proto/kernel.h"

#define this_cpu_read(x)	READ_ONCE(x)
#define this_cpu_write(x, v)	WRITE_ONCE(x, v)

/* The pre-series layout keeps is_lazy in the owner's busy line and writes it
 * on every switch; the concurrent series moved it to a line of its own and
 * writes it only when it changes. */
static bool shared_layout(const struct kernel *k)
{
	return k->ops->shared_tlbstate;
}

static bool *lazy_flag(struct kernel *k, int cpu)
{
	return shared_layout(k) ? &k->tlbstate[cpu].is_lazy_shared :
				  &k->tlbstate_shared[cpu].is_lazy;
}

bool tlb_cpu_is_lazy(struct kernel *k, int cpu)
{
	return READ_ONCE(*lazy_flag(k, cpu));
}

static void set_lazy(struct kernel *k, int cpu, bool lazy)
{
	bool *f = lazy_flag(k, cpu);

	if (shared_layout(k) || READ_ONCE(*f) != lazy)
		WRITE_ONCE(*f, lazy);
}

static u16 asid_to_pcid(u16 asid) { return asid + 1; }	/* 0: kernel */

/* ---- switching address spaces -------------------------------------------- */

void enter_lazy_tlb(struct kernel *k)
{
	int me = smp_processor_id();

	if (this_cpu_read(k->tlbstate[me].loaded_mm) == &k->init_mm)
		return;
	set_lazy(k, me, true);
}

static void switch_to_init_mm(struct kernel *k, int me, struct mm *prev)
{
	if (prev != &k->init_mm)
		cpumask_clear_cpu(me, &prev->cpumask);
	set_lazy(k, me, false);
	load_cr3(k->init_mm.pgd, 0, false);
	this_cpu_write(k->tlbstate[me].loaded_mm, &k->init_mm);
	this_cpu_write(k->tlbstate[me].loaded_mm_asid, 0);
}

/* Pick the ASID slot for next: its old slot if it has one, else the next
 * slot round-robin.  Returns true if the slot's TLB contents are stale. */
static bool choose_asid(struct kernel *k, int me, struct mm *next, u64 next_gen,
			u16 *asid)
{
	struct cpu_tlbstate *ts = &k->tlbstate[me];
	u16 i;

	for (i = 0; i < TLB_NR_DYN_ASIDS; i++) {
		if (this_cpu_read(ts->ctxs[i].ctx_id) != next->ctx_id)
			continue;
		*asid = i;
		return this_cpu_read(ts->ctxs[i].tlb_gen) < next_gen;
	}
	*asid = this_cpu_read(ts->next_asid);
	this_cpu_write(ts->next_asid, (*asid + 1) % TLB_NR_DYN_ASIDS);
	return true;
}

void switch_mm(struct kernel *k, struct mm *next)
{
	int me = smp_processor_id();
	struct cpu_tlbstate *ts = &k->tlbstate[me];
	struct mm *prev;
	unsigned long flags;
	bool was_lazy, need_flush;
	u64 next_gen;
	u16 asid;

	local_irq_save(flags);
	/* Until the task switch is done, current is the previous task: an
	 * NMI must not take the mm being set up for its own (nmi.c). */
	k->nmi[me].switching = true;
	prev = this_cpu_read(ts->loaded_mm);
	was_lazy = tlb_cpu_is_lazy(k, me);
	/* pre-series kernels wrote is_lazy = false on every switch_mm */
	if (shared_layout(k))
		WRITE_ONCE(*lazy_flag(k, me), false);
	if (next == &k->init_mm) {
		switch_to_init_mm(k, me, prev);
		goto out;
	}
	if (prev == next) {
		if (!was_lazy)
			goto out;
		set_lazy(k, me, false);
		/* Order the is_lazy store before the tlb_gen load; pairs with
		 * the flusher's locked increment before it reads is_lazy. */
		if (!mutant(k, MUT_NO_SWITCH_BARRIER))
			smp_mb();
		asid = this_cpu_read(ts->loaded_mm_asid);
		next_gen = READ_ONCE(next->tlb_gen);
		if (this_cpu_read(ts->ctxs[asid].tlb_gen) >= next_gen ||
		    mutant(k, MUT_LAZY_NO_CATCHUP))
			goto out;
		load_cr3(next->pgd, asid_to_pcid(asid), false);
		env_stat(STAT_FULL_FLUSHES, 1);
		this_cpu_write(ts->ctxs[asid].tlb_gen, next_gen);
		goto out;
	}

	if (was_lazy)
		set_lazy(k, me, false);
	if (prev != &k->init_mm)
		cpumask_clear_cpu(me, &prev->cpumask);
	/* A locked op: a full barrier before reading the generation. */
	cpumask_set_cpu(me, &next->cpumask);
	next_gen = READ_ONCE(next->tlb_gen);
	need_flush = choose_asid(k, me, next, next_gen, &asid);
	this_cpu_write(ts->ctxs[asid].ctx_id, next->ctx_id);
	this_cpu_write(ts->ctxs[asid].tlb_gen, next_gen);
	load_cr3(next->pgd, asid_to_pcid(asid), !need_flush);
	if (need_flush)
		env_stat(STAT_FULL_FLUSHES, 1);
	this_cpu_write(ts->loaded_mm, next);
	this_cpu_write(ts->loaded_mm_asid, asid);
out:
	k->nmi[me].switching = false;
	local_irq_restore(flags);
}

/* ---- the flush itself ---------------------------------------------------- */

static void flush_range(struct kernel *k, const struct flush_tlb_info *f)
{
	u64 step = 1ULL << f->stride_shift, end = f->end, va;

	if (mutant(k, MUT_RANGE_OFF_BY_ONE))
		end -= step;
	for (va = f->start; va < end; va += step)
		flush_tlb_one(va);
	env_stat(STAT_PARTIAL_FLUSHES, 1);
}

/*
 * Bring this CPU's TLB up to date for its loaded mm.  Runs in the IPI
 * handler on targets and with IRQs off on the initiator.  f may point into
 * the initiator's memory (synchronous calls) or be a private copy (async).
 */
void flush_tlb_func(void *info)
{
	const struct flush_tlb_info *f = info;
	struct kernel *k = K();
	int me = smp_processor_id();
	struct cpu_tlbstate *ts = &k->tlbstate[me];
	struct mm *loaded = this_cpu_read(ts->loaded_mm), *fmm;
	u16 asid = this_cpu_read(ts->loaded_mm_asid);
	u64 local_gen, mm_gen, new_gen, start, end;
	struct flush_tlb_info r;

	trace_span_begin("flush_tlb_func");
	if (tlb_cpu_is_lazy(k, me)) {
		/* Only sent when tables are freed: stop using them at all. */
		switch_mm(k, &k->init_mm);
		goto out;
	}
	fmm = READ_ONCE(f->mm);
	if (loaded == &k->init_mm || (fmm && fmm != loaded))
		goto out;
	local_gen = this_cpu_read(ts->ctxs[asid].tlb_gen);
	mm_gen = READ_ONCE(loaded->tlb_gen);
	if (local_gen == mm_gen)
		goto out;			/* already caught up */
	new_gen = READ_ONCE(f->new_tlb_gen);
	if (new_gen <= local_gen)
		goto out;			/* an older request */
	start = READ_ONCE(f->start);
	end = READ_ONCE(f->end);
	r = (struct flush_tlb_info){ .start = start, .end = end,
				     .stride_shift = READ_ONCE(f->stride_shift) };

	if (end != TLB_FLUSH_ALL && new_gen == local_gen + 1 && new_gen == mm_gen) {
		/* exactly the one request we are missing: ranged flush */
		flush_range(k, &r);
	} else if (end != TLB_FLUSH_ALL && new_gen == local_gen + 1 &&
		   mutant(k, MUT_STALE_GEN_EARLY_OUT)) {
		/* BUG: flushes an older request's range but records the
		 * newest generation, so the newer request's handler will
		 * return early without flushing its range. */
		flush_range(k, &r);
	} else {
		flush_tlb_local();
		env_stat(STAT_FULL_FLUSHES, 1);
	}
	this_cpu_write(ts->ctxs[asid].tlb_gen, mm_gen);
out:
	trace_span_end();
}

/* Which targets get an IPI: lazy CPUs only when tables are freed. */
static void select_targets(struct kernel *k, const struct cpumask *cpus,
			   const struct flush_tlb_info *info, struct cpumask *out)
{
	int me = smp_processor_id(), cpu, last = -1;
	bool all = info->freed_tables && !mutant(k, MUT_LAZY_SKIP_FREED_TABLES);

	cpumask_clear(out);
	for_each_cpu(cpu, cpus) {
		if (cpu >= k->nr_cpus)
			break;
		if (cpu != me && !all && tlb_cpu_is_lazy(k, cpu)) {
			env_stat(STAT_LAZY_SKIPPED, 1);
			continue;
		}
		__cpumask_set_cpu(cpu, out);
		if (cpu != me)
			last = cpu;
	}
	if (mutant(k, MUT_SKIP_ONE_REMOTE) && last >= 0)
		__cpumask_clear_cpu(last, out);
}

void flush_local_irqs_off(struct kernel *k, struct flush_tlb_info *info)
{
	unsigned long flags;

	if (mutant(k, MUT_SKIP_LOCAL))
		return;
	local_irq_save(flags);
	flush_tlb_func(info);
	local_irq_restore(flags);
}

/* Send, flush locally while the IPIs fly, wait (targets may include me). */
void native_flush_tlb_multi(struct kernel *k, const struct cpumask *targets,
			    struct flush_tlb_info *info)
{
	struct cpumask t = *targets;

	if (mutant(k, MUT_SKIP_LOCAL))
		__cpumask_clear_cpu(smp_processor_id(), &t);
	smp_call_function_many(k, &t, flush_tlb_func, info,
			       !mutant(k, MUT_NO_WAIT), true, false);
}

/* Flush every CPU of cpus (the initiator included when it is in the set),
 * the way the protocol chosen at boot does it. */
static void flush_tlb_multi(struct kernel *k, const struct cpumask *cpus,
			    struct flush_tlb_info *info)
{
	struct cpumask targets;

	select_targets(k, cpus, info, &targets);
	k->ops->flush_tlb_multi(k, &targets, info);
}

/*
 * Flush [start, end) of mm everywhere it may be cached.  The caller has
 * already changed the page tables; nothing it unmapped may be freed before
 * this returns.
 */
void flush_tlb_mm_range(struct mm *mm, u64 start, u64 end, u32 stride_shift,
			bool freed_tables)
{
	struct kernel *k = mm->k;
	int me = smp_processor_id(), cpu;
	struct flush_tlb_info *info = &k->flush_info[me];
	u64 began = local_clock(), new_gen;
	struct cpumask cpus;
	bool others = false;

	trace_span_begin("flush_tlb_mm_range");
	/* A locked increment: a full barrier before reading is_lazy. */
	new_gen = atomic_inc_return(&mm->tlb_gen);
	if (((end - start) >> stride_shift) > k->o.flush_ceiling) {
		start = 0;
		end = TLB_FLUSH_ALL;
	}
	WRITE_ONCE(info->mm, mm);
	WRITE_ONCE(info->start, start);
	WRITE_ONCE(info->end, end);
	WRITE_ONCE(info->new_tlb_gen, new_gen);
	WRITE_ONCE(info->stride_shift, stride_shift);
	WRITE_ONCE(info->freed_tables, freed_tables);
	WRITE_ONCE(info->initiating_cpu, (u16)me);

	cpumask_read(&cpus, &mm->cpumask);
	for_each_cpu(cpu, &cpus)
		if (cpu != me)
			others = true;
	if (others) {
		env_stat(STAT_SHOOTDOWNS, 1);
		flush_tlb_multi(k, &cpus, info);
	} else if (this_cpu_read(k->tlbstate[me].loaded_mm) == mm) {
		flush_local_irqs_off(k, info);
	}
	tlb_flush_done(mm->pgd, start, end == TLB_FLUSH_ALL ? USER_VA_TOP : end, began);
	trace_span_end();
}
