// SPDX-License-Identifier: GPL-2.0
/*
 * probes.c - two programs that are not benchmarks: each puts one hazard
 * in reach so that a design, or a mutant, can be judged on it from the
 * command line.  Their numbers mean nothing; their violations do.
 *
 * dropped-page: thread 0 writes a page and drops it (MADV_DONTNEED) in a
 * loop; the other threads keep reading it, so it is the page their tasks
 * were last using when perf's NMI samples them (nmi.c lets that page stand
 * for the user stack).  With `nmi_interval_ns` set, an NMI that lands
 * between an asynchronous acknowledgement and its flush reads through the
 * entry being flushed (async-no-nmi-guard).
 *
 * emulated-reader: the same, but the readers use an instruction KVM
 * emulates (include/env.h, user_access_emulated), the only kind of access
 * a VM exit can split (host-preempt-mid-insn, CVE-2022-39189).
 *
 * zap-race: the page-table lock's job.  Thread 0 write-protects a few
 * anonymous pages and lifts the protection again (mprotect), so their
 * PTEs are present and read-only under a writable VMA; the other threads
 * write random ones of them (a write fault that reuses the page, setting
 * the PTE writable again from the value it read) and MADV_DONTNEED random
 * ones.  Fault and zap of one PTE are serialised by its table's lock; a
 * zap without it (zap-no-ptl) can clear the PTE between the fault's read
 * and its write, and the fault then maps the page the zap frees.
 */
#include "work/workload.h"

static void probe_setup(struct wl_ctx *c)
{
	c->mm = mm_create(c->k);
	mm_add_vma(c->mm, wl_region(0), wl_region(1), VMA_ANON, true, NULL, 0);
}

static void dropper(struct wl_ctx *c)
{
	u64 page = wl_region(0), i;

	wl_measure_begin(c);
	for (i = 0; i < c->iters; i++) {
		user_write(page, i);
		sys_madvise_dontneed(c->mm, page, PAGE_SIZE);
		env_stat(STAT_ITERS, 1);
	}
	wl_measure_end(c, c->iters);
}

static void dropped_page_thread(struct wl_ctx *c, int t)
{
	if (!t) {
		dropper(c);
		return;
	}
	for (;;) {
		(void)user_read(wl_region(0));
		user_compute(300);
	}
}

static void emulated_reader_thread(struct wl_ctx *c, int t)
{
	if (!t) {
		dropper(c);
		return;
	}
	for (;;) {
		(void)user_read_emulated(wl_region(0));
		user_compute(2000);
	}
}

const struct workload wl_dropped_page = {
	.name = "dropped-page",
	.summary = "probe, not a benchmark: readers of a page one thread keeps "
		   "dropping (NMI hazards; ns/iter)",
	.metric = METRIC_NS_PER_ITER,
	.default_iters = 400,
	.setup = probe_setup,
	.thread = dropped_page_thread,
	.only_thread0_counted = true,
	.pinned = true,
};

const struct workload wl_emulated_reader = {
	.name = "emulated-reader",
	.summary = "probe, not a benchmark: as dropped-page, read by instructions "
		   "the host emulates (ns/iter)",
	.metric = METRIC_NS_PER_ITER,
	.default_iters = 300,
	.setup = probe_setup,
	.thread = emulated_reader_thread,
	.only_thread0_counted = true,
	.pinned = true,
};

#define RACE_PAGES	8

/* The program's own handshake (a user-space rwlock): writes stay out of
 * the window in which thread 0 has the pages read-only. */
struct race_state {
	u32 protecting ____cacheline_aligned;
	u32 writing ____cacheline_aligned;
};

static void zap_race_setup(struct wl_ctx *c)
{
	c->wl_data = kzalloc(c->k, sizeof(struct race_state));
	probe_setup(c);
}

static void race_write(struct race_state *st, u64 va, u64 v)
{
	for (;;) {
		if (READ_ONCE(st->protecting)) {
			user_compute(200);
			continue;
		}
		atomic_fetch_add(&st->writing, 1);	/* a full barrier */
		if (!READ_ONCE(st->protecting))
			break;
		atomic_fetch_add(&st->writing, -1);
	}
	user_write(va, v);
	atomic_fetch_add(&st->writing, -1);
}

static void zap_race_thread(struct wl_ctx *c, int t)
{
	struct race_state *st = c->wl_data;
	u64 base = wl_region(0), len = RACE_PAGES * PAGE_SIZE, i, p;

	if (t) {
		for (;;) {
			race_write(st, base + get_random_u64() % RACE_PAGES * PAGE_SIZE, t);
			sys_madvise_dontneed(c->mm, base + get_random_u64() % RACE_PAGES *
					     PAGE_SIZE, PAGE_SIZE);
		}
	}
	wl_measure_begin(c);
	for (i = 0; i < c->iters; i++) {
		for (p = 0; p < RACE_PAGES; p++)
			race_write(st, base + p * PAGE_SIZE, i);
		WRITE_ONCE(st->protecting, 1u);
		smp_mb();
		smp_cond_load_acquire(&st->writing, !VAL);
		sys_mprotect(c->mm, base, len, false);
		sys_mprotect(c->mm, base, len, true);
		WRITE_ONCE(st->protecting, 0u);
		env_stat(STAT_ITERS, 1);
	}
	wl_measure_end(c, c->iters);
}

const struct workload wl_zap_race = {
	.name = "zap-race",
	.summary = "probe, not a benchmark: write faults on write-protected pages "
		   "race MADV_DONTNEED of the same pages (page-table locks; ns/iter)",
	.metric = METRIC_NS_PER_ITER,
	.default_iters = 400,
	.setup = zap_race_setup,
	.thread = zap_race_thread,
	.only_thread0_counted = true,
};
