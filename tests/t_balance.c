// SPDX-License-Identifier: GPL-2.0
/*
 * t_balance.c - newidle balancing (proto/sched.c, sched_balance_newidle)
 * on the simulator.
 *
 * Two CPUs.  Tasks X and Y, both allowed on either CPU, start queued on
 * CPU 0, so Y waits behind X.  CPU 1 runs task S, pinned there, which
 * works 1 ms and sleeps 5 ms.  When S sleeps, CPU 1 is about to idle
 * while CPU 0 has a task waiting: it pulls Y, which then runs at once
 * instead of after X.  With Y pinned to CPU 0 nothing may be pulled.
 */
#include "tests/schedtest.h"

struct bt {
	int y_cpu;
	u64 y_start, x_end;
	bool y_pinned;
};

static struct bt B;

static void worker_s(void *arg)
{
	kernel_work(1 * MS);
	schedule_hrtimeout(5 * MS);
	sim_live_done(SM.s);
}

static void worker_x(void *arg)
{
	kernel_work(2 * MS);
	B.x_end = local_clock();
	sim_live_done(SM.s);
}

static void worker_y(void *arg)
{
	B.y_cpu = smp_processor_id();
	B.y_start = local_clock();
	kernel_work(2 * MS);
	sim_live_done(SM.s);
}

static void start(void)
{
	struct cpumask both = sm_cpus(3), c0 = sm_cpus(1), c1 = sm_cpus(2);

	task_create_on(SM.k, NULL, worker_x, NULL, "X", &both, 0);
	task_create_on(SM.k, NULL, worker_y, NULL, "Y", B.y_pinned ? &c0 : &both, 0);
	kthread_create(SM.k, worker_s, NULL, "S", &c1);
}

static void balance_run(bool y_pinned)
{
	struct kernel_opts ko = sm_opts();

	memset(&B, 0, sizeof(B));
	B.y_pinned = y_pinned;
	sm_create(2, 0, &ko);
	sm_run(start, 3);
}

int main(void)
{
	load_default_profile();
	balance_run(false);
	report(SM.s->end == SIM_END_DONE && B.y_cpu == 1 && B.y_start < B.x_end,
	       "CPU 1, going idle, pulls Y from behind X: Y ran on cpu %d from "
	       "%llu us, X ended at %llu us", B.y_cpu,
	       (unsigned long long)(B.y_start / US), (unsigned long long)(B.x_end / US));
	sm_destroy();

	balance_run(true);
	report(SM.s->end == SIM_END_DONE && B.y_cpu == 0 && B.y_start >= B.x_end,
	       "Y pinned to CPU 0 stays behind X: ran on cpu %d from %llu us, "
	       "X ended at %llu us", B.y_cpu, (unsigned long long)(B.y_start / US),
	       (unsigned long long)(B.x_end / US));
	sm_destroy();
	return report_summary();
}
