// SPDX-License-Identifier: GPL-2.0
/*
 * sched.c - the simulated kernel's scheduler (kernel/sched/core.c, fair.c,
 * idle.c in miniature).  The policy, and what it lacks, is documented in
 * docs/model.md, "Scheduler"; in short:
 *
 *  - one run queue per CPU, under its own spinlock, holding the runnable
 *    tasks that are not running, ordered by vruntime (equal weights: the
 *    pick of EEVDF among eligible tasks and CFS's leftmost coincide);
 *  - a tick at CONFIG_HZ while a task runs, stopped while idle
 *    (NO_HZ_IDLE); at the tick a task that has used its slice
 *    (sysctl_sched_base_slice scaled by 1 + ilog2(min(CPUs, 8))) is
 *    preempted if another is runnable;
 *  - user code is preempted on its way back to user mode after an
 *    interrupt (exit_to_user_mode); the kernel is not preemptible
 *    (PREEMPT_NONE) and reschedules when it blocks or at cond_resched();
 *  - try_to_wake_up places a woken task on its previous CPU if idle, else
 *    on an idle CPU of the same socket (select_idle_sibling over the LLC),
 *    else its previous CPU; a new task goes to the least loaded CPU;
 *  - a woken task preempts the idle task, or a running task whose slice
 *    the tick has found used (RUN_TO_PARITY);
 *  - a wake-up that makes another CPU's current task reschedule sets
 *    TIF_NEED_RESCHED and sends a reschedule IPI unless that CPU idles
 *    polling its flags (TIF_POLLING_NRFLAG, MWAIT idle);
 *  - an idle CPU with nothing to run switches to its idle task, which
 *    borrows the previous mm (enter_lazy_tlb) and waits in MWAIT or HLT.
 */
#include "bug.h"
#include "proto/kernel.h"


struct rq {
	spinlock_t lock;
	struct task_struct *curr;	/* under lock; read by wakers */
	struct task_struct *idle;
	struct task_struct *queue;	/* runnable, not running, by vruntime */
	int nr_running;			/* queued + a running non-idle task */
	u64 min_vruntime;
	/* newidle balancing, this CPU's own (its sched_clock) */
	u64 idle_stamp;			/* when it last went idle; 0: not idle */
	u64 avg_idle;			/* how long it idles, on average */
} ____cacheline_aligned;

/* kernel/sched/fair.c: sysctl_sched_migration_cost, the cost of moving a
 * task that ran recently (its cache goes cold), and what an idle period
 * must be expected to outlast before an idle CPU pulls a task. */
#define MIGRATION_COST_NS	500000ULL

/* The hrtimer-lite of one CPU: tasks sleeping until a time, armed and
 * fired by that CPU with interrupts off (CPU-private, plain C). */
struct sched_timer {
	struct task_struct *task;
	u64 expires;
};
#define TIMERS_MAX	16

/* Touched only by its own CPU. */
struct sched_pcpu {
	struct task_struct *current_task;
	struct task_struct *prev_task;	/* for finish_task_switch */
	u64 tick_next;			/* 0: tick stopped */
	u64 armed;			/* what the APIC timer is set to */
	bool guest;
	int nr_timers;
	struct sched_timer timers[TIMERS_MAX];
} ____cacheline_aligned;

struct sched {
	struct rq *rq;			/* [nr_cpus] */
	struct sched_pcpu *pcpu;	/* [nr_cpus] */
	u64 tick_ns, slice_ns;
	int next_pid;			/* atomic */
	/* the root domain's overloaded flag: some run queue has a task
	 * waiting; set on enqueue, recomputed by balancing */
	int overloaded ____cacheline_aligned;
	int nr_online ____cacheline_aligned;	/* CPUs that have booted */
};

static inline struct sched *S_(struct kernel *k) { return k->sched; }
static inline struct sched_pcpu *this_pcpu(struct kernel *k)
{
	return &k->sched->pcpu[smp_processor_id()];
}

struct task_struct *get_current(void)
{
	struct kernel *k = K();

	return k->sched->pcpu[smp_processor_id()].current_task;
}

static int ilog2_u(unsigned int n)
{
	int l = 0;

	while (n >>= 1)
		l++;
	return l;
}

void sched_init(struct kernel *k)
{
	struct sched *s = kzalloc(k, sizeof(*s));
	int i, n = k->nr_cpus < 8 ? k->nr_cpus : 8;

	s->rq = kzalloc(k, sizeof(*s->rq) * k->nr_cpus);
	s->pcpu = kzalloc(k, sizeof(*s->pcpu) * k->nr_cpus);
	for (i = 0; i < k->nr_cpus; i++) {
		spin_lock_init(&s->rq[i].lock, LOCK_CLASS_SPIN);
		s->rq[i].avg_idle = 2 * MIGRATION_COST_NS;	/* sched_init */
	}
	s->tick_ns = 1000000000ULL / kp_hz_values[k->o.kp[KP_HZ]];
	/* kernel/sched/fair.c: sysctl_sched_base_slice (--param base_slice),
	 * scaled by 1 + ilog2(min(nr CPUs, 8)) (SCHED_TUNABLESCALING_LOG) */
	s->slice_ns = kp_base_slice_ns[k->o.kp[KP_BASE_SLICE]] * (1 + ilog2_u(n));
	s->next_pid = 1;
	k->sched = s;
}

/* ---- thread flags ---------------------------------------------------------- */

static bool test_tsk_need_resched(struct task_struct *p)
{
	return READ_ONCE(p->ti_flags) & _TIF_NEED_RESCHED;
}

static bool need_resched(void)
{
	return test_tsk_need_resched(current);
}

static void clear_tsk_need_resched(struct task_struct *p)
{
	if (test_tsk_need_resched(p))
		atomic_fetch_and(&p->ti_flags, ~_TIF_NEED_RESCHED);
}

/* Set NEED_RESCHED; true if the task was not polling, so it needs an IPI
 * to notice (set_nr_and_not_polling). */
static bool set_nr_and_not_polling(struct task_struct *p)
{
	return !(atomic_fetch_or(&p->ti_flags, _TIF_NEED_RESCHED) &
		 _TIF_POLLING_NRFLAG);
}

/* Make rq's current task reschedule soon.  Caller holds rq->lock. */
static void resched_curr(struct kernel *k, int cpu)
{
	struct task_struct *curr = READ_ONCE(S_(k)->rq[cpu].curr);

	if (test_tsk_need_resched(curr))
		return;
	if (cpu == smp_processor_id()) {
		atomic_fetch_or(&curr->ti_flags, _TIF_NEED_RESCHED);
		return;
	}
	if (set_nr_and_not_polling(curr)) {
		send_ipi(cpu, VEC_RESCHEDULE);
		env_stat(STAT_WAKEUP_IPIS, 1);
	}
}

/* ---- run queue --------------------------------------------------------------- */

static void update_curr(struct rq *rq, struct task_struct *curr)
{
	u64 now = sched_clock(), delta;

	struct task_struct *left;
	u64 m;

	if (curr == rq->idle)
		return;
	delta = now - curr->exec_start;
	curr->exec_start = now;
	curr->vruntime += delta;
	/* min_vruntime only grows: the least of the running and the leftmost */
	m = curr->vruntime;
	left = READ_ONCE(rq->queue);
	if (left && left->vruntime < m)
		m = left->vruntime;
	if (m > rq->min_vruntime)
		rq->min_vruntime = m;
}

/* Insert p by vruntime (FIFO among equals).  Caller holds rq->lock. */
static void enqueue_task(struct rq *rq, struct task_struct *p)
{
	struct task_struct **pp = &rq->queue, *q;

	while ((q = READ_ONCE(*pp)) && READ_ONCE(q->vruntime) <= p->vruntime)
		pp = &q->rq_next;
	WRITE_ONCE(p->rq_next, q);
	WRITE_ONCE(*pp, p);
}

static struct task_struct *pick_next_task(struct rq *rq)
{
	struct task_struct *p = READ_ONCE(rq->queue);

	if (!p)
		return rq->idle;
	WRITE_ONCE(rq->queue, READ_ONCE(p->rq_next));
	if (p->vruntime > rq->min_vruntime)
		rq->min_vruntime = p->vruntime;
	return p;
}

/* A task joins rq: its lag is not kept across a sleep or a move, it
 * starts at the queue's minimum (no sleeper credit). */
static void activate_task(struct rq *rq, struct task_struct *p)
{
	if (p->vruntime < rq->min_vruntime)
		p->vruntime = rq->min_vruntime;
	enqueue_task(rq, p);
	WRITE_ONCE(rq->nr_running, rq->nr_running + 1);
	WRITE_ONCE(p->on_rq, 1);
	/* add_nr_running: a second runnable task makes the queue overloaded */
	if (rq->nr_running >= 2 && !READ_ONCE(S_(p->k)->overloaded))
		WRITE_ONCE(S_(p->k)->overloaded, 1);
}

static bool idle_cpu(struct kernel *k, int cpu)
{
	struct rq *rq = &S_(k)->rq[cpu];

	return READ_ONCE(rq->curr) == rq->idle && !READ_ONCE(rq->nr_running);
}

/* ---- newidle balancing ------------------------------------------------------ */

static bool cpu_allowed(const struct task_struct *p, int cpu)
{
	return __cpumask_test_cpu(cpu, &p->cpus_allowed);
}

/* Lock two run queues in CPU order (double_rq_lock).  IRQs are off. */
static void double_rq_lock(struct rq *a, struct rq *b)
{
	if (a < b) {
		spin_lock(&a->lock);
		spin_lock(&b->lock);
	} else {
		spin_lock(&b->lock);
		spin_lock(&a->lock);
	}
}

/* can_migrate_task for an idle puller: allowed here, not running, not on
 * its way elsewhere, and not cache hot (ran within the migration cost). */
static bool can_pull(struct task_struct *p, int cpu, u64 now)
{
	if (!cpu_allowed(p, cpu) || READ_ONCE(p->on_cpu) || p->migrating)
		return false;
	/* never ran: nothing of it is in this cache (exec_start 0 at fork) */
	if (!p->exec_start)
		return true;
	return now < p->exec_start || now - p->exec_start >= MIGRATION_COST_NS;
}

/* Move one task from src's queue to this CPU's (detach_task +
 * attach_task), keeping its place relative to each queue's minimum.
 * Both locks held. */
static bool pull_one(struct kernel *k, struct rq *src, struct rq *dst, int cpu)
{
	struct task_struct **pp = &src->queue, *p;
	u64 now = sched_clock();

	for (; (p = READ_ONCE(*pp)); pp = &p->rq_next) {
		if (!can_pull(p, cpu, now))
			continue;
		WRITE_ONCE(*pp, READ_ONCE(p->rq_next));
		WRITE_ONCE(src->nr_running, src->nr_running - 1);
		p->vruntime -= src->min_vruntime < p->vruntime ?
			       src->min_vruntime : p->vruntime;
		p->vruntime += dst->min_vruntime;
		WRITE_ONCE(p->cpu, cpu);
		p->wake_cpu = cpu;
		enqueue_task(dst, p);
		WRITE_ONCE(dst->nr_running, dst->nr_running + 1);
		return true;
	}
	return false;
}

/*
 * sched_balance_newidle: this CPU is about to go idle.  If some run queue
 * has a task waiting (the root domain's overloaded flag) and this CPU is
 * expected to idle longer than a migration costs (avg_idle), look for the busiest
 * run queue, nearest domain first (this socket, then the others), with a
 * task queued that may move here, and pull one.  Called and returns with
 * this rq's lock held, dropping it meanwhile, as Linux does.  What Linux
 * also has and this lacks: per-domain cost accounting
 * (max_newidle_lb_cost), load weights (counts of tasks instead), pulling
 * more than one task, and periodic and NUMA balancing.
 */
static void newidle_balance(struct kernel *k, struct rq *rq, int cpu)
{
	int socket = topology_socket(cpu), pass, i, busiest;

	bool overloaded = false;

	rq->idle_stamp = sched_clock();
	/* nothing waits anywhere, or this CPU will not idle long enough */
	if (!READ_ONCE(S_(k)->overloaded) || rq->avg_idle < MIGRATION_COST_NS)
		return;
	spin_unlock(&rq->lock);
	for (pass = 0; pass < 2; pass++) {
		int most = 1;

		busiest = -1;
		for (i = 1; i < k->nr_cpus; i++) {
			int c = (cpu + i) % k->nr_cpus, nr;

			if ((topology_socket(c) == socket) != !pass)
				continue;
			nr = READ_ONCE(S_(k)->rq[c].nr_running);
			overloaded |= nr >= 2;
			if (nr > most) {
				most = nr;
				busiest = c;
			}
		}
		if (busiest >= 0) {
			struct rq *src = &S_(k)->rq[busiest];
			bool pulled;

			double_rq_lock(rq, src);
			pulled = pull_one(k, src, rq, cpu);
			spin_unlock(&src->lock);
			if (pulled) {
				rq->idle_stamp = 0;
				return;		/* with rq->lock held */
			}
			spin_unlock(&rq->lock);
		}
	}
	/* the scan covered every run queue (the root domain): recompute */
	if (!overloaded)
		WRITE_ONCE(S_(k)->overloaded, 0);
	spin_lock(&rq->lock);
}

/* The CPU stops idling: fold how long it idled into avg_idle (update_avg,
 * capped at twice the migration cost, as ttwu_do_activate does). */
static void idle_end(struct rq *rq)
{
	u64 now = sched_clock(), d;
	s64 diff;

	if (!rq->idle_stamp)
		return;
	d = now > rq->idle_stamp ? now - rq->idle_stamp : 0;
	diff = (s64)(d - rq->avg_idle);
	rq->avg_idle += diff / 8;
	if (rq->avg_idle > 2 * MIGRATION_COST_NS)
		rq->avg_idle = 2 * MIGRATION_COST_NS;
	rq->idle_stamp = 0;
}

/* What runs next on this CPU: newidle balancing first if nothing is
 * queued and the CPU would go idle.  rq->lock held. */
static struct task_struct *pick_next(struct kernel *k, struct rq *rq, int cpu,
				     struct task_struct *prev)
{
	struct task_struct *next;

	if (!READ_ONCE(rq->queue) && prev != rq->idle)
		newidle_balance(k, rq, cpu);
	next = pick_next_task(rq);
	if (prev == rq->idle && next != rq->idle)
		idle_end(rq);
	return next;
}

/* ---- the tick and sleeping timers ------------------------------------------ */

/* Program the APIC timer for the earliest of the tick and the timers. */
static void timer_reprogram(struct kernel *k)
{
	struct sched_pcpu *pc = this_pcpu(k);
	u64 next = pc->tick_next, now;
	int i;

	for (i = 0; i < pc->nr_timers; i++)
		if (!next || pc->timers[i].expires < next)
			next = pc->timers[i].expires;
	if (next == pc->armed)
		return;
	pc->armed = next;
	now = sched_clock();
	lapic_timer_arm(!next ? 0 : next > now ? next - now : 1);
}

/* NO_HZ_IDLE: the tick runs while a task does, and stops in idle. */
static void tick_update(struct kernel *k, bool running)
{
	struct sched_pcpu *pc = this_pcpu(k);

	if (running && !pc->tick_next)
		pc->tick_next = sched_clock() + S_(k)->tick_ns;
	else if (!running)
		pc->tick_next = 0;
	timer_reprogram(k);
}

static int try_to_wake_up(struct task_struct *p, long state);

/* The local timer interrupt: the tick's accounting, expired sleeps. */
static void sched_timer_interrupt(enum irq_vector v)
{
	struct kernel *k = K();
	struct sched_pcpu *pc = this_pcpu(k);
	int cpu = smp_processor_id(), i;
	struct rq *rq = &S_(k)->rq[cpu];
	u64 now = sched_clock();

	pc->armed = 0;
	for (i = 0; i < pc->nr_timers; ) {
		if (pc->timers[i].expires <= now) {
			struct task_struct *t = pc->timers[i].task;

			pc->timers[i] = pc->timers[--pc->nr_timers];
			try_to_wake_up(t, TASK_INTERRUPTIBLE);
		} else {
			i++;
		}
	}
	if (pc->tick_next && pc->tick_next <= now) {
		struct task_struct *curr;

		pc->tick_next = now + S_(k)->tick_ns;
		spin_lock(&rq->lock);
		curr = rq->curr;
		update_curr(rq, curr);
		if (curr != rq->idle && now - curr->slice_start >= S_(k)->slice_ns) {
			/* update_deadline: the slice it was picked with is
			 * used; with another task waiting it goes now, and
			 * RUN_TO_PARITY no longer protects it from wake-ups */
			WRITE_ONCE(curr->slice_used, true);
			if (READ_ONCE(rq->queue))
				resched_curr(k, cpu);
		}
		spin_unlock(&rq->lock);
	}
	timer_reprogram(k);
}

/* ---- context switch ------------------------------------------------------------ */

/* The first thing after a switch, in the task switched to (schedule_tail
 * for a new one): the previous task is off this CPU now. */
static void finish_task_switch(struct kernel *k)
{
	struct sched_pcpu *pc = this_pcpu(k);
	struct task_struct *prev = pc->prev_task;
	struct rq *rq = &S_(k)->rq[smp_processor_id()];
	bool dead = READ_ONCE(prev->__state) == TASK_DEAD;

	bool migrating = prev->migrating;

	pc->prev_task = NULL;
	smp_store_release(&prev->on_cpu, 0);
	spin_unlock(&rq->lock);
	tick_update(k, current != rq->idle);
	if (dead)
		kmem_free(k->kmem, prev);
	if (migrating) {
		/* it left to be woken on the CPU its new affinity allows */
		prev->migrating = false;
		try_to_wake_up(prev, TASK_UNINTERRUPTIBLE);
	}
}

/* Switch mm and stack.  IRQs off, rq->lock held; returns in prev, maybe
 * on another CPU, after finish_task_switch there. */
static void context_switch(struct kernel *k, struct task_struct *prev,
			   struct task_struct *next, bool exiting)
{
	struct sched_pcpu *pc = this_pcpu(k);

	if (!next->mm) {
		/* idle and kernel threads run on whatever mm is loaded */
		next->active_mm = prev->active_mm;
		if (prev->mm) {
			enter_lazy_tlb(k);
			env_stat(STAT_LAZY_ENTRIES, 1);
		}
	} else {
		/* same mm: no CR3 write, unless it was lazy and missed flushes */
		switch_mm(k, next->mm);
		next->active_mm = next->mm;
	}
	next->exec_start = next->slice_start = sched_clock();
	WRITE_ONCE(next->slice_used, false);
	WRITE_ONCE(next->on_cpu, 1);
	WRITE_ONCE(next->cpu, smp_processor_id());
	pc->current_task = next;
	pc->prev_task = prev;
	env_stat(STAT_CONTEXT_SWITCHES, 1);
	/* the trace shows each task as a slice on its CPU's track */
	if (prev->kind != TASK_IDLE)
		trace_span_end();
	if (next->kind != TASK_IDLE)
		trace_span_begin(next->comm);
	if (exiting)
		env->ctx_exit(next->ctx);
	env->ctx_switch(next->ctx);
	/* prev again: whoever switched to us left its prev to finish */
	finish_task_switch(K());
}

/*
 * The core.  preempt: the task is put back whatever its state (an
 * involuntary switch); otherwise a task that set a sleeping state leaves
 * the run queue until it is woken.
 */
static void __schedule(bool preempt, bool exiting)
{
	struct kernel *k = K();
	int cpu = smp_processor_id();
	struct rq *rq = &S_(k)->rq[cpu];
	struct task_struct *prev = current, *next;
	unsigned long flags;

	local_irq_save(flags);
	spin_lock(&rq->lock);
	clear_tsk_need_resched(prev);
	update_curr(rq, prev);
	if (prev == rq->idle) {
		/* the idle task is never queued */
	} else if (!preempt && READ_ONCE(prev->__state) != TASK_RUNNING) {
		WRITE_ONCE(prev->on_rq, 0);
		WRITE_ONCE(rq->nr_running, rq->nr_running - 1);
		prev->vruntime -= rq->min_vruntime < prev->vruntime ?
				  rq->min_vruntime : prev->vruntime;
		prev->nvcsw++;
	} else {
		enqueue_task(rq, prev);
		prev->nivcsw++;
	}
	next = pick_next(k, rq, cpu, prev);
	if (next == prev) {
		spin_unlock(&rq->lock);
		local_irq_restore(flags);
		return;
	}
	WRITE_ONCE(rq->curr, next);
	context_switch(k, prev, next, exiting);
	local_irq_restore(flags);
}

void schedule(void)
{
	__schedule(false, false);
}

void cond_resched(void)
{
	if (need_resched())
		__schedule(true, false);
}

/* exit_to_user_mode: after an interrupt in user code, a system call or a
 * fault, a task asked to reschedule does so before user code runs again.
 * The idle task never runs user code in Linux; the checker's CPU scripts
 * run in it (boot code, before the idle loop), and are not preempted. */
void exit_to_user_mode(void)
{
	if (current->kind != TASK_IDLE && need_resched())
		__schedule(true, false);
}

static void sched_user_return(void)
{
	exit_to_user_mode();
}

/* do_sched_yield, the sched_yield system call: EEVDF's yield_task_fair
 * moves the task's virtual deadline on by one slice; with equal weights
 * that is its place in the queue, so it goes behind the tasks within a
 * slice of it. */
void do_sched_yield(void)
{
	struct kernel *k = K();
	struct rq *rq = &S_(k)->rq[smp_processor_id()];
	unsigned long flags;

	local_irq_save(flags);
	spin_lock(&rq->lock);
	update_curr(rq, current);
	current->vruntime += S_(k)->slice_ns;
	spin_unlock(&rq->lock);
	local_irq_restore(flags);
	__schedule(true, false);
}

/* ---- wake-up ------------------------------------------------------------------------ */

/* select_task_rq_fair for a wake-up: the previous CPU if idle, else an
 * idle CPU sharing its LLC (socket), else the previous CPU. */
static int select_task_rq(struct kernel *k, struct task_struct *p)
{
	int prev = p->wake_cpu, n = k->nr_cpus, socket, i;

	if (p->nr_cpus_allowed == 1)
		return __cpumask_next(0, &p->cpus_allowed);
	if (!cpu_allowed(p, prev))
		prev = __cpumask_next(0, &p->cpus_allowed);
	if (idle_cpu(k, prev))
		return prev;
	socket = topology_socket(prev);
	for (i = 1; i < n; i++) {
		int cpu = (prev + i) % n;

		if (cpu_allowed(p, cpu) && topology_socket(cpu) == socket &&
		    idle_cpu(k, cpu))
			return cpu;
	}
	return prev;
}

/* A new task: the allowed CPU with the fewest runnable tasks, the socket
 * with fewer breaking ties (sched_balance_find_dst_cpu spreads first). */
#define SOCKETS_MAX 64
static int select_task_rq_fork(struct kernel *k, struct task_struct *p)
{
	int load[SOCKETS_MAX] = { 0 }, best = -1, best_n = 0, best_s = 0, cpu;

	for (cpu = 0; cpu < k->nr_cpus; cpu++)
		load[topology_socket(cpu) % SOCKETS_MAX] +=
			READ_ONCE(S_(k)->rq[cpu].nr_running);
	for_each_cpu(cpu, &p->cpus_allowed) {
		int nr, s;

		if (cpu >= k->nr_cpus)
			break;
		nr = READ_ONCE(S_(k)->rq[cpu].nr_running);
		s = load[topology_socket(cpu) % SOCKETS_MAX];
		if (best < 0 || nr < best_n || (nr == best_n && s < best_s)) {
			best = cpu;
			best_n = nr;
			best_s = s;
		}
	}
	return best;
}

/* Queue p on cpu and make that CPU notice.  p is off every CPU. */
static void ttwu_queue(struct kernel *k, struct task_struct *p, int cpu)
{
	struct rq *rq = &S_(k)->rq[cpu];
	struct task_struct *curr;
	unsigned long flags;

	local_irq_save(flags);
	spin_lock(&rq->lock);
	WRITE_ONCE(p->cpu, cpu);
	p->wake_cpu = cpu;
	activate_task(rq, p);
	WRITE_ONCE(p->__state, TASK_RUNNING);
	/* wakeup_preempt: the idle task always; a running task only once
	 * the slice it was picked with is used (RUN_TO_PARITY), and only for
	 * a task that would be picked before it (equal weights: no later
	 * vruntime).  Until the tick has seen the slice used it is kept. */
	curr = READ_ONCE(rq->curr);
	if (curr == rq->idle ||
	    (READ_ONCE(curr->slice_used) && p->vruntime <= READ_ONCE(curr->vruntime)))
		resched_curr(k, cpu);
	spin_unlock(&rq->lock);
	local_irq_restore(flags);
}

static int try_to_wake_up(struct task_struct *p, long state)
{
	struct kernel *k = p->k;
	unsigned long flags;
	int cpu, ret = 0;

	local_irq_save(flags);
	spin_lock(&p->pi_lock);
	if (!(READ_ONCE(p->__state) & state))
		goto out;
	/* pairs with the sleeper's barrier between its state and condition */
	smp_mb();
	if (READ_ONCE(p->on_rq)) {
		/* not yet off its run queue: it only needs to keep running */
		struct rq *rq = &S_(k)->rq[task_cpu(p)];

		spin_lock(&rq->lock);
		if (READ_ONCE(p->on_rq)) {
			WRITE_ONCE(p->__state, TASK_RUNNING);
			spin_unlock(&rq->lock);
			ret = 1;
			goto out;
		}
		spin_unlock(&rq->lock);
	}
	/* it may still be switching out on its old CPU: wait until it is off */
	if (!mutant(k, MUT_TTWU_NO_ON_CPU_WAIT))
		smp_cond_load_acquire(&p->on_cpu, !VAL);
	cpu = select_task_rq(k, p);
	ttwu_queue(k, p, cpu);
	ret = 1;
out:
	spin_unlock(&p->pi_lock);
	local_irq_restore(flags);
	return ret;
}

int wake_up_process(struct task_struct *p)
{
	return try_to_wake_up(p, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE);
}

bool vcpu_is_preempted(struct kernel *k, int cpu)
{
	return READ_ONCE(k->steal[cpu].preempted) & KVM_VCPU_PREEMPTED;
}

/* ---- sleeping for a time ------------------------------------------------------------ */

void schedule_hrtimeout(u64 ns)
{
	struct kernel *k = K();
	struct sched_pcpu *pc = this_pcpu(k);
	unsigned long flags;

	local_irq_save(flags);
	BUG_ON(pc->nr_timers == TIMERS_MAX);
	pc->timers[pc->nr_timers].task = current;
	pc->timers[pc->nr_timers].expires = sched_clock() + ns;
	pc->nr_timers++;
	set_current_state(TASK_INTERRUPTIBLE);
	timer_reprogram(k);
	local_irq_restore(flags);
	schedule();
}

/* ---- tasks ----------------------------------------------------------------------------- */

static void task_entry(void *arg)
{
	struct task_struct *p = arg;

	/* schedule_tail: the switch that started us is finished here */
	finish_task_switch(p->k);
	local_irq_enable();
	p->fn(p->arg);
	do_exit();
}

static struct task_struct *task_new(struct kernel *k, struct mm *mm,
				    void (*fn)(void *), void *arg,
				    const char *comm, const struct cpumask *affinity)
{
	struct task_struct *p = kzalloc(k, sizeof(*p));
	int cpu;

	p->k = k;
	p->kind = mm ? TASK_USER : TASK_KTHREAD;
	p->mm = mm;
	p->fn = fn;
	p->arg = arg;
	p->comm = comm;
	p->pid = atomic_fetch_add(&S_(k)->next_pid, 1);
	spin_lock_init(&p->pi_lock, LOCK_CLASS_SPIN);
	if (affinity) {
		p->cpus_allowed = *affinity;
	} else {
		for (cpu = 0; cpu < k->nr_cpus; cpu++)
			__cpumask_set_cpu(cpu, &p->cpus_allowed);
	}
	p->nr_cpus_allowed = __cpumask_weight(&p->cpus_allowed);
	BUG_ON(!p->nr_cpus_allowed);
	p->ctx = env->ctx_create(task_entry, p);
	return p;
}

/* wake_up_new_task; cpu < 0: fork placement chooses */
static struct task_struct *task_start(struct kernel *k, struct task_struct *p,
				      int cpu)
{
	if (cpu < 0)
		cpu = select_task_rq_fork(k, p);
	BUG_ON(!cpu_allowed(p, cpu));

	p->wake_cpu = cpu;
	WRITE_ONCE(p->__state, TASK_UNINTERRUPTIBLE);
	ttwu_queue(k, p, cpu);
	return p;
}

struct task_struct *kthread_create(struct kernel *k, void (*fn)(void *), void *arg,
				   const char *comm, const struct cpumask *affinity)
{
	return task_start(k, task_new(k, NULL, fn, arg, comm, affinity), -1);
}

struct task_struct *task_create(struct kernel *k, struct mm *mm,
				void (*fn)(void *), void *arg, const char *comm,
				const struct cpumask *affinity)
{
	return task_start(k, task_new(k, mm, fn, arg, comm, affinity), -1);
}

struct task_struct *task_create_on(struct kernel *k, struct mm *mm,
				   void (*fn)(void *), void *arg, const char *comm,
				   const struct cpumask *affinity, int cpu)
{
	return task_start(k, task_new(k, mm, fn, arg, comm, affinity), cpu);
}

/* The running task's mm becomes mm, with interrupts off so that no tick
 * sees the task half switched. */
void task_switch_mm(struct mm *mm)
{
	struct task_struct *p = current;
	unsigned long flags;

	local_irq_save(flags);
	p->mm = mm;
	p->kind = TASK_USER;
	switch_mm(K(), mm);
	p->active_mm = mm;
	local_irq_restore(flags);
}

/* exit_mm: the task gives its address space up and runs on init_mm, so
 * that the mm can be torn down (mm_exit) with no CPU running it. */
void task_exit_mm(void)
{
	struct task_struct *p = current;
	struct kernel *k = K();
	unsigned long flags;

	local_irq_save(flags);
	p->mm = NULL;
	p->kind = TASK_KTHREAD;
	switch_mm(k, &k->init_mm);
	p->active_mm = &k->init_mm;
	local_irq_restore(flags);
}

void do_exit(void)
{
	struct kernel *k = K();
	struct rq *rq = &S_(k)->rq[smp_processor_id()];
	struct task_struct *p = current, *next;

	local_irq_disable();
	/* set_special_state (do_task_dead): under pi_lock, so that a waker
	 * that saw the task asleep before it woke by itself, and holds
	 * pi_lock, still finds it queued (ttwu_runnable), never dead and
	 * dequeued.  Found by the checker (scenarios/sched-wake.scn). */
	spin_lock(&p->pi_lock);
	WRITE_ONCE(p->__state, TASK_DEAD);
	spin_unlock(&p->pi_lock);
	spin_lock(&rq->lock);
	WRITE_ONCE(p->on_rq, 0);
	WRITE_ONCE(rq->nr_running, rq->nr_running - 1);
	next = pick_next(k, rq, smp_processor_id(), p);
	WRITE_ONCE(rq->curr, next);
	context_switch(k, p, next, true);
	BUG("a dead task ran again");
}

/* ---- boot and idle ------------------------------------------------------------------- */

void sched_cpu_boot(struct kernel *k, bool guest)
{
	int cpu = smp_processor_id();
	struct rq *rq = &S_(k)->rq[cpu];
	struct task_struct *idle = kzalloc(k, sizeof(*idle));

	idle->k = k;
	idle->kind = TASK_IDLE;
	idle->comm = "swapper";
	idle->ctx = env->ctx_current();
	idle->on_cpu = 1;
	idle->on_rq = 1;
	idle->cpu = cpu;
	idle->active_mm = &k->init_mm;
	spin_lock_init(&idle->pi_lock, LOCK_CLASS_SPIN);
	__cpumask_set_cpu(cpu, &idle->cpus_allowed);
	idle->nr_cpus_allowed = 1;
	/* plain stores: nobody looks at this run queue before the CPU is
	 * online (sched_cpu_online's atomic orders them) */
	rq->idle = idle;
	rq->curr = idle;
	S_(k)->pcpu[cpu].current_task = idle;
	S_(k)->pcpu[cpu].guest = guest;
	register_irq_handler(VEC_TIMER, sched_timer_interrupt);
	env->user_return_register(sched_user_return);
}

/* set_cpu_online: tasks may be placed here from now on. */
void sched_cpu_online(struct kernel *k)
{
	atomic_fetch_add(&S_(k)->nr_online, 1);
}

/* smp_init's end: every CPU is up, so any may be given a task. */
void sched_wait_all_online(struct kernel *k)
{
	int n = k->nr_cpus;

	smp_cond_load_acquire(&S_(k)->nr_online, VAL == n);
}

/* do_idle: wait for something to run, then run it.  MWAIT keeps
 * TIF_POLLING_NRFLAG set, so a waker stores NEED_RESCHED and the
 * monitored line wakes us; HLT clears it first and needs the IPI. */
void sched_cpu_idle(struct kernel *k)
{
	struct task_struct *idle = current;
	bool mwait = k->o.kp[KP_IDLE] == IDLE_MWAIT && !this_pcpu(k)->guest;

	BUG_ON(idle->kind != TASK_IDLE);
	atomic_fetch_or(&idle->ti_flags, _TIF_POLLING_NRFLAG);
	for (;;) {
		while (!need_resched()) {
			u64 t0 = sched_clock();
			unsigned long f;

			local_irq_disable();
			tick_update(k, false);
			if (mwait) {
				f = READ_ONCE(idle->ti_flags);
				local_irq_enable();
				if (!(f & _TIF_NEED_RESCHED))
					cpu_spin_wait(&idle->ti_flags, f, sizeof(f), 0);
			} else {
				f = atomic_fetch_and(&idle->ti_flags, ~_TIF_POLLING_NRFLAG);
				if (f & _TIF_NEED_RESCHED)
					local_irq_enable();
				else
					safe_halt();
				atomic_fetch_or(&idle->ti_flags, _TIF_POLLING_NRFLAG);
			}
			env_stat(STAT_IDLE_NS, sched_clock() - t0);
		}
		__schedule(false, false);
	}
}

void sched_name_objects(struct kernel *k, sched_namer_fn name)
{
	int i;

	for (i = 0; i < k->nr_cpus; i++) {
		struct rq *rq = &S_(k)->rq[i];

		name(&rq->lock, sizeof(rq->lock), "rq%d.lock", i);
		name(&rq->curr, sizeof(rq->curr), "rq%d.curr", i);
		name(&rq->queue, sizeof(rq->queue), "rq%d.queue", i);
		name(&rq->nr_running, sizeof(rq->nr_running), "rq%d.nr_running", i);
		name(&rq->min_vruntime, sizeof(rq->min_vruntime), "rq%d.min_vruntime", i);
		if (!rq->idle)
			continue;
		name(&rq->idle->__state, sizeof(rq->idle->__state), "swapper%d.state", i);
		name(&rq->idle->ti_flags, sizeof(rq->idle->ti_flags), "swapper%d.flags", i);
		name(&rq->idle->on_cpu, sizeof(rq->idle->on_cpu), "swapper%d.on_cpu", i);
	}
}

/* ---- migration ---------------------------------------------------------------------- */

/* Pin the running task to cpu and go there (sched_setaffinity). */
void sched_migrate_current(int cpu)
{
	struct task_struct *p = current;

	cpumask_clear(&p->cpus_allowed);
	__cpumask_set_cpu(cpu, &p->cpus_allowed);
	p->nr_cpus_allowed = 1;
	if (cpu == smp_processor_id())
		return;
	/* leave as a sleeper would and wake ourselves from the new CPU's
	 * point of view: try_to_wake_up waits until we are off this CPU */
	p->migrating = true;
	set_current_state(TASK_UNINTERRUPTIBLE);
	schedule();
}
