// SPDX-License-Identifier: GPL-2.0
/*
 * rwsem.c - the reader-writer semaphore, after Linux's
 * kernel/locking/rwsem.c as rewritten for v5.3 (one count word, writer
 * optimistic spinning, handoff), before readers could be woken from behind
 * a writer in the queue.
 *
 * Readers add READER_BIAS to the count and own the lock unless a writer
 * holds it, waiters are queued or a handoff is asked for: then they back
 * out and queue.  Writers cmpxchg the count from 0; failing that, a writer
 * spins on the owner while the owning writer runs on a CPU (one spinner at
 * a time, through the OSQ), then queues and sleeps.  The wait list is FIFO
 * under wait_lock.  Releasing with waiters queued wakes the queue head:
 * a writer, which then takes the lock itself (others may still steal it),
 * or every reader up to the first writer, granted the lock by the waker
 * before they run.  A head that has waited RWSEM_WAIT_TIMEOUT sets the
 * handoff bit: nobody may steal the lock from it any more.
 *
 * Waits are timed from the slow path's start to the acquisition and added
 * to the stat of the lock's class.
 */
#include "bug.h"
#include "proto/kernel.h"
#include "proto/sched.h"

#define RWSEM_WRITER_LOCKED	(1L << 0)
#define RWSEM_FLAG_WAITERS	(1L << 1)
#define RWSEM_FLAG_HANDOFF	(1L << 2)
#define RWSEM_FLAG_READFAIL	(-0x7fffffffffffffffL - 1)	/* bit 63 */
#define RWSEM_READER_SHIFT	8
#define RWSEM_READER_BIAS	(1L << RWSEM_READER_SHIFT)
#define RWSEM_READER_MASK	(~(RWSEM_READER_BIAS - 1) & ~RWSEM_FLAG_READFAIL)
#define RWSEM_WRITER_MASK	RWSEM_WRITER_LOCKED
#define RWSEM_LOCK_MASK		(RWSEM_WRITER_MASK | RWSEM_READER_MASK)
#define RWSEM_READ_FAILED_MASK	(RWSEM_WRITER_MASK | RWSEM_FLAG_WAITERS | \
				 RWSEM_FLAG_HANDOFF | RWSEM_FLAG_READFAIL)

#define RWSEM_READER_OWNED	(1UL << 0)
#define RWSEM_OWNER_FLAGS	RWSEM_READER_OWNED

enum { RWSEM_WAITING_FOR_WRITE, RWSEM_WAITING_FOR_READ };
enum rwsem_wake_type {
	RWSEM_WAKE_ANY,		/* the head, whichever kind it is */
	RWSEM_WAKE_READERS,	/* readers only */
	RWSEM_WAKE_READ_OWNED,	/* the waker holds it for read (downgrade) */
};
enum writer_wait_state { WRITER_NOT_FIRST, WRITER_FIRST, WRITER_HANDOFF };

/* Linux: 4 ms or one jiffy, whichever is longer */
#define RWSEM_WAIT_TIMEOUT_NS	(4ULL * 1000 * 1000)
/* how long a spinner waits for the lock's line to change before it looks
 * at the owner's CPU again (it is PAUSE in a loop in Linux) */
#define SPIN_RECHECK_NS		200

void init_rwsem(struct rw_semaphore *sem, enum lock_class class)
{
	sem->count = 0;
	sem->owner = 0;
	sem->osq.tail = 0;
	sem->class = class;
	spin_lock_init(&sem->wait_lock, LOCK_CLASS_SPIN);
	sem->wait.first = sem->wait.last = NULL;
}

static struct task_struct *owner_task(unsigned long owner)
{
	return (struct task_struct *)(owner & ~RWSEM_OWNER_FLAGS);
}

static void rwsem_set_owner(struct rw_semaphore *sem)
{
	WRITE_ONCE(sem->owner, (unsigned long)current);
}

static void rwsem_set_reader_owned_by(struct rw_semaphore *sem, struct task_struct *t)
{
	WRITE_ONCE(sem->owner, (unsigned long)t | RWSEM_READER_OWNED);
}

/* The slow path begins: its wait is a slice of the trace. */
static u64 lock_wait(struct rw_semaphore *sem)
{
	current->lock_wait = lock_wait_name(sem->class);
	trace_span_begin(current->lock_wait);
	return local_clock();
}

static void lock_waited(struct rw_semaphore *sem, u64 t0)
{
	trace_span_end();
	current->lock_wait = NULL;
	env_stat(lock_wait_stat(sem->class), local_clock() - t0);
}

/*
 * Wake what the head of the queue allows; the caller holds wait_lock and
 * has already released its own hold on the count.  A writer at the head is
 * only woken (it takes the lock itself); leading readers are granted it
 * here, the count raised for all of them before any can run and release.
 */
static void rwsem_mark_wake(struct rw_semaphore *sem, enum rwsem_wake_type type,
			    struct wake_q *wq)
{
	struct lock_waiter *w = READ_ONCE(sem->wait.first), *next;
	long adjustment = 0, old;
	int woken = 0;

	if (w->type == RWSEM_WAITING_FOR_WRITE) {
		if (type == RWSEM_WAKE_ANY)
			wake_q_add(wq, READ_ONCE(w->task));
		return;
	}

	/* take one read hold first, so a writer that got in meanwhile is
	 * noticed before anyone is granted anything */
	if (type != RWSEM_WAKE_READ_OWNED) {
		adjustment = RWSEM_READER_BIAS;
		old = atomic_fetch_add(&sem->count, adjustment);
		if (old & RWSEM_WRITER_MASK) {
			/* a writer stole it; if the head has waited too long,
			 * ask for handoff so it cannot happen again */
			if (!(old & RWSEM_FLAG_HANDOFF) &&
			    local_clock() > READ_ONCE(w->timeout))
				adjustment -= RWSEM_FLAG_HANDOFF;
			atomic_fetch_add(&sem->count, -adjustment);
			return;
		}
		rwsem_set_reader_owned_by(sem, READ_ONCE(w->task));
	}

	/* every reader up to the first writer */
	for (next = w; next && READ_ONCE(next->type) == RWSEM_WAITING_FOR_READ;
	     next = READ_ONCE(next->next))
		woken++;
	WRITE_ONCE(sem->wait.first, next);
	if (next)
		WRITE_ONCE(next->prev, (struct lock_waiter *)NULL);
	else
		WRITE_ONCE(sem->wait.last, (struct lock_waiter *)NULL);

	adjustment = woken * RWSEM_READER_BIAS - adjustment;
	if (!next)
		adjustment -= RWSEM_FLAG_WAITERS;
	/* a reader got it: nobody needs to force the issue any more */
	if (READ_ONCE(sem->count) & RWSEM_FLAG_HANDOFF)
		adjustment -= RWSEM_FLAG_HANDOFF;
	if (adjustment)
		atomic_fetch_add(&sem->count, adjustment);

	/* now hand over: once task is NULL the sleeper may free its entry */
	while (w != next) {
		struct lock_waiter *after = READ_ONCE(w->next);
		struct task_struct *t = READ_ONCE(w->task);

		smp_store_release(&w->task, (struct task_struct *)NULL);
		wake_q_add(wq, t);
		w = after;
	}
}

static void rwsem_wake(struct rw_semaphore *sem)
{
	struct wake_q wq = { 0 };

	spin_lock(&sem->wait_lock);
	if (READ_ONCE(sem->wait.first))
		rwsem_mark_wake(sem, RWSEM_WAKE_ANY, &wq);
	spin_unlock(&sem->wait_lock);
	wake_up_q(&wq);
}

/* ---- readers ------------------------------------------------------------------ */

static void rwsem_down_read_slowpath(struct rw_semaphore *sem)
{
	struct kernel *k = K();
	long adjustment = -RWSEM_READER_BIAS, count;
	u64 t0 = lock_wait(sem);
	struct lock_waiter *w;
	struct wake_q wq = { 0 };

	spin_lock(&sem->wait_lock);
	if (!READ_ONCE(sem->wait.first)) {
		/* nobody queued and no writer: our bias already holds it */
		if (!(READ_ONCE(sem->count) & (RWSEM_WRITER_MASK | RWSEM_FLAG_HANDOFF))) {
			spin_unlock(&sem->wait_lock);
			rwsem_set_reader_owned_by(sem, current);
			lock_waited(sem, t0);
			return;
		}
		adjustment += RWSEM_FLAG_WAITERS;
	}
	w = lock_waiter_alloc(k, RWSEM_WAITING_FOR_READ, RWSEM_WAIT_TIMEOUT_NS);
	wait_list_add_tail(&sem->wait, w);

	/* we wait now, we do not hold */
	count = atomic_fetch_add(&sem->count, adjustment) + adjustment;

	/* nobody holds it: wake the head (which may be us); or readers hold
	 * it and we are the first waiter: join them */
	if (!(count & RWSEM_LOCK_MASK) ||
	    (!(count & RWSEM_WRITER_MASK) && (adjustment & RWSEM_FLAG_WAITERS)))
		rwsem_mark_wake(sem, RWSEM_WAKE_ANY, &wq);
	spin_unlock(&sem->wait_lock);
	wake_up_q(&wq);

	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (!smp_load_acquire(&w->task))
			break;
		lock_schedule();
	}
	__set_current_state(TASK_RUNNING);
	lock_waiter_free(k, w);
	lock_waited(sem, t0);
}

void down_read(struct rw_semaphore *sem)
{
	long c = atomic_fetch_add(&sem->count, RWSEM_READER_BIAS);

	if (unlikely(c & RWSEM_READ_FAILED_MASK))
		rwsem_down_read_slowpath(sem);
	else
		rwsem_set_reader_owned_by(sem, current);
}

int down_read_trylock(struct rw_semaphore *sem)
{
	long c = 0, old;

	for (;;) {
		old = cmpxchg(&sem->count, c, c + RWSEM_READER_BIAS);
		if (old == c) {
			rwsem_set_reader_owned_by(sem, current);
			return 1;
		}
		if (old & RWSEM_READ_FAILED_MASK)
			return 0;
		c = old;
	}
}

void up_read(struct rw_semaphore *sem)
{
	long c = atomic_fetch_add(&sem->count, -RWSEM_READER_BIAS) - RWSEM_READER_BIAS;

	BUG_ON(!((c + RWSEM_READER_BIAS) & RWSEM_READER_MASK));	/* unbalanced */
	/* the last holder out, with waiters queued */
	if (unlikely((c & (RWSEM_LOCK_MASK | RWSEM_FLAG_WAITERS)) == RWSEM_FLAG_WAITERS))
		rwsem_wake(sem);
}

/* ---- writers ------------------------------------------------------------------ */

/* Under wait_lock: take the lock for the queued writer, or, in handoff
 * state, make sure the handoff bit is set.  true: taken. */
static bool rwsem_try_write_lock(struct rw_semaphore *sem, struct lock_waiter *w,
				 enum writer_wait_state wstate)
{
	long count = READ_ONCE(sem->count), new, old;

	for (;;) {
		bool handoff = count & RWSEM_FLAG_HANDOFF;

		if (handoff && wstate == WRITER_NOT_FIRST)
			return false;
		new = count;
		if (count & RWSEM_LOCK_MASK) {
			if (handoff || wstate != WRITER_HANDOFF)
				return false;
			new |= RWSEM_FLAG_HANDOFF;
		} else {
			new |= RWSEM_WRITER_LOCKED;
			new &= ~RWSEM_FLAG_HANDOFF;
			/* we are the only waiter: no waiters once we leave */
			if (READ_ONCE(sem->wait.first) == w && READ_ONCE(sem->wait.last) == w)
				new &= ~RWSEM_FLAG_WAITERS;
		}
		old = cmpxchg(&sem->count, count, new);
		if (old == count)
			break;
		count = old;
	}
	if (new & RWSEM_FLAG_HANDOFF)
		return false;
	rwsem_set_owner(sem);
	return true;
}

/* Before queueing: take a free lock nobody has been promised. */
static bool rwsem_try_write_lock_unqueued(struct rw_semaphore *sem)
{
	long count = READ_ONCE(sem->count), old;

	while (!(count & (RWSEM_LOCK_MASK | RWSEM_FLAG_HANDOFF))) {
		old = cmpxchg(&sem->count, count, count | RWSEM_WRITER_LOCKED);
		if (old == count) {
			rwsem_set_owner(sem);
			return true;
		}
		count = old;
	}
	return false;
}

enum owner_state { OWNER_NULL = 1, OWNER_WRITER = 2, OWNER_READER = 4,
		   OWNER_NONSPINNABLE = 8 };
#define OWNER_SPINNABLE (OWNER_NULL | OWNER_WRITER)

static enum owner_state rwsem_owner_state(unsigned long owner)
{
	if (!owner)
		return OWNER_NULL;
	return owner & RWSEM_READER_OWNED ? OWNER_READER : OWNER_WRITER;
}

/* Spin while the same writer holds the lock and runs.  Readers cannot be
 * watched (the owner field names only the last of them): stop. */
static enum owner_state rwsem_spin_on_owner(struct kernel *k, struct rw_semaphore *sem)
{
	unsigned long owner = READ_ONCE(sem->owner), now;
	enum owner_state state = rwsem_owner_state(owner);

	if (state != OWNER_WRITER)
		return state;
	for (;;) {
		if (READ_ONCE(sem->count) & RWSEM_FLAG_HANDOFF)
			return OWNER_NONSPINNABLE;
		now = READ_ONCE(sem->owner);
		if (now != owner)
			return rwsem_owner_state(now);
		if (!owner_on_cpu(k, owner_task(owner)))
			return OWNER_NONSPINNABLE;
		/* the owner word shares the count's line: either changing
		 * ends the wait */
		cpu_spin_wait(&sem->owner, owner, sizeof(owner), SPIN_RECHECK_NS);
	}
}

static bool rwsem_can_spin_on_owner(struct kernel *k, struct rw_semaphore *sem)
{
	unsigned long owner = READ_ONCE(sem->owner);

	if (!owner)
		return true;
	return !(owner & RWSEM_READER_OWNED) && owner_on_cpu(k, owner_task(owner));
}

static bool rwsem_optimistic_spin(struct kernel *k, struct rw_semaphore *sem)
{
	bool taken = false;

	if (!rwsem_can_spin_on_owner(k, sem))
		return false;
	osq_lock(k, &sem->osq);
	while (rwsem_spin_on_owner(k, sem) & OWNER_SPINNABLE) {
		long c;

		if (rwsem_try_write_lock_unqueued(sem)) {
			taken = true;
			break;
		}
		/* no owner to watch and the lock promised to a waiter, or
		 * readers on their way in: queue (Linux leaves on
		 * need_resched(), which a handoff waiter on this CPU sets) */
		c = READ_ONCE(sem->count);
		if (!READ_ONCE(sem->owner) && (c & (RWSEM_FLAG_HANDOFF | RWSEM_READER_MASK)))
			break;
		cpu_relax();
	}
	osq_unlock(k, &sem->osq);
	return taken;
}

static void rwsem_down_write_slowpath(struct rw_semaphore *sem)
{
	struct kernel *k = K();
	enum writer_wait_state wstate;
	u64 t0 = lock_wait(sem);
	struct lock_waiter *w;
	struct wake_q wq = { 0 };
	long count;

	if (rwsem_optimistic_spin(k, sem)) {
		lock_waited(sem, t0);
		return;
	}
	w = lock_waiter_alloc(k, RWSEM_WAITING_FOR_WRITE, RWSEM_WAIT_TIMEOUT_NS);
	spin_lock(&sem->wait_lock);
	wstate = READ_ONCE(sem->wait.first) ? WRITER_NOT_FIRST : WRITER_FIRST;
	wait_list_add_tail(&sem->wait, w);
	if (wstate == WRITER_NOT_FIRST) {
		/* others queued before us: if no writer holds it, readers
		 * ahead of us may be let in (or the head, if nobody holds) */
		count = READ_ONCE(sem->count);
		if (!(count & RWSEM_WRITER_MASK)) {
			rwsem_mark_wake(sem, count & RWSEM_READER_MASK ?
					RWSEM_WAKE_READERS : RWSEM_WAKE_ANY, &wq);
			if (wq.n) {
				spin_unlock(&sem->wait_lock);
				wake_up_q(&wq);
				spin_lock(&sem->wait_lock);
			}
		}
	} else {
		atomic_fetch_or(&sem->count, RWSEM_FLAG_WAITERS);
	}

	set_current_state(TASK_UNINTERRUPTIBLE);
	while (!rwsem_try_write_lock(sem, w, wstate)) {
		spin_unlock(&sem->wait_lock);
		for (;;) {
			lock_schedule();
			set_current_state(TASK_UNINTERRUPTIBLE);
			if (wstate == WRITER_HANDOFF)
				break;
			if (wstate == WRITER_NOT_FIRST && READ_ONCE(sem->wait.first) == w)
				wstate = WRITER_FIRST;
			count = READ_ONCE(sem->count);
			if (!(count & RWSEM_LOCK_MASK))
				break;
			/* the bit itself is set under wait_lock, by the trylock */
			if (wstate == WRITER_FIRST && local_clock() > READ_ONCE(w->timeout)) {
				wstate = WRITER_HANDOFF;
				break;
			}
		}
		spin_lock(&sem->wait_lock);
	}
	__set_current_state(TASK_RUNNING);
	wait_list_del(&sem->wait, w);
	spin_unlock(&sem->wait_lock);
	lock_waiter_free(k, w);
	lock_waited(sem, t0);
}

void down_write(struct rw_semaphore *sem)
{
	if (unlikely(cmpxchg(&sem->count, 0L, RWSEM_WRITER_LOCKED) != 0))
		rwsem_down_write_slowpath(sem);
	else
		rwsem_set_owner(sem);
}

int down_write_trylock(struct rw_semaphore *sem)
{
	if (cmpxchg(&sem->count, 0L, RWSEM_WRITER_LOCKED) != 0)
		return 0;
	rwsem_set_owner(sem);
	return 1;
}

void up_write(struct rw_semaphore *sem)
{
	long c;

	WRITE_ONCE(sem->owner, 0UL);
	c = atomic_fetch_add(&sem->count, -RWSEM_WRITER_LOCKED);
	BUG_ON(!(c & RWSEM_WRITER_LOCKED));
	if (unlikely(c & RWSEM_FLAG_WAITERS))
		rwsem_wake(sem);
}

/* Writer to reader without letting go: waiting readers at the head join. */
void downgrade_write(struct rw_semaphore *sem)
{
	long c = atomic_fetch_add(&sem->count, RWSEM_READER_BIAS - RWSEM_WRITER_LOCKED);
	struct wake_q wq = { 0 };

	BUG_ON(!(c & RWSEM_WRITER_LOCKED));
	rwsem_set_reader_owned_by(sem, current);
	if (!(c & RWSEM_FLAG_WAITERS))
		return;
	spin_lock(&sem->wait_lock);
	if (READ_ONCE(sem->wait.first))
		rwsem_mark_wake(sem, RWSEM_WAKE_READ_OWNED, &wq);
	spin_unlock(&sem->wait_lock);
	wake_up_q(&wq);
}

bool rwsem_is_locked(struct rw_semaphore *sem)
{
	return READ_ONCE(sem->count) & RWSEM_LOCK_MASK;
}

bool rwsem_is_write_locked(struct rw_semaphore *sem)
{
	return READ_ONCE(sem->count) & RWSEM_WRITER_LOCKED;
}
