// SPDX-License-Identifier: GPL-2.0
/*
 * t_check.c - the interleaving checker on hand-written litmus programs:
 * store buffering and message passing under x86-TSO and SC, lost updates,
 * interrupt masking, deadlock and stuck calls, the preemption bound, PCT,
 * mixed-size store forwarding, and tiny TLB shootdowns written directly
 * against env.h (with and without the IPI, with freed page tables, and the
 * lazy-TLB barrier that only TSO needs).
 */
#include <time.h>

#include "check/check.h"
#include "x86.h"
#include "tests/tap.h"

static struct check_result res;

static int explore(const struct check_program *p, const struct check_config *cfg)
{
	check_result_free(&res);
	return check_explore(p, cfg, &res);
}

static const char *verdict(void)
{
	return res.error ? "error" : res.violation ? "Sometimes" : "Never";
}

/* Print a counterexample as TAP diagnostics. */
static void show_cex(void)
{
	const char *s = res.counterexample, *nl;

	if (!s)
		return;
	for (; *s; s = nl + 1) {
		nl = strchr(s, '\n');
		if (!nl)
			nl = s + strlen(s);
		printf("#   %.*s\n", (int)(nl - s), s);
		if (!*nl)
			break;
	}
}

/* ---- store buffering -------------------------------------------------------- */
struct litmus {
	u64 x ____cacheline_aligned;
	u64 y ____cacheline_aligned;
	u64 r0, r1;		/* private results, plain C */
	bool fence;
};
static struct litmus L;

static void litmus_setup(void *d)
{
	bool fence = L.fence;

	memset(&L, 0, sizeof(L));
	L.fence = fence;
	L.r0 = L.r1 = ~0ULL;
	check_name(&L.x, 8, "x");
	check_name(&L.y, 8, "y");
}

static void sb_cpu0(void *d)
{
	WRITE_ONCE(L.x, 1);
	if (L.fence)
		smp_mb();
	L.r0 = READ_ONCE(L.y);
}

static void sb_cpu1(void *d)
{
	WRITE_ONCE(L.y, 1);
	if (L.fence)
		smp_mb();
	L.r1 = READ_ONCE(L.x);
}

static void sb_final(void *d)
{
	if (L.r0 == 0 && L.r1 == 0)
		check_fail("r0 == 0 && r1 == 0");
}

static const struct check_program sb = {
	.name = "SB", .nr_cpus = 2, .setup = litmus_setup,
	.cpu_main = { sb_cpu0, sb_cpu1 }, .teardown = sb_final,
};

static void test_sb(void)
{
	struct check_config tso = { .bound = -1 }, sc = { .bound = -1, .sc = true };

	report_prefix_push("SB");
	L.fence = false;
	explore(&sb, &tso);
	report(res.violation,
	       "x86-TSO: both loads read 0: %s (%llu schedules)", verdict(),
	       (unsigned long long)res.executions);
	report(res.cex_steps <= 6, "the counterexample is short (%u events)",
	       res.cex_steps);
	show_cex();
	explore(&sb, &sc);
	report(!res.violation && !res.error && res.complete,
	       "SC: %s, exploration complete (%llu schedules, %llu pruned)",
	       verdict(), (unsigned long long)res.executions,
	       (unsigned long long)res.pruned);
	L.fence = true;
	explore(&sb, &tso);
	report(!res.violation && !res.error && res.complete,
	       "x86-TSO with smp_mb(): %s, complete (%llu schedules)", verdict(),
	       (unsigned long long)res.executions);
	L.fence = false;
	report_prefix_pop();
}

/* ---- message passing ---------------------------------------------------------- */
static void mp_writer(void *d)
{
	WRITE_ONCE(L.x, 1);		/* data */
	WRITE_ONCE(L.y, 1);		/* flag */
}

static void mp_reader(void *d)
{
	L.r0 = READ_ONCE(L.y);
	L.r1 = READ_ONCE(L.x);
}

static void mp_final(void *d)
{
	if (L.r0 == 1 && L.r1 == 0)
		check_fail("flag seen but data not");
}

static void test_mp(void)
{
	struct check_config tso = { .bound = -1 };
	static const struct check_program mp = {
		.name = "MP", .nr_cpus = 2, .setup = litmus_setup,
		.cpu_main = { mp_writer, mp_reader }, .teardown = mp_final,
	};

	report_prefix_push("MP");
	explore(&mp, &tso);
	report(!res.violation && !res.error && res.complete,
	       "x86-TSO: flag without data: %s, complete (%llu schedules)",
	       verdict(), (unsigned long long)res.executions);
	report_prefix_pop();
}

/* ---- lost update ------------------------------------------------------------------ */
enum inc_kind { INC_PLAIN, INC_CMPXCHG, INC_ATOMIC };
static enum inc_kind inc_kind;

static void incr(void *d)
{
	u64 v;

	switch (inc_kind) {
	case INC_PLAIN:
		v = READ_ONCE(L.x);
		WRITE_ONCE(L.x, v + 1);
		break;
	case INC_CMPXCHG:
		do {
			v = READ_ONCE(L.x);
		} while (cmpxchg(&L.x, v, v + 1) != v);
		break;
	case INC_ATOMIC:
		atomic_fetch_add(&L.x, 1);
		break;
	}
}

static void inc_final(void *d)
{
	if (L.x != 2)
		check_fail("x == %llu after two increments", (unsigned long long)L.x);
}

static const struct check_program lost = {
	.name = "lost-update", .nr_cpus = 2, .setup = litmus_setup,
	.cpu_main = { incr, incr }, .teardown = inc_final,
};

static void test_lost_update(void)
{
	struct check_config tso = { .bound = -1 }, sc = { .bound = -1, .sc = true };

	report_prefix_push("lost update");
	inc_kind = INC_PLAIN;
	explore(&lost, &tso);
	report(res.violation, "load + store: %s", verdict());
	explore(&lost, &sc);
	report(res.violation, "load + store under SC: %s", verdict());
	inc_kind = INC_CMPXCHG;
	explore(&lost, &tso);
	report(!res.violation && !res.error && res.complete,
	       "cmpxchg loop: %s, complete (%llu schedules)", verdict(),
	       (unsigned long long)res.executions);
	inc_kind = INC_ATOMIC;
	explore(&lost, &tso);
	report(!res.violation && !res.error && res.complete,
	       "atomic_fetch_add: %s", verdict());
	report_prefix_pop();
}

/* ---- the preemption bound ------------------------------------------------------ */
static void test_bound(void)
{
	/* no PCT prelude: it would find the bug whatever the bound */
	struct check_config sc0 = { .bound = 0, .sc = true, .prelude = -1 };
	struct check_config sc1 = { .bound = 1, .sc = true, .prelude = -1 };
	struct check_config tso0 = { .bound = 0, .prelude = -1 };

	report_prefix_push("bound");
	inc_kind = INC_PLAIN;
	explore(&lost, &sc0);
	report(!res.violation && !res.complete && res.stop == STOP_BOUND &&
	       res.bound_cut > 0 && check_verdict(&res) == CHECK_UNKNOWN,
	       "SC, bound 0: lost update not reachable, but the bound cut %llu "
	       "choices: Unknown, not Never", (unsigned long long)res.bound_cut);
	explore(&lost, &sc1);
	report(res.violation && res.cex_preemptions == 1,
	       "SC, bound 1: found with 1 preemption");
	explore(&lost, &tso0);
	report(res.violation && res.cex_preemptions == 0,
	       "x86-TSO, bound 0: found without preemption (the store is buffered)");
	report_prefix_pop();
}

/* ---- PCT random mode ----------------------------------------------------------------- */
static void test_random(void)
{
	struct check_config pct = { .random_runs = 2000, .seed = 42, .shorten = 1 };
	char *first;

	report_prefix_push("random");
	L.fence = false;
	explore(&sb, &pct);
	report(res.violation && !res.complete, "PCT finds SB under TSO (%llu runs)",
	       (unsigned long long)res.executions);
	first = res.counterexample ? strdup(res.counterexample) : NULL;
	explore(&sb, &pct);
	report(first && res.counterexample && !strcmp(first, res.counterexample),
	       "same seed: same counterexample");
	free(first);
	pct.sc = true;
	explore(&sb, &pct);
	report(!res.violation && res.executions == 2000, "PCT under SC: %s after "
	       "%llu runs", verdict(), (unsigned long long)res.executions);
	report_prefix_pop();
}

/* ---- mixed-size store forwarding ------------------------------------------------------ */
static void mixed_cpu0(void *d)
{
	u8 *b = (u8 *)&L.x;

	WRITE_ONCE(L.x, 0x1111111111111111ULL);
	WRITE_ONCE(b[2], 0x22);
	WRITE_ONCE(*(u16 *)(b + 6), 0x3344);
	L.r0 = READ_ONCE(L.x);
	if (L.r0 != 0x3344111111221111ULL)
		check_fail("cpu0 read its own stores as %#llx",
			   (unsigned long long)L.r0);
	L.r1 = READ_ONCE(*(u32 *)(b + 2));
	if (L.r1 != 0x11111122)
		check_fail("cpu0 read a straddling word as %#llx",
			   (unsigned long long)L.r1);
}

static void mixed_cpu1(void *d)
{
	u64 v = READ_ONCE(L.x);

	/* stores drain in order: never the byte without the word before it */
	if ((v & 0xff0000) == 0x220000 && (v & 0xff) != 0x11)
		check_fail("cpu1 saw a later store before an earlier one");
}

static void test_mixed(void)
{
	struct check_config tso = { .bound = -1 };
	static const struct check_program mixed = {
		.name = "mixed", .nr_cpus = 2, .setup = litmus_setup,
		.cpu_main = { mixed_cpu0, mixed_cpu1 },
	};

	report_prefix_push("mixed sizes");
	explore(&mixed, &tso);
	report(!res.violation && !res.error && res.complete,
	       "partial overlaps merge byte by byte: %s %s", verdict(), res.what);
	report_prefix_pop();
}

/* ---- interrupts ----------------------------------------------------------------------- */
static u64 irq_seen;

static void irq_handler(enum irq_vector v)
{
	irq_seen = READ_ONCE(L.x) + 100;	/* 100 + progress when taken */
	if (READ_ONCE(L.y))
		irq_seen = 999;			/* inside the IF=0 window */
}

static void irq_setup(void *d)
{
	litmus_setup(d);
	irq_seen = 0;
	register_irq_handler(VEC_CALL_FUNCTION, irq_handler);
}

static void irq_sender(void *d)
{
	send_ipi(1, VEC_CALL_FUNCTION);
}

static void irq_masker(void *d)
{
	unsigned long f;

	WRITE_ONCE(L.x, 1);
	local_irq_save(f);
	WRITE_ONCE(L.y, 1);		/* interrupts off from here */
	WRITE_ONCE(L.x, 2);
	WRITE_ONCE(L.y, 0);		/* to here */
	local_irq_restore(f);
	WRITE_ONCE(L.x, 3);
}

static void irq_final_masked(void *d)
{
	if (irq_seen == 999)
		check_fail("interrupt taken with IF=0");
	if (!irq_seen)
		check_fail("interrupt never taken");
}

static void irq_final_early(void *d)
{
	if (irq_seen == 101)
		check_fail("interrupt taken before local_irq_save");
}

static void test_interrupts(void)
{
	struct check_config tso = { .bound = -1 };
	struct check_program p = {
		.name = "irq", .nr_cpus = 2, .setup = irq_setup,
		.cpu_main = { irq_sender, irq_masker }, .teardown = irq_final_masked,
	};

	report_prefix_push("interrupts");
	explore(&p, &tso);
	report(!res.violation && !res.error && res.complete,
	       "an IPI is never taken while IF=0, always taken eventually: %s "
	       "(%llu schedules)", verdict(), (unsigned long long)res.executions);
	if (res.violation)
		show_cex();
	p.teardown = irq_final_early;
	explore(&p, &tso);
	report(res.violation, "but it may arrive before local_irq_save: %s",
	       verdict());
	report_prefix_pop();
}

/* ---- deadlock and stuck calls ------------------------------------------------------------ */
static void wait_x(void *d) { smp_cond_load_acquire(&L.x, VAL != 0); WRITE_ONCE(L.y, 1); }
static void wait_y(void *d) { smp_cond_load_acquire(&L.y, VAL != 0); WRITE_ONCE(L.x, 1); }

/* smp_call_function with interrupts disabled on both sides: each waits for
 * the other's handler, which cannot run. */
static void ack_handler(enum irq_vector v)
{
	WRITE_ONCE(*(smp_processor_id() ? &L.y : &L.x), 1);
}

static void ipi_setup(void *d)
{
	litmus_setup(d);
	register_irq_handler(VEC_CALL_FUNCTION, ack_handler);
}

static void call_irqs_off(void *d)
{
	int me = smp_processor_id();
	u64 *ack = me ? &L.x : &L.y;	/* the other CPU's handler writes it */

	local_irq_disable();
	send_ipi(!me, VEC_CALL_FUNCTION);
	smp_cond_load_acquire(ack, VAL != 0);
	local_irq_enable();
}

static void call_irqs_on(void *d)
{
	int me = smp_processor_id();
	u64 *ack = me ? &L.x : &L.y;

	send_ipi(!me, VEC_CALL_FUNCTION);
	smp_cond_load_acquire(ack, VAL != 0);
}

/* A watchdog'd wait, as csd_lock_wait() does it. */
static void timed_waiter(void *d)
{
	u64 v;

	send_ipi(1, VEC_CALL_FUNCTION);
	while (!(v = READ_ONCE(L.x))) {
		if (!cpu_spin_wait(&L.x, v, sizeof(v), 1000000)) {
			report_fatal("stuck call: cpu 1 never acknowledged");
			return;
		}
	}
}

static void busy_irqs_off(void *d)
{
	local_irq_disable();
	smp_cond_load_acquire(&L.y, VAL != 0);	/* nobody sets it */
}

static void test_deadlock(void)
{
	struct check_config tso = { .bound = -1 };
	struct check_program p = {
		.name = "deadlock", .nr_cpus = 2, .setup = litmus_setup,
		.cpu_main = { wait_x, wait_y },
	};

	report_prefix_push("deadlock");
	explore(&p, &tso);
	report(res.violation && strstr(res.what, "deadlock") &&
	       strstr(res.what, "cpu 0 waits for x"),
	       "each waits for the other: %s: %s", verdict(), res.what);
	p.setup = ipi_setup;
	p.cpu_main[0] = p.cpu_main[1] = call_irqs_off;
	explore(&p, &tso);
	report(res.violation && strstr(res.what, "deadlock") &&
	       strstr(res.what, "IF=0"),
	       "cross calls with interrupts off: %s", verdict());
	p.cpu_main[0] = p.cpu_main[1] = call_irqs_on;
	explore(&p, &tso);
	report(!res.violation && !res.error && res.complete,
	       "cross calls with interrupts on: %s (%llu schedules)", verdict(),
	       (unsigned long long)res.executions);
	p.cpu_main[0] = timed_waiter;
	p.cpu_main[1] = busy_irqs_off;
	explore(&p, &tso);
	report(res.violation && strstr(res.what, "stuck call"),
	       "a timed wait nobody can end is a stuck call: %s", res.what);
	report_prefix_pop();
}

/* ---- a tiny TLB shootdown written against env.h ---------------------------------------- */
#define VA	0x200000ULL		/* 2 MiB: its own last-level table */

struct shoot {
	u64 root, frame;
	u64 *pte, *pmd;		/* slots in simulated RAM */
	u64 ack ____cacheline_aligned;
	u64 tlb_gen ____cacheline_aligned;
	u64 is_lazy ____cacheline_aligned;
	bool send_ipi;		/* the mutant skips the IPI and the wait */
	bool free_table;	/* also unhook and free the page table */
	bool barrier;		/* switch_mm's smp_mb() */
	int reads;
};
static struct shoot S;

static void shoot_handler(enum irq_vector v)
{
	flush_tlb_one(VA);
	WRITE_ONCE(S.ack, 1);
}

static void shoot_setup(void *d)
{
	bool ipi = S.send_ipi, ft = S.free_table, mb = S.barrier;
	int reads = S.reads;
	u64 pt;

	memset(&S, 0, sizeof(S));
	S.send_ipi = ipi;
	S.free_table = ft;
	S.barrier = mb;
	S.reads = reads;
	S.root = alloc_page_pfn();
	S.frame = alloc_page_pfn();
	S.pte = check_map(S.root, VA, S.frame, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
	pt = ((uintptr_t)S.pte - (uintptr_t)pfn_to_virt(0)) >> PAGE_SHIFT;
	/* the PMD entry pointing at the last-level table */
	S.pmd = check_pte(S.root, VA);		/* re-walk to find the levels */
	{
		u64 t = S.root;
		int level;
		for (level = PT_LEVELS; level > 2; level--)
			t = pte_pfn(((u64 *)pfn_to_virt(t))[pt_index(VA, level)]);
		S.pmd = (u64 *)pfn_to_virt(t) + pt_index(VA, 2);
	}
	check_set_cr3(0, S.root, 1);
	check_set_cr3(1, S.root, 1);
	register_irq_handler(VEC_CALL_FUNCTION, shoot_handler);
	check_name(S.pte, 8, "pte(0x200000)");
	check_name(S.pmd, 8, "pmd(0x200000)");
	check_name(pfn_to_virt(pt), PAGE_SIZE, "pt");
	check_name(&S.ack, 8, "ack");
	check_name(&S.tlb_gen, 8, "mm.tlb_gen");
	check_name(&S.is_lazy, 8, "cpu0.is_lazy");
}

/* The initiator: zap, flush locally, IPI the other CPU and wait, free. */
static void shoot_initiator(void *d)
{
	u64 old, began, pt = 0;

	old = xchg(S.pte, 0ULL);
	if (S.free_table) {
		pt = pte_pfn(xchg(S.pmd, 0ULL));
		began = local_clock();
	} else {
		began = local_clock();
	}
	flush_tlb_one(VA);
	if (S.send_ipi) {
		send_ipi(1, VEC_CALL_FUNCTION);
		smp_cond_load_acquire(&S.ack, VAL != 0);
	}
	tlb_flush_done(S.root, VA, VA + PAGE_SIZE, began);
	free_page_pfn(pte_pfn(old));
	if (pt)
		free_page_pfn(pt);
}

/* The other CPU reads the page until it faults (no handler: SIGSEGV). */
static void shoot_reader(void *d)
{
	u64 v;
	int i;

	for (i = 0; i < S.reads; i++)
		if (user_access(VA, &v, false))
			break;
}

static const struct check_program shoot = {
	.name = "shootdown", .nr_cpus = 2, .setup = shoot_setup,
	.cpu_main = { shoot_initiator, shoot_reader },
};

static void test_shootdown(void)
{
	struct check_config cfg = { .bound = -1 };

	report_prefix_push("shootdown");
	S.reads = 3;
	S.send_ipi = true;
	S.free_table = false;
	explore(&shoot, &cfg);
	report(!res.violation && !res.error && res.complete,
	       "with the IPI: %s, complete, unbounded (%llu schedules, "
	       "%llu pruned, %.3f s)", verdict(), (unsigned long long)res.executions,
	       (unsigned long long)res.pruned, res.seconds);
	if (res.violation || res.error)
		printf("# %s\n", res.what), show_cex();
	S.send_ipi = false;
	explore(&shoot, &cfg);
	report(res.violation && strstr(res.what, "stale TLB entry"),
	       "without the IPI: %s: %s", verdict(), res.what);
	report(res.cex_steps <= 10, "counterexample of %u events", res.cex_steps);
	show_cex();

	/* freeing the last-level table: the reader's paging-structure cache
	 * still points at it */
	S.send_ipi = true;
	S.free_table = true;
	explore(&shoot, &cfg);
	report(!res.violation && !res.error,
	       "tables freed, IPI (INVLPG drops the PWC): %s (%llu schedules)",
	       verdict(), (unsigned long long)res.executions);
	if (res.violation || res.error)
		printf("# %s\n", res.what), show_cex();
	S.send_ipi = false;
	S.reads = 1;
	explore(&shoot, &cfg);
	report(res.violation && strstr(res.what, "page-table use after free"),
	       "tables freed, no IPI: %s: %s", verdict(), res.what);
	show_cex();
	report_prefix_pop();
}

/* ---- lazy TLB: the switch_mm / flush barrier pair ---------------------------------------- */

/* cpu0 uses the page, goes lazy (kernel thread), comes back: it clears
 * is_lazy, [smp_mb()], and catches up if tlb_gen moved. */
static void lazy_cpu(void *d)
{
	u64 v;

	user_access(VA, &v, false);
	WRITE_ONCE(S.is_lazy, 1);
	WRITE_ONCE(S.is_lazy, 0);
	if (S.barrier)
		smp_mb();
	if (READ_ONCE(S.tlb_gen) != 0)
		flush_tlb_local();
	user_access(VA, &v, false);
}

/* cpu1 unmaps: zap, bump the generation (locked: a full barrier), skip
 * cpu0 if it is lazy, free. */
static void lazy_flusher(void *d)
{
	u64 old = xchg(S.pte, 0ULL), began = local_clock();

	atomic_fetch_add(&S.tlb_gen, 1);
	if (!READ_ONCE(S.is_lazy)) {
		send_ipi(0, VEC_CALL_FUNCTION);
		smp_cond_load_acquire(&S.ack, VAL != 0);
	}
	tlb_flush_done(S.root, VA, VA + PAGE_SIZE, began);
	free_page_pfn(pte_pfn(old));
}

static void test_lazy_barrier(void)
{
	struct check_config tso = { .bound = -1 }, sc = { .bound = -1, .sc = true };
	static const struct check_program lazy = {
		.name = "lazy", .nr_cpus = 2, .setup = shoot_setup,
		.cpu_main = { lazy_cpu, lazy_flusher },
	};

	report_prefix_push("lazy barrier");
	S.free_table = false;
	S.barrier = true;
	explore(&lazy, &tso);
	report(!res.violation && !res.error && res.complete,
	       "with smp_mb(), x86-TSO: %s (%llu schedules)", verdict(),
	       (unsigned long long)res.executions);
	if (res.violation || res.error)
		printf("# %s\n", res.what), show_cex();
	S.barrier = false;
	explore(&lazy, &tso);
	report(res.violation && strstr(res.what, "stale"),
	       "without it, x86-TSO: %s", verdict());
	show_cex();
	explore(&lazy, &sc);
	report(!res.violation && !res.error && res.complete,
	       "without it, SC: %s: an SC-only checker misses the bug", verdict());
	report_prefix_pop();
}

/* ---- DPOR against the unreduced search ------------------------------------------------------ */
/*
 * Every execution explored, with and without reduction: the verdicts
 * (Never / Sometimes / Always) and, for the litmus tests, the sets of final
 * register values must be the same.  A reduction that loses an outcome is a
 * false Never waiting to happen.
 */
static u32 outcomes;		/* bit r0 * 4 + r1 (values 0..3) of each final state */
static void (*final_check)(void *d);

static void record_final(void *d)
{
	outcomes |= 1u << ((L.r0 & 3) * 4 + (L.r1 & 3));
	if (final_check)
		final_check(d);
}

/* 3 CPUs: cpu2 observes the two writers' stores (IRIW's reader half) */
static void iriw_w0(void *d) { WRITE_ONCE(L.x, 1); }
static void iriw_w1(void *d) { WRITE_ONCE(L.y, 1); }
static void iriw_r(void *d)
{
	L.r0 = READ_ONCE(L.x);
	L.r1 = READ_ONCE(L.y);
}

static void always_fail(void *d)
{
	check_fail("every execution ends here");
}

static void compare_reduced(const char *name, const struct check_program *p,
			    bool sc, bool final_state)
{
	struct check_config dpor = { .bound = -1, .sc = sc, .prelude = -1,
				     .all_executions = true };
	struct check_config full = { .bound = -1, .sc = sc, .prelude = -1,
				     .all_executions = true, .unreduced = true };
	enum check_verdict vd, vf;
	u64 nd, nf, wd, wf;
	u32 od, of;

	outcomes = 0;
	explore(p, &dpor);
	vd = check_verdict(&res);
	nd = res.executions;
	wd = res.witnesses;
	od = outcomes;
	outcomes = 0;
	explore(p, &full);
	vf = check_verdict(&res);
	nf = res.executions;
	wf = res.witnesses;
	of = outcomes;
	report(res.complete && vd == vf && (!final_state || od == of) &&
	       (wd > 0) == (wf > 0) && vd != CHECK_ERROR,
	       "%s%s: DPOR %s in %llu executions (%llu witnesses), unreduced %s in "
	       "%llu (%llu), final states %#x / %#x", name, sc ? " sc" : "",
	       check_verdict_name(vd), (unsigned long long)nd, (unsigned long long)wd,
	       check_verdict_name(vf), (unsigned long long)nf, (unsigned long long)wf,
	       od, of);
}

static void test_dpor(void)
{
	static const struct check_program sbp = {
		.name = "SB", .nr_cpus = 2, .setup = litmus_setup,
		.cpu_main = { sb_cpu0, sb_cpu1 }, .teardown = record_final,
	};
	static const struct check_program mpp = {
		.name = "MP", .nr_cpus = 2, .setup = litmus_setup,
		.cpu_main = { mp_writer, mp_reader }, .teardown = record_final,
	};
	static const struct check_program iriw = {
		.name = "writers-reader", .nr_cpus = 3, .setup = litmus_setup,
		.cpu_main = { iriw_w0, iriw_w1, iriw_r }, .teardown = record_final,
	};
	static const struct check_program lostp = {
		.name = "lost-update", .nr_cpus = 2, .setup = litmus_setup,
		.cpu_main = { incr, incr }, .teardown = inc_final,
	};
	static const struct check_program always = {
		.name = "always", .nr_cpus = 2, .setup = litmus_setup,
		.cpu_main = { mp_writer, mp_reader }, .teardown = always_fail,
	};
	static const struct check_program lazy = {
		.name = "lazy", .nr_cpus = 2, .setup = shoot_setup,
		.cpu_main = { lazy_cpu, lazy_flusher },
	};
	struct check_config tiny = { .bound = -1, .prelude = -1, .max_steps = 3 };
	int sc;

	report_prefix_push("dpor");
	for (sc = 0; sc <= 1; sc++) {
		L.fence = false;
		final_check = sb_final;
		compare_reduced("SB", &sbp, sc, true);
		L.fence = true;
		compare_reduced("SB+mfence", &sbp, sc, true);
		L.fence = false;
		final_check = mp_final;
		compare_reduced("MP", &mpp, sc, true);
		final_check = NULL;
		compare_reduced("writers-reader", &iriw, sc, true);
		inc_kind = INC_PLAIN;
		compare_reduced("lost update", &lostp, sc, false);
		inc_kind = INC_CMPXCHG;
		compare_reduced("cmpxchg loop", &lostp, sc, false);
		compare_reduced("always", &always, sc, false);
		S.free_table = false;
		S.barrier = false;
		compare_reduced("lazy barrier, none", &lazy, sc, false);
		S.barrier = true;
		compare_reduced("lazy barrier, smp_mb", &lazy, sc, false);
		S.reads = 1;
		S.send_ipi = false;
		compare_reduced("shootdown without IPI", &shoot, sc, false);
		S.send_ipi = true;
		compare_reduced("shootdown with IPI", &shoot, sc, false);
	}
	/* the SB outcome 0/0 exists under TSO only, MP's 1/0 never */
	L.fence = false;
	final_check = NULL;
	outcomes = 0;
	{
		struct check_config d = { .bound = -1, .prelude = -1,
					  .all_executions = true };
		explore(&sbp, &d);
		report(res.complete && (outcomes & 1), "SB under TSO: r0 = r1 = 0 "
		       "reached (final states %#x)", outcomes);
		outcomes = 0;
		explore(&mpp, &d);
		report(res.complete && !(outcomes & 1u << (1 * 4 + 0)),
		       "MP under TSO: r0 = 1, r1 = 0 never (final states %#x)", outcomes);
		explore(&always, &d);
		report(check_verdict(&res) == CHECK_ALWAYS && res.witnesses == res.finished,
		       "a violation in every execution: %s (%llu/%llu)",
		       check_verdict_name(check_verdict(&res)),
		       (unsigned long long)res.witnesses, (unsigned long long)res.finished);
	}
	/* cut by the step bound: Unknown, never Never */
	explore(&sbp, &tiny);
	report(!res.violation && !res.complete && res.stop == STOP_STEPS &&
	       check_verdict(&res) == CHECK_UNKNOWN,
	       "executions cut at 3 steps: %s (%s)",
	       check_verdict_name(check_verdict(&res)), check_stop_name(res.stop));
	report_prefix_pop();
}

/* ---- throughput (a diagnostic, not a test) -------------------------------------------------- */
static void bench(void)
{
	struct check_config cfg = { .bound = -1, .prelude = -1 };
	u64 n = 0;
	double t = 0;

	S.reads = 3;
	S.send_ipi = true;
	S.free_table = false;
	while (t < 0.5) {
		if (explore(&shoot, &cfg) || !res.executions)
			break;
		n += res.executions;
		t += res.seconds;
	}
	printf("# throughput: %.0f schedules/s (2-CPU shootdown, unbounded, "
	       "%llu schedules per exploration)\n", n / t,
	       (unsigned long long)res.executions);
}

int main(void)
{
	test_sb();
	test_mp();
	test_lost_update();
	test_bound();
	test_random();
	test_mixed();
	test_interrupts();
	test_deadlock();
	test_shootdown();
	test_lazy_barrier();
	test_dpor();
	bench();
	check_result_free(&res);
	return report_summary();
}
