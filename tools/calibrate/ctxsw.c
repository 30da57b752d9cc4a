// SPDX-License-Identifier: GPL-2.0
/*
 * ctxsw.c - a context switch between two processes on one CPU: both are
 * pinned to CPU 0 and pass a byte back and forth through two pipes, so
 * every hand-off is a write, a wake-up, a switch and a read.  Round trip
 * / 2 is one switch including its two system calls; the syscall program's
 * figure tells how much of that the calls are.
 *
 * Second: two threads of one process on CPU 0 calling sched_yield() in
 * turn.  Each call is a system call, a pick and a switch between threads
 * of one mm (no CR3 write, no wake-up): per call, minus the syscall
 * figure, is what a task switch costs the kernel itself.
 */
#include "calib.h"	/* first: it defines _GNU_SOURCE */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS	200000

static double run(void)
{
	int ab[2], ba[2];
	uint64_t t;
	pid_t pid;
	char c = 0;
	long i;

	if (pipe(ab) || pipe(ba)) {
		perror("pipe");
		exit(1);
	}
	pid = fork();
	if (!pid) {
		for (;;) {
			if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
				_exit(0);
		}
	}
	t = now_ns();
	for (i = 0; i < ROUNDS; i++) {
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1) {
			perror("pipe i/o");
			exit(1);
		}
	}
	t = now_ns() - t;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(ab[0]);
	close(ab[1]);
	close(ba[0]);
	close(ba[1]);
	return (double)t / (2.0 * ROUNDS);
}

static volatile int yield_stop;

static void *yielder(void *arg)
{
	(void)arg;
	pin(0);
	while (!yield_stop)
		sched_yield();
	return NULL;
}

/* ns per sched_yield() while another thread of the process yields back */
static double run_yield(void)
{
	pthread_t th;
	uint64_t t;
	long i;

	yield_stop = 0;
	if (pthread_create(&th, NULL, yielder, NULL)) {
		perror("pthread_create");
		exit(1);
	}
	sched_yield();			/* let it start */
	t = now_ns();
	for (i = 0; i < ROUNDS; i++)
		sched_yield();
	t = now_ns() - t;
	yield_stop = 1;
	pthread_join(th, NULL);
	/* both threads yielded ROUNDS times in that window: 2 switches each */
	return (double)t / (2.0 * ROUNDS);
}

int main(void)
{
	double v[REPS];
	int r;

	pin(0);		/* the child inherits the affinity */
	run();
	for (r = 0; r < REPS; r++)
		v[r] = run();
	report_median("switch via pipe, same CPU", v, REPS);
	run_yield();
	for (r = 0; r < REPS; r++)
		v[r] = run_yield();
	report_median("sched_yield between two threads of one mm, same CPU", v, REPS);
	return 0;
}
