/* SPDX-License-Identifier: GPL-2.0 */
/*
 * internal.h - the simulator's insides, shared by the files of sim/ (and by
 * white-box tests).  Users include sim/sim.h.
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
#ifndef SIM_INTERNAL_H
#define SIM_INTERNAL_H

#include "env.h"
#include "x86.h"
#include "hw/hw.h"
#include "hw/kvm.h"
#include "hw/hcall.h"
#include "lib/coro.h"
#include "sim/profile.h"
#include "sim/sim.h"

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
	EV_TIMER,		/* a CPU's local APIC timer deadline */
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

struct cpu_hooks {
	void (*irq[NR_VECTORS])(enum irq_vector);
	int (*fault)(u64 va, bool write);
	void (*user_return)(void);	/* exit_to_user_mode after an irq */
};

#define SIM_CTX_STACK_SIZE	(64 << 10)	/* virtual; touched pages only */

/* A context made by ctx_create: a task's stack.  Recycled on exit. */
struct sim_ctx {
	struct coro co;		/* first: the handle protocol code holds */
	struct sim_ctx *next_all, *next_free;
	void (*fn)(void *);
	void *arg;
	int on;			/* the CPU running it; -1: switched out */
};

struct sim_cpu {
	struct hnode hn;	/* first: hnode -> sim_cpu */
	enum cpu_state state;
	bool irq_on;		/* RFLAGS.IF */
	ps_t irq_off_since;	/* when IF last went to 0 */
	bool woke_by_store;
	u16 id, socket, core;
	u32 pending;		/* pending vectors, bit per vector */
	ps_t clock;
	ps_t next_spec;
	ps_t next_nmi;		/* perf's next sampling NMI */
	bool in_nmi;
	bool user_irq;		/* took an interrupt in user mode */
	bool pv_unhalted;	/* kicked (KVM_HC_KICK_CPU) since its pv_halt */
	u64 irqs_taken;
	struct event *timer;	/* its armed APIC timer, or NULL */
	struct sim *sim;
	struct coro co;		/* the context it boots on */
	struct coro *ctx;	/* the context it runs now (sim_set_ctx) */
	uintptr_t stack_lo;	/* and its stack, for on_stack_of */
	size_t stack_size;
	void *kernel;
	struct cpu_hooks hooks;
	u64 rng;

	/* spin_wait: doubly linked list of waiters of one line, by cpu id+1 */
	u64 wait_line;
	u16 wait_next, wait_prev;

	/* the machine's rules for this CPU: CR3, TLB, PWC (hw/) */
	struct hw_cpu hw;

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
	/* its last flush hypercall, decoded; the host's flush events of it
	 * all fire before the hypercall returns */
	struct hw_flush_request *hreq;
	bool frozen_in_heap;
	ps_t frozen_key, frozen_at;
	u64 wait_episode;
	ps_t steal;
};

/* The host changed frozen or halted: tell the machine model. */
static inline void vcpu_sync_descheduled(struct sim_cpu *c)
{
	c->hw.descheduled = c->frozen || c->halted;
}

/* ---- virtual machines and the host -------------------------------------- */
struct sim_vm {
	int first, nr;		/* its vCPUs are cpus[first .. first+nr) */
	bool virt;		/* runs under the host model */
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

struct violation_log {
	u64 count;
	int printed;
	FILE *out;
	char first[256];	/* the first one's message */
};

/* ---- costs, precomputed from the profile (ps) ------------------------- */
/* How far apart two CPUs are: what a line transfer or an IPI between them
 * costs follows from it (cpu_distance(), below). */
enum cpu_distance { DIST_SMT, DIST_SOCKET, DIST_REMOTE, NR_DISTANCES };
struct costs {
	ps_t l1, smt, socket, remote, dram, atomic, mfence, pause;
	ps_t invlpg, flush_full, cr3_noflush, walk;
	ps_t ipi_send;
	ps_t transfer[NR_DISTANCES], ipi[NR_DISTANCES];	/* by cpu_distance */
	ps_t irq_entry, irq_exit, syscall, fault, spec_interval, nmi_interval;
	ps_t vmexit, vmexit_ipi, inject, hypercall, host_ctxsw, timeslice,
	     wakeup_gran, ple_window, steal_update, noise_interval, noise;
};

struct sim {
	struct hw_machine hw;	/* first: the machine's rules */
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
	struct sim_ctx *ctxs, *free_ctxs;	/* every ctx_create'd one */
	struct heap heap;
	struct event *free_events;
	struct linetab lines;
	u8 *ram;		/* simulated RAM, lazily backed */
	u64 nr_frames;
	struct hw_cpu **hw_cpus;	/* [nr_cpus] -> cpus[i].hw */
	struct violation_log viol;
	struct trace *trace;
	u64 flow_seq;
	int live_counted;
	bool stop;
	volatile sig_atomic_t *stop_req;	/* sim_config.stop */
	enum sim_end end;
	ps_t time_limit;
	ps_t end_time;
	u64 ops;
	char abort_msg[256];
};

/* core.c */
void sim_place(const struct profile *p, int n, int i, u16 *socket, u16 *core);
void sim_abort(struct sim *s, const char *fmt, ...);
void sim_sync_slow(struct sim_cpu *c);
void sim_block(struct sim_cpu *c, enum cpu_state st, ps_t wake);
void sim_wake(struct sim_cpu *c, ps_t when);
void sim_send_ipi(struct sim_cpu *c, int dst, enum irq_vector v);
void sim_take_irqs(struct sim_cpu *c);
void sim_take_nmi(struct sim_cpu *c);
void sim_timer_arm(struct sim_cpu *c, ps_t when);
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
	if (unlikely(c->clock >= c->next_nmi))
		sim_take_nmi(c);
}

/* mem.c: coherence and physical memory */
int linetab_init(struct linetab *t, int nr_cpus);
void linetab_free(struct linetab *t);
struct line *line_get(struct sim *s, u64 tag, u64 **sharers);
ps_t coh_load(struct sim_cpu *c, uintptr_t addr);
ps_t coh_store(struct sim_cpu *c, uintptr_t addr, bool rmw);
/* White-box, for tests: accesses that moved the line holding
 * coh_watch_addr into a cache (every access but an L1 hit), counted while
 * it is non-zero. */
extern uintptr_t coh_watch_addr;
extern u64 coh_watch_transfers;
void coh_wait_add(struct sim_cpu *c, uintptr_t addr);
void coh_wait_del(struct sim_cpu *c);
bool coh_wait_listed(struct sim_cpu *c);
/* Is a within the host stack of the context CPU c runs? */
static inline bool on_stack_of(const struct sim_cpu *c, uintptr_t a)
{
	return a - c->stack_lo < c->stack_size;
}

/* CPU c runs context x from now on. */
static inline void sim_set_ctx(struct sim_cpu *c, struct coro *x)
{
	c->ctx = x;
	c->stack_lo = (uintptr_t)x->stack;
	c->stack_size = x->stack_size;
}

/* hv.c: the host under virtual machines */
int host_init(struct sim *s, const struct sim_config *cfg, char *err, size_t errlen);
void host_free(struct sim *s);
void host_start(struct sim *s);
void host_event(struct sim *s, struct event *e, ps_t now);
void host_vcpu_halt(struct sim_cpu *c);
void host_vcpu_wake(struct sim_cpu *c, ps_t when);
void host_vcpu_spin(struct sim_cpu *c);
void host_flush_vcpus(struct sim_cpu *c, const struct hw_flush_request *r);
static inline bool is_vcpu(const struct sim_cpu *c) { return c->pcpu >= 0; }
struct event *event_new(struct sim *s);
void event_free(struct sim *s, struct event *e);

/* tlb.c: the hardware's port into the engine, user accesses, walks */
extern const struct hw_port sim_hw_port;
int tlb_user_access(struct sim_cpu *c, u64 va, u64 *val, bool write,
		    bool emulated);
int tlb_user_read_nofault(struct sim_cpu *c, u64 va, u64 *val);
void sim_spec_walk(struct sim_cpu *c);
void sim_violation(struct sim_cpu *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline struct sim *hw_sim(struct hw_machine *m)
{
	return container_of(m, struct sim, hw);
}

/* env.c */
extern const struct env_ops sim_env_ops;
void sim_env_bind(struct sim *s);

static inline ps_t ns_to_ps(u64 ns) { return ns * 1000; }

static inline enum cpu_distance cpu_distance(const struct sim_cpu *a,
					     const struct sim_cpu *b)
{
	if (a->core == b->core)
		return DIST_SMT;
	return a->socket == b->socket ? DIST_SOCKET : DIST_REMOTE;
}

/* A cache line from a to b. */
static inline ps_t transfer_cost(const struct sim *s, const struct sim_cpu *a,
				 const struct sim_cpu *b)
{
	return s->cost.transfer[cpu_distance(a, b)];
}

/* ICR write on a to handler entry on b. */
static inline ps_t ipi_latency(const struct sim *s, const struct sim_cpu *a,
			       const struct sim_cpu *b)
{
	return s->cost.ipi[cpu_distance(a, b)];
}

#endif
