// SPDX-License-Identifier: GPL-2.0
/*
 * native.c - the bare-metal protocols: the shootdown before and after Nadav
 * Amit's "x86: Concurrent TLB flushes" series (Linux v5.13), the series'
 * layout change on its own, and the same author's earlier asynchronous RFC.
 *
 * All of them reach the other CPUs through smp_call_function_many()
 * (smp.c); they differ in the order of the local and the remote flushes,
 * in where the per-CPU TLB state lives (flush_ops.shared_tlbstate, used by
 * tlb.c), and in when a remote CPU acknowledges.
 */
#include "proto/kernel.h"

/* Remote first, wait for all of them, then this CPU: no overlap. */
static void baseline_flush_tlb_multi(struct kernel *k, const struct cpumask *targets,
				     struct flush_tlb_info *info)
{
	struct cpumask remote = *targets;
	bool local = __cpumask_test_cpu(smp_processor_id(), &remote);

	__cpumask_clear_cpu(smp_processor_id(), &remote);
	smp_call_function_many(k, &remote, flush_tlb_func, info,
			       !mutant(k, MUT_NO_WAIT), false, false);
	if (local)
		flush_local_irqs_off(k, info);
}

const struct flush_ops baseline_flush_ops = {
	.name = "baseline",
	.summary = "pre-2019 order: IPI remote CPUs, wait for all, then flush locally",
	.models = "Linux before the concurrent-flush series (to v5.12)",
	.shared_tlbstate = true,
	.table_free = TABLE_FREE_IPI,
	.flush_tlb_multi = baseline_flush_tlb_multi,
};

const struct flush_ops concurrent_flush_ops = {
	.name = "concurrent",
	.summary = "send IPIs, flush locally while they fly, wait; is_lazy on its own line",
	.models = "Linux v5.13-v6.13 (x86: Concurrent TLB flushes)",
	.table_free = TABLE_FREE_IPI,
	.flush_tlb_multi = native_flush_tlb_multi,
};

const struct flush_ops concurrent_shared_flush_ops = {
	.name = "concurrent-shared",
	.summary = "concurrent order, but TLB state on one shared, always-written line",
	.models = "the series' flush order with the pre-series cpu_tlbstate layout",
	.shared_tlbstate = true,
	.table_free = TABLE_FREE_IPI,
	.flush_tlb_multi = native_flush_tlb_multi,
};

/*
 * The RFC's asynchronous flush: for user mappings whose page tables are not
 * being freed, targets acknowledge on interrupt entry and flush afterwards,
 * with the parameters carried in the message; the initiator flushes itself
 * meanwhile and waits only for delivery.  Tables freed (or a stride other
 * than a page): the synchronous flush, as the RFC fell back.
 */
static void async_flush_tlb_multi(struct kernel *k, const struct cpumask *targets,
				  struct flush_tlb_info *info)
{
	struct cpumask t = *targets;

	if ((info->freed_tables && !mutant(k, MUT_ASYNC_FREED_TABLES)) ||
	    info->stride_shift != PAGE_SHIFT) {
		native_flush_tlb_multi(k, &t, info);
		return;
	}
	if (mutant(k, MUT_SKIP_LOCAL))
		__cpumask_clear_cpu(smp_processor_id(), &t);
	smp_call_function_many(k, &t, flush_tlb_func, info,
			       !mutant(k, MUT_NO_WAIT), true, true);
}

const struct flush_ops async_flush_ops = {
	.name = "async",
	.summary = "remote CPUs ack on interrupt entry, flush after; params in the message",
	.models = "Nadav Amit's asynchronous-flush RFC (2019, not merged)",
	.table_free = TABLE_FREE_IPI,
	.flush_tlb_multi = async_flush_tlb_multi,
};
