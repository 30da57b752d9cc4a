// SPDX-License-Identifier: GPL-2.0
/*
 * tlb.c - the checker's TLBs, paging-structure caches, page walker and
 * stale-translation detector.
 *
 * Each CPU has a tiny fully associative TLB (8 entries, round-robin
 * replacement) tagged by PCID, with global entries, and a 4-entry
 * paging-structure cache (PWC) remembering the last-level table page that
 * maps each 2 MiB region, as x86 walkers do.  INVLPG drops the page's
 * entries and every PWC entry of the current PCID (Intel SDM Vol. 3A
 * §4.10.4.1); a CR3 write without the no-flush bit drops the new PCID's
 * non-global entries and PWC entries.
 *
 * The detector is the simulator's rule on the checker's clock (the number
 * of events executed so far): a TLB hit that disagrees with the page tables
 * is a violation if the frame was freed since the fill, or if a completed
 * shootdown covering the address began after the fill.  A walk through a
 * cached or linked page-table page that has been freed is a page-table use
 * after free; so is a speculative walk through a PWC entry, which is an
 * event of its own, enabled exactly when it would find a freed table.
 */
#include <stdio.h>

#include "check/ck.h"
#include "lib/stale.h"

void ck_tlb_reset(struct ck_cpu *c)
{
	memset(c->arch.tlb, 0, sizeof(c->arch.tlb));
	memset(c->arch.pwc, 0, sizeof(c->arch.pwc));
	c->arch.tlb_hand = 0;
}

static struct ck_tlbe *tlb_lookup(struct ck_cpu *c, u64 va)
{
	u64 vpn = va >> PAGE_SHIFT;
	int i;

	for (i = 0; i < CK_TLB_ENTRIES; i++) {
		struct ck_tlbe *e = &c->arch.tlb[i];
		if ((e->flags & TLBE_VALID) && e->vpn == vpn &&
		    (e->pcid == c->arch.pcid || (e->flags & TLBE_G)))
			return e;
	}
	return NULL;
}

static void tlb_fill(struct ck_cpu *c, u64 va, pte_t pte)
{
	struct ck_tlbe *e = tlb_lookup(c, va);
	int i;

	for (i = 0; i < CK_TLB_ENTRIES && !e; i++)
		if (!(c->arch.tlb[i].flags & TLBE_VALID))
			e = &c->arch.tlb[i];
	if (!e) {
		e = &c->arch.tlb[c->arch.tlb_hand];
		c->arch.tlb_hand = (c->arch.tlb_hand + 1) % CK_TLB_ENTRIES;
	}
	e->vpn = va >> PAGE_SHIFT;
	e->pfn = pte_pfn(pte);
	e->gen = e->pfn < CK_NR_FRAMES ? ck.gen[e->pfn] : 0;
	e->pcid = c->arch.pcid;
	e->flags = TLBE_VALID | (pte_write(pte) ? TLBE_W : 0) |
		   (pte & _PAGE_GLOBAL ? TLBE_G : 0);
	e->fill = ck.now;
	ck_fp_cur.cls_r |= CL_TIME;
}

static void pwc_drop_pcid(struct ck_cpu *c, u16 pcid)
{
	int i;

	for (i = 0; i < CK_PWC_ENTRIES; i++)
		if (c->arch.pwc[i].pcid == pcid)
			c->arch.pwc[i].valid = false;
}

void ck_invlpg(struct ck_cpu *c, u64 va)
{
	u64 vpn = va >> PAGE_SHIFT;
	int i;

	pwc_drop_pcid(c, c->arch.pcid);
	for (i = 0; i < CK_TLB_ENTRIES; i++) {
		struct ck_tlbe *e = &c->arch.tlb[i];
		if ((e->flags & TLBE_VALID) && e->vpn == vpn &&
		    (e->pcid == c->arch.pcid || (e->flags & TLBE_G))) {
			if (unlikely(ck.verbose))
				ck_log(c->id, "  drops TLB entry 0x%llx -> frame %u",
				       (unsigned long long)va & PAGE_MASK, e->pfn);
			e->flags = 0;
		}
	}
}

void ck_flush_pcid(struct ck_cpu *c, u16 pcid)
{
	int i;

	pwc_drop_pcid(c, pcid);
	for (i = 0; i < CK_TLB_ENTRIES; i++)
		if (c->arch.tlb[i].pcid == pcid && !(c->arch.tlb[i].flags & TLBE_G))
			c->arch.tlb[i].flags = 0;
}

void ck_flush_everything(struct ck_cpu *c)
{
	ck_tlb_reset(c);
}

/* ---- walking ------------------------------------------------------------------ */

/* A paging-structure entry as this CPU sees it (its own buffered stores
 * included, so a CPU always sees its own page-table updates). */
static pte_t table_read(struct ck_cpu *c, u64 table, u64 va, int level)
{
	uintptr_t a = (uintptr_t)ck.ram + (table << PAGE_SHIFT) +
		      pt_index(va, level) * sizeof(pte_t);

	fp_mem(a, 8, false);
	return ck_view(c, a, 8, NULL);
}

static bool frame_ok(u64 pfn)
{
	return pfn && pfn < CK_NR_FRAMES;
}

/* The translation the tables hold now, without caches; 0 if none.  Walking
 * through a freed table page is reported when report is set. */
static pte_t walk_tables(struct ck_cpu *c, u64 va, u64 *pt_out, bool report)
{
	u64 t = c->arch.cr3;
	int level;

	*pt_out = 0;
	ck_fp_cur.cls_r |= CL_FRAMES;
	for (level = PT_LEVELS; level >= 1; level--) {
		pte_t e;

		if (!frame_ok(t))
			return 0;
		if (!ck.used[t] && report) {
			ck_violation("cpu %d: hardware page walk for va 0x%llx read "
				     "page-table page %llu (level %d) after it was "
				     "freed: page-table use after free", c->id,
				     (unsigned long long)va, (unsigned long long)t,
				     level);
			return 0;
		}
		if (level == 1)
			*pt_out = t;
		e = table_read(c, t, va, level);
		if (!pte_present(e))
			return 0;
		if (level == 1)
			return e;
		t = pte_pfn(e);
	}
	return 0;
}

static struct ck_pwce *pwc_lookup(struct ck_cpu *c, u64 va)
{
	int i;

	for (i = 0; i < CK_PWC_ENTRIES; i++) {
		struct ck_pwce *p = &c->arch.pwc[i];
		if (p->valid && p->pcid == c->arch.pcid && p->region == va >> 21)
			return p;
	}
	return NULL;
}

static void pwc_fill(struct ck_cpu *c, u64 va, u64 table)
{
	struct ck_pwce *p = &c->arch.pwc[(va >> 21) % CK_PWC_ENTRIES];

	p->region = va >> 21;
	p->table = table;
	p->gen = ck.gen[table];
	p->pcid = c->arch.pcid;
	p->valid = true;
}

static void pwc_freed(struct ck_cpu *c, const struct ck_pwce *p, bool spec)
{
	ck_violation("cpu %d: %s page walk for va 0x%llx went through its "
		     "paging-structure cache to page-table page %u, which was "
		     "freed after the walk that cached it: page-table use after free",
		     c->id, spec ? "speculative" : "hardware",
		     (unsigned long long)(p->region << 21), p->table);
}

/* The hardware walker on a TLB miss: the PWC first, then the tables. */
static pte_t walk(struct ck_cpu *c, u64 va)
{
	struct ck_pwce *p = pwc_lookup(c, va);
	u64 pt;
	pte_t e;

	ck_fp_cur.cls_r |= CL_FRAMES;
	if (p) {
		if (ck.gen[p->table] != p->gen) {
			pwc_freed(c, p, false);
			return 0;
		}
		return table_read(c, p->table, va, 1);
	}
	e = walk_tables(c, va, &pt, true);
	if (pt && !ck.violated)
		pwc_fill(c, va, pt);
	return e;
}

bool ck_spec_enabled(const struct ck_cpu *c)
{
	int i;

	if (likely(!ck.frees) || !c->arch.cr3)
		return false;
	for (i = 0; i < CK_PWC_ENTRIES; i++) {
		const struct ck_pwce *p = &c->arch.pwc[i];
		if (p->valid && p->pcid == c->arch.pcid && ck.gen[p->table] != p->gen)
			return true;
	}
	return false;
}

/* Hardware may walk any cached translation path of the loaded address space
 * at any time, also while the CPU runs kernel code. */
void ck_spec_walk(struct ck_cpu *c)
{
	int i;

	ck_fp_cur.cpus |= 1u << c->id;
	ck_fp_cur.cls_r |= CL_FRAMES;
	for (i = 0; i < CK_PWC_ENTRIES; i++) {
		const struct ck_pwce *p = &c->arch.pwc[i];
		if (p->valid && p->pcid == c->arch.pcid && ck.gen[p->table] != p->gen) {
			pwc_freed(c, p, true);
			return;
		}
	}
}

/* ---- the detector ---------------------------------------------------------------- */

void ck_flush_record(u64 root, u64 start, u64 end, u64 began)
{
	struct ck_flush *f;

	ck_fp_cur.cls_w |= CL_LOG;
	if (ck.nr_flushes == CK_MAX_FLUSHES) {	/* forget the oldest */
		memmove(ck.flushes, ck.flushes + 1, sizeof(ck.flushes[0]) *
			(CK_MAX_FLUSHES - 1));
		ck.nr_flushes--;
	}
	f = &ck.flushes[ck.nr_flushes++];
	f->root = root;
	f->start = start;
	f->end = end;
	f->began = began;
	f->done = ck.now;
	f->cpu = ck.cur ? ck.cur->id : -1;
}

static const struct ck_flush *flush_covering(u64 root, u64 va, u64 after)
{
	int i;

	ck_fp_cur.cls_r |= CL_LOG;
	for (i = ck.nr_flushes - 1; i >= 0; i--) {
		const struct ck_flush *f = &ck.flushes[i];
		if (f->root == root && f->began > after && va >= f->start &&
		    va < f->end)
			return f;
	}
	return NULL;
}

static void check_hit(struct ck_cpu *c, const struct ck_tlbe *e, u64 va, bool write)
{
	u64 pt;
	pte_t now = walk_tables(c, va, &pt, false);
	bool freed = ck.gen[e->pfn] != e->gen;
	const struct ck_flush *f;
	char why[96];

	if (!tlb_entry_stale(now, e->pfn, freed, write, why, sizeof(why)))
		return;				/* still true */

	f = flush_covering(c->arch.cr3, va, e->fill);
	if (!f && !freed)
		return;				/* racing an in-flight flush */
	if (f)
		ck_violation("cpu %d: user %s of va 0x%llx hit a stale TLB entry "
			     "-> frame %u (filled at step %llu; %s); the shootdown of "
			     "[0x%llx, 0x%llx) by cpu %d, begun at step %llu and "
			     "completed at step %llu, should have removed it",
			     c->id, write ? "write" : "read", (unsigned long long)va,
			     e->pfn, (unsigned long long)e->fill, why,
			     (unsigned long long)f->start, (unsigned long long)f->end,
			     f->cpu, (unsigned long long)f->began,
			     (unsigned long long)f->done);
	else
		ck_violation("cpu %d: user %s of va 0x%llx hit a stale TLB entry "
			     "-> frame %u (filled at step %llu; %s) and no completed "
			     "shootdown covered it before the free", c->id,
			     write ? "write" : "read", (unsigned long long)va, e->pfn,
			     (unsigned long long)e->fill, why);
}

/* ---- user accesses ------------------------------------------------------------- */

static void log_user(struct ck_cpu *c, u64 va, bool write, u64 v, const char *how,
		     u32 pfn)
{
	char b[32];

	ck_log(c->id, "user %s 0x%llx %s %s (%s -> frame %u)",
	       write ? "write" : "read", (unsigned long long)va,
	       write ? "<-" : "=", ck_val(v, b, sizeof(b)), how, pfn);
}

/*
 * The translation half of a user access to the 8-byte word at va, after its
 * STEP was scheduled: TLB hit (checked against the truth) or walk and fill.
 * Returns 0 with the frame, or 1 when the page fault handler must run.
 */
int ck_user_translate(struct ck_cpu *c, u64 va, bool write, u32 *pfn)
{
	struct ck_tlbe *e = tlb_lookup(c, va);
	pte_t pte;

	if (e && (!write || (e->flags & TLBE_W))) {
		check_hit(c, e, va, write);
		*pfn = e->pfn;
		c->latched_hit = true;
		return 0;
	}
	pte = walk(c, va);
	if (!pte_present(pte) || !(pte & _PAGE_USER) ||
	    (write && !pte_write(pte)) || pte_pfn(pte) >= CK_NR_FRAMES) {
		if (unlikely(ck.verbose))
			ck_log(c->id, "user %s 0x%llx: page fault",
			       write ? "write" : "read", (unsigned long long)va);
		return 1;
	}
	tlb_fill(c, va, pte);
	*pfn = pte_pfn(pte);
	c->latched_hit = false;
	return 0;
}

/*
 * The access half, through the translation taken (pfn, its generation
 * then).  latched: a step of its own, after the translation (under a host,
 * which may deschedule the vCPU in between); the frame must still be the
 * one translated to.
 */
void ck_user_complete(struct ck_cpu *c, u64 va, u64 *val, bool write, u32 pfn,
		      u32 gen, bool latched)
{
	const char *how = c->latched_hit ? "TLB hit" : "TLB miss, walked";
	uintptr_t word;

	ck_fp_cur.cls_r |= CL_FRAMES;
	if (latched && ck.gen[pfn] != gen)
		ck_violation("cpu %d: user %s of va 0x%llx completed through the "
			     "translation it took before, to frame %u, which was "
			     "freed in between", c->id, write ? "write" : "read",
			     (unsigned long long)va, pfn);
	word = (uintptr_t)ck.ram + ((uintptr_t)pfn << PAGE_SHIFT) + (va & (PAGE_SIZE - 8));
	if (write) {
		ck_store(c, word, *val, 8);
	} else {
		fp_mem(word, 8, false);
		*val = ck_view(c, word, 8, NULL);
	}
	if (unlikely(ck.verbose))
		log_user(c, va, write, *val, latched ? "translated before" : how, pfn);
}
