/* SPDX-License-Identifier: GPL-2.0 */
/*
 * simtest.h - helpers for engine tests: a profile with round numbers so the
 * expected costs are exact, and page tables built by hand before a run.
 */
#ifndef TESTS_SIMTEST_H
#define TESTS_SIMTEST_H

#include "sim/internal.h"
#include "tests/tap.h"

/* Every cost a distinct round number of ns (stored in ps). */
static inline struct profile test_profile(void)
{
	struct profile p = {
		.name = "test",
		.cpus = 4, .sockets = 2, .threads_per_core = 1,
		.l1_hit_ns = 1000, .smt_transfer_ns = 20000,
		.socket_transfer_ns = 50000, .remote_transfer_ns = 120000,
		.dram_ns = 80000, .atomic_ns = 10000, .mfence_ns = 30000,
		.pause_ns = 5000,
		.tlb_entries = 8, .tlb_ways = 2,
		.invlpg_ns = 200000, .flush_full_ns = 300000,
		.cr3_noflush_ns = 100000, .page_walk_ns = 40000,
		.tlb_flush_ceiling = 33,
		.ipi_send_ns = 100000, .ipi_smt_ns = 500000,
		.ipi_socket_ns = 1000000, .ipi_remote_ns = 2000000,
		.irq_entry_ns = 300000, .irq_exit_ns = 200000,
		.syscall_ns = 100000, .page_fault_ns = 500000,
		.spec_walk_interval_ns = 0,
	};
	return p;
}

static inline struct sim *test_sim(const struct profile *p, int cpus, u64 seed)
{
	struct sim_config cfg = { .prof = p, .topo = { .cpus = cpus }, .seed = seed,
				  .nr_frames = 1024, .report = stdout };
	char err[256];
	struct sim *s = sim_create(&cfg, err, sizeof(err));

	TEST_ASSERT(s, "%s", err);
	return s;
}

/* Map va -> pfn (flags) in the tables rooted at root, allocating tables. */
static inline void test_map(struct sim *s, u64 root, u64 va, u64 pfn, u64 flags)
{
	u64 t = root;
	int level;

	for (level = PT_LEVELS; level > 1; level--) {
		pte_t *e = hw_table(&s->hw, t) + pt_index(va, level);
		if (!pte_present(*e))
			*e = pfn_pte(hw_frame_alloc(&s->hw), _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
		t = pte_pfn(*e);
	}
	hw_table(&s->hw, t)[pt_index(va, 1)] = pfn_pte(pfn, flags);
}

static inline pte_t *test_pte(struct sim *s, u64 root, u64 va)
{
	u64 pt;

	hw_walk_tables(&s->hw, -1, root, va, &pt, false);
	TEST_ASSERT(pt, "no page table for 0x%llx", (unsigned long long)va);
	return hw_table(&s->hw, pt) + pt_index(va, 1);
}

#define USER_RW (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER)
#define USER_RO (_PAGE_PRESENT | _PAGE_USER)

#endif
