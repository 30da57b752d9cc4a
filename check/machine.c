// SPDX-License-Identifier: GPL-2.0
/*
 * machine.c - the checker's CPUs: coroutines that park at every primitive,
 * interrupt delivery, and the life of one run.
 *
 * A CPU's coroutine is created once per exploration and reused by every
 * run: at the start of a run the host resumes it wherever the previous run
 * left it, and it jumps back to its entry (__builtin_longjmp on its own
 * stack) before running the program again.  So a run costs no allocation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/ck.h"

static void take_irq(struct ck_cpu *c);
static void take_nmi(struct ck_cpu *c);

void ck_announce(struct ck_cpu *c, enum ck_op_kind kind)
{
	c->op.kind = kind;
	c->interrupted = false;
}

/*
 * Give the processor back to the explorer until this CPU's STEP is
 * scheduled.  Interrupts scheduled meanwhile run nested here, on this
 * CPU's stack, in whatever the CPU was doing.
 */
void ck_park(struct ck_cpu *c)
{
	for (;;) {
		if (c->fast) {
			/* replaying a run of this CPU's steps: the host would
			 * only send it straight back (see fast_replay) */
			c->fast--;
			ck.now++;
			c->own_clock++;
			ck_fp_reset(ck_actor(c->id, ACT_STEP));
			return;
		}
		coro_transfer(c->run, &ck.host);
		if (unlikely(c->run_id != ck.run_id))
			__builtin_longjmp(c->restart, 1);
		if (c->resume == RESUME_OP)
			return;
		if (c->resume == RESUME_NMI)
			take_nmi(c);
		else
			take_irq(c);
	}
}

/* After a violation: this CPU never runs again in this run. */
void ck_park_dead(struct ck_cpu *c)
{
	c->op.kind = OP_DONE;
	c->arch.irq_on = false;
	for (;;)
		ck_park(c);
}

/* An NMI: taken at an instruction boundary whatever IF says, not nested;
 * entry and IRET are serializing like an interrupt's. */
static void take_nmi(struct ck_cpu *c)
{
	struct ck_op saved = c->op;
	char d[48];
	int drained;

	c->nmis--;
	c->in_nmi = true;
	drained = ck_drain_all(c);
	if (unlikely(ck.verbose))
		ck_log(c->id, "takes an NMI (perf sample)%s", ck_drained(drained, d, sizeof(d)));
	c->arch.irq[VEC_NMI](VEC_NMI);
	ck_announce(c, OP_IRET);
	ck_park(c);
	drained = ck_drain_all(c);
	c->in_nmi = false;
	if (unlikely(ck.verbose))
		ck_log(c->id, "iret from NMI%s", ck_drained(drained, d, sizeof(d)));
	c->op = saved;
	c->interrupted = true;
	c->watch_dirty = true;
}

/*
 * exit_to_user_mode: the interrupt came in user code (a user access or
 * user computation parked at its instruction boundary), so the kernel's
 * work on the way back runs before it, and may switch tasks; the task
 * comes back to the same CPU (only a sleeping task moves, and it sleeps
 * in the kernel) with its user instruction still to do.
 */
static void user_return(struct ck_cpu *c, const struct ck_op *saved)
{
	c->arch.user_return();
	if (ck.cur != c)
		ck_violation("a task preempted in user mode on cpu %d came back on "
			     "cpu %d", c->id, ck.cur ? ck.cur->id : -1);
	c->op = *saved;
	c->interrupted = true;
	c->watch_dirty = true;
}

/* An interrupt is delivered: entry and IRET are serializing (docs/checker.md). */
static void take_irq(struct ck_cpu *c)
{
	struct ck_op saved = c->op;
	enum irq_vector v = __builtin_ctz(c->arch.pending);
	char d[48];
	int drained;

	c->arch.pending &= ~(1u << v);
	c->arch.irq_on = false;
	if (v == VEC_TIMER) {
		/* the timer fires at its deadline: the CPU's clock gets there */
		c->timer_fires--;
		if (c->timer_at > c->own_clock)
			c->own_clock = c->timer_at;
		c->timer_at = 0;
	}
	c->arch.irq_off_at = ck_clock();
	ck_fp_cur.cls_r |= CL_TIME;
	c->halted = false;
	drained = ck_drain_all(c);
	if (unlikely(ck.verbose))
		ck_log(c->id, "takes interrupt %s (IF=0)%s", hw_vector_names[v],
		       ck_drained(drained, d, sizeof(d)));
	c->irq_depth++;
	if (c->arch.irq[v])
		c->arch.irq[v](v);
	ck_announce(c, OP_IRET);
	ck_park(c);
	drained = ck_drain_all(c);
	c->irq_depth--;
	c->arch.irq_on = true;
	if (unlikely(ck.verbose))
		ck_log(c->id, "iret (IF=1)%s", ck_drained(drained, d, sizeof(d)));
	c->op = saved;
	c->interrupted = true;
	c->watch_dirty = true;
	if ((saved.kind == OP_USER || saved.kind == OP_COMPUTE) && !c->in_nmi &&
	    c->arch.user_return)
		user_return(c, &saved);
}

static void cpu_body(struct ck_cpu *c)
{
	if (c->main)
		c->main(ck.prog->data);
	if (unlikely(ck.verbose) && c->main)
		ck_log(c->id, "returns");
	/* A CPU whose program ended keeps taking interrupts, like a CPU
	 * running user code or idling. */
	c->arch.irq_on = true;
	ck_announce(c, OP_DONE);
	for (;;)
		ck_park(c);
}

static void cpu_thread(void *arg)
{
	struct ck_cpu *volatile c = arg;

	__builtin_setjmp(c->restart);
	c->run_id = ck.run_id;
	cpu_body(c);
}

/* ---- set-up ---------------------------------------------------------------- */

static void arch_reset(struct ck_cpu *c)
{
	memset(&c->arch, 0, sizeof(c->arch));
	c->arch.hw.id = c->id;
	c->arch.hw.tlb.e = c->arch.tlb;
	c->arch.hw.tlb.hand = &c->arch.tlb_hand;
	c->arch.irq_on = true;
	c->arch.rng = 0x9e3779b97f4a7c15ULL * (c->id + 1);
	c->arch.kernel = ck.prog->kernel ? ck.prog->kernel : ck.prog->data;
}

/* Call a program hook on the host, where env operations act at once. */
static void setup_call(void (*fn)(void *))
{
	if (!fn)
		return;
	ck.in_setup = true;
	ck.setup_cpu = 0;
	ck.hw.running = 0;
	if (!__builtin_setjmp(ck.setup_escape))
		fn(ck.prog->data);
	ck.in_setup = false;
	ck.hw.running = -1;
}

/* A setup hook waits for something only a running CPU could do. */
void ck_setup_stuck(void)
{
	__builtin_longjmp(ck.setup_escape, 1);
}

static void snapshot_take(void)
{
	struct ck_snapshot *s = &ck.snap;
	int i;

	for (i = 0; i < ck.nr_cpus; i++)
		s->arch[i] = ck.cpu[i].arch;
	memcpy(s->gen, ck.hw.mem.gen, sizeof(s->gen));
	memcpy(s->state, ck.hw.mem.state, sizeof(s->state));
	memcpy(s->walked, ck.hw.mem.walked, sizeof(s->walked));
	memcpy(s->was_table, ck.hw.mem.was_table, sizeof(s->was_table));
	memcpy(s->free_list, ck.hw.mem.free, sizeof(s->free_list));
	s->nr_free = ck.hw.mem.nr_free;
	s->frees = ck.hw.mem.frees;
	for (i = 0; i < CK_NR_FRAMES; i++)
		if (ck_frame_used(i))
			memcpy(s->frames + ((size_t)i << PAGE_SHIFT),
			       ck.ram + ((size_t)i << PAGE_SHIFT), PAGE_SIZE);
	memset(ck.dirty, 0, sizeof(ck.dirty));
	memcpy(s->flushes, ck.hw.log.rec, sizeof(s->flushes));
	s->nr_flushes = ck.hw.log.n;
	if (ck.arena_used)
		check_snapshot(ck.arena, ck.arena_used);
	for (i = 0; i < s->nr_regions; i++)
		memcpy(s->regions[i].copy, s->regions[i].p, s->regions[i].size);
	s->nr_names = ck.nr_names;
	s->arena_used = ck.arena_used;
	ck.snap_ctx = ck.nr_ctx;
}

/* Back to the state init() left.  Only frames written since are copied. */
static void snapshot_restore(void)
{
	struct ck_snapshot *s = &ck.snap;
	int i;

	for (i = 0; i < ck.nr_cpus; i++)
		ck.cpu[i].arch = s->arch[i];
	for (i = 0; i < CK_NR_FRAMES; i++) {
		if (!ck.dirty[i])
			continue;
		ck.dirty[i] = 0;
		if (s->state[i] == HW_FRAME_USED)
			memcpy(ck.ram + ((size_t)i << PAGE_SHIFT),
			       s->frames + ((size_t)i << PAGE_SHIFT), PAGE_SIZE);
	}
	memcpy(ck.hw.mem.gen, s->gen, sizeof(s->gen));
	memcpy(ck.hw.mem.state, s->state, sizeof(s->state));
	memcpy(ck.hw.mem.walked, s->walked, sizeof(s->walked));
	memcpy(ck.hw.mem.was_table, s->was_table, sizeof(s->was_table));
	memcpy(ck.hw.mem.free, s->free_list, sizeof(s->free_list));
	ck.hw.mem.nr_free = s->nr_free;
	ck.hw.mem.frees = s->frees;
	memcpy(ck.hw.log.rec, s->flushes, sizeof(s->flushes));
	ck.hw.log.n = s->nr_flushes;
	for (i = 0; i < s->nr_regions; i++)
		memcpy(s->regions[i].p, s->regions[i].copy, s->regions[i].size);
	ck.nr_names = s->nr_names;
	ck.arena_used = s->arena_used;
}

/*
 * Build the machine, run the program's init() once and keep the result as
 * the state every run starts from.  env must already point at the checker.
 */
int ck_machine_init(const struct check_program *p, const struct check_config *cfg,
		    char *err, size_t errlen)
{
	int i;

	memset(&ck, 0, sizeof(ck));
	ck.prog = p;
	ck.cfg = cfg;
	ck.nr_cpus = p->nr_cpus;
	ck.tso = !cfg->sc;
	if (p->nr_cpus < 1 || p->nr_cpus > CHECK_MAX_CPUS) {
		snprintf(err, errlen, "cpus %d out of range 1..%d", p->nr_cpus,
			 CHECK_MAX_CPUS);
		return -1;
	}
	ck.ram = aligned_alloc(PAGE_SIZE, (size_t)CK_NR_FRAMES << PAGE_SHIFT);
	ck.snap.frames = aligned_alloc(PAGE_SIZE, (size_t)CK_NR_FRAMES << PAGE_SHIFT);
	ck.arena = aligned_alloc(PAGE_SIZE, CK_ARENA_SIZE);
	if (!ck.ram || !ck.arena || !ck.snap.frames) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memset(ck.ram, 0, (size_t)CK_NR_FRAMES << PAGE_SHIFT);
	{
		struct hw_config hc = {
			.nr_cpus = ck.nr_cpus,
			.tlb_sets = 1,
			.tlb_ways = CK_TLB_ENTRIES,
			.pwc_entries = CK_PWC_ENTRIES,
			.nr_frames = CK_NR_FRAMES,
			.quarantine = 0,
			.flushlog = CK_MAX_FLUSHES,
			.fill_unit = 1,
			.eager = false,	/* every use is explored instead */
			.host_mutant = cfg->host_mutant,
		};

		for (i = 0; i < ck.nr_cpus; i++)
			ck.hw_cpus[i] = &ck.cpu[i].arch.hw;
		hw_machine_init(&ck.hw, &ck_hw_port, &hc, ck.ram, ck.hw_cpus);
	}
	ck_tso_reset();		/* a previous exploration may have ended mid-run */
	for (i = 0; i < ck.nr_cpus; i++) {
		struct ck_cpu *c = &ck.cpu[i];

		c->id = i;
		arch_reset(c);
		if (coro_init(&c->co, CK_STACK_SIZE, cpu_thread, c)) {
			snprintf(err, errlen, "cannot map a stack for cpu %d", i);
			return -1;
		}
	}
	ck.in_init = true;
	setup_call(p->init);
	ck.in_init = false;
	if (ck.violated) {
		snprintf(err, errlen, "init: %s", ck.why);
		return -1;
	}
	snapshot_take();
	return 0;
}

void ck_machine_fini(void)
{
	int i;

	for (i = 0; i < ck.nr_cpus; i++)
		coro_destroy(&ck.cpu[i].co);
	for (i = 0; i < CK_MAX_CTX; i++)
		coro_destroy(&ck.ctx[i].co);
	for (i = 0; i < ck.snap.nr_regions; i++)
		free(ck.snap.regions[i].copy);
	ck.snap.nr_regions = 0;
	if (ck.hw.cpu)
		hw_machine_fini(&ck.hw);
	ck.hw.cpu = NULL;
	free(ck.ram);
	free(ck.arena);
	free(ck.snap.frames);
	ck.ram = ck.arena = ck.snap.frames = NULL;
}

static void cpu_reset(struct ck_cpu *c)
{
	c->resume = RESUME_OP;
	c->op.kind = OP_NONE;
	c->halted = c->interrupted = c->timed_out = false;
	c->off = c->writeback = false;
	c->deschedules = 0;
	c->irq_depth = 0;
	c->nmis = ck.cfg->nmi_cpus >> c->id & 1;
	c->in_nmi = false;
	c->sb.head = c->sb.n = 0;
	c->watch_n = 0;
	c->watch_dirty = true;
	c->relax_site = 0;
	c->fast = 0;
	c->main = ck.prog->cpu_main[c->id];
	c->run = &c->co;
	c->idle_loop = false;
	c->timer_at = 0;
	c->own_clock = 0;
	c->timer_fires = ck.cfg->timer_cpus >> c->id & 1;
}

/* The task contexts init() made start afresh; this run's are dropped. */
static void contexts_reset(void)
{
	int i;

	ck.nr_ctx = ck.live_ctx = ck.snap_ctx;
	for (i = 0; i < ck.snap_ctx; i++) {
		struct ck_ctx *x = &ck.ctx[i];

		x->on = -1;
		x->exited = false;
		coro_reset(&x->co, ck_ctx_thread, x);
	}
}

/*
 * Start a run: the machine as init() left it, then setup(), then every CPU
 * runs to its first primitive.  Returns -1 if setup() broke an invariant
 * (the run has a violation before its first event).
 */
int ck_run_begin(void)
{
	int i;

	ck.run_id++;
	ck.now = 0;
	ck.cur = NULL;
	ck.violated = false;
	ck.why[0] = 0;
	ck_tso_reset();
	snapshot_restore();
	for (i = 0; i < ck.nr_cpus; i++)
		cpu_reset(&ck.cpu[i]);
	contexts_reset();
	setup_call(ck.prog->setup);
	for (i = 0; i < ck.nr_cpus && !ck.violated; i++) {
		struct ck_cpu *c = &ck.cpu[i];

		c->resume = RESUME_OP;
		ck.cur = c;
		ck.hw.running = i;
		coro_transfer(&ck.host, c->run);
		ck.cur = NULL;
		ck.hw.running = -1;
	}
	return ck.violated ? -1 : 0;
}

/* ---- events ------------------------------------------------------------------ */

static bool watch_changed(const struct ck_cpu *c)
{
	int i;

	for (i = 0; i < c->watch_n; i++)
		if (ck_view((struct ck_cpu *)c, c->watch[i].addr, c->watch[i].size,
			    NULL) != c->watch[i].val)
			return true;
	return false;
}

/* Can the parked CPU perform its announced primitive now? */
bool ck_step_enabled(const struct ck_cpu *c)
{
	switch (c->op.kind) {
	case OP_SPIN:
		return c->interrupted || c->timed_out ||
		       ck_view((struct ck_cpu *)c, c->op.addr, c->op.size, NULL) !=
		       c->op.old;
	case OP_RELAX:
		/* The same cpu_relax() again with nothing it read changed:
		 * the loop would repeat itself forever. */
		return c->interrupted || c->watch_dirty ||
		       c->op.addr != c->relax_site || watch_changed(c);
	case OP_HLT:
		return !c->halted;
	case OP_DONE:
	case OP_NONE:
		return false;
	default:
		return true;
	}
}

/* Waiting in the idle loop for a task, with nothing to do (a halt, or a
 * monitored wait on a line nothing will write). */
static bool idles(const struct ck_cpu *c)
{
	return c->idle_loop && c->run == &c->co &&
	       (c->op.kind == OP_HLT || c->op.kind == OP_SPIN) &&
	       !ck_step_enabled(c);
}

/* The run is over when every CPU has returned or idles, every task has
 * exited, no interrupt a CPU could still take is pending (a handler may
 * have work left to check) and no cached page-table page it could still
 * walk has been freed. */
static bool all_done(void)
{
	int i;

	if (ck.live_ctx)
		return false;
	for (i = 0; i < ck.nr_cpus; i++) {
		const struct ck_cpu *c = &ck.cpu[i];
		if ((c->op.kind != OP_DONE && !idles(c)) ||
		    (c->arch.pending && c->arch.irq_on) || ck_spec_enabled(c))
			return false;
	}
	return true;
}

/* Nothing can run: let the lowest timed spin_wait time out, if any. */
static bool fire_timeout(void)
{
	int i;

	for (i = 0; i < ck.nr_cpus; i++) {
		struct ck_cpu *c = &ck.cpu[i];
		if (c->op.kind == OP_SPIN && c->op.timed && !c->timed_out) {
			c->timed_out = true;
			ck.timeouts++;
			return true;
		}
	}
	return false;
}

static void report_deadlock(void)
{
	char msg[sizeof(ck.why)], n[64], v[32];
	size_t len = 0;
	int i;

	len += snprintf(msg, sizeof(msg), "deadlock: no CPU can make progress:");
	for (i = 0; i < ck.nr_cpus && len < sizeof(msg); i++) {
		const struct ck_cpu *c = &ck.cpu[i];
		const char *irq = c->arch.pending && !c->arch.irq_on ?
			" with an interrupt pending and IF=0" : "";

		switch (c->op.kind) {
		case OP_SPIN:
			if (idles(c)) {
				len += snprintf(msg + len, sizeof(msg) - len,
						" cpu %d idles;", i);
				break;
			}
			len += snprintf(msg + len, sizeof(msg) - len,
					" cpu %d waits for %s to change from %s%s;", i,
					ck_name_of(c->op.addr, n, sizeof(n)),
					ck_val(c->op.old, v, sizeof(v)), irq);
			break;
		case OP_RELAX:
			len += snprintf(msg + len, sizeof(msg) - len,
					" cpu %d spins in a cpu_relax() loop on "
					"values nothing will change%s;", i, irq);
			break;
		case OP_HLT:
			len += snprintf(msg + len, sizeof(msg) - len, idles(c) ?
					" cpu %d idles;" :
					" cpu %d is halted with no interrupt coming;", i);
			break;
		case OP_DONE:
			break;
		default:
			len += snprintf(msg + len, sizeof(msg) - len,
					" cpu %d cannot %s;", i, c->off ?
					"run (descheduled)" : "go on");
			break;
		}
	}
	if (ck.live_ctx && len < sizeof(msg))
		snprintf(msg + len, sizeof(msg) - len,
			 " %d task%s never finished (a lost wake-up?);", ck.live_ctx,
			 ck.live_ctx == 1 ? "" : "s");
	ck_violation("%s", msg);
}

u32 ck_enabled(bool *end)
{
	u32 m = 0;
	int i;

	*end = false;
	if (ck.violated || all_done()) {
		*end = true;
		return 0;
	}
	for (;;) {
		for (i = 0; i < ck.nr_cpus; i++) {
			const struct ck_cpu *c = &ck.cpu[i];

			if (unlikely(ck.cfg->host) && ck_host_enabled(c))
				m |= 1u << ck_actor(i, ACT_HOST);
			if (c->sb.n)
				m |= 1u << ck_actor(i, ACT_DRAIN);
			if (unlikely(c->off))
				continue;	/* descheduled: nothing runs */
			if (ck_step_enabled(c))
				m |= 1u << ck_actor(i, ACT_STEP);
			/* interrupts come at instruction boundaries, not in
			 * the middle of a user access (OP_USER_DONE) */
			if (c->arch.pending && c->arch.irq_on && !c->irq_depth &&
			    c->op.kind != OP_USER_DONE)
				m |= 1u << ck_actor(i, ACT_IRQ);
			if (unlikely(ck_spec_enabled(c)))
				m |= 1u << ck_actor(i, ACT_SPEC);
			if (unlikely(c->nmis) && !c->in_nmi && c->arch.irq[VEC_NMI] &&
			    c->op.kind != OP_USER_DONE && c->op.kind != OP_DONE)
				m |= 1u << ck_actor(i, ACT_NMI);
		}
		if (m || !fire_timeout())
			break;
	}
	if (!m) {
		report_deadlock();
		*end = true;
	}
	return m;
}

void ck_exec(int a)
{
	struct ck_cpu *c = &ck.cpu[ck_actor_cpu(a)];

	ck_fp_reset(a);
	ck.now++;
	switch (ck_actor_kind(a)) {
	case ACT_IRQ:
		ck_fp_cur.irq |= 1u << c->id;
		c->resume = RESUME_IRQ;
		goto run;
	case ACT_NMI:
		ck_fp_cur.irq |= 1u << c->id;
		c->resume = RESUME_NMI;
		goto run;
	case ACT_STEP:
		c->resume = RESUME_OP;
run:
		ck_fp_cur.cpus |= 1u << c->id;
		c->own_clock++;
		ck.cur = c;
		ck.hw.running = c->id;
		coro_transfer(&ck.host, c->run);
		ck.cur = NULL;
		ck.hw.running = -1;
		break;
	case ACT_DRAIN:
		ck_drain_one(c);
		break;
	case ACT_SPEC:
		ck_spec_walk(c);
		break;
	case ACT_HOST:
		ck_host_event(c);
		break;
	}
}

/* Every CPU returned: drain what is still buffered, then the program's
 * final-state assertions. */
void ck_run_end(void)
{
	int i;

	if (ck.violated)
		return;
	ck_fp_reset(0);
	for (i = 0; i < ck.nr_cpus && !ck.violated; i++)
		ck_drain_all(&ck.cpu[i]);
	if (!ck.violated)
		setup_call(ck.prog->teardown);
}

/* ---- set-up helpers for programs ----------------------------------------------- */

void *check_alloc(size_t size)
{
	size_t sz = (size + SMP_CACHE_BYTES - 1) & ~(size_t)(SMP_CACHE_BYTES - 1);
	void *p;

	if (ck.arena_used + sz > CK_ARENA_SIZE)
		return NULL;
	p = ck.arena + ck.arena_used;
	ck.arena_used += sz;
	memset(p, 0, sz);
	return p;
}

void check_set_cr3(int cpu, u64 pgd_pfn, u16 pcid)
{
	if (cpu >= 0 && cpu < ck.nr_cpus) {
		ck.cpu[cpu].arch.hw.cr3 = pgd_pfn;
		ck.cpu[cpu].arch.hw.pcid = pcid % NR_PCIDS;
	}
}

void check_on_cpu(int cpu)
{
	if (ck.in_setup && cpu >= 0 && cpu < ck.nr_cpus) {
		ck.setup_cpu = cpu;
		ck.hw.running = cpu;
	}
}

void check_snapshot(void *p, size_t size)
{
	struct ck_region *r;

	if (!ck.in_init || ck.snap.nr_regions == CK_MAX_REGIONS || !size)
		return;
	r = &ck.snap.regions[ck.snap.nr_regions];
	r->copy = malloc(size);
	if (!r->copy)
		return;
	r->p = p;
	r->size = size;
	ck.snap.nr_regions++;
}

void check_idle_loop(void)
{
	if (ck.cur)
		ck.cur->idle_loop = true;
}

void check_set_kernel(int cpu, void *kernel)
{
	if (cpu >= 0 && cpu < ck.nr_cpus)
		ck.cpu[cpu].arch.kernel = kernel;
}

static u64 *slot(u64 table, u64 va, int level)
{
	return (u64 *)(ck.ram + (table << PAGE_SHIFT)) + pt_index(va, level);
}

u64 *check_map(u64 root, u64 va, u64 pfn, u64 flags)
{
	u64 t = root;
	int level;

	for (level = PT_LEVELS; level > 1; level--) {
		u64 *e = slot(t, va, level);
		if (!pte_present(*e)) {
			u64 n = ck_frame_alloc();
			if (!n)
				return NULL;
			*e = pfn_pte(n, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
			ck.dirty[t] = 1;
		}
		t = pte_pfn(*e);
	}
	*slot(t, va, 1) = pfn_pte(pfn, flags);
	ck.dirty[t] = 1;
	return slot(t, va, 1);
}

u64 *check_pte(u64 root, u64 va)
{
	u64 t = root;
	int level;

	for (level = PT_LEVELS; level > 1; level--) {
		u64 e;
		if (!t || t >= CK_NR_FRAMES)
			return NULL;
		e = *slot(t, va, level);
		if (!pte_present(e))
			return NULL;
		t = pte_pfn(e);
	}
	return t && t < CK_NR_FRAMES ? slot(t, va, 1) : NULL;
}
