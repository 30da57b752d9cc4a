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

/* The line, alone in its 64 bytes so nothing else shares it. */
static struct {
	volatile uint64_t turn;
	char pad[56];
} line __attribute__((aligned(64)));

/* How a thread waits for its turn and hands the line over. */
enum handoff {
	SPIN_STORE,		/* spin on loads, then a plain store */
	SPIN_PAUSE_STORE,	/* the same with PAUSE in the spin */
	CMPXCHG,		/* lock cmpxchg until it succeeds */
};

static enum handoff mode;

static void play(uint64_t me)
{
	uint64_t i;

	for (i = me; i < 2 * ROUNDS; i += 2) {
		if (mode == CMPXCHG) {
			while (!__sync_bool_compare_and_swap(&line.turn, i, i + 1))
				__asm__ volatile("pause");
			continue;
		}
		while (line.turn != i)
			if (mode == SPIN_PAUSE_STORE)
				__asm__ volatile("pause");
		line.turn = i + 1;
	}
}

static void *partner(void *arg)
{
	pin(1);
	play(1);
	return arg;
}

static double one_run(enum handoff m)
{
	pthread_t th;
	uint64_t t;

	mode = m;
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
	one_run(SPIN_STORE);	/* warm up */
	for (r = 0; r < REPS; r++) {
		st[r] = one_run(SPIN_STORE);
		sp[r] = one_run(SPIN_PAUSE_STORE);
		cas[r] = one_run(CMPXCHG);
	}
	report_median("one-way transfer, load+store", st, REPS);
	report_median("one-way transfer, load+store, pause", sp, REPS);
	report_median("one-way transfer, cmpxchg", cas, REPS);
	return 0;
}
