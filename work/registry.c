// SPDX-License-Identifier: GPL-2.0
/* registry.c - the workloads `shootdown list workloads` shows, in order. */
#include <string.h>

#include "work/workload.h"

extern const struct workload wl_madv_touch, wl_munmap_range, wl_mmap_rndwr,
	wl_tlb_flush1, wl_tlb_flush2, wl_tlb_flush3, wl_ebizzy, wl_kernbench,
	wl_gup_fast, wl_dropped_page, wl_emulated_reader, wl_zap_race;

const struct workload *const workloads[] = {
	&wl_madv_touch,
	&wl_munmap_range,
	&wl_mmap_rndwr,
	&wl_tlb_flush1,
	&wl_tlb_flush2,
	&wl_tlb_flush3,
	&wl_ebizzy,
	&wl_kernbench,
	&wl_gup_fast,
	&wl_dropped_page,
	&wl_emulated_reader,
	&wl_zap_race,
	NULL,
};

const struct workload *workload_by_name(const char *name)
{
	int i;

	for (i = 0; workloads[i]; i++)
		if (!strcmp(workloads[i]->name, name))
			return workloads[i];
	return NULL;
}
