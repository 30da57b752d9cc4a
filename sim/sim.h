/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim.h - the discrete-event simulator, as its users see it.
 *
 * A machine of simulated CPUs (bare metal, or VMs under a simulated host)
 * that runs kernel-style C written against env.h, in picosecond-resolution
 * simulated time, deterministically: a run is a function of its profile,
 * topology, seed and the code it runs.  The model (time, coherence,
 * scheduling of CPUs) is in docs/model.md; the machine's rules are hw/'s.
 *
 *	struct sim *s = sim_create(&cfg, err, sizeof(err));
 *	sim_cpu_start(s, cpu, fn, arg, kernel, counted);	(each CPU)
 *	sim_run(s);
 *	sim_finish(s, &result);		(collects, writes the trace, frees s)
 *	...
 *	sim_result_free(&result);
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <signal.h>
#include <stdio.h>

#include "env.h"
#include "hw/kvm.h"
#include "sim/profile.h"

struct sim;

/* Bare metal (vms 0): one machine of `cpus` CPUs.  Otherwise `vms` VMs of
 * `cpus` vCPUs each on `pcpus` host CPUs; vCPU j of every VM runs on host
 * CPU j mod pcpus.  Simulated CPUs are numbered VM by VM. */
struct sim_topology {
	int vms;
	int cpus;
	int pcpus;
};

static inline int sim_topology_cpus(const struct sim_topology *t)
{
	return t->vms ? t->vms * t->cpus : t->cpus;
}

struct sim_config {
	const struct profile *prof;
	struct sim_topology topo;
	enum host_mutant host_mutant;
	/* the KVM host's PREEMPTED rule (hw_config.kvm_preempt_any) */
	bool kvm_preempt_any;
	u64 seed;
	FILE *trace;		/* NULL: no trace; the caller's, left open */
	u64 nr_frames;		/* simulated RAM in 4 KiB frames, 0: default */
	ps_t time_limit;	/* 0: none */
	/* The run ends (SIM_END_STOPPED) at the first event after *stop
	 * becomes non-zero, e.g. from a signal handler; NULL: never. */
	volatile sig_atomic_t *stop;
	FILE *report;		/* violations are printed here (NULL: stderr) */
};

enum sim_end {
	SIM_END_DONE,		/* every counted thread returned */
	SIM_END_DEADLOCK,	/* nothing runnable, counted threads remain */
	SIM_END_TIME_LIMIT,
	SIM_END_ABORT,		/* a fatal report (a stuck call) ended it */
	SIM_END_STOPPED,	/* *sim_config.stop was set: results are partial */
};

/* Counters of one VM (bare metal: the one machine). */
struct sim_vm_result {
	u64 stats[NR_STATS];	/* summed over its CPUs */
	u64 steal_ns;		/* runnable but descheduled by the host */
};

struct sim_result {
	enum sim_end end;
	char message[256];	/* deadlock or abort: what happened */
	u64 violations;
	char first_violation[256];	/* its message, without cpu and time */
	u64 ops;		/* simulated primitive operations */
	u64 end_ns;		/* simulated time when the run ended */
	int nr_vms;		/* entries of vm[], at least 1 */
	struct sim_vm_result *vm;
	char trace_error[256];	/* not empty: the trace could not be written */
};

struct sim *sim_create(const struct sim_config *cfg, char *err, size_t errlen);
/* What CPU cpu runs: fn(arg), with this_kernel() returning kernel.  The run
 * ends when every counted CPU's fn has returned. */
void sim_cpu_start(struct sim *s, int cpu, void (*fn)(void *), void *arg,
		   void *kernel, bool counted);
/* Work the run also waits for that is not a CPU's fn (tasks of a
 * scheduler, which CPUs run in turn): n more pieces before sim_run; each
 * calls sim_live_done from inside the machine when it ends. */
void sim_live_add(struct sim *s, int n);
void sim_live_done(struct sim *s);
enum sim_end sim_run(struct sim *s);
/* After sim_run: fill r, finish the trace, free the machine. */
void sim_finish(struct sim *s, struct sim_result *r);
void sim_result_free(struct sim_result *r);
/* Free a machine that will not run (or has run and is not finished). */
void sim_destroy(struct sim *s);

#endif
