// SPDX-License-Identifier: GPL-2.0
/*
 * t_sched.c - the simulated kernel's scheduler (proto/sched.c) on the
 * simulator: preemption at the tick, no CR3 write between two threads of
 * one mm, lazy TLB entered by idle and caught up by generation, no IPI to
 * wake a CPU idling in MWAIT, more tasks than CPUs, migration.
 *
 * Each test boots a small machine the way work/run.c does: every CPU boots
 * and idles; CPU 0 starts the test's task once all are up.  The task ends
 * the run with sim_live_done.  Results are read white-box from the
 * simulator's CPUs and the tasks' counters after the run.
 */
#include "tests/schedtest.h"
#include "proto/mm.h"

struct st {
	struct sim *s;
	struct kernel *k;
	struct mm *mm, *mm2;
	void (*main)(struct st *t);
	/* what the tests record (host memory: only read after the run) */
	u64 spins[4];
	u64 cr3_before, cr3_after;
	struct task_struct *tasks[8];
	int done, ran_on;
	volatile int flag;
};

static struct st T;

static void st_task_main(void *arg)
{
	struct st *t = arg;

	t->main(t);
	sim_live_done(t->s);
}

/* CPU 0, all CPUs online: the test's task, pinned there. */
static void st_start(void)
{
	struct cpumask m;

	cpumask_clear(&m);
	__cpumask_set_cpu(0, &m);
	kthread_create(T.k, st_task_main, &T, "test", &m);
}

static int st_vms;		/* 1: one VM of cpus vCPUs on as many pCPUs */
static enum kp_pvspin st_pvspin;

/* Run main as a task on CPU 0 of a machine of cpus CPUs. */
static void st_run(int cpus, void (*main)(struct st *), enum kp_idle idle,
		   enum kp_hz hz, enum mutant mut)
{
	struct kernel_opts ko = sm_opts();

	memset(&T, 0, sizeof(T));
	ko.mutant = mut;
	ko.kp[KP_IDLE] = idle;
	ko.kp[KP_HZ] = hz;
	ko.kp[KP_PVSPIN] = st_pvspin;
	sm_create(cpus, st_vms, &ko);
	T.s = SM.s;
	T.k = SM.k;
	T.main = main;
	sm_run(st_start, 1);
}

static u64 cpu_stat(int cpu, enum env_stat st)
{
	return T.s->cpus[cpu].stats[st];
}

static u64 all_stat(enum env_stat st)
{
	u64 n = 0;
	int i;

	for (i = 0; i < T.s->nr_cpus; i++)
		n += T.s->cpus[i].stats[st];
	return n;
}

static void st_done(void)
{
	sm_destroy();
}

static struct cpumask one_cpu(int cpu)
{
	return sm_cpus(1u << cpu);
}

/* ---- preemption at the tick; CR3 across switches ---------------------------- */

static void spinner(void *arg)
{
	u64 *n = arg;

	for (;;) {
		user_compute(20 * US);
		(*n)++;		/* its own counter: only it writes it */
	}
}

/* Two CPU-bound tasks share CPU 1; both must progress, by preemption. */
static void two_spinners(struct st *t, struct mm *a, struct mm *b)
{
	struct cpumask m = one_cpu(1);

	t->tasks[0] = task_create(t->k, a, spinner, &t->spins[0], "a", &m);
	t->tasks[1] = task_create(t->k, b, spinner, &t->spins[1], "b", &m);
	schedule_hrtimeout(10 * MS);
	t->cr3_before = t->s->cpus[1].hw.cr3_writes;
	schedule_hrtimeout(30 * MS);
	t->cr3_after = t->s->cpus[1].hw.cr3_writes;
}

static void main_same_mm(struct st *t)
{
	t->mm = mm_create(t->k);
	two_spinners(t, t->mm, t->mm);
}

static void main_two_mms(struct st *t)
{
	t->mm = mm_create(t->k);
	t->mm2 = mm_create(t->k);
	two_spinners(t, t->mm, t->mm2);
}

static void test_tick(void)
{
	u64 sw250, sw1000, a, b;

	report_prefix_push("tick");
	st_run(2, main_same_mm, IDLE_MWAIT, HZ_250, MUT_NONE);
	a = T.spins[0];
	b = T.spins[1];
	sw250 = T.tasks[0]->nivcsw + T.tasks[1]->nivcsw;
	report(a > 500 && b > 500 && a < 3 * b && b < 3 * a,
	       "two CPU-bound tasks on one CPU both progress (%llu and %llu "
	       "slices of 20 us in 40 ms)", (unsigned long long)a,
	       (unsigned long long)b);
	/* a slice of 1.5 ms (2 CPUs) checked at 4 ms ticks: a switch a tick */
	report(sw250 >= 8 && sw250 <= 12,
	       "HZ=250: preempted at the tick, %llu involuntary switches in 40 ms",
	       (unsigned long long)sw250);
	report(T.cr3_after == T.cr3_before,
	       "switching between two threads of one mm writes no CR3 (%llu writes "
	       "over %llu switches)", (unsigned long long)(T.cr3_after - T.cr3_before),
	       (unsigned long long)sw250);
	st_done();

	st_run(2, main_same_mm, IDLE_MWAIT, HZ_1000, MUT_NONE);
	sw1000 = T.tasks[0]->nivcsw + T.tasks[1]->nivcsw;
	report(sw1000 > sw250 * 2,
	       "HZ=1000 checks the slice more often: %llu switches against %llu",
	       (unsigned long long)sw1000, (unsigned long long)sw250);
	st_done();

	st_run(2, main_two_mms, IDLE_MWAIT, HZ_250, MUT_NONE);
	report(T.cr3_after - T.cr3_before >= 6,
	       "between threads of two mms every switch writes CR3 (%llu writes)",
	       (unsigned long long)(T.cr3_after - T.cr3_before));
	st_done();
	report_prefix_pop();
}

/* ---- lazy TLB by idle, caught up by generation ------------------------------------ */

static void sleepy_reader(void *arg)
{
	for (;;) {
		(void)user_read(wl_region(0));
		syscall_boundary();
		schedule_hrtimeout(30 * US);
	}
}

/* A kernel thread shares CPU 1 with the reader: it borrows the mm, so
 * switching to it leaves CPU 1 lazy too, and switching back catches up. */
static void busy_kthread(void *arg)
{
	(void)arg;
	for (;;) {
		kernel_work(5 * US);
		cond_resched();
	}
}

/* The test's task, on CPU 0, shares a page with a sleepy reader on CPU 1
 * (and, if kworker, a busy kernel thread there too), then drops and
 * rewrites the page iters times: every drop is a shootdown that finds
 * CPU 1 lazy or not. */
static void drop_against_lazy_cpu(struct st *t, bool kworker, int iters)
{
	struct cpumask m = one_cpu(1);
	u64 page = wl_region(0);
	int i;

	t->mm = mm_create(t->k);
	mm_add_vma(t->mm, wl_region(0), wl_region(1), VMA_ANON, true, NULL, 0);
	task_switch_mm(t->mm);
	user_write(page, 1);
	task_create(t->k, t->mm, sleepy_reader, NULL, "reader", &m);
	if (kworker)
		kthread_create(t->k, busy_kthread, NULL, "kworker", &m);
	for (i = 0; i < iters; i++) {
		sys_madvise_dontneed(t->mm, page, PAGE_SIZE);
		user_write(page, i);
		user_compute(2 * US);
	}
}

static void main_lazy(struct st *t)
{
	drop_against_lazy_cpu(t, false, 400);
}

static void main_lazy_kthread(struct st *t)
{
	drop_against_lazy_cpu(t, true, 3000);
}

static void test_lazy(void)
{
	report_prefix_push("lazy");
	st_run(2, main_lazy, IDLE_MWAIT, HZ_250, MUT_NONE);
	report(cpu_stat(1, STAT_LAZY_ENTRIES) > 10,
	       "CPU 1 enters lazy TLB when its task sleeps (%llu times)",
	       (unsigned long long)cpu_stat(1, STAT_LAZY_ENTRIES));
	report(cpu_stat(0, STAT_LAZY_SKIPPED) > 10 && cpu_stat(1, STAT_FULL_FLUSHES) > 0,
	       "shootdowns skip it while lazy (%llu) and it catches up by "
	       "generation when its task returns (%llu full flushes)",
	       (unsigned long long)cpu_stat(0, STAT_LAZY_SKIPPED),
	       (unsigned long long)cpu_stat(1, STAT_FULL_FLUSHES));
	report(T.s->viol.count == 0 && T.s->end == SIM_END_DONE,
	       "no stale translation is used (%llu violations)",
	       (unsigned long long)T.s->viol.count);
	st_done();

	st_run(2, main_lazy, IDLE_MWAIT, HZ_250, MUT_LAZY_NO_CATCHUP);
	report(T.s->viol.count > 0,
	       "mutant lazy-no-catchup: the stale translation is caught (%llu "
	       "violations: %s)", (unsigned long long)T.s->viol.count, T.s->viol.first);
	st_done();

	st_run(2, main_lazy_kthread, IDLE_MWAIT, HZ_250, MUT_NONE);
	/* the reader, woken behind the kernel thread, runs when the tick
	 * ends the thread's slice and it calls cond_resched() */
	report(cpu_stat(1, STAT_LAZY_ENTRIES) > 0 &&
	       cpu_stat(1, STAT_FULL_FLUSHES) > 0 && T.s->viol.count == 0 &&
	       T.s->end == SIM_END_DONE,
	       "a kernel thread sharing CPU 1 leaves it lazy too, and the reader "
	       "catches up after it: %llu entries, %llu catch-up flushes, %llu "
	       "violations",
	       (unsigned long long)cpu_stat(1, STAT_LAZY_ENTRIES),
	       (unsigned long long)cpu_stat(1, STAT_FULL_FLUSHES),
	       (unsigned long long)T.s->viol.count);
	st_done();
	report_prefix_pop();
}

/* ---- wake-ups: polling idle needs no IPI -------------------------------------------- */

static void waiter(void *arg)
{
	struct st *t = arg;

	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (READ_ONCE(t->flag))
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	t->ran_on = smp_processor_id();
	WRITE_ONCE(t->done, 1);
}

static void main_wake(struct st *t)
{
	struct cpumask m = one_cpu(1);
	struct task_struct *w = task_create(t->k, NULL, waiter, t, "waiter", &m);

	schedule_hrtimeout(50 * US);		/* it runs and sleeps */
	WRITE_ONCE(t->flag, 1);
	wake_up_process(w);
	smp_cond_load_acquire(&t->done, VAL);
}

static void test_wake(void)
{
	u64 mwait, hlt;

	report_prefix_push("wake");
	st_run(2, main_wake, IDLE_MWAIT, HZ_250, MUT_NONE);
	mwait = cpu_stat(0, STAT_WAKEUP_IPIS);
	report(T.done && T.ran_on == 1 && mwait == 0,
	       "idle=mwait: waking the task of a polling idle CPU sends no IPI "
	       "(%llu; it ran on cpu %d)", (unsigned long long)mwait, T.ran_on);
	st_done();
	st_run(2, main_wake, IDLE_HLT, HZ_250, MUT_NONE);
	hlt = cpu_stat(0, STAT_WAKEUP_IPIS);
	report(T.done && T.ran_on == 1 && hlt >= 1,
	       "idle=hlt: the same wake-up sends a reschedule IPI (%llu)",
	       (unsigned long long)hlt);
	st_done();
	report_prefix_pop();
}

/* ---- more tasks than CPUs; migration ---------------------------------------------- */

static void worker(void *arg)
{
	struct st *t = arg;
	int i;

	for (i = 0; i < 50; i++)
		user_compute(20 * US);		/* 1 ms in all */
	if (atomic_inc_return(&t->done) == 6)
		wake_up_process(t->tasks[0]);
}

/* The main task sleeps until the last worker wakes it: a kernel task
 * that spun would keep its CPU (the kernel is not preemptible). */
static void main_many(struct st *t)
{
	int i;

	t->tasks[0] = current;
	t->mm = mm_create(t->k);
	for (i = 0; i < 6; i++)
		task_create(t->k, t->mm, worker, t, "worker", NULL);
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (READ_ONCE(t->done) == 6)
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

static void main_migrate(struct st *t)
{
	int before = smp_processor_id();

	sched_migrate_current(2);
	t->ran_on = before * 10 + smp_processor_id();
}

static void test_many(void)
{
	u64 end;

	report_prefix_push("many");
	st_run(2, main_many, IDLE_MWAIT, HZ_250, MUT_NONE);
	end = T.s->end_time / 1000;
	report(T.done == 6 && T.s->end == SIM_END_DONE,
	       "6 tasks of 1 ms on 2 CPUs all finish");
	report(end >= 3 * MS && end < 4 * MS,
	       "work-conserving: they take %llu us (3000 us of work per CPU)",
	       (unsigned long long)(end / 1000));
	report(all_stat(STAT_CONTEXT_SWITCHES) >= 6,
	       "with %llu context switches", (unsigned long long)all_stat(STAT_CONTEXT_SWITCHES));
	st_done();

	st_run(4, main_migrate, IDLE_MWAIT, HZ_250, MUT_NONE);
	report(T.ran_on == 2 && T.s->end == SIM_END_DONE,
	       "sched_migrate_current(2) from cpu 0 goes on on cpu 2 (%d)", T.ran_on);
	st_done();
	report_prefix_pop();
}

/* ---- paravirtual spinlocks ------------------------------------------------------ */

static spinlock_t *pv_lock;
static u64 pv_got_at, pv_released_at;

static void pv_waiter(void *arg)
{
	struct st *t = arg;

	spin_lock(pv_lock);
	pv_got_at = local_clock();
	spin_unlock(pv_lock);
	WRITE_ONCE(t->done, 1);
}

/* vCPU 0 holds the lock for 2 ms, far past SPIN_THRESHOLD pauses (0.43 ms
 * at the default profile's PAUSE); vCPUs 1 and 2 queue for it: the head
 * halts with the lock hashed, the waiter behind it halts on its node. */
static void main_pv(struct st *t)
{
	struct cpumask m1 = one_cpu(1), m2 = one_cpu(2);

	pv_lock = kzalloc(t->k, sizeof(*pv_lock));
	spin_lock_init(pv_lock, LOCK_CLASS_SPIN);
	spin_lock(pv_lock);
	task_create(t->k, NULL, pv_waiter, t, "waiter1", &m1);
	task_create(t->k, NULL, pv_waiter, t, "waiter2", &m2);
	kernel_work(2 * MS);
	pv_released_at = local_clock();
	spin_unlock(pv_lock);
	schedule_hrtimeout(1 * MS);
}

static void test_pvspin(void)
{
	u64 kicks;

	report_prefix_push("pvspin");
	st_vms = 1;
	st_pvspin = PVSPIN_ON;
	st_run(3, main_pv, IDLE_HLT, HZ_250, MUT_NONE);
	kicks = all_stat(STAT_PV_KICKS);
	report(T.s->end == SIM_END_DONE && kicks >= 1 && pv_got_at >= pv_released_at,
	       "a guest waiter past SPIN_THRESHOLD halts and the unlocker kicks it "
	       "(%llu kicks; it got the lock %llu ns after the release)",
	       (unsigned long long)kicks,
	       (unsigned long long)(pv_got_at - pv_released_at));
	st_done();
	st_pvspin = PVSPIN_OFF;
	st_run(3, main_pv, IDLE_HLT, HZ_250, MUT_NONE);
	report(T.s->end == SIM_END_DONE && all_stat(STAT_PV_KICKS) == 0,
	       "pvspin=off: the waiters spin, no kick (%llu)",
	       (unsigned long long)all_stat(STAT_PV_KICKS));
	st_done();
	st_vms = 0;
	st_pvspin = PVSPIN_ON;
	report_prefix_pop();
}

int main(void)
{
	load_default_profile();
	test_tick();
	test_lazy();
	test_wake();
	test_many();
	test_pvspin();
	return report_summary();
}
