// SPDX-License-Identifier: GPL-2.0
/*
 * spinlock.c - spinlock_t as Linux x86 has it since v4.2: the queued
 * spinlock (kernel/locking/qspinlock.c), and, for comparison, the
 * test-and-test-and-set lock this model had before (--param spinlock=ttas).
 *
 * The queued lock is one 32-bit word:
 *
 *	bits  0- 7  locked		the owner's byte; unlock stores 0 here
 *	bit      8  pending		the first waiter, spinning on the word
 *	bits 16-17  tail index		which of the tail CPU's four nodes
 *	bits 18-31  tail CPU + 1	the last queued waiter (0: no queue)
 *
 * The first contender sets pending and spins on the word itself; anyone
 * after it takes an MCS node, swaps itself in as the tail, links behind the
 * previous tail and spins on its *own* node's line.  Only the queue head
 * watches the lock word, so a release moves that line to one waiter, and
 * the head hands the queue on with one store to its successor's node.
 * Under ttas every waiter re-reads the word and races a cmpxchg on every
 * release.
 *
 * Each CPU has four nodes (task, softirq, hardirq, NMI context) in one
 * cache line, as Linux's qnodes[MAX_NODES]; nesting beyond four is a bug
 * here (Linux falls back to spinning on the word, which it never expects).
 *
 * Lock waits are timed only on the slow path, so an uncontended lock costs
 * no clock read; the waits go to STAT_SPIN_WAIT_NS or STAT_PTL_WAIT_NS by
 * the lock's class.
 */
#include "bug.h"
#include "proto/kernel.h"

#define Q_LOCKED	0x01u
#define Q_PENDING	0x100u
#define Q_LOCKED_PENDING 0xffffu
#define Q_TAIL_SHIFT	16
#define Q_TAIL_IDX_BITS	2
#define Q_TAIL_MASK	0xffff0000u
/* x86's _Q_PENDING_LOOPS: how long a newcomer waits out a pending->locked
 * hand-over before it queues (arch/x86/include/asm/qspinlock.h) */
#define Q_PENDING_LOOPS	(1 << 9)

static u32 encode_tail(int cpu, int idx)
{
	return ((u32)(cpu + 1) << (Q_TAIL_SHIFT + Q_TAIL_IDX_BITS)) |
	       ((u32)idx << Q_TAIL_SHIFT);
}

static struct qnode *decode_tail(struct kernel *k, u32 tail)
{
	int cpu = (tail >> (Q_TAIL_SHIFT + Q_TAIL_IDX_BITS)) - 1;
	int idx = (tail >> Q_TAIL_SHIFT) & ((1 << Q_TAIL_IDX_BITS) - 1);

	return &k->qnodes[cpu].node[idx];
}

static bool queued_trylock(spinlock_t *l)
{
	u32 v = READ_ONCE(l->val);

	return !v && cmpxchg(&l->val, 0u, Q_LOCKED) == 0;
}

/* Swap our tail into the word, keeping locked and pending (xchg_tail:
 * a 16-bit xchg of the upper half). */
static u32 xchg_tail(spinlock_t *l, u32 tail)
{
	return (u32)xchg(&l->tail, (u16)(tail >> Q_TAIL_SHIFT)) << Q_TAIL_SHIFT;
}

static void queued_lock_slowpath(struct kernel *k, spinlock_t *l, u32 val)
{
	int me = smp_processor_id();
	struct qnode_set *qs = &k->qnodes[me];
	struct qnode *node, *prev, *next = NULL;
	u32 tail, old;
	int idx, loops;

	/* a pending->locked hand-over is in progress: it takes a moment */
	if (val == Q_PENDING) {
		for (loops = Q_PENDING_LOOPS; loops; loops--) {
			val = READ_ONCE(l->val);
			if (val != Q_PENDING)
				break;
			cpu_relax();
		}
	}
	if (val & ~Q_LOCKED)
		goto queue;

	/* trylock || pending: lock bts on the pending bit */
	val = atomic_fetch_or(&l->val, Q_PENDING);
	if (val & ~Q_LOCKED) {
		/* someone queued or took pending first: undo ours, if ours */
		if (!(val & Q_PENDING))
			atomic_fetch_and(&l->val, ~Q_PENDING);
		goto queue;
	}
	/* we are pending: wait for the owner, then take it and drop pending */
	if (val & Q_LOCKED)
		smp_cond_load_acquire(&l->locked, !VAL);
	WRITE_ONCE(l->locked_pending, (u16)Q_LOCKED);
	return;

queue:
	idx = qs->count++;		/* CPU-private, like __this_cpu_inc */
	BUG_ON(idx >= QNODES_PER_CPU);
	node = &qs->node[idx];
	tail = encode_tail(me, idx);
	WRITE_ONCE(node->locked, 0u);
	WRITE_ONCE(node->next, (struct qnode *)NULL);

	/* the lock may have become free while we set the node up */
	if (queued_trylock(l))
		goto release;

	old = xchg_tail(l, tail);
	if (old & Q_TAIL_MASK) {
		prev = decode_tail(k, old);
		WRITE_ONCE(prev->next, node);
		/* spin on our own line until our predecessor hands over */
		smp_cond_load_acquire(&node->locked, VAL);
		next = READ_ONCE(node->next);
	}

	/* queue head: wait for the owner and any pending waiter to go */
	val = smp_cond_load_acquire(&l->val, !(VAL & Q_LOCKED_PENDING));

	/* the last in the queue: take the lock and clear the tail at once */
	if ((val & Q_TAIL_MASK) == tail &&
	    cmpxchg(&l->val, val, Q_LOCKED) == val)
		goto release;

	/* others queued behind us: take the lock, hand the head on */
	WRITE_ONCE(l->locked, (u8)Q_LOCKED);
	if (!next)
		next = smp_cond_load_acquire(&node->next, VAL != NULL);
	smp_store_release(&next->locked, 1u);
release:
	qs->count--;
}

static void queued_unlock(spinlock_t *l)
{
	smp_store_release(&l->locked, (u8)0);
}

/* Test-and-test-and-set: all waiters spin on the word and race for it. */
static void ttas_lock(spinlock_t *l)
{
	for (;;) {
		u32 v = READ_ONCE(l->val);

		if (!v && !cmpxchg(&l->val, 0u, 1u))
			return;
		if (v)
			cpu_spin_wait(&l->val, v, sizeof(v), 0);
	}
}

static void ttas_unlock(spinlock_t *l)
{
	smp_store_release(&l->val, 0u);
}

static enum env_stat wait_stat(const spinlock_t *l)
{
	return l->class == LOCK_CLASS_PTL ? STAT_PTL_WAIT_NS : STAT_SPIN_WAIT_NS;
}

void spin_lock(spinlock_t *l)
{
	struct kernel *k = K();
	u64 t0;
	u32 v;

	if (k->o.kp[KP_SPINLOCK] == SPINLOCK_TTAS) {
		if (likely(!READ_ONCE(l->val) && !cmpxchg(&l->val, 0u, 1u)))
			return;
		t0 = local_clock();
		ttas_lock(l);
	} else {
		v = cmpxchg(&l->val, 0u, Q_LOCKED);
		if (likely(!v))
			return;
		t0 = local_clock();
		queued_lock_slowpath(k, l, v);
	}
	env_stat(wait_stat(l), local_clock() - t0);
}

void spin_unlock(spinlock_t *l)
{
	if (K()->o.kp[KP_SPINLOCK] == SPINLOCK_TTAS)
		ttas_unlock(l);
	else
		queued_unlock(l);
}

void spin_lock_init(spinlock_t *l, enum lock_class class)
{
	l->val = 0;
	l->class = class;
}
