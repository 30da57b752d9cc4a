// SPDX-License-Identifier: GPL-2.0
/*
 * tlb.c - per-CPU TLBs, the hardware page walker, and the stale-translation
 * detector.
 *
 * The TLB is one set-associative level tagged by (vpn, pcid), with global
 * entries that survive a CR3 write.  Flushing a whole PCID bumps that PCID's
 * epoch instead of visiting entries; entries with an old epoch are dead.
 * A small paging-structure cache (PWC) remembers which page-table page maps
 * each 2 MiB region, as real walkers do; INVLPG and CR3 writes drop it.
 *
 * The detector: every TLB hit compares the entry with the truth (the PTE now
 * in memory, the frame's generation).  A mismatch is a stale translation;
 * it is a violation if the frame has been freed since the fill, or if a
 * shootdown covering the address that began after the fill has completed.
 * A stale hit during an in-flight shootdown is the normal race and is not.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/sim.h"
#include "lib/stale.h"
#include "sim/trace.h"

#define PS_FMT(ps) (unsigned long long)((ps) / 1000), (unsigned)((ps) % 1000)

/* Fill times are kept in ns, rounded up: an entry never looks older than
 * it is, so the detector cannot take a fill after a flush for one before. */
static inline ps_t fill_ps(const struct tlb_entry *e)
{
	return (ps_t)e->fill_ns * 1000;
}

static inline u32 tlb_sets(const struct sim *s)
{
	return s->prof.tlb_entries / s->prof.tlb_ways;
}

static inline u64 tlb_tag(u64 va, u16 pcid)
{
	return (va & PAGE_MASK) | pcid | 1ULL << 63;	/* bit 63: valid */
}

static inline bool entry_live(const struct sim_cpu *c, const struct tlb_entry *e)
{
	if (!e->tag)
		return false;
	if (e->flags & TLBE_G)
		return e->epoch == c->tlb_gepoch;
	return e->epoch == c->pcid_epoch[(e->tag & 0xfff) % PCID_EPOCHS];
}

static struct tlb_entry *tlb_set(struct sim_cpu *c, u64 va, u32 *set)
{
	struct sim *s = c->sim;
	u32 ways = s->prof.tlb_ways;

	if (!c->tlb) {
		c->tlb = calloc(s->prof.tlb_entries, sizeof(*c->tlb));
		c->tlb_hand = calloc(tlb_sets(s), 1);
	}
	*set = (va >> PAGE_SHIFT) % tlb_sets(s);
	return &c->tlb[*set * ways];
}

/* A hit: a live entry for va in the current PCID, or a live global one. */
struct tlb_entry *tlb_lookup(struct sim_cpu *c, u64 va)
{
	u32 set, i, ways = c->sim->prof.tlb_ways;
	struct tlb_entry *e;
	u64 tag = tlb_tag(va, c->pcid), vpn = va & PAGE_MASK;

	if (!c->tlb)
		return NULL;
	e = tlb_set(c, va, &set);
	for (i = 0; i < ways; i++) {
		if (!entry_live(c, &e[i]))
			continue;
		if (e[i].tag == tag ||
		    ((e[i].flags & TLBE_G) && (e[i].tag & PAGE_MASK & ~(1ULL << 63)) == vpn))
			return &e[i];
	}
	return NULL;
}

static void tlb_fill(struct sim_cpu *c, u64 va, pte_t pte, ps_t when)
{
	struct sim *s = c->sim;
	u32 set, i, ways = s->prof.tlb_ways;
	struct tlb_entry *e = tlb_set(c, va, &set), *v = NULL;
	u64 pfn = pte_pfn(pte);

	for (i = 0; i < ways && !v; i++)
		if (!entry_live(c, &e[i]) || e[i].tag == tlb_tag(va, c->pcid))
			v = &e[i];
	if (!v) {
		v = &e[c->tlb_hand[set]];
		c->tlb_hand[set] = (c->tlb_hand[set] + 1) % ways;
	}
	v->tag = tlb_tag(va, c->pcid);
	v->pfn = pfn;
	v->gen = s->phys.gen[pfn];
	v->flags = (pte_write(pte) ? TLBE_W : 0) | (pte & _PAGE_GLOBAL ? TLBE_G : 0);
	v->epoch = v->flags & TLBE_G ? c->tlb_gepoch : c->pcid_epoch[c->pcid % PCID_EPOCHS];
	v->fill_ns = (when + 999) / 1000;
}

void tlb_flush_va(struct sim_cpu *c, u64 va)
{
	struct tlb_entry *e;
	u32 set, i, ways = c->sim->prof.tlb_ways;

	/* INVLPG drops every PWC entry of the current PCID (Intel SDM 4.10.4.1) */
	for (i = 0; i < PWC_SIZE; i++)
		if ((c->pwc[i].tag & 0xfff) == c->pcid)
			c->pwc[i].tag = 0;
	if (!c->tlb)
		return;
	e = tlb_set(c, va, &set);
	for (i = 0; i < ways; i++) {
		if (!e[i].tag)
			continue;
		if ((e[i].tag & PAGE_MASK & ~(1ULL << 63)) != (va & PAGE_MASK))
			continue;
		if ((e[i].tag & 0xfff) == c->pcid || (e[i].flags & TLBE_G))
			e[i].tag = 0;
	}
}

/*
 * Epochs are 16 bits: when one wraps, entries that old must not come back
 * to life, so the entries it governs are dropped for real (rare: once per
 * 65536 flushes of a PCID).
 */
static void scrub_epoch(struct sim_cpu *c, bool global, u16 slot)
{
	u32 i, n = c->sim->prof.tlb_entries;

	if (!c->tlb)
		return;
	for (i = 0; i < n; i++) {
		struct tlb_entry *e = &c->tlb[i];

		if (!e->tag || !!(e->flags & TLBE_G) != global)
			continue;
		if (global || (e->tag & 0xfff) % PCID_EPOCHS == slot)
			e->tag = 0;
	}
}

static void bump_pcid_epoch(struct sim_cpu *c, u16 slot)
{
	if (++c->pcid_epoch[slot] == 0)
		scrub_epoch(c, false, slot);
}

void tlb_flush_pcid(struct sim_cpu *c, u16 pcid)
{
	int i;

	bump_pcid_epoch(c, pcid % PCID_EPOCHS);
	for (i = 0; i < PWC_SIZE; i++)
		if ((c->pwc[i].tag & 0xfff) == pcid)
			c->pwc[i].tag = 0;
}

void tlb_flush_everything(struct sim_cpu *c)
{
	int i;

	if (++c->tlb_gepoch == 0)
		scrub_epoch(c, true, 0);
	for (i = 0; i < PCID_EPOCHS; i++)
		bump_pcid_epoch(c, i);
	for (i = 0; i < PWC_SIZE; i++)
		c->pwc[i].tag = 0;
}

/* ---- walking ------------------------------------------------------------ */

static inline pte_t *table(struct sim *s, u64 pfn)
{
	return (pte_t *)(s->phys.ram + (pfn << PAGE_SHIFT));
}

/* The translation memory holds now (no caches, no cost), 0 if none.
 * *pt_pfn gets the last-level table's pfn (0 if the walk stopped early). */
pte_t walk_truth(struct sim *s, u64 root, u64 va, u64 *pt_pfn)
{
	u64 pfn = root;
	int level;

	if (pt_pfn)
		*pt_pfn = 0;
	for (level = PT_LEVELS; level >= 1; level--) {
		pte_t e;
		if (!pfn || pfn >= s->phys.nr_frames)
			return 0;
		if (level == 1 && pt_pfn)
			*pt_pfn = pfn;
		e = table(s, pfn)[pt_index(va, level)];
		if (!pte_present(e))
			return 0;
		if (level == 1)
			return e;
		pfn = pte_pfn(e);
	}
	return 0;
}

static inline u64 pwc_tag(u64 va, u16 pcid)
{
	return ((va >> 21) << 12) | pcid | 1ULL << 63;
}

/* A walk through a PWC entry whose page-table page has been freed since. */
static bool pwc_check(struct sim_cpu *c, struct pwc_entry *p, u64 va, bool spec)
{
	struct sim *s = c->sim;

	if (s->phys.gen[p->table] == p->gen)
		return true;
	sim_violation(c, "%s page walk for va 0x%llx read page-table page %u "
		      "after it was freed (cached in the paging-structure cache): "
		      "page-table use after free",
		      spec ? "speculative" : "hardware", (unsigned long long)va,
		      p->table);
	p->tag = 0;
	return false;
}

/* The hardware walker on a TLB miss: PWC first, then the full walk. */
static pte_t walk(struct sim_cpu *c, u64 va)
{
	struct sim *s = c->sim;
	struct pwc_entry *p = &c->pwc[(va >> 21) % PWC_SIZE];
	u64 pt;
	pte_t e;

	if (p->tag == pwc_tag(va, c->pcid)) {
		if (pwc_check(c, p, va, false))
			return table(s, p->table)[pt_index(va, 1)];
	}
	e = walk_truth(s, c->cr3, va, &pt);
	if (pt) {
		p->tag = pwc_tag(va, c->pcid);
		p->table = pt;
		p->gen = s->phys.gen[pt];
		s->phys.walked[pt] = 1;
	}
	return e;
}

/*
 * Hardware speculation: a CPU with a user address space loaded may walk it
 * at any time, also while in the kernel.  Model it as a walk through a random
 * PWC entry every spec_walk_interval; this is what makes freeing page-table
 * pages before every CPU has dropped its paging-structure caches observable.
 */
void sim_spec_walk(struct sim_cpu *c)
{
	struct sim *s = c->sim;
	struct pwc_entry *p = &c->pwc[sim_random(c) % PWC_SIZE];

	c->next_spec = c->clock + s->cost.spec_interval;
	if (p->tag && (p->tag & 0xfff) == c->pcid)
		pwc_check(c, p, (p->tag & ~(1ULL << 63)) >> 12 << 21, true);
}

/* ---- the detector -------------------------------------------------------- */

static void check_stale_after_flush(struct sim *s, struct sim_cpu *o,
				    const struct flush_rec *r);

void tlb_flush_record(struct sim *s, u64 root, u64 start, u64 end, ps_t began)
{
	struct flush_rec *r = &s->flushlog[s->flushlog_n++ % FLUSHLOG_SIZE];

	r->root = root;
	r->start = start;
	r->end = end;
	r->began = began;
	r->done = s->cur ? s->cur->clock : began;
	r->cpu = s->cur ? s->cur->id : -1;

	/* Every CPU that could use a translation right now (user mode, this
	 * address space loaded) must have lost the stale ones. */
	for (int i = 0; i < s->nr_cpus; i++) {
		struct sim_cpu *o = &s->cpus[i];
		if (o != s->cur && o->in_user && o->cr3 == root &&
		    !host_flushes_before_running(o))
			check_stale_after_flush(s, o, r);
	}
}

/*
 * A page-table page is being freed.  A CPU whose paging-structure cache, for
 * the PCID it runs, still points at it can walk through it at any moment
 * (speculatively): the freeing shootdown should have dropped that entry.
 */
void pwc_check_table_free(struct sim *s, u64 pfn)
{
	int i, j;

	for (i = 0; i < s->nr_cpus; i++) {
		struct sim_cpu *o = &s->cpus[i];

		if (host_flushes_before_running(o))
			continue;
		for (j = 0; j < PWC_SIZE; j++) {
			struct pwc_entry *p = &o->pwc[j];

			if (!p->tag || p->table != pfn || (p->tag & 0xfff) != o->pcid ||
			    p->gen != s->phys.gen[pfn])
				continue;
			sim_violation(s->cur, "page-table page %llu freed while cpu %d "
				      "(pcid %u loaded) still caches it in its "
				      "paging-structure cache: a speculative walk can "
				      "read it after reuse",
				      (unsigned long long)pfn, o->id, o->pcid);
			p->tag = 0;
		}
	}
}

/* Stale entries of [start, end) on CPU o (which runs r->root) filled
 * before the flush began. */
static void check_stale_after_flush(struct sim *s, struct sim_cpu *o,
				    const struct flush_rec *r)
{
	u32 n = s->prof.tlb_entries, i;

	if (!o->tlb)
		return;
	for (i = 0; i < n; i++) {
		struct tlb_entry *e = &o->tlb[i];
		u64 va = e->tag & PAGE_MASK & ~(1ULL << 63);
		char why[96];
		pte_t now;

		if (!entry_live(o, e) || (e->tag & 0xfff) != o->pcid ||
		    fill_ps(e) >= r->began ||
		    va < r->start || va >= r->end)
			continue;
		now = walk_truth(s, r->root, va, NULL);
		if (!tlb_entry_stale(now, e->pfn, s->phys.gen[e->pfn] != e->gen,
				     e->flags & TLBE_W, why, sizeof(why)))
			continue;		/* not stale */
		sim_violation(s->cur, "shootdown of [0x%llx, 0x%llx) completed while "
			      "cpu %d, running user code, still holds stale va 0x%llx "
			      "-> frame %u (%s; filled %llu.%03u ns, before it began at "
			      "%llu.%03u ns)",
			      (unsigned long long)r->start, (unsigned long long)r->end,
			      o->id, (unsigned long long)va, e->pfn, why, PS_FMT(fill_ps(e)),
			      PS_FMT(r->began));
		e->tag = 0;			/* report each entry once */
	}
}

/* The newest completed flush of va in root that began after `after`. */
static const struct flush_rec *flush_covering(struct sim *s, u64 root, u64 va,
					      ps_t after)
{
	u64 i, n = s->flushlog_n, lim = n > FLUSHLOG_SIZE ? n - FLUSHLOG_SIZE : 0;

	for (i = n; i > lim; i--) {
		const struct flush_rec *r = &s->flushlog[(i - 1) % FLUSHLOG_SIZE];
		if (r->done < after)
			break;		/* the log is in completion order */
		if (r->root == root && r->began > after &&
		    va >= r->start && va < r->end)
			return r;
	}
	return NULL;
}

void sim_violation(struct sim_cpu *c, const char *fmt, ...)
{
	struct sim *s = c->sim;
	struct violation_log *v = &s->viol;
	va_list ap;

	v->count++;
	if (s->trace)
		trace_instant(s->trace, c->id, c->clock, "VIOLATION");
	if (v->printed >= 5)
		return;
	v->printed++;
	fprintf(v->out, "VIOLATION: cpu %d at %llu.%03u ns: ", c->id, PS_FMT(c->clock));
	va_start(ap, fmt);
	vfprintf(v->out, fmt, ap);
	va_end(ap);
	fputc('\n', v->out);
}

static void check_hit(struct sim_cpu *c, struct tlb_entry *e, u64 va, bool write)
{
	struct sim *s = c->sim;
	pte_t now = walk_truth(s, c->cr3, va, NULL);
	bool freed = s->phys.gen[e->pfn] != e->gen;
	const struct flush_rec *r;
	char why[96];

	if (!tlb_entry_stale(now, e->pfn, freed, write, why, sizeof(why)))
		return;				/* still true */

	r = flush_covering(s, c->cr3, va, fill_ps(e));
	if (!r && !freed)
		return;				/* racing an in-flight flush */
	if (r)
		sim_violation(c, "%s through stale translation va 0x%llx -> frame %u "
			      "(filled at %llu.%03u ns; %s); the shootdown of "
			      "[0x%llx, 0x%llx) by cpu %d, begun %llu.%03u ns and "
			      "completed %llu.%03u ns, should have removed it",
			      write ? "write" : "read", (unsigned long long)va, e->pfn,
			      PS_FMT(fill_ps(e)), why, (unsigned long long)r->start,
			      (unsigned long long)r->end, r->cpu, PS_FMT(r->began),
			      PS_FMT(r->done));
	else
		sim_violation(c, "%s through stale translation va 0x%llx -> frame %u "
			      "(filled at %llu.%03u ns; %s) and no completed shootdown "
			      "covered it before the free",
			      write ? "write" : "read", (unsigned long long)va, e->pfn,
			      PS_FMT(fill_ps(e)), why);
}

/* ---- user accesses -------------------------------------------------------- */

/*
 * A user load or store of the 8-byte word at va.  Returns 0, or UA_SEGV when
 * the fault handler gives up.  The data lives in simulated RAM, and its cache
 * line takes part in coherence like any other.
 */
int tlb_user_access(struct sim_cpu *c, u64 va, u64 *val, bool write)
{
	struct sim *s = c->sim;
	struct tlb_entry *e;
	u64 pfn, *word;
	u32 gen;
	int tries;

	for (tries = 0; ; tries++) {
		pte_t pte;

		sim_sync(c);
		e = tlb_lookup(c, va);
		if (e && (!write || (e->flags & TLBE_W))) {
			check_hit(c, e, va, write);
			pfn = e->pfn;
			break;
		}
		sim_charge(c, s->cost.walk);
		c->hw_walks++;
		pte = walk(c, va);
		if (pte_present(pte) && (pte & _PAGE_USER) && (!write || pte_write(pte))) {
			tlb_fill(c, va, pte, c->clock);
			pfn = pte_pfn(pte);
			break;
		}
		if (tries > 64 || !c->hooks.fault) {
			sim_violation(c, "user access to 0x%llx keeps faulting",
				      (unsigned long long)va);
			return UA_SEGV;
		}
		sim_charge(c, s->cost.fault);
		c->in_user = false;
		if (c->hooks.fault(va, write))
			return UA_SEGV;
		c->in_user = true;
	}
	/*
	 * The translation is latched; the data access completes later in the
	 * same instruction.  No interrupt can come in between (x86 takes them
	 * at instruction boundaries), but a host can deschedule a vCPU here.
	 */
	gen = s->phys.gen[pfn];
	c->mid_insn = true;
	sim_order(c);
	c->mid_insn = false;
	if (s->phys.gen[pfn] != gen)
		sim_violation(c, "%s of va 0x%llx completed through frame %llu, freed "
			      "while the instruction was in flight (its vCPU was "
			      "descheduled between translation and access)",
			      write ? "write" : "read", (unsigned long long)va,
			      (unsigned long long)pfn);
	word = (u64 *)(s->phys.ram + (pfn << PAGE_SHIFT) + (va & (PAGE_SIZE - 8)));
	if (write) {
		sim_charge(c, coh_store(c, (uintptr_t)word, false));
		*word = *val;
	} else {
		sim_charge(c, coh_load(c, (uintptr_t)word));
		*val = *word;
	}
	return 0;
}
