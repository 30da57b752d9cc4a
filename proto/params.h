/* SPDX-License-Identifier: GPL-2.0 */
/*
 * params.h - the kernel's own tunables, as opposed to a protocol's
 * (struct proto_param): which lock implementation the simulated kernel
 * uses and how finely it locks address spaces.  Where a behaviour changed
 * between kernel versions, a value names the versions that behave so.
 *
 * The table (params.c) is the single source: the CLI (--param, list
 * params), the scenario runner and the kernel all read it.
 */
#ifndef PROTO_PARAMS_H
#define PROTO_PARAMS_H

#include "env.h"

enum kparam {
	KP_SPINLOCK,		/* enum kp_spinlock */
	KP_HZ,			/* enum kp_hz */
	KP_IDLE,		/* enum kp_idle */
	KP_PVSPIN,		/* enum kp_pvspin */
	KP_PTL,			/* enum kp_ptl */
	KP_VMA_LOCK,		/* enum kp_vma_lock */
	KP_BASE_SLICE,		/* enum kp_base_slice */
	KP_KVM_PREEMPT_REPORT,	/* enum kp_kvm_preempt_report (the host's) */
	NR_KPARAMS,
};

/* spinlock=: the implementation of spinlock_t */
enum kp_spinlock {
	SPINLOCK_QUEUED,	/* qspinlock (MCS queue), Linux v4.2+ on x86 */
	SPINLOCK_TTAS,		/* test-and-test-and-set, for comparison */
};

/* ptl=: which lock guards a last-level page table's entries */
enum kp_ptl {
	PTL_SPLIT,		/* one per PTE-table page (USE_SPLIT_PTE_PTLOCKS) */
	PTL_MM,			/* mm->page_table_lock for every level */
};

/* vma_lock=: may a page fault run under a per-VMA lock (Linux 6.4+)? */
enum kp_vma_lock {
	VMA_LOCK_OFF,		/* every fault takes mmap_lock for read */
	VMA_LOCK_ON,		/* lock_vma_under_rcu first, mmap_lock if it fails */
};

/* hz=: CONFIG_HZ, the scheduler tick's rate */
enum kp_hz { HZ_100, HZ_250, HZ_300, HZ_1000 };
extern const unsigned int kp_hz_values[];

/* base_slice=: EEVDF's sysctl_sched_base_slice, by the kernel that set it */
enum kp_base_slice {
	BASE_SLICE_V6_6,	/* 0.75 ms: EEVDF as merged in v6.6 */
	BASE_SLICE_V6_15,	/* 0.70 ms: commit 2ae891b82695 (v6.15) */
};
extern const unsigned long long kp_base_slice_ns[];

/* idle=: how an idle CPU waits (cpuidle's choice on x86) */
enum kp_idle {
	IDLE_MWAIT,		/* intel_idle: MONITOR the flags, MWAIT; a wake-up
				 * is a store, no IPI (TIF_POLLING_NRFLAG) */
	IDLE_HLT,		/* default_idle: HLT; a wake-up needs an IPI */
};

/* pvspin=: paravirtual spinlocks in guests (kvm_spinlock_init) */
enum kp_pvspin { PVSPIN_ON, PVSPIN_OFF };

/* kvm_preempt_report=: when a KVM host marks a descheduled vCPU PREEMPTED
 * in its steal time (kvm_steal_time_set_preempted) */
enum kp_kvm_preempt_report {
	KVM_PREEMPT_BOUNDARY,	/* v5.19+ (6cd88243c7e0): only after an exit at
				 * an instruction boundary, an external interrupt */
	KVM_PREEMPT_ANY,	/* before: whenever it deschedules it */
};

struct kparam_desc {
	const char *name;
	const char *help;
	u64 def, min, max;
	/* NULL for a number; else the name of each value min..max */
	const char *const *values;
	bool host;		/* the host's, not the (guest) kernel's */
};

extern const struct kparam_desc kparams[NR_KPARAMS];

/* The index of the parameter called name (len bytes), or -1. */
int kparam_by_name(const char *name, size_t len);
/* Parse a value of parameter p: a number in min..max, or one of its value
 * names.  0 on success. */
int kparam_parse(enum kparam p, const char *s, u64 *v);
/* The value's name for an enumerated parameter, else NULL. */
const char *kparam_value_name(enum kparam p, u64 v);
/* Every parameter at its default. */
void kparams_defaults(u64 v[NR_KPARAMS]);
/*
 * Value v of p as --param takes it back: its name, else the number.  And
 * every value p takes, "qspinlock|ttas" or "0..512", for lists and error
 * messages.  Both return what snprintf does.
 */
int kparam_format(enum kparam p, u64 v, char *buf, size_t len);
int kparam_format_values(enum kparam p, char *buf, size_t len);

#endif
