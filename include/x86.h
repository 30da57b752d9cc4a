/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86.h - architectural formats shared by the hardware models (sim/, check/)
 * and the simulated kernel (proto/): 4-level page-table entries, PCIDs.
 */
#ifndef SHOOTDOWN_X86_H
#define SHOOTDOWN_X86_H

#include "env.h"

#define _PAGE_PRESENT	(1ULL << 0)
#define _PAGE_RW	(1ULL << 1)
#define _PAGE_USER	(1ULL << 2)
#define _PAGE_ACCESSED	(1ULL << 5)
#define _PAGE_DIRTY	(1ULL << 6)
#define _PAGE_GLOBAL	(1ULL << 8)
#define PTE_PFN_MASK	0x000ffffffffff000ULL

#define PTRS_PER_TABLE	512
#define PT_LEVELS	4		/* PML4, PDPT, PD, PT */
#define USER_VA_TOP	(1ULL << 47)

typedef u64 pte_t;

static inline u64 pte_pfn(pte_t e) { return (e & PTE_PFN_MASK) >> PAGE_SHIFT; }
static inline bool pte_present(pte_t e) { return e & _PAGE_PRESENT; }
static inline bool pte_write(pte_t e) { return e & _PAGE_RW; }
static inline pte_t pfn_pte(u64 pfn, u64 flags)
{ return (pfn << PAGE_SHIFT) | flags; }

/* Index of va in the table at level (4 = PML4 ... 1 = PT). */
static inline unsigned int pt_index(u64 va, int level)
{ return (va >> (PAGE_SHIFT + 9 * (level - 1))) & (PTRS_PER_TABLE - 1); }

#define NR_PCIDS 4096

#endif
