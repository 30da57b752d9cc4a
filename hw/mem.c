// SPDX-License-Identifier: GPL-2.0
/*
 * mem.c - physical frames and the hardware page walker.
 *
 * Frames are 4 KiB of the engine's RAM.  Each has a generation, bumped when
 * it is freed, so a TLB or PWC entry can tell that the frame it points at
 * has been freed (and perhaps reused) since it was filled.  Freed frames
 * wait in a quarantine of cfg.quarantine frees before they can be reused,
 * so a late access through the direct map finds them free and is reported;
 * then they join the free stack, the latest freed reused first.  (The
 * checker has no quarantine: the frame freed last is reused first, so a use
 * after free meets a reused frame as early as possible.)  Frame 0 is never
 * handed out: pfn 0 means "no page" to the kernel.
 *
 * The walker reads the 4-level tables in RAM, as the CPU that walks sees
 * them (port->read_entry: the checker's store buffers), through the PWC
 * when it has the region.
 */
#include <stdlib.h>

#include "bug.h"
#include "hw/hw.h"

void hw_mem_init(struct hw_mem *p, u8 *ram, u64 nr_frames, u32 quarantine)
{
	u64 i;

	memset(p, 0, sizeof(*p));
	p->ram = ram;
	p->nr_frames = nr_frames;
	p->gen = xcalloc(nr_frames, sizeof(*p->gen));
	p->state = xcalloc(nr_frames, 1);
	p->walked = xcalloc(nr_frames, 1);
	p->was_table = xcalloc(nr_frames, 1);
	p->free = xcalloc(nr_frames, sizeof(*p->free));
	p->q_cap = quarantine;
	p->quarantine = quarantine ? xcalloc(quarantine, sizeof(u32)) : NULL;
	for (i = nr_frames - 1; i >= 1; i--)
		p->free[p->nr_free++] = i;
	p->state[0] = HW_FRAME_USED;
}

void hw_mem_fini(struct hw_mem *p)
{
	free(p->gen);
	free(p->state);
	free(p->walked);
	free(p->was_table);
	free(p->free);
	free(p->quarantine);
	memset(p, 0, sizeof(*p));
}

u64 hw_frame_alloc(struct hw_machine *m)
{
	struct hw_mem *p = &m->mem;
	u64 pfn;

	if (p->nr_free) {
		pfn = p->free[--p->nr_free];
	} else if (p->q_len) {
		pfn = p->quarantine[p->q_head];
		p->q_head = (p->q_head + 1) % p->q_cap;
		p->q_len--;
	} else {
		return 0;
	}
	p->state[pfn] = HW_FRAME_USED;
	memset(p->ram + (pfn << PAGE_SHIFT), 0, PAGE_SIZE);
	return pfn;
}

void hw_frame_free(struct hw_machine *m, u64 pfn)
{
	struct hw_mem *p = &m->mem;

	if (!pfn || pfn >= p->nr_frames || p->state[pfn] != HW_FRAME_USED) {
		hw_report(m, m->running, "free of frame %llu that is not allocated",
			  (unsigned long long)pfn);
		return;
	}
	p->was_table[pfn] = p->walked[pfn];
	if (p->walked[pfn]) {
		if (m->cfg.eager)
			hw_check_table_free(m, pfn);
		p->walked[pfn] = 0;
	}
	p->state[pfn] = HW_FRAME_FREE;
	p->gen[pfn]++;
	p->frees++;
	if (!p->q_cap) {
		p->free[p->nr_free++] = pfn;
		return;
	}
	if (p->q_len == p->q_cap) {
		p->free[p->nr_free++] = p->quarantine[p->q_head];
		p->q_head = (p->q_head + 1) % p->q_cap;
		p->q_len--;
	}
	p->quarantine[(p->q_head + p->q_len++) % p->q_cap] = pfn;
}

/* ---- walking ----------------------------------------------------------------- */

static inline pte_t read_entry(struct hw_machine *m, int cpu, u64 table, unsigned idx)
{
	const u64 *e = hw_table(m, table) + idx;

	return m->port->read_entry ? m->port->read_entry(m, cpu, e) : *e;
}

static inline bool frame_ok(const struct hw_machine *m, u64 pfn)
{
	return pfn && pfn < m->mem.nr_frames;
}

pte_t hw_walk_tables(struct hw_machine *m, int cpu, u64 root, u64 va, u64 *pt,
		     bool report)
{
	u64 t = root;
	int level;

	*pt = 0;
	hw_depends(m, HW_DEP_FRAMES);
	for (level = PT_LEVELS; level >= 1; level--) {
		pte_t e;

		if (!frame_ok(m, t))
			return 0;
		if (report && m->mem.state[t] != HW_FRAME_USED) {
			hw_report(m, cpu, "hardware page walk for va 0x%llx read "
				  "page-table page %llu (level %d) after it was freed: "
				  "page-table use after free", (unsigned long long)va,
				  (unsigned long long)t, level);
			return 0;
		}
		if (level == 1)
			*pt = t;
		e = read_entry(m, cpu, t, pt_index(va, level));
		if (!pte_present(e))
			return 0;
		if (level == 1)
			return e;
		t = pte_pfn(e);
	}
	return 0;
}

static void pwc_freed(struct hw_machine *m, struct hw_cpu *c, const struct hw_pwce *p,
		      bool spec)
{
	hw_report(m, c->id, "%s page walk for va 0x%llx went through the "
		  "paging-structure cache to page-table page %u, freed after the "
		  "walk that cached it: page-table use after free",
		  spec ? "speculative" : "hardware",
		  (unsigned long long)((p->tag & ~HW_TAG_VALID) >> 12 << 21), p->table);
}

pte_t hw_walk(struct hw_machine *m, struct hw_cpu *c, u64 va)
{
	struct hw_pwce *p = &c->tlb.pwc[(va >> 21) % m->cfg.pwc_entries];
	bool reported = false;
	u64 pt;
	pte_t e;

	hw_depends(m, HW_DEP_FRAMES);
	if (p->tag == hw_pwc_tag(va, c->pcid)) {
		if (m->mem.gen[p->table] == p->gen)
			return read_entry(m, c->id, p->table, pt_index(va, 1));
		/* one use after free, one report: the walk from CR3 that
		 * replaces the entry meets the same freed table */
		pwc_freed(m, c, p, false);
		p->tag = 0;
		reported = true;
	}
	e = hw_walk_tables(m, c->id, c->cr3, va, &pt, !reported);
	if (pt) {
		p->tag = hw_pwc_tag(va, c->pcid);
		p->table = pt;
		p->gen = m->mem.gen[pt];
		m->mem.walked[pt] = 1;
	}
	return e;
}

void hw_spec_walk(struct hw_machine *m, struct hw_cpu *c, struct hw_pwce *p)
{
	hw_depends(m, HW_DEP_FRAMES);
	if (!p->tag || (p->tag & 0xfff) != c->pcid || m->mem.gen[p->table] == p->gen)
		return;
	pwc_freed(m, c, p, true);
	p->tag = 0;
}

bool hw_leaf_in_ram(struct hw_machine *m, struct hw_cpu *c, u64 va, pte_t pte)
{
	if (pte_pfn(pte) < m->mem.nr_frames)
		return true;
	hw_report(m, c->id, "the PTE for va 0x%llx maps frame %llu, beyond the "
		  "machine's %llu frames of RAM", (unsigned long long)va,
		  (unsigned long long)pte_pfn(pte), (unsigned long long)m->mem.nr_frames);
	return false;
}

bool hw_translate_hit(struct hw_machine *m, struct hw_cpu *c, u64 va, bool write,
		      u32 *pfn)
{
	struct hw_tlbe *e = hw_tlb_lookup(m, c, va);

	if (!e || (write && !(e->flags & HW_TLBE_W)))
		return false;
	hw_check_hit(m, c, e, va, write);
	*pfn = e->pfn;
	return true;
}

enum hw_xlate hw_translate_walk(struct hw_machine *m, struct hw_cpu *c, u64 va,
				bool write, u32 *pfn)
{
	pte_t pte = hw_walk(m, c, va);

	if (!pte_present(pte) || !(pte & _PAGE_USER) || (write && !pte_write(pte)))
		return HW_XLATE_FAULT;
	if (!hw_leaf_in_ram(m, c, va, pte))
		return HW_XLATE_BAD;
	hw_tlb_fill(m, c, va, pte);
	*pfn = pte_pfn(pte);
	return HW_XLATE_WALKED;
}

enum hw_xlate hw_translate(struct hw_machine *m, struct hw_cpu *c, u64 va,
			   bool write, u32 *pfn)
{
	if (hw_translate_hit(m, c, va, write, pfn))
		return HW_XLATE_HIT;
	return hw_translate_walk(m, c, va, write, pfn);
}
