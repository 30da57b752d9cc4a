/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hw.h - the machine's rules, written once for every engine.
 *
 * What an x86 machine does, as opposed to *when* it does it (the engines'
 * business) and what a CPU sees of other CPUs' stores (coherence in the
 * simulator, store buffers in the checker):
 *
 *   tlb.c       TLB and paging-structure cache: entries tagged by PCID,
 *               global entries, INVLPG and CR3 semantics (Intel SDM Vol. 3A
 *               4.10);
 *   mem.c       physical frames (allocation, generations, quarantine) and
 *               the hardware page walker over page tables in simulated RAM;
 *   detect.c    the safety rules: stale translation, page-table use after
 *               free, use of a frame freed while an access was in flight;
 *   kvm.c       the steal-time ABI as a KVM host implements it, and the
 *               host mutants that break it the way real hosts did;
 *   hcall.c     decoding the Hyper-V and Xen flush hypercalls' input.
 *
 * An engine embeds one struct hw_machine and one struct hw_cpu per CPU and
 * reaches back only through struct hw_port: its clock, its way of reporting
 * a violation, how a CPU reads memory, how the host writes guest memory.
 * Times are in the engine's unit (picoseconds in the simulator, executed
 * events in the checker); the port prints them.
 */
#ifndef HW_HW_H
#define HW_HW_H

#include "env.h"
#include "x86.h"

typedef u64 hw_time;

struct hw_machine;

struct hw_port {
	hw_time (*now)(struct hw_machine *m);
	/* A rule was broken; cpu is the CPU the engine was running (-1:
	 * none).  msg is one line without the CPU or the time. */
	void (*violation)(struct hw_machine *m, int cpu, const char *msg);
	/* A paging-structure entry as cpu would read it now (its own
	 * buffered stores included).  NULL: read simulated RAM directly. */
	u64 (*read_entry)(struct hw_machine *m, int cpu, const u64 *entry);
	/* The host reads and writes a byte of guest memory (steal time). */
	u8 (*host_read8)(struct hw_machine *m, const u8 *p);
	void (*host_write8)(struct hw_machine *m, u8 *p, u8 v);
	/* "12.345 ns", "step 12" */
	void (*fmt_time)(hw_time t, char *buf, size_t len);
	/* The checker's footprints: a rule read state whose value depends on
	 * the order of events (HW_DEP_*).  NULL: nobody needs to know. */
	void (*depends)(struct hw_machine *m, unsigned what);
};
/* The port of an engine whose callback OP is PREFIX##OP (an engine that
 * does not need one defines PREFIX##OP as NULL). */
#define HW_PORT_INITIALIZER(prefix) {					\
	.now = prefix##now,						\
	.violation = prefix##violation,					\
	.read_entry = prefix##read_entry,				\
	.host_read8 = prefix##host_read8,				\
	.host_write8 = prefix##host_write8,				\
	.fmt_time = prefix##fmt_time,					\
	.depends = prefix##depends,					\
}
#define HW_DEP_TIME	0x1	/* the clock (a TLB fill's time) */
#define HW_DEP_FRAMES	0x2	/* frame states and generations */
#define HW_DEP_LOG	0x4	/* the log of completed shootdowns */


/* ---- TLB and paging-structure cache (tlb.c) ------------------------------ */

/* 24 bytes: a full 2048-entry TLB is 48 KiB. */
struct hw_tlbe {
	u64 tag;		/* va page | pcid | HW_TAG_VALID; 0: empty */
	u64 fill : 46;		/* when filled, in fill units, rounded up */
	u64 flags : 2;		/* HW_TLBE_* */
	u64 epoch : 16;		/* its PCID slot's (or the global) epoch */
	u32 pfn;
	u32 gen;		/* the frame's generation when filled */
};
#define HW_TLBE_W	1	/* writable */
#define HW_TLBE_G	2	/* global: survives CR3 writes */
#define HW_TAG_VALID	(1ULL << 63)

/* Paging-structure cache: which page-table page maps a 2 MiB region. */
struct hw_pwce {
	u64 tag;		/* (va >> 21) << 12 | pcid | HW_TAG_VALID */
	u32 table;		/* pfn of the last-level table */
	u32 gen;		/* its generation when cached */
};
#define HW_PWC_MAX	16
static inline u64 hw_pwc_tag(u64 va, u16 pcid)
{
	return ((va >> 21) << 12) | pcid | HW_TAG_VALID;
}

/*
 * Flushing a PCID must not visit 2048 entries, so non-global entries carry
 * the epoch of their PCID's slot and die when it is bumped.  64 slots, each
 * owned by the one PCID whose entries it holds; a slot that came to hold
 * entries of two PCIDs is "mixed", and flushing one of them there drops its
 * entries one by one.  The slot hash keeps Linux's PCIDs (0-6, and with PTI
 * 2048-2054) in distinct slots, so that is rare.  Semantics are exact: a
 * flush never removes another PCID's entries.
 */
#define HW_PCID_SLOTS	64
#define HW_SLOT_EMPTY	0
#define HW_SLOT_MIXED	0xffff

struct hw_tlb {
	struct hw_tlbe *e;	/* sets x ways; NULL until the first fill */
	u8 *hand;		/* per set: round-robin victim */
	u16 gepoch;		/* epoch of global entries */
	u16 epoch[HW_PCID_SLOTS];
	u16 owner[HW_PCID_SLOTS]; /* pcid + 1, EMPTY or MIXED */
	struct hw_pwce pwc[HW_PWC_MAX];
};

/* ---- a CPU -------------------------------------------------------------- */
struct hw_cpu {
	int id;			/* the engine's CPU number */
	u16 pcid;		/* CR3's PCID */
	bool in_user;		/* CPL 3: user code may use its TLB now */
	/* a vCPU that is not on a physical CPU (descheduled or halted) */
	bool descheduled;
	bool host_flush;	/* the host flushes its TLB before it runs */
	u64 cr3;		/* pfn of the PML4; 0: none */
	u64 cr3_writes;		/* MOV to CR3 so far (white-box tests) */
	u8 *steal;		/* the guest's steal-time `preempted` byte */
	struct hw_tlb tlb;
};

/* ---- physical memory (mem.c) ---------------------------------------------- */
enum hw_frame_state { HW_FRAME_FREE, HW_FRAME_USED };

struct hw_mem {
	u8 *ram;		/* nr_frames x 4 KiB, the engine's */
	u64 nr_frames;
	u32 *gen;		/* bumped on every free */
	u8 *state;
	u8 *walked;		/* cached in some PWC since allocated */
	u8 *was_table;		/* freed after being walked: a page table */
	u32 *free;		/* stack of free frames, top reused first */
	u64 nr_free;
	u32 *quarantine;	/* ring of the latest frees, oldest first */
	u32 q_cap;
	u64 q_head, q_len;
	u64 frees;		/* frames freed so far */
};

/* ---- completed shootdowns (detect.c) ---------------------------------------- */
struct hw_flush_rec {
	u64 root, start, end;	/* address space (pgd pfn), [start, end) */
	hw_time began, done;
	int cpu;
};

struct hw_flushlog {
	struct hw_flush_rec *rec;	/* ring of cap, in completion order */
	u32 cap;
	u64 n;				/* records ever added */
};

/* ---- the machine ---------------------------------------------------------------- */
struct hw_config {
	int nr_cpus;
	u32 tlb_sets, tlb_ways;
	u32 pwc_entries;	/* <= HW_PWC_MAX */
	u64 nr_frames;
	u32 quarantine;		/* frees before a frame is reused */
	u32 flushlog;		/* completed shootdowns remembered */
	u32 fill_unit;		/* TLB fill times kept in these units */
	/* The engine samples executions rather than exploring them all:
	 * check at completion points too (every CPU in user mode when a
	 * shootdown completes, every PWC when a table is freed) instead of
	 * waiting for a use that the sample may not contain. */
	bool eager;
	int host_mutant;	/* enum host_mutant (kvm.h) */
	/* the host reports PREEMPTED after any deschedule, not only after
	 * an exit at an instruction boundary (KVM before v5.19) */
	bool kvm_preempt_any;
};

struct hw_machine {
	const struct hw_port *port;
	struct hw_config cfg;
	struct hw_cpu **cpu;	/* [nr_cpus], the engine's */
	struct hw_mem mem;
	struct hw_flushlog log;
	/* The CPU the engine is executing (-1: none, e.g. the host): the
	 * engine keeps it current; frees and direct-map accesses are its. */
	int running;
};
static inline void hw_depends(struct hw_machine *m, unsigned what)
{
	if (m->port->depends)
		m->port->depends(m, what);
}

/* A page fault that the handler keeps "fixing" without effect: after this
 * many retries an access is reported as a livelock. */
#define HW_FAULT_RETRIES 64

/* hw.c */
int hw_machine_init(struct hw_machine *m, const struct hw_port *port,
		    const struct hw_config *cfg, u8 *ram, struct hw_cpu **cpus);
void hw_machine_fini(struct hw_machine *m);
/* A violation detected on cpu (-1: not on a CPU). */
void hw_report(struct hw_machine *m, int cpu, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
extern const char *const hw_vector_names[NR_VECTORS];

static inline pte_t *hw_table(const struct hw_machine *m, u64 pfn)
{
	return (pte_t *)(m->mem.ram + (pfn << PAGE_SHIFT));
}

static inline bool hw_in_ram(const struct hw_machine *m, uintptr_t a)
{
	return a - (uintptr_t)m->mem.ram < m->mem.nr_frames << PAGE_SHIFT;
}

/* tlb.c */
void hw_tlb_reset(struct hw_machine *m, struct hw_cpu *c);
struct hw_tlbe *hw_tlb_lookup(const struct hw_machine *m, const struct hw_cpu *c,
			      u64 va);
void hw_tlb_fill(struct hw_machine *m, struct hw_cpu *c, u64 va, pte_t pte);
bool hw_tlbe_live(const struct hw_cpu *c, const struct hw_tlbe *e);
static inline u64 hw_tlbe_va(const struct hw_tlbe *e)
{
	return e->tag & PAGE_MASK & ~HW_TAG_VALID;
}
static inline u16 hw_tlbe_pcid(const struct hw_tlbe *e) { return e->tag & 0xfff; }
static inline hw_time hw_tlbe_fill(const struct hw_machine *m,
				   const struct hw_tlbe *e)
{
	return (hw_time)e->fill * m->cfg.fill_unit;
}
/* INVLPG: va in the current PCID, and a global entry for it; every PWC
 * entry of the current PCID (SDM 4.10.4.1). */
void hw_invlpg(struct hw_machine *m, struct hw_cpu *c, u64 va);
/* MOV to CR3: switch to (root, pcid); without noflush, drop the PCID's
 * non-global entries and PWC entries. */
void hw_load_cr3(struct hw_machine *m, struct hw_cpu *c, u64 root, u16 pcid,
		 bool noflush);
/* A page fault at va: its TLB entry and PWC entries go (SDM 4.10.4.1). */
void hw_page_fault(struct hw_machine *m, struct hw_cpu *c, u64 va);
/* A hypervisor's flush of [va, va + pages pages) in every PCID. */
void hw_flush_gva(struct hw_machine *m, struct hw_cpu *c, u64 va, u64 pages);
/* Non-global entries and PWC entries of one PCID. */
void hw_flush_pcid(struct hw_machine *m, struct hw_cpu *c, u16 pcid);
/* Everything, global entries included (CR4.PGE toggle; host flush). */
void hw_flush_everything(struct hw_machine *m, struct hw_cpu *c);
/* Does c's PWC, for the PCID it runs, point at a table freed since? */
struct hw_pwce *hw_pwc_stale(const struct hw_machine *m, struct hw_cpu *c);

/* mem.c */
void hw_mem_init(struct hw_mem *p, u8 *ram, u64 nr_frames, u32 quarantine);
void hw_mem_fini(struct hw_mem *p);
u64 hw_frame_alloc(struct hw_machine *m);	/* zeroed; 0 when none left */
void hw_frame_free(struct hw_machine *m, u64 pfn);
/* The translation the tables rooted at root hold now, as cpu reads them,
 * with no caches; 0 if none.  *pt gets the last-level table (0: none).
 * report: a walk through a freed table page is a violation. */
pte_t hw_walk_tables(struct hw_machine *m, int cpu, u64 root, u64 va, u64 *pt,
		     bool report);
/* The hardware walker on a TLB miss of c: its PWC, else the tables. */
pte_t hw_walk(struct hw_machine *m, struct hw_cpu *c, u64 va);
/* A present leaf must map RAM; reported (a corrupted PTE) if not. */
bool hw_leaf_in_ram(struct hw_machine *m, struct hw_cpu *c, u64 va, pte_t pte);
/* A speculative walk through one PWC entry of the running PCID. */
void hw_spec_walk(struct hw_machine *m, struct hw_cpu *c, struct hw_pwce *p);

enum hw_xlate {
	HW_XLATE_HIT,		/* TLB hit (checked against the truth) */
	HW_XLATE_WALKED,	/* missed, walked, filled */
	HW_XLATE_FAULT,		/* the page fault handler must run */
	HW_XLATE_BAD,		/* a PTE points outside RAM (reported) */
};
/* The translation half of a user access of c to va: a TLB hit, else the
 * walk and the fill.  The two halves separately, for an engine that
 * charges the walk before the fill happens. */
enum hw_xlate hw_translate(struct hw_machine *m, struct hw_cpu *c, u64 va,
			   bool write, u32 *pfn);
bool hw_translate_hit(struct hw_machine *m, struct hw_cpu *c, u64 va, bool write,
		      u32 *pfn);
enum hw_xlate hw_translate_walk(struct hw_machine *m, struct hw_cpu *c, u64 va,
				bool write, u32 *pfn);

/* detect.c */
int hw_flushlog_init(struct hw_flushlog *l, u32 cap);
void hw_flush_done(struct hw_machine *m, u64 root, u64 start, u64 end,
		   hw_time began);
void hw_check_hit(struct hw_machine *m, struct hw_cpu *c,
		  const struct hw_tlbe *e, u64 va, bool write);
/* The data half of an access ran after its translation, separately (a
 * vCPU stopped in between): the frame must not have been freed since. */
void hw_check_in_flight(struct hw_machine *m, struct hw_cpu *c, u64 va,
			bool write, u32 pfn, u32 gen);
/* A kernel access through the direct map at host address a (in RAM). */
void hw_check_direct_map(struct hw_machine *m, uintptr_t a, bool write);
/* A table is being freed: may some CPU still walk it through its PWC? */
void hw_check_table_free(struct hw_machine *m, u64 pfn);
/* The access keeps faulting. */
void hw_report_livelock(struct hw_machine *m, struct hw_cpu *c, u64 va, bool write);

#endif
