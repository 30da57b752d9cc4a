// SPDX-License-Identifier: GPL-2.0
/*
 * t_hw.c - the hardware model (hw/) on its own, through a test port: PCID
 * isolation (mixed epoch slots included), INVLPG and CR3 semantics, global
 * entries, the frame quarantine, and the walker's reports of freed tables
 * and of a leaf beyond RAM.  Both engines rely on these rules; here they
 * are checked without either engine.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/hw.h"
#include "tests/tap.h"

#define NR_FRAMES	64
#define QUARANTINE	4

static hw_time t_now;
static int t_violations;
static char t_last[256];

static hw_time tport_now(struct hw_machine *m) { return t_now; }
static void tport_violation(struct hw_machine *m, int cpu, const char *msg)
{
	t_violations++;
	snprintf(t_last, sizeof(t_last), "%s", msg);
}
static u8 tport_host_read8(struct hw_machine *m, const u8 *p) { return *p; }
static void tport_host_write8(struct hw_machine *m, u8 *p, u8 v) { *p = v; }
static void tport_fmt_time(hw_time t, char *buf, size_t len)
{
	snprintf(buf, len, "t%llu", (unsigned long long)t);
}
#define tport_read_entry NULL
#define tport_depends NULL
static const struct hw_port tport = HW_PORT_INITIALIZER(tport_);

struct rig {
	struct hw_machine m;
	struct hw_cpu cpu0, *cpus[1];
	u8 *ram;
};

static void rig_init(struct rig *r)
{
	const struct hw_config cfg = {
		.nr_cpus = 1, .tlb_sets = 16, .tlb_ways = 4, .pwc_entries = 16,
		.nr_frames = NR_FRAMES, .quarantine = QUARANTINE, .flushlog = 16,
		.fill_unit = 1,
	};

	memset(r, 0, sizeof(*r));
	r->ram = calloc(NR_FRAMES, PAGE_SIZE);
	r->cpus[0] = &r->cpu0;
	hw_machine_init(&r->m, &tport, &cfg, r->ram, r->cpus);
	hw_tlb_reset(&r->m, &r->cpu0);
	r->m.running = 0;
	t_violations = 0;
	t_last[0] = 0;
}

static void rig_fini(struct rig *r)
{
	hw_machine_fini(&r->m);
	free(r->cpu0.tlb.e);
	free(r->cpu0.tlb.hand);
	free(r->ram);
}

static bool cached(struct rig *r, u16 pcid, u64 va)
{
	u16 saved = r->cpu0.pcid;
	bool hit;

	r->cpu0.pcid = pcid;
	hit = hw_tlb_lookup(&r->m, &r->cpu0, va) != NULL;
	r->cpu0.pcid = saved;
	return hit;
}

static void fill(struct rig *r, u16 pcid, u64 va, u64 pfn, u64 flags)
{
	r->cpu0.pcid = pcid;
	hw_tlb_fill(&r->m, &r->cpu0, va, pfn_pte(pfn, _PAGE_PRESENT | _PAGE_USER | flags));
}

/* Slot hash (pcid ^ pcid >> 6) & 63: PCIDs 1 and 64 share a slot. */
static void test_pcid(void)
{
	struct rig r;

	report_prefix_push("pcid");
	rig_init(&r);
	fill(&r, 1, 0x1000, 5, 0);
	fill(&r, 2, 0x1000, 6, 0);
	hw_flush_pcid(&r.m, &r.cpu0, 1);
	report(!cached(&r, 1, 0x1000) && cached(&r, 2, 0x1000),
	       "a PCID flush drops that PCID's entries and no other's");

	fill(&r, 1, 0x2000, 5, 0);
	fill(&r, 64, 0x3000, 7, 0);	/* same slot as 1: mixed */
	hw_flush_pcid(&r.m, &r.cpu0, 64);
	report(cached(&r, 1, 0x2000) && !cached(&r, 64, 0x3000),
	       "PCIDs 1 and 64 share an epoch slot; flushing 64 keeps 1's entries");
	fill(&r, 64, 0x3000, 7, 0);
	hw_flush_pcid(&r.m, &r.cpu0, 1);
	report(!cached(&r, 1, 0x2000) && cached(&r, 64, 0x3000),
	       "and flushing 1 keeps 64's");
	rig_fini(&r);
	report_prefix_pop();
}

static void test_invlpg_cr3(void)
{
	struct rig r;

	report_prefix_push("invlpg-cr3");
	rig_init(&r);
	fill(&r, 1, 0x1000, 5, 0);
	fill(&r, 1, 0x2000, 6, 0);
	fill(&r, 2, 0x1000, 7, 0);
	fill(&r, 1, 0x8000, 8, _PAGE_GLOBAL);
	r.cpu0.pcid = 1;
	hw_invlpg(&r.m, &r.cpu0, 0x1000);
	report(!cached(&r, 1, 0x1000) && cached(&r, 1, 0x2000) && cached(&r, 2, 0x1000),
	       "INVLPG drops the page in the current PCID only");
	hw_invlpg(&r.m, &r.cpu0, 0x8000);
	report(!cached(&r, 1, 0x8000) && !cached(&r, 2, 0x8000),
	       "INVLPG drops a global entry of the page");

	r.cpu0.tlb.pwc[0] = (struct hw_pwce){ .tag = (0ULL << 12) | 1 | HW_TAG_VALID, .table = 9 };
	r.cpu0.tlb.pwc[1] = (struct hw_pwce){ .tag = (1ULL << 12) | 2 | HW_TAG_VALID, .table = 9 };
	hw_invlpg(&r.m, &r.cpu0, 0x2000);
	report(!r.cpu0.tlb.pwc[0].tag && r.cpu0.tlb.pwc[1].tag,
	       "INVLPG drops every paging-structure entry of the current PCID (SDM 4.10.4.1)");

	fill(&r, 1, 0x8000, 8, _PAGE_GLOBAL);
	fill(&r, 1, 0x1000, 5, 0);
	hw_load_cr3(&r.m, &r.cpu0, 3, 1, false);
	report(!cached(&r, 1, 0x1000) && cached(&r, 1, 0x8000) && cached(&r, 2, 0x1000),
	       "CR3 write without NOFLUSH: the PCID's entries go, global and other PCIDs stay");
	fill(&r, 1, 0x1000, 5, 0);
	hw_load_cr3(&r.m, &r.cpu0, 3, 1, true);
	report(cached(&r, 1, 0x1000), "CR3 write with NOFLUSH keeps them");
	hw_flush_everything(&r.m, &r.cpu0);
	report(!cached(&r, 1, 0x8000) && !cached(&r, 2, 0x1000),
	       "a full flush drops global entries too");
	rig_fini(&r);
	report_prefix_pop();
}

static void test_quarantine(void)
{
	struct rig r;
	u64 f[QUARANTINE + 1], g;
	int i;
	bool reused = false;

	report_prefix_push("frames");
	rig_init(&r);
	for (i = 0; i <= QUARANTINE; i++)
		f[i] = hw_frame_alloc(&r.m);
	report(f[0] != 0, "frame 0 is never handed out (first: %llu)",
	       (unsigned long long)f[0]);
	for (i = 0; i < QUARANTINE; i++)
		hw_frame_free(&r.m, f[i]);
	g = hw_frame_alloc(&r.m);
	for (i = 0; i < QUARANTINE; i++)
		reused |= g == f[i];
	report(!reused, "a frame in quarantine is not reused (got %llu)",
	       (unsigned long long)g);
	hw_frame_free(&r.m, f[QUARANTINE]);	/* pushes f[0] out */
	g = hw_frame_alloc(&r.m);
	report(g == f[0], "the oldest free leaves quarantine first and is reused next");
	hw_frame_free(&r.m, f[1]);
	report(t_violations == 1 && strstr(t_last, "not allocated"),
	       "freeing a free frame is a violation: %s", t_last);
	rig_fini(&r);
	report_prefix_pop();
}

/* A 4-level mapping of va -> data, with its tables from the frame table. */
static u64 map_one(struct rig *r, u64 va, u64 *pt)
{
	u64 tbl[PT_LEVELS], data = hw_frame_alloc(&r->m);
	int lvl;

	for (lvl = PT_LEVELS; lvl >= 1; lvl--)
		tbl[lvl - 1] = hw_frame_alloc(&r->m);
	for (lvl = PT_LEVELS; lvl > 1; lvl--)
		hw_table(&r->m, tbl[lvl - 1])[pt_index(va, lvl)] =
			pfn_pte(tbl[lvl - 2], _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
	hw_table(&r->m, tbl[0])[pt_index(va, 1)] =
		pfn_pte(data, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
	*pt = tbl[0];
	return tbl[PT_LEVELS - 1];
}

static void test_walk(void)
{
	struct rig r;
	u64 va = 0x40000000, pt, root;
	u32 pfn;
	enum hw_xlate x;

	report_prefix_push("walk");
	rig_init(&r);
	root = map_one(&r, va, &pt);
	hw_load_cr3(&r.m, &r.cpu0, root, 1, false);
	x = hw_translate(&r.m, &r.cpu0, va, false, &pfn);
	report(x == HW_XLATE_WALKED && !t_violations, "a walk of a good mapping fills the TLB");
	x = hw_translate(&r.m, &r.cpu0, va, false, &pfn);
	report(x == HW_XLATE_HIT, "and the next access hits");

	hw_frame_free(&r.m, pt);
	hw_flush_pcid(&r.m, &r.cpu0, 1);	/* TLB gone, PWC gone too */
	x = hw_translate(&r.m, &r.cpu0, va, false, &pfn);
	report(t_violations == 1 && strstr(t_last, "after it was freed"),
	       "a walk from CR3 into a freed table is reported: %s", t_last);
	rig_fini(&r);

	rig_init(&r);
	root = map_one(&r, va, &pt);
	hw_load_cr3(&r.m, &r.cpu0, root, 1, false);
	hw_translate(&r.m, &r.cpu0, va, false, &pfn);
	hw_invlpg(&r.m, &r.cpu0, va + PAGE_SIZE);	/* drops the PWC, keeps va */
	hw_translate(&r.m, &r.cpu0, va + PAGE_SIZE, false, &pfn); /* re-caches pt */
	hw_frame_free(&r.m, pt);
	hw_flush_pcid(&r.m, &r.cpu0, 2);		/* not ours: PWC stays */
	x = hw_translate(&r.m, &r.cpu0, va + 2 * PAGE_SIZE, false, &pfn);
	report(t_violations == 1 && strstr(t_last, "paging-structure cache"),
	       "a walk through a PWC entry to a freed table is reported: %s", t_last);
	rig_fini(&r);

	rig_init(&r);
	root = map_one(&r, va, &pt);
	hw_table(&r.m, pt)[pt_index(va, 1)] =
		pfn_pte(NR_FRAMES + 5, _PAGE_PRESENT | _PAGE_USER);
	hw_load_cr3(&r.m, &r.cpu0, root, 1, false);
	x = hw_translate(&r.m, &r.cpu0, va, false, &pfn);
	report(x == HW_XLATE_BAD && t_violations == 1 && strstr(t_last, "beyond"),
	       "a leaf PTE beyond RAM is a violation: %s", t_last);
	rig_fini(&r);
	report_prefix_pop();
}

int main(void)
{
	test_pcid();
	test_invlpg_cr3();
	test_quarantine();
	test_walk();
	return report_summary();
}
