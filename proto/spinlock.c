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
 * the lock's class (locking.h).
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

/* ---- paravirtual spinlocks (kernel/locking/qspinlock_paravirt.h) ----------
 *
 * In a guest a lock holder's vCPU may be preempted by the host, and its
 * waiters would burn their timeslices spinning.  A queued waiter spins
 * SPIN_THRESHOLD pauses, then halts its vCPU (kvm_wait: HLT, which the host
 * may use to run another vCPU); the one that must wake it kicks it with a
 * hypercall (KVM_HC_KICK_CPU).  A halted waiter behind the head is made
 * known to the unlocker by its predecessor (pv_kick_node); a halted head
 * hashes the lock itself.  Either way the lock byte holds Q_SLOW_VAL, and
 * unlock, seeing it, finds the node in the hash and kicks its vCPU.
 * A waiter whose predecessor has halted halts early (pv_wait_early): the
 * lock cannot reach it before that vCPU is kicked and runs again.
 */
#define Q_SLOW_VAL	0x03u		/* locked, and a waiter is hashed */
#define SPIN_THRESHOLD	(1 << 15)	/* pauses before a waiter halts */
#define PV_PREV_CHECK	256		/* pauses between looks at the predecessor */

enum pv_vcpu_state { VCPU_RUNNING = 0, VCPU_HALTED, VCPU_HASHED };

/* How long SPIN_THRESHOLD pauses take: one pause, timed, times that. */
static u64 spin_threshold_ns(void)
{
	u64 t0 = local_clock();

	cpu_relax();
	return (local_clock() - t0) * SPIN_THRESHOLD;
}

/* kvm_wait: halt unless *p already changed; a kick or an interrupt ends
 * the halt, and a kick that came first makes it return at once. */
static void pv_wait(const volatile u8 *p, u8 val)
{
	if (READ_ONCE(*p) == val && kvm_halt_for_kick() < 0)
		cpu_relax();		/* no PV_UNHALT: spin instead */
}

/* Hash by the lock's place in kernel memory, never its host address. */
static struct pv_hash_entry *pv_hash(struct kernel *k, spinlock_t *l,
				     struct qnode *node)
{
	unsigned int n = pv_hash_size(k->nr_cpus);
	uintptr_t off = (uintptr_t)l - (uintptr_t)k->kmem;
	unsigned int h = (unsigned int)((off >> 3) * 0x9e3779b1u) & (n - 1);

	for (;; h = (h + 1) & (n - 1)) {
		struct pv_hash_entry *e = &k->pv_hash[h];

		if (!READ_ONCE(e->lock) && !cmpxchg(&e->lock, (spinlock_t *)NULL, l)) {
			WRITE_ONCE(e->node, node);
			return e;
		}
	}
}

static struct qnode *pv_unhash(struct kernel *k, spinlock_t *l)
{
	unsigned int n = pv_hash_size(k->nr_cpus);
	uintptr_t off = (uintptr_t)l - (uintptr_t)k->kmem;
	unsigned int h = (unsigned int)((off >> 3) * 0x9e3779b1u) & (n - 1);

	for (;; h = (h + 1) & (n - 1)) {
		struct pv_hash_entry *e = &k->pv_hash[h];

		if (READ_ONCE(e->lock) == l) {
			struct qnode *node = READ_ONCE(e->node);

			WRITE_ONCE(e->lock, (spinlock_t *)NULL);
			return node;
		}
	}
}

/* Spin until *p is no longer 0 or spin ns have passed; true if it is. */
static bool spin_for(const u32 *p, u64 spin)
{
	u64 end = local_clock() + spin, now;

	while (!READ_ONCE(*p)) {
		now = local_clock();
		if (now >= end)
			return false;
		cpu_spin_wait(p, 0, sizeof(*p), end - now);
	}
	return true;
}

/*
 * Spin for our node's locked, up to SPIN_THRESHOLD pauses; every
 * PV_PREV_CHECK pauses look at the predecessor and give up early if its
 * vCPU is not running (pv_wait_early).  True if locked was set.
 */
static bool spin_behind(struct qnode *node, struct qnode *prev, u64 spin)
{
	u64 chunk = spin / (SPIN_THRESHOLD / PV_PREV_CHECK), done;

	/* the count of pauses starts at SPIN_THRESHOLD, a multiple of the
	 * check interval: the first look is before the first pause */
	for (done = 0; done < spin; done += chunk) {
		if (READ_ONCE(node->locked))
			return true;
		if (READ_ONCE(prev->pv_state) != VCPU_RUNNING)
			return false;
		if (spin_for(&node->locked, chunk))
			return true;
	}
	return false;
}

/* A waiter behind the head: spin on our node, then halt until kicked. */
static void pv_wait_node(struct qnode *node, struct qnode *prev)
{
	u64 spin = spin_threshold_ns();

	for (;;) {
		if (spin_behind(node, prev, spin))
			return;
		/* smp_store_mb: the state before the re-check of locked */
		xchg(&node->pv_state, (u8)VCPU_HALTED);
		if (!READ_ONCE(node->locked))
			pv_wait(&node->pv_state, VCPU_HALTED);
		cmpxchg(&node->pv_state, (u8)VCPU_HALTED, (u8)VCPU_RUNNING);
		if (READ_ONCE(node->locked))
			return;
		/* a spurious wake-up (a kick meant for an earlier wait) */
	}
}

/* We made node the queue head.  If its vCPU halted, leave the kick to
 * our unlock: mark the lock slow and hash it to node. */
static void pv_kick_node(struct kernel *k, spinlock_t *l, struct qnode *node)
{
	if (cmpxchg(&node->pv_state, (u8)VCPU_HALTED, (u8)VCPU_HASHED) != VCPU_HALTED)
		return;
	WRITE_ONCE(l->locked, (u8)Q_SLOW_VAL);
	pv_hash(k, l, node);
}

/* locked == 0 and pending is ours: take the lock and drop pending */
static bool trylock_clear_pending(spinlock_t *l)
{
	return !READ_ONCE(l->locked) &&
	       cmpxchg(&l->locked_pending, (u16)Q_PENDING, (u16)Q_LOCKED) == Q_PENDING;
}

/* The queue head: spin for the lock (holding pending, so no newcomer
 * takes the fast path past us), then halt with the lock hashed.  Returns
 * the lock word with the lock taken. */
static u32 pv_wait_head_or_lock(struct kernel *k, spinlock_t *l, struct qnode *node)
{
	u64 spin = spin_threshold_ns(), end;
	bool hashed = READ_ONCE(node->pv_state) == VCPU_HASHED;

	for (;;) {
		WRITE_ONCE(node->pv_state, (u8)VCPU_RUNNING);
		atomic_fetch_or(&l->val, Q_PENDING);		/* set_pending */
		end = local_clock() + spin;
		for (;;) {
			u8 v = READ_ONCE(l->locked);
			u64 now;

			if (!v && trylock_clear_pending(l))
				goto locked;
			now = local_clock();
			if (now >= end)
				break;
			if (v)
				cpu_spin_wait(&l->locked, v, sizeof(v), end - now);
			else
				cpu_relax();
		}
		atomic_fetch_and(&l->val, ~Q_PENDING);		/* clear_pending */
		if (!hashed) {
			struct pv_hash_entry *e = pv_hash(k, l, node);

			hashed = true;
			if (xchg(&l->locked, (u8)Q_SLOW_VAL) == 0) {
				/* it was free after all: ours, unhash */
				WRITE_ONCE(l->locked, (u8)Q_LOCKED);
				WRITE_ONCE(e->lock, (spinlock_t *)NULL);
				goto locked;
			}
		}
		WRITE_ONCE(node->pv_state, (u8)VCPU_HASHED);
		pv_wait(&l->locked, Q_SLOW_VAL);
		/* Kicked, the lock released.  A newcomer may take it first
		 * (lock stealing); as Linux does, we do not hash again, so
		 * until we get it we spin (pv_wait returns at once). */
	}
locked:
	return READ_ONCE(l->val) | Q_LOCKED;
}

static void pv_unlock(struct kernel *k, spinlock_t *l)
{
	struct qnode *node;
	u8 v = cmpxchg(&l->locked, (u8)Q_LOCKED, (u8)0);

	if (likely(v == Q_LOCKED))
		return;
	BUG_ON(v != Q_SLOW_VAL);
	node = pv_unhash(k, l);
	smp_store_release(&l->locked, (u8)0);
	kvm_kick_cpu(READ_ONCE(node->cpu));
}

static void queued_lock_slowpath(struct kernel *k, spinlock_t *l, u32 val)
{
	int me = smp_processor_id();
	struct qnode_set *qs = &k->qnodes[me];
	struct qnode *node, *prev, *next = NULL;
	u32 tail, old;
	int idx, loops;

	/* a guest's queued lock goes straight to the queue: the head holds
	 * pending while it spins (pv_wait_head_or_lock) */
	if (k->pv_spinlocks)
		goto queue;

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
	if (k->pv_spinlocks) {
		WRITE_ONCE(node->cpu, (u16)me);
		WRITE_ONCE(node->pv_state, (u8)VCPU_RUNNING);
	}

	/* the lock may have become free while we set the node up */
	if (queued_trylock(l))
		goto release;

	old = xchg_tail(l, tail);
	if (old & Q_TAIL_MASK) {
		prev = decode_tail(k, old);
		WRITE_ONCE(prev->next, node);
		/* spin on our own line until our predecessor hands over */
		if (k->pv_spinlocks)
			pv_wait_node(node, prev);
		else
			smp_cond_load_acquire(&node->locked, VAL);
		next = READ_ONCE(node->next);
	}

	/* queue head: wait for the owner and any pending waiter to go */
	if (k->pv_spinlocks)
		val = pv_wait_head_or_lock(k, l, node);
	else
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
	if (k->pv_spinlocks)
		pv_kick_node(k, l, next);
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

void spin_lock(spinlock_t *l)
{
	struct kernel *k = K();
	u64 t0;
	u32 v;

	if (k->o.kp[KP_SPINLOCK] == SPINLOCK_TTAS) {
		if (likely(!READ_ONCE(l->val) && !cmpxchg(&l->val, 0u, 1u)))
			return;
		t0 = sched_clock();	/* lockstat's clock: this CPU's */
		trace_span_begin(lock_wait_name(l->class));
		ttas_lock(l);
	} else {
		v = cmpxchg(&l->val, 0u, Q_LOCKED);
		if (likely(!v))
			return;
		t0 = sched_clock();
		trace_span_begin(lock_wait_name(l->class));
		queued_lock_slowpath(k, l, v);
	}
	trace_span_end();
	env_stat(lock_wait_stat(l->class), sched_clock() - t0);
}

void spin_unlock(spinlock_t *l)
{
	struct kernel *k = K();

	if (k->o.kp[KP_SPINLOCK] == SPINLOCK_TTAS)
		ttas_unlock(l);
	else if (k->pv_spinlocks)
		pv_unlock(k, l);
	else
		queued_unlock(l);
}

void spin_lock_init(spinlock_t *l, enum lock_class class)
{
	l->val = 0;
	l->class = class;
}
