/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hypercall.h - what a hypervisor reads out of a flush hypercall's input
 * (include/hypercall.h has the ABI the guest encodes).
 */
#ifndef HW_HCALL_H
#define HW_HCALL_H

#include "env.h"
#include "hypercall.h"

/* Decode a flush request's processor set into out (the guest's vCPU
 * numbers); sets *all when every vCPU is meant.  Returns -1 for a
 * malformed request. */
int hw_hypercall_targets(int nr, const void *in, struct cpumask *out, bool *all);

/* What one flush hypercall asks of the hypervisor. */
struct hw_flush_request {
	struct cpumask targets;
	bool all_cpus;
	bool everything;	/* the whole address space (of every PCID) */
	int nr;			/* ranges, when not everything */
	struct { u64 va, pages; } range[HV_MAX_GVA];
};

/* Decode the whole request: the processor set and, for a GVA list, its
 * reps entries (the rep count of the hypercall's control word).  -1:
 * malformed (the hypercall fails). */
int hw_hypercall_decode(int nr, const void *in, int reps, struct hw_flush_request *r);

struct hw_machine;
struct hw_cpu;
/* The hypervisor carries it out on one target's TLB and caches. */
void hw_flush_request_apply(struct hw_machine *m, struct hw_cpu *c,
			    const struct hw_flush_request *r);

#endif
