// SPDX-License-Identifier: GPL-2.0
/*
 * detect.c - the safety rules.  After a shootdown of range R in address
 * space M has completed, no CPU may use a translation for R that predates
 * it; a page or page-table page may be reused only after that.
 *
 * Stale translation: a TLB hit is compared with the truth (the PTE now in
 * memory, the frame's generation).  A mismatch is a violation if the frame
 * has been freed since the fill, or if a shootdown covering the address
 * that began after the fill has completed; otherwise it is the normal race
 * with a flush still in flight.  The kernel announces each completed
 * shootdown (env->flush_done) and the log keeps the latest cfg.flushlog.
 *
 * Page-table use after free: a walk, hardware or speculative, that reads a
 * table page after it was freed (mem.c), and, in an engine that samples
 * (cfg.eager), a table freed while some CPU's PWC for the PCID it runs
 * still points at it.
 *
 * In-flight access: the data half of an access that a host separated from
 * its translation must still find the frame it translated to.
 */
#include <stdarg.h>
#include <stdio.h>

#include "bug.h"
#include "hw/hw.h"
#include "hw/kvm.h"

void hw_report(struct hw_machine *m, int cpu, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	m->port->violation(m, cpu, msg);
}

int hw_flushlog_init(struct hw_flushlog *l, u32 cap)
{
	l->rec = xcalloc(cap, sizeof(*l->rec));
	l->cap = cap;
	l->n = 0;
	return 0;
}

/* A time as the engine prints it. */
#define T(m, t, buf) ((m)->port->fmt_time((t), (buf), sizeof(buf)), (buf))

/* false if the entry is still true; else true, with the reason in why. */
static bool entry_stale(pte_t now, u64 pfn, bool freed, bool write, char *why,
			size_t len)
{
	if (freed)
		snprintf(why, len, "frame %llu was freed since", (unsigned long long)pfn);
	else if (!pte_present(now))
		snprintf(why, len, "the PTE is now not present");
	else if (pte_pfn(now) != pfn)
		snprintf(why, len, "the PTE now maps frame %llu",
			 (unsigned long long)pte_pfn(now));
	else if (write && !pte_write(now))
		snprintf(why, len, "the PTE is now read-only");
	else
		return false;
	return true;
}

static bool tlbe_freed(const struct hw_machine *m, const struct hw_tlbe *e)
{
	return e->pfn < m->mem.nr_frames && m->mem.gen[e->pfn] != e->gen;
}

/* Stale entries of [start, end) on CPU o (which runs r->root) filled
 * before the flush began. */
static void check_after_flush(struct hw_machine *m, struct hw_cpu *o,
			      const struct hw_flush_rec *r)
{
	u32 n = m->cfg.tlb_sets * m->cfg.tlb_ways, i;
	char why[96], t1[40], t2[40];

	if (!o->tlb.e)
		return;
	for (i = 0; i < n; i++) {
		struct hw_tlbe *e = &o->tlb.e[i];
		u64 va = hw_tlbe_va(e), pt;
		pte_t now;

		if (!hw_tlbe_live(o, e) || hw_tlbe_pcid(e) != o->pcid ||
		    hw_tlbe_fill(m, e) >= r->began || va < r->start || va >= r->end)
			continue;
		now = hw_walk_tables(m, o->id, r->root, va, &pt, false);
		if (!entry_stale(now, e->pfn, tlbe_freed(m, e), e->flags & HW_TLBE_W,
				 why, sizeof(why)))
			continue;
		hw_report(m, m->running, "shootdown of [0x%llx, 0x%llx) completed while "
			  "cpu %d, running user code, still holds stale va 0x%llx -> "
			  "frame %u (%s; filled at %s, before it began at %s)",
			  (unsigned long long)r->start, (unsigned long long)r->end,
			  o->id, (unsigned long long)va, e->pfn, why,
			  T(m, hw_tlbe_fill(m, e), t1), T(m, r->began, t2));
		e->tag = 0;			/* report each entry once */
	}
}

void hw_flush_done(struct hw_machine *m, u64 root, u64 start, u64 end,
		   hw_time began)
{
	struct hw_flushlog *l = &m->log;
	struct hw_flush_rec *r = &l->rec[l->n++ % l->cap];
	int i;

	r->root = root;
	r->start = start;
	r->end = end;
	r->began = began;
	r->done = m->port->now(m);
	r->cpu = m->running;
	if (!m->cfg.eager)
		return;
	/* Every CPU that could use a translation right now (user mode, this
	 * address space loaded) must have lost the stale ones. */
	for (i = 0; i < m->cfg.nr_cpus; i++) {
		struct hw_cpu *o = m->cpu[i];

		if (o->id != m->running && o->in_user && o->cr3 == root &&
		    !hw_flushed_before_running(o))
			check_after_flush(m, o, r);
	}
}

/* The newest completed flush of va in root that began after `after`. */
static const struct hw_flush_rec *flush_covering(const struct hw_machine *m,
						 u64 root, u64 va, hw_time after)
{
	const struct hw_flushlog *l = &m->log;
	u64 i, lim = l->n > l->cap ? l->n - l->cap : 0;

	hw_depends((struct hw_machine *)m, HW_DEP_LOG);
	for (i = l->n; i > lim; i--) {
		const struct hw_flush_rec *r = &l->rec[(i - 1) % l->cap];

		if (r->done < after)
			break;		/* the log is in completion order */
		if (r->root == root && r->began > after &&
		    va >= r->start && va < r->end)
			return r;
	}
	return NULL;
}

void hw_check_hit(struct hw_machine *m, struct hw_cpu *c, const struct hw_tlbe *e,
		  u64 va, bool write)
{
	bool freed = tlbe_freed(m, e);
	hw_time fill = hw_tlbe_fill(m, e);
	const struct hw_flush_rec *r;
	char why[96], t1[40], t2[40], t3[40];
	u64 pt;
	pte_t now = hw_walk_tables(m, c->id, c->cr3, va, &pt, false);

	if (!entry_stale(now, e->pfn, freed, write, why, sizeof(why)))
		return;				/* still true */
	r = flush_covering(m, c->cr3, va, fill);
	if (!r && !freed)
		return;				/* racing an in-flight flush */
	if (r)
		hw_report(m, c->id, "user %s of va 0x%llx hit a stale TLB entry -> "
			  "frame %u (filled at %s; %s); the shootdown of [0x%llx, "
			  "0x%llx) by cpu %d, begun at %s and completed at %s, should "
			  "have removed it", write ? "write" : "read",
			  (unsigned long long)va, e->pfn, T(m, fill, t1), why,
			  (unsigned long long)r->start, (unsigned long long)r->end,
			  r->cpu, T(m, r->began, t2), T(m, r->done, t3));
	else
		hw_report(m, c->id, "user %s of va 0x%llx hit a stale TLB entry -> "
			  "frame %u (filled at %s; %s) and no completed shootdown "
			  "covered it before the free", write ? "write" : "read",
			  (unsigned long long)va, e->pfn, T(m, fill, t1), why);
}

void hw_check_in_flight(struct hw_machine *m, struct hw_cpu *c, u64 va,
			bool write, u32 pfn, u32 gen)
{
	hw_depends(m, HW_DEP_FRAMES);
	if (m->mem.gen[pfn] == gen)
		return;
	hw_report(m, c->id, "user %s of va 0x%llx completed through the translation "
		  "it took before, to frame %u, which was freed in between (the "
		  "vCPU was stopped between translation and access)",
		  write ? "write" : "read", (unsigned long long)va, pfn);
}

void hw_check_direct_map(struct hw_machine *m, uintptr_t a, bool write)
{
	u64 pfn = (a - (uintptr_t)m->mem.ram) >> PAGE_SHIFT;
	bool table = m->mem.was_table[pfn];

	hw_depends(m, HW_DEP_FRAMES);
	if (m->mem.state[pfn] != HW_FRAME_FREE)
		return;
	hw_report(m, m->running, "%s of freed %s %llu (offset 0x%llx) through the "
		  "direct map: %suse after free", write ? "write" : "read",
		  table ? "page-table page" : "frame", (unsigned long long)pfn,
		  (unsigned long long)(a & (PAGE_SIZE - 1)), table ? "page-table " : "");
}

void hw_check_table_free(struct hw_machine *m, u64 pfn)
{
	int i;
	u32 j;

	for (i = 0; i < m->cfg.nr_cpus; i++) {
		struct hw_cpu *o = m->cpu[i];

		if (hw_flushed_before_running(o))
			continue;
		for (j = 0; j < m->cfg.pwc_entries; j++) {
			struct hw_pwce *p = &o->tlb.pwc[j];

			if (!p->tag || p->table != pfn || (p->tag & 0xfff) != o->pcid ||
			    p->gen != m->mem.gen[pfn])
				continue;
			hw_report(m, m->running, "page-table page %llu freed while cpu "
				  "%d (pcid %u loaded) still caches it in its "
				  "paging-structure cache: a speculative walk can read "
				  "it after reuse", (unsigned long long)pfn, o->id,
				  o->pcid);
			p->tag = 0;
		}
	}
}

void hw_report_livelock(struct hw_machine *m, struct hw_cpu *c, u64 va, bool write)
{
	hw_report(m, c->id, "user %s of 0x%llx keeps faulting",
		  write ? "write" : "read", (unsigned long long)va);
}
