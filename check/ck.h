/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ck.h - internals of the interleaving checker, shared by the files of check/.
 *
 * One machine exists per process (struct ck_machine ck).  Every CPU is a
 * coroutine that runs the program's code until its next env primitive,
 * announces that primitive (struct ck_op) and parks.  The host coroutine
 * (the explorer) then picks one enabled *event* and executes it:
 *
 *   STEP   the parked CPU performs its announced primitive and runs on to
 *          its next one;
 *   IRQ    an interrupt is taken on that CPU (IF=1, not in a handler);
 *   DRAIN  the oldest entry of that CPU's store buffer reaches memory;
 *   SPEC   that CPU's hardware speculatively walks a cached page-table
 *          page (enabled only when the page has been freed);
 *   HOST   the hypervisor deschedules that vCPU, puts it back, or writes
 *          its steal time (only with a host, check_config.host);
 *   NMI    perf's NMI arrives on that CPU, whatever IF says (once per run
 *          on each CPU of check_config.nmi_cpus).
 *
 * An event's footprint (struct ck_fp) is recorded while it executes; the
 * explorer uses footprints to decide which events commute (sleep sets).
 */
#ifndef CHECK_CK_H
#define CHECK_CK_H

#include "check/check.h"
#include "hw/hw.h"
#include "hw/kvm.h"
#include "x86.h"
#include "lib/coro.h"

#define CK_ACTOR_KINDS	6
#define CK_MAX_ACTORS	(CHECK_MAX_CPUS * CK_ACTOR_KINDS)
#define CK_SB_CAP	16		/* store-buffer entries (power of 2) */
#define CK_TLB_ENTRIES	8
#define CK_PWC_ENTRIES	4
#define CK_NR_FRAMES	64		/* physical memory: 256 KiB */
#define CK_MAX_FLUSHES	64
#define CK_WATCH	4		/* loads remembered for spin detection */
#define CK_MAX_NAMES	256
#define CK_MAX_REGIONS	64
#define CK_ARENA_SIZE	(256 << 10)
#define CK_STACK_SIZE	(256 << 10)
#define CK_MAX_CTX	8		/* task contexts besides the boot ones */

enum ck_actor_kind { ACT_STEP, ACT_IRQ, ACT_DRAIN, ACT_SPEC, ACT_HOST, ACT_NMI };

static inline int ck_actor(int cpu, int kind) { return cpu * CK_ACTOR_KINDS + kind; }
static inline int ck_actor_cpu(int a) { return a / CK_ACTOR_KINDS; }
static inline int ck_actor_kind(int a) { return a % CK_ACTOR_KINDS; }

/* The primitive a parked CPU will perform when its STEP event runs. */
enum ck_op_kind {
	OP_NONE, OP_LOAD, OP_STORE, OP_RMW, OP_FENCE, OP_RELAX, OP_SPIN,
	OP_IRQ_SAVE, OP_IRQ_RESTORE, OP_IPI, OP_INVLPG, OP_CR3, OP_FLUSH_LOCAL,
	OP_FLUSH_ALL, OP_USER, OP_COMPUTE, OP_HALT_NS, OP_KWORK, OP_SYSCALL,
	OP_IDLE, OP_HLT, OP_ALLOC, OP_FREE, OP_CLOCK, OP_HYPERCALL, OP_IRET,
	OP_USER_DONE, OP_DONE,
};

struct ck_op {
	u8 kind;
	u8 size;
	bool timed;		/* OP_SPIN with a timeout */
	uintptr_t addr;		/* OP_SPIN: location; OP_RELAX: call site */
	u64 old;		/* OP_SPIN: the value it waits to change */
};

/* ---- footprints ----------------------------------------------------------- */
/* Classes of machine state besides plain memory locations. */
#define CL_FRAMES	0x1	/* frame allocation state, frame contents at alloc */
#define CL_TIME		0x2	/* the global clock (clock_ns, TLB fill times) */
#define CL_LOG		0x4	/* completed-shootdown log (flush_done) */

#define FP_DRAINS	0x1	/* drained (part of) its own store buffer */

#define FP_RANGES	6	/* exact byte ranges; more are merged */

/*
 * What an event touched: byte ranges of memory (exact, so the result of a
 * search does not depend on where the host put things), classes of machine
 * state, and CPUs whose private state it changed.  When an event touches
 * more ranges than fit, two are merged into one covering both: a superset,
 * so at worst two events are thought dependent that are not.
 */
struct ck_fp {
	uintptr_t lo[FP_RANGES], hi[FP_RANGES];	/* [lo, hi) */
	u8 nr;
	u8 wmask;		/* bit i: range i was written */
	u8 cls_r, cls_w;
	u8 cpus;		/* CPUs whose private state it touched */
	u8 irq;			/* CPUs whose pending interrupts it touched */
	u8 flags;
	u8 actor;
};

extern struct ck_fp ck_fp_cur;	/* footprint of the event being executed */

void fp_mem(uintptr_t a, int size, bool write);

static inline void ck_fp_reset(int actor)
{
	ck_fp_cur.nr = ck_fp_cur.wmask = 0;
	ck_fp_cur.cls_r = ck_fp_cur.cls_w = 0;
	ck_fp_cur.cpus = ck_fp_cur.irq = ck_fp_cur.flags = 0;
	ck_fp_cur.actor = actor;
}
bool ck_fp_dependent(const struct ck_fp *a, const struct ck_fp *b);

/* ---- per-CPU state --------------------------------------------------------- */
struct ck_sb_entry {
	uintptr_t addr;
	u64 val;
	u8 size;
};

struct ck_sb {
	struct ck_sb_entry e[CK_SB_CAP];
	u8 head, n;
	/* stores entered and drained in this run: DPOR orders a DRAIN after
	 * the event that issued its store (the footprints do not: a buffered
	 * store touches no shared memory) */
	u32 pushed, popped;
};

enum ck_resume { RESUME_OP, RESUME_IRQ, RESUME_NMI };

/* What a CPU carries from one event to the next besides its stack: the
 * part the program's init() may set up, saved once and restored per run. */
struct ck_arch {
	bool irq_on;		/* RFLAGS.IF */
	u32 pending;		/* interrupt vectors, bit per vector */
	u64 irq_off_at;		/* clock when IF last went from 1 to 0 */
	/* CR3, TLB, PWC, steal time: the machine's rules (hw/); its TLB
	 * entries live just below, so a copy of ck_arch is a whole CPU */
	struct hw_cpu hw;
	struct hw_tlbe tlb[CK_TLB_ENTRIES];
	u8 tlb_hand;
	void (*irq[NR_VECTORS])(enum irq_vector);
	int (*fault)(u64 va, bool write);
	void (*user_return)(void);	/* exit_to_user_mode's work */
	void *kernel;
	u64 rng;
};

/*
 * A task's kernel context (env.h ctx_*): a stack of its own.  Contexts
 * that init() created start afresh in every run; those a run creates are
 * dropped at its end.  on: the CPU running it, -1 while it is switched
 * out; the scheduler must never switch to a context another CPU still
 * runs on (its stack would be live twice).
 */
struct ck_ctx {
	struct coro co;
	void (*fn)(void *);
	void *arg;
	int id;
	int on;
	bool exited;
};

struct ck_cpu {
	struct coro co;		/* its boot context: the idle task's stack */
	struct coro *run;	/* the context it runs: co or a task's */
	void *restart[5];	/* __builtin_setjmp: back to a fresh start */
	u32 run_id;
	int id;
	u8 resume;
	struct ck_op op;
	struct ck_arch arch;
	bool halted, interrupted, timed_out;
	u8 irq_depth;
	u8 nmis;			/* NMIs still to come in this run */
	bool in_nmi;
	/* under a host: descheduled, how often, a steal-time write-back due */
	bool off, writeback;
	u8 deschedules;
	bool latched_hit;	/* the last translation was a TLB hit */
	/* its boot context waits in the idle loop (check_idle_loop): a run
	 * may end with it halted or in a monitored wait */
	bool idle_loop;
	/* its own clock (sched_clock): its own events, plus the time its
	 * timer interrupts skipped to reach their deadlines */
	u64 own_clock;
	/* the local APIC timer: deadline on own_clock (0: disarmed),
	 * interrupts it may still deliver in this run (timer_cpus) */
	u64 timer_at;
	u8 timer_fires;
	struct ck_sb sb;
	/* spin detection: what it loaded since its last cpu_relax() */
	struct { uintptr_t addr; u64 val; u8 size; } watch[CK_WATCH];
	u8 watch_n;
	bool watch_dirty;
	uintptr_t relax_site;
	u32 fast;		/* replay: steps to take without asking the host */
	void (*main)(void *);
};

struct ck_name {
	uintptr_t addr;
	size_t size;
	char name[40];
};

/* Program memory that init() set up and every run starts from. */
struct ck_region {
	void *p;
	size_t size;
	void *copy;
};

/* The machine as init() left it: restored before every run. */
struct ck_snapshot {
	struct ck_arch arch[CHECK_MAX_CPUS];
	/* the frame table (hw_mem's arrays) and the flush log */
	u32 gen[CK_NR_FRAMES];
	u8 state[CK_NR_FRAMES], walked[CK_NR_FRAMES], was_table[CK_NR_FRAMES];
	u32 free_list[CK_NR_FRAMES];
	u64 nr_free, frees;
	u8 *frames;		/* contents of the frames in use */
	struct hw_flush_rec flushes[CK_MAX_FLUSHES];
	u64 nr_flushes;
	struct ck_region regions[CK_MAX_REGIONS];
	int nr_regions;
	int nr_names;
	size_t arena_used;
};

struct ck_text {
	char *buf;
	size_t len, cap;
};

struct ck_machine {
	struct hw_machine hw;	/* the machine's rules over ram[] */
	struct hw_cpu *hw_cpus[CHECK_MAX_CPUS];
	const struct check_program *prog;
	const struct check_config *cfg;
	int nr_cpus;
	bool tso;
	struct ck_cpu cpu[CHECK_MAX_CPUS];
	struct ck_cpu *cur;	/* running CPU; NULL: the host */
	/* init(), setup() and teardown() run on the host; env operations act
	 * at once on CPU setup_cpu (check_on_cpu) */
	bool in_setup, in_init;
	int setup_cpu;
	void *setup_escape[5];	/* __builtin_longjmp out of a stuck setup */
	struct ck_snapshot snap;
	struct coro host;
	u32 run_id;
	u64 now;		/* global clock: events executed in this run */
	u32 timeouts;		/* spin_wait timeouts fired (they change state) */

	/* physical memory (the frame table is hw.mem's) */
	u8 *ram;
	u8 dirty[CK_NR_FRAMES];	/* written since the last restore */

	/* task contexts: [0, snap_ctx) made by init(), then this run's */
	struct ck_ctx ctx[CK_MAX_CTX];
	int nr_ctx, snap_ctx, live_ctx;

	/* per-run allocations with stable addresses */
	u8 *arena;
	size_t arena_used;

	/* the outcome of the current run */
	bool violated;
	char why[512];

	/* counterexample printing (replay only) */
	bool verbose;
	bool draining_all;
	struct ck_text *out;
	u32 step_no;
	bool step_preempt, step_logged;
	struct ck_name names[CK_MAX_NAMES];
	int nr_names;
};

extern struct ck_machine ck;

/* The global clock: one tick per event. */
static inline u64 ck_clock(void)
{
	return ck.now;
}

static inline bool ck_in_phys(uintptr_t a)
{
	return a - (uintptr_t)ck.ram < (uintptr_t)CK_NR_FRAMES << PAGE_SHIFT;
}

static inline bool ck_frame_used(u32 pfn)
{
	return ck.hw.mem.state[pfn] == HW_FRAME_USED;
}

static inline u32 ck_pfn_of(uintptr_t a)
{
	return (a - (uintptr_t)ck.ram) >> PAGE_SHIFT;
}

/* tso.c: store buffers, the global view of memory */
void ck_tso_reset(void);
u64 ck_global_read(uintptr_t a, int size);
void ck_global_write(uintptr_t a, u64 v, int size);
u64 ck_view(struct ck_cpu *c, uintptr_t a, int size, bool *forwarded);
void ck_store(struct ck_cpu *c, uintptr_t a, u64 v, int size);
void ck_drain_one(struct ck_cpu *c);
int ck_drain_all(struct ck_cpu *c);

/* memory.c: raw accesses, physical frames, names, the hardware's port */
extern const struct hw_port ck_hw_port;
u64 ck_raw_read(uintptr_t a, int size);
void ck_raw_write(uintptr_t a, u64 v, int size);
void ck_phys_touch(struct ck_cpu *c, uintptr_t a, bool write);
u64 ck_frame_alloc(void);
void ck_frame_free(u64 pfn);
const char *ck_name_of(uintptr_t a, char *buf, size_t n);
const char *ck_val(u64 v, char *buf, size_t n);
const char *ck_drained(int n, char *buf, size_t len);

/* user.c: user accesses and speculative walks on the machine model */
int ck_user_translate(struct ck_cpu *c, u64 va, bool write, u32 *pfn);
void ck_user_complete(struct ck_cpu *c, u64 va, u64 *val, bool write, u32 pfn,
		      u32 gen, bool latched);
bool ck_spec_enabled(const struct ck_cpu *c);
void ck_spec_walk(struct ck_cpu *c);

/* host.c: the hypervisor under the vCPUs */
bool ck_host_enabled(const struct ck_cpu *c);
void ck_host_event(struct ck_cpu *c);

/* machine.c: coroutines, parking, interrupts, one run */
void ck_announce(struct ck_cpu *c, enum ck_op_kind kind);
void ck_park(struct ck_cpu *c);
void __attribute__((noreturn)) ck_park_dead(struct ck_cpu *c);
int ck_machine_init(const struct check_program *p, const struct check_config *cfg,
		    char *err, size_t errlen);
void ck_machine_fini(void);
int ck_run_begin(void);
void ck_setup_stuck(void) __attribute__((noreturn));
/* Enabled events as an actor mask; 0 with *end set when the run is over. */
u32 ck_enabled(bool *end);
void ck_exec(int actor);
void ck_run_end(void);
bool ck_step_enabled(const struct ck_cpu *c);

/* env.c */
extern const struct env_ops check_env_ops;
void ck_ctx_thread(void *arg);		/* a task context's first frame */
bool ck_env_complete(char *err, size_t errlen);

/* cex.c: violations and the counterexample text */
void ck_violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ck_log(int cpu, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ck_log_flush(void);
void ck_text_printf(struct ck_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
