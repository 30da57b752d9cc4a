// SPDX-License-Identifier: GPL-2.0
/*
 * smp.c - cross-CPU function calls, as kernel/smp.c does them.
 *
 * One call descriptor per (source, target) pair, guarded by a LOCK flag; one
 * lock-free queue per target.  The sender locks the descriptor (waiting if
 * the previous call through it is still in flight), fills it, pushes it on
 * the target's queue and sends an IPI only if the queue was empty: a
 * non-empty queue already has an IPI on the way.  The target drains its whole
 * queue per interrupt.  A synchronous call is acknowledged (LOCK cleared)
 * after the function ran; an asynchronous one before, with its parameters
 * copied out of the descriptor first.
 */
#include <stdio.h>

#include "proto/kernel.h"

/* The descriptors src calls through.  A CPU's row is allocated the first
 * time it sends, ids written before any descriptor is published. */
struct csd *csd_row(struct kernel *k, int src)
{
	if (unlikely(!k->csd[src])) {
		struct csd *row = kzalloc(k, sizeof(*row) * k->nr_cpus);
		int i;

		for (i = 0; i < k->nr_cpus; i++) {
			row[i].src = src;
			row[i].dst = i;
		}
		k->csd[src] = row;
	}
	return k->csd[src];
}

static struct csd *csd_of(struct kernel *k, int src, int dst)
{
	return &csd_row(k, src)[dst];
}

/*
 * Wait for the previous call through csd to be acknowledged.  As Linux's
 * CONFIG_CSD_LOCK_WAIT_DEBUG does (csd_lock_wait_toolong): a call still
 * unacknowledged after csd_lock_timeout is reported once, as the liveness
 * failure it is, and then waited on further; only past panic_on_ipistall
 * (0: never, Linux's default) does the kernel give up and the run end.
 */
static void csd_lock_wait(struct kernel *k, struct csd *csd)
{
	u64 start = local_clock(), timeout = k->o.csd_lock_timeout_ns;
	bool reported = false;

	for (;;) {
		u32 f = READ_ONCE(csd->flags);
		u64 waited, next;
		char msg[200];

		if (!(f & CSD_FLAG_LOCK))
			return;
		waited = local_clock() - start;
		if (!reported && waited >= timeout) {
			snprintf(msg, sizeof(msg), "stuck call: cpu %d has waited %llu ns "
				 "for cpu %d to acknowledge a cross-CPU call "
				 "(csd: non-responsive CSD lock)", csd->src,
				 (unsigned long long)waited, csd->dst);
			report_violation(msg);
			reported = true;
		}
		if (k->o.panic_on_ipistall_ns && waited >= k->o.panic_on_ipistall_ns) {
			snprintf(msg, sizeof(msg), "stuck call: cpu %d gave up on cpu %d "
				 "after %llu ns (panic_on_ipistall)", csd->src, csd->dst,
				 (unsigned long long)waited);
			report_fatal(msg);
			return;
		}
		/* sleep on the flag until the next deadline that matters */
		next = !reported ? timeout : k->o.panic_on_ipistall_ns;
		cpu_spin_wait(&csd->flags, f, sizeof(f),
			      next > waited ? next - waited : 0);
	}
}

static void csd_lock(struct kernel *k, struct csd *csd)
{
	csd_lock_wait(k, csd);
	/* the descriptor is ours now; x86 stores are ordered, no wmb needed */
	WRITE_ONCE(csd->flags, CSD_FLAG_LOCK);
}

static void csd_unlock(struct csd *csd)
{
	smp_store_release(&csd->flags, 0);
}

/* llist_add: push, and say whether the list was empty. */
static bool call_queue_push(struct call_queue *q, struct csd *csd)
{
	struct csd *first;

	do {
		first = READ_ONCE(q->first);
		WRITE_ONCE(csd->next, first);
	} while (cmpxchg(&q->first, first, csd) != first);
	return first == NULL;
}

/*
 * Queue func(info) on every CPU of mask but this one, IPI those whose queue
 * was empty, optionally run func locally meanwhile, optionally wait.
 * async: the target acknowledges before running func, and gets its own copy
 * of the flush parameters carried in the descriptor.
 */
void smp_call_function_many(struct kernel *k, const struct cpumask *mask,
			    smp_call_func_t func, void *info, bool wait,
			    bool run_local, bool async)
{
	int me = smp_processor_id(), cpu, n = 0, last = -1;
	struct cpumask ipi;

	cpumask_clear(&ipi);
	for_each_cpu(cpu, mask) {
		struct csd *csd;

		if (cpu == me || cpu >= k->nr_cpus)
			continue;
		csd = csd_of(k, me, cpu);
		csd_lock(k, csd);
		WRITE_ONCE(csd->func, func);
		if (async) {
			/* the parameters travel inside the message */
			const struct flush_tlb_info *f = info;
			WRITE_ONCE(csd->payload.mm, f->mm);
			WRITE_ONCE(csd->payload.start, f->start);
			WRITE_ONCE(csd->payload.end, f->end);
			WRITE_ONCE(csd->payload.new_tlb_gen, f->new_tlb_gen);
			WRITE_ONCE(csd->info, NULL);
			WRITE_ONCE(csd->flags, CSD_FLAG_LOCK | CSD_TYPE_ASYNC);
		} else {
			WRITE_ONCE(csd->info, info);
			WRITE_ONCE(csd->flags, CSD_FLAG_LOCK | CSD_TYPE_SYNC);
		}
		if (call_queue_push(&k->callq[cpu], csd)) {
			__cpumask_set_cpu(cpu, &ipi);
			last = cpu;
			n++;
		}
	}

	if (n == 1)
		send_ipi(last, VEC_CALL_FUNCTION);
	else if (n > 1)
		send_ipi_mask(&ipi, VEC_CALL_FUNCTION);

	if (run_local && __cpumask_test_cpu(me, mask)) {
		unsigned long flags;

		local_irq_save(flags);
		func(info);
		local_irq_restore(flags);
	}

	if (!wait)
		return;
	for_each_cpu(cpu, mask) {
		if (cpu == me || cpu >= k->nr_cpus)
			continue;
		csd_lock_wait(k, csd_of(k, me, cpu));
	}
}

/* The call-function IPI: drain this CPU's queue, oldest call first. */
void smp_call_interrupt(enum irq_vector v)
{
	struct kernel *k = K();
	struct csd *batch[NR_CPUS_MAX], *csd;
	int n = 0;

	(void)v;
	csd = xchg(&k->callq[smp_processor_id()].first, (struct csd *)NULL);
	while (csd && n < NR_CPUS_MAX) {	/* one descriptor per sender */
		batch[n++] = csd;
		csd = READ_ONCE(csd->next);
	}
	while (n--) {		/* the queue is LIFO: run in arrival order */
		smp_call_func_t func;
		u32 flags;

		csd = batch[n];
		func = READ_ONCE(csd->func);
		flags = READ_ONCE(csd->flags);
		if (flags & CSD_TYPE_ASYNC) {
			struct flush_tlb_info copy;

			copy.mm = READ_ONCE(csd->payload.mm);
			copy.start = READ_ONCE(csd->payload.start);
			copy.end = READ_ONCE(csd->payload.end);
			copy.new_tlb_gen = READ_ONCE(csd->payload.new_tlb_gen);
			copy.stride_shift = PAGE_SHIFT;
			copy.freed_tables = false;
			copy.initiating_cpu = csd->src;
			/* acknowledged on entry; until the flush, NMIs must
			 * keep off user memory (nmi.c) */
			k->nmi[smp_processor_id()].async_flush_pending = true;
			csd_unlock(csd);
			func(&copy);
			k->nmi[smp_processor_id()].async_flush_pending = false;
		} else {
			func(READ_ONCE(csd->info));
			csd_unlock(csd);
		}
	}
}
