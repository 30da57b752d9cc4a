// SPDX-License-Identifier: GPL-2.0
/*
 * mmu_gather.c - batch what a zap releases; flush; then free.
 *
 * Page-table pages need more than a flush when some CPU may be walking the
 * tables without taking an interrupt (hardware broadcast flushes, hypercall
 * flushes, interrupt-disabled software walkers): see table_free in kernel.h.
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

static void free_tables(struct mmu_gather *tlb)
{
	int i;

	for (i = 0; i < tlb->nr_tables; i++)
		free_page_pfn(tlb->tables[i]);
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
}
