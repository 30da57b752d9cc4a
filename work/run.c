// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - one run: build the machine from the profile, boot the kernel on
 * every CPU, run the workload's threads as tasks of its scheduler, collect.
 *
 * Init order, as it happens:
 *   1. sim_create: CPUs, physical memory, the event heap (plain C)
 *   2. kernel_create: per-CPU kernel state (plain C, before the machine runs)
 *   3. every CPU boots: kernel_cpu_boot installs its handlers, loads init_mm
 *   4. CPU 0 starts the process's first task, then every CPU idles
 *   5. that task runs the workload's setup (address space, mappings),
 *      takes the mm and creates the other threads, placed by the scheduler
 *      (each on its own CPU if the workload pins them)
 *   6. the run ends when the counted threads return
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bug.h"
#include "sim/sim.h"
#include "work/workload.h"

/* kernel/smp.c: csd_lock_timeout = 5000 ms (CONFIG_CSD_LOCK_WAIT_DEBUG) */
#define CSD_LOCK_TIMEOUT_NS	(5000ULL * 1000 * 1000)
#define TIME_LIMIT_PS	(120ULL * 1000 * 1000 * 1000 * 1000) /* 120 s */

/* What a CPU does after boot: CPU 0 of each VM starts the process. */
struct cpu_arg {
	struct wl_ctx *c;
	bool starts_process;
};

/* One thread of the workload's process: a task of the simulated kernel. */
struct thread_arg {
	struct wl_ctx *c;
	int thread;
	bool counted;
};

u64 wl_region(int idx)
{
	return (u64)(idx + 1) << 30;
}

/* Thread t may run on: CPU t if the workload pins its threads (or t is a
 * mostly-sleeping lazy thread, whose CPU must be its own), else anywhere. */
static const struct cpumask *thread_affinity(struct wl_ctx *c, int t,
					     struct cpumask *m)
{
	bool lazy = t > 0 && t >= c->threads - c->rc->lazy;

	if (!c->rc->wl->pinned && !lazy)
		return NULL;
	cpumask_clear(m);
	__cpumask_set_cpu(t, m);
	return m;
}

static void thread_run(struct thread_arg *a)
{
	struct wl_ctx *c = a->c;

	if (a->thread >= c->threads - c->rc->lazy && a->thread > 0)
		wl_lazy_forever(c);
	c->rc->wl->thread(c, a->thread);
	if (a->counted) {
		if (local_clock() > c->t_done)
			c->t_done = local_clock();
		sim_live_done(c->sim);
	}
}

static void thread_main(void *arg)
{
	thread_run(arg);
}

/* The process's first thread: build the address space, become a task of
 * it, start the other threads (pthread_create), then be thread 0. */
static void process_main(void *arg)
{
	struct thread_arg *a = arg;
	struct wl_ctx *c = a->c;
	struct cpumask m;
	int t;

	c->rc->wl->setup(c);
	task_switch_mm(c->mm);
	for (t = 1; t < c->threads; t++)
		task_create(c->k, c->mm, thread_main, &a[t], "thread",
			    thread_affinity(c, t, &m));
	thread_run(a);
}

static void cpu_main(void *arg)
{
	struct cpu_arg *a = arg;
	struct wl_ctx *c = a->c;
	struct cpumask m;

	kernel_cpu_boot(c->k);
	sched_cpu_online(c->k);
	if (a->starts_process) {
		sched_wait_all_online(c->k);
		kthread_create(c->k, process_main, c->targs, "main",
			       thread_affinity(c, 0, &m));
	}
	sched_cpu_idle(c->k);
}

bool wl_running(struct wl_ctx *c, u64 i)
{
	if (c->deadline)
		return local_clock() < c->deadline;
	return i <= c->iters;
}

void wl_spin_forever(struct wl_ctx *c)
{
	(void)c;
	for (;;)
		user_compute(1000000);
}

/*
 * A thread that sleeps most of the time: its CPU runs the idle task with the
 * mm still loaded (lazy TLB), wakes every 20 us, reads probe_va (by default
 * the first page of the main region, so its TLB and page-walk caches hold
 * what the workload unmaps), sleeps.
 */
void wl_lazy_forever(struct wl_ctx *c)
{
	for (;;) {
		(void)user_read(c->probe_va);
		syscall_boundary();			/* nanosleep */
		schedule_hrtimeout(20000);
	}
}

void wl_measure_begin(struct wl_ctx *c)
{
	c->t_start = local_clock();
	if (c->deadline)
		c->deadline += c->t_start;
}

void wl_measure_end(struct wl_ctx *c, u64 iters)
{
	c->t_end = local_clock();
	c->iters = iters;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Per-VM figures from its CPUs' counters and its context. */
static void collect_vm(const struct sim_vm_result *sv, struct wl_ctx *c,
		       struct vm_result *v)
{
	u64 window;

	memcpy(v->stats, sv->stats, sizeof(v->stats));
	v->steal_ns = sv->steal_ns;
	if (c->rc->wl->metric == METRIC_NS_PER_ITER) {
		if (c->iters && c->t_end > c->t_start)
			v->ns_per_iter = (double)(c->t_end - c->t_start) / c->iters;
		return;
	}
	window = c->t_done > c->t_start ? c->t_done - c->t_start : 0;
	if (window && v->stats[STAT_OPS]) {
		v->ops_per_sec = v->stats[STAT_OPS] * 1e9 / window;
		v->ns_per_iter = (double)window * c->threads / v->stats[STAT_OPS];
	}
}

static void collect(const struct sim_result *sr, struct wl_ctx **ctx, int nr,
		    struct run_result *res)
{
	int i, k;

	res->violations = sr->violations;
	snprintf(res->first_violation, sizeof(res->first_violation), "%s",
		 sr->first_violation);
	res->sim_ops = sr->ops;
	res->sim_ns = sr->end_ns;
	res->nr_vms = nr;
	res->threads = ctx[0]->threads;
	for (i = 0; i < nr; i++) {
		struct vm_result *v = &res->vm[i];

		collect_vm(&sr->vm[i], ctx[i], v);
		for (k = 0; k < NR_STATS; k++)
			res->stats[k] += v->stats[k];
		res->steal_ns += v->steal_ns;
		res->ns_per_iter += v->ns_per_iter / nr;
		res->ops_per_sec += v->ops_per_sec;
		res->iters += ctx[i]->iters;
	}
}

static void set_failure(struct run_result *res, int code, const char *msg)
{
	if (res->exit_code)
		return;
	res->exit_code = code;
	snprintf(res->failure, sizeof(res->failure), "%s", msg);
}

/* The workload's shared state lives in its kernel's memory, like any other
 * object the simulated CPUs share. */
static struct wl_ctx *ctx_create(const struct run_config *rc, int vm, int cpus,
				  const struct kernel_opts *ko)
{
	struct kernel *k = kernel_create(cpus, ko);
	struct wl_ctx *c = kzalloc(k, sizeof(*c));

	c->k = k;
	c->rc = rc;
	c->vm = vm;
	c->threads = rc->threads ? rc->threads :
		     rc->wl->default_threads && rc->wl->default_threads < cpus ?
		     rc->wl->default_threads : cpus;
	c->probe_va = wl_region(0);
	c->iters = rc->iters ? rc->iters : rc->wl->default_iters;
	if (rc->wl->default_duration_ns)
		c->deadline = rc->duration_ns ? rc->duration_ns :
			      rc->wl->default_duration_ns;
	return c;
}

int run_once(const struct run_config *rc, struct run_result *res)
{
	struct kernel_opts ko = {
		.protocol = rc->protocol,
		.mutant = rc->mutant,
		.table_free = rc->table_free,
		.flush_ceiling = rc->prof.tlb_flush_ceiling,
		.csd_lock_timeout_ns = CSD_LOCK_TIMEOUT_NS,
	};
	int nr_vms = rc->vms ? rc->vms : 1;
	int per_vm = rc->vms ? rc->vcpus : rc->cpus;
	struct sim_config sc = {
		.prof = &rc->prof,
		.topo = { .vms = rc->vms, .cpus = per_vm, .pcpus = rc->pcpus },
		.host_mutant = rc->host_mutant,
		.seed = rc->seed,
		.trace = rc->trace,
		.stop = rc->stop,
		.time_limit = TIME_LIMIT_PS,
	};
	struct wl_ctx *ctx[MAX_VMS];
	struct sim_result sr;
	struct cpu_arg *args;
	struct sim *s;
	char err[256], msg[300];
	double t0 = now_s();
	int i, v;

	memset(res, 0, sizeof(*res));
	kernel_opts_defaults(&ko);
	if (rc->params_set)
		memcpy(ko.params, rc->params, sizeof(ko.params));
	if (rc->kparams_set)
		memcpy(ko.kp, rc->kparams, sizeof(ko.kp));
	sc.kvm_preempt_any = ko.kp[KP_KVM_PREEMPT_REPORT] == KVM_PREEMPT_ANY;
	if (nr_vms > MAX_VMS) {
		set_failure(res, 3, "too many VMs");
		return res->exit_code;
	}
	sc.report = rc->quiet ? fopen("/dev/null", "w") : stderr;
	s = sim_create(&sc, err, sizeof(err));
	if (!s) {
		set_failure(res, 3, err);
		goto out_report;
	}
	for (v = 0; v < nr_vms; v++)
		ctx[v] = ctx_create(rc, v, per_vm, &ko);
	args = xcalloc(nr_vms * per_vm, sizeof(*args));
	for (v = 0; v < nr_vms; v++) {
		struct wl_ctx *c = ctx[v];

		c->sim = s;
		c->targs = xcalloc(c->threads, sizeof(*c->targs));
		for (i = 0; i < c->threads; i++) {
			c->targs[i].c = c;
			c->targs[i].thread = i;
			c->targs[i].counted = i == 0 ||
				(!rc->wl->only_thread0_counted &&
				 i < c->threads - rc->lazy);
			if (c->targs[i].counted)
				sim_live_add(s, 1);
		}
	}
	for (i = 0; i < nr_vms * per_vm; i++) {
		struct wl_ctx *c = ctx[i / per_vm];

		args[i].c = c;
		args[i].starts_process = i % per_vm == 0;
		sim_cpu_start(s, i, cpu_main, &args[i], c->k, false);
	}

	sim_run(s);
	sim_finish(s, &sr);
	res->wall_s = now_s() - t0;
	collect(&sr, ctx, nr_vms, res);

	switch (sr.end) {
	case SIM_END_DONE:
		break;
	case SIM_END_DEADLOCK:
		set_failure(res, 1, sr.message[0] ? sr.message :
			    "deadlock: every CPU is waiting and none can run");
		break;
	case SIM_END_TIME_LIMIT:
		set_failure(res, 3, "the run exceeded the simulated time limit (120 s)");
		break;
	case SIM_END_ABORT:
		snprintf(msg, sizeof(msg), "run aborted: %s", sr.message);
		set_failure(res, 1, msg);
		break;
	case SIM_END_STOPPED:
		res->interrupted = true;
		set_failure(res, 3, "interrupted");
		break;
	}
	if (res->violations) {
		snprintf(msg, sizeof(msg), "%llu violation%s detected",
			 (unsigned long long)res->violations,
			 res->violations == 1 ? "" : "s");
		set_failure(res, 1, msg);
	}
	if (sr.trace_error[0])
		set_failure(res, 3, sr.trace_error);
	else
		res->trace_complete = rc->trace && !res->interrupted;
	sim_result_free(&sr);
	for (v = 0; v < nr_vms; v++) {
		free(ctx[v]->targs);
		kernel_destroy(ctx[v]->k);	/* the context goes with it */
	}
	free(args);
out_report:
	if (rc->quiet && sc.report)
		fclose(sc.report);
	return res->exit_code;
}
