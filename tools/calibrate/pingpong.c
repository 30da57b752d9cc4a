// SPDX-License-Identifier: GPL-2.0
/*
 * pingpong.c - cache-line transfer between two cores.
 *
 * Two threads pinned to CPUs 0 and 1 take turns on one 64-byte line: each
 * waits until the line holds its turn number, then writes the next one.
 * Every hand-off moves the modified line to the other core once, so
 * round trip / 2 is one one-way transfer (a load miss served from the
 * other core's cache, plus the upgrade for the following store, which the
 * engine also folds into one transfer).  The CAS variant hands off with a
 * locked cmpxchg, as a lock or a CSD flag does.
 */
#include "calib.h"	/* first: it defines _GNU_SOURCE */
#include <pthread.h>

#define ROUNDS	(2 * 1000 * 1000)

static struct {
	volatile uint64_t turn;
} line __attribute__((aligned(64)));
static char pad[64] __attribute__((aligned(64))) __attribute__((used));

static int use_cas;

static void play(uint64_t me)
{
	uint64_t i;

	for (i = me; i < 2 * ROUNDS; i += 2) {
		if (use_cas > 0) {
			while (!__sync_bool_compare_and_swap(&line.turn, i, i + 1))
				__asm__ volatile("pause");
		} else {
			while (line.turn != i)
				if (use_cas < 0)
					__asm__ volatile("pause");
			line.turn = i + 1;
		}
	}
}

static void *partner(void *arg)
{
	pin(1);
	play(1);
	return arg;
}

static double one_run(int cas)
{
	pthread_t th;
	uint64_t t;

	use_cas = cas;
	line.turn = 0;
	pthread_create(&th, NULL, partner, NULL);
	t = now_ns();
	play(0);
	t = now_ns() - t;
	pthread_join(th, NULL);
	/* 2 * ROUNDS hand-offs, each one one-way transfer. */
	return (double)t / (2.0 * ROUNDS);
}

int main(void)
{
	double st[REPS], sp[REPS], cas[REPS];
	int r;

	pin(0);
	one_run(0);
	for (r = 0; r < REPS; r++) {
		st[r] = one_run(0);
		sp[r] = one_run(-1);
		cas[r] = one_run(1);
	}
	report_median("one-way transfer, load+store", st, REPS);
	report_median("one-way transfer, load+store, pause", sp, REPS);
	report_median("one-way transfer, cmpxchg", cas, REPS);
	return 0;
}
