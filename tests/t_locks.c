// SPDX-License-Identifier: GPL-2.0
/*
 * t_locks.c - the simulated kernel's locks (proto/spinlock.c, rwsem.c,
 * mutex.c) on the simulator: the queued spinlock hands over in arrival
 * order, and a hand-over moves its word's line as often with 16 waiters
 * as with 8, where under ttas every waiter takes it; rwsem readers overlap
 * and writers exclude; the mutex excludes and hands over without letting
 * one task starve the others.
 *
 * Each test boots a machine the way work/run.c does (every CPU boots and
 * idles; CPU 0 starts the tasks once all are up), with one kernel thread
 * pinned to each CPU running the test's body.  What the bodies record is
 * in kernel memory, written with env accesses; the test reads it after
 * the run.
 */
#include "tests/schedtest.h"
#include "proto/sched.h"

#define MAX_CPUS 16
#define MAX_REC	1024

/* The lock under test on a line of its own: its line's transfers are the
 * lock's, not its neighbours'. */
struct shared {
	spinlock_t lock ____cacheline_aligned;
	struct rw_semaphore sem;
	struct mutex mutex;
	/* records, under the lock being tested or atomically */
	int n ____cacheline_aligned;
	int order[MAX_REC];
	int readers ____cacheline_aligned, writers;
	int bad, max_readers;
	u64 enter[MAX_CPUS], leave[MAX_CPUS];
	int acquired[MAX_CPUS];
};

struct lt {
	struct sim *s;
	struct kernel *k;
	struct shared *sh;
	int cpus;
	void (*body)(struct lt *t, int i);
	struct task_struct *task[MAX_CPUS];
};

static struct lt T;

static void lt_task(void *arg)
{
	int i = (int)(uintptr_t)arg;

	T.body(&T, i);
	sim_live_done(T.s);
}

/* CPU 0, all CPUs online: one locker task pinned to each CPU. */
static void lt_start(void)
{
	int i;

	for (i = 0; i < T.cpus; i++) {
		struct cpumask m;

		cpumask_clear(&m);
		__cpumask_set_cpu(i, &m);
		T.task[i] = kthread_create(T.k, lt_task, (void *)(uintptr_t)i,
					   "locker", &m);
	}
}

/* One task per CPU runs body(i); the run ends when all have returned. */
static void lt_run(int cpus, void (*body)(struct lt *, int), enum kp_spinlock sl,
		   bool watch_lock_word)
{
	struct kernel_opts ko = sm_opts();

	memset(&T, 0, sizeof(T));
	ko.kp[KP_SPINLOCK] = sl;
	sm_create(cpus, 0, &ko);
	T.s = SM.s;
	T.k = SM.k;
	T.sh = kzalloc(T.k, sizeof(*T.sh));
	spin_lock_init(&T.sh->lock, LOCK_CLASS_SPIN);
	init_rwsem(&T.sh->sem, LOCK_CLASS_SPIN);
	mutex_init(&T.sh->mutex, LOCK_CLASS_SPIN);
	T.cpus = cpus;
	T.body = body;
	coh_watch_transfers = 0;
	coh_watch_addr = watch_lock_word ? (uintptr_t)&T.sh->lock.val : 0;
	TEST_ASSERT(sm_run(lt_start, cpus) == SIM_END_DONE, "the run did not complete");
	coh_watch_addr = 0;
}

static void lt_done(void)
{
	sm_destroy();
}

/* Busy kernel code until the machine's clock reaches t (ns). */
static void wait_until(u64 t)
{
	while (local_clock() < t)
		kernel_work(100);
}

static void record(struct shared *sh, int i)
{
	int n = READ_ONCE(sh->n);

	if (n < MAX_REC)
		WRITE_ONCE(sh->order[n], i);
	WRITE_ONCE(sh->n, n + 1);
}

/* ---- qspinlock: FIFO, one transfer per hand-over --------------------------- */

#define STAGGER_NS	2000
#define START_NS	(100 * US)

/* CPU i arrives at START + i * STAGGER; CPU 0 holds the lock until all
 * have queued. */
static void fifo_body(struct lt *t, int i)
{
	wait_until(START_NS + (u64)i * STAGGER_NS);
	spin_lock(&t->sh->lock);
	record(t->sh, i);
	kernel_work(i ? 500 : (u64)t->cpus * STAGGER_NS + 10 * US);
	spin_unlock(&t->sh->lock);
}

static bool in_arrival_order(const struct shared *sh, int n, char *buf, size_t len)
{
	bool ok = sh->n == n;
	size_t w = 0;
	int i;

	for (i = 0; i < sh->n && i < MAX_REC; i++) {
		ok &= sh->order[i] == i;
		w += snprintf(buf + w, w < len ? len - w : 0, "%s%d", i ? "," : "",
			      sh->order[i]);
		if (w >= len)
			w = len - 1;
	}
	return ok;
}

static void test_qspinlock_fifo(void)
{
	char q[128], tt[128];
	bool fifo;

	report_prefix_push("qspinlock");
	lt_run(8, fifo_body, SPINLOCK_QUEUED, false);
	fifo = in_arrival_order(T.sh, 8, q, sizeof(q));
	lt_done();
	lt_run(8, fifo_body, SPINLOCK_TTAS, false);
	in_arrival_order(T.sh, 8, tt, sizeof(tt));
	lt_done();
	report(fifo, "8 CPUs arriving 2 us apart take the lock in arrival order "
	       "(%s; ttas: %s)", q, tt);
	report_prefix_pop();
}

#define ROUNDS 40

/* As fifo_body, but the hand-overs after CPU 0's release are counted:
 * every CPU is queued by then and none comes back, so each transfer of
 * the lock word's line belongs to a release or the acquisition it allows. */
static void handover_body(struct lt *t, int i)
{
	wait_until(START_NS + (u64)i * STAGGER_NS);
	spin_lock(&t->sh->lock);
	record(t->sh, i);
	if (i) {
		kernel_work(500);
	} else {
		kernel_work((u64)t->cpus * STAGGER_NS + 10 * US);
		coh_watch_transfers = 0;
		coh_watch_addr = (uintptr_t)&t->sh->lock.val;
	}
	spin_unlock(&t->sh->lock);
}

static void test_line_transfers(void)
{
	static const int ncpus[] = { 8, 16 };
	double q[2], tt[2];
	unsigned c;

	report_prefix_push("qspinlock");
	for (c = 0; c < ARRAY_SIZE(ncpus); c++) {
		int releases = ncpus[c] - 1;

		lt_run(ncpus[c], handover_body, SPINLOCK_QUEUED, false);
		q[c] = (double)coh_watch_transfers / releases;
		lt_done();
		lt_run(ncpus[c], handover_body, SPINLOCK_TTAS, false);
		tt[c] = (double)coh_watch_transfers / releases;
		lt_done();
	}
	/* only the pending waiter and the queue head read the word, so a
	 * hand-over costs the same however many wait; under ttas every
	 * waiter re-reads it and races for it */
	report(q[1] < q[0] * 1.2 && tt[1] > tt[0] * 1.6 && tt[1] > 2 * q[1],
	       "hand-overs with every CPU waiting: the lock word's line moves %.2f "
	       "(8 CPUs) and %.2f (16 CPUs) times per release under qspinlock, "
	       "%.2f and %.2f under ttas", q[0], q[1], tt[0], tt[1]);
	report_prefix_pop();
}

/* ---- rwsem ----------------------------------------------------------------------- */

/* Two readers enter at about the same time and stay 20 us. */
static void two_readers_body(struct lt *t, int i)
{
	struct shared *sh = t->sh;

	wait_until(START_NS + (u64)i * 1000);
	down_read(&sh->sem);
	WRITE_ONCE(sh->enter[i], local_clock());
	kernel_work(20 * US);
	WRITE_ONCE(sh->leave[i], local_clock());
	up_read(&sh->sem);
}

/* Readers and writers in a loop, each checking the other kind is out. */
static void mixed_body(struct lt *t, int i)
{
	struct shared *sh = t->sh;
	bool writer = i % 2 == 0;
	int r;

	wait_until(START_NS);
	for (r = 0; r < ROUNDS; r++) {
		if (writer) {
			down_write(&sh->sem);
			if (atomic_fetch_add(&sh->writers, 1) != 0 || READ_ONCE(sh->readers))
				atomic_fetch_add(&sh->bad, 1);
			kernel_work(1 * US + get_random_u64() % (2 * US));
			atomic_fetch_add(&sh->writers, -1);
			up_write(&sh->sem);
		} else {
			int n;

			down_read(&sh->sem);
			n = atomic_fetch_add(&sh->readers, 1) + 1;
			if (READ_ONCE(sh->writers))
				atomic_fetch_add(&sh->bad, 1);
			if (n > READ_ONCE(sh->max_readers))
				WRITE_ONCE(sh->max_readers, n);
			kernel_work(2 * US + get_random_u64() % (4 * US));
			atomic_fetch_add(&sh->readers, -1);
			up_read(&sh->sem);
		}
		WRITE_ONCE(sh->acquired[i], sh->acquired[i] + 1);
		kernel_work(get_random_u64() % (3 * US));
	}
}

/* CPU 0 writes, downgrades and keeps reading; CPU 1 waits to read and must
 * get in while CPU 0 still holds it; CPU 2 tries both ways meanwhile. */
static void downgrade_body(struct lt *t, int i)
{
	struct shared *sh = t->sh;

	if (i == 0) {
		wait_until(START_NS);
		down_write(&sh->sem);
		kernel_work(20 * US);
		downgrade_write(&sh->sem);
		WRITE_ONCE(sh->enter[0], local_clock());
		kernel_work(20 * US);
		WRITE_ONCE(sh->leave[0], local_clock());
		up_read(&sh->sem);
	} else if (i == 1) {
		wait_until(START_NS + 5 * US);
		down_read(&sh->sem);
		WRITE_ONCE(sh->enter[1], local_clock());
		up_read(&sh->sem);
	} else {
		wait_until(START_NS + 10 * US);
		/* write-held: no read trylock */
		WRITE_ONCE(sh->acquired[2], down_read_trylock(&sh->sem));
		wait_until(START_NS + 30 * US);
		/* read-held, no writer queued: yes */
		WRITE_ONCE(sh->acquired[3], down_read_trylock(&sh->sem));
		if (sh->acquired[3])
			up_read(&sh->sem);
	}
}

static void test_rwsem(void)
{
	struct shared *sh;
	u64 slept = 0;
	int i, total = 0;

	report_prefix_push("rwsem");
	lt_run(2, two_readers_body, SPINLOCK_QUEUED, false);
	sh = T.sh;
	report(sh->enter[1] < sh->leave[0] && sh->enter[0] < sh->leave[1],
	       "two readers are inside at once ([%llu, %llu] and [%llu, %llu] ns)",
	       (unsigned long long)sh->enter[0], (unsigned long long)sh->leave[0],
	       (unsigned long long)sh->enter[1], (unsigned long long)sh->leave[1]);
	lt_done();

	lt_run(6, mixed_body, SPINLOCK_QUEUED, false);
	sh = T.sh;
	for (i = 0; i < 6; i++) {
		total += sh->acquired[i];
		slept += T.task[i]->nvcsw;
	}
	report(!sh->bad && total == 6 * ROUNDS && sh->max_readers >= 2 && slept > 0,
	       "3 writers, 3 readers, %d acquisitions: writers exclude everyone "
	       "(%d overlaps), readers overlap (up to %d), waiters slept (%llu "
	       "voluntary switches)", total, sh->bad, sh->max_readers,
	       (unsigned long long)slept);
	lt_done();

	lt_run(3, downgrade_body, SPINLOCK_QUEUED, false);
	sh = T.sh;
	report(sh->enter[1] > sh->enter[0] && sh->enter[1] < sh->leave[0] &&
	       sh->acquired[2] == 0 && sh->acquired[3] == 1,
	       "downgrade_write lets the queued reader in beside the downgraded "
	       "holder (at %llu ns, holder reads until %llu); down_read_trylock "
	       "fails while write-held, succeeds while read-held",
	       (unsigned long long)sh->enter[1], (unsigned long long)sh->leave[0]);
	lt_done();
	report_prefix_pop();
}

/* ---- mutex ------------------------------------------------------------------------- */

static bool mutex_sleeps_inside;	/* set before the run */

/* ROUNDS critical sections each; with mutex_sleeps_inside the holder
 * sleeps in it (a mutex held across I/O), so waiters cannot spin on it. */
static void mutex_body(struct lt *t, int i)
{
	struct shared *sh = t->sh;
	int r;

	wait_until(START_NS + (u64)i * 500);
	for (r = 0; r < ROUNDS; r++) {
		mutex_lock(&sh->mutex);
		if (atomic_fetch_add(&sh->writers, 1) != 0)
			atomic_fetch_add(&sh->bad, 1);
		record(sh, i);
		if (mutex_sleeps_inside)
			schedule_hrtimeout(5 * US);
		else
			kernel_work(3 * US);
		atomic_fetch_add(&sh->writers, -1);
		mutex_unlock(&sh->mutex);
		kernel_work(200);
	}
}

/* The longest run of acquisitions by one task, and whether all four
 * appear among the first eight. */
static int longest_run(const struct shared *sh, bool *all_early)
{
	bool seen[MAX_CPUS] = { false };
	int i, run = 1, longest = 1, firsts = 0;

	for (i = 1; i < sh->n && i < MAX_REC; i++) {
		run = sh->order[i] == sh->order[i - 1] ? run + 1 : 1;
		if (run > longest)
			longest = run;
	}
	for (i = 0; i < sh->n && i < 8; i++)
		if (!seen[sh->order[i]]) {
			seen[sh->order[i]] = true;
			firsts++;
		}
	*all_early = firsts == 4;
	return longest;
}

static void test_mutex(void)
{
	struct shared *sh;
	bool early;
	int longest, i;
	u64 slept;

	report_prefix_push("mutex");
	mutex_sleeps_inside = false;
	lt_run(4, mutex_body, SPINLOCK_QUEUED, false);
	sh = T.sh;
	longest = longest_run(sh, &early);
	report(!sh->bad && sh->n == 4 * ROUNDS && longest <= 2 && early,
	       "4 tasks, holders running: %d acquisitions, never two holders (%d "
	       "overlaps); the spinners queued on the OSQ take turns (longest run "
	       "by one task %d)", sh->n, sh->bad, longest);
	lt_done();

	mutex_sleeps_inside = true;
	lt_run(4, mutex_body, SPINLOCK_QUEUED, false);
	sh = T.sh;
	longest = longest_run(sh, &early);
	for (slept = 0, i = 0; i < 4; i++)
		slept += T.task[i]->nvcsw;
	report(!sh->bad && sh->n == 4 * ROUNDS && longest <= 3 && early &&
	       slept > 4 * ROUNDS,
	       "holders sleeping inside: waiters sleep on the FIFO list (%llu "
	       "voluntary switches), never two holders (%d overlaps), longest run "
	       "by one task %d (an unlocker may retake it before the woken waiter "
	       "runs; then the waiter asks for handoff)",
	       (unsigned long long)slept, sh->bad, longest);
	lt_done();
	report_prefix_pop();
}

int main(void)
{
	load_default_profile();
	test_qspinlock_fifo();
	test_line_transfers();
	test_rwsem();
	test_mutex();
	return report_summary();
}
