// SPDX-License-Identifier: GPL-2.0
/*
 * madvise_ipi.c - one TLB-shootdown IPI round trip, seen from user space.
 *
 * Loop { madvise(page, MADV_DONTNEED); write the page }: the madvise zaps
 * the PTE and flushes the TLB; the write faults a fresh page in.  With the
 * process alone on CPU 0 the flush is local: the mm was never loaded on
 * another CPU.  With a second thread of the process spinning in user mode
 * on CPU 1, madvise must also interrupt CPU 1 and wait for it to flush and
 * acknowledge.  The difference is one shootdown round trip: IPI send,
 * delivery, remote interrupt entry, the remote flush, the acknowledgement
 * (a cache-line transfer back).  This is a primitive measurement on this
 * host, not a reproduction of any published benchmark.
 *
 * Each iteration is timed on its own.  A paravirtualized guest kernel may
 * skip the IPI to a vCPU its host reports as preempted (KVM PV TLB flush:
 * it leaves a flush request instead), so only some iterations interrupt
 * CPU 1; the count of TLB-shootdown interrupts CPU 1 took, from
 * /proc/interrupts, says how many, and the slowest that many iterations
 * are taken as the ones that did (split_samples in calib.h).
 *
 * Control: CPU 1 busy with another process, which needs no shootdown; it
 * should cost what the lone process does.
 */
#include "calib.h"	/* first: it defines _GNU_SOURCE */
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define ITERS	20000
#define PAGE	4096

struct result {
	double mean;		/* plain mean per iteration */
	struct split split;	/* medians without / with an IPI */
	long ipis;		/* TLB interrupts CPU 1 took */
	long gaps;		/* interruptions CPU 1's thread saw */
	double gap;		/* their median length */
};

static volatile int stop;
static double sample[ITERS];

static void *spinner(void *arg)
{
	pin(1);
	while (!stop)
		__asm__ volatile("pause");
	return arg;
}

static struct result loop(char *page)
{
	uint64_t start = now_ns();
	long tlb = irq_count("TLB", 1);
	struct result r;
	long i;

	for (i = 0; i < ITERS; i++) {
		uint64_t t = now_ns();

		madvise(page, PAGE, MADV_DONTNEED);
		ACCESS_ONCE(page[0]) = 1;
		sample[i] = (double)(now_ns() - t);
	}
	r.mean = (double)(now_ns() - start) / ITERS;
	r.ipis = irq_count("TLB", 1) - tlb;
	r.split = split_samples(sample, ITERS, r.ipis);
	r.gaps = 0;
	r.gap = 0;
	return r;
}

static struct result alone(char *page)
{
	loop(page);
	return loop(page);
}

/* The spinning thread records its gaps (gap_spinner in calib.h): the
 * target's side of each shootdown, interrupt entry + flush + exit. */
static struct result with_thread(char *page)
{
	struct result r;
	pthread_t th;

	gap_stop = 0;
	pthread_create(&th, NULL, gap_spinner, NULL);
	loop(page);	/* let the spinner get onto CPU 1 first */
	gap_record = 1;
	r = loop(page);
	gap_record = 0;
	gap_stop = 1;
	pthread_join(th, NULL);
	r.gaps = ngaps;
	r.gap = ngaps ? sample_median(gap, ngaps) : 0;
	return r;
}

static struct result with_stranger(char *page)
{
	pid_t pid = fork();
	struct result r;

	if (!pid) {
		spinner(NULL);
		_exit(0);
	}
	loop(page);
	r = loop(page);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return r;
}

/*
 * Run fn in a forked child: its mm has only ever been loaded on CPU 0, so
 * no other CPU is in its cpumask, lazily or not, unless fn puts it there.
 */
static struct result in_child(struct result (*fn)(char *))
{
	struct result r;
	int fd[2];
	char *page;

	if (pipe(fd)) {
		perror("pipe");
		exit(1);
	}
	if (!fork()) {
		page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (page == MAP_FAILED)
			_exit(1);
		r = fn(page);
		if (write(fd[1], &r, sizeof(r)) != sizeof(r))
			_exit(1);
		_exit(0);
	}
	if (read(fd[0], &r, sizeof(r)) != sizeof(r)) {
		fprintf(stderr, "child failed\n");
		exit(1);
	}
	wait(NULL);
	close(fd[0]);
	close(fd[1]);
	return r;
}

int main(void)
{
	double one[REPS], ctl[REPS], mean1[REPS], mean2[REPS], fast[REPS],
	       slow[REPS], frac[REPS], rt[REPS], naive[REPS], ni[REPS],
	       ng[REPS], gm[REPS];
	struct result a, c, t;
	int r, n = 0, g = 0;

	pin(0);
	if (irq_count("TLB", 1) < 0) {
		fprintf(stderr, "cannot read CPU 1's TLB count in /proc/interrupts\n");
		return 1;
	}
	for (r = 0; r < REPS; r++) {
		a = in_child(alone);
		c = in_child(with_stranger);
		t = in_child(with_thread);
		one[r] = a.split.fast;	/* no IPIs: the median of all */
		ctl[r] = c.split.fast;
		mean1[r] = a.mean;
		mean2[r] = t.mean;
		naive[r] = t.mean - a.mean;
		fast[r] = t.split.fast;
		frac[r] = 100 * t.split.frac;
		ni[r] = t.ipis;
		ng[r] = t.gaps;
		if (t.gaps && t.ipis > 0)	/* else only ticks */
			gm[g++] = t.gap;
		/* A run in which no call sent an IPI says nothing of IPIs. */
		if (t.split.frac > 0) {
			slow[n] = t.split.slow;
			rt[n++] = t.split.slow - a.split.fast;
		}
	}
	report_median("alone, median iteration", one, REPS);
	report_median("other process on CPU 1, median", ctl, REPS);
	report_median("own thread on CPU 1, no IPI, median", fast, REPS);
	if (n)
		report_median("own thread on CPU 1, IPI, median", slow, n);
	printf("%-34s %9.1f %%  (median of runs)\n", "iterations that sent an IPI",
	       sample_median(frac, REPS));
	if (n)
		report_median("shootdown round trip (IPI - alone)", rt, n);
	else
		printf("no run sent an IPI to CPU 1\n");
	printf("%-34s %9.0f    (median of runs)\n", "IPIs CPU 1 took per run",
	       sample_median(ni, REPS));
	printf("%-34s %9.0f    (median of runs)\n", "gaps CPU 1's thread saw per run",
	       sample_median(ng, REPS));
	if (g)
		report_median("CPU 1 gap per interruption, median", gm, g);
	report_median("mean iteration, alone", mean1, REPS);
	report_median("mean iteration, own thread", mean2, REPS);
	report_median("difference of means", naive, REPS);
	return 0;
}
