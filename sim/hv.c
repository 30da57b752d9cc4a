// SPDX-License-Identifier: GPL-2.0
/*
 * hv.c - the host under the virtual machines: per-pCPU run queues of vCPUs,
 * timeslices, halt and wake-up, pause-loop exits, steal time with the
 * `preempted` byte, and host-side TLB flushes for hypercall flush protocols.
 *
 * A vCPU is a simulated CPU like any other while it holds its pCPU.  When
 * the host deschedules it ("freezes" it) its coroutine is taken out of the
 * event heap, with the key it had, and its clock stops; when it is put back
 * the key is shifted by the time it lost (steal time).  vCPU j of every VM is
 * pinned to pCPU j mod P, so VMs with as many vCPUs as the host has CPUs
 * share every pCPU evenly (the overcommit the seeds measured).
 *
 * Even without overcommit a host takes its CPUs away now and then (its timer
 * tick and other exits it handles itself): every pCPU stops its vCPU for
 * host_noise about every host_noise_interval, at seeded random times.  That
 * is an exit, not a deschedule: the vCPU is not reported preempted.
 *
 * The host's entry path is KVM's: atomically take the steal-time byte, flush
 * the vCPU's TLB if FLUSH_TLB was set, then enter.  Two mutants break it the
 * way real hosts did (enum host_mutant).
 */
#include <stdlib.h>
#include <string.h>

#include "bug.h"
#include "lib/rng.h"
#include "sim/internal.h"
#include "sim/trace.h"

/* vCPU j of every VM runs on host CPU j mod P. */
static int pinned_pcpu(const struct sim_topology *t, int cpu)
{
	return (cpu % t->cpus) % t->pcpus;
}

int host_init(struct sim *s, const struct sim_config *cfg, char *err, size_t errlen)
{
	const struct sim_topology *t = &cfg->topo;
	struct host *h = &s->host;
	int i;

	if (t->pcpus < 1 || t->pcpus > NR_CPUS_MAX) {
		snprintf(err, errlen, "pcpus %d out of range 1..%d", t->pcpus,
			 NR_CPUS_MAX);
		return -1;
	}
	h->nr_pcpus = t->pcpus;
	h->pcpus = xcalloc(h->nr_pcpus, sizeof(*h->pcpus));
	/* queue sizes from the pinning rule itself, so they cannot disagree */
	for (i = 0; i < s->nr_cpus; i++)
		h->pcpus[pinned_pcpu(t, i)].nq++;
	for (i = 0; i < h->nr_pcpus; i++) {
		struct pcpu *p = &h->pcpus[i];
		p->id = i;
		p->cur = -1;
		p->queue = xcalloc(p->nq ? p->nq : 1, sizeof(int));
		p->nq = 0;
		p->rng = cfg->seed * 0x9e3779b97f4a7c15ULL + i + 1;
		sim_place(&s->prof, h->nr_pcpus, i, &p->socket, &p->core);
	}
	for (i = 0; i < s->nr_cpus; i++) {
		struct pcpu *p = &h->pcpus[pinned_pcpu(t, i)];
		s->cpus[i].pcpu = p->id;
		p->queue[p->nq++] = i;
	}
	return 0;
}

void host_free(struct sim *s)
{
	int i;

	for (i = 0; i < s->host.nr_pcpus; i++)
		free(s->host.pcpus[i].queue);
	free(s->host.pcpus);
	s->host.pcpus = NULL;
}

static void post(struct sim *s, enum event_type type, int dst, ps_t when, u64 arg)
{
	struct event *e = event_new(s);

	e->type = type;
	e->dst = dst;
	e->time = when;
	e->flow = arg;
	heap_push(&s->heap, &e->hn, when);
}

static void cancel_tick(struct sim *s, struct pcpu *p)
{
	if (!p->tick)
		return;
	heap_remove(&s->heap, &p->tick->hn);
	event_free(s, p->tick);
	p->tick = NULL;
}

static void arm_tick(struct sim *s, struct pcpu *p, ps_t when)
{
	if (p->tick && s->heap.a[p->tick->hn.pos].key <= when)
		return;
	cancel_tick(s, p);
	p->tick = event_new(s);
	p->tick->type = EV_TICK;
	p->tick->dst = p->id;
	p->tick->time = when;
	heap_push(&s->heap, &p->tick->hn, when);
}

/* Next runnable-but-descheduled vCPU of p, round robin; NULL if none. */
static struct sim_cpu *pick_next(struct sim *s, struct pcpu *p)
{
	int i;

	for (i = 1; i <= p->nq; i++) {
		struct sim_cpu *c = &s->cpus[p->queue[(p->rr + i) % p->nq]];
		if (c->frozen && !c->halted && c->id != p->cur) {
			p->rr = (p->rr + i) % p->nq;
			return c;
		}
	}
	return NULL;
}

/* Why the host took a vCPU off its pCPU, for what it tells the guest. */
enum stop_why {
	STOP_HOST_WORK,		/* host work in between: not reported */
	STOP_IRQ_EXIT,		/* after an external interrupt (the host tick) */
	STOP_PLE_EXIT,		/* after a pause-loop exit: the spinner yields */
};

static void report_preempted(struct sim *s, struct sim_cpu *c, enum stop_why why)
{
	hw_kvm_set_preempted(&s->hw, &c->hw, c->mid_insn, why == STOP_IRQ_EXIT);
}

/*
 * Take a runnable vCPU off its pCPU.  When the host schedules another task
 * (report), it says so in the steal time, but (since CVE-2022-39189) only
 * at an instruction boundary; an exit the host handles without scheduling
 * (its timer tick) is not reported.
 */
static void vcpu_stop(struct sim *s, struct sim_cpu *c, ps_t t, enum stop_why why)
{
	if (c->hn.pos != HEAP_NONE) {
		c->frozen_key = s->heap.a[c->hn.pos].key;
		c->frozen_in_heap = true;
		heap_remove(&s->heap, &c->hn);
	} else {
		c->frozen_in_heap = false;
	}
	c->frozen = true;
	vcpu_sync_descheduled(c);
	c->frozen_at = t;
	if (s->trace)
		trace_instant(s->trace, c->id, t, why != STOP_HOST_WORK ?
			      "descheduled" : "host work");
	if (why != STOP_HOST_WORK)
		report_preempted(s, c, why);
}

/* KVM's record_steal_time on entry; returns when the vCPU may run. */
static ps_t vcpu_entry_work(struct sim *s, struct sim_cpu *c, ps_t t)
{
	ps_t ready = t + s->cost.vmexit;
	bool late_clear, flush = hw_kvm_entry(&s->hw, &c->hw, &late_clear);

	if (late_clear)		/* the copy is written back a little later */
		post(s, EV_ST_WRITEBACK, c->id, t + s->cost.steal_update, 0);
	if (c->hw.steal)
		ready += s->cost.steal_update;
	if (flush) {
		hw_flush_everything(&s->hw, &c->hw);
		ready += s->cost.flush_full;
	}
	return ready;
}

/* Put a descheduled vCPU back on its pCPU at time t. */
static void vcpu_thaw(struct sim *s, struct sim_cpu *c, ps_t t)
{
	ps_t ready = vcpu_entry_work(s, c, t);

	c->steal += ready - c->frozen_at;
	c->frozen = false;
	vcpu_sync_descheduled(c);
	if (s->trace)
		trace_instant(s->trace, c->id, ready, "scheduled");
	if (c->frozen_in_heap) {
		ps_t key = c->frozen_key > c->frozen_at ?
			c->frozen_key + (ready - c->frozen_at) : ready;
		heap_push(&s->heap, &c->hn, key);
	}
	c->frozen_in_heap = false;
	/* interrupts that arrived while it was out are injected now */
	if (c->pending && c->irq_on)
		sim_wake(c, ready);
}

static void switch_to(struct sim *s, struct pcpu *p, struct sim_cpu *next, ps_t t)
{
	p->cur = next->id;
	p->slice_start = t;
	vcpu_thaw(s, next, t + s->cost.host_ctxsw);
	cancel_tick(s, p);
	if (p->nq > 1)
		arm_tick(s, p, t + s->cost.timeslice);
}

static u64 pcpu_random(struct pcpu *p)
{
	return rng_next(&p->rng);
}

/* Next host interference on p: uniformly within [0.5, 1.5] x the mean. */
static void arm_noise(struct sim *s, struct pcpu *p, ps_t now)
{
	ps_t mean = s->cost.noise_interval;

	if (!mean || !s->cost.noise)
		return;
	post(s, EV_NOISE, p->id, now + mean / 2 + pcpu_random(p) % (mean + 1), 0);
}

void host_start(struct sim *s)
{
	int i, j;

	for (i = 0; i < s->host.nr_pcpus; i++) {
		struct pcpu *p = &s->host.pcpus[i];

		arm_noise(s, p, 0);
		if (!p->nq)
			continue;
		p->cur = p->queue[0];
		for (j = 1; j < p->nq; j++)
			vcpu_stop(s, &s->cpus[p->queue[j]], 0, STOP_IRQ_EXIT);
		/* host CPUs' slices are not in phase with each other: start
		 * each one part-way through its first slice */
		if (p->nq > 1)
			arm_tick(s, p, 1 + pcpu_random(p) % s->cost.timeslice);
	}
}

/* The running vCPU halts: the pCPU goes to another runnable vCPU. */
void host_vcpu_halt(struct sim_cpu *c)
{
	struct sim *s = c->sim;
	struct pcpu *p = &s->host.pcpus[c->pcpu];
	struct sim_cpu *next;

	c->halted = true;
	vcpu_sync_descheduled(c);
	p->cur = -1;
	next = pick_next(s, p);
	if (next)
		switch_to(s, p, next, c->clock + s->cost.vmexit);
	else
		cancel_tick(s, p);
}

/* A halted vCPU has an interrupt or its timer: make it runnable. */
void host_vcpu_wake(struct sim_cpu *c, ps_t t)
{
	struct sim *s = c->sim;
	struct pcpu *p = &s->host.pcpus[c->pcpu];

	c->halted = false;
	vcpu_sync_descheduled(c);
	c->state = CPU_RUNNABLE;
	if (p->cur < 0) {
		p->cur = c->id;
		p->slice_start = t;
		heap_push(&s->heap, &c->hn,
			  vcpu_entry_work(s, c, t + s->cost.host_ctxsw));
		if (pick_next(s, p))
			arm_tick(s, p, t + s->cost.timeslice);
		return;
	}
	/* runnable but not running; not "preempted": it was not running */
	c->frozen = true;
	vcpu_sync_descheduled(c);
	c->frozen_at = t;
	c->frozen_in_heap = true;
	c->frozen_key = t;
	/* wake-up preemption once the current vCPU had its granularity */
	arm_tick(s, p, max_t(ps_t, t, p->slice_start + s->cost.wakeup_gran));
}

/* The running vCPU starts spinning: with PLE, the host may yield it. */
void host_vcpu_spin(struct sim_cpu *c)
{
	struct sim *s = c->sim;

	if (!s->cost.ple_window)
		return;
	post(s, EV_PLE, c->id, c->clock + s->cost.ple_window, ++c->wait_episode);
}

static void preempt_current(struct sim *s, struct pcpu *p, ps_t now,
			    enum stop_why why)
{
	struct sim_cpu *next;

	if (p->noise) {			/* decided when the host work ends */
		cancel_tick(s, p);
		return;
	}
	next = pick_next(s, p);
	if (!next) {
		cancel_tick(s, p);
		return;
	}
	if (p->cur >= 0)
		vcpu_stop(s, &s->cpus[p->cur], now, why);
	switch_to(s, p, next, now);
}

void host_event(struct sim *s, struct event *e, ps_t now)
{
	struct sim_cpu *c = &s->cpus[e->dst < s->nr_cpus ? e->dst : 0];
	struct pcpu *p;

	switch (e->type) {
	case EV_TICK:
		p = &s->host.pcpus[e->dst];
		p->tick = NULL;
		event_free(s, e);
		preempt_current(s, p, now, STOP_IRQ_EXIT);
		return;
	case EV_PLE:
		p = &s->host.pcpus[c->pcpu];
		if (c->state == CPU_WAIT && c->wait_episode == e->flow &&
		    !c->frozen && p->cur == c->id)
			preempt_current(s, p, now + s->cost.vmexit, STOP_PLE_EXIT);
		break;
	case EV_HOST_FLUSH:
		if (c->frozen || c->halted) {
			/* stopped since the kick: a whole flush on entry */
			c->hw.host_flush = true;
		} else {
			hw_flush_request_apply(&s->hw, &c->hw, s->cpus[e->flow].hreq);
			if (c->hn.pos != HEAP_NONE)	/* the kick's exit */
				heap_update(&s->heap, &c->hn,
					    s->heap.a[c->hn.pos].key + s->cost.vmexit);
		}
		break;
	case EV_ST_WRITEBACK:
		hw_kvm_late_clear(&s->hw, &c->hw);
		break;
	case EV_NOISE:
		p = &s->host.pcpus[e->dst];
		if (p->cur >= 0 && !p->noise) {
			p->noise = true;
			vcpu_stop(s, &s->cpus[p->cur], now, STOP_HOST_WORK);
			post(s, EV_NOISE_END, p->id, now + s->cost.noise, 0);
		} else {
			arm_noise(s, p, now);
		}
		break;
	case EV_NOISE_END:
		p = &s->host.pcpus[e->dst];
		p->noise = false;
		if (p->cur >= 0) {
			struct sim_cpu *next = pick_next(s, p);
			/* the slice went on during host work: maybe switch */
			if (next && now >= p->slice_start + s->cost.timeslice) {
				/* now it is descheduled for real */
				report_preempted(s, &s->cpus[p->cur], STOP_IRQ_EXIT);
				switch_to(s, p, next, now);
			} else {
				vcpu_thaw(s, &s->cpus[p->cur], now);
				if (next)
					arm_tick(s, p, p->slice_start + s->cost.timeslice);
			}
		}
		arm_noise(s, p, now);
		break;
	default:
		break;
	}
	event_free(s, e);
}

/*
 * Target t is inside KVM's instruction emulator, between the emulator's
 * translation and its access (running there, or preempted there): no TLB
 * flush undoes a translation the emulator holds, so the host completes
 * the hypercall only once t has finished that instruction.
 * The caller's vCPU thread waits in the host (and can be preempted
 * there, which is how t gets its pCPU back when they share one).
 */
static void wait_instruction_boundary(struct sim_cpu *c, struct sim_cpu *t)
{
	while (t->mid_insn) {
		sim_charge(c, c->sim->cost.vmexit);
		sim_order(c);
	}
}

/*
 * A flush hypercall from vCPU c for the vCPUs of its VM in mask (local ids):
 * running targets are kicked out of guest mode and flushed by the host,
 * whatever their IF; the others are flushed on their next entry.  Returns
 * when every running target has been kicked.
 */
void host_flush_vcpus(struct sim_cpu *c, const struct hw_flush_request *r)
{
	struct sim *s = c->sim;
	const struct sim_vm *vm = &s->vms[c->vm];
	ps_t done = c->clock;
	int i;

	for (i = 0; i < vm->nr; i++) {
		struct sim_cpu *t = &s->cpus[vm->first + i];
		ps_t lat;

		if (t == c || (!r->all_cpus && !__cpumask_test_cpu(i, &r->targets)))
			continue;
		if (t->mid_insn)
			wait_instruction_boundary(c, t);
		if (t->frozen || t->halted) {
			t->hw.host_flush = true;
			continue;
		}
		lat = ipi_latency(s, c, t);
		post(s, EV_HOST_FLUSH, t->id, c->clock + lat, c->id);
		if (c->clock + lat + s->cost.vmexit > done)
			done = c->clock + lat + s->cost.vmexit;
	}
	c->stats[STAT_HYPERCALLS]++;
	sim_charge(c, done - c->clock);
}
