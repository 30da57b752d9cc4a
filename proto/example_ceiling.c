// SPDX-License-Identifier: GPL-2.0
/*
 * example_ceiling.c - the example of docs/extending.md: `concurrent` with a
 * flush ceiling of its own.
 *
 * Linux turns a ranged flush of more than tlb_single_page_flush_ceiling
 * pages (33) into a full flush, because past that many INVLPGs reloading
 * the whole TLB is cheaper.  Where the break-even lies depends on the
 * machine; this protocol lets an experiment move it (`ceiling`, in pages)
 * without touching the others.  Everything else is concurrent's.
 */
#include "proto/kernel.h"

enum { P_CEILING };

static const struct proto_param ceiling_params[] = {
	[P_CEILING] = { "ceiling", 8, 0, 512,
			"ranged flushes of more pages than this flush everything" },
	{ .name = NULL },
};

static void ceiling_flush_tlb_multi(struct kernel *k, const struct cpumask *targets,
				    struct flush_tlb_info *info)
{
	u64 pages = (info->end - info->start) >> info->stride_shift;

	/* The initiator owns info until it sends it: widen it in place, so
	 * every CPU (this one too) does the full flush. */
	if (info->end != TLB_FLUSH_ALL && pages > k->o.params[P_CEILING]) {
		WRITE_ONCE(info->start, 0);
		WRITE_ONCE(info->end, TLB_FLUSH_ALL);
	}
	native_flush_tlb_multi(k, targets, info);
}

const struct flush_ops concurrent_ceiling_flush_ops = {
	.name = "concurrent-ceiling",
	.summary = "concurrent, with its own flush ceiling (the docs/extending.md example)",
	.models = "Linux v5.13-v6.13 with a different tlb_single_page_flush_ceiling",
	.table_free = TABLE_FREE_IPI,
	.params = ceiling_params,
	.flush_tlb_multi = ceiling_flush_tlb_multi,
};
