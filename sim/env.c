// SPDX-License-Identifier: GPL-2.0
/*
 * env.c - the env interface on the simulator.  Each operation synchronises
 * (sim_sync), applies its effect at the CPU's clock, then charges its cost.
 *
 * Where a shared access goes: simulated RAM and kernel memory take part in
 * coherence (mem.c), keyed by address.  The running CPU's own C stack is
 * private to it: an env access there (a handler reading the copy of a
 * message it made on its stack) costs an L1 hit and leaves no trace in the
 * directory, because where the compiler put it must not change the result.
 * Another CPU's stack is never shared: objects CPUs share live in kernel
 * memory (kzalloc), and touching one on a foreign stack is an engine bug.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bug.h"
#include "lib/raw.h"
#include "hw/hcall.h"
#include "sim/internal.h"
#include "sim/trace.h"

static struct sim *S;		/* the simulation this process is running */

#define PS_NEVER UINT64_MAX

static inline struct sim_cpu *cur(void)
{
	return S->cur;
}


/* What an access to a costs, and what it must be checked against. */
static inline ps_t access_cost(struct sim_cpu *c, uintptr_t a, bool write, bool rmw)
{
	if (unlikely(hw_in_ram(&S->hw, a)))
		hw_check_direct_map(&S->hw, a, write);
	else if (unlikely(on_stack_of(c, a)))
		return S->cost.l1 + (rmw ? S->cost.atomic : 0);
	return write ? coh_store(c, a, rmw) : coh_load(c, a);
}

static u64 simenv_load(const volatile void *p, int size)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	sim_charge(c, access_cost(c, (uintptr_t)p, false, false));
	return raw_read(p, size);
}

static void simenv_store(volatile void *p, u64 v, int size)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	raw_write(p, v, size);
	sim_charge(c, access_cost(c, (uintptr_t)p, true, false));
}

static u64 rmw_apply(enum rmw_op op, u64 old, u64 v, u64 cmp, bool *write)
{
	*write = true;
	switch (op) {
	case RMW_XCHG: return v;
	case RMW_CMPXCHG:
		*write = old == cmp;
		return *write ? v : old;
	case RMW_ADD: return old + v;
	case RMW_OR: return old | v;
	case RMW_AND: return old & v;
	}
	return old;
}

static u64 simenv_rmw(volatile void *p, enum rmw_op op, u64 v, u64 cmp, int size)
{
	struct sim_cpu *c = cur();
	u64 mask = size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
	u64 old, new;
	bool write;

	sim_sync(c);
	old = raw_read(p, size);
	new = rmw_apply(op, old, v, cmp & mask, &write) & mask;
	/* A locked op takes the line exclusive even when cmpxchg fails. */
	raw_write(p, new, size);
	sim_charge(c, access_cost(c, (uintptr_t)p, true, true));
	return old;
}

static void simenv_fence(enum fence_kind k)
{
	struct sim_cpu *c = cur();

	/* On x86 only the full fence costs; rmb/wmb are compiler barriers. */
	if (k != FENCE_MB)
		return;
	sim_sync(c);
	sim_charge(c, S->cost.mfence);
}

static void simenv_relax(void)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	sim_charge(c, S->cost.pause);
}

/*
 * Spinning is simulated without executing the spin: the CPU parks on the
 * line until a store to it, an interrupt (if IF=1) or the timeout.  The time
 * it spent counts as spinning; the re-read that follows pays the transfer.
 */
static bool simenv_spin_wait(const volatile void *p, u64 old, int size, u64 timeout_ns)
{
	struct sim_cpu *c = cur();
	ps_t deadline = timeout_ns ? c->clock + ns_to_ps(timeout_ns) : PS_NEVER;

	sim_sync(c);
	if (raw_read(p, size) != old) {
		sim_charge(c, S->cost.pause);
		return true;
	}
	/* nobody else can store to a CPU's own stack: it would wait forever */
	BUG_ON(on_stack_of(c, (uintptr_t)p));
	c->woke_by_store = false;
	coh_wait_add(c, (uintptr_t)p);
	sim_block(c, CPU_WAIT, deadline);
	if (c->wait_line)		/* timed out: still on the list */
		coh_wait_del(c);
	if (!c->woke_by_store && c->clock >= deadline) {
		c->ops++;
		return false;
	}
	c->ops++;
	return true;
}

static unsigned long simenv_irq_save(void)
{
	struct sim_cpu *c = cur();
	unsigned long f;

	sim_sync(c);
	f = c->irq_on;
	if (f)
		c->irq_off_since = c->clock;
	c->irq_on = false;
	sim_charge(c, S->cost.l1);
	return f;
}

static void simenv_irq_restore(unsigned long flags)
{
	struct sim_cpu *c = cur();

	c->irq_on = flags;
	sim_charge(c, S->cost.l1);
	sim_sync(c);		/* take what became deliverable */
}

/* Each CPU has its own IDT: handlers are installed by the CPU itself. */
static void simenv_irq_register(enum irq_vector v, void (*fn)(enum irq_vector))
{
	cur()->hooks.irq[v] = fn;
}

static void simenv_fault_register(int (*fn)(u64 va, bool write))
{
	cur()->hooks.fault = fn;
}

/* Guests number their vCPUs from 0; so does bare metal. */
static int simenv_cpu(void) { return cur()->local; }
static int simenv_nr_cpus(void) { return S->vms[cur()->vm].nr; }

static int global_id(const struct sim_cpu *c, int local)
{
	return S->vms[c->vm].first + local;
}

/* An ICR write: a register write on bare metal, a VM exit in a guest. */
static ps_t icr_write_cost(const struct sim_cpu *c)
{
	return is_vcpu(c) ? S->cost.vmexit_ipi : S->cost.ipi_send;
}
static void *simenv_kernel(void) { return cur()->kernel; }
static u64 simenv_clock_ns(void) { return cur()->clock / 1000; }
/* TSCs are synchronized: the scheduler's clock is the CPU's clock */
static u64 simenv_sched_clock_ns(void) { return cur()->clock / 1000; }
static u64 simenv_random(void) { return sim_random(cur()); }

static void simenv_send_ipi(int cpu, enum irq_vector v)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	sim_charge(c, icr_write_cost(c));
	sim_send_ipi(c, global_id(c, cpu), v);
}

/* x2APIC in physical destination mode: one ICR write per destination. */
static void simenv_send_ipi_mask(const void *mask, enum irq_vector v)
{
	const struct cpumask *m = mask;
	struct sim_cpu *c = cur();
	int cpu;

	for_each_cpu(cpu, m) {
		if (cpu >= S->vms[c->vm].nr)
			break;
		sim_sync(c);
		sim_charge(c, icr_write_cost(c));
		sim_send_ipi(c, global_id(c, cpu), v);
	}
}

/*
 * TLB invalidations take effect when the instruction completes, hundreds of
 * cycles after it starts: charge the cost, let everything earlier happen,
 * then invalidate.
 */
static void simenv_flush_tlb_one(u64 va)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	sim_charge(c, S->cost.invlpg);
	sim_sync(c);
	hw_invlpg(&S->hw, &c->hw, va);
}

static void simenv_load_cr3(u64 pgd_pfn, u16 pcid, bool noflush)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	sim_charge(c, noflush ? S->cost.cr3_noflush : S->cost.flush_full);
	sim_sync(c);
	hw_load_cr3(&S->hw, &c->hw, pgd_pfn, pcid, noflush);
}

static void simenv_flush_tlb_local(void)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	sim_charge(c, S->cost.flush_full);
	sim_sync(c);
	hw_flush_pcid(&S->hw, &c->hw, c->hw.pcid);
}

static int simenv_user_access(u64 va, u64 *val, bool write)
{
	struct sim_cpu *c = cur();

	c->hw.in_user = true;
	return tlb_user_access(c, va, val, write, false);
}

static int simenv_user_read_nofault(u64 va, u64 *val)
{
	return tlb_user_read_nofault(cur(), va, val);
}

static int simenv_user_access_emulated(u64 va, u64 *val, bool write)
{
	struct sim_cpu *c = cur();

	c->hw.in_user = true;
	return tlb_user_access(c, va, val, write, is_vcpu(c));
}

/*
 * exit_to_user_mode after an interrupt that came in user code: the kernel
 * may reschedule here, and the task may come back later on another CPU.
 * What remained of the user code's time goes with it.
 */
static struct sim_cpu *user_return(struct sim_cpu *c, ps_t *end)
{
	ps_t left = *end > c->clock ? *end - c->clock : 0;

	c->user_irq = false;
	if (!c->hooks.user_return)
		return c;
	c->hw.in_user = false;
	c->hooks.user_return();
	c = cur();
	c->hw.in_user = true;
	*end = c->clock + left;
	return c;
}

/* Busy (user code) or halted (kernel) until the end unless interrupted;
 * user code can be preempted by what an interrupt leaves to do. */
static void busy_until(struct sim_cpu *c, u64 ns, enum cpu_state st)
{
	ps_t end;

	c->user_irq = false;
	sim_sync(c);
	end = c->clock + ns_to_ps(ns);
	c->ops++;
	for (;;) {
		if (unlikely(c->user_irq) && st == CPU_COMPUTE)
			c = user_return(c, &end);
		if (c->clock >= end)
			break;
		sim_block(c, st, end);
		sim_sync(c);
	}
}

static void simenv_compute(u64 ns)
{
	struct sim_cpu *c = cur();

	c->hw.in_user = true;
	busy_until(c, ns, CPU_COMPUTE);
}

static void simenv_halt(u64 ns)
{
	struct sim_cpu *c = cur();

	c->hw.in_user = false;
	busy_until(c, ns, CPU_HALT);
}

/* sti; hlt: the sti shadow makes the pair atomic, so an interrupt that is
 * already pending ends the halt at once. */
static void simenv_wait_for_interrupt(void)
{
	struct sim_cpu *c = cur();
	u64 taken = c->irqs_taken;

	c->hw.in_user = false;
	c->irq_on = true;
	sim_charge(c, S->cost.l1);
	sim_sync(c);
	while (c->irqs_taken == taken) {
		sim_block(c, CPU_IDLE, PS_NEVER);
		sim_sync(c);
	}
}

static void simenv_timer_arm(u64 ns)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	sim_charge(c, S->cost.l1);	/* a WRMSR to IA32_TSC_DEADLINE */
	sim_timer_arm(c, ns ? c->clock + ns_to_ps(ns) : 0);
}

/* ---- contexts ------------------------------------------------------------ */

static void ctx_entry(void *arg)
{
	struct sim_ctx *x = arg;

	x->fn(x->arg);
	BUG("a context returned: contexts end with ctx_exit");
}

static void *simenv_ctx_create(void (*fn)(void *), void *arg)
{
	struct sim_ctx *x = S->free_ctxs;

	if (x) {
		S->free_ctxs = x->next_free;
		coro_reset(&x->co, ctx_entry, x);
	} else {
		x = xcalloc(1, sizeof(*x));
		if (coro_init(&x->co, SIM_CTX_STACK_SIZE, ctx_entry, x)) {
			free(x);
			sim_abort(S, "cannot map a context's stack");
			return NULL;
		}
		x->next_all = S->ctxs;
		S->ctxs = x;
	}
	x->fn = fn;
	x->arg = arg;
	x->on = -1;
	return &x->co;
}

/* A task's context, or NULL for a CPU's boot context (the idle task's). */
static struct sim_ctx *task_ctx(struct coro *co)
{
	uintptr_t a = (uintptr_t)co, lo = (uintptr_t)S->cpus;

	if (a - lo < (uintptr_t)S->nr_cpus * sizeof(S->cpus[0]))
		return NULL;
	return container_of(co, struct sim_ctx, co);
}

/* c runs `to` from now on.  A context may be switched to only after the
 * CPU that ran it switched away (the scheduler's on_cpu rule); otherwise
 * its stack would be live on two CPUs, and the run cannot go on. */
static void ctx_enter(struct sim_cpu *c, struct coro *to)
{
	struct sim_ctx *x = task_ctx(to);

	if (x && x->on >= 0) {
		sim_violation(c, "switches to a task context that still runs on "
			      "cpu %d: its stack would be live on two CPUs", x->on);
		S->stop = true;
		sim_block(c, CPU_IDLE, PS_NEVER);
	}
	if (x)
		x->on = c->id;
	sim_set_ctx(c, to);
}

static void *simenv_ctx_current(void)
{
	return cur()->ctx;
}

static void simenv_ctx_switch(void *to)
{
	struct sim_cpu *c = cur();
	struct coro *from = c->ctx;
	struct sim_ctx *fx;

	sim_sync(c);
	if (to == from)
		return;
	c->hw.in_user = false;		/* switches happen in the kernel */
	ctx_enter(c, to);
	fx = task_ctx(from);
	if (fx)
		fx->on = -1;
	coro_transfer(from, to);
}

static void simenv_ctx_exit(void *to)
{
	struct sim_cpu *c = cur();
	struct sim_ctx *x = container_of(c->ctx, struct sim_ctx, co);

	BUG_ON(c->ctx == &c->co);	/* a CPU's boot context never exits */
	sim_sync(c);
	c = cur();
	x->next_free = S->free_ctxs;
	S->free_ctxs = x;
	c->hw.in_user = false;
	x->on = -1;
	ctx_enter(c, to);
	coro_transfer(&x->co, to);
	BUG("an exited context was resumed");
}

static void simenv_user_return_register(void (*fn)(void))
{
	cur()->hooks.user_return = fn;
}

static int simenv_cpu_socket(int cpu)
{
	return S->cpus[global_id(cur(), cpu)].socket;
}

static void simenv_kernel_work(u64 ns)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	sim_charge(c, ns_to_ps(ns));
}

static void simenv_syscall(void)
{
	struct sim_cpu *c = cur();

	c->hw.in_user = false;
	sim_sync(c);
	sim_charge(c, S->cost.syscall);
}

static u64 simenv_page_alloc(void)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	sim_charge(c, S->cost.l1);
	return hw_frame_alloc(&S->hw);
}

static void simenv_page_free(u64 pfn)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	sim_charge(c, S->cost.l1);
	hw_frame_free(&S->hw, pfn);
}

static void *simenv_phys_to_virt(u64 pfn)
{
	return S->ram + (pfn << PAGE_SHIFT);
}

static int simenv_pv_steal_time(u8 *preempted)
{
	struct sim_cpu *c = cur();

	if (!is_vcpu(c))
		return -1;
	c->hw.steal = preempted;
	return 0;
}

static int simenv_hypercall_flush(int nr, const void *input, int reps)
{
	struct sim_cpu *c = cur();

	if (!is_vcpu(c))
		return -1;
	sim_sync(c);
	sim_charge(c, S->cost.hypercall);
	if (!c->hreq)
		c->hreq = xmalloc(sizeof(*c->hreq));
	if (hw_hypercall_decode(nr, input, reps, c->hreq))
		return -1;
	host_flush_vcpus(c, c->hreq);
	return 0;
}

/* kvm_wait's halt: until a kick, or an interrupt if IF=1 (KVM's
 * kvm_vcpu_has_events counts pv_unhalted as an event). */
static int simenv_pv_halt(void)
{
	struct sim_cpu *c = cur();
	u64 taken = c->irqs_taken;

	if (!is_vcpu(c))
		return -1;
	c->hw.in_user = false;
	sim_sync(c);
	while (!c->pv_unhalted && c->irqs_taken == taken) {
		sim_block(c, CPU_IDLE, PS_NEVER);
		sim_sync(c);
	}
	c->pv_unhalted = false;
	return 0;
}

/* KVM_HC_KICK_CPU: the host marks the target unhalted and wakes it; the
 * kick reaches it like an interrupt does. */
static int simenv_pv_kick(int cpu)
{
	struct sim_cpu *c = cur(), *t;

	if (!is_vcpu(c))
		return -1;
	sim_sync(c);
	sim_charge(c, S->cost.hypercall);
	c->stats[STAT_PV_KICKS]++;
	t = &S->cpus[global_id(c, cpu)];
	t->pv_unhalted = true;
	sim_wake(t, c->clock + ipi_latency(S, c, t));
	return 0;
}

static bool simenv_irqs_on_since(int cpu, u64 since_ns)
{
	const struct sim_cpu *o = &S->cpus[global_id(cur(), cpu)];

	return o->irq_on || o->irq_off_since > ns_to_ps(since_ns);
}

static void simenv_stat(enum env_stat st, u64 n)
{
	cur()->stats[st] += n;
}

static void simenv_flush_done(u64 pgd_pfn, u64 start, u64 end, u64 began_ns)
{
	/* recorded at this CPU's clock, so everything before must have run */
	sim_order(cur());
	hw_flush_done(&S->hw, pgd_pfn, start, end, ns_to_ps(began_ns));
}

static void simenv_trace_begin(const char *what)
{
	struct sim_cpu *c = cur();

	if (S->trace)
		trace_begin(S->trace, c->id, c->clock, what);
}

static void simenv_trace_end(void)
{
	struct sim_cpu *c = cur();

	if (S->trace)
		trace_end(S->trace, c->id, c->clock);
}

static void simenv_report(const char *what)
{
	sim_violation(cur(), "%s", what);
}

static void simenv_panic(const char *what)
{
	sim_violation(cur(), "%s", what);
	sim_abort(S, "%s", what);
}

const struct env_ops sim_env_ops = ENV_OPS_INITIALIZER(simenv_);

void sim_env_bind(struct sim *s)
{
	S = s;
	env = &sim_env_ops;
}
