// SPDX-License-Identifier: GPL-2.0
/*
 * hyperv.c - the Hyper-V flush hypercall (Vitaly Kuznetsov, "x86/hyper-v:
 * Use hypercall for remote TLB flush", 2017; arch/x86/hyperv/mmu.c).
 *
 * One hypercall names the vCPUs (a 64-bit mask, "all", or sparse 64-vCPU
 * banks) and the addresses (a GVA list, or the whole space); the hypervisor
 * flushes them without involving their interrupt handlers.  If the
 * hypercall fails, the guest falls back to IPIs.
 */
#include "hypercall.h"
#include "proto/kernel.h"

/*
 * Encode [start, end) as GVA list entries: a page address whose low 12 bits
 * count the additional pages, up to 4096 pages an entry.  Counts pages
 * rather than comparing addresses, so a range that ends at the top of the
 * address space terminates (the loop that once did not).  Returns the number
 * of entries, or -1 if more than max are needed.
 */
int hv_fill_gva_list(u64 *list, int max, u64 start, u64 end)
{
	u64 va = start & PAGE_MASK;
	u64 pages = ((end - va) + PAGE_SIZE - 1) >> PAGE_SHIFT;
	int n = 0;

	if (end <= start)
		return 0;
	while (pages) {
		u64 chunk = pages > HV_GVA_MAX_EXTRA + 1 ? HV_GVA_MAX_EXTRA + 1 : pages;

		if (n == max)
			return -1;
		list[n++] = va | (chunk - 1);
		pages -= chunk;
		va += chunk << PAGE_SHIFT;	/* may wrap past the top: unused */
	}
	return n;
}

/* Sparse processor set: one 64-bit word per non-empty bank.  Returns the
 * number of banks written. */
int hv_fill_vpset(void *vpset, const struct cpumask *m, int nr_cpus)
{
	struct hv_vpset *set = vpset;
	int b, n = 0;

	set->format = HV_VPSET_SPARSE_4K;
	set->valid_bank_mask = 0;
	for (b = 0; b < (nr_cpus + 63) / 64; b++) {
		if (!m->bits[b])
			continue;
		set->valid_bank_mask |= 1ULL << b;
		set->bank_contents[n++] = m->bits[b];
	}
	return n;
}

/* MUT_HV_GVA_SHORT: the list ends one page short of the range. */
static int gva_list_drop_last_page(u64 *list, int n)
{
	if (list[n - 1] & ~PAGE_MASK)
		list[n - 1]--;		/* one additional page fewer */
	else
		n--;			/* a one-page entry: gone */
	return n;
}

static bool all_cpus(const struct cpumask *m, int nr)
{
	return __cpumask_weight(m) == nr;
}

static void hyperv_flush_tlb_multi(struct kernel *k, const struct cpumask *targets,
			    struct flush_tlb_info *info)
{
	int me = smp_processor_id(), nr = k->nr_cpus, last, code, max, reps = 0;
	void *page;
	struct cpumask remote = *targets;
	u64 *gva;

	if (!k->hv_input[me])		/* the per-CPU input page, on first use */
		k->hv_input[me] = kzalloc(k, HV_INPUT_PAGE);
	page = k->hv_input[me];
	/* our own TLB: as on bare metal, while nothing else is pending */
	if (__cpumask_test_cpu(me, &remote)) {
		__cpumask_clear_cpu(me, &remote);
		flush_local_irqs_off(k, info);
	}
	if (!__cpumask_weight(&remote))
		return;

	last = NR_CPUS_MAX - 1;
	while (last >= 0 && !__cpumask_test_cpu(last, &remote))
		last--;
	if (all_cpus(targets, nr) || last < 64) {
		struct hv_flush_input *in = page;

		in->address_space = 0;
		in->flags = HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES;
		in->processor_mask = remote.bits[0];
		if (all_cpus(targets, nr))
			in->flags |= HV_FLUSH_ALL_PROCESSORS;
		gva = in->gva_list;
		max = HV_MAX_GVA;
		code = HVCALL_FLUSH_VA_LIST;
	} else {
		struct hv_flush_input_ex *in = page;
		int banks;

		in->address_space = 0;
		in->flags = HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES;
		banks = hv_fill_vpset(&in->vp_set, &remote, nr);
		gva = &in->vp_set.bank_contents[banks];
		max = (int)((u64 *)((u8 *)page + HV_INPUT_PAGE) - gva);
		code = HVCALL_FLUSH_VA_LIST_EX;
	}
	if (info->end != TLB_FLUSH_ALL)
		reps = hv_fill_gva_list(gva, max, info->start, info->end);
	if (reps > 0 && mutant(k, MUT_HV_GVA_SHORT))
		reps = gva_list_drop_last_page(gva, reps);
	if (info->end == TLB_FLUSH_ALL || reps < 0) {
		code = code == HVCALL_FLUSH_VA_LIST ? HVCALL_FLUSH_VA_SPACE :
						      HVCALL_FLUSH_VA_SPACE_EX;
		reps = 0;
	}
	if (hypercall_flush(code, page, reps))
		native_flush_tlb_multi(k, &remote, info);	/* fallback */
}

const struct flush_ops hyperv_flush_ops = {
	.name = "hyperv",
	.summary = "Hyper-V HvFlushVirtualAddressList/Space hypercall",
	.models = "a Hyper-V guest with HV_X64_REMOTE_TLB_FLUSH_RECOMMENDED (Linux 4.14+)",
	.virt = true,
	.table_free = TABLE_FREE_IPI,
	.flush_tlb_multi = hyperv_flush_tlb_multi,
};
