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

#include "sim/sim.h"
#include "sim/trace.h"

#define ST_PREEMPTED	0x01	/* KVM_VCPU_PREEMPTED */
#define ST_FLUSH_TLB	0x02	/* KVM_VCPU_FLUSH_TLB */

int host_init(struct sim *s, const struct sim_config *cfg, char *err, size_t errlen)
{
	struct host *h = &s->host;
	int i;

	if (cfg->pcpus < 1 || cfg->pcpus > NR_CPUS_MAX) {
		snprintf(err, errlen, "pcpus %d out of range 1..%d", cfg->pcpus,
			 NR_CPUS_MAX);
		return -1;
	}
	h->nr_pcpus = cfg->pcpus;
	h->mutant = cfg->host_mutant;
	h->pcpus = calloc(h->nr_pcpus, sizeof(*h->pcpus));
	for (i = 0; i < h->nr_pcpus; i++) {
		struct pcpu *p = &h->pcpus[i];
		p->id = i;
		p->cur = -1;
		p->queue = calloc(s->nr_vms * cfg->vcpus / h->nr_pcpus + 2, sizeof(int));
		p->rng = cfg->seed * 0x9e3779b97f4a7c15ULL + i + 1;
		sim_place(&s->prof, h->nr_pcpus, i, &p->socket, &p->core);
	}
	for (i = 0; i < s->nr_cpus; i++) {
		struct pcpu *p = &h->pcpus[(i % cfg->vcpus) % h->nr_pcpus];
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

/*
 * A vCPU that is not running and whose TLB the host will flush before it
 * runs again (as a correct host does for FLUSH_TLB) holds nothing it can use
 * now: the eager checks pass over it.  If the host then fails to flush, the
 * vCPU's next use of a stale entry is what gets reported.
 */
bool host_flushes_before_running(const struct sim_cpu *c)
{
	if (!is_vcpu(c) || !(c->frozen || c->halted))
		return false;
	return c->host_flush ||
	       (c->st_preempted && (*c->st_preempted & ST_FLUSH_TLB));
}

/* The host writes guest memory: the line leaves every guest cache. */
static void host_write_byte(struct sim *s, u8 *p, u8 v)
{
	u64 *sh;
	struct line *l = line_get(s, (uintptr_t)p >> 6, &sh);

	*p = v;
	l->owner = -1;
	l->sockets = 0;
	memset(sh, 0, s->lines.words_per_line * sizeof(u64));
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

/* kvm_steal_time_set_preempted: never over a byte that already says so. */
static void report_preempted(struct sim *s, struct sim_cpu *c)
{
	if (!c->st_preempted)
		return;
	if (c->mid_insn && s->host.mutant != HOST_PREEMPT_MID_INSN)
		return;
	if (!(*c->st_preempted & ST_PREEMPTED))
		host_write_byte(s, c->st_preempted, ST_PREEMPTED);
}

/*
 * Take a runnable vCPU off its pCPU.  When the host schedules another task
 * (report), it says so in the steal time, but (since CVE-2022-39189) only
 * at an instruction boundary; an exit the host handles without scheduling
 * (its timer tick) is not reported.
 */
static void vcpu_stop(struct sim *s, struct sim_cpu *c, ps_t t, bool report)
{
	if (c->hn.pos != HEAP_NONE) {
		c->frozen_key = s->heap.a[c->hn.pos].key;
		c->frozen_in_heap = true;
		heap_remove(&s->heap, &c->hn);
	} else {
		c->frozen_in_heap = false;
	}
	c->frozen = true;
	c->frozen_at = t;
	if (s->trace)
		trace_instant(s->trace, c->id, t, report ? "descheduled" : "host work");
	if (report)
		report_preempted(s, c);
}

/* KVM's record_steal_time on entry; returns when the vCPU may run. */
static ps_t vcpu_entry_work(struct sim *s, struct sim_cpu *c, ps_t t)
{
	ps_t ready = t + s->cost.vmexit;
	bool flush = c->host_flush;

	c->host_flush = false;
	if (c->st_preempted) {
		u8 old = *c->st_preempted;

		if (s->host.mutant == HOST_LOST_FLUSH) {
			/* BUG: works on a copy and writes it back later,
			 * erasing a FLUSH_TLB a guest sets in between */
			post(s, EV_ST_WRITEBACK, c->id, t + s->cost.steal_update, 0);
		} else {
			host_write_byte(s, c->st_preempted, 0);	/* xchg */
		}
		if (old & ST_FLUSH_TLB)
			flush = true;
		ready += s->cost.steal_update;
	}
	if (flush) {
		tlb_flush_everything(c);
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
	u64 z = (p->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
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
			vcpu_stop(s, &s->cpus[p->queue[j]], 0, true);
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

static void preempt_current(struct sim *s, struct pcpu *p, ps_t now)
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
		vcpu_stop(s, &s->cpus[p->cur], now, true);
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
		preempt_current(s, p, now);
		return;
	case EV_PLE:
		p = &s->host.pcpus[c->pcpu];
		if (c->state == CPU_WAIT && c->wait_episode == e->flow &&
		    !c->frozen && p->cur == c->id)
			preempt_current(s, p, now + s->cost.vmexit);
		break;
	case EV_HOST_FLUSH:
		if (c->frozen || c->halted) {
			c->host_flush = true;
		} else {
			tlb_flush_everything(c);
			if (c->hn.pos != HEAP_NONE)	/* the kick's exit */
				heap_update(&s->heap, &c->hn,
					    s->heap.a[c->hn.pos].key + s->cost.vmexit);
		}
		break;
	case EV_ST_WRITEBACK:
		host_write_byte(s, c->st_preempted, 0);
		break;
	case EV_NOISE:
		p = &s->host.pcpus[e->dst];
		if (p->cur >= 0 && !p->noise) {
			p->noise = true;
			vcpu_stop(s, &s->cpus[p->cur], now, false);
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
				report_preempted(s, &s->cpus[p->cur]);
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
 * A flush hypercall from vCPU c for the vCPUs of its VM in mask (local ids):
 * running targets are kicked out of guest mode and flushed by the host,
 * whatever their IF; the others are flushed on their next entry.  Returns
 * when every running target has been kicked.
 */
void host_flush_vcpus(struct sim_cpu *c, const struct cpumask *mask, bool all)
{
	struct sim *s = c->sim;
	const struct sim_vm *vm = &s->vms[c->vm];
	ps_t done = c->clock;
	int i;

	for (i = 0; i < vm->nr; i++) {
		struct sim_cpu *t = &s->cpus[vm->first + i];
		ps_t lat;

		if (t == c || (!all && !__cpumask_test_cpu(i, mask)))
			continue;
		if (t->frozen || t->halted) {
			t->host_flush = true;
			continue;
		}
		lat = t->core == c->core ? s->cost.ipi_smt :
		      t->socket == c->socket ? s->cost.ipi_socket : s->cost.ipi_remote;
		post(s, EV_HOST_FLUSH, t->id, c->clock + lat, 0);
		if (c->clock + lat + s->cost.vmexit > done)
			done = c->clock + lat + s->cost.vmexit;
	}
	c->stats[STAT_HYPERCALLS]++;
	sim_charge(c, done - c->clock);
}
