/* SPDX-License-Identifier: GPL-2.0 */
/*
 * workload.h - scripted user programs that run on the simulated machine, and
 * the runner that builds a machine, boots a kernel, runs one workload and
 * collects its results.
 */
#ifndef WORK_WORKLOAD_H
#define WORK_WORKLOAD_H

#include <signal.h>
#include <stdio.h>

#include "proto/kernel.h"
#include "proto/mm.h"
#include "hw/kvm.h"
#include "sim/profile.h"

struct wl_ctx;
struct sim;
struct thread_arg;

enum wl_metric {
	METRIC_NS_PER_ITER,	/* latency of the initiating thread's loop */
	METRIC_OPS_PER_SEC,	/* throughput of all threads */
};

struct workload {
	const char *name;
	const char *summary;
	enum wl_metric metric;
	u64 default_iters;	/* per measured thread */
	int default_threads;	/* 0: one per CPU */
	u64 default_duration_ns; /* >0: threads run for this simulated time */
	/* Runs on thread 0's CPU inside the machine before the others
	 * start: create the address space, files, mappings. */
	void (*setup)(struct wl_ctx *c);
	/* The body of thread t (0 = the initiating thread). */
	void (*thread)(struct wl_ctx *c, int t);
	/* Threads that the run waits for: all, or just thread 0. */
	bool only_thread0_counted;
	/* Thread t runs on CPU t only (sched_setaffinity): the experiment
	 * needs one thread per CPU where it put it. */
	bool pinned;
};

extern const struct workload *const workloads[];
const struct workload *workload_by_name(const char *name);

#define MAX_VMS 16

struct run_config {
	const struct workload *wl;
	const struct flush_ops *protocol;
	enum mutant mutant;
	enum table_free table_free;
	/* the protocol's parameters (kernel_opts.params); all 0: defaults */
	u64 params[PROTO_MAX_PARAMS];
	bool params_set;
	/* the kernel's parameters (proto/params.h); kparams_set false:
	 * every one at its default */
	u64 kparams[NR_KPARAMS];
	bool kparams_set;
	int vms;		/* 0: bare metal */
	int vcpus;		/* per VM */
	int pcpus;		/* host CPUs */
	enum host_mutant host_mutant;
	u64 duration_ns;	/* throughput workloads: 0 = workload default */
	struct profile prof;
	int cpus;
	int threads;		/* 0: one per CPU */
	int lazy;		/* other threads that mostly sleep (lazy CPUs) */
	u64 iters;		/* 0: the workload's default */
	u64 seed;
	FILE *trace;		/* NULL: none; the caller's, left open */
	volatile sig_atomic_t *stop;	/* non-zero: end the run now */
	bool quiet;		/* do not print violations */
};

struct vm_result {
	double ns_per_iter, ops_per_sec;
	u64 stats[NR_STATS];
	u64 steal_ns;
};

struct run_result {
	int threads;		/* per VM, as run */
	int repeat;		/* runs (seeds) summed or averaged here */
	double ns_per_iter;	/* initiator, simulated (mean over VMs) */
	double ops_per_sec;	/* simulated throughput, summed over VMs */
	u64 iters;
	u64 steal_ns;		/* time vCPUs were runnable but descheduled */
	int nr_vms;
	struct vm_result vm[MAX_VMS];
	u64 stats[NR_STATS];
	u64 violations;
	char first_violation[256];	/* which detector fired first, and why */
	u64 sim_ops;
	u64 sim_ns;		/* simulated time of the run */
	double wall_s;
	bool interrupted;	/* *run_config.stop ended it: not a result */
	bool trace_complete;	/* the whole trace was written to rc->trace */
	int exit_code;		/* 0 ok, 1 violation or failure, 3 internal */
	char failure[320];	/* why exit_code is 1 or 3 */
};

/* Shared state of one run; the workload's own state goes in wl_data. */
struct wl_ctx {
	const struct run_config *rc;
	struct kernel *k;
	struct mm *mm;
	struct file *file;
	int threads;
	u64 iters;
	u64 t_start, t_end;			/* measured window, ns */
	u64 deadline;				/* duration mode: stop then */
	u64 probe_va;				/* what lazy threads read */
	u64 t_done;				/* last counted thread done */
	int vm;
	struct sim *sim;			/* the engine, to say a thread ended */
	struct thread_arg *targs;		/* [threads], set-up, read-only */
	u64 ops ____cacheline_aligned;		/* throughput counter */
	void *wl_data;
};

int run_once(const struct run_config *rc, struct run_result *res);

/* Helpers for workload bodies. */
void wl_spin_forever(struct wl_ctx *c);		/* busy user thread */
void wl_lazy_forever(struct wl_ctx *c);		/* mostly-sleeping thread */
u64 wl_region(int idx);				/* base of a 1 GiB region */
void wl_measure_begin(struct wl_ctx *c);
void wl_measure_end(struct wl_ctx *c, u64 iters);
/* Duration-mode loop condition (always true in iteration mode). */
bool wl_running(struct wl_ctx *c, u64 i);

#endif
