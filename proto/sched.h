/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sched.h - tasks and the scheduler of the simulated kernel (sched.c).
 *
 * A task is a kernel context with its own stack (an engine context, env.h
 * ctx_*): a user thread of a process, a kernel thread, or a CPU's idle
 * task.  Each CPU has a run queue; schedule() picks the next task and
 * context_switch() switches mm (switch_mm, or enter_lazy_tlb for a task
 * without one) and stack.  The policy is in docs/model.md, "Scheduler".
 *
 * Sleeping follows Linux's protocol exactly, because the sleeping locks
 * (rwsem, mutex) and wait loops are written against it:
 *
 *	for (;;) {
 *		set_current_state(TASK_UNINTERRUPTIBLE);
 *		if (condition)
 *			break;
 *		schedule();
 *	}
 *	__set_current_state(TASK_RUNNING);
 *
 * and the waker makes the condition true, then wake_up_process(task).
 */
#ifndef PROTO_SCHED_H
#define PROTO_SCHED_H

#include "env.h"
#include "proto/locking.h"

struct kernel;
struct mm;

/* task_struct.__state */
#define TASK_RUNNING		0x0000
#define TASK_INTERRUPTIBLE	0x0001
#define TASK_UNINTERRUPTIBLE	0x0002
#define TASK_DEAD		0x0080

/* thread_info.flags bits, as x86 numbers them */
#define TIF_NEED_RESCHED	3
#define TIF_POLLING_NRFLAG	21
#define _TIF_NEED_RESCHED	(1UL << TIF_NEED_RESCHED)
#define _TIF_POLLING_NRFLAG	(1UL << TIF_POLLING_NRFLAG)

enum task_kind {
	TASK_USER,		/* a thread of a process: has an mm */
	TASK_KTHREAD,		/* a kernel thread: borrows the last mm */
	TASK_IDLE,		/* a CPU's idle task (swapper/N) */
};

struct task_struct {
	/* written by wakers: its own line */
	long __state ____cacheline_aligned;
	unsigned long ti_flags;		/* TIF_* (thread_info.flags) */
	/* the scheduler's, under the rq lock of its CPU */
	int on_rq;			/* queued or running */
	int on_cpu;			/* its context is on a CPU right now */
	int cpu;			/* the run queue it is on (task_cpu) */
	int wake_cpu;			/* where it last ran */
	bool migrating;			/* sched_migrate_current under way */
	spinlock_t pi_lock;		/* serializes wake-ups of it */
	struct task_struct *rq_next;	/* run-queue link */
	u64 vruntime;			/* ns of CPU it has had, weighted */
	u64 exec_start;			/* when it last went on CPU */
	u64 slice_start;		/* for the tick's slice check */
	bool slice_used;		/* the tick saw it run a whole slice since
					 * it was picked: wake-ups may preempt it */
	struct cpumask cpus_allowed;	/* private after creation */
	int nr_cpus_allowed;
	/* what it runs */
	enum task_kind kind;
	struct mm *mm;			/* NULL for kernel threads and idle */
	struct mm *active_mm;		/* the mm it runs on (lazy: borrowed) */
	void (*fn)(void *);
	void *arg;
	void *ctx;			/* the engine's context (env.h) */
	int pid;
	const char *comm;
	struct kernel *k;
	const char *lock_wait;		/* the sleeping lock it waits for (trace) */
	/* counters, folded into the run's stats */
	u64 nvcsw, nivcsw;		/* voluntary and involuntary switches */
};

/* The task running on this CPU. */
struct task_struct *get_current(void);
#define current get_current()

/* Its CPU's run queue, and the CPU it runs on or is queued for. */
static inline int task_cpu(const struct task_struct *p)
{
	return READ_ONCE(p->cpu);
}

/* Is p on a CPU right now (rwsem and mutex spinners watch the owner)? */
static inline bool task_on_cpu(struct task_struct *p)
{
	return READ_ONCE(p->on_cpu);
}

/* State changes of the running task: the barrier orders the state store
 * before the condition's load (a waker's store-then-wake is ordered by
 * the rq lock it takes). */
static inline void __set_current_state(long state)
{
	WRITE_ONCE(current->__state, state);
}
static inline void set_current_state(long state)
{
	WRITE_ONCE(current->__state, state);
	smp_mb();
}

/* Give up the CPU: if the state is not TASK_RUNNING, sleep until woken. */
void schedule(void);
/* Sleep for ns (TASK_INTERRUPTIBLE; an early wake-up ends it early). */
void schedule_hrtimeout(u64 ns);
/* Let the other runnable tasks of this CPU go first (the sched_yield
 * system call; not named so: libc's sched_yield, which sanitizers call,
 * must not resolve to it). */
void do_sched_yield(void);
/* The way back to user mode from a system call or fault
 * (exit_to_user_mode_loop): reschedule if TIF_NEED_RESCHED is set. */
void exit_to_user_mode(void);
/* A scheduling point in long kernel code (non-preemptible kernel). */
void cond_resched(void);
/* Wake p if it sleeps; 1 if it was woken, 0 if it was already running. */
int wake_up_process(struct task_struct *p);
/* The vCPU that runs CPU cpu has been preempted by its host (steal time). */
bool vcpu_is_preempted(struct kernel *k, int cpu);

/*
 * Creating tasks.  fn(arg) runs in the new task; the task exits when fn
 * returns.  mm NULL makes a kernel thread.  affinity NULL: any CPU;
 * otherwise the CPUs it may run on (copied).  The task starts runnable on
 * the CPU wake-up placement chooses (the first allowed one if pinned to
 * one).  Callable before the machine runs (from the boot CPU) and from
 * any task.
 */
struct task_struct *kthread_create(struct kernel *k, void (*fn)(void *), void *arg,
				   const char *comm, const struct cpumask *affinity);
struct task_struct *task_create(struct kernel *k, struct mm *mm,
				void (*fn)(void *), void *arg, const char *comm,
				const struct cpumask *affinity);
/* The same, first queued on cpu (one of affinity) rather than where fork
 * placement would put it (a task forked there, before any balancing). */
struct task_struct *task_create_on(struct kernel *k, struct mm *mm,
				   void (*fn)(void *), void *arg, const char *comm,
				   const struct cpumask *affinity, int cpu);
/* The running task's address space becomes mm: a kernel thread adopting
 * one (kthread_use_mm), a process image replaced (exec). */
void task_switch_mm(struct mm *mm);
/* The running task drops its mm for init_mm (exit_mm). */
void task_exit_mm(void);
/* The task that called it ends; never returns. */
void do_exit(void) __attribute__((noreturn));
/* Move the running task to cpu and run it there (sched_setaffinity to
 * one CPU, as a migration test does). */
void sched_migrate_current(int cpu);

/* Per-CPU: the scheduler's part of boot (the boot context becomes this
 * CPU's idle task, swapper/N, and is current); guest: a vCPU.  Later the
 * CPU runs its idle loop and never returns. */
void sched_cpu_boot(struct kernel *k, bool guest);
void sched_cpu_idle(struct kernel *k) __attribute__((noreturn));
/* This CPU may be given tasks (after sched_cpu_boot); wait until every
 * CPU is (before the first task is started: smp_init, then init). */
void sched_cpu_online(struct kernel *k);
void sched_wait_all_online(struct kernel *k);

/* Name the scheduler's shared objects for a checker's counterexamples
 * (rq1.lock, swapper1.flags, ...), after every CPU has booted. */
typedef void (*sched_namer_fn)(const volatile void *p, size_t size,
			       const char *fmt, ...);
void sched_name_objects(struct kernel *k, sched_namer_fn name);

#endif
