// SPDX-License-Identifier: GPL-2.0
/*
 * hypercall.c - decoding the flush hypercalls as the hypervisor does: the
 * Hyper-V TLFS processor mask, "all processors" flag and sparse VP set
 * (HvFlushVirtualAddressSpace/List and their Ex forms), and Xen's
 * MMUEXT_TLB_FLUSH_MULTI / MMUEXT_INVLPG_MULTI vCPU bitmap.
 */
#include "hw/hcall.h"
#include "hw/hw.h"

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

/* The GVA list after the processor set: entry i is a page address whose
 * low 12 bits count the additional pages (TLFS "GVA range"). */
static const u64 *gva_list(int nr, const void *in)
{
	if (nr == HVCALL_FLUSH_VA_LIST)
		return ((const struct hv_flush_input *)in)->gva_list;
	{
		const struct hv_flush_input_ex *h = in;
		int banks = __builtin_popcountll(h->vp_set.valid_bank_mask);

		return &h->vp_set.bank_contents[banks];
	}
}

int hw_hypercall_decode(int nr, const void *in, int reps, struct hw_flush_request *r)
{
	const u64 *list;
	int i;

	r->everything = true;
	r->nr = 0;
	if (hw_hypercall_targets(nr, in, &r->targets, &r->all_cpus))
		return -1;
	switch (nr) {
	case HVCALL_FLUSH_VA_LIST:
	case HVCALL_FLUSH_VA_LIST_EX:
		list = gva_list(nr, in);
		if (reps < 0 || (const u8 *)(list + reps) > (const u8 *)in + HV_INPUT_PAGE)
			return -1;	/* the list would leave the input page */
		r->everything = false;
		for (i = 0; i < reps; i++) {
			r->range[i].va = list[i] & PAGE_MASK;
			r->range[i].pages = (list[i] & ~PAGE_MASK) + 1;
		}
		r->nr = reps;
		return 0;
	case XEN_INVLPG_MULTI:
		r->everything = false;
		r->range[0].va = ((const struct xen_mmuext_flush *)in)->linear_addr & PAGE_MASK;
		r->range[0].pages = 1;
		r->nr = 1;
		return 0;
	}
	return 0;
}

void hw_flush_request_apply(struct hw_machine *m, struct hw_cpu *c,
			    const struct hw_flush_request *r)
{
	int i;

	if (r->everything) {
		hw_flush_everything(m, c);
		return;
	}
	for (i = 0; i < r->nr; i++)
		hw_flush_gva(m, c, r->range[i].va, r->range[i].pages);
}
