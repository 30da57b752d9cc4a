// SPDX-License-Identifier: GPL-2.0
/*
 * core.c - the simulator's scheduler: CPUs as coroutines, the event heap,
 * IPIs and interrupt delivery, the life of a run.
 *
 * There is no scheduler thread.  A CPU that must give way (sim_sync_slow,
 * sim_block) runs the dispatcher on its own stack: pop the earliest entity;
 * process it if it is an event; switch straight to it if it is a CPU.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bug.h"
#include "lib/rng.h"
#include "sim/internal.h"
#include "sim/trace.h"

#define PS_NEVER	UINT64_MAX
#define DEFAULT_FRAMES	(1ULL << 18)	/* 1 GiB of simulated RAM */
#define QUARANTINE	1024		/* frees before a frame is reused */
#define FLUSHLOG	4096		/* completed shootdowns remembered */

static void costs_from_profile(struct costs *c, const struct profile *p)
{
	c->l1 = p->l1_hit_ns;
	c->smt = p->smt_transfer_ns;
	c->socket = p->socket_transfer_ns;
	c->remote = p->remote_transfer_ns;
	c->dram = p->dram_ns;
	c->atomic = p->atomic_ns;
	c->mfence = p->mfence_ns;
	c->pause = p->pause_ns;
	c->invlpg = p->invlpg_ns;
	c->flush_full = p->flush_full_ns;
	c->cr3_noflush = p->cr3_noflush_ns;
	c->walk = p->page_walk_ns;
	c->ipi_send = p->ipi_send_ns;
	c->ipi[DIST_SMT] = p->ipi_smt_ns;
	c->ipi[DIST_SOCKET] = p->ipi_socket_ns;
	c->ipi[DIST_REMOTE] = p->ipi_remote_ns;
	c->transfer[DIST_SMT] = p->smt_transfer_ns;
	c->transfer[DIST_SOCKET] = p->socket_transfer_ns;
	c->transfer[DIST_REMOTE] = p->remote_transfer_ns;
	c->irq_entry = p->irq_entry_ns;
	c->irq_exit = p->irq_exit_ns;
	c->syscall = p->syscall_ns;
	c->fault = p->page_fault_ns;
	c->spec_interval = p->spec_walk_interval_ns;
	c->nmi_interval = p->nmi_interval_ns;
	c->vmexit = p->vmexit_ns;
	c->vmexit_ipi = p->vmexit_ipi_ns;
	c->inject = p->inject_ns;
	c->hypercall = p->hypercall_ns;
	c->host_ctxsw = p->host_ctxsw_ns;
	c->timeslice = p->host_timeslice_ns;
	c->wakeup_gran = p->host_wakeup_gran_ns;
	c->ple_window = p->ple_window_ns;
	c->steal_update = p->steal_update_ns;
	c->noise_interval = p->host_noise_interval_ns;
	c->noise = p->host_noise_ns;
}

/*
 * CPU numbering follows Linux on multi-socket Intel parts: first one thread
 * of every core, socket by socket, then the SMT siblings in the same order.
 * A run with fewer CPUs than the profile uses the lowest numbers (distinct
 * cores of socket 0 first); a run with more grows the cores per socket.
 */
void sim_place(const struct profile *p, int n, int i, u16 *socket, u16 *core)
{
	u64 total = (u64)n > p->cpus ? (u64)n : p->cpus;
	u64 per_thread = p->sockets * ((total + p->sockets * p->threads_per_core - 1) /
				      (p->sockets * p->threads_per_core));
	u64 cores_ps = per_thread / p->sockets;
	u64 r = i % per_thread;

	*core = r;
	*socket = r / cores_ps;
}

/* Bare metal: one pseudo-VM spanning the machine.  Under a host, a vCPU's
 * caches and interrupt paths are those of the pCPU it is pinned to. */
static void place_cpus(struct sim *s)
{
	int i;

	for (i = 0; i < s->nr_cpus; i++) {
		struct sim_cpu *c = &s->cpus[i];
		const struct sim_vm *vm = &s->vms[c->vm];

		c->local = i - vm->first;
		if (s->host.nr_pcpus) {
			const struct pcpu *p = &s->host.pcpus[c->pcpu];
			c->socket = p->socket;
			c->core = p->core;
		} else {
			sim_place(&s->prof, s->nr_cpus, i, &c->socket, &c->core);
		}
	}
}

u64 sim_random(struct sim_cpu *c)
{
	return rng_next(&c->rng);
}

/* The machine's rules over this machine: its TLB shape from the profile,
 * its RAM, a quarantine, and eager checks (the simulator samples). */
static int machine_init(struct sim *s, const struct sim_config *cfg, char *err,
			size_t errlen)
{
	struct hw_config hc = {
		.nr_cpus = s->nr_cpus,
		.tlb_ways = s->prof.tlb_ways,
		.tlb_sets = s->prof.tlb_entries / s->prof.tlb_ways,
		.pwc_entries = HW_PWC_MAX,
		.nr_frames = cfg->nr_frames ? cfg->nr_frames : DEFAULT_FRAMES,
		.quarantine = QUARANTINE,
		.flushlog = FLUSHLOG,
		.fill_unit = 1000,	/* TLB fill times in ns, rounded up */
		.eager = true,
		.host_mutant = cfg->host_mutant,
		.kvm_preempt_any = cfg->kvm_preempt_any,
	};
	int i;

	if (hc.nr_frames < 2 || hc.nr_frames > (1ULL << 32)) {
		snprintf(err, errlen, "simulated RAM of %llu frames is not in 2..2^32",
			 (unsigned long long)hc.nr_frames);
		return -1;
	}
	s->nr_frames = hc.nr_frames;
	s->ram = mmap(NULL, s->nr_frames << PAGE_SHIFT, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (s->ram == MAP_FAILED) {
		s->ram = NULL;
		snprintf(err, errlen, "cannot map %llu frames of simulated RAM",
			 (unsigned long long)s->nr_frames);
		return -1;
	}
	s->hw_cpus = xcalloc(s->nr_cpus, sizeof(*s->hw_cpus));
	for (i = 0; i < s->nr_cpus; i++) {
		s->cpus[i].hw.id = i;
		s->hw_cpus[i] = &s->cpus[i].hw;
	}
	return hw_machine_init(&s->hw, &sim_hw_port, &hc, s->ram, s->hw_cpus);
}

struct sim *sim_create(const struct sim_config *cfg, char *err, size_t errlen)
{
	const struct sim_topology *t = &cfg->topo;
	int n = sim_topology_cpus(t), i;
	struct sim *s;

	if (t->cpus < 1 || t->vms < 0 || n > NR_CPUS_MAX) {
		snprintf(err, errlen, "cpus %d out of range 1..%d", n, NR_CPUS_MAX);
		return NULL;
	}
	if (cfg->prof->tlb_ways < 1 || cfg->prof->tlb_entries % cfg->prof->tlb_ways) {
		snprintf(err, errlen, "tlb_entries %llu is not a multiple of tlb_ways %llu",
			 (unsigned long long)cfg->prof->tlb_entries,
			 (unsigned long long)cfg->prof->tlb_ways);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->prof = *cfg->prof;
	costs_from_profile(&s->cost, &s->prof);
	s->nr_cpus = n;
	s->nr_vms = t->vms;
	s->seed = cfg->seed;
	s->time_limit = cfg->time_limit;
	s->stop_req = cfg->stop;
	s->viol.out = cfg->report ? cfg->report : stderr;
	s->cpus = xaligned_zalloc(64, sizeof(*s->cpus) * s->nr_cpus);
	heap_init(&s->heap, 2 * s->nr_cpus + 16);
	linetab_init(&s->lines, s->nr_cpus);
	if (machine_init(s, cfg, err, errlen)) {
		sim_destroy(s);
		return NULL;
	}
	if (cfg->trace) {
		s->trace = trace_open(cfg->trace, s->nr_cpus);
		if (!s->trace) {
			snprintf(err, errlen, "out of memory for the trace");
			sim_destroy(s);
			return NULL;
		}
	}
	s->vms = xcalloc(s->nr_vms ? s->nr_vms : 1, sizeof(*s->vms));
	for (i = 0; i < s->nr_cpus; i++)
		s->cpus[i].pcpu = -1;
	if (!s->nr_vms) {
		s->vms[0] = (struct sim_vm){ .first = 0, .nr = s->nr_cpus };
	} else {
		for (i = 0; i < s->nr_vms; i++)
			s->vms[i] = (struct sim_vm){ .first = i * t->cpus,
						     .nr = t->cpus, .virt = true };
		for (i = 0; i < s->nr_cpus; i++)
			s->cpus[i].vm = i / t->cpus;
		if (host_init(s, cfg, err, errlen)) {
			sim_destroy(s);
			return NULL;
		}
	}
	place_cpus(s);
	for (i = 0; i < s->nr_cpus; i++) {
		struct sim_cpu *c = &s->cpus[i];
		c->hn.kind = HN_CPU;
		c->hn.pos = HEAP_NONE;
		c->id = i;
		c->sim = s;
		c->irq_on = true;
		c->state = CPU_RUNNABLE;
		c->rng = s->seed * 0x100000001b3ULL + i;
		rng_next(&c->rng);
		c->next_spec = s->cost.spec_interval ?
			s->cost.spec_interval + sim_random(c) % s->cost.spec_interval :
			PS_NEVER;
		/* no draw when off: runs without perf keep their numbers */
		c->next_nmi = s->cost.nmi_interval ?
			s->cost.nmi_interval + sim_random(c) % s->cost.nmi_interval :
			PS_NEVER;
	}
	return s;
}

void sim_destroy(struct sim *s)
{
	struct event *e;
	int i;

	if (!s)
		return;
	while (s->ctxs) {
		struct sim_ctx *x = s->ctxs;

		s->ctxs = x->next_all;
		coro_destroy(&x->co);
		free(x);
	}
	for (i = 0; i < s->nr_cpus; i++) {
		coro_destroy(&s->cpus[i].co);
		free(s->cpus[i].hreq);
		free(s->cpus[i].hw.tlb.e);
		free(s->cpus[i].hw.tlb.hand);
	}
	while ((e = s->free_events)) {
		s->free_events = e->next_free;
		free(e);
	}
	/* events still queued */
	for (i = 0; i < (int)s->heap.n; i++)
		if (s->heap.a[i].n->kind == HN_EVENT)
			free(s->heap.a[i].n);
	if (s->trace)
		trace_discard(s->trace);
	host_free(s);
	free(s->vms);
	heap_free(&s->heap);
	linetab_free(&s->lines);
	if (s->hw_cpus)
		hw_machine_fini(&s->hw);
	if (s->ram)
		munmap(s->ram, s->nr_frames << PAGE_SHIFT);
	free(s->hw_cpus);
	free(s->cpus);
	free(s);
}

/* ---- dispatch ----------------------------------------------------------- */

static void process_event(struct sim *s, struct event *e, ps_t now);

/* Nothing can run: say what the CPUs that still have work are stuck on. */
static void describe_deadlock(struct sim *s)
{
	static const char *const what[] = {
		[CPU_RUNNING] = "running", [CPU_RUNNABLE] = "runnable",
		[CPU_COMPUTE] = "computing", [CPU_WAIT] = "spinning",
		[CPU_IDLE] = "halted", [CPU_HALT] = "halted",
	};
	size_t n = 0;
	int i;

	n += snprintf(s->abort_msg + n, sizeof(s->abort_msg) - n, "deadlock:");
	for (i = 0; i < s->nr_cpus && n < sizeof(s->abort_msg); i++) {
		struct sim_cpu *c = &s->cpus[i];

		if (!c->counted || c->state == CPU_IDLE)
			continue;
		n += snprintf(s->abort_msg + n, sizeof(s->abort_msg) - n,
			      " cpu %d %s%s", i, what[c->state],
			      c->state != CPU_WAIT ? "" : c->irq_on ?
			      " with IF=1" : " with IF=0");
		if (c->state == CPU_WAIT && !coh_wait_listed(c))
			n += snprintf(s->abort_msg + n, sizeof(s->abort_msg) - n,
				      " (engine error: lost wake-up)");
	}
}

/*
 * Give the processor to the earliest entity.  Called on the stack of the
 * coroutine `from` (a CPU that has queued or parked itself, or the host).
 * n/key: an entity already taken off the heap to start with, or NULL.
 * Returns when `from` is resumed.
 */
static void dispatch_from(struct sim *s, struct coro *from, struct hnode *n,
			  ps_t key)
{
	for (;; n = NULL) {
		struct sim_cpu *c;

		if (s->stop) {
			if (n)
				heap_push(&s->heap, n, key);
			s->cur = NULL;
			s->hw.running = -1;
			if (from != &s->caller)
				coro_transfer(from, &s->caller);
			return;
		}
		/* only read: a run nobody stops is not changed by it */
		if (s->stop_req && unlikely(*s->stop_req)) {
			s->end = SIM_END_STOPPED;
			s->stop = true;
			continue;
		}
		if (!n)
			n = heap_pop(&s->heap, &key);
		if (!n) {
			s->end = s->live_counted ? SIM_END_DEADLOCK : SIM_END_DONE;
			if (s->live_counted)
				describe_deadlock(s);
			s->stop = true;
			continue;
		}
		if (s->time_limit && key > s->time_limit) {
			heap_push(&s->heap, n, key);
			s->end = SIM_END_TIME_LIMIT;
			s->end_time = s->time_limit;
			s->stop = true;
			continue;
		}
		if (n->kind == HN_EVENT) {
			process_event(s, (struct event *)n, key);
			continue;
		}
		c = (struct sim_cpu *)n;
		if (unlikely(c->halted)) {
			/* its hlt timer fired: it needs its pCPU back */
			host_vcpu_wake(c, key);
			continue;
		}
		if (c->clock < key)
			c->clock = key;
		c->state = CPU_RUNNING;
		s->cur = c;
		s->hw.running = c->id;
		if (c->ctx != from)
			coro_transfer(from, c->ctx);
		return;
	}
}

static void dispatch(struct sim *s, struct coro *from)
{
	dispatch_from(s, from, NULL, 0);
}

/* Something is due before this CPU: swap places with it in one sift. */
void sim_sync_slow(struct sim_cpu *c)
{
	struct sim *s = c->sim;
	struct hnode *n;
	ps_t key;

	c->state = CPU_RUNNABLE;
	n = heap_replace_top(&s->heap, &c->hn, c->clock, &key);
	dispatch_from(s, c->ctx, n, key);
}

/* Park the running CPU.  wake is its timeout (PS_NEVER: none).  A vCPU
 * that halts gives its pCPU to the host; one that spins may be yielded by
 * pause-loop exiting. */
void sim_block(struct sim_cpu *c, enum cpu_state st, ps_t wake)
{
	struct sim *s = c->sim;

	c->state = st;
	if (wake != PS_NEVER)
		heap_push(&s->heap, &c->hn, wake);
	if (is_vcpu(c)) {
		if (st == CPU_IDLE || st == CPU_HALT)
			host_vcpu_halt(c);
		else if (st == CPU_WAIT)
			host_vcpu_spin(c);
	}
	dispatch(s, c->ctx);
}

/* Make a parked CPU runnable at `when` (no later than its own timeout). */
void sim_wake(struct sim_cpu *c, ps_t when)
{
	struct heap *h = &c->sim->heap;

	if (c->state == CPU_RUNNING || c->state == CPU_RUNNABLE)
		return;
	if (c->state == CPU_WAIT)
		coh_wait_del(c);
	c->state = CPU_RUNNABLE;
	if (unlikely(c->halted)) {
		if (c->hn.pos != HEAP_NONE)
			heap_remove(h, &c->hn);
		host_vcpu_wake(c, when);
	} else if (unlikely(c->frozen)) {
		/* descheduled: it runs when the host puts it back */
		if (!c->frozen_in_heap || when < c->frozen_key)
			c->frozen_key = when;
		c->frozen_in_heap = true;
	} else if (c->hn.pos != HEAP_NONE) {
		if (when < h->a[c->hn.pos].key)
			heap_update(h, &c->hn, when);
	} else {
		heap_push(h, &c->hn, when);
	}
}

/* ---- IPIs and interrupts ----------------------------------------------- */

struct event *event_new(struct sim *s)
{
	struct event *e = s->free_events;

	if (e)
		s->free_events = e->next_free;
	else
		e = xcalloc(1, sizeof(*e));
	e->hn.kind = HN_EVENT;
	e->hn.pos = HEAP_NONE;
	return e;
}

/* Post an IPI from the running CPU; the ICR write itself is charged by the
 * caller.  It reaches the target's local APIC after the topology latency. */
void sim_send_ipi(struct sim_cpu *c, int dst, enum irq_vector v)
{
	struct sim *s = c->sim;
	struct sim_cpu *t = &s->cpus[dst];
	struct event *e = event_new(s);

	e->type = EV_IPI;
	e->src = c->id;
	e->dst = dst;
	e->vec = v;
	e->time = c->clock + ipi_latency(s, c, t);
	e->flow = ++s->flow_seq;
	c->stats[STAT_IPIS]++;
	if (s->trace)
		trace_flow(s->trace, c->id, c->clock, e->flow, true);
	heap_push(&s->heap, &e->hn, e->time);
}

void event_free(struct sim *s, struct event *e)
{
	e->next_free = s->free_events;
	s->free_events = e;
}

static void process_event(struct sim *s, struct event *e, ps_t now)
{
	struct sim_cpu *t = &s->cpus[e->dst];

	switch (e->type) {
	case EV_IPI:
		t->pending |= 1u << e->vec;
		t->flow[e->vec] = e->flow;
		if (t->irq_on)
			sim_wake(t, now);
		break;
	case EV_TIMER:
		t->timer = NULL;
		t->pending |= 1u << VEC_TIMER;
		t->flow[VEC_TIMER] = 0;
		if (t->irq_on)
			sim_wake(t, now);
		break;
	default:
		host_event(s, e, now);
		return;		/* the host recycles its own events */
	}
	event_free(s, e);
}

void sim_take_irqs(struct sim_cpu *c)
{
	struct sim *s = c->sim;

	bool was_user = c->hw.in_user;

	while (c->pending && c->irq_on) {
		enum irq_vector v = __builtin_ctz(c->pending);

		c->pending &= ~(1u << v);
		c->irq_on = false;
		c->hw.in_user = false;
		c->irqs_taken++;
		c->user_irq |= was_user;
		if (s->trace) {
			trace_begin(s->trace, c->id, c->clock, hw_vector_names[v]);
			trace_flow(s->trace, c->id, c->clock, c->flow[v], false);
		}
		/* a vCPU's interrupt is injected on entry (or posted) */
		sim_charge(c, s->cost.irq_entry + (is_vcpu(c) ? s->cost.inject : 0));
		if (c->hooks.irq[v])
			c->hooks.irq[v](v);
		sim_charge(c, s->cost.irq_exit);
		if (s->trace)
			trace_end(s->trace, c->id, c->clock);
		c->irq_on = true;
	}
	c->hw.in_user = was_user;
}

/*
 * perf's sampling NMI: taken at the next instruction whatever IF says (in
 * an interrupt handler, with interrupts off, between an acknowledgement
 * and the flush it promised), not nested in itself.  A vCPU's is injected.
 */
void sim_take_nmi(struct sim_cpu *c)
{
	struct sim *s = c->sim;
	bool was_user = c->hw.in_user;

	c->next_nmi = c->clock + s->cost.nmi_interval;
	if (c->in_nmi || !c->hooks.irq[VEC_NMI])
		return;
	c->in_nmi = true;
	c->hw.in_user = false;
	if (s->trace)
		trace_begin(s->trace, c->id, c->clock, hw_vector_names[VEC_NMI]);
	sim_charge(c, s->cost.irq_entry + (is_vcpu(c) ? s->cost.inject : 0));
	c->hooks.irq[VEC_NMI](VEC_NMI);
	sim_charge(c, s->cost.irq_exit);
	if (s->trace)
		trace_end(s->trace, c->id, c->clock);
	c->hw.in_user = was_user;
	c->in_nmi = false;
}

/* ---- the life of a CPU and of a run ------------------------------------ */

static void cpu_entry(void *arg)
{
	struct sim_cpu *c = arg;
	struct sim *s = c->sim;

	if (c->main)
		c->main(c->arg);
	if (c->counted && --s->live_counted == 0) {
		s->end = SIM_END_DONE;
		s->end_time = c->clock;
		s->stop = true;
	}
	/* Finished threads leave an idle CPU that still takes interrupts. */
	for (;;) {
		sim_sync(c);
		sim_block(c, CPU_IDLE, PS_NEVER);
	}
}

/*
 * The local APIC timer (TSC-deadline mode): one deadline per CPU, an event
 * in the heap; re-arming moves it, 0 disarms.  It reaches only its own
 * CPU, so it costs no IPI latency.
 */
void sim_timer_arm(struct sim_cpu *c, ps_t when)
{
	struct sim *s = c->sim;
	struct event *e = c->timer;

	if (!when) {
		if (e) {
			heap_remove(&s->heap, &e->hn);
			event_free(s, e);
			c->timer = NULL;
		}
		return;
	}
	if (e) {
		e->time = when;
		heap_update(&s->heap, &e->hn, when);
		return;
	}
	e = event_new(s);
	e->type = EV_TIMER;
	e->src = e->dst = c->id;
	e->vec = VEC_TIMER;
	e->time = when;
	c->timer = e;
	heap_push(&s->heap, &e->hn, when);
}

void sim_live_add(struct sim *s, int n)
{
	s->live_counted += n;
}

/* A counted piece of work inside the machine is done: the last ends the
 * run at the running CPU's clock. */
void sim_live_done(struct sim *s)
{
	if (--s->live_counted == 0) {
		s->end = SIM_END_DONE;
		s->end_time = s->cur ? s->cur->clock : 0;
		s->stop = true;
	}
}

void sim_cpu_start(struct sim *s, int cpu, void (*fn)(void *), void *arg,
		   void *kernel, bool counted)
{
	struct sim_cpu *c = &s->cpus[cpu];

	c->main = fn;
	c->arg = arg;
	c->kernel = kernel;
	c->counted = counted;
	if (counted)
		s->live_counted++;
}

enum sim_end sim_run(struct sim *s)
{
	int i;

	sim_env_bind(s);
	for (i = 0; i < s->nr_cpus; i++) {
		struct sim_cpu *c = &s->cpus[i];
		if (coro_init(&c->co, SIM_CTX_STACK_SIZE, cpu_entry, c)) {
			sim_abort(s, "cannot map a stack for cpu %d", i);
			return SIM_END_ABORT;
		}
		sim_set_ctx(c, &c->co);
		heap_push(&s->heap, &c->hn, 0);
	}
	if (s->host.nr_pcpus)
		host_start(s);
	s->end = SIM_END_DONE;
	dispatch(s, &s->caller);
	if (!s->end_time) {
		for (i = 0; i < s->nr_cpus; i++)
			if (s->cpus[i].clock > s->end_time)
				s->end_time = s->cpus[i].clock;
	}
	for (i = 0; i < s->nr_cpus; i++)
		s->ops += s->cpus[i].ops;
	return s->end;
}

void sim_abort(struct sim *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->abort_msg, sizeof(s->abort_msg), fmt, ap);
	va_end(ap);
	s->end = SIM_END_ABORT;
	s->stop = true;
	if (s->cur)
		sim_block(s->cur, CPU_IDLE, PS_NEVER);	/* never returns */
}

void sim_finish(struct sim *s, struct sim_result *r)
{
	int nr = s->nr_vms ? s->nr_vms : 1, v, i, k;
	char err[256];

	memset(r, 0, sizeof(*r));
	r->end = s->end;
	snprintf(r->message, sizeof(r->message), "%s", s->abort_msg);
	r->violations = s->viol.count;
	snprintf(r->first_violation, sizeof(r->first_violation), "%s", s->viol.first);
	r->ops = s->ops;
	r->end_ns = s->end_time / 1000;
	r->nr_vms = nr;
	r->vm = xcalloc(nr, sizeof(*r->vm));
	for (v = 0; v < nr; v++) {
		const struct sim_vm *vm = &s->vms[v];

		for (i = vm->first; i < vm->first + vm->nr; i++) {
			for (k = 0; k < NR_STATS; k++)
				r->vm[v].stats[k] += s->cpus[i].stats[k];
			r->vm[v].steal_ns += s->cpus[i].steal / 1000;
		}
	}
	if (s->trace) {
		struct trace *t = s->trace;

		s->trace = NULL;
		if (trace_close(t, err, sizeof(err)))
			snprintf(r->trace_error, sizeof(r->trace_error), "%s", err);
	}
	sim_destroy(s);
}

void sim_result_free(struct sim_result *r)
{
	free(r->vm);
	r->vm = NULL;
}
