// SPDX-License-Identifier: GPL-2.0
/*
 * env.c - the env interface on the simulator.  Each operation synchronises
 * (sim_sync), applies its effect at the CPU's clock, then charges its cost.
 */
#include <stdio.h>
#include <string.h>

#include "sim/sim.h"
#include "sim/trace.h"
#include "hypercall.h"

static struct sim *S;		/* the simulation this process is running */

#define PS_NEVER UINT64_MAX

static inline struct sim_cpu *cur(void)
{
	return S->cur;
}

static inline u64 mem_read(const volatile void *p, int size)
{
	switch (size) {
	case 1: return *(const volatile u8 *)p;
	case 2: return *(const volatile u16 *)p;
	case 4: return *(const volatile u32 *)p;
	default: return *(const volatile u64 *)p;
	}
}

static inline void mem_write(volatile void *p, u64 v, int size)
{
	switch (size) {
	case 1: *(volatile u8 *)p = v; break;
	case 2: *(volatile u16 *)p = v; break;
	case 4: *(volatile u32 *)p = v; break;
	default: *(volatile u64 *)p = v; break;
	}
}

static u64 sim_load(const volatile void *p, int size)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	if (unlikely(phys_contains(&S->phys, (uintptr_t)p)))
		phys_check_access(c, (uintptr_t)p, false);
	sim_charge(c, coh_load(c, (uintptr_t)p));
	return mem_read(p, size);
}

static void sim_store(volatile void *p, u64 v, int size)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	if (unlikely(phys_contains(&S->phys, (uintptr_t)p)))
		phys_check_access(c, (uintptr_t)p, true);
	mem_write(p, v, size);
	sim_charge(c, coh_store(c, (uintptr_t)p, false));
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

static u64 sim_rmw(volatile void *p, enum rmw_op op, u64 v, u64 cmp, int size)
{
	struct sim_cpu *c = cur();
	u64 mask = size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
	u64 old, new;
	bool write;

	sim_sync(c);
	if (unlikely(phys_contains(&S->phys, (uintptr_t)p)))
		phys_check_access(c, (uintptr_t)p, true);
	old = mem_read(p, size);
	new = rmw_apply(op, old, v, cmp & mask, &write) & mask;
	/* A locked op takes the line exclusive even when cmpxchg fails. */
	mem_write(p, new, size);
	sim_charge(c, coh_store(c, (uintptr_t)p, true));
	return old;
}

static void sim_fence(enum fence_kind k)
{
	struct sim_cpu *c = cur();

	/* On x86 only the full fence costs; rmb/wmb are compiler barriers. */
	if (k != FENCE_MB)
		return;
	sim_sync(c);
	sim_charge(c, S->cost.mfence);
}

static void sim_relax(void)
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
static bool sim_spin_wait(const volatile void *p, u64 old, int size, u64 timeout_ns)
{
	struct sim_cpu *c = cur();
	ps_t deadline = timeout_ns ? c->clock + ns_to_ps(timeout_ns) : PS_NEVER;

	sim_sync(c);
	if (mem_read(p, size) != old) {
		sim_charge(c, S->cost.pause);
		return true;
	}
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

static unsigned long sim_irq_save(void)
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

static void sim_irq_restore(unsigned long flags)
{
	struct sim_cpu *c = cur();

	c->irq_on = flags;
	sim_charge(c, S->cost.l1);
	sim_sync(c);		/* take what became deliverable */
}

static bool sim_irqs_disabled(void) { return !cur()->irq_on; }

/* Each CPU has its own IDT: handlers are installed by the CPU itself. */
static void sim_irq_register(enum irq_vector v, void (*fn)(enum irq_vector))
{
	cur()->hooks.irq[v] = fn;
}

static void sim_fault_register(int (*fn)(u64 va, bool write))
{
	cur()->hooks.fault = fn;
}

/* Guests number their vCPUs from 0; so does bare metal. */
static int sim_cpu_id(void) { return cur()->local; }
static int sim_nr_cpus(void) { return S->vms[cur()->vm].nr; }

static int global_id(const struct sim_cpu *c, int local)
{
	return S->vms[c->vm].first + local;
}

/* An ICR write: a register write on bare metal, a VM exit in a guest. */
static ps_t icr_write_cost(const struct sim_cpu *c)
{
	return is_vcpu(c) ? S->cost.vmexit_ipi : S->cost.ipi_send;
}
static void *sim_kernel(void) { return cur()->kernel; }
static u64 sim_clock_ns(void) { return cur()->clock / 1000; }
static u64 sim_env_random(void) { return sim_random(cur()); }

static void sim_send_ipi_one(int cpu, enum irq_vector v)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	sim_charge(c, icr_write_cost(c));
	sim_send_ipi(c, global_id(c, cpu), v);
}

/* x2APIC in physical destination mode: one ICR write per destination. */
static void sim_send_ipi_mask(const void *mask, enum irq_vector v)
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
static void sim_flush_tlb_one(u64 va)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	sim_charge(c, S->cost.invlpg);
	sim_sync(c);
	tlb_flush_va(c, va);
}

static void sim_load_cr3(u64 pgd_pfn, u16 pcid, bool noflush)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	sim_charge(c, noflush ? S->cost.cr3_noflush : S->cost.flush_full);
	sim_sync(c);
	c->cr3 = pgd_pfn;
	c->pcid = pcid % NR_PCIDS;
	if (!noflush)
		tlb_flush_pcid(c, c->pcid);
}

static void sim_flush_tlb_local(void)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	sim_charge(c, S->cost.flush_full);
	sim_sync(c);
	tlb_flush_pcid(c, c->pcid);
}

static void sim_flush_tlb_all(void)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	sim_charge(c, S->cost.flush_full);
	sim_sync(c);
	tlb_flush_everything(c);
}

static int sim_user_access(u64 va, u64 *val, bool write)
{
	struct sim_cpu *c = cur();

	c->in_user = true;
	return tlb_user_access(c, va, val, write);
}

/* Busy (user code) or halted (kernel) until the end unless interrupted. */
static void busy_until(struct sim_cpu *c, u64 ns, enum cpu_state st)
{
	ps_t end;

	sim_sync(c);
	end = c->clock + ns_to_ps(ns);
	c->ops++;
	while (c->clock < end) {
		sim_block(c, st, end);
		sim_sync(c);
	}
}

static void sim_compute(u64 ns)
{
	struct sim_cpu *c = cur();

	c->in_user = true;
	busy_until(c, ns, CPU_COMPUTE);
}

static void sim_halt(u64 ns)
{
	struct sim_cpu *c = cur();

	c->in_user = false;
	busy_until(c, ns, CPU_HALT);
}

static void sim_kernel_work(u64 ns)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	sim_charge(c, ns_to_ps(ns));
}

static void sim_syscall(void)
{
	struct sim_cpu *c = cur();

	c->in_user = false;
	sim_sync(c);
	sim_charge(c, S->cost.syscall);
}

static void sim_idle(void)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	c->irq_on = true;
	if (!c->pending)
		sim_block(c, CPU_IDLE, PS_NEVER);
	c->ops++;
	sim_sync(c);
}

static u64 sim_page_alloc(void)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	sim_charge(c, S->cost.l1);
	return phys_alloc(S);
}

static void sim_page_free(u64 pfn)
{
	struct sim_cpu *c = cur();

	sim_sync(c);
	sim_charge(c, S->cost.l1);
	phys_release(S, pfn);
}

static void *sim_phys_to_virt(u64 pfn)
{
	return S->phys.ram + (pfn << PAGE_SHIFT);
}

static int sim_pv_steal_time(u8 *preempted)
{
	struct sim_cpu *c = cur();

	if (!is_vcpu(c))
		return -1;
	c->st_preempted = preempted;
	return 0;
}

static int sim_hypercall_flush(int nr, const void *input)
{
	struct sim_cpu *c = cur();
	struct cpumask targets;
	bool all;

	if (!is_vcpu(c))
		return -1;
	sim_sync(c);
	sim_charge(c, S->cost.hypercall);
	if (hypercall_flush_targets(nr, input, &targets, &all))
		return -1;
	host_flush_vcpus(c, &targets, all);
	return 0;
}

static bool sim_irqs_on_since(int cpu, u64 since_ns)
{
	const struct sim_cpu *o = &S->cpus[global_id(cur(), cpu)];

	return o->irq_on || o->irq_off_since > ns_to_ps(since_ns);
}

static void sim_stat(enum env_stat st, u64 n)
{
	cur()->stats[st] += n;
}

static void sim_flush_done(u64 pgd_pfn, u64 start, u64 end, u64 began_ns)
{
	/* recorded at this CPU's clock, so everything before must have run */
	sim_order(cur());
	tlb_flush_record(S, pgd_pfn, start, end, ns_to_ps(began_ns));
}

static void sim_trace_begin(const char *what)
{
	struct sim_cpu *c = cur();

	if (S->trace)
		trace_begin(S->trace, c->id, c->clock, what);
}

static void sim_trace_end(void)
{
	struct sim_cpu *c = cur();

	if (S->trace)
		trace_end(S->trace, c->id, c->clock);
}

static void sim_report(const char *what)
{
	sim_violation(cur(), "%s", what);
}

static void sim_panic(const char *what)
{
	sim_violation(cur(), "%s", what);
	sim_abort(S, "%s", what);
}

static u64 sim_param(const char *key)
{
	const u64 *v = profile_field(&S->prof, key);

	return v ? *v : 0;
}

const struct env_ops sim_env_ops = {
	.load = sim_load,
	.store = sim_store,
	.rmw = sim_rmw,
	.fence = sim_fence,
	.relax = sim_relax,
	.spin_wait = sim_spin_wait,
	.irq_save = sim_irq_save,
	.irq_restore = sim_irq_restore,
	.irqs_disabled = sim_irqs_disabled,
	.irq_register = sim_irq_register,
	.cpu = sim_cpu_id,
	.nr_cpus = sim_nr_cpus,
	.kernel = sim_kernel,
	.clock_ns = sim_clock_ns,
	.random = sim_env_random,
	.send_ipi = sim_send_ipi_one,
	.send_ipi_mask = sim_send_ipi_mask,
	.flush_tlb_one = sim_flush_tlb_one,
	.load_cr3 = sim_load_cr3,
	.flush_tlb_local = sim_flush_tlb_local,
	.flush_tlb_all = sim_flush_tlb_all,
	.user_access = sim_user_access,
	.fault_register = sim_fault_register,
	.compute = sim_compute,
	.halt = sim_halt,
	.kernel_work = sim_kernel_work,
	.syscall = sim_syscall,
	.idle = sim_idle,
	.page_alloc = sim_page_alloc,
	.page_free = sim_page_free,
	.phys_to_virt = sim_phys_to_virt,
	.pv_steal_time = sim_pv_steal_time,
	.hypercall_flush = sim_hypercall_flush,
	.irqs_on_since = sim_irqs_on_since,
	.stat = sim_stat,
	.flush_done = sim_flush_done,
	.trace_begin = sim_trace_begin,
	.trace_end = sim_trace_end,
	.report = sim_report,
	.panic = sim_panic,
	.param = sim_param,
};

void sim_env_bind(struct sim *s)
{
	S = s;
	env = &sim_env_ops;
}
