/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mm.h - gathering what an unmap releases (mm/mmu_gather.c), so that it is
 * freed only after the shootdown.
 */
#ifndef PROTO_MM_H
#define PROTO_MM_H

#include "proto/kernel.h"

#define PMD_SIZE	(1ULL << 21)
#define PMD_MASK	(~(PMD_SIZE - 1))
#define GATHER_MAX_PAGES 512
#define GATHER_MAX_TABLES 32

struct mmu_gather {
	struct mm *mm;
	u64 start, end;			/* unmapped range, end exclusive */
	int nr_pages, nr_tables;
	u64 pages[GATHER_MAX_PAGES];
	u64 tables[GATHER_MAX_TABLES];
};

void tlb_gather_init(struct mmu_gather *tlb, struct mm *mm);
void tlb_gather_range(struct mmu_gather *tlb, u64 va);
void tlb_gather_page(struct mmu_gather *tlb, u64 pfn);
void tlb_gather_table(struct mmu_gather *tlb, u64 pfn);
/* Flush what was gathered, then free it (tables by the table-free policy). */
void tlb_flush_mmu(struct mmu_gather *tlb);
void tlb_finish_mmu(struct mmu_gather *tlb);
void tlb_table_rcu_poll(struct kernel *k, bool force);
/* Tear down an address space that no CPU runs any more (process exit). */
void mm_exit(struct mm *mm);

struct mm *current_mm(void);

/* What a file page holds before anyone writes it. */
static inline u64 file_content(u64 idx) { return 0xf11e000000000000ULL | idx; }

#endif
