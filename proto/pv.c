// SPDX-License-Identifier: GPL-2.0
/*
 * pv.c - the KVM paravirtual flush (Wanpeng Li, "KVM: X86: Add Paravirt TLB
 * Shootdown", 2017; arch/x86/kernel/kvm.c, kvm_flush_tlb_multi).
 *
 * A vCPU the host has descheduled cannot take an IPI, and waiting for it
 * costs the rest of a host timeslice.  Its steal-time record says
 * PREEMPTED; the initiator atomically adds FLUSH_TLB to it and skips it:
 * the host flushes that vCPU before it next runs.  The others get IPIs.
 */
#include "proto/kernel.h"

static void pv_flush_tlb_multi(struct kernel *k, const struct cpumask *targets,
			struct flush_tlb_info *info)
{
	struct cpumask rest = *targets;
	int me = smp_processor_id(), cpu;

	for_each_cpu(cpu, targets) {
		u8 *st = &k->steal[cpu].preempted, v;

		if (cpu == me)
			continue;
		v = READ_ONCE(*st);
		if (!(v & KVM_VCPU_PREEMPTED))
			continue;
		/* only the host sets PREEMPTED; we only add FLUSH_TLB */
		if (cmpxchg(st, v, (u8)(v | KVM_VCPU_FLUSH_TLB)) == v) {
			__cpumask_clear_cpu(cpu, &rest);
			env_stat(STAT_PV_SKIPPED, 1);
		}
	}
	native_flush_tlb_multi(k, &rest, info);
}

const struct flush_ops pv_flush_ops = {
	.name = "pv",
	.summary = "KVM PV flush: preempted vCPUs get FLUSH_TLB in steal time, no IPI",
	.models = "a KVM guest with KVM_FEATURE_PV_TLB_FLUSH (Linux 4.16+)",
	.virt = true,
	.table_free = TABLE_FREE_IPI,
	.flush_tlb_multi = pv_flush_tlb_multi,
};
