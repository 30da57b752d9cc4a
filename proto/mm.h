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

/* mmap_lock (include/linux/mmap_lock.h) and the per-VMA locks (mm.h):
 * mmap_write_unlock and mmap_write_downgrade also end every VMA write
 * lock taken under the hold. */
void mmap_read_lock(struct mm *mm);
void mmap_read_unlock(struct mm *mm);
void mmap_write_lock(struct mm *mm);
void mmap_write_unlock(struct mm *mm);
void mmap_write_downgrade(struct mm *mm);
bool vma_start_read(struct mm *mm, struct vma *v);	/* false: take mmap_lock */
void vma_end_read(struct mm *mm, struct vma *v);
void vma_start_write(struct mm *mm, struct vma *v);	/* mmap_lock held for write */
struct vma *lock_vma_under_rcu(struct mm *mm, u64 va);

/* What a file page holds before anyone writes it. */
static inline u64 file_content(u64 idx) { return 0xf11e000000000000ULL | idx; }

#endif
