/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hypercall.h - the guest/hypervisor ABI of the flush hypercalls, as the
 * Hyper-V TLFS and Xen's public headers define them (layout and meaning;
 * names are ours).  Guests (proto/) encode, hosts (sim/, check/) decode.
 */
#ifndef SHOOTDOWN_HYPERCALL_H
#define SHOOTDOWN_HYPERCALL_H

#include "env.h"

enum hypercall_nr {
	HVCALL_FLUSH_VA_SPACE,		/* HvFlushVirtualAddressSpace */
	HVCALL_FLUSH_VA_LIST,		/* HvFlushVirtualAddressList */
	HVCALL_FLUSH_VA_SPACE_EX,	/* ...Ex: sparse processor set */
	HVCALL_FLUSH_VA_LIST_EX,
	XEN_TLB_FLUSH_MULTI,		/* MMUEXT_TLB_FLUSH_MULTI */
	XEN_INVLPG_MULTI,		/* MMUEXT_INVLPG_MULTI */
};

#define HV_FLUSH_ALL_PROCESSORS			(1ULL << 0)
#define HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES	(1ULL << 1)
#define HV_FLUSH_NON_GLOBAL_MAPPINGS_ONLY	(1ULL << 2)

/* The hypercall input page. */
#define HV_INPUT_PAGE		4096
/* A GVA list entry: page address, low 12 bits = additional pages. */
#define HV_GVA_MAX_EXTRA	4095ULL
#define HV_GVA_ENTRY_SPAN	((HV_GVA_MAX_EXTRA + 1) << PAGE_SHIFT)	/* 16 MiB */

struct hv_flush_input {
	u64 address_space;
	u64 flags;
	u64 processor_mask;		/* vCPUs 0..63 */
	u64 gva_list[];
};
#define HV_MAX_GVA (int)((HV_INPUT_PAGE - sizeof(struct hv_flush_input)) / sizeof(u64))

#define HV_VPSET_SPARSE_4K	0
#define HV_MAX_BANKS		(NR_CPUS_MAX / 64)

struct hv_vpset {
	u64 format;
	u64 valid_bank_mask;		/* bank b present: vCPUs 64b..64b+63 */
	u64 bank_contents[];		/* one word per present bank, in order */
};

struct hv_flush_input_ex {
	u64 address_space;
	u64 flags;
	struct hv_vpset vp_set;		/* followed by the GVA list */
};

/* Xen: struct mmuext_op for the multi-vCPU flushes. */
struct xen_mmuext_flush {
	u64 linear_addr;		/* INVLPG_MULTI */
	const unsigned long *vcpumask;	/* guest bitmap of vCPUs */
};

/* Decode a flush request's processor set into out (local vCPU ids); sets
 * *all when every vCPU is meant.  Returns -1 for a malformed request. */
static inline int hypercall_flush_targets(enum hypercall_nr nr, const void *in,
					  struct cpumask *out, bool *all)
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

#endif
