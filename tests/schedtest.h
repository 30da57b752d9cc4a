/* SPDX-License-Identifier: GPL-2.0 */
/*
 * schedtest.h - a simulated machine whose kernel runs its scheduler, for
 * unit tests of kernel code that needs tasks (t_sched.c, t_locks.c): the
 * boot order of work/run.c without a workload.  Every CPU boots, comes
 * online and idles; CPU 0 first calls start() once all are up, which
 * creates the test's tasks.  The run ends when `live` tasks have called
 * sim_live_done.
 */
#ifndef TESTS_SCHEDTEST_H
#define TESTS_SCHEDTEST_H

#include "tests/runtest.h"
#include "sim/internal.h"

#define MS	1000000ULL
#define US	1000ULL

struct sched_machine {
	struct sim *s;
	struct kernel *k;
	void (*start)(void);	/* on CPU 0, once every CPU is online */
	FILE *report;
};

static struct sched_machine SM;

static void sm_cpu(void *arg)
{
	(void)arg;
	kernel_cpu_boot(SM.k);
	sched_cpu_online(SM.k);
	if (smp_processor_id() == 0) {
		sched_wait_all_online(SM.k);
		SM.start();
	}
	sched_cpu_idle(SM.k);
}

/* A machine of cpus CPUs (vms 1: one VM of that many vCPUs on as many
 * pCPUs) and its kernel, with ko's options; nothing runs yet. */
static inline void sm_create(int cpus, int vms, struct kernel_opts *ko)
{
	struct sim_config cfg = { .prof = &default_profile,
				  .topo = { .cpus = cpus, .vms = vms,
					    .pcpus = vms ? cpus : 0 },
				  .seed = 1, .time_limit = 1000 * MS * 1000 };
	char err[256];

	SM.report = fopen("/dev/null", "w");
	cfg.report = SM.report;
	SM.s = sim_create(&cfg, err, sizeof(err));
	TEST_ASSERT(SM.s, "%s", err);
	SM.k = kernel_create(cpus, ko);
}

/* Boot every CPU, call start on CPU 0, run until live tasks are done. */
static inline enum sim_end sm_run(void (*start)(void), int live)
{
	int i;

	SM.start = start;
	for (i = 0; i < SM.s->nr_cpus; i++)
		sim_cpu_start(SM.s, i, sm_cpu, NULL, SM.k, false);
	sim_live_add(SM.s, live);
	return sim_run(SM.s);
}

static inline void sm_destroy(void)
{
	sim_destroy(SM.s);
	kernel_destroy(SM.k);
	fclose(SM.report);
}

/* The CPUs whose bits are set in bits, as an affinity mask. */
static inline struct cpumask sm_cpus(u32 bits)
{
	struct cpumask m;
	int i;

	cpumask_clear(&m);
	for (i = 0; i < 32; i++)
		if (bits & 1u << i)
			__cpumask_set_cpu(i, &m);
	return m;
}

/* The options every test kernel starts from: concurrent flushes. */
static inline struct kernel_opts sm_opts(void)
{
	struct kernel_opts ko = { .protocol = protocol_by_name("concurrent"),
				  .flush_ceiling = 33,
				  .csd_lock_timeout_ns = 5000 * MS };

	kernel_opts_defaults(&ko);
	return ko;
}

#endif
