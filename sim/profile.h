/* SPDX-License-Identifier: GPL-2.0 */
/*
 * profile.h - a machine profile: the cost model of one simulated machine.
 *
 * Profiles are text files of `key = value` lines (see profiles/NAME.profile and
 * docs/profiles.md).  Keys ending in _ns are times in nanoseconds and may
 * have a fractional part; they are stored here in picoseconds, the engine's
 * time unit.  Other keys are plain non-negative integers.
 */
#ifndef SIM_PROFILE_H
#define SIM_PROFILE_H

#include <stdint.h>
#include <stdio.h>

typedef uint64_t ps_t;	/* simulated time, picoseconds */

#define PROFILE_FIELDS(X)						\
	/* topology */							\
	X(cpus,			COUNT)	/* CPUs when --cpus is absent */	\
	X(sockets,		COUNT)						\
	X(threads_per_core,	COUNT)	/* SMT siblings */			\
	/* cache coherence */						\
	X(l1_hit_ns,		TIME)	/* load/store to an owned line */	\
	X(smt_transfer_ns,	TIME)	/* line from the SMT sibling */	\
	X(socket_transfer_ns,	TIME)	/* line from a core, same socket */ \
	X(remote_transfer_ns,	TIME)	/* line from the other socket */	\
	X(dram_ns,		TIME)	/* line from memory */		\
	X(atomic_ns,		TIME)	/* extra cost of a locked RMW */	\
	X(mfence_ns,		TIME)						\
	X(pause_ns,		TIME)	/* cpu_relax() */			\
	/* TLB and paging */						\
	X(tlb_entries,		COUNT)						\
	X(tlb_ways,		COUNT)						\
	X(invlpg_ns,		TIME)						\
	X(flush_full_ns,	TIME)	/* CR3 write that flushes */	\
	X(cr3_noflush_ns,	TIME)	/* CR3 write with PCID kept */	\
	X(page_walk_ns,		TIME)	/* TLB miss, tables in cache */	\
	X(tlb_flush_ceiling,	COUNT)	/* pages; above it, full flush */	\
	/* interrupts and kernel entry */				\
	X(ipi_send_ns,		TIME)	/* ICR write, per destination */	\
	X(ipi_smt_ns,		TIME)	/* send to handler entry, sibling */ \
	X(ipi_socket_ns,	TIME)	/* same socket */			\
	X(ipi_remote_ns,	TIME)	/* other socket */			\
	X(irq_entry_ns,		TIME)						\
	X(irq_exit_ns,		TIME)						\
	X(syscall_ns,		TIME)	/* entry + exit */			\
	X(page_fault_ns,	TIME)	/* exception entry + exit */	\
	X(spec_walk_interval_ns, TIME)	/* speculative walk period, 0: off */ \
	X(nmi_interval_ns,	TIME)	/* perf sampling NMI period, 0: off */ \
	/* virtualization (host, KVM-like) */				\
	X(vmexit_ns,		TIME)	/* trivial exit + re-entry */	\
	X(vmexit_ipi_ns,	TIME)	/* guest ICR write, sender side */ \
	X(inject_ns,		TIME)	/* interrupt injection on entry */ \
	X(hypercall_ns,		TIME)	/* hypercall exit + entry */	\
	X(host_ctxsw_ns,	TIME)	/* switch between vCPU threads */ \
	X(host_timeslice_ns,	TIME)	/* per vCPU when several share */ \
	X(host_wakeup_gran_ns,	TIME)	/* runtime before wakeup preempt */ \
	X(ple_window_ns,	TIME)	/* pause-loop exit window, 0: off */ \
	X(steal_update_ns,	TIME)	/* host's steal-time update on entry */ \
	X(host_noise_interval_ns, TIME)	/* mean time between host work */ \
	X(host_noise_ns,	TIME)	/* how long host work takes a pCPU */

enum profile_kind { PROFILE_COUNT, PROFILE_TIME };

/* Longest name a profile file may give itself. */
#define PROFILE_NAME_MAX	63

struct profile {
	/* room beyond PROFILE_NAME_MAX for the "+key=value" suffixes the
	 * command line's --set adds, so a report names every override */
	char name[256];
#define X(key, kind) uint64_t key;
	PROFILE_FIELDS(X)
#undef X
};

/*
 * Parse profile text.  origin names it in error messages ("file.profile" or
 * "builtin:default").  On error returns -1 and writes one line
 * "origin:LINE: what is wrong" into err (errlen bytes).
 */
int profile_parse(struct profile *p, const char *text, const char *origin,
		  char *err, size_t errlen);
/* Load a built-in profile by name, or a file by path (contains '/' or ends
 * in .profile).  Same error convention. */
int profile_load(struct profile *p, const char *name_or_path,
		 char *err, size_t errlen);
/* Names of the built-in profiles, NULL-terminated. */
const char *const *profile_builtin_names(void);
/* One-line description of a built-in profile (its first comment line). */
const char *profile_builtin_summary(const char *name);
/* Look up a field by key name; NULL when unknown. */
const uint64_t *profile_field(const struct profile *p, const char *key);
/*
 * Set one key of a loaded profile from text in the profile file's units
 * (ns for TIME keys, up to 3 decimals; an integer for COUNT keys), with the
 * same parsing and range checks as a profile file.  On error returns -1,
 * leaves p as it was and writes one line "key: what is wrong" into err.
 */
int profile_set(struct profile *p, const char *key, const char *value,
		char *err, size_t errlen);

#endif
