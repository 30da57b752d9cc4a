// SPDX-License-Identifier: GPL-2.0
/*
 * hypercall.c - decoding the flush hypercalls as the hypervisor does: the
 * Hyper-V TLFS processor mask, "all processors" flag and sparse VP set
 * (HvFlushVirtualAddressSpace/List and their Ex forms), and Xen's
 * MMUEXT_TLB_FLUSH_MULTI / MMUEXT_INVLPG_MULTI vCPU bitmap.
 */
#include "hw/hcall.h"

int hw_hypercall_targets(int nr, const void *in, struct cpumask *out, bool *all)
{
	int b, i = 0;

	cpumask_clear(out);
	*all = false;
	switch (nr) {
	case HVCALL_FLUSH_VA_SPACE:
	case HVCALL_FLUSH_VA_LIST: {
		const struct hv_flush_input *h = in;

		*all = h->flags & HV_FLUSH_ALL_PROCESSORS;
		out->bits[0] = h->processor_mask;
		return 0;
	}
	case HVCALL_FLUSH_VA_SPACE_EX:
	case HVCALL_FLUSH_VA_LIST_EX: {
		const struct hv_flush_input_ex *h = in;

		*all = h->flags & HV_FLUSH_ALL_PROCESSORS;
		if (*all)
			return 0;
		if (h->vp_set.format != HV_VPSET_SPARSE_4K)
			return -1;
		for (b = 0; b < HV_MAX_BANKS; b++)
			if (h->vp_set.valid_bank_mask >> b & 1)
				out->bits[b] = h->vp_set.bank_contents[i++];
		return 0;
	}
	case XEN_TLB_FLUSH_MULTI:
	case XEN_INVLPG_MULTI: {
		const struct xen_mmuext_flush *x = in;

		for (b = 0; b < CPUMASK_LONGS; b++)
			out->bits[b] = x->vcpumask[b];
		return 0;
	}
	}
	return -1;
}
