// SPDX-License-Identifier: GPL-2.0
/*
 * core.c - costs that stay inside one core: L1 load-to-use, a locked RMW on
 * a line this core owns, MFENCE and PAUSE.
 *
 * l1_hit: a chain of dependent loads through 8 pointers in 8 lines that
 * stay in L1, so each load waits for the previous one (latency, not
 * throughput).  lock_add / xchg: back-to-back locked RMWs on one owned
 * line; they drain the store buffer and cannot overlap, so the loop time
 * per op is their latency.  atomic_extra = lock_add - l1_hit is the
 * profile's atomic_ns (the engine charges the access, then the extra).
 */
#include "calib.h"

#define ITERS	(20 * 1000 * 1000)

static void *ring[8 * 8] __attribute__((aligned(64)));
static volatile uint64_t word __attribute__((aligned(64)));

static double l1_hit(void)
{
	void **p = (void **)ring;
	uint64_t t;
	long i;

	for (i = 0; i < 8; i++)		/* one pointer per line, a ring */
		ring[i * 8] = &ring[((i + 1) % 8) * 8];
	t = now_ns();
	for (i = 0; i < ITERS; i++)
		p = (void **)*p;
	t = now_ns() - t;
	__asm__ volatile("" : : "r"(p));
	return (double)t / ITERS;
}

static double store(void)
{
	uint64_t t = now_ns();
	long i;

	for (i = 0; i < ITERS; i++)
		word = (uint64_t)i;
	return (double)(now_ns() - t) / ITERS;
}

static double lock_add(void)
{
	uint64_t t = now_ns();
	long i;

	for (i = 0; i < ITERS; i++)
		__asm__ volatile("lock addq $1, %0" : "+m"(word) : : "memory");
	return (double)(now_ns() - t) / ITERS;
}

static double xchg(void)
{
	uint64_t t = now_ns(), v = 0;
	long i;

	for (i = 0; i < ITERS; i++)
		__asm__ volatile("xchgq %0, %1" : "+r"(v), "+m"(word) : : "memory");
	return (double)(now_ns() - t) / ITERS;
}

/* A store before each MFENCE so the fence has something to drain, as in
 * the store->load barriers of the protocols (smp_mb). */
static double mfence(void)
{
	uint64_t t = now_ns();
	long i;

	for (i = 0; i < ITERS; i++)
		__asm__ volatile("movq %1, %0; mfence" : "=m"(word) : "r"((uint64_t)i)
				 : "memory");
	return (double)(now_ns() - t) / ITERS - store();
}

static double pause_op(void)
{
	uint64_t t = now_ns();
	long i;

	for (i = 0; i < ITERS / 10; i++)
		__asm__ volatile("pause" : : : "memory");
	return (double)(now_ns() - t) / (ITERS / 10);
}

int main(void)
{
	double l1[REPS], st[REPS], la[REPS], xc[REPS], ex[REPS], mf[REPS],
	       pa[REPS];
	int r;

	pin(0);
	l1_hit();	/* warm up: page in, let the clock ramp */
	for (r = 0; r < REPS; r++) {
		l1[r] = l1_hit();
		st[r] = store();
		la[r] = lock_add();
		xc[r] = xchg();
		ex[r] = la[r] - l1[r];
		mf[r] = mfence();
		pa[r] = pause_op();
	}
	report_median("l1_hit (load-to-use)", l1, REPS);
	report_median("plain store (throughput)", st, REPS);
	report_median("lock add, owned line", la, REPS);
	report_median("xchg, owned line", xc, REPS);
	report_median("atomic extra (lock add - l1_hit)", ex, REPS);
	report_median("mfence (after a store)", mf, REPS);
	report_median("pause", pa, REPS);
	return 0;
}
