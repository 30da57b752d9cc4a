// SPDX-License-Identifier: GPL-2.0
/*
 * tlb.c - the TLB and the paging-structure cache (Intel SDM Vol. 3A 4.10).
 *
 * One set-associative TLB level tagged by (page, PCID), with global entries
 * that match in every PCID and survive CR3 writes, and round-robin
 * replacement per set.  The simulator's is the second-level TLB of its
 * profile (2048 x 16); the checker's is 8 entries in one set, so that
 * evictions are rare but possible.
 *
 * The paging-structure cache (PWC) remembers, per (PCID, 2 MiB region),
 * which page-table page the last walk went through: direct-mapped, one
 * entry per region slot.  It is what makes freeing a page-table page before
 * every CPU dropped it observable: the walker reads the freed page.
 *
 * INVLPG removes the page's entries in the current PCID, a global entry for
 * it, and every PWC entry of the current PCID (SDM 4.10.4.1: "it also
 * invalidates all entries in all paging-structure caches associated with
 * the current PCID").  A CR3 write without the no-flush bit removes the new
 * PCID's non-global entries and PWC entries (SDM 4.10.4.1, MOV to CR3 with
 * CR4.PCIDE = 1).  Global entries go only with a flush of everything.
 */
#include "bug.h"
#include "hw/hw.h"

static inline u32 tlb_sets(const struct hw_machine *m) { return m->cfg.tlb_sets; }

static inline u64 tlb_tag(u64 va, u16 pcid)
{
	return (va & PAGE_MASK) | pcid | HW_TAG_VALID;
}

/* Linux's PCIDs 0..6 land in slots 0..6, their PTI user twins (| 2048) in
 * 32..38: no two in one slot. */
static inline unsigned pcid_slot(u16 pcid)
{
	return (pcid ^ (pcid >> 6)) & (HW_PCID_SLOTS - 1);
}

bool hw_tlbe_live(const struct hw_cpu *c, const struct hw_tlbe *e)
{
	const struct hw_tlb *t = &c->tlb;

	if (!e->tag)
		return false;
	if (e->flags & HW_TLBE_G)
		return e->epoch == t->gepoch;
	return e->epoch == t->epoch[pcid_slot(hw_tlbe_pcid(e))];
}

void hw_tlb_reset(struct hw_machine *m, struct hw_cpu *c)
{
	struct hw_tlb *t = &c->tlb;
	u32 n = m->cfg.tlb_sets * m->cfg.tlb_ways;

	if (t->e) {
		memset(t->e, 0, n * sizeof(*t->e));
		memset(t->hand, 0, m->cfg.tlb_sets);
	}
	t->gepoch = 0;
	memset(t->epoch, 0, sizeof(t->epoch));
	memset(t->owner, 0, sizeof(t->owner));
	memset(t->pwc, 0, sizeof(t->pwc));
}

static struct hw_tlbe *tlb_set(const struct hw_machine *m, const struct hw_cpu *c,
			       u64 va, u32 *set)
{
	*set = (va >> PAGE_SHIFT) % tlb_sets(m);
	return &c->tlb.e[*set * m->cfg.tlb_ways];
}

struct hw_tlbe *hw_tlb_lookup(const struct hw_machine *m, const struct hw_cpu *c,
			      u64 va)
{
	u32 set, i, ways = m->cfg.tlb_ways;
	u64 tag = tlb_tag(va, c->pcid), page = va & PAGE_MASK;
	struct hw_tlbe *e;

	if (!c->tlb.e)
		return NULL;
	e = tlb_set(m, c, va, &set);
	for (i = 0; i < ways; i++) {
		if (!hw_tlbe_live(c, &e[i]))
			continue;
		if (e[i].tag == tag ||
		    ((e[i].flags & HW_TLBE_G) && hw_tlbe_va(&e[i]) == page))
			return &e[i];
	}
	return NULL;
}

/* Dropping one entry for real (not by epoch). */
static inline void kill(struct hw_tlbe *e)
{
	e->tag = 0;
}

/*
 * Epochs are 16 bits: before one wraps, entries that old are dropped for
 * real, or they would come back to life (once per 65536 flushes of a slot).
 */
static void scrub(struct hw_machine *m, struct hw_cpu *c, bool global, unsigned slot)
{
	u32 i, n = m->cfg.tlb_sets * m->cfg.tlb_ways;
	struct hw_tlbe *e = c->tlb.e;

	if (!e)
		return;
	for (i = 0; i < n; i++) {
		if (!e[i].tag || !!(e[i].flags & HW_TLBE_G) != global)
			continue;
		if (global || pcid_slot(hw_tlbe_pcid(&e[i])) == slot)
			kill(&e[i]);
	}
}

static void bump_slot(struct hw_machine *m, struct hw_cpu *c, unsigned slot)
{
	struct hw_tlb *t = &c->tlb;

	if (++t->epoch[slot] == 0)
		scrub(m, c, false, slot);
	t->owner[slot] = HW_SLOT_EMPTY;
}

void hw_tlb_fill(struct hw_machine *m, struct hw_cpu *c, u64 va, pte_t pte)
{
	struct hw_tlb *t = &c->tlb;
	u32 set, i, ways = m->cfg.tlb_ways;
	u64 tag = tlb_tag(va, c->pcid), pfn = pte_pfn(pte);
	unsigned slot = pcid_slot(c->pcid);
	struct hw_tlbe *e, *v = NULL;
	hw_time now;

	if (!t->e) {
		t->e = xcalloc((size_t)m->cfg.tlb_sets * ways, sizeof(*t->e));
		t->hand = xcalloc(m->cfg.tlb_sets, 1);
	}
	e = tlb_set(m, c, va, &set);
	for (i = 0; i < ways && !v; i++)	/* its own entry (upgraded) */
		if (hw_tlbe_live(c, &e[i]) && e[i].tag == tag)
			v = &e[i];
	for (i = 0; i < ways && !v; i++)	/* else a free one */
		if (!hw_tlbe_live(c, &e[i]))
			v = &e[i];
	if (!v) {
		v = &e[t->hand[set]];
		t->hand[set] = (t->hand[set] + 1) % ways;
	}
	now = m->port->now(m);
	hw_depends(m, HW_DEP_TIME);
	v->tag = tag;
	v->pfn = pfn;
	v->gen = pfn < m->mem.nr_frames ? m->mem.gen[pfn] : 0;
	v->flags = (pte_write(pte) ? HW_TLBE_W : 0) |
		   (pte & _PAGE_GLOBAL ? HW_TLBE_G : 0);
	v->fill = (now + m->cfg.fill_unit - 1) / m->cfg.fill_unit;
	if (v->flags & HW_TLBE_G) {
		v->epoch = t->gepoch;
		return;
	}
	v->epoch = t->epoch[slot];
	if (t->owner[slot] == HW_SLOT_EMPTY)
		t->owner[slot] = c->pcid + 1;
	else if (t->owner[slot] != c->pcid + 1)
		t->owner[slot] = HW_SLOT_MIXED;
}

static void pwc_drop_pcid(struct hw_cpu *c, const struct hw_machine *m, u16 pcid)
{
	u32 i;

	for (i = 0; i < m->cfg.pwc_entries; i++)
		if (c->tlb.pwc[i].tag && (c->tlb.pwc[i].tag & 0xfff) == pcid)
			c->tlb.pwc[i].tag = 0;
}

/* The page's entries of the current PCID, and a global one. */
static void tlb_drop_page(struct hw_machine *m, struct hw_cpu *c, u64 va)
{
	struct hw_tlbe *e;
	u32 set, i;

	if (!c->tlb.e)
		return;
	e = tlb_set(m, c, va, &set);
	for (i = 0; i < m->cfg.tlb_ways; i++)
		if (e[i].tag && hw_tlbe_va(&e[i]) == (va & PAGE_MASK) &&
		    (hw_tlbe_pcid(&e[i]) == c->pcid || (e[i].flags & HW_TLBE_G)))
			kill(&e[i]);
}

void hw_invlpg(struct hw_machine *m, struct hw_cpu *c, u64 va)
{
	pwc_drop_pcid(c, m, c->pcid);
	tlb_drop_page(m, c, va);
}

/*
 * A page fault drops what the faulting access used: the TLB entry for the
 * page (current PCID, or global) and the paging-structure-cache entries
 * for the address, so the retried instruction walks the tables in memory
 * (SDM Vol. 3A 4.10.4.1, 4.10.3.1 in older editions: "page faults
 * invalidate entries in the TLBs and paging-structure caches").  Without
 * it a reader faults through a cached path to a cleared entry forever.
 */
void hw_page_fault(struct hw_machine *m, struct hw_cpu *c, u64 va)
{
	struct hw_pwce *p = &c->tlb.pwc[(va >> 21) % m->cfg.pwc_entries];

	if (p->tag == hw_pwc_tag(va, c->pcid))
		p->tag = 0;
	tlb_drop_page(m, c, va);
}

/*
 * A hypervisor's flush of guest linear addresses (INVVPID individual-
 * address, or INVLPG in the guest's context): the pages' entries in every
 * PCID and global ones; and, as INVLPG may and a hypervisor must for the
 * guest's page-table changes to take, every paging-structure-cache entry.
 */
void hw_flush_gva(struct hw_machine *m, struct hw_cpu *c, u64 va, u64 pages)
{
	u32 set, i, n = m->cfg.tlb_sets * m->cfg.tlb_ways;
	u64 p, first = va & PAGE_MASK;
	struct hw_tlbe *e;

	memset(c->tlb.pwc, 0, sizeof(c->tlb.pwc));
	if (!c->tlb.e)
		return;
	if (pages >= m->cfg.tlb_sets) {		/* cheaper to visit every entry */
		for (i = 0; i < n; i++)
			if (c->tlb.e[i].tag &&
			    (hw_tlbe_va(&c->tlb.e[i]) - first) >> PAGE_SHIFT < pages)
				kill(&c->tlb.e[i]);
		return;
	}
	for (p = 0; p < pages; p++) {
		u64 a = first + (p << PAGE_SHIFT);

		e = tlb_set(m, c, a, &set);
		for (i = 0; i < m->cfg.tlb_ways; i++)
			if (e[i].tag && hw_tlbe_va(&e[i]) == a)
				kill(&e[i]);
	}
}

void hw_flush_pcid(struct hw_machine *m, struct hw_cpu *c, u16 pcid)
{
	struct hw_tlb *t = &c->tlb;
	unsigned slot = pcid_slot(pcid);
	u32 i, n = m->cfg.tlb_sets * m->cfg.tlb_ways;

	pwc_drop_pcid(c, m, pcid);
	if (t->owner[slot] == pcid + 1) {
		bump_slot(m, c, slot);
	} else if (t->owner[slot] == HW_SLOT_MIXED && t->e) {
		/* shared with another PCID: only this one's entries go */
		for (i = 0; i < n; i++)
			if (t->e[i].tag && !(t->e[i].flags & HW_TLBE_G) &&
			    hw_tlbe_pcid(&t->e[i]) == pcid)
				kill(&t->e[i]);
	}
}

void hw_load_cr3(struct hw_machine *m, struct hw_cpu *c, u64 root, u16 pcid,
		 bool noflush)
{
	c->cr3_writes++;
	c->cr3 = root;
	c->pcid = pcid % NR_PCIDS;
	if (!noflush)
		hw_flush_pcid(m, c, c->pcid);
}

void hw_flush_everything(struct hw_machine *m, struct hw_cpu *c)
{
	struct hw_tlb *t = &c->tlb;
	unsigned i;

	if (++t->gepoch == 0)
		scrub(m, c, true, 0);
	for (i = 0; i < HW_PCID_SLOTS; i++)
		bump_slot(m, c, i);
	memset(t->pwc, 0, sizeof(t->pwc));
}

struct hw_pwce *hw_pwc_stale(const struct hw_machine *m, struct hw_cpu *c)
{
	u32 i;

	if (!m->mem.frees || !c->cr3)
		return NULL;
	for (i = 0; i < m->cfg.pwc_entries; i++) {
		struct hw_pwce *p = &c->tlb.pwc[i];

		if (p->tag && (p->tag & 0xfff) == c->pcid &&
		    m->mem.gen[p->table] != p->gen)
			return p;
	}
	return NULL;
}
