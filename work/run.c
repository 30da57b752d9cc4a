// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - one run: build the machine from the profile, boot the kernel on
 * every CPU, run the workload's threads (thread i on CPU i), collect.
 *
 * Init order, as it happens:
 *   1. sim_create: CPUs, physical memory, the event heap (plain C)
 *   2. kernel_create: per-CPU kernel state (plain C, before the machine runs)
 *   3. every CPU boots: kernel_cpu_boot installs its handlers, loads init_mm
 *   4. thread 0's CPU runs the workload's setup (address space, mappings)
 *   5. the other threads switch to the workload's mm and start
 *   6. the run ends when the counted threads return
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/sim.h"
#include "sim/trace.h"
#include "work/workload.h"

#define WATCHDOG_NS	(50ULL * 1000 * 1000)	/* 50 ms: a stuck call */
#define TIME_LIMIT_PS	(120ULL * 1000 * 1000 * 1000 * 1000) /* 120 s */

struct cpu_arg {
	struct wl_ctx *c;
	int thread;		/* -1: no thread on this CPU */
};

u64 wl_region(int idx)
{
	return (u64)(idx + 1) << 30;
}

static void cpu_main(void *arg)
{
	struct cpu_arg *a = arg;
	struct wl_ctx *c = a->c;
	const struct workload *wl = c->rc->wl;

	kernel_cpu_boot(c->k);
	if (a->thread < 0)
		return;			/* an idle CPU on init_mm */
	if (a->thread == 0) {
		wl->setup(c);
		smp_store_release(&c->ready, 1u);
	} else {
		smp_cond_load_acquire(&c->ready, VAL);
	}
	switch_mm(c->k, c->mm);
	if (a->thread >= c->threads - c->rc->lazy && a->thread > 0)
		wl_lazy_forever(c);
	wl->thread(c, a->thread);
}

void wl_spin_forever(struct wl_ctx *c)
{
	(void)c;
	for (;;)
		env->compute(1000000);
}

/*
 * A thread that sleeps most of the time: its CPU runs the idle task with the
 * mm still loaded (lazy TLB), wakes every 20 us, reads the first page of the
 * workload's main region (so its TLB and page-walk caches hold it), sleeps.
 */
void wl_lazy_forever(struct wl_ctx *c)
{
	for (;;) {
		switch_mm(c->k, c->mm);
		(void)user_read(wl_region(0));
		env->syscall();			/* blocks: into the kernel */
		enter_lazy_tlb(c->k);
		env->halt(20000);
	}
}

void wl_measure_begin(struct wl_ctx *c)
{
	c->t_start = env->clock_ns();
}

void wl_measure_end(struct wl_ctx *c, u64 iters)
{
	c->t_end = env->clock_ns();
	c->iters = iters;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void collect(struct sim *s, struct wl_ctx *c, struct run_result *res)
{
	const struct workload *wl = c->rc->wl;
	u64 window;

	sim_stats(s, res->stats);
	res->violations = s->viol.count;
	res->sim_ops = s->ops;
	res->sim_ns = s->end_time / 1000;
	res->iters = c->iters;
	if (wl->metric == METRIC_NS_PER_ITER) {
		if (c->iters && c->t_end > c->t_start)
			res->ns_per_iter = (double)(c->t_end - c->t_start) / c->iters;
	} else {
		window = res->sim_ns > c->t_start ? res->sim_ns - c->t_start : 0;
		if (window)
			res->ops_per_sec = res->stats[STAT_OPS] * 1e9 / window;
		if (res->stats[STAT_OPS])
			res->ns_per_iter = (double)window * c->threads /
					   res->stats[STAT_OPS];
	}
}

static void set_failure(struct run_result *res, int code, const char *msg)
{
	if (res->exit_code)
		return;
	res->exit_code = code;
	snprintf(res->failure, sizeof(res->failure), "%s", msg);
}

int run_once(const struct run_config *rc, struct run_result *res)
{
	struct kernel_opts ko = {
		.protocol = rc->protocol,
		.mutant = rc->mutant,
		.flush_ceiling = rc->prof.tlb_flush_ceiling,
		.watchdog_ns = WATCHDOG_NS,
	};
	struct sim_config sc = {
		.prof = &rc->prof,
		.nr_cpus = rc->cpus,
		.seed = rc->seed,
		.trace_path = rc->trace_path,
		.time_limit = TIME_LIMIT_PS,
	};
	struct cpu_arg *args;
	struct wl_ctx *c;
	struct sim *s;
	char err[256], msg[300];
	double t0 = now_s();
	enum sim_end end;
	int i;

	memset(res, 0, sizeof(*res));
	sc.report = rc->quiet ? fopen("/dev/null", "w") : stderr;
	s = sim_create(&sc, err, sizeof(err));
	if (!s) {
		set_failure(res, 3, err);
		goto out_report;
	}
	c = aligned_alloc(SMP_CACHE_BYTES, (sizeof(*c) + 63) & ~63UL);
	memset(c, 0, sizeof(*c));
	c->rc = rc;
	c->threads = rc->threads ? rc->threads : rc->cpus;
	c->iters = rc->iters ? rc->iters : rc->wl->default_iters;
	c->k = kernel_create(rc->cpus, &ko);
	args = calloc(rc->cpus, sizeof(*args));
	for (i = 0; i < rc->cpus; i++) {
		bool counted;

		args[i].c = c;
		args[i].thread = i < c->threads ? i : -1;
		counted = i == 0 || (i < c->threads && !rc->wl->only_thread0_counted &&
				     i < c->threads - rc->lazy);
		sim_cpu_start(s, i, cpu_main, &args[i], c->k, counted);
	}

	end = sim_run(s);
	res->wall_s = now_s() - t0;
	collect(s, c, res);

	switch (end) {
	case SIM_END_DONE:
		break;
	case SIM_END_DEADLOCK:
		set_failure(res, 1, "deadlock: every CPU is waiting and none can run");
		break;
	case SIM_END_TIME_LIMIT:
		set_failure(res, 3, "the run exceeded the simulated time limit (120 s)");
		break;
	case SIM_END_ABORT:
		snprintf(msg, sizeof(msg), "run aborted: %s", s->abort_msg);
		set_failure(res, 1, msg);
		break;
	}
	if (res->violations) {
		snprintf(msg, sizeof(msg), "%llu violation%s detected",
			 (unsigned long long)res->violations,
			 res->violations == 1 ? "" : "s");
		set_failure(res, 1, msg);
	}
	if (s->trace) {
		struct trace *t = s->trace;
		s->trace = NULL;
		if (trace_close(t, err, sizeof(err)))
			set_failure(res, 3, err);
	}
	sim_destroy(s);
	kernel_destroy(c->k);
	free(c->wl_data);
	free(args);
	free(c);
out_report:
	if (rc->quiet && sc.report)
		fclose(sc.report);
	return res->exit_code;
}
