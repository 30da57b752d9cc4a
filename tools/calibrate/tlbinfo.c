// SPDX-License-Identifier: GPL-2.0
/*
 * tlbinfo.c - the TLB geometry the CPU reports in CPUID leaf 0x18
 * (deterministic address translation parameters, Intel SDM vol. 2A, CPUID
 * instruction, leaf 18H).  Under a hypervisor this is what the hypervisor
 * passes through, normally the host CPU's values.
 */
#include "calib.h"	/* first: it defines _GNU_SOURCE */
#include <cpuid.h>

static const char *const type_name[] = {
	"null", "data TLB", "instruction TLB", "unified TLB",
	"load-only TLB", "store-only TLB",
};

int main(void)
{
	unsigned int a, b, c, d, max = 0, sub;

	if (!__get_cpuid_count(0, 0, &max, &b, &c, &d) || max < 0x18) {
		printf("CPUID leaf 0x18 not available (max leaf %#x)\n", max);
		return 0;
	}
	__cpuid_count(0x18, 0, max, b, c, d);	/* eax: max subleaf */
	if (!(d & 0x1f) && !max) {
		printf("CPUID leaf 0x18 reads as all zeros (hidden by a hypervisor?)\n");
		return 0;
	}
	for (sub = 0; sub <= max; sub++) {
		unsigned int type, level, ways, sets;

		__cpuid_count(0x18, sub, a, b, c, d);
		type = d & 0x1f;
		if (!type)
			continue;
		level = (d >> 5) & 7;
		ways = b >> 16;
		sets = c;
		printf("L%u %-16s %5u entries = %4u sets x %2u ways, pages:%s%s%s%s%s\n",
		       level, type < 6 ? type_name[type] : "?", sets * ways,
		       sets, ways, b & 1 ? " 4K" : "", b & 2 ? " 2M" : "",
		       b & 4 ? " 4M" : "", b & 8 ? " 1G" : "",
		       d & (1 << 8) ? " (fully associative)" : "");
	}
	return 0;
}
