/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm.h - the host side of KVM's steal-time ABI (include/kvm_para.h), and
 * the buggy hosts that broke it.
 *
 * When the host deschedules a vCPU it may report it PREEMPTED in the
 * vCPU's steal-time byte (kvm_steal_time_set_preempted); a guest flusher
 * may then add FLUSH_TLB and skip the vCPU.  On every entry the host
 * atomically exchanges the byte with 0 and, if FLUSH_TLB was set, flushes
 * the vCPU's TLB before it runs (record_steal_time).  Only the host sets
 * PREEMPTED, and since CVE-2022-39189 only at an instruction boundary.
 *
 * Engines decide when a host deschedules and enters a vCPU; these
 * functions are what it does to the byte and the TLB then.
 */
#ifndef HW_KVM_H
#define HW_KVM_H

#include "hw/hw.h"
#include "kvm_para.h"

enum host_mutant {
	HOST_OK,
	HOST_LOST_FLUSH,	/* CVE-2019-3016 */
	HOST_PREEMPT_MID_INSN,	/* CVE-2022-39189 */
	NR_HOST_MUTANTS,
};

struct host_mutant_desc {
	const char *name;
	const char *summary;
};
extern const struct host_mutant_desc host_mutants[NR_HOST_MUTANTS];
int host_mutant_by_name(const char *name);	/* -1 if unknown */

/* The host takes vCPU c off its CPU; mid_insn: between the translation and
 * the data access of a user instruction. */
/* The host descheduled c: mark it PREEMPTED in its steal time if this host
 * does for this exit (irq_exit: an external interrupt's; mid_insn: the vCPU
 * stopped inside an instruction KVM emulates). */
void hw_kvm_set_preempted(struct hw_machine *m, struct hw_cpu *c, bool mid_insn,
			  bool irq_exit);
/*
 * The host enters vCPU c: returns true if its TLB must be flushed first.
 * *late_clear: the host clears the byte later (host-lost-flush keeps a copy
 * and writes it back): the engine calls hw_kvm_late_clear() when it does.
 */
bool hw_kvm_entry(struct hw_machine *m, struct hw_cpu *c, bool *late_clear);
void hw_kvm_late_clear(struct hw_machine *m, struct hw_cpu *c);

/*
 * A vCPU that is not running and whose TLB the host will flush before it
 * runs again (a hypercall flush pending, or FLUSH_TLB set) holds nothing it
 * can use now: the eager checks pass over it.  If the host then fails to
 * flush, the vCPU's next use of a stale entry is what gets reported.
 */
static inline bool hw_flushed_before_running(const struct hw_cpu *c)
{
	if (!c->descheduled)
		return false;
	return c->host_flush || (c->steal && (*c->steal & KVM_VCPU_FLUSH_TLB));
}

#endif
