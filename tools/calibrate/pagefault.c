// SPDX-License-Identifier: GPL-2.0
/*
 * pagefault.c - cost of a minor page fault on anonymous memory.
 *
 * Touch every page of a fresh anonymous mapping, then touch them all again
 * now that they are mapped; the difference per page is the fault.  Two
 * kinds:
 *  - read fault: maps the shared zero page, so the kernel allocates and
 *    clears nothing; this is exception entry + a short handle_mm_fault +
 *    exit, the closest user space gets to the bare entry/exit cost;
 *  - write fault: allocates and zeroes a 4 KiB page as well (the madvise
 *    loop's refault is this kind).
 * Huge pages are turned off for the mapping so every 4 KiB page faults.
 */
#include "calib.h"	/* first: it defines _GNU_SOURCE */
#include <sys/mman.h>

#define NPAGES	16384
#define PAGE	4096

static double pass(volatile char *m, int write)
{
	uint64_t t = now_ns();
	long i;

	for (i = 0; i < NPAGES; i++) {
		if (write)
			m[i * PAGE] = 1;
		else
			(void)m[i * PAGE];
	}
	return (double)(now_ns() - t) / NPAGES;
}

static double fault_cost(int write)
{
	char *m = mmap(NULL, (size_t)NPAGES * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double first, again;

	if (m == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	madvise(m, (size_t)NPAGES * PAGE, MADV_NOHUGEPAGE);
	first = pass(m, write);
	again = pass(m, write);
	munmap(m, (size_t)NPAGES * PAGE);
	return first - again;
}

int main(void)
{
	double rd[REPS], wr[REPS];
	int r;

	pin(0);
	fault_cost(1);
	for (r = 0; r < REPS; r++) {
		rd[r] = fault_cost(0);
		wr[r] = fault_cost(1);
	}
	report_median("read fault (zero page)", rd, REPS);
	report_median("write fault (alloc + zero)", wr, REPS);
	return 0;
}
