// SPDX-License-Identifier: GPL-2.0
/*
 * xen.c - the Xen PV flush multicall (arch/x86/xen/mmu_pv.c,
 * xen_flush_tlb_multi): MMUEXT_TLB_FLUSH_MULTI for a vCPU bitmap, or
 * MMUEXT_INVLPG_MULTI for a single page.  The hypervisor flushes the
 * targets itself; if the call fails, the guest falls back to IPIs.
 */
#include "hypercall.h"
#include "proto/kernel.h"

static void xen_flush_tlb_multi(struct kernel *k, const struct cpumask *targets,
			 struct flush_tlb_info *info)
{
	int me = smp_processor_id();
	struct cpumask remote = *targets;
	struct xen_mmuext_flush op;
	int code = XEN_TLB_FLUSH_MULTI;

	if (__cpumask_test_cpu(me, &remote)) {
		__cpumask_clear_cpu(me, &remote);
		flush_local_irqs_off(k, info);
	}
	if (!__cpumask_weight(&remote))
		return;
	op.vcpumask = remote.bits;
	op.linear_addr = info->start;
	if (info->end != TLB_FLUSH_ALL && info->end - info->start <= PAGE_SIZE)
		code = XEN_INVLPG_MULTI;
	if (hypercall_flush(code, &op, 1))
		native_flush_tlb_multi(k, &remote, info);
}

const struct flush_ops xen_flush_ops = {
	.name = "xen",
	.summary = "Xen flush multicall (MMUEXT_TLB_FLUSH_MULTI / INVLPG_MULTI)",
	.models = "a Xen PV guest (xen_flush_tlb_multi)",
	.virt = true,
	.table_free = TABLE_FREE_IPI,
	.flush_tlb_multi = xen_flush_tlb_multi,
};
