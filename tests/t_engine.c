// SPDX-License-Identifier: GPL-2.0
/*
 * t_engine.c - the simulator's engine: coroutines, ordering and tie-break,
 * determinism, coherence costs, interrupt masking, TLB, walks and faults,
 * and the stale-translation detector on a scripted shootdown.
 */
#include "tests/simtest.h"

/* ---- context switch ------------------------------------------------------ */
static struct coro co_main, co_a;
static int co_trace[8], co_n;

static void co_fn(void *arg)
{
	int i;

	for (i = 0; i < 3; i++) {
		co_trace[co_n++] = *(int *)arg + i;
		coro_transfer(&co_a, &co_main);
	}
	for (;;)
		coro_transfer(&co_a, &co_main);
}

static void test_coro(void)
{
	int base = 100, i;

	report_prefix_push("coro");
	TEST_ASSERT(!coro_init(&co_a, 16 << 10, co_fn, &base), "coro_init");
	for (i = 0; i < 3; i++) {
		coro_transfer(&co_main, &co_a);
		co_trace[co_n++] = i;
	}
	report(co_n == 6 && co_trace[0] == 100 && co_trace[1] == 0 &&
	       co_trace[4] == 102 && co_trace[5] == 2,
	       "switches alternate and the coroutine keeps its locals");
	coro_destroy(&co_a);
	report_prefix_pop();
}

/* ---- ordering ----------------------------------------------------------- */
struct order_log {
	int who[64];
	u64 when[64];
	int n;
};
static struct order_log olog;
static u64 order_ns[4];

static void order_main(void *arg)
{
	int me = smp_processor_id();

	(void)arg;
	user_compute(order_ns[me]);
	olog.who[olog.n] = me;
	olog.when[olog.n++] = local_clock();
}

static void test_ordering(void)
{
	struct profile p = test_profile();
	struct sim *s;
	int i;

	report_prefix_push("ordering");
	memset(&olog, 0, sizeof(olog));
	order_ns[0] = 300; order_ns[1] = 100; order_ns[2] = 200; order_ns[3] = 100;
	s = test_sim(&p, 4, 1);
	for (i = 0; i < 4; i++)
		sim_cpu_start(s, i, order_main, NULL, NULL, true);
	report(sim_run(s) == SIM_END_DONE, "run ends when all threads return");
	report(olog.n == 4 && olog.who[0] == 1 && olog.who[1] == 3 &&
	       olog.who[2] == 2 && olog.who[3] == 0,
	       "CPUs resume in clock order (got %d %d %d %d)",
	       olog.who[0], olog.who[1], olog.who[2], olog.who[3]);
	report(olog.when[0] == 100 && olog.when[1] == 100 && olog.when[3] == 300,
	       "each resumes at its own time");
	report(olog.who[0] == 1 && olog.who[1] == 3,
	       "equal times: first queued first (cpu 1 before cpu 3)");
	sim_destroy(s);
	report_prefix_pop();
}

/* ---- determinism ------------------------------------------------------ */
static u64 det_counter ____cacheline_aligned;
static u64 det_log[4096];
static int det_n;

static void det_main(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 200; i++) {
		u64 r = get_random_u64();
		user_compute(r % 50);
		det_log[det_n++ % 4096] = atomic_fetch_add(&det_counter, 1) << 16 |
					  smp_processor_id();
		if (r & 1)
			(void)READ_ONCE(det_counter);
	}
}

static u64 det_run(u64 seed, u64 *end)
{
	struct profile p = test_profile();
	struct sim *s = test_sim(&p, 4, seed);
	u64 h = 1469598103934665603ULL;
	int i;

	det_counter = 0;
	det_n = 0;
	for (i = 0; i < 4; i++)
		sim_cpu_start(s, i, det_main, NULL, NULL, true);
	sim_run(s);
	for (i = 0; i < det_n; i++)
		h = (h ^ det_log[i]) * 1099511628211ULL;
	*end = s->end_time;
	sim_destroy(s);
	return h;
}

static void test_determinism(void)
{
	u64 e1, e2, e3;
	u64 a = det_run(7, &e1), b = det_run(7, &e2), c = det_run(8, &e3);

	report_prefix_push("determinism");
	report(a == b && e1 == e2, "same seed: same interleaving and end time");
	report(a != c || e1 != e3, "different seed: a different run");
	report_prefix_pop();
}

/* ---- coherence ----------------------------------------------------------- */
static u64 line_a[8] ____cacheline_aligned;

static void test_coherence(void)
{
	struct profile p = test_profile();
	struct sim *s = test_sim(&p, 4, 1);
	struct sim_cpu *c0 = &s->cpus[0], *c1 = &s->cpus[1], *c2 = &s->cpus[2];
	uintptr_t a = (uintptr_t)line_a;
	ps_t rt = 0, t;
	int i;

	report_prefix_push("coherence");
	report(coh_store(c0, a, false) == p.dram_ns, "first touch comes from DRAM");
	for (t = 0, i = 0; i < 10; i++)
		t += coh_store(c0, a, false);
	report(t == 10 * p.l1_hit_ns, "a private line costs no transfer");
	for (i = 0; i < 10; i++) {
		c1->clock = c0->clock = 10000000ULL * (i + 1);
		rt += coh_store(c1, a, false);
		c0->clock = c1->clock + 5000000;
		rt += coh_store(c0, a, false);
	}
	report(rt == 10 * 2 * p.socket_transfer_ns,
	       "ping-pong: 2 transfers per round trip (%llu ps for 10)",
	       (unsigned long long)rt);
	c2->clock = c0->clock + 5000000;
	report(coh_store(c2, a, false) == p.remote_transfer_ns,
	       "cross-socket transfer costs more");
	c0->clock = c1->clock = c2->clock + 5000000;
	report(coh_load(c0, a) == p.remote_transfer_ns &&
	       coh_load(c1, a) == p.socket_transfer_ns &&
	       coh_load(c1, a) == p.l1_hit_ns,
	       "loads share the line; a second load hits");
	c2->clock = c0->clock = c1->clock = c1->clock + 5000000;
	t = coh_store(c0, a, true);
	report(t == p.remote_transfer_ns + p.atomic_ns,
	       "RMW invalidates the farthest sharer and pays the lock");
	t = coh_store(c2, a, true);
	report(t == p.remote_transfer_ns + p.remote_transfer_ns + p.atomic_ns,
	       "contended RMWs at the same instant serialise on the line");
	sim_destroy(s);
	report_prefix_pop();
}

/* ---- interrupts and IF ------------------------------------------------- */
static u64 irq_taken_at, irq_enabled_at;

static void irq_handler(enum irq_vector v)
{
	(void)v;
	irq_taken_at = local_clock();
}

static void irq_sender(void *arg)
{
	(void)arg;
	user_compute(1);	/* let the target install its handler */
	send_ipi(1, VEC_CALL_FUNCTION);
}

static void irq_masked(void *arg)
{
	unsigned long f;

	(void)arg;
	register_irq_handler(VEC_CALL_FUNCTION, irq_handler);
	local_irq_save(f);
	kernel_work(5000);
	irq_enabled_at = local_clock();
	local_irq_restore(f);
	user_compute(10000);
}

static void compute_10us(void *arg)
{
	(void)arg;
	register_irq_handler(VEC_CALL_FUNCTION, irq_handler);
	user_compute(10000);
}

static void test_interrupts(void)
{
	struct profile p = test_profile();
	struct sim *s = test_sim(&p, 2, 1);

	report_prefix_push("interrupts");
	irq_taken_at = irq_enabled_at = 0;
	sim_cpu_start(s, 0, irq_sender, NULL, NULL, true);
	sim_cpu_start(s, 1, irq_masked, NULL, NULL, true);
	sim_run(s);
	/* restore (an L1-cost flag write), then interrupt entry, nothing else */
	report(irq_taken_at && irq_taken_at >= irq_enabled_at &&
	       irq_taken_at <= irq_enabled_at + (p.l1_hit_ns + p.irq_entry_ns) / 1000,
	       "an IPI to a CPU with IF=0 is taken right after it re-enables "
	       "(enabled %llu ns, taken %llu ns)",
	       (unsigned long long)irq_enabled_at, (unsigned long long)irq_taken_at);
	sim_destroy(s);

	s = test_sim(&p, 2, 1);
	irq_taken_at = 0;
	sim_cpu_start(s, 0, irq_sender, NULL, NULL, true);
	sim_cpu_start(s, 1, compute_10us, NULL, NULL, true);
	sim_run(s);
	/* ICR write, then the same-socket latency, then interrupt entry */
	report(irq_taken_at == 1 + (p.ipi_send_ns + p.ipi_socket_ns + p.irq_entry_ns) / 1000,
	       "an IPI interrupts user work after send + delivery + entry (%llu ns)",
	       (unsigned long long)irq_taken_at);
	sim_destroy(s);
	report_prefix_pop();
}

/* ---- TLB, walks and faults ---------------------------------------------- */
static u64 tlb_root, tlb_data;
static int tlb_faults;
static struct sim *tlb_s;
static u64 tlb_walks[16];

static u64 walks_now(void)
{
	return tlb_s->cpus[smp_processor_id()].hw_walks;
}

static int tlb_fault(u64 va, bool write)
{
	tlb_faults++;
	test_map(tlb_s, tlb_root, va, tlb_data, USER_RW);
	return 0;
}

static void tlb_main(void *arg)
{
	u64 v = 0, w0;
	int k = 0;

	(void)arg;
	register_fault_handler(tlb_fault);
	load_cr3(tlb_root, 1, false);
	w0 = walks_now();
#define ACCESS(va) do { user_access((va), &v, false); \
			tlb_walks[k++] = walks_now() - w0; } while (0)
	ACCESS(0x0);		/* 0: miss */
	ACCESS(0x0);		/* 1: hit */
	ACCESS(0x4000);		/* 2: miss, same set (4 sets of 2 ways) */
	ACCESS(0x0);		/* 3: hit */
	ACCESS(0x8000);		/* 4: miss, evicts one of the two */
	ACCESS(0x0);
	ACCESS(0x4000);		/* 6: at least one of 5/6 misses */
	ACCESS(0x1000);		/* 7: miss, set 1 */
	load_cr3(tlb_root, 2, true);
	ACCESS(0x1000);		/* 8: miss: other PCID */
	load_cr3(tlb_root, 1, true);
	ACCESS(0x1000);		/* 9: hit: PCID 1 kept its entries */
	load_cr3(tlb_root, 1, false);
	ACCESS(0x1000);		/* 10: miss: flushed */
	flush_tlb_one(0x1000);
	ACCESS(0x1000);		/* 11: miss: INVLPG */
	ACCESS(0x10000);	/* 12: fault, then walk */
#undef ACCESS
}

static void test_tlb(void)
{
	struct profile p = test_profile();
	u64 *w = tlb_walks;

	report_prefix_push("tlb");
	tlb_s = test_sim(&p, 1, 1);
	tlb_root = hw_frame_alloc(&tlb_s->hw);
	tlb_data = hw_frame_alloc(&tlb_s->hw);
	test_map(tlb_s, tlb_root, 0x0, tlb_data, USER_RW);
	test_map(tlb_s, tlb_root, 0x4000, tlb_data, USER_RW);
	test_map(tlb_s, tlb_root, 0x8000, tlb_data, USER_RW);
	test_map(tlb_s, tlb_root, 0x1000, tlb_data, USER_RW);
	tlb_faults = 0;
	sim_cpu_start(tlb_s, 0, tlb_main, NULL, NULL, true);
	sim_run(tlb_s);
	report(w[0] == 1 && w[1] == 1, "fill on miss, then hit");
	report(w[2] == 2 && w[3] == 2, "two pages share a 2-way set");
	report(w[4] == 3 && w[6] - w[4] >= 1, "a third page evicts");
	report(w[8] - w[7] == 1 && w[9] == w[8], "PCIDs tag entries; noflush keeps them");
	report(w[10] - w[9] == 1, "a flushing CR3 write drops the PCID's entries");
	report(w[11] - w[10] == 1, "INVLPG drops the page");
	report(tlb_faults == 1 && w[12] - w[11] == 2,
	       "a missing translation faults, the handler maps, the retry walks");
	sim_destroy(tlb_s);
	report_prefix_pop();
}

/* ---- global pages ----------------------------------------------------- */
static u64 g_walks[4];

static void global_main(void *arg)
{
	u64 v;

	(void)arg;
	load_cr3(tlb_root, 1, false);
	user_access(0x0, &v, false);
	g_walks[0] = tlb_s->cpus[0].hw_walks;
	load_cr3(tlb_root, 1, false);
	user_access(0x0, &v, false);
	g_walks[1] = tlb_s->cpus[0].hw_walks;
	hw_flush_everything(&tlb_s->hw, &tlb_s->cpus[0].hw);	/* INVPCID all */
	user_access(0x0, &v, false);
	g_walks[2] = tlb_s->cpus[0].hw_walks;
}

static void test_global(void)
{
	struct profile p = test_profile();

	report_prefix_push("tlb");
	tlb_s = test_sim(&p, 1, 1);
	tlb_root = hw_frame_alloc(&tlb_s->hw);
	test_map(tlb_s, tlb_root, 0x0, hw_frame_alloc(&tlb_s->hw), USER_RW | _PAGE_GLOBAL);
	sim_cpu_start(tlb_s, 0, global_main, NULL, NULL, true);
	sim_run(tlb_s);
	report(g_walks[0] == 1 && g_walks[1] == 1 && g_walks[2] == 2,
	       "global entries survive a CR3 flush, not a full flush");
	sim_destroy(tlb_s);
	report_prefix_pop();
}

/* ---- the detector on a scripted shootdown -------------------------------- */
enum script { CORRECT, SKIP_REMOTE, RACE };
static enum script script;
static struct sim *ds;
static u64 d_root, d_frame, d_ack ____cacheline_aligned;
#define D_VA 0x1000ULL

static void d_flush_handler(enum irq_vector v)
{
	(void)v;
	flush_tlb_one(D_VA);
	WRITE_ONCE(d_ack, 1);
}

static int d_fault(u64 va, bool write)
{
	test_map(ds, d_root, va, hw_frame_alloc(&ds->hw), USER_RW);
	return 0;
}

static void d_initiator(void *arg)
{
	u64 v, began;

	(void)arg;
	register_fault_handler(d_fault);
	load_cr3(d_root, 1, false);
	user_access(D_VA, &v, false);
	user_compute(1000);
	WRITE_ONCE(*test_pte(ds, d_root, D_VA), 0);	/* zap */
	began = local_clock();
	flush_tlb_one(D_VA);
	if (script != SKIP_REMOTE) {
		send_ipi(1, VEC_CALL_FUNCTION);
		smp_cond_load_acquire(&d_ack, VAL == 1);
	}
	tlb_flush_done(d_root, D_VA, D_VA + PAGE_SIZE, began);
	free_page_pfn(d_frame);
}

static void d_target(void *arg)
{
	u64 v;

	(void)arg;
	register_irq_handler(VEC_CALL_FUNCTION, d_flush_handler);
	register_fault_handler(d_fault);
	load_cr3(d_root, 1, false);
	user_access(D_VA, &v, false);
	if (script == RACE) {
		/* IF=0 across the zap: the stale read races the flush */
		local_irq_disable();
		kernel_work(3000);
		user_access(D_VA, &v, false);
		local_irq_enable();
	}
	user_compute(50000);
	user_access(D_VA, &v, false);	/* after the shootdown */
}

static u64 detector_run(enum script sc)
{
	struct profile p = test_profile();
	u64 n;

	script = sc;
	d_ack = 0;
	ds = test_sim(&p, 2, 1);
	ds->viol.out = fopen("/dev/null", "w");
	d_root = hw_frame_alloc(&ds->hw);
	d_frame = hw_frame_alloc(&ds->hw);
	test_map(ds, d_root, D_VA, d_frame, USER_RW);
	sim_cpu_start(ds, 0, d_initiator, NULL, NULL, true);
	sim_cpu_start(ds, 1, d_target, NULL, NULL, true);
	sim_run(ds);
	n = ds->viol.count;
	fclose(ds->viol.out);
	sim_destroy(ds);
	return n;
}

static void test_detector(void)
{
	u64 n;

	report_prefix_push("detector");
	n = detector_run(CORRECT);
	report(n == 0, "a complete shootdown: no violation (%llu)", (unsigned long long)n);
	n = detector_run(SKIP_REMOTE);
	report(n == 1, "one remote flush skipped: exactly one violation (%llu)",
	       (unsigned long long)n);
	n = detector_run(RACE);
	report(n == 0, "a stale use racing the in-flight flush is no violation (%llu)",
	       (unsigned long long)n);
	report_prefix_pop();
}

int main(void)
{
	test_coro();
	test_ordering();
	test_determinism();
	test_coherence();
	test_interrupts();
	test_tlb();
	test_global();
	test_detector();
	return report_summary();
}
