/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hypercall.h - the guest/hypervisor ABI of the flush hypercalls, as the
 * Hyper-V TLFS and Xen's public headers define them (layout and meaning;
 * names are ours).  Guests (proto/) encode, hosts decode (hw/hypercall.c).
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

#endif
