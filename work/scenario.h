/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scenario.h - scenario files: a small machine, a protocol, per-CPU scripts
 * of kernel operations, and the verdicts expected for the protocol as
 * designed and for its mutants.  The format is in docs/checker.md; a file
 * looks like this:
 *
 *	# concurrent flush: cpu0 drops a page cpu1 is reading
 *	cpus 2
 *	protocol concurrent
 *	vma 0x200000 1 anon rw
 *	init cpu1: use; read 0x200000
 *	cpu0: use; madvise 0x200000 1
 *	cpu1: read 0x200000
 *	expect none Never
 *	expect skip-local Sometimes
 *
 * A case names a mutant of the protocol or, with `host kvm`, of the host.
 */
#ifndef CHECK_SCENARIO_H
#define CHECK_SCENARIO_H

#include "check/check.h"
#include "proto/kernel.h"

#define SCN_MAX_OPS	32	/* per CPU script */
#define SCN_MAX_INIT	32
#define SCN_MAX_VMAS	4
#define SCN_MAX_CASES	16
#define SCN_MAX_TASKS	4
#define SCN_TASK_NAME	16

enum scn_op_kind {
	SOP_USE,		/* switch_mm to the scenario's mm */
	SOP_LAZY,		/* enter_lazy_tlb: a kernel thread, mm kept */
	SOP_KERNEL,		/* switch_mm to init_mm */
	SOP_READ,		/* user read of va */
	SOP_EMULATED_READ,	/* user read of va by an instruction KVM emulates */
	SOP_WRITE,		/* user write of va := b */
	SOP_EXPECT,		/* user read of va must return b */
	SOP_MADVISE,		/* madvise(DONTNEED) of b pages at va */
	SOP_MUNMAP,
	SOP_MPROTECT,		/* b pages at va; c: writable */
	SOP_POPULATE,
	SOP_COLLAPSE,		/* khugepaged collapse of the 2 MiB region */
	SOP_WRITEBACK,		/* write back the scenario's file */
	SOP_GUP,		/* fast-GUP walk of b pages, interrupts off */
	SOP_IRQS_OFF,
	SOP_IRQS_ON,
	/* the scheduler (tasks only, but wake) */
	SOP_SLEEP,		/* sleep until woken (wait_event on a flag) */
	SOP_WAKE,		/* set task b's flag and wake_up_process it */
	SOP_YIELD,		/* sched_yield */
	SOP_MIGRATE,		/* sched_setaffinity to cpu b alone */
	NR_SOPS,
};

struct scn_op {
	u8 kind;
	u8 cpu;			/* init ops: the CPU it runs on */
	int line;		/* in the file, for scenario_validate's errors */
	u64 va, b, c;
};

struct scn_vma {
	u64 start, pages;
	int kind;		/* enum vma_kind */
	bool writable;
};

/* "task A cpu1 cpu0: ops": a thread of the scenario's process (or, as
 * "kthread", a kernel thread) allowed on those CPUs, queued on the first
 * at boot; it runs when its CPU's script has ended and exits after its
 * script. */
struct scn_task {
	char name[SCN_TASK_NAME];
	bool kthread;
	u32 cpus;		/* affinity */
	int cpu;		/* where it starts */
	int line;
	struct scn_op ops[SCN_MAX_OPS];
	int nr_ops;
};

struct scn_case {
	int mutant;		/* enum mutant */
	int host_mutant;	/* enum host_mutant */
	bool sc;		/* expected under sequential consistency */
	bool sometimes;		/* expected verdict: a violation (Sometimes, Always) */
	bool always;		/* ... in every complete execution */
	int line;
};

struct scenario {
	char path[256];
	char name[64];		/* file name without directory and .scn */
	char title[160];	/* its first comment line */
	int nr_cpus;
	const struct flush_ops *protocol;
	int table_free;
	int bound;		/* -1: not given */
	bool host;		/* a KVM-like host under the vCPUs */
	int host_deschedules;
	u32 host_cpus;		/* the vCPUs it may deschedule; 0: all */
	u32 nmi_cpus;		/* CPUs that take one perf NMI per run */
	u32 timer_cpus;		/* CPUs whose armed timer may fire once */
	u64 max_steps;		/* 0: not given */
	struct scn_vma vmas[SCN_MAX_VMAS];
	int nr_vmas;
	u64 file_pages;		/* a file backs the file VMAs */
	struct scn_op init[SCN_MAX_INIT];
	int nr_init;
	struct scn_op ops[CHECK_MAX_CPUS][SCN_MAX_OPS];
	int nr_ops[CHECK_MAX_CPUS];
	struct scn_task tasks[SCN_MAX_TASKS];
	int nr_tasks;
	struct scn_case cases[SCN_MAX_CASES];
	int nr_cases;
};

/* Read, parse and validate a scenario file.  On error: -1 and one line
 * "file:line: what" in err, every byte of it printable. */
int scenario_load(const char *path, struct scenario *s, char *err, size_t errlen);
/* The statements of text[0..len), which path names in errors; the same
 * error convention.  A NUL byte is an error, not the end of the text. */
int scenario_parse(const char *path, const char *text, size_t len,
		   struct scenario *s, char *err, size_t errlen);
/* What parses but cannot run: an init script that would wait for another
 * CPU (a shootdown) or fault.  Same error convention. */
int scenario_validate(const struct scenario *s, char *err, size_t errlen);

/* Check one case of a scenario.  cfg->sc is taken from the case unless
 * force_sc; returns check_explore()'s value. */
int scenario_check(const struct scenario *s, const struct scn_case *c,
		   const struct check_config *cfg, struct check_result *r);

/* "skip-local", "host-lost-flush" or "none" */
const char *scenario_case_mutant(const struct scn_case *c);

#endif
