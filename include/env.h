/* SPDX-License-Identifier: GPL-2.0 */
/*
 * env.h - the machine as protocol code sees it.
 *
 * Protocol and workload code (proto/, work/) is written like kernel code and
 * touches the machine only through this header.  Every engine (the
 * discrete-event simulator in sim/, the interleaving checker in check/)
 * provides one struct env_ops; the code compiled against this header does
 * not know which one runs it.
 *
 * Rules for code above this line:
 *  - memory that another CPU may read or write is accessed only through
 *    READ_ONCE/WRITE_ONCE, the atomics and the bitops below: those are the
 *    accesses an engine charges (cache coherence) and reorders (x86-TSO);
 *  - plain C accesses are for memory private to the running CPU (locals,
 *    on-stack masks) and for setup done before the machine starts;
 *  - every env call except this_cpu()/nr_cpus()/this_kernel() may be a
 *    scheduling point: another CPU may run, an interrupt may be taken.
 */
#ifndef SHOOTDOWN_ENV_H
#define SHOOTDOWN_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define NR_CPUS_MAX 1024
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define SMP_CACHE_BYTES 64
#define ____cacheline_aligned __attribute__((aligned(SMP_CACHE_BYTES)))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))

/* Interrupt vectors the engines deliver.  Values are arbitrary tags. */
enum irq_vector {
	VEC_CALL_FUNCTION = 0,	/* smp_call_function IPI */
	VEC_RESCHEDULE,		/* empty IPI: sync-one table freeing, wakeups */
	VEC_HV_FLUSH,		/* guest-visible marker only; never an IPI */
	VEC_NMI,		/* perf's sampling NMI: taken whatever IF says */
	VEC_TIMER,		/* the local APIC timer: the scheduler tick */
	NR_VECTORS,
};

enum rmw_op { RMW_XCHG, RMW_CMPXCHG, RMW_ADD, RMW_OR, RMW_AND };
enum fence_kind { FENCE_MB, FENCE_RMB, FENCE_WMB };

/* Result of a user-mode memory access. */
enum user_access_result { UA_OK = 0, UA_SEGV = -14 /* -EFAULT */ };

/* Counters protocol code bumps; engines sum them per run. */
enum env_stat {
	STAT_SHOOTDOWNS,	/* flush_tlb_mm_range calls that had remote work */
	STAT_IPIS,		/* interrupts sent (one per target) */
	STAT_FULL_FLUSHES,	/* CR3-reload flushes done by handlers/initiators */
	STAT_PARTIAL_FLUSHES,	/* ranged (INVLPG) flushes */
	STAT_LAZY_SKIPPED,	/* targets skipped because lazy */
	STAT_PV_SKIPPED,	/* targets skipped because preempted (pv) */
	STAT_HYPERCALLS,
	STAT_PV_KICKS,		/* KVM_HC_KICK_CPU: pv spinlock wake-ups */
	STAT_ITERS,		/* workload iterations (measured thread) */
	STAT_OPS,		/* workload operations (throughput workloads) */
	STAT_WALKS,		/* software page-table walks (gup-fast) */
	STAT_CONTEXT_SWITCHES,	/* task switches (not to the same task) */
	STAT_WAKEUP_IPIS,	/* reschedule IPIs a wake-up or tick sent */
	STAT_IDLE_NS,		/* time CPUs spent in the idle loop waiting */
	STAT_LAZY_ENTRIES,	/* switches to a task without an mm (lazy TLB) */
	STAT_SPIN_WAIT_NS,	/* contended spin_lock(): acquired minus tried */
	STAT_PTL_WAIT_NS,	/* the same, for page-table locks */
	STAT_MMAP_LOCK_WAIT_NS,	/* contended mmap_lock and per-VMA lock waits */
	NR_STATS,
};

/* Machine operations.  See sim/env.c for the simulator's costs. */
struct env_ops {
	/* Shared memory.  size is 1, 2, 4 or 8. */
	u64 (*load)(const volatile void *p, int size);
	void (*store)(volatile void *p, u64 v, int size);
	/* Locked RMW; returns the old value.  For RMW_CMPXCHG, v is the new
	 * value and cmp the expected one. */
	u64 (*rmw)(volatile void *p, enum rmw_op op, u64 v, u64 cmp, int size);
	void (*fence)(enum fence_kind k);
	void (*relax)(void);
	/* Spin until the line holding p may have changed from old: returns
	 * after a store to that line, an interrupt, or timeout_ns of spinning
	 * (0: no timeout).  Returns false only on timeout.  The caller must
	 * re-read; an engine may return early (it is a hint, like PAUSE). */
	bool (*spin_wait)(const volatile void *p, u64 old, int size,
			  u64 timeout_ns);

	/* Interrupt flag. */
	unsigned long (*irq_save)(void);	/* returns old IF, clears it */
	void (*irq_restore)(unsigned long flags);
	void (*irq_register)(enum irq_vector v, void (*fn)(enum irq_vector));

	/* Identity and time. */
	int (*cpu)(void);
	int (*nr_cpus)(void);
	void *(*kernel)(void);		/* the kernel instance this CPU runs */
	u64 (*clock_ns)(void);		/* this CPU's clock (like rdtsc) */
	/* The scheduler's clock (sched_clock): monotonic on this CPU and
	 * only ever compared with its own earlier readings, so reading it
	 * is private to the CPU (the checker counts the CPU's own events). */
	u64 (*sched_clock_ns)(void);
	u64 (*random)(void);		/* this CPU's deterministic RNG */

	/* Interrupt controller (x2APIC ICR writes). */
	void (*send_ipi)(int cpu, enum irq_vector v);
	void (*send_ipi_mask)(const void *mask /* struct cpumask */,
			      enum irq_vector v);

	/* TLB and CR3.  pcid is the hardware tag (0..4095). */
	void (*flush_tlb_one)(u64 va);			/* INVLPG */
	void (*load_cr3)(u64 pgd_pfn, u16 pcid, bool noflush);
	void (*flush_tlb_local)(void);			/* CR3 reload */

	/* User-mode access through the TLB.  A miss walks the page tables; a
	 * missing or insufficient translation raises the page fault handler
	 * registered with fault_register, then retries. */
	int (*user_access)(u64 va, u64 *val, bool write);
	/* The same access made by an instruction the hypervisor emulates
	 * (a string move between RAM and an emulated device, say): KVM's
	 * emulator translates va by walking the guest's tables, and the vCPU
	 * thread may be preempted before the emulator completes the access,
	 * the one place where a translation and its use are separated
	 * (CVE-2022-39189).  On bare metal, an ordinary access. */
	int (*user_access_emulated)(u64 va, u64 *val, bool write);
	/* A kernel read of user memory with page faults disabled
	 * (copy_from_user_nmi): through the TLB or a walk; a missing
	 * translation fails (UA_SEGV) without running the fault handler. */
	int (*user_read_nofault)(u64 va, u64 *val);
	void (*fault_register)(int (*fn)(u64 va, bool write));
	/* Time spent in user code that touches no shared state: interruptible. */
	void (*compute)(u64 ns);
	/* Time spent halted in the kernel (idle task, sleeping thread):
	 * interruptible, ends after ns. */
	void (*halt)(u64 ns);
	/* sti; hlt: enable interrupts and halt until one is taken; returns
	 * after its handler, with interrupts enabled.  A guest's hlt exits to
	 * the host, which may run another vCPU on the pCPU. */
	void (*wait_for_interrupt)(void);
	/* The local APIC timer in TSC-deadline mode: VEC_TIMER is raised
	 * after ns (re-arming replaces the deadline; 0 disarms). */
	void (*timer_arm)(u64 ns);
	/* Kernel code of a given duration, not interruptible by itself. */
	void (*kernel_work)(u64 ns);
	/* System call entry and exit (the body is the caller's code). */
	void (*syscall)(void);

	/* Execution contexts: a stack and the registers on it (a task's
	 * kernel stack).  A CPU runs one context at a time; ctx_switch makes
	 * this CPU run `to` and returns when some CPU (maybe another) switches
	 * back to the caller's context.  The context a CPU boots on is
	 * ctx_current() there.  ctx_exit switches to `to` and recycles the
	 * caller's context.  A new context runs fn(arg); fn never returns. */
	void *(*ctx_create)(void (*fn)(void *), void *arg);
	void *(*ctx_current)(void);
	void (*ctx_switch)(void *to);
	void (*ctx_exit)(void *to);
	/* Called when an interrupt taken in user mode returns to user mode
	 * (exit_to_user_mode): where the kernel reschedules user code. */
	void (*user_return_register)(void (*fn)(void));
	/* The socket (package, last-level cache) of a CPU. */
	int (*cpu_socket)(int cpu);

	/* Physical memory.  Frames are 4 KiB and come zeroed; phys_to_virt
	 * gives the kernel's direct-map pointer into simulated RAM. */
	u64 (*page_alloc)(void);	/* pfn, or 0 when out of memory */
	void (*page_free)(u64 pfn);
	void *(*phys_to_virt)(u64 pfn);

	/* Paravirtual interfaces (return -1 on bare metal: no hypervisor). */
	/* Register this vCPU's steal-time `preempted` byte with the host. */
	int (*pv_steal_time)(u8 *preempted);
	/* A flush hypercall (include/hypercall.h): the host flushes what
	 * the input names on the vCPUs it names; reps is the rep count of
	 * the control word (GVA list entries).  Returns when running targets
	 * are flushed; 0, or -1 if the hypercall failed or there is no
	 * hypervisor. */
	int (*hypercall_flush)(int nr /* enum hypercall_nr */, const void *input,
			       int reps);
	/* Paravirtual spinlocks (KVM_FEATURE_PV_UNHALT): pv_halt is HLT
	 * with IF as it is: it returns when an interrupt is taken (IF=1) or
	 * when another vCPU kicks this one, whatever IF says.  pv_kick is
	 * KVM_HC_KICK_CPU.  -1 on bare metal (no hypervisor: not halted). */
	int (*pv_halt)(void);
	int (*pv_kick)(int cpu);
	/* Has `cpu` had interrupts enabled at some point since since_ns (or
	 * now)?  The quiescent state of RCU-sched, as its tick would see it. */
	bool (*irqs_on_since)(int cpu, u64 since_ns);

	/* Annotations: free of cost, no scheduling point. */
	void (*stat)(enum env_stat s, u64 n);
	/* The kernel has finished a shootdown of [start, end) in the address
	 * space rooted at pgd_pfn that it began at began_ns (clock_ns() taken
	 * after the page tables were changed).  The stale-translation detector
	 * uses it to tell a violation from a race with an in-flight flush. */
	void (*flush_done)(u64 pgd_pfn, u64 start, u64 end, u64 began_ns);
	void (*trace_begin)(const char *what);
	void (*trace_end)(void);
	/* A protocol-level failure the code itself noticed: report() records a
	 * violation and goes on; panic() records one and ends the run (a stuck
	 * call that will never be acknowledged). */
	void (*report)(const char *what);
	void (*panic)(const char *what);
};

/* The table of an engine whose operation OP is the function PREFIX##OP:
 * every engine fills every slot, under one name scheme. */
#define ENV_OPS_INITIALIZER(prefix) {\
	.load = prefix##load,\
	.store = prefix##store,\
	.rmw = prefix##rmw,\
	.fence = prefix##fence,\
	.relax = prefix##relax,\
	.spin_wait = prefix##spin_wait,\
	.irq_save = prefix##irq_save,\
	.irq_restore = prefix##irq_restore,\
	.irq_register = prefix##irq_register,\
	.cpu = prefix##cpu,\
	.nr_cpus = prefix##nr_cpus,\
	.kernel = prefix##kernel,\
	.clock_ns = prefix##clock_ns,\
	.sched_clock_ns = prefix##sched_clock_ns,\
	.random = prefix##random,\
	.send_ipi = prefix##send_ipi,\
	.send_ipi_mask = prefix##send_ipi_mask,\
	.flush_tlb_one = prefix##flush_tlb_one,\
	.load_cr3 = prefix##load_cr3,\
	.flush_tlb_local = prefix##flush_tlb_local,\
	.user_access = prefix##user_access,\
	.user_access_emulated = prefix##user_access_emulated,\
	.user_read_nofault = prefix##user_read_nofault,\
	.fault_register = prefix##fault_register,\
	.compute = prefix##compute,\
	.halt = prefix##halt,\
	.kernel_work = prefix##kernel_work,\
	.syscall = prefix##syscall,\
	.wait_for_interrupt = prefix##wait_for_interrupt,\
	.timer_arm = prefix##timer_arm,\
	.ctx_create = prefix##ctx_create,\
	.ctx_current = prefix##ctx_current,\
	.ctx_switch = prefix##ctx_switch,\
	.ctx_exit = prefix##ctx_exit,\
	.user_return_register = prefix##user_return_register,\
	.cpu_socket = prefix##cpu_socket,\
	.page_alloc = prefix##page_alloc,\
	.page_free = prefix##page_free,\
	.phys_to_virt = prefix##phys_to_virt,\
	.pv_steal_time = prefix##pv_steal_time,\
	.hypercall_flush = prefix##hypercall_flush,\
	.pv_halt = prefix##pv_halt,\
	.pv_kick = prefix##pv_kick,\
	.irqs_on_since = prefix##irqs_on_since,\
	.stat = prefix##stat,\
	.flush_done = prefix##flush_done,\
	.trace_begin = prefix##trace_begin,\
	.trace_end = prefix##trace_end,\
	.report = prefix##report,\
	.panic = prefix##panic,\
}

/* The engine currently executing protocol code.  Set by the engine before
 * it runs any CPU; one process runs one engine at a time. */
extern const struct env_ops *env;

/* ---- identity ---------------------------------------------------------- */
static inline int smp_processor_id(void) { return env->cpu(); }
static inline int nr_cpu_ids(void) { return env->nr_cpus(); }
static inline void *this_kernel(void) { return env->kernel(); }

/* ---- shared-memory accesses -------------------------------------------- */
#define __env_size_ok(x) \
	_Static_assert(sizeof(x) == 1 || sizeof(x) == 2 || sizeof(x) == 4 || \
		       sizeof(x) == 8, "env access of odd size")

#define READ_ONCE(x) ({							\
	__env_size_ok(x);						\
	union { __typeof__(x) __v; u64 __r; } __u;			\
	__u.__r = env->load(&(x), sizeof(x));				\
	__u.__v; })

#define WRITE_ONCE(x, val) do {						\
	__env_size_ok(x);						\
	union { __typeof__(x) __v; u64 __r; } __u = { .__r = 0 };	\
	__u.__v = (val);						\
	env->store(&(x), __u.__r, sizeof(x));				\
} while (0)

#define __env_rmw(p, op, val, cmp) ({					\
	__env_size_ok(*(p));						\
	union { __typeof__(*(p)) __v; u64 __r; } __a = { .__r = 0 },	\
		__b = { .__r = 0 }, __o;				\
	__a.__v = (val);						\
	__b.__v = (cmp);						\
	__o.__r = env->rmw((p), (op), __a.__r, __b.__r, sizeof(*(p))); \
	__o.__v; })

#define xchg(p, v)		__env_rmw(p, RMW_XCHG, v, 0)
#define cmpxchg(p, old, new)	__env_rmw(p, RMW_CMPXCHG, new, old)
#define atomic_fetch_add(p, v)	__env_rmw(p, RMW_ADD, v, 0)
#define atomic_fetch_or(p, v)	__env_rmw(p, RMW_OR, v, 0)
#define atomic_fetch_and(p, v)	__env_rmw(p, RMW_AND, v, 0)
#define atomic_inc_return(p)	(atomic_fetch_add(p, 1) + 1)
#define atomic_dec_return(p)	(atomic_fetch_add(p, -1) - 1)

/* x86-TSO: loads are not reordered with loads, stores not with stores, so
 * acquire/release are plain accesses; only store->load needs smp_mb(). */
#define smp_load_acquire(p)	READ_ONCE(*(p))
#define smp_store_release(p, v)	WRITE_ONCE(*(p), v)
static inline void smp_mb(void) { env->fence(FENCE_MB); }
static inline void smp_rmb(void) { env->fence(FENCE_RMB); }
static inline void smp_wmb(void) { env->fence(FENCE_WMB); }
static inline void cpu_relax(void) { env->relax(); }

/* Spin until cond_expr (over VAL, the freshly loaded *ptr) holds. */
#define smp_cond_load_acquire(ptr, cond_expr) ({			\
	__typeof__(*(ptr)) VAL;						\
	for (;;) {							\
		VAL = READ_ONCE(*(ptr));				\
		if (cond_expr)						\
			break;						\
		cpu_spin_wait((ptr), (u64)VAL, sizeof(*(ptr)), 0);	\
	}								\
	VAL; })

/* ---- interrupts -------------------------------------------------------- */
#define local_irq_save(flags)	do { (flags) = env->irq_save(); } while (0)
#define local_irq_restore(flags) env->irq_restore(flags)
#define local_irq_disable()	((void)env->irq_save())
#define local_irq_enable()	env->irq_restore(1)

/* ---- cpumask ----------------------------------------------------------- */
#define BITS_PER_LONG 64
#define CPUMASK_LONGS (NR_CPUS_MAX / BITS_PER_LONG)
struct cpumask { unsigned long bits[CPUMASK_LONGS]; };

/* Plain (CPU-private) mask operations: no env cost. */
static inline void __cpumask_set_cpu(int cpu, struct cpumask *m)
{ m->bits[cpu / 64] |= 1UL << (cpu % 64); }
static inline void __cpumask_clear_cpu(int cpu, struct cpumask *m)
{ m->bits[cpu / 64] &= ~(1UL << (cpu % 64)); }
static inline bool __cpumask_test_cpu(int cpu, const struct cpumask *m)
{ return m->bits[cpu / 64] >> (cpu % 64) & 1; }
static inline void cpumask_clear(struct cpumask *m) { memset(m, 0, sizeof(*m)); }
static inline int __cpumask_weight(const struct cpumask *m)
{
	int i, n = 0;
	for (i = 0; i < CPUMASK_LONGS; i++)
		n += __builtin_popcountl(m->bits[i]);
	return n;
}
/* Next set bit at or after cpu in a private mask, or NR_CPUS_MAX. */
static inline int __cpumask_next(int cpu, const struct cpumask *m)
{
	while (cpu < NR_CPUS_MAX) {
		unsigned long w = m->bits[cpu / 64] >> (cpu % 64);
		if (w)
			return cpu + __builtin_ctzl(w);
		cpu = (cpu / 64 + 1) * 64;
	}
	return NR_CPUS_MAX;
}
#define for_each_cpu(cpu, m) \
	for ((cpu) = __cpumask_next(0, (m)); (cpu) < NR_CPUS_MAX; \
	     (cpu) = __cpumask_next((cpu) + 1, (m)))

/* Shared mask operations: atomic bitops and charged reads (lock bts/btr). */
static inline void cpumask_set_cpu(int cpu, struct cpumask *m)
{ atomic_fetch_or(&m->bits[cpu / 64], 1UL << (cpu % 64)); }
static inline void cpumask_clear_cpu(int cpu, struct cpumask *m)
{ atomic_fetch_and(&m->bits[cpu / 64], ~(1UL << (cpu % 64))); }
static inline bool cpumask_test_cpu(int cpu, const struct cpumask *m)
{ return READ_ONCE(m->bits[cpu / 64]) >> (cpu % 64) & 1; }
/* Snapshot a shared mask into a private one, reading only words that can
 * hold CPUs of this machine. */
static inline void cpumask_read(struct cpumask *dst, const struct cpumask *src)
{
	int i, n = (nr_cpu_ids() + 63) / 64;
	cpumask_clear(dst);
	for (i = 0; i < n; i++)
		dst->bits[i] = READ_ONCE(src->bits[i]);
}

/* ---- IPIs, TLB, user memory, pages ------------------------------------- */
static inline void send_ipi(int cpu, enum irq_vector v) { env->send_ipi(cpu, v); }
static inline void send_ipi_mask(const struct cpumask *m, enum irq_vector v)
{ env->send_ipi_mask(m, v); }
static inline void flush_tlb_one(u64 va) { env->flush_tlb_one(va); }
static inline void flush_tlb_local(void) { env->flush_tlb_local(); }
static inline void load_cr3(u64 pgd_pfn, u16 pcid, bool noflush)
{ env->load_cr3(pgd_pfn, pcid, noflush); }
static inline u64 alloc_page_pfn(void) { return env->page_alloc(); }
static inline void free_page_pfn(u64 pfn) { env->page_free(pfn); }
static inline void *pfn_to_virt(u64 pfn) { return env->phys_to_virt(pfn); }
static inline void env_stat(enum env_stat s, u64 n) { env->stat(s, n); }

/* ---- time, work, user memory -------------------------------------------- */
static inline u64 local_clock(void) { return env->clock_ns(); }
static inline u64 sched_clock(void) { return env->sched_clock_ns(); }
static inline u64 get_random_u64(void) { return env->random(); }
static inline bool cpu_spin_wait(const volatile void *p, u64 old, int size,
				 u64 timeout_ns)
{ return env->spin_wait(p, old, size, timeout_ns); }
static inline void user_compute(u64 ns) { env->compute(ns); }
static inline void halt_for(u64 ns) { env->halt(ns); }
static inline void kernel_work(u64 ns) { env->kernel_work(ns); }
static inline void syscall_boundary(void) { env->syscall(); }
static inline void safe_halt(void) { env->wait_for_interrupt(); }
static inline void lapic_timer_arm(u64 ns) { env->timer_arm(ns); }
static inline int topology_socket(int cpu) { return env->cpu_socket(cpu); }
static inline int user_access(u64 va, u64 *val, bool write)
{ return env->user_access(va, val, write); }
static inline int user_access_emulated(u64 va, u64 *val, bool write)
{ return env->user_access_emulated(va, val, write); }
static inline int user_read_nofault(u64 va, u64 *val)
{ return env->user_read_nofault(va, val); }

/* ---- handlers, the hypervisor, RCU --------------------------------------- */
static inline void register_irq_handler(enum irq_vector v, void (*fn)(enum irq_vector))
{ env->irq_register(v, fn); }
static inline void register_fault_handler(int (*fn)(u64 va, bool write))
{ env->fault_register(fn); }
static inline int kvm_register_steal_time(u8 *preempted)
{ return env->pv_steal_time(preempted); }
static inline int hypercall_flush(int nr, const void *input, int reps)
{ return env->hypercall_flush(nr, input, reps); }
static inline int kvm_halt_for_kick(void) { return env->pv_halt(); }
static inline int kvm_kick_cpu(int cpu) { return env->pv_kick(cpu); }
static inline bool cpu_irqs_on_since(int cpu, u64 since_ns)
{ return env->irqs_on_since(cpu, since_ns); }

/* ---- annotations ----------------------------------------------------------- */
static inline void tlb_flush_done(u64 pgd_pfn, u64 start, u64 end, u64 began_ns)
{ env->flush_done(pgd_pfn, start, end, began_ns); }
static inline void trace_span_begin(const char *what) { env->trace_begin(what); }
static inline void trace_span_end(void) { env->trace_end(); }
static inline void report_violation(const char *what) { env->report(what); }
static inline void report_fatal(const char *what) { env->panic(what); }

#endif /* SHOOTDOWN_ENV_H */
