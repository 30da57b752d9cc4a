// SPDX-License-Identifier: GPL-2.0
/*
 * env.c - the env interface on the checker.
 *
 * Every primitive with an effect another CPU could observe (or that an
 * interrupt could be taken before) announces itself and parks: that is the
 * choice point.  When its STEP is scheduled it takes effect and the CPU
 * runs on, privately, to its next primitive.  Annotations, identity and
 * smp_rmb()/smp_wmb() (compiler barriers on x86) are not choice points.
 *
 * In init(), setup() and teardown() (on the host, ck.cur == NULL) the same
 * operations act at once, on the CPU check_on_cpu() chose, without store
 * buffers or scheduling.
 */
#include <stdio.h>
#include <string.h>

#include "check/ck.h"
#include "lib/rng.h"
#include "hw/hcall.h"

/* Park until this primitive's STEP is scheduled. */
static inline void choice_point(struct ck_cpu *c, enum ck_op_kind kind)
{
	ck_announce(c, kind);
	ck_park(c);
}

/* The CPU a primitive acts on: on a running CPU, after its choice point;
 * during set-up, at once on the set-up CPU. */
static inline struct ck_cpu *op_begin(enum ck_op_kind kind)
{
	struct ck_cpu *c = ck.cur;

	if (likely(c)) {
		choice_point(c, kind);
		return c;
	}
	return &ck.cpu[ck.setup_cpu];
}

/* Counterexample lines come from running CPUs only, not from set-up. */
static inline bool logging(void)
{
	return unlikely(ck.verbose) && ck.cur;
}

static inline u64 size_mask(int size)
{
	return size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

/* Remember what a possible spin loop read (see ck_step_enabled). */
static inline void watch(struct ck_cpu *c, uintptr_t a, int size, u64 v)
{
	if (c->watch_n == CK_WATCH) {
		c->watch_dirty = true;
		return;
	}
	c->watch[c->watch_n].addr = a;
	c->watch[c->watch_n].size = size;
	c->watch[c->watch_n].val = v;
	c->watch_n++;
}

static inline void mem_touch(struct ck_cpu *c, uintptr_t a, int size, bool write)
{
	if (unlikely(ck_in_phys(a)))
		ck_phys_touch(c, a, write);
	fp_mem(a, size, write);
}

/* ---- shared memory ------------------------------------------------------------ */

static u64 ckenv_load(const volatile void *p, int size)
{
	struct ck_cpu *c = op_begin(OP_LOAD);
	uintptr_t a = (uintptr_t)p;
	bool fwd;
	u64 v;

	mem_touch(c, a, size, false);
	v = ck_view(c, a, size, &fwd);
	watch(c, a, size, v);
	if (logging()) {
		char n[64], b[32];
		ck_log(c->id, "load %s = %s%s", ck_name_of(a, n, sizeof(n)),
		       ck_val(v, b, sizeof(b)), fwd ? " (from its store buffer)" : "");
	}
	return v;
}

static void ckenv_store(volatile void *p, u64 v, int size)
{
	struct ck_cpu *c = ck.cur;
	uintptr_t a = (uintptr_t)p;

	if (!c) {
		ck_global_write(a, v, size);
		return;
	}
	choice_point(c, OP_STORE);
	if (unlikely(ck_in_phys(a)))
		ck_phys_touch(c, a, true);
	c->watch_dirty = true;
	if (logging()) {
		char n[64], b[32];
		ck_log(c->id, "store %s = %s%s", ck_name_of(a, n, sizeof(n)),
		       ck_val(v, b, sizeof(b)), ck.tso ? " (buffered)" : "");
	}
	ck_store(c, a, v, size);
}

static u64 rmw_apply(enum rmw_op op, u64 old, u64 v, u64 cmp)
{
	switch (op) {
	case RMW_XCHG: return v;
	case RMW_CMPXCHG: return old == cmp ? v : old;
	case RMW_ADD: return old + v;
	case RMW_OR: return old | v;
	case RMW_AND: return old & v;
	}
	return old;
}

static void log_rmw(struct ck_cpu *c, uintptr_t a, enum rmw_op op, u64 old,
		    u64 new, u64 cmp, int drained)
{
	static const char *const names[] = {
		[RMW_XCHG] = "xchg", [RMW_CMPXCHG] = "cmpxchg", [RMW_ADD] = "fetch_add",
		[RMW_OR] = "fetch_or", [RMW_AND] = "fetch_and",
	};
	char n[64], o[64], w[64], e[64], d[48];

	ck_name_of(a, n, sizeof(n));
	ck_val(old, o, sizeof(o));
	ck_val(new, w, sizeof(w));
	ck_drained(drained, d, sizeof(d));
	if (op == RMW_CMPXCHG && old != cmp)
		ck_log(c->id, "cmpxchg %s: is %s, not %s: fails%s", n, o,
		       ck_val(cmp, e, sizeof(e)), d);
	else
		ck_log(c->id, "%s %s: %s -> %s%s", names[op], n, o, w, d);
}

/* A locked instruction: empties the store buffer, then reads and writes
 * memory as one step. */
static u64 ckenv_rmw(volatile void *p, enum rmw_op op, u64 v, u64 cmp, int size)
{
	struct ck_cpu *c = ck.cur;
	uintptr_t a = (uintptr_t)p;
	u64 mask = size_mask(size), old, new;
	int drained = 0;

	if (c) {
		choice_point(c, OP_RMW);
		drained = ck_drain_all(c);
		if (unlikely(ck_in_phys(a)))
			ck_phys_touch(c, a, true);
	}
	old = ck_global_read(a, size);
	new = rmw_apply(op, old, v & mask, cmp & mask) & mask;
	if (!c) {
		ck_global_write(a, new, size);
		return old;
	}
	fp_mem(a, size, new != old);
	if (new != old) {
		ck_global_write(a, new, size);
		c->watch_dirty = true;
	} else {
		watch(c, a, size, old);
	}
	if (logging())
		log_rmw(c, a, op, old, new, cmp & mask, drained);
	return old;
}

static void ckenv_fence(enum fence_kind k)
{
	struct ck_cpu *c = ck.cur;
	int drained;

	/* x86 orders loads with loads and stores with stores: rmb and wmb
	 * are compiler barriers, not choice points. */
	if (!c || k != FENCE_MB)
		return;
	choice_point(c, OP_FENCE);
	drained = ck_drain_all(c);
	if (logging()) {
		char d[48];
		ck_log(c->id, "smp_mb()%s", ck_drained(drained, d, sizeof(d)));
	}
}

static void ckenv_relax(void)
{
	struct ck_cpu *c = ck.cur;

	if (!c)
		return;
	c->op.addr = (uintptr_t)__builtin_return_address(0);
	choice_point(c, OP_RELAX);
	c->relax_site = c->op.addr;
	c->watch_n = 0;
	c->watch_dirty = false;
	if (logging())
		ck_log(c->id, "cpu_relax()");
}

/*
 * Modelled without spinning: the STEP is enabled only once the location (as
 * this CPU sees it) differs from old, or an interrupt was taken, so waiting
 * costs no events.  A timed wait times out only when nothing else can run.
 */
static bool ckenv_spin_wait(const volatile void *p, u64 old, int size, u64 timeout_ns)
{
	struct ck_cpu *c = ck.cur;
	uintptr_t a = (uintptr_t)p;
	bool timed_out;
	u64 v;

	if (!c) {
		/* set-up cannot wait: nothing else runs */
		if (ck_global_read(a, size) == (old & size_mask(size))) {
			char n[64];
			ck_violation("set-up waits on %s, which only a running "
				     "CPU could change", ck_name_of(a, n, sizeof(n)));
			ck_setup_stuck();
		}
		return true;
	}
	c->op.addr = a;
	c->op.size = size;
	c->op.old = old & size_mask(size);
	c->op.timed = timeout_ns != 0;
	c->timed_out = false;
	choice_point(c, OP_SPIN);
	timed_out = c->timed_out;
	c->timed_out = false;
	mem_touch(c, a, size, false);
	v = ck_view(c, a, size, NULL);
	c->watch_n = 0;
	c->watch_dirty = false;
	c->relax_site = 0;
	if (logging()) {
		char n[64], b[32], o[32];
		ck_name_of(a, n, sizeof(n));
		ck_val(v, b, sizeof(b));
		ck_val(c->op.old, o, sizeof(o));
		if (timed_out)
			ck_log(c->id, "spin_wait on %s (still %s): times out, "
			       "nothing else can run", n, o);
		else if (v == c->op.old)
			ck_log(c->id, "spin_wait on %s (still %s): returns after "
			       "an interrupt", n, o);
		else
			ck_log(c->id, "spin_wait on %s: %s -> %s", n, o, b);
	}
	return !timed_out;
}

/* ---- interrupts -------------------------------------------------------------- */

/* IF changes are stamped with the clock for irqs_on_since(). */
static void irq_set(struct ck_cpu *c, bool on)
{
	if (c->arch.irq_on && !on) {
		c->arch.irq_off_at = ck_clock();
		ck_fp_cur.cls_r |= CL_TIME;
	}
	c->arch.irq_on = on;
}

static unsigned long ckenv_irq_save(void)
{
	struct ck_cpu *c = op_begin(OP_IRQ_SAVE);
	unsigned long f;

	f = c->arch.irq_on;
	irq_set(c, false);
	if (logging())
		ck_log(c->id, "local_irq_save (IF=0)");
	return f;
}

static void ckenv_irq_restore(unsigned long flags)
{
	struct ck_cpu *c = op_begin(OP_IRQ_RESTORE);

	irq_set(c, flags != 0);
	if (logging())
		ck_log(c->id, "local_irq_restore (IF=%d)", c->arch.irq_on);
}

static void *ckenv_kernel(void);

/* Handlers belong to a kernel instance: every CPU running it gets them. */
static void ckenv_irq_register(enum irq_vector v, void (*fn)(enum irq_vector))
{
	void *k = ckenv_kernel();
	int i;

	for (i = 0; i < ck.nr_cpus; i++) {
		if (ck.cpu[i].arch.kernel == k) {
			ck.cpu[i].arch.irq[v] = fn;
			ck_fp_cur.cpus |= 1u << i;	/* changes their events */
		}
	}
}

static void ckenv_fault_register(int (*fn)(u64 va, bool write))
{
	void *k = ckenv_kernel();
	int i;

	for (i = 0; i < ck.nr_cpus; i++) {
		if (ck.cpu[i].arch.kernel == k) {
			ck.cpu[i].arch.fault = fn;
			ck_fp_cur.cpus |= 1u << i;
		}
	}
}

/* ---- identity and time -------------------------------------------------------- */

static int ckenv_cpu(void) { return ck.cur ? ck.cur->id : ck.setup_cpu; }
static int ckenv_nr_cpus(void) { return ck.nr_cpus; }

static void *ckenv_kernel(void)
{
	return (ck.cur ? ck.cur : &ck.cpu[ck.setup_cpu])->arch.kernel;
}

/* The scheduler's clock: this CPU's own events (and timer skips), so
 * reading it is no choice point and touches nothing shared. */
static u64 ckenv_sched_clock_ns(void)
{
	return (ck.cur ? ck.cur : &ck.cpu[ck.setup_cpu])->own_clock;
}

/* The checker's clock counts events; reading it is ordered with TLB fills
 * (both touch CL_TIME), which is all the detector compares it with. */
static u64 ckenv_clock_ns(void)
{
	struct ck_cpu *c = op_begin(OP_CLOCK);

	ck_fp_cur.cls_w |= CL_TIME;
	if (logging())
		ck_log(c->id, "reads the clock: %llu", (unsigned long long)ck_clock());
	return ck_clock();
}

static u64 ckenv_random(void)
{
	struct ck_cpu *c = ck.cur ? ck.cur : &ck.cpu[ck.setup_cpu];

	c->watch_dirty = true;
	return rng_next(&c->arch.rng);
}

/* ---- IPIs ---------------------------------------------------------------------- */

/* x2APIC ICR writes are not serializing (Intel SDM Vol. 3A, "MSR Access in
 * x2APIC Mode"): earlier stores may still sit in the sender's buffer when
 * the target takes the interrupt.  Code that needs them visible fences. */
static void post_ipi(struct ck_cpu *c, int cpu, enum irq_vector v)
{
	if (cpu < 0 || cpu >= ck.nr_cpus) {
		ck_violation("cpu %d sent an IPI to cpu %d, which does not exist",
			     c->id, cpu);
		return;
	}
	ck.cpu[cpu].arch.pending |= 1u << v;
	ck_fp_cur.irq |= 1u << cpu;
	if (logging())
		ck_log(c->id, "sends IPI %s -> cpu%d%s", hw_vector_names[v], cpu,
		       ck.cpu[cpu].arch.irq_on ? "" : " (its IF=0: held pending)");
}

static void ckenv_send_ipi(int cpu, enum irq_vector v)
{
	struct ck_cpu *c = op_begin(OP_IPI);

	c->watch_dirty = true;
	post_ipi(c, cpu, v);
}

static void ckenv_send_ipi_mask(const void *mask, enum irq_vector v)
{
	const struct cpumask *m = mask;
	struct ck_cpu *c = op_begin(OP_IPI);
	int cpu;

	c->watch_dirty = true;
	for_each_cpu(cpu, m)
		post_ipi(c, cpu, v);
}

/* ---- TLB and CR3: serializing instructions, they drain the buffer ------------- */

static void ckenv_flush_tlb_one(u64 va)
{
	struct ck_cpu *c = op_begin(OP_INVLPG);
	int drained;
	char d[48];

	c->watch_dirty = true;
	drained = ck_drain_all(c);
	if (logging())
		ck_log(c->id, "INVLPG 0x%llx%s", (unsigned long long)va,
		       ck_drained(drained, d, sizeof(d)));
	if (unlikely(ck.verbose)) {
		struct hw_tlbe *e = hw_tlb_lookup(&ck.hw, &c->arch.hw, va);
		if (e)
			ck_log(c->id, "  drops TLB entry 0x%llx -> frame %u",
			       (unsigned long long)va & PAGE_MASK, e->pfn);
	}
	hw_invlpg(&ck.hw, &c->arch.hw, va);
}

static void ckenv_load_cr3(u64 pgd_pfn, u16 pcid, bool noflush)
{
	struct ck_cpu *c = op_begin(OP_CR3);
	int drained;
	char d[48];

	c->watch_dirty = true;
	drained = ck_drain_all(c);
	hw_load_cr3(&ck.hw, &c->arch.hw, pgd_pfn, pcid, noflush);
	if (logging())
		ck_log(c->id, "load CR3 = frame %llu, pcid %u%s%s",
		       (unsigned long long)pgd_pfn, c->arch.hw.pcid,
		       noflush ? " (no flush)" : " (flushes the pcid)",
		       ck_drained(drained, d, sizeof(d)));
}

static void ckenv_flush_tlb_local(void)
{
	struct ck_cpu *c = op_begin(OP_FLUSH_LOCAL);
	int drained;
	char d[48];

	c->watch_dirty = true;
	drained = ck_drain_all(c);
	hw_flush_pcid(&ck.hw, &c->arch.hw, c->arch.hw.pcid);
	if (logging())
		ck_log(c->id, "flushes its TLB (CR3 reload, pcid %u)%s", c->arch.hw.pcid,
		       ck_drained(drained, d, sizeof(d)));
}

/* ---- user memory and time passing ---------------------------------------------- */

/*
 * The translation half of an emulated access: KVM's emulator walks the
 * guest's tables in software, after the exit that drained the store
 * buffer.  Same convention as ck_user_translate.
 */
static int emulator_translate(struct ck_cpu *c, u64 va, bool write, u32 *pfn)
{
	u64 pt;
	pte_t pte;

	ck_drain_all(c);
	pte = hw_walk_tables(&ck.hw, c->id, c->arch.hw.cr3, va, &pt, true);
	if (!pte_present(pte) || !(pte & _PAGE_USER) || (write && !pte_write(pte)))
		return 1;
	if (!hw_leaf_in_ram(&ck.hw, &c->arch.hw, va, pte))
		return -1;
	*pfn = pte_pfn(pte);
	c->latched_hit = false;
	return 0;
}

/* A vCPU the host may stop: a host, and this CPU under it. */
static bool under_host(const struct ck_cpu *c)
{
	return ck.cfg->host && ck.cur &&
	       (!ck.cfg->host_cpus || (ck.cfg->host_cpus & 1u << c->id));
}

/*
 * A user access.  The translation and the data access are one instruction:
 * no event comes between them, not even the host's (a VM exit happens at
 * an instruction boundary; a faulting instruction restarts).  Only an
 * instruction KVM emulates is split in two events, translation then
 * access, between which the host may deschedule the vCPU.
 */
static int user_access_common(u64 va, u64 *val, bool write, bool emulated)
{
	struct ck_cpu *c;
	int tries;

	for (tries = 0; ; tries++) {
		bool split;
		u32 pfn, gen;
		int x;

		c = op_begin(OP_USER);
		c->watch_dirty = true;
		ck_fp_cur.cls_r |= CL_FRAMES;
		split = emulated && under_host(c);
		x = split ? emulator_translate(c, va, write, &pfn) :
			    ck_user_translate(c, va, write, &pfn);
		if (x < 0)
			return UA_SEGV;
		if (!x) {
			gen = ck.hw.mem.gen[pfn];
			if (split) {
				if (logging())
					ck_log(c->id, "emulated user %s 0x%llx: KVM's emulator "
					       "walks the tables -> frame %u",
					       write ? "write" : "read",
					       (unsigned long long)va, pfn);
				choice_point(c, OP_USER_DONE);
			}
			ck_user_complete(c, va, val, write, pfn, gen, split);
			return UA_OK;
		}
		if (!c->arch.fault)
			return UA_SEGV;
		if (tries == HW_FAULT_RETRIES) {
			hw_report_livelock(&ck.hw, &c->arch.hw, va, write);
			return UA_SEGV;		/* set-up: the report returns */
		}
		hw_page_fault(&ck.hw, &c->arch.hw, va);
		if (c->arch.fault(va, write)) {
			if (logging())
				ck_log(c->id, "page fault handler: SIGSEGV");
			return UA_SEGV;
		}
	}
}

/* copy_from_user_nmi: the translation, and no fault handler if it fails. */
static int ckenv_user_read_nofault(u64 va, u64 *val)
{
	struct ck_cpu *c = op_begin(OP_USER);
	u32 pfn;

	c->watch_dirty = true;
	ck_fp_cur.cls_r |= CL_FRAMES;
	if (ck_user_translate(c, va, false, &pfn))
		return UA_SEGV;
	ck_user_complete(c, va, val, false, pfn, ck.hw.mem.gen[pfn], false);
	return UA_OK;
}

static int ckenv_user_access(u64 va, u64 *val, bool write)
{
	return user_access_common(va, val, write, false);
}

static int ckenv_user_access_emulated(u64 va, u64 *val, bool write)
{
	return user_access_common(va, val, write, true);
}

static void timed_op(enum ck_op_kind kind, const char *what, u64 ns)
{
	struct ck_cpu *c = op_begin(kind);

	if (logging())
		ck_log(c->id, "%s (%llu ns)", what, (unsigned long long)ns);
}

static void ckenv_compute(u64 ns) { timed_op(OP_COMPUTE, "user code", ns); }
static void ckenv_halt(u64 ns) { timed_op(OP_HALT_NS, "halts", ns); }
static void ckenv_kernel_work(u64 ns) { timed_op(OP_KWORK, "kernel work", ns); }

static void ckenv_syscall(void)
{
	struct ck_cpu *c = op_begin(OP_SYSCALL);

	if (logging())
		ck_log(c->id, "syscall entry");
}

/* sti; hlt.  The sti shadow makes the pair atomic: the CPU is marked
 * halted before IF goes to 1, so an interrupt taken at the hlt's choice
 * point (the first place one can be) ends the halt. */
static void ckenv_wait_for_interrupt(void)
{
	struct ck_cpu *c = ck.cur;

	if (!c)
		return;
	c->halted = true;
	op_begin(OP_IRQ_RESTORE);
	irq_set(c, true);
	if (logging())
		ck_log(c->id, "sti; hlt");
	choice_point(c, OP_HLT);
}

/*
 * The local APIC timer.  The checker's clock counts events, so a deadline
 * is never reached by waiting; instead, on a CPU of
 * check_config.timer_cpus, an armed timer's interrupt may come at any
 * instruction boundary with IF=1, once per run, and the clock then jumps
 * to the deadline (take_irq).  Elsewhere the timer stays armed and never
 * fires: those runs are the ones in which the deadline is not reached.
 */
static void ckenv_timer_arm(u64 ns)
{
	struct ck_cpu *c = ck.cur ? ck.cur : &ck.cpu[ck.setup_cpu];

	c->timer_at = ns ? c->own_clock + ns : 0;
	if (c->timer_at && c->timer_fires)
		c->arch.pending |= 1u << VEC_TIMER;
	else
		c->arch.pending &= ~(1u << VEC_TIMER);
	ck_fp_cur.irq |= 1u << c->id;
	if (logging())
		ck_log(c->id, ns ? "arms its timer (%llu ns)" : "disarms its timer",
		       (unsigned long long)ns);
}

/* ---- contexts ------------------------------------------------------------------- */

static struct ck_ctx *task_ctx(void *co)
{
	uintptr_t a = (uintptr_t)co, base = (uintptr_t)ck.ctx;

	if (a - base >= sizeof(ck.ctx))
		return NULL;
	return &ck.ctx[(a - base) / sizeof(ck.ctx[0])];
}

void ck_ctx_thread(void *arg)
{
	struct ck_ctx *x = arg;

	x->fn(x->arg);
	ck_violation("a task context returned (contexts end with ctx_exit)");
}

static const char *ctx_name(void *co, char *buf, size_t n)
{
	struct ck_ctx *x = task_ctx(co);
	int i;

	for (i = 0; i < ck.nr_cpus; i++)
		if (co == &ck.cpu[i].co) {
			snprintf(buf, n, "cpu%d's idle task", i);
			return buf;
		}
	for (i = 0; i < ck.nr_names; i++)
		if (ck.names[i].addr == (uintptr_t)co) {
			snprintf(buf, n, "%s", ck.names[i].name);
			return buf;
		}
	snprintf(buf, n, "task context %d", x ? x->id : -1);
	return buf;
}

static void *ckenv_ctx_current(void)
{
	return ck.cur ? ck.cur->run : &ck.cpu[ck.setup_cpu].co;
}

static void *ckenv_ctx_create(void (*fn)(void *), void *arg)
{
	struct ck_ctx *x;

	if (ck.nr_ctx == CK_MAX_CTX) {
		ck_violation("more than %d task contexts", CK_MAX_CTX);
		return NULL;
	}
	x = &ck.ctx[ck.nr_ctx];
	if (!x->co.stack && coro_init(&x->co, CK_STACK_SIZE, ck_ctx_thread, x)) {
		ck_violation("cannot map a task context's stack");
		return NULL;
	}
	coro_reset(&x->co, ck_ctx_thread, x);
	x->fn = fn;
	x->arg = arg;
	x->id = ck.nr_ctx++;
	x->on = -1;
	x->exited = false;
	ck.live_ctx++;
	return &x->co;
}

/*
 * The running context of this CPU becomes `to`.  Which context a CPU runs
 * is its private state, so this is no choice point: the CPU runs on, in
 * the new context, to its next primitive.  A context may be switched to
 * only once the CPU that ran it has switched away from it.
 */
static void ctx_enter(struct ck_cpu *c, void *to)
{
	struct ck_ctx *x = task_ctx(to);
	char n[48];

	if (x && (x->on >= 0 || x->exited)) {
		ck_violation(x->exited ? "cpu %d switches to %s, which has exited" :
			     "cpu %d switches to %s while it still runs on cpu %d: "
			     "its stack would be live on two CPUs", c->id,
			     ctx_name(to, n, sizeof(n)), x->on);
		return;
	}
	if (!x && to != &c->co) {
		ck_violation("cpu %d switches to %s", c->id, ctx_name(to, n, sizeof(n)));
		return;
	}
	if (x)
		x->on = c->id;
	c->run = to;
	c->watch_dirty = true;
	if (logging())
		ck_log(c->id, "switches to %s", ctx_name(to, n, sizeof(n)));
}

static void ckenv_ctx_switch(void *to)
{
	struct ck_cpu *c = ck.cur, *b;
	struct coro *from;
	struct ck_ctx *fx;

	if (!c) {
		ck_violation("a context switch in set-up");
		return;
	}
	from = c->run;
	if (to == from)
		return;
	fx = task_ctx(from);
	ctx_enter(c, to);
	if (fx)
		fx->on = -1;
	coro_transfer(from, to);
	/* resumed: a CPU switched back to us, or (a boot context) the next
	 * run started; that one begins at its CPU's entry again */
	if (!fx) {
		b = container_of(from, struct ck_cpu, co);
		if (b->run_id != ck.run_id)
			__builtin_longjmp(b->restart, 1);
	}
}

static void ckenv_ctx_exit(void *to)
{
	struct ck_cpu *c = ck.cur;
	struct coro *from;
	struct ck_ctx *fx;

	if (!c) {
		ck_violation("a context exit in set-up");
		return;
	}
	from = c->run;
	fx = task_ctx(from);
	if (!fx) {
		ck_violation("cpu %d's boot context exits", c->id);
		return;
	}
	fx->exited = true;
	fx->on = -1;
	ck.live_ctx--;
	ctx_enter(c, to);
	coro_transfer(from, to);
	ck_violation("an exited context was resumed");
}

/* exit_to_user_mode's hook: run after an interrupt that came in user mode
 * (take_irq). */
static void ckenv_user_return_register(void (*fn)(void))
{
	struct ck_cpu *c = ck.cur ? ck.cur : &ck.cpu[ck.setup_cpu];

	c->arch.user_return = fn;
}

/* Scenario machines are one socket. */
static int ckenv_cpu_socket(int cpu)
{
	return 0;
}

/* kvm_wait's halt: under a host, HLT that a kick or (IF=1) an interrupt
 * ends; take_irq and the kick clear halted. */
static int ckenv_pv_halt(void)
{
	struct ck_cpu *c = ck.cur;

	if (!ck.cfg->host || !c)
		return -1;
	c->halted = true;
	if (logging())
		ck_log(c->id, "hlt (pv spinlock wait)");
	choice_point(c, OP_HLT);
	return 0;
}

/* KVM_HC_KICK_CPU: the host makes the target runnable again. */
static int ckenv_pv_kick(int cpu)
{
	struct ck_cpu *c;

	if (!ck.cfg->host)
		return -1;
	c = op_begin(OP_HYPERCALL);
	ck.cpu[cpu].halted = false;
	ck_fp_cur.cpus |= 1u << cpu;
	if (logging())
		ck_log(c->id, "kicks cpu %d (KVM_HC_KICK_CPU)", cpu);
	return 0;
}

/* ---- physical memory ------------------------------------------------------------ */

static u64 ckenv_page_alloc(void)
{
	struct ck_cpu *c = op_begin(OP_ALLOC);
	u64 pfn;

	c->watch_dirty = true;
	pfn = ck_frame_alloc();
	if (logging())
		ck_log(c->id, "allocates frame %llu", (unsigned long long)pfn);
	return pfn;
}

static void ckenv_page_free(u64 pfn)
{
	struct ck_cpu *c = op_begin(OP_FREE);

	c->watch_dirty = true;
	if (logging())
		ck_log(c->id, "frees frame %llu", (unsigned long long)pfn);
	ck_frame_free(pfn);
}

static void *ckenv_phys_to_virt(u64 pfn)
{
	return pfn < CK_NR_FRAMES ? ck.ram + (pfn << PAGE_SHIFT) : NULL;
}

/* ---- paravirtual interfaces ------------------------------------------------------- */

/* Steal time exists only under a host (host.c); on bare metal pv guests
 * see no preempted vCPU and send IPIs. */
static int ckenv_pv_steal_time(u8 *preempted)
{
	struct ck_cpu *c = ck.cur ? ck.cur : &ck.cpu[ck.setup_cpu];

	if (!ck.cfg->host)
		return -1;
	c->arch.hw.steal = preempted;
	return 0;
}

/*
 * A flush hypercall (include/hypercall.h): the hypervisor flushes the named
 * vCPUs' TLBs and paging-structure caches itself, whatever their IF, and
 * returns when it is done.  Every vCPU is running in this model, so that
 * happens within the caller's step: the targets' interrupt handlers are not
 * involved, which is the whole hazard for interrupt-disabled walkers.
 */
static int ckenv_hypercall_flush(int nr, const void *input, int reps)
{
	static struct hw_flush_request r;	/* one step at a time */
	struct ck_cpu *c = op_begin(OP_HYPERCALL);
	int cpu;

	c->watch_dirty = true;
	if (hw_hypercall_decode(nr, input, reps, &r)) {
		if (logging())
			ck_log(c->id, "flush hypercall %d: malformed input, fails", nr);
		return -1;
	}
	if (logging()) {
		char what[64];

		if (r.everything)
			snprintf(what, sizeof(what), "everything");
		else
			snprintf(what, sizeof(what), "%d GVA range%s, from 0x%llx", r.nr,
				 r.nr == 1 ? "" : "s",
				 r.nr ? (unsigned long long)r.range[0].va : 0ULL);
		ck_log(c->id, "flush hypercall %d: the hypervisor flushes %s on %s", nr,
		       what, r.all_cpus ? "every vCPU" : "the vCPUs in its mask");
	}
	for (cpu = 0; cpu < ck.nr_cpus; cpu++) {
		if (cpu == c->id || (!r.all_cpus && !__cpumask_test_cpu(cpu, &r.targets)))
			continue;
		hw_flush_request_apply(&ck.hw, &ck.cpu[cpu].arch.hw, &r);
		ck_fp_cur.cpus |= 1u << cpu;
	}
	return 0;
}

/* RCU-sched's view of a CPU: IF=1 now, or at some point since `since`.  The
 * answer depends on when that CPU last disabled interrupts, which the clock
 * orders (CL_TIME), and on its IF (its private state). */
static bool ckenv_irqs_on_since(int cpu, u64 since_ns)
{
	const struct ck_cpu *t;

	if (cpu < 0 || cpu >= ck.nr_cpus)
		return false;
	t = &ck.cpu[cpu];
	ck_fp_cur.cpus |= 1u << cpu;
	ck_fp_cur.cls_r |= CL_TIME;
	return t->arch.irq_on || t->arch.irq_off_at >= since_ns;
}

/* ---- annotations ------------------------------------------------------------------ */

static void ckenv_stat(enum env_stat s, u64 n) { (void)s; (void)n; }

static void ckenv_flush_done(u64 pgd_pfn, u64 start, u64 end, u64 began_ns)
{
	ck_fp_cur.cls_w |= CL_LOG;
	hw_flush_done(&ck.hw, pgd_pfn, start, end, began_ns);
	if (logging())
		ck_log(ck.cur ? ck.cur->id : -1, "shootdown of [0x%llx, 0x%llx) "
		       "complete (began at %llu)", (unsigned long long)start,
		       (unsigned long long)end, (unsigned long long)began_ns);
}

static void ckenv_trace_begin(const char *what)
{
	if (logging() && ck.cur)
		ck_log(ck.cur->id, "[%s]", what);
}

static void ckenv_trace_end(void) { }

static void ckenv_report(const char *what)
{
	ck_violation("%s", what);
}

/* No run of the checker goes on after a violation: fatal or not is alike. */
static void ckenv_panic(const char *what)
{
	ckenv_report(what);
}

const struct env_ops check_env_ops = ENV_OPS_INITIALIZER(ckenv_);

/* The lead may grow struct env_ops: refuse to run code that would call a
 * primitive this engine does not implement yet. */
bool ck_env_complete(char *err, size_t errlen)
{
	const void *const *op = (const void *const *)&check_env_ops;
	size_t i, n = sizeof(check_env_ops) / sizeof(void *);

	for (i = 0; i < n; i++) {
		if (!op[i]) {
			snprintf(err, errlen, "the checker does not implement env "
				 "operation #%zu of struct env_ops", i);
			return false;
		}
	}
	return true;
}
