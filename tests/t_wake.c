// SPDX-License-Identifier: GPL-2.0
/*
 * t_wake.c - try_to_wake_up's on_cpu rule on the simulator, and the
 * simulator's check that no task context runs on two CPUs at once.
 *
 * Three CPUs.  A thread of another process keeps CPU 1 busy.  The sleeper S may run on
 * CPUs 1 and 2; each round it moves back to CPU 1, says it is going to
 * sleep, and sleeps.  The waker on CPU 0 sees that, waits a little (a
 * different delay each round, sweeping the window) and wakes S.  CPU 1 is
 * busy, so wake-up placement puts S on CPU 2, idle.  If the waker reads
 * S's on_rq after S was dequeued but before CPU 1 has switched away from
 * S's stack, only the on_cpu wait keeps CPU 2 from running S at once: the
 * mutant ttwu-no-on-cpu-wait drops it, and the simulator must report the
 * context switched to while it still runs on CPU 1.
 *
 * In the simulator's timing that window is closed: CPU 2 needs longer to
 * leave MWAIT, lock its run queue and switch mm than CPU 1 needs to finish
 * its switch, so the mutant goes unseen here (the checker, which has no
 * timing, finds it: scenarios/sched-wake.scn).  The simulator's check is
 * therefore also driven directly: a task switching to the context of a
 * task that runs on another CPU.
 */
#include "tests/schedtest.h"
#include "proto/mm.h"

#define ROUNDS	400

struct wt {
	struct task_struct *sleeper;
	int ready, woken, stop;
	int rounds, on_cpu2;
};

static struct wt W;

/* A thread of another process: switching from the sleeper to it writes
 * CR3, which keeps CPU 1 on the sleeper's stack a while after dequeueing
 * it (context_switch switches mm before stacks). */
static void busy(void *arg)
{
	while (!READ_ONCE(W.stop))
		user_compute(2 * US);
	sim_live_done(SM.s);
}

static void sleeper(void *arg)
{
	struct task_struct *me = current;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		/* back to CPU 1, then allowed on 1 and 2 again (its own
		 * affinity, which only it changes) */
		sched_migrate_current(1);
		__cpumask_set_cpu(2, &me->cpus_allowed);
		me->nr_cpus_allowed = 2;
		for (;;) {
			set_current_state(TASK_UNINTERRUPTIBLE);
			WRITE_ONCE(W.ready, 1);
			if (READ_ONCE(W.woken))
				break;
			schedule();
		}
		__set_current_state(TASK_RUNNING);
		WRITE_ONCE(W.woken, 0);
		if (smp_processor_id() == 2)
			W.on_cpu2++;
		W.rounds++;
	}
	WRITE_ONCE(W.stop, 1);
	sim_live_done(SM.s);
}

static void waker(void *arg)
{
	u64 i;

	for (i = 0; ; i++) {
		while (!READ_ONCE(W.ready)) {
			if (READ_ONCE(W.stop))
				goto out;
			cpu_relax();
		}
		WRITE_ONCE(W.ready, 0);
		kernel_work(50 + i * 37 % 3000);
		WRITE_ONCE(W.woken, 1);
		wake_up_process(W.sleeper);
	}
out:
	sim_live_done(SM.s);
}

static void start(void)
{
	struct cpumask c0 = sm_cpus(1), c1 = sm_cpus(2), c12 = sm_cpus(6);

	task_create(SM.k, mm_create(SM.k), busy, NULL, "busy", &c1);
	W.sleeper = task_create(SM.k, mm_create(SM.k), sleeper, NULL, "sleeper",
				&c12);
	kthread_create(SM.k, waker, NULL, "waker", &c0);
}

static void wake_run(enum mutant m)
{
	struct kernel_opts ko = sm_opts();

	memset(&W, 0, sizeof(W));
	ko.mutant = m;
	sm_create(3, 0, &ko);
	sm_run(start, 3);
}

static struct task_struct *spinning;

static void spin_on_cpu1(void *arg)
{
	WRITE_ONCE(W.ready, 1);
	while (!READ_ONCE(W.stop))
		user_compute(1 * US);
	sim_live_done(SM.s);
}

/* What a scheduler that lost the on_cpu rule would do, by hand. */
static void steal_context(void *arg)
{
	unsigned long flags;

	while (!READ_ONCE(W.ready))
		cpu_relax();
	local_irq_save(flags);
	env->ctx_switch(spinning->ctx);
	local_irq_restore(flags);
	sim_live_done(SM.s);
}

static void start_steal(void)
{
	struct cpumask c0 = sm_cpus(1), c1 = sm_cpus(2);

	spinning = kthread_create(SM.k, spin_on_cpu1, NULL, "spinner", &c1);
	kthread_create(SM.k, steal_context, NULL, "thief", &c0);
}

int main(void)
{
	load_default_profile();
	wake_run(MUT_NONE);
	report(W.rounds == ROUNDS && SM.s->viol.count == 0 && SM.s->end == SIM_END_DONE,
	       "the correct kernel: %d of %d wake-ups, %d of them onto the idle "
	       "CPU 2, no violation (%llu)", W.rounds, ROUNDS, W.on_cpu2,
	       (unsigned long long)SM.s->viol.count);
	report(W.on_cpu2 >= ROUNDS / 4,
	       "placement moves the sleeper off its busy CPU (%d of %d)",
	       W.on_cpu2, ROUNDS);
	sm_destroy();

	wake_run(MUT_TTWU_NO_ON_CPU_WAIT);
	/* a fact about the timing, not a property: a diagnostic */
	printf("# mutant ttwu-no-on-cpu-wait in the simulator: %llu violations "
	       "in %d rounds (the window is closed by timing)\n",
	       (unsigned long long)SM.s->viol.count, W.rounds);
	sm_destroy();

	{
		struct kernel_opts ko = sm_opts();

		memset(&W, 0, sizeof(W));
		sm_create(2, 0, &ko);
		sm_run(start_steal, 2);
		report(SM.s->viol.count == 1 &&
		       strstr(SM.s->viol.first, "still runs on cpu 1"),
		       "switching to the context of a task running on cpu 1 is "
		       "reported and ends the run (%s)", SM.s->viol.first);
		sm_destroy();
	}
	return report_summary();
}
