// SPDX-License-Identifier: GPL-2.0
/*
 * mmu_gather.c - batch what a zap releases; flush; then free.
 *
 * Page-table pages need more than a flush when some CPU may be walking the
 * tables without taking an interrupt (an interrupt-disabled software walker
 * such as get_user_pages_fast) and the flush did not interrupt it (hypercall
 * or hardware broadcast flushes).  The policies (enum table_free):
 *   ipi       free right after the flush: safe only if it interrupted all;
 *   sync-one  first an empty IPI to every CPU, waited on;
 *   rcu       batch, free after every CPU has had interrupts enabled since
 *             (a grace period of RCU-sched); a full batch falls back to
 *             sync-one, as tlb_remove_table() does when it cannot allocate.
 */
#include "proto/mm.h"

void tlb_gather_init(struct mmu_gather *tlb, struct mm *mm)
{
	tlb->mm = mm;
	tlb->start = ~0ULL;
	tlb->end = 0;
	tlb->nr_pages = 0;
	tlb->nr_tables = 0;
}

void tlb_gather_range(struct mmu_gather *tlb, u64 va)
{
	if (va < tlb->start)
		tlb->start = va;
	if (va + PAGE_SIZE > tlb->end)
		tlb->end = va + PAGE_SIZE;
}

void tlb_gather_page(struct mmu_gather *tlb, u64 pfn)
{
	if (tlb->nr_pages == GATHER_MAX_PAGES)
		tlb_flush_mmu(tlb);		/* batch full: flush early */
	tlb->pages[tlb->nr_pages++] = pfn;
}

void tlb_gather_table(struct mmu_gather *tlb, u64 pfn)
{
	if (tlb->nr_tables == GATHER_MAX_TABLES)
		tlb_flush_mmu(tlb);
	tlb->tables[tlb->nr_tables++] = pfn;
}

static void empty_call(void *info)
{
	(void)info;
}

/* Wait until every other CPU has taken an interrupt: any walker that was
 * running with interrupts off when the tables were unhooked is done. */
static void tlb_remove_table_sync_one(struct kernel *k)
{
	struct cpumask all;
	int cpu;

	cpumask_clear(&all);
	for (cpu = 0; cpu < k->nr_cpus; cpu++)
		__cpumask_set_cpu(cpu, &all);
	smp_call_function_many(k, &all, empty_call, NULL, true, false, false);
}

static bool grace_period_over(struct kernel *k, u64 since_ns)
{
	int cpu;

	for (cpu = 0; cpu < k->nr_cpus; cpu++)
		if (!cpu_irqs_on_since(cpu, since_ns))
			return false;
	return true;
}

/* Free this CPU's batch of tables once a grace period has passed. */
void tlb_table_rcu_poll(struct kernel *k, bool force)
{
	struct rcu_table_batch *b = &k->rcu[smp_processor_id()];
	int i;

	if (!b->n)
		return;
	if (force)
		tlb_remove_table_sync_one(k);
	else if (!grace_period_over(k, b->since_ns))
		return;
	for (i = 0; i < b->n; i++)
		free_page_pfn(b->pfns[i]);
	b->n = 0;
}

static void free_tables(struct mmu_gather *tlb)
{
	struct kernel *k = tlb->mm->k;
	struct rcu_table_batch *b = &k->rcu[smp_processor_id()];
	int i;

	if (!tlb->nr_tables)
		return;
	switch (k->o.table_free) {
	case TABLE_FREE_SYNC_ONE:
		tlb_remove_table_sync_one(k);
		/* fall through */
	case TABLE_FREE_IPI:
	default:
		for (i = 0; i < tlb->nr_tables; i++)
			free_page_pfn(tlb->tables[i]);
		break;
	case TABLE_FREE_RCU:
		for (i = 0; i < tlb->nr_tables; i++) {
			if (b->n == RCU_BATCH_MAX)
				/* no room: wait for walkers the slow way */
				tlb_table_rcu_poll(k, true);
			b->pfns[b->n++] = tlb->tables[i];
		}
		/* the grace period starts once they are unreachable */
		b->since_ns = local_clock();
		break;
	}
}

void tlb_flush_mmu(struct mmu_gather *tlb)
{
	int i;

	if (tlb->end > tlb->start)
		flush_tlb_mm_range(tlb->mm, tlb->start, tlb->end, PAGE_SHIFT,
				   tlb->nr_tables > 0);
	/* tables first, then pages, as mm/mmu_gather.c orders them */
	free_tables(tlb);
	for (i = 0; i < tlb->nr_pages; i++)
		free_page_pfn(tlb->pages[i]);
	tlb_gather_init(tlb, tlb->mm);
}

void tlb_finish_mmu(struct mmu_gather *tlb)
{
	tlb_flush_mmu(tlb);
	if (tlb->mm->k->o.table_free == TABLE_FREE_RCU)
		tlb_table_rcu_poll(tlb->mm->k, false);
}
