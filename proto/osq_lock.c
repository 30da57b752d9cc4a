// SPDX-License-Identifier: GPL-2.0
/*
 * osq_lock.c - what the sleeping locks (rwsem.c, mutex.c) share: the
 * optimistic spin queue, wait-list entries, and wake queues.
 *
 * The OSQ (kernel/locking/osq_lock.c) lets only one task at a time spin on
 * a sleeping lock's owner: the others spin on their own CPU's node, so an
 * owner change moves the lock's line to one spinner, not to all of them.
 * It is an MCS queue of per-CPU nodes; a CPU spins on at most one lock at a
 * time, with preemption off, so its node is its own.  Linux's spinners also
 * leave the queue when they must reschedule (osq_lock() unqueues on
 * need_resched()); in this model a queued spinner waits its turn, which
 * ends as soon as the spinner ahead of it stops watching the owner.
 */
#include "proto/kernel.h"
#include "proto/sched.h"

void osq_lock(struct kernel *k, struct optimistic_spin_queue *q)
{
	int me = smp_processor_id();
	struct osq_node *node = &k->osq_nodes[me], *prev;
	u32 old;

	WRITE_ONCE(node->locked, 0u);
	WRITE_ONCE(node->next, (struct osq_node *)NULL);
	old = xchg(&q->tail, (u32)(me + 1));
	if (!old)
		return;
	prev = &k->osq_nodes[old - 1];
	WRITE_ONCE(prev->next, node);
	smp_cond_load_acquire(&node->locked, VAL);
}

void osq_unlock(struct kernel *k, struct optimistic_spin_queue *q)
{
	int me = smp_processor_id();
	struct osq_node *node = &k->osq_nodes[me], *next;

	/* the last spinner: empty the queue */
	if (cmpxchg(&q->tail, (u32)(me + 1), 0u) == (u32)(me + 1))
		return;
	/* someone swapped in behind us: wait for its link, pass the turn */
	next = smp_cond_load_acquire(&node->next, VAL != NULL);
	smp_store_release(&next->locked, 1u);
}

bool owner_on_cpu(struct kernel *k, struct task_struct *owner)
{
	return task_on_cpu(owner) && !vcpu_is_preempted(k, task_cpu(owner));
}

/* ---- wait-list entries ------------------------------------------------------- */

/* The entry lives in kernel memory because wakers on other CPUs write it;
 * allocating it costs nothing simulated, like the stack frame Linux uses. */
struct lock_waiter *lock_waiter_alloc(struct kernel *k, int type, u64 patience_ns)
{
	struct lock_waiter *w = kzalloc(k, sizeof(*w));

	WRITE_ONCE(w->task, current);
	WRITE_ONCE(w->type, type);
	WRITE_ONCE(w->timeout, local_clock() + patience_ns);
	return w;
}

void lock_waiter_free(struct kernel *k, struct lock_waiter *w)
{
	kmem_free(k->kmem, w);
}

void wait_list_add_tail(struct wait_list *l, struct lock_waiter *w)
{
	struct lock_waiter *last = READ_ONCE(l->last);

	WRITE_ONCE(w->next, (struct lock_waiter *)NULL);
	WRITE_ONCE(w->prev, last);
	if (last)
		WRITE_ONCE(last->next, w);
	else
		WRITE_ONCE(l->first, w);
	WRITE_ONCE(l->last, w);
}

void wait_list_del(struct wait_list *l, struct lock_waiter *w)
{
	struct lock_waiter *next = READ_ONCE(w->next), *prev = READ_ONCE(w->prev);

	if (prev)
		WRITE_ONCE(prev->next, next);
	else
		WRITE_ONCE(l->first, next);
	if (next)
		WRITE_ONCE(next->prev, prev);
	else
		WRITE_ONCE(l->last, prev);
}

/* ---- sleeping ------------------------------------------------------------------- */

/*
 * schedule() for a lock waiter that has set its sleeping state.  A CPU's
 * idle task cannot sleep (in Linux it never blocks: there would be nothing
 * to switch to; here it runs the checker's scenario programs and code that
 * runs before the scheduler has tasks), so it waits in place for the
 * waker's store to its state, which is how wake_up_process ends a sleep.
 */
void lock_schedule(void)
{
	struct task_struct *p = current;
	long state = READ_ONCE(p->__state);

	if (p->kind != TASK_IDLE) {
		if (p->lock_wait)
			trace_span_end();
		schedule();
		if (p->lock_wait)
			trace_span_begin(p->lock_wait);
		return;
	}
	if (state != TASK_RUNNING)
		cpu_spin_wait(&p->__state, (u64)state, sizeof(state), 0);
}

/* ---- wake queues ----------------------------------------------------------------- */

void wake_q_add(struct wake_q *q, struct task_struct *t)
{
	if (q->n == WAKE_Q_MAX) {
		/* full: wake it now, still under the wait lock (correct,
		 * just longer to hold) */
		wake_up_process(t);
		return;
	}
	q->task[q->n++] = t;
}

void wake_up_q(struct wake_q *q)
{
	int i;

	for (i = 0; i < q->n; i++)
		wake_up_process(q->task[i]);
	q->n = 0;
}
