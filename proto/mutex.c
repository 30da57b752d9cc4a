// SPDX-License-Identifier: GPL-2.0
/*
 * mutex.c - the sleeping mutex, after Linux's kernel/locking/mutex.c since
 * v4.10: the owner word is the lock.
 *
 * It holds the owner's task_struct with three flags in the low bits:
 * WAITERS (someone sleeps: unlock must take the slow path), HANDOFF (the
 * first waiter asks that the lock be given to it rather than released),
 * PICKUP (it has been given: only that waiter may take it).  mutex_lock()
 * is one cmpxchg from 0 to current.  A contended locker first spins on the
 * owner while the owner runs on a CPU (through the OSQ, as rwsem writers
 * do), then queues FIFO under wait_lock and sleeps; unlock wakes the first
 * waiter.  A woken first waiter that finds the lock taken again sets
 * HANDOFF, so the next unlock hands the lock to it directly: it cannot be
 * starved by spinners arriving at the right moment.  (Linux's first waiter
 * also spins on the owner once woken; here it only retries.)
 */
#include "bug.h"
#include "proto/kernel.h"
#include "proto/sched.h"

#define MUTEX_FLAG_WAITERS	0x01UL
#define MUTEX_FLAG_HANDOFF	0x02UL
#define MUTEX_FLAG_PICKUP	0x04UL
#define MUTEX_FLAGS		0x07UL

#define SPIN_RECHECK_NS		200

void mutex_init(struct mutex *m, enum lock_class class)
{
	m->owner = 0;
	spin_lock_init(&m->wait_lock, LOCK_CLASS_SPIN);
	m->osq.tail = 0;
	m->class = class;
	m->wait.first = m->wait.last = NULL;
}

static struct task_struct *owner_of(unsigned long owner)
{
	return (struct task_struct *)(owner & ~MUTEX_FLAGS);
}

bool mutex_is_locked(struct mutex *m)
{
	return owner_of(READ_ONCE(m->owner)) != NULL;
}

/* Take it if it is free, or if it was handed to us.  true: ours. */
static bool __mutex_trylock(struct mutex *m)
{
	unsigned long curr = (unsigned long)current;
	unsigned long owner = READ_ONCE(m->owner), old, flags;

	for (;;) {
		struct task_struct *task = owner_of(owner);

		flags = owner & MUTEX_FLAGS;
		if (task) {
			if ((unsigned long)task != curr || !(flags & MUTEX_FLAG_PICKUP))
				return false;
			flags &= ~MUTEX_FLAG_PICKUP;
		}
		/* a handoff request must not outlive the acquisition */
		flags &= ~MUTEX_FLAG_HANDOFF;
		old = cmpxchg(&m->owner, owner, curr | flags);
		if (old == owner)
			return true;
		owner = old;
	}
}

int mutex_trylock(struct mutex *m)
{
	return __mutex_trylock(m);
}

/* Spin while this owner keeps the lock and runs.  false: stop spinning. */
static bool mutex_spin_on_owner(struct kernel *k, struct mutex *m, unsigned long owner)
{
	unsigned long now;

	for (;;) {
		now = READ_ONCE(m->owner);
		if (owner_of(now) != owner_of(owner))
			return true;
		if (!owner_on_cpu(k, owner_of(owner)))
			return false;
		cpu_spin_wait(&m->owner, now, sizeof(now), SPIN_RECHECK_NS);
	}
}

static bool mutex_optimistic_spin(struct kernel *k, struct mutex *m)
{
	unsigned long owner = READ_ONCE(m->owner);
	bool taken = false;

	if (owner_of(owner) && !owner_on_cpu(k, owner_of(owner)))
		return false;
	osq_lock(k, &m->osq);
	for (;;) {
		owner = READ_ONCE(m->owner);
		/* handed to a sleeper: it is not ours to take */
		if (owner & MUTEX_FLAG_PICKUP)
			break;
		if (owner_of(owner) && !mutex_spin_on_owner(k, m, owner))
			break;
		if (__mutex_trylock(m)) {
			taken = true;
			break;
		}
		cpu_relax();
	}
	osq_unlock(k, &m->osq);
	return taken;
}

static void mutex_lock_slowpath(struct mutex *m)
{
	struct kernel *k = K();
	u64 t0 = local_clock();
	struct lock_waiter *w;
	bool first;

	current->lock_wait = lock_wait_name(m->class);
	trace_span_begin(current->lock_wait);
	if (mutex_optimistic_spin(k, m))
		goto out;
	spin_lock(&m->wait_lock);
	if (__mutex_trylock(m)) {
		spin_unlock(&m->wait_lock);
		goto out;
	}
	w = lock_waiter_alloc(k, 0, 0);
	wait_list_add_tail(&m->wait, w);
	if (READ_ONCE(m->wait.first) == w)
		atomic_fetch_or(&m->owner, MUTEX_FLAG_WAITERS);

	set_current_state(TASK_UNINTERRUPTIBLE);
	for (;;) {
		/* under wait_lock, so a concurrent unlock's wake cannot be
		 * missed between this try and the sleep */
		if (__mutex_trylock(m))
			break;
		spin_unlock(&m->wait_lock);
		lock_schedule();
		first = READ_ONCE(m->wait.first) == w;
		if (first)
			atomic_fetch_or(&m->owner, MUTEX_FLAG_HANDOFF);
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (__mutex_trylock(m)) {
			spin_lock(&m->wait_lock);
			break;
		}
		spin_lock(&m->wait_lock);
	}
	__set_current_state(TASK_RUNNING);
	wait_list_del(&m->wait, w);
	if (!READ_ONCE(m->wait.first))
		atomic_fetch_and(&m->owner, ~MUTEX_FLAGS);
	spin_unlock(&m->wait_lock);
	lock_waiter_free(k, w);
out:
	trace_span_end();
	current->lock_wait = NULL;
	env_stat(lock_wait_stat(m->class), local_clock() - t0);
}

void mutex_lock(struct mutex *m)
{
	unsigned long curr = (unsigned long)current;

	if (likely(cmpxchg(&m->owner, 0UL, curr) == 0))
		return;
	mutex_lock_slowpath(m);
}

static void mutex_unlock_slowpath(struct mutex *m, unsigned long owner)
{
	struct task_struct *next = NULL;
	struct lock_waiter *w;
	struct wake_q wq = { 0 };

	/* release, unless the first waiter asked for a handoff */
	for (;;) {
		unsigned long old;

		BUG_ON(owner_of(owner) != current);
		if (owner & MUTEX_FLAG_HANDOFF)
			break;
		old = cmpxchg(&m->owner, owner, owner & MUTEX_FLAGS);
		if (old == owner) {
			if (owner & MUTEX_FLAG_WAITERS)
				break;
			return;
		}
		owner = old;
	}

	spin_lock(&m->wait_lock);
	w = READ_ONCE(m->wait.first);
	if (w) {
		next = READ_ONCE(w->task);
		wake_q_add(&wq, next);
	}
	if (owner & MUTEX_FLAG_HANDOFF) {
		/* give it to the first waiter, keep WAITERS, drop HANDOFF */
		unsigned long cur = READ_ONCE(m->owner), old;

		for (;;) {
			unsigned long new = (cur & MUTEX_FLAG_WAITERS) | (unsigned long)next;

			if (next)
				new |= MUTEX_FLAG_PICKUP;
			old = cmpxchg(&m->owner, cur, new);
			if (old == cur)
				break;
			cur = old;
		}
	}
	spin_unlock(&m->wait_lock);
	wake_up_q(&wq);
}

void mutex_unlock(struct mutex *m)
{
	unsigned long curr = (unsigned long)current, owner;

	owner = cmpxchg(&m->owner, curr, 0UL);
	if (likely(owner == curr))
		return;
	mutex_unlock_slowpath(m, owner);
}
