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
};
