// SPDX-License-Identifier: GPL-2.0
/*
 * ipi.c - an IPI round trip without a TLB flush, and the cost of a VM exit.
 *
 * membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) interrupts every other CPU
 * that is running a thread of this process and waits until each has run
 * a memory barrier in its interrupt handler: a synchronous cross-CPU call,
 * the same kernel machinery (smp_call_function_many) as a TLB shootdown,
 * minus the flush.  Alone, the process has no thread on another CPU and
 * the call sends nothing; with a thread spinning in user mode on CPU 1 it
 * sends one IPI and waits for it.  The difference is one IPI round trip.
 * Calls are timed one by one.  On this guest only some calls interrupt
 * CPU 1 (see madvise_ipi.c); the function-call interrupts CPU 1 took say
 * how many, and the slowest that many calls are taken as those that did.
 *
 * The thread on CPU 1 also records how long it lost each time it was
 * interrupted (gap_spinner in calib.h): the target's side of the IPI,
 * interrupt entry + the handler's barrier + interrupt exit.
 *
 * cpuid: on a virtual machine CPUID always exits to the hypervisor, so its
 * latency in user space is a VM exit + entry round trip, the floor of what
 * an IPI send (an ICR write or a PV IPI hypercall) costs a guest.  On bare
 * metal it is a few tens of ns.
 */
#include "calib.h"	/* first: it defines _GNU_SOURCE */
#include <linux/membarrier.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ITERS	20000
#define CPUID_ITERS	20000

static double sample[ITERS];

/* Each call timed on its own, split by whether it interrupted CPU 1 (the
 * function-call interrupts CPU 1 took during the loop). */
static struct split barrier_loop(void)
{
	long cal = irq_count("CAL", 1), i;

	for (i = 0; i < ITERS; i++) {
		uint64_t t = now_ns();

		syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
		sample[i] = (double)(now_ns() - t);
	}
	return split_samples(sample, ITERS, irq_count("CAL", 1) - cal);
}

static double gap_median;
static long gap_count, ipi_count;

static struct split with_thread(void)
{
	struct split v;
	pthread_t th;
	long cal;

	gap_stop = 0;
	ngaps = 0;
	pthread_create(&th, NULL, gap_spinner, NULL);
	barrier_loop();	/* let the spinner get onto CPU 1 first */
	cal = irq_count("CAL", 1);
	gap_record = 1;
	v = barrier_loop();
	gap_record = 0;
	ipi_count = irq_count("CAL", 1) - cal;
	gap_stop = 1;
	pthread_join(th, NULL);
	gap_count = ngaps;
	gap_median = ngaps ? sample_median(gap, ngaps) : 0;
	return v;
}

static double cpuid_loop(void)
{
	uint64_t t = now_ns();
	unsigned int a, b, c, d;
	long i;

	for (i = 0; i < CPUID_ITERS; i++) {
		a = 0;
		c = 0;
		__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	}
	return (double)(now_ns() - t) / CPUID_ITERS;
}

int main(void)
{
	double one[REPS], fast[REPS], slow[REPS], frac[REPS], rt[REPS], cp[REPS],
	       gm[REPS], gc[REPS], ic[REPS];
	struct split a, t;
	int r, n = 0, ng = 0;

	pin(0);
	if (syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
		    0, 0)) {
		perror("membarrier register");
		return 1;
	}
	if (irq_count("CAL", 1) < 0) {
		fprintf(stderr, "cannot read CPU 1's CAL count in /proc/interrupts\n");
		return 1;
	}
	for (r = 0; r < REPS; r++) {
		cp[r] = cpuid_loop();
		a = barrier_loop();
		t = with_thread();
		one[r] = a.fast;
		fast[r] = t.fast;
		frac[r] = 100 * t.frac;
		gc[r] = gap_count;
		ic[r] = ipi_count;
		if (gap_count && ipi_count > 0)	/* else only ticks */
			gm[ng++] = gap_median;
		/* A run in which no call sent an IPI says nothing of IPIs. */
		if (t.frac > 0) {
			slow[n] = t.slow;
			rt[n++] = t.slow - a.fast;
		}
	}
	report_median("cpuid (VM exit round trip if a VM)", cp, REPS);
	report_median("membarrier alone, median", one, REPS);
	report_median("own thread on CPU 1, no IPI, median", fast, REPS);
	if (n)
		report_median("own thread on CPU 1, IPI, median", slow, n);
	printf("%-34s %9.1f %%  (median of runs)\n", "calls that sent an IPI",
	       sample_median(frac, REPS));
	if (n)
		report_median("IPI round trip (IPI - alone)", rt, n);
	else
		printf("no run sent an IPI to CPU 1\n");
	printf("%-34s %9.0f    (median of runs)\n", "IPIs CPU 1 took per run",
	       sample_median(ic, REPS));
	printf("%-34s %9.0f    (median of runs)\n", "gaps CPU 1's spinner saw per run",
	       sample_median(gc, REPS));
	if (ng)
		report_median("CPU 1 gap per interruption, median", gm, ng);
	return 0;
}
