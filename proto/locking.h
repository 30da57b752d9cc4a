/* SPDX-License-Identifier: GPL-2.0 */
/*
 * locking.h - the simulated kernel's locks, as Linux has them:
 *
 *   spinlock_t		queued spinlock (spinlock.c; ttas for comparison)
 *   struct rw_semaphore	rwsem.c: mmap_lock, the per-VMA locks, i_mmap_rwsem
 *   struct mutex		mutex.c
 *
 * The two sleeping locks share Linux's design: a count or owner word that
 * the fast paths take with one atomic, an owner field that optimistic
 * spinners watch while the owner runs on a CPU (queued behind each other
 * on an OSQ, osq_lock.c's MCS queue of per-CPU nodes), and a FIFO wait
 * list under a spinlock for those that sleep.  Sleeping follows the
 * protocol in sched.h.
 *
 * Every object another CPU touches is in kernel memory: the locks are in
 * the structures that embed them, the OSQ nodes are per CPU (a spinner
 * never sleeps, so its CPU's node is its own), and a sleeper's wait-list
 * entry is allocated from kmem for the length of its wait (Linux keeps it
 * on the sleeper's stack, which no other simulated CPU may touch here).
 */
#ifndef PROTO_LOCKING_H
#define PROTO_LOCKING_H

#include "env.h"

struct kernel;
struct task_struct;

/* ---- spinlock (spinlock.c) ------------------------------------------------ */
/* Which wait counter a lock's contention goes to (lock_stat's classes). */
enum lock_class {
	LOCK_CLASS_SPIN = 0,	/* every other lock: STAT_SPIN_WAIT_NS */
	LOCK_CLASS_PTL,		/* page-table locks: STAT_PTL_WAIT_NS */
	LOCK_CLASS_MMAP,	/* mmap_lock, VMA locks: STAT_MMAP_LOCK_WAIT_NS */
};

/* The stat a contended wait of class c is added to. */
static inline enum env_stat lock_wait_stat(u8 c)
{
	return c == LOCK_CLASS_PTL ? STAT_PTL_WAIT_NS :
	       c == LOCK_CLASS_MMAP ? STAT_MMAP_LOCK_WAIT_NS : STAT_SPIN_WAIT_NS;
}

/* A contended wait's slice in the trace, on the track of the CPU it runs
 * on.  A sleeping lock's wait is closed while its task sleeps
 * (lock_schedule) and opened again where it resumes, so slices nest in
 * the task's. */
static inline const char *lock_wait_name(u8 c)
{
	return c == LOCK_CLASS_PTL ? "page-table lock wait" :
	       c == LOCK_CLASS_MMAP ? "mmap_lock wait" : "spinlock wait";
}

/* The queued lock's word, seen whole, as locked+pending, or as the tail;
 * a ttas lock uses val alone.  class is set at init and never changes. */
typedef struct {
	union {
		u32 val;
		struct { u8 locked, pending; };
		struct { u16 locked_pending, tail; };
	};
	u8 class;
} spinlock_t;

/* An MCS queue node; a CPU has one per context that can take a lock. */
#define QNODES_PER_CPU 4
struct qnode {
	struct qnode *next;
	u32 locked;		/* set by the predecessor: you are the head */
	/* paravirtual spinlocks (spinlock.c): whose node, and whether its
	 * vCPU runs, has halted, or has halted with the lock hashed */
	u16 cpu;
	u8 pv_state;
};
struct qnode_set {
	struct qnode node[QNODES_PER_CPU];
	int count;		/* nodes in use: CPU-private */
} ____cacheline_aligned;

/* The paravirtual lock's table of locks whose unlocker must kick a halted
 * waiter (qspinlock_paravirt.h's pv_lock_hash): power of two, 4 per CPU. */
struct pv_hash_entry {
	spinlock_t *lock;
	struct qnode *node;
};
static inline unsigned int pv_hash_size(int nr_cpus)
{
	unsigned int n = 16;

	while (n < 4u * (unsigned int)nr_cpus)
		n <<= 1;
	return n;
}

void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);
void spin_lock_init(spinlock_t *l, enum lock_class class);

/* ---- optimistic spin queue (osq_lock.c's, in rwsem.c) ---------------------- */
/* One per CPU, on its own line: a spinner waits on its own node. */
struct osq_node {
	struct osq_node *next;
	u32 locked;		/* the predecessor is done: your turn */
} ____cacheline_aligned;

struct optimistic_spin_queue {
	u32 tail;		/* CPU + 1 of the last spinner; 0: none */
};

void osq_lock(struct kernel *k, struct optimistic_spin_queue *q);
void osq_unlock(struct kernel *k, struct optimistic_spin_queue *q);

/* ---- wait lists ------------------------------------------------------------ */
/* A sleeper's entry: FIFO, doubly linked (a writer may leave from the
 * middle), changed only under the lock's wait_lock. */
struct lock_waiter {
	struct lock_waiter *next, *prev;
	/* the sleeper; a waker that grants the lock clears it (store
	 * release) and then never touches the entry again */
	struct task_struct *task;
	int type;		/* rwsem: RWSEM_WAITING_FOR_{READ,WRITE} */
	u64 timeout;		/* local_clock() after which to ask for handoff */
};

struct wait_list {
	struct lock_waiter *first, *last;
};

/* At most this many tasks are woken after the wait_lock is dropped (Linux's
 * wake_q); beyond it the waker wakes them before dropping it. */
#define WAKE_Q_MAX 16
struct wake_q {
	int n;
	struct task_struct *task[WAKE_Q_MAX];
};

/* ---- rw_semaphore (rwsem.c) -------------------------------------------------- */
/*
 * count:  bit 0 writer locked, bit 1 waiters queued, bit 2 handoff asked,
 *         bits 8-62 readers holding it (or trying to), bit 63 reader
 *         overflow (a fast-path read fails on it, as in Linux).
 * owner:  the writer, or the last reader with bit 0 set (a hint for
 *         spinners: readers cannot be watched).
 * The count, owner, OSQ, wait lock and list share one line, as in Linux.
 */
struct rw_semaphore {
	long count;
	unsigned long owner;
	struct optimistic_spin_queue osq;
	u8 class;		/* enum lock_class of its waits */
	spinlock_t wait_lock;
	struct wait_list wait;
} ____cacheline_aligned;

void init_rwsem(struct rw_semaphore *sem, enum lock_class class);
void down_read(struct rw_semaphore *sem);
int down_read_trylock(struct rw_semaphore *sem);	/* 1: taken */
void up_read(struct rw_semaphore *sem);
void down_write(struct rw_semaphore *sem);
int down_write_trylock(struct rw_semaphore *sem);
void up_write(struct rw_semaphore *sem);
void downgrade_write(struct rw_semaphore *sem);
/* What a reader or writer may assert (plain reads of the count: a hint). */
bool rwsem_is_locked(struct rw_semaphore *sem);
bool rwsem_is_write_locked(struct rw_semaphore *sem);

/* ---- mutex (mutex.c) ------------------------------------------------------------- */
/* owner: the holder's task_struct, with flags in its low bits (task
 * structs are cache-line aligned): waiters queued, handoff asked, handed
 * off (the first waiter picks it up). */
struct mutex {
	unsigned long owner;
	spinlock_t wait_lock;
	struct optimistic_spin_queue osq;
	u8 class;
	struct wait_list wait;
} ____cacheline_aligned;

void mutex_init(struct mutex *m, enum lock_class class);
void mutex_lock(struct mutex *m);
int mutex_trylock(struct mutex *m);			/* 1: taken */
void mutex_unlock(struct mutex *m);
bool mutex_is_locked(struct mutex *m);

/* ---- shared by rwsem.c and mutex.c ------------------------------------------------- */
struct lock_waiter *lock_waiter_alloc(struct kernel *k, int type, u64 patience_ns);
void lock_waiter_free(struct kernel *k, struct lock_waiter *w);
void wait_list_add_tail(struct wait_list *l, struct lock_waiter *w);
void wait_list_del(struct wait_list *l, struct lock_waiter *w);
void lock_schedule(void);
void wake_q_add(struct wake_q *q, struct task_struct *t);
void wake_up_q(struct wake_q *q);
/* May a spinner keep watching this owner: on a CPU, and (in a guest) that
 * vCPU running? */
bool owner_on_cpu(struct kernel *k, struct task_struct *owner);

#endif
