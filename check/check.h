/* SPDX-License-Identifier: GPL-2.0 */
/*
 * check.h - the interleaving checker: run kernel-style code written against
 * env.h on a small x86 machine (2-4 CPUs, 64 frames of RAM) under every
 * schedule up to a preemption bound, or under random PCT schedules, with
 * x86-TSO store buffers, and report the shortest schedule that breaks an
 * invariant.  See docs/checker.md for the model.
 *
 * The program is replayed from scratch for every schedule, so it must be
 * deterministic given the schedule: setup() resets all of its state, and
 * memory it allocates per run comes from check_alloc() (stable addresses).
 *
 *   struct check_program p = { .nr_cpus = 2, .setup = my_setup,
 *                              .cpu_main = { writer, reader } };
 *   struct check_config cfg = { .bound = 2 };
 *   struct check_result r;
 *   check_explore(&p, &cfg, &r);
 *   if (r.violation) puts(r.counterexample);
 *   check_result_free(&r);
 */
#ifndef CHECK_CHECK_H
#define CHECK_CHECK_H

#include <stdio.h>

#include "env.h"
#include "hw/kvm.h"

#define CHECK_MAX_CPUS 4

struct check_program {
	const char *name;
	int nr_cpus;
	/* Once, before the first run, outside the machine: env operations act
	 * at once, on the CPU chosen with check_on_cpu() (0 by default), with
	 * no scheduling and no store buffers.  Build what every run starts
	 * from: kernel, address spaces, page tables, CPU state.  The frames,
	 * the CPUs' state and the memory given to check_snapshot() are
	 * restored before every run. */
	void (*init)(void *data);
	/* Before every run, the same way: reset what init() did not save,
	 * name locations for counterexamples. */
	void (*setup)(void *data);
	/* Each CPU's code; NULL: the CPU only takes interrupts. */
	void (*cpu_main[CHECK_MAX_CPUS])(void *data);
	/* After a run in which every CPU returned and the store buffers were
	 * drained: final-state assertions (check_fail). */
	void (*teardown)(void *data);
	void *data;
	void *kernel;		/* what env->kernel() returns (NULL: data) */
};

struct check_result;

struct check_config {
	bool sc;		/* sequential consistency: no store buffers */
	int bound;		/* preemption bound; < 0: none (source-DPOR) */
	u64 random_runs;	/* > 0: PCT random mode, this many runs */
	u64 seed;		/* random mode */
	int pct_depth;		/* PCT bug depth d; 0: 3 */
	u64 max_steps;		/* events per execution; 0: 4000 */
	u64 max_schedules;	/* stop after this many executions; 0: none */
	double max_seconds;	/* stop after this long; 0: none */
	/* After the first violation, executions spent looking for a shorter
	 * one (0: 20000; use 1 to stop at the first). */
	u64 shorten;
	/* The exhaustive search starts with this many PCT runs, which find
	 * most bugs in milliseconds (0: 1000; use -1 for none). */
	s64 prelude;
	/* A KVM-like host under the CPUs (now vCPUs): it may deschedule each
	 * at any point, up to host_deschedules times per run (0: 1), keeps
	 * steal time (env->pv_steal_time) and flushes on entry. */
	bool host;
	int host_deschedules;
	u32 host_cpus;		/* vCPUs the host may deschedule; 0: all */
	u32 nmi_cpus;		/* CPUs that take one perf NMI per run, anywhere */
	/* CPUs whose local APIC timer may fire once per run: at any
	 * instruction boundary after it is armed (with IF=1), the clock
	 * then jumping to its deadline.  Elsewhere an armed timer never
	 * reaches its deadline. */
	u32 timer_cpus;
	enum host_mutant host_mutant;
	/* Explore every execution instead of stopping at the first violation
	 * (the witness counts are then exact; an Always needs it). */
	bool all_executions;
	/* Tests only: no reduction at all (no sleep sets, no DPOR), every
	 * enabled event at every step; bound is ignored.  Tiny programs. */
	bool unreduced;
	/* Called about once a second during a search (NULL: never). */
	void (*progress)(void *arg, const struct check_result *r, double seconds);
	void *progress_arg;
};

/* What a search says, once it is over (check_verdict). */
enum check_verdict {
	CHECK_NEVER,		/* complete, no execution violates */
	CHECK_SOMETIMES,	/* some execution violates (a proof) */
	CHECK_ALWAYS,		/* complete, every complete execution violates */
	CHECK_UNKNOWN,		/* none violates among those explored, incomplete */
	CHECK_ERROR,
};

/* Why a search did not cover every execution (check_result.stop). */
enum check_stop {
	STOP_NONE,		/* it did: complete */
	STOP_VIOLATION,		/* it stopped looking after a violation */
	STOP_TIME,		/* max_seconds */
	STOP_SCHEDULES,		/* max_schedules */
	STOP_STEPS,		/* some execution was cut at max_steps */
	STOP_BOUND,		/* the preemption bound cut choices */
	STOP_RANDOM,		/* random mode never is */
	STOP_ERROR,
};

struct check_result {
	bool violation;		/* some explored schedule broke an invariant */
	bool error;		/* the program could not be checked: see what */
	u64 executions;		/* runs of the program (schedules explored) */
	u64 pruned;		/* of those, ended early as redundant (sleep sets) */
	u64 bound_cut;		/* choice points the preemption bound cut */
	u64 step_cut;		/* executions stopped at max_steps */
	/* Complete executions (ran to their end or to a violation; not
	 * pruned, not cut), and how many of those violate. */
	u64 finished, witnesses;
	/* The search covered every execution: not stopped by a limit or at a
	 * violation, nothing cut by the step or the preemption bound. */
	bool complete;
	enum check_stop stop;	/* why not */
	bool dpor;		/* unbounded, dynamic partial-order reduction */
	double seconds;
	u64 first_executions;	/* when the first violation was found */
	double first_seconds;
	char what[512];		/* the violation shown, or the error */
	char *counterexample;	/* numbered steps per CPU; malloc'd */
	unsigned cex_steps;	/* its length in events */
	unsigned cex_preemptions;
};

int check_explore(const struct check_program *p, const struct check_config *cfg,
		  struct check_result *r);
void check_result_free(struct check_result *r);
enum check_verdict check_verdict(const struct check_result *r);
const char *check_verdict_name(enum check_verdict v);	/* "Never", ... */
const char *check_stop_name(enum check_stop s);		/* "time", ... */

/* ---- for programs under test ---------------------------------------------- */
/* Give [p, p + size) a name in counterexamples ("mm.tlb_gen").  A region of
 * PAGE_SIZE is printed as name[index of the 8-byte entry]. */
void check_name(const volatile void *p, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A scenario assertion failed: a violation that ends the run. */
void check_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Zeroed, cache-line aligned memory at the same address in every run:
 * allocated in init() it lives (and is restored) for the whole exploration,
 * in setup() for one run. */
void *check_alloc(size_t size);
/* Init: every run starts with [p, p + size) as it is when init() returns
 * (for memory the program allocated itself, e.g. with malloc). */
void check_snapshot(void *p, size_t size);
/* Init and setup: env operations from now on act on this CPU (its CR3, TLB,
 * IF, handlers; smp_processor_id() returns it). */
void check_on_cpu(int cpu);
/* Setup: CPU cpu starts with CR3 = pgd (0: none) and this PCID. */
void check_set_cr3(int cpu, u64 pgd_pfn, u16 pcid);
/* Setup: what env->kernel() returns on cpu (guests of one host differ). */
void check_set_kernel(int cpu, void *kernel);
/* From a CPU's program: its boot context now waits in the idle loop for
 * tasks to run, for the rest of the run.  A run may then end with it
 * halted or in a monitored wait, once every task context has exited;
 * a task that never exits is a deadlock (a lost wake-up). */
void check_idle_loop(void);
/* Setup: map va -> pfn with flags in the tables rooted at root, allocating
 * missing tables; returns the PTE slot. */
u64 *check_map(u64 root, u64 va, u64 pfn, u64 flags);
/* The PTE slot of va (NULL if a table is missing), without side effects. */
u64 *check_pte(u64 root, u64 va);

#endif
