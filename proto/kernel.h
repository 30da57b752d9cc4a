/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kernel.h - the simulated kernel: one instance per machine (or per guest).
 *
 * This is protocol code: it includes env.h and nothing of any engine.  What
 * Linux keeps in globals and per-CPU variables lives here in struct kernel,
 * because one process may run several kernels (a host's guests).
 */
#ifndef PROTO_KERNEL_H
#define PROTO_KERNEL_H

#include "env.h"
#include "kvm_para.h"
#include "x86.h"
#include "proto/protocols.h"
#include "proto/params.h"

/* ---- protocols (pv_ops.mmu.flush_tlb_multi, chosen at boot) --------------- */
struct kernel;
struct flush_tlb_info;

/* A tunable of one protocol, with its kernel's default. */
struct proto_param {
	const char *name;
	u64 def, min, max;
	const char *help;
};
#define PROTO_MAX_PARAMS 4

/* When page-table pages are freed (mmu_gather.c). */
enum table_free {
	TABLE_FREE_IPI,		/* right after the shootdown returns */
	TABLE_FREE_RCU,		/* after a grace period, batched */
	TABLE_FREE_SYNC_ONE,	/* after an empty IPI to all CPUs, waited on */
	NR_TABLE_FREE,
};

/*
 * A protocol: how the initiator gets the other CPUs' TLBs flushed once it
 * has chosen the targets (lazy CPUs already dropped unless tables are
 * freed).  One struct per protocol, in its own file, listed once in
 * proto/protocols.h; docs/extending.md shows how to add one.
 */
struct flush_ops {
	const char *name;
	const char *summary;
	const char *models;	/* the kernel, series or design it follows */
	bool virt;		/* needs a hypervisor (a guest protocol) */
	/* The pre-series per-CPU TLB state: is_lazy shares the line its
	 * owner writes all the time, and switch_mm writes it every time. */
	bool shared_tlbstate;
	enum table_free table_free;	/* its kernel's default */
	const struct proto_param *params; /* { NULL }-terminated, or NULL */
	/* Flush targets (a private mask; it may include this CPU). */
	void (*flush_tlb_multi)(struct kernel *k, const struct cpumask *targets,
				struct flush_tlb_info *info);
};

/* protocols.c: every protocol, NULL-terminated, in listing order. */
extern const struct flush_ops *const protocols[];
const struct flush_ops *protocol_by_name(const char *name);	/* NULL: none */
int proto_param_index(const struct flush_ops *ops, const char *name); /* -1 */

/* Deliberate bugs; each must be caught by a detector (docs/mutants.md). */
enum mutant {
	MUT_NONE = 0,
	MUT_SKIP_LOCAL,		/* initiator never flushes its own TLB */
	MUT_SKIP_ONE_REMOTE,	/* the highest-numbered target gets no IPI */
	MUT_NO_WAIT,		/* initiator does not wait for acks */
	MUT_RANGE_OFF_BY_ONE,	/* ranged flush stops one page short */
	MUT_STALE_GEN_EARLY_OUT, /* ranged flush of an old request claims newest */
	MUT_LAZY_SKIP_FREED_TABLES, /* lazy CPUs skipped even when tables freed */
	MUT_ASYNC_FREED_TABLES,	/* async ack even when tables are freed */
	MUT_NO_SWITCH_BARRIER,	/* switch_mm: no smp_mb between is_lazy and gen */
	MUT_HV_GVA_SHORT,	/* hyperv: the GVA list stops one page short */
	MUT_ASYNC_NO_NMI_GUARD,	/* async: NMIs may read user memory before the flush */
	MUT_ZAP_NO_PTL,		/* a PTE zap that does not hold the page-table lock */
	MUT_LAZY_NO_CATCHUP,	/* switch back from lazy skips the tlb_gen check */
	MUT_TTWU_NO_ON_CPU_WAIT, /* a wake-up does not wait for the task to be off its CPU */
	NR_MUTANTS,
};

struct mutant_desc {
	const char *name;
	const char *summary;
};
extern const struct mutant_desc mutants[NR_MUTANTS];
int mutant_by_name(const char *name);	/* -1 if unknown */

/* ---- locks: spinlock_t, rw_semaphore, mutex (locking.h) ------------------ */
#include "proto/locking.h"
#include "proto/sched.h"

/* ---- address spaces ------------------------------------------------------ */
enum vma_kind { VMA_ANON, VMA_FILE_PRIVATE, VMA_FILE_SHARED };

struct file {
	u64 nr_pages;
	u64 *pages;		/* page cache: pfn per page, 0 = not cached */
	u8 *dirty;		/* written since the last writeback */
	spinlock_t lock;
	/* the rmap walk's lock (Linux: mapping->i_mmap_rwsem): writeback
	 * walks the tables under it for read; freeing page tables of a
	 * mapping of the file takes it for write */
	struct rw_semaphore i_mmap_rwsem;
};

struct vma {
	u64 start, end;
	enum vma_kind kind;
	bool writable;		/* changed under mmap_lock and the VMA held for write */
	struct file *file;
	u64 pgoff;		/* file page of start */
	/* Per-VMA lock (Linux 6.4-6.14's vma_lock): write-locked while
	 * vm_lock_seq equals the mm's mm_lock_seq; faults hold vm_lock for
	 * read (a trylock: they fall back to mmap_lock). */
	int vm_lock_seq;
	struct rw_semaphore vm_lock;
};

#define MM_MAX_VMAS 8

/* A page-table page's descriptor (Linux's struct ptdesc), found from the
 * table's pfn (mm.c, ptdesc_of); only PTE tables have one. */
struct ptdesc;
#define PTDESC_HASH 64

struct mm {
	/* Written by every flush request: its own line. */
	u64 tlb_gen ____cacheline_aligned;
	/* CPUs that may hold translations: shared, its own lines. */
	struct cpumask cpumask ____cacheline_aligned;
	/* upper-level tables, and every table with ptl=mm */
	spinlock_t page_table_lock ____cacheline_aligned;
	u64 pgd;		/* pfn of the PML4 */
	u64 ctx_id;		/* never reused, unlike the pgd frame */
	int nr_vmas;
	struct vma vmas[MM_MAX_VMAS];
	struct kernel *k;
	/* the VMA tree's lock: faults read, munmap/mprotect write */
	struct rw_semaphore mmap_lock;
	/* bumped when a write holder of mmap_lock lets go: every VMA it
	 * write-locked is unlocked at once (vma_end_write_all) */
	int mm_lock_seq ____cacheline_aligned;
	struct ptdesc **ptdesc_hash;	/* [PTDESC_HASH], split PTLs */
};

/* ---- per-CPU TLB state (arch/x86 cpu_tlbstate) --------------------------- */
#define TLB_NR_DYN_ASIDS 6

struct tlb_context {
	u64 ctx_id;
	u64 tlb_gen;
};

/* Touched only by its CPU (except in PROTO_CONCURRENT_SHARED, where is_lazy
 * lives here and remote CPUs read this line). */
struct cpu_tlbstate {
	struct mm *loaded_mm;
	u16 loaded_mm_asid;
	u16 next_asid;
	bool is_lazy_shared;	/* is_lazy in the shared-line layout */
	struct tlb_context ctxs[TLB_NR_DYN_ASIDS];
} ____cacheline_aligned;

/* Read by remote CPUs: on its own line (the concurrent series). */
struct cpu_tlbstate_shared {
	bool is_lazy;
} ____cacheline_aligned;

/* What the owning CPU's NMI handler may look at: plain C, CPU-private. */
struct cpu_nmi_state {
	u64 user_sp;		/* the running task's user stack (see nmi.c) */
	bool async_flush_pending; /* acknowledged, not yet flushed */
	bool switching;		/* inside switch_mm: current is still prev */
} ____cacheline_aligned;

/* nmi.c */
bool nmi_uaccess_okay(struct kernel *k);
void perf_nmi_handler(enum irq_vector v);

/* ---- cross-CPU calls (kernel/smp.c) --------------------------------------- */
#define CSD_FLAG_LOCK	0x01
#define CSD_TYPE_SYNC	0x10
#define CSD_TYPE_ASYNC	0x20

struct flush_tlb_info {
	struct mm *mm;
	u64 start, end;
	u64 new_tlb_gen;
	u32 stride_shift;
	bool freed_tables;
	u16 initiating_cpu;
};
#define TLB_FLUSH_ALL (~0ULL)

typedef void (*smp_call_func_t)(void *info);

/* What an async flush carries inside its message (its stride is a page). */
struct csd_payload {
	struct mm *mm;
	u64 start, end;
	u64 new_tlb_gen;
};

/* One cache line: the sender fills it, the target reads it. */
struct csd {
	struct csd *next;	/* lock-free list link */
	u32 flags;
	u16 src, dst;
	smp_call_func_t func;
	void *info;
	struct csd_payload payload;	/* async calls: parameters, not a pointer */
} ____cacheline_aligned;
_Static_assert(sizeof(struct csd) == SMP_CACHE_BYTES, "a call descriptor is a line");

struct call_queue {
	struct csd *first;
} ____cacheline_aligned;

/* ---- page-table freeing ------------------------------------------------------ */
extern const char *const table_free_names[NR_TABLE_FREE];
int table_free_by_name(const char *name);

#define RCU_BATCH_MAX 64
struct rcu_table_batch {
	u64 since_ns;		/* the grace period starts after this */
	int n;
	u64 pfns[RCU_BATCH_MAX];
} ____cacheline_aligned;

/* ---- the kernel instance ------------------------------------------------- */
struct kernel_opts {
	const struct flush_ops *protocol;
	enum mutant mutant;
	enum table_free table_free;
	u64 flush_ceiling;	/* pages; from the machine profile */
	/* a cross-CPU call unacknowledged this long is reported (Linux:
	 * csd_lock_timeout, 5 s); past panic_on_ipistall (0: never) the
	 * kernel gives up and the run ends */
	u64 csd_lock_timeout_ns;
	u64 panic_on_ipistall_ns;
	/* the protocol's parameters, in the order of protocol->params */
	u64 params[PROTO_MAX_PARAMS];
	/* the kernel's own (proto/params.h), by enum kparam */
	u64 kp[NR_KPARAMS];
	/*
	 * The interleaving checker's abstraction (work/scenario_run.c): take
	 * neither mmap_lock nor the per-VMA locks.  Removing synchronization
	 * only adds behaviours, so a Never found without them holds with them;
	 * it keeps the flush scenarios' searches complete (docs/checker.md).
	 * The simulator always takes them.
	 */
	bool elide_mm_locks;
};

/* The protocol's and the kernel's defaults into o->params and o->kp
 * (before any override). */
void kernel_opts_defaults(struct kernel_opts *o);

/*
 * Kernel memory: every object kernel code shares between CPUs comes from
 * its kernel's arena, never from the host's malloc, so which objects share
 * a cache line and where a freed object's successor lands are functions of
 * the simulated kernel's own allocations, the same with any host allocator
 * or compiler.  A bump allocator over one reserved mapping, with free
 * lists per size; everything is cache-line aligned and padded (objects of
 * a page or more are page aligned), and comes zeroed.
 */
struct kmem;
struct kmem *kmem_create(void);
void kmem_destroy(struct kmem *km);
void *kmem_zalloc(struct kmem *km, size_t n);
void kmem_free(struct kmem *km, void *p);
/* The arena in use so far: [kmem, kmem + kmem_used()) holds every live
 * object and the allocator's own state (the checker snapshots it). */
size_t kmem_used(const struct kmem *km);

struct kernel {
	struct kmem *kmem;	/* this kernel's memory; the kernel is in it */
	struct kernel_opts o;
	const struct flush_ops *ops;
	int nr_cpus;
	struct cpu_tlbstate *tlbstate;		/* [nr_cpus] */
	struct cpu_tlbstate_shared *tlbstate_shared; /* [nr_cpus] */
	struct call_queue *callq;		/* [nr_cpus] */
	struct csd **csd;			/* [src] -> [dst], on first send */
	struct flush_tlb_info *flush_info;	/* [nr_cpus], the initiator's */
	struct mm init_mm;			/* kernel threads' mm */
	u64 next_ctx_id;
	u32 booted;
	struct kvm_steal_time *steal;		/* [nr_cpus] */
	u8 **hv_input;				/* [nr_cpus] hypercall pages */
	struct rcu_table_batch *rcu;		/* [nr_cpus] */
	struct cpu_nmi_state *nmi;		/* [nr_cpus] */
	struct qnode_set *qnodes;		/* [nr_cpus] */
	struct osq_node *osq_nodes;		/* [nr_cpus], rwsem/mutex spinners */
	struct sched *sched;			/* run queues, tasks (sched.c) */
	/* paravirtual spinlocks: on in a guest unless pvspin=off; set by
	 * CPU 0 before the others boot */
	bool pv_spinlocks;
	struct pv_hash_entry *pv_hash;		/* [pv_hash_size(nr_cpus)] */
};

static inline void *kzalloc(struct kernel *k, size_t n)
{
	return kmem_zalloc(k->kmem, n);
}

/* Allocation is set-up work, done by plain C before the machine starts. */
struct kernel *kernel_create(int nr_cpus, const struct kernel_opts *o);
void kernel_destroy(struct kernel *k);
/* Per-CPU boot: registers interrupt and fault handlers, loads init_mm. */
void kernel_cpu_boot(struct kernel *k);
void kernel_empty_interrupt(enum irq_vector v);
/* sched.c: the scheduler's state, at kernel_create (plain C) */
void sched_init(struct kernel *k);

static inline struct kernel *K(void) { return this_kernel(); }
static inline bool mutant(const struct kernel *k, enum mutant m)
{ return k->o.mutant == m; }

/* smp.c */
struct csd *csd_row(struct kernel *k, int src);	/* allocated on first use */
void smp_call_function_many(struct kernel *k, const struct cpumask *mask,
			    smp_call_func_t func, void *info, bool wait,
			    bool run_local, bool async);
void smp_call_interrupt(enum irq_vector v);

/* tlb.c */
void native_flush_tlb_multi(struct kernel *k, const struct cpumask *targets,
			    struct flush_tlb_info *info);
void flush_local_irqs_off(struct kernel *k, struct flush_tlb_info *info);
void switch_mm(struct kernel *k, struct mm *next);
void enter_lazy_tlb(struct kernel *k);
void flush_tlb_mm_range(struct mm *mm, u64 start, u64 end, u32 stride_shift,
			bool freed_tables);
void flush_tlb_func(void *info);
bool tlb_cpu_is_lazy(struct kernel *k, int cpu);

/* hyperv.c: the hypercall input encoders */
int hv_fill_gva_list(u64 *list, int max, u64 start, u64 end);
int hv_fill_vpset(void *vpset, const struct cpumask *m, int nr_cpus);

/* mm.c */
struct mm *mm_create(struct kernel *k);	/* set-up time, plain C */
void mm_destroy(struct mm *mm);
int mm_add_vma(struct mm *mm, u64 start, u64 end, enum vma_kind kind,
	       bool writable, struct file *f, u64 pgoff);
struct file *file_create(struct kernel *k, u64 nr_pages);
int handle_page_fault(u64 va, bool write);
int sys_madvise_dontneed(struct mm *mm, u64 start, u64 len);
int sys_munmap(struct mm *mm, u64 start, u64 len);
int sys_populate(struct mm *mm, u64 start, u64 len);
int mm_collapse_pmd(struct mm *mm, u64 va);
int gup_fast(struct mm *mm, u64 va, u64 pages, u64 get_page_ns);
int sys_mprotect(struct mm *mm, u64 start, u64 len, bool writable);
int file_writeback(struct mm *mm, struct file *f);
int file_writeback_range(struct mm *mm, struct file *f, u64 first, u64 nr);
u64 user_read(u64 va);
u64 user_read_emulated(u64 va);	/* by an instruction a host emulates */
void user_write(u64 va, u64 v);

#endif
