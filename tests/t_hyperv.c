// SPDX-License-Identifier: GPL-2.0
/*
 * t_hyperv.c - the Hyper-V flush encoders: GVA lists (including a range that
 * ends at the top of the address space, whose list builder once looped
 * forever) and sparse processor sets, checked by decoding them as a host.
 */
#include "hw/hcall.h"
#include "proto/kernel.h"
#include "tests/tap.h"

static u64 list[HV_MAX_GVA];

static u64 pages_covered(int n)
{
	u64 total = 0;
	int i;

	for (i = 0; i < n; i++)
		total += (list[i] & 0xfff) + 1;
	return total;
}

static void test_gva_list(void)
{
	int n;

	report_prefix_push("gva-list");
	n = hv_fill_gva_list(list, HV_MAX_GVA, 0x1000, 0x2000);
	report(n == 1 && list[0] == 0x1000, "one page: one entry, no extra pages");
	n = hv_fill_gva_list(list, HV_MAX_GVA, 0x1000, 0x1000 + 4096 * PAGE_SIZE);
	report(n == 1 && list[0] == (0x1000 | 4095), "4096 pages fit one entry");
	n = hv_fill_gva_list(list, HV_MAX_GVA, 0x1000, 0x1000 + 4097 * PAGE_SIZE);
	report(n == 2 && list[1] == ((0x1000 + HV_GVA_ENTRY_SPAN) | 0),
	       "4097 pages: a second entry at +16 MiB");
	n = hv_fill_gva_list(list, HV_MAX_GVA, 0x1234, 0x3001);
	report(n == 1 && list[0] == (0x1000 | 2), "unaligned range rounds out to pages");
	n = hv_fill_gva_list(list, 4, 0, 5 * HV_GVA_ENTRY_SPAN);
	report(n == -1, "a list that would not fit says so (whole-space flush)");
	n = hv_fill_gva_list(list, HV_MAX_GVA, 0xffffffffff000000ULL, 0xfffffffffffff000ULL);
	report(n == 1 && pages_covered(n) == 4095,
	       "range ending at the top of the address space terminates (%d)", n);
	n = hv_fill_gva_list(list, HV_MAX_GVA, 0xfffffffff0000000ULL, 0xfffffffffffff000ULL);
	report(n == 16 && pages_covered(n) == 65535,
	       "256 MiB below the top: 16 entries, every page once");
	n = hv_fill_gva_list(list, HV_MAX_GVA, 0x5000, 0x5000);
	report(n == 0, "empty range: no entry");
	report_prefix_pop();
}

static void test_vpset(void)
{
	u8 page[HV_INPUT_PAGE] __attribute__((aligned(8)));
	struct hv_flush_input_ex *in = (void *)page;
	struct cpumask m, out;
	bool all;
	int banks;

	report_prefix_push("vpset");
	cpumask_clear(&m);
	__cpumask_set_cpu(3, &m);
	__cpumask_set_cpu(64, &m);
	__cpumask_set_cpu(1000, &m);
	memset(page, 0, sizeof(page));
	in->flags = 0;
	banks = hv_fill_vpset(&in->vp_set, &m, 1024);
	report(banks == 3 && in->vp_set.valid_bank_mask == (1ULL | 2ULL | 1ULL << 15),
	       "vCPUs 3, 64, 1000: banks 0, 1 and 15");
	report(!hw_hypercall_targets(HVCALL_FLUSH_VA_LIST_EX, page, &out, &all) &&
	       !all && !memcmp(&out, &m, sizeof(m)),
	       "the host decodes the same set");
	in->flags = HV_FLUSH_ALL_PROCESSORS;
	report(!hw_hypercall_targets(HVCALL_FLUSH_VA_SPACE_EX, page, &out, &all) && all,
	       "all-processors flag");
	in->flags = 0;
	in->vp_set.format = 1;
	report(hw_hypercall_targets(HVCALL_FLUSH_VA_SPACE_EX, page, &out, &all) == -1,
	       "an unknown set format is refused");
	report_prefix_pop();
}

int main(void)
{
	test_gva_list();
	test_vpset();
	return report_summary();
}
