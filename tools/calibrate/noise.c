// SPDX-License-Identifier: GPL-2.0
/*
 * noise.c - how often, and for how long, a CPU running a busy user thread
 * is taken away from it: the guest's own interrupts (timer ticks) and, on
 * a virtual machine, the host's preemptions of the vCPU.  A thread spins
 * on CPU 1 reading the clock for a few seconds and records every gap
 * longer than GAP_MIN_NS (gap_spinner in calib.h); nothing else of ours
 * runs meanwhile.  Reports the gaps per second, their median and the share
 * of time lost.
 */
#include "calib.h"	/* first: it defines _GNU_SOURCE */
#include <pthread.h>
#include <unistd.h>

#define SECONDS	3

int main(void)
{
	double rate[REPS / 2], med[REPS / 2], lost[REPS / 2];
	pthread_t th;
	int r, n = REPS / 2;

	pin(0);
	for (r = 0; r < n; r++) {
		double sum = 0;
		long i;

		gap_stop = 0;
		ngaps = 0;
		gap_record = 1;
		pthread_create(&th, NULL, gap_spinner, NULL);
		sleep(SECONDS);
		gap_record = 0;
		gap_stop = 1;
		pthread_join(th, NULL);
		for (i = 0; i < ngaps; i++)
			sum += gap[i];
		rate[r] = (double)ngaps / SECONDS;
		lost[r] = 100 * sum / (SECONDS * 1e9);
		med[r] = ngaps ? sample_median(gap, ngaps) : 0;
	}
	printf("%-34s %9.0f /s  (median of %d runs of %d s)\n",
	       "gaps on a busy CPU 1", sample_median(rate, n), n, SECONDS);
	report_median("median gap", med, n);
	printf("%-34s %9.3f %%  (median of runs)\n", "time lost",
	       sample_median(lost, n));
	return 0;
}
