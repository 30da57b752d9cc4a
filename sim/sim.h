/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim.h - the discrete-event simulator.
 *
 * Each simulated CPU is a coroutine with its own clock (picoseconds).  Every
 * env primitive first synchronises (sim_sync): if anything in the event heap
 * is earlier than this CPU's clock, the CPU goes back into the heap and the
 * earliest entity runs instead.  So the effects of primitives are applied in
 * global time order, each at the issuing CPU's clock, and then the CPU's
 * clock advances by the primitive's cost.  Ties: timed events (IPI arrival)
 * before CPUs; the running CPU before other CPUs at the same time; CPUs among
 * themselves in the order they entered the heap.  Nothing depends on host
 * addresses or host timing, so a run is a function of (profile, seed, args).
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include "env.h"
#include "x86.h"
#include "lib/coro.h"
#include "sim/profile.h"

struct trace;
struct sim;

/* ---- event heap -------------------------------------------------------- */
enum hnode_kind { HN_EVENT = 0, HN_CPU = 1 };	/* events win ties */
#define HEAP_NONE UINT32_MAX

struct hnode {
	u32 pos;		/* index in heap, HEAP_NONE when absent */
	u8 kind;
};

struct heap_slot {
	ps_t key;
	u64 tie;		/* kind << 63 | insertion order */
	struct hnode *n;
};

struct heap {
	struct heap_slot *a;
	u32 n, cap;
	u64 seq;
};

void heap_init(struct heap *h, u32 cap);
void heap_free(struct heap *h);
void heap_push(struct heap *h, struct hnode *n, ps_t key);
struct hnode *heap_pop(struct heap *h, ps_t *key);
void heap_remove(struct heap *h, struct hnode *n);
/* Move n (in the heap) to an earlier or later key. */
void heap_update(struct heap *h, struct hnode *n, ps_t key);
/* Pop the top and push n in one sift: the running CPU yielding. */
struct hnode *heap_replace_top(struct heap *h, struct hnode *n, ps_t key,
			       ps_t *top_key);

#define HEAP_TIE_KIND_SHIFT 63

static inline bool heap_slot_before(const struct heap_slot *a,
				    const struct heap_slot *b)
{
	return a->key < b->key || (a->key == b->key && a->tie < b->tie);
}

/* ---- events ------------------------------------------------------------ */
enum event_type {
	EV_IPI,			/* interrupt reaches a (v)CPU */
	EV_TICK,		/* host timeslice of a pCPU ends */
	EV_PLE,			/* a vCPU has spun for the PLE window */
	EV_HOST_FLUSH,		/* host flushes a running vCPU (hypercall) */
	EV_ST_WRITEBACK,	/* host-lost-flush: the late steal-time write */
	EV_NOISE,		/* host work takes a pCPU from its vCPU */
	EV_NOISE_END,
};

struct event {
	struct hnode hn;	/* first: hnode -> event */
	enum event_type type;
	int src, dst;
	enum irq_vector vec;
	u64 flow;		/* trace flow id; EV_PLE: the wait episode */
	ps_t time;
	struct event *next_free;
};

/* ---- per-CPU state ----------------------------------------------------- */
enum cpu_state {
	CPU_RUNNING,		/* the one coroutine executing */
	CPU_RUNNABLE,		/* in the heap, keyed by its clock */
	CPU_COMPUTE,		/* in the heap, keyed by the end of its work */
	CPU_WAIT,		/* spinning on a line; in heap iff timeout */
	CPU_IDLE,		/* hlt: only an interrupt wakes it */
	CPU_HALT,		/* hlt with a timer: in the heap at its end */
};

/* 24 bytes: a full 2048-entry TLB is 48 KiB of the per-CPU budget. */
struct tlb_entry {
	u64 tag;		/* vpn << 12 | pcid, bit 63 valid; 0 = invalid */
	u64 fill_ns : 46;	/* walk that filled it, ns rounded up */
	u64 flags : 2;		/* TLBE_* */
	u64 epoch : 16;		/* pcid (or global) epoch when filled */
	u32 pfn;
	u32 gen;		/* frame generation when filled */
};
#define TLBE_W		1
#define TLBE_G		2

/* Paging-structure cache: (pcid, va >> 21) -> page-table page. */
#define PWC_SIZE	16
struct pwc_entry {
	u64 tag;		/* (va >> 21) << 12 | pcid, 0 invalid */
	u32 table;		/* pfn of the PT page */
	u32 gen;
	u16 epoch;
};

#define PCID_EPOCHS	64	/* epochs tracked per pcid & 63 */

struct cpu_hooks {
	void (*irq[NR_VECTORS])(enum irq_vector);
	int (*fault)(u64 va, bool write);
};

struct sim_cpu {
	struct hnode hn;	/* first: hnode -> sim_cpu */
	enum cpu_state state;
	bool irq_on;		/* RFLAGS.IF */
	ps_t irq_off_since;	/* when IF last went to 0 */
	bool woke_by_store;
	bool in_user;		/* CPL 3: user code may touch its TLB entries */
	u16 id, socket, core;
	u32 pending;		/* pending vectors, bit per vector */
	ps_t clock;
	ps_t next_spec;
	struct sim *sim;
	struct coro co;
	void *kernel;
	struct cpu_hooks hooks;
	u64 rng;

	/* spin_wait: doubly linked list of waiters of one line, by cpu id+1 */
	u64 wait_line;
	u16 wait_next, wait_prev;

	/* paging */
	u64 cr3;		/* pgd pfn */
	u16 pcid;
	u16 tlb_gepoch;		/* global-page epoch */
	u16 pcid_epoch[PCID_EPOCHS];
	struct tlb_entry *tlb;	/* sets * ways, allocated on first fill */
	u8 *tlb_hand;		/* per-set round-robin victim */
	struct pwc_entry pwc[PWC_SIZE];

	u64 flow[NR_VECTORS];	/* trace flow of the pending interrupt */
	void (*main)(void *);
	void *arg;
	bool counted;		/* the run ends when all counted mains return */
	u64 stats[NR_STATS];
	u64 ops;
	u64 hw_walks;		/* TLB misses that walked */

	/* virtualization: CPU ids as the guest sees them */
	u16 vm, local;
	s16 pcpu;		/* -1: bare metal */
	bool frozen;		/* descheduled by the host while runnable */
	bool halted;		/* gave its pCPU up in hlt */
	bool mid_insn;		/* between translation and data access */
	bool host_flush;	/* the host flushes it on next entry */
	bool frozen_in_heap;
	ps_t frozen_key, frozen_at;
	u64 wait_episode;
	u8 *st_preempted;	/* guest steal-time `preempted` byte */
	ps_t steal;
};

/* ---- virtual machines and the host -------------------------------------- */
struct sim_vm {
	int first, nr;		/* its vCPUs are cpus[first .. first+nr) */
	bool virt;		/* runs under the host model */
};

enum host_mutant {
	HOST_OK,
	HOST_LOST_FLUSH,	/* CVE-2019-3016 pattern */
	HOST_PREEMPT_MID_INSN,	/* CVE-2022-39189 pattern */
};

struct pcpu {
	int id;
	u16 socket, core;
	int cur;		/* vCPU running on it, -1 none */
	int *queue;		/* vCPUs pinned here */
	int nq, rr;
	ps_t slice_start;
	struct event *tick;
	bool noise;		/* host work is running on it */
	u64 rng;
};

struct host {
	int nr_pcpus;
	struct pcpu *pcpus;
	enum host_mutant mutant;
};

/* ---- cache-line coherence --------------------------------------------- */
struct line {
	u64 tag;		/* address >> 6; 0 = empty slot */
	s16 owner;		/* CPU holding it modified, -1 none */
	u8 sockets;		/* sockets with a sharer (bit per socket) */
	u16 waiters;		/* head of the spin_wait list, cpu id + 1 */
	ps_t ready;		/* a pending ownership transfer ends then */
};

struct linetab {
	struct line *slots;
	u64 *sharers;		/* words_per_line words per slot */
	u32 cap, used, words_per_line;
};

/* ---- physical memory --------------------------------------------------- */
enum frame_state { FRAME_FREE, FRAME_USED };

struct phys {
	u8 *ram;		/* nr_frames * 4 KiB, lazily backed */
	u64 nr_frames;
	u32 *gen;		/* bumped on every free */
	u8 *state;
	u8 *walked;		/* has been in some PWC since its allocation */
	u8 *was_table;		/* freed while walked: a page-table page */
	u32 *free;		/* stack of free pfns, reused first */
	u64 nr_free;
	u32 *quarantine;	/* ring of the latest frees, oldest first */
	u64 q_head, q_len;
};

/* ---- the stale-translation detector's record of finished flushes ------- */
struct flush_rec {
	u64 root, start, end;
	ps_t began, done;
	int cpu;
};
#define FLUSHLOG_SIZE 4096

struct violation_log {
	u64 count;
	int printed;
	FILE *out;
};

/* ---- costs, precomputed from the profile (ps) ------------------------- */
struct costs {
	ps_t l1, smt, socket, remote, dram, atomic, mfence, pause;
	ps_t invlpg, flush_full, cr3_noflush, walk;
	ps_t ipi_send, ipi_smt, ipi_socket, ipi_remote;
	ps_t irq_entry, irq_exit, syscall, fault, spec_interval;
	ps_t vmexit, vmexit_ipi, inject, hypercall, host_ctxsw, timeslice,
	     wakeup_gran, ple_window, steal_update, noise_interval, noise;
};

struct sim_config {
	const struct profile *prof;
	int nr_cpus;		/* all (v)CPUs */
	int nr_vms;		/* 0: bare metal */
	int vcpus;		/* per VM */
	int pcpus;		/* host CPUs under the VMs */
	enum host_mutant host_mutant;
	u64 seed;
	const char *trace_path;	/* NULL: no trace */
	u64 nr_frames;		/* simulated RAM in 4 KiB frames, 0: default */
	ps_t time_limit;	/* 0: none */
	FILE *report;		/* violations are printed here (stderr) */
};

enum sim_end {
	SIM_END_DONE,		/* every counted thread returned */
	SIM_END_DEADLOCK,	/* nothing runnable, counted threads remain */
	SIM_END_TIME_LIMIT,
	SIM_END_ABORT,		/* sim_abort() */
};

struct sim {
	struct profile prof;
	struct costs cost;
	int nr_cpus;
	int nr_vms;
	struct sim_vm *vms;	/* [max(nr_vms, 1)] */
	struct host host;	/* nr_pcpus 0 on bare metal */
	u64 seed;
	struct sim_cpu *cpus;
	struct sim_cpu *cur;
	struct coro caller;	/* the thread that called sim_run */
	struct heap heap;
	struct event *free_events;
	struct linetab lines;
	struct phys phys;
	struct flush_rec flushlog[FLUSHLOG_SIZE];
	u64 flushlog_n;
	struct violation_log viol;
	struct trace *trace;
	u64 flow_seq;
	int live_counted;
	bool stop;
	enum sim_end end;
	ps_t time_limit;
	ps_t end_time;
	u64 ops;
	char abort_msg[256];
};

/* core.c */
void sim_place(const struct profile *p, int n, int i, u16 *socket, u16 *core);
struct sim *sim_create(const struct sim_config *cfg, char *err, size_t errlen);
void sim_destroy(struct sim *s);
void sim_cpu_start(struct sim *s, int cpu, void (*fn)(void *), void *arg,
		   void *kernel, bool counted);
enum sim_end sim_run(struct sim *s);
void sim_abort(struct sim *s, const char *fmt, ...);
void sim_stats(const struct sim *s, u64 out[NR_STATS]);
void sim_sync_slow(struct sim_cpu *c);
void sim_block(struct sim_cpu *c, enum cpu_state st, ps_t wake);
void sim_wake(struct sim_cpu *c, ps_t when);
void sim_send_ipi(struct sim_cpu *c, int dst, enum irq_vector v);
void sim_take_irqs(struct sim_cpu *c);
u64 sim_random(struct sim_cpu *c);
void sim_spec_walk(struct sim_cpu *c);

static inline void sim_charge(struct sim_cpu *c, ps_t cost)
{
	c->clock += cost;
	c->ops++;
}

/*
 * The start of every primitive: make sure nothing earlier is pending
 * anywhere, then take interrupts if IF allows.
 */
static inline void sim_order(struct sim_cpu *c)
{
	struct heap *h = &c->sim->heap;

	if (unlikely(h->n && (h->a[0].key < c->clock ||
			      (h->a[0].key == c->clock &&
			       !(h->a[0].tie >> HEAP_TIE_KIND_SHIFT)))))
		sim_sync_slow(c);
}

static inline void sim_sync(struct sim_cpu *c)
{
	sim_order(c);
	if (unlikely(c->pending && c->irq_on))
		sim_take_irqs(c);
	if (unlikely(c->clock >= c->next_spec))
		sim_spec_walk(c);
}

/* mem.c: coherence and physical memory */
int linetab_init(struct linetab *t, int nr_cpus);
void linetab_free(struct linetab *t);
struct line *line_get(struct sim *s, u64 tag, u64 **sharers);
ps_t coh_load(struct sim_cpu *c, uintptr_t addr);
ps_t coh_store(struct sim_cpu *c, uintptr_t addr, bool rmw);
void coh_wait_add(struct sim_cpu *c, uintptr_t addr);
void coh_wait_del(struct sim_cpu *c);
bool coh_wait_listed(struct sim_cpu *c);
int phys_init(struct phys *p, u64 nr_frames);
void phys_free_all(struct phys *p);
u64 phys_alloc(struct sim *s);
void phys_release(struct sim *s, u64 pfn);
static inline bool phys_contains(const struct phys *p, uintptr_t a)
{
	return a - (uintptr_t)p->ram < p->nr_frames << PAGE_SHIFT;
}
void phys_check_access(struct sim_cpu *c, uintptr_t a, bool write);

/* hv.c: the host under virtual machines */
int host_init(struct sim *s, const struct sim_config *cfg, char *err, size_t errlen);
void host_free(struct sim *s);
void host_start(struct sim *s);
void host_event(struct sim *s, struct event *e, ps_t now);
void host_vcpu_halt(struct sim_cpu *c);
void host_vcpu_wake(struct sim_cpu *c, ps_t when);
void host_vcpu_spin(struct sim_cpu *c);
void host_flush_vcpus(struct sim_cpu *c, const struct cpumask *mask, bool all);
static inline bool is_vcpu(const struct sim_cpu *c) { return c->pcpu >= 0; }
bool host_flushes_before_running(const struct sim_cpu *c);
struct event *event_new(struct sim *s);
void event_free(struct sim *s, struct event *e);

/* tlb.c: TLB, page walker, stale-translation detector */
int tlb_user_access(struct sim_cpu *c, u64 va, u64 *val, bool write);
void tlb_flush_va(struct sim_cpu *c, u64 va);
void tlb_flush_pcid(struct sim_cpu *c, u16 pcid);
void tlb_flush_everything(struct sim_cpu *c);
void tlb_flush_record(struct sim *s, u64 root, u64 start, u64 end, ps_t began);
void pwc_check_table_free(struct sim *s, u64 pfn);
struct tlb_entry *tlb_lookup(struct sim_cpu *c, u64 va);
pte_t walk_truth(struct sim *s, u64 root, u64 va, u64 *table_pfn);
void sim_violation(struct sim_cpu *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* env.c */
extern const struct env_ops sim_env_ops;
void sim_env_bind(struct sim *s);

static inline ps_t ns_to_ps(u64 ns) { return ns * 1000; }

#endif
