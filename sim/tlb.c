// SPDX-License-Identifier: GPL-2.0
/*
 * tlb.c - the simulator's side of the machine model (hw/): its port (the
 * clock, violations, the host's writes to guest memory), user accesses with
 * their costs, and the sampled speculative walks.
 *
 * What a TLB, a walk or a stale translation is, is hw/'s; here is only when
 * it happens and what it costs.  Violations are printed as
 *
 *	VIOLATION: cpu 3 at 1234.567 ns: <the rule that was broken>
 *
 * at most five per run; all of them are counted.
 */
#include <stdarg.h>
#include <stdio.h>

#include "sim/internal.h"
#include "sim/trace.h"

#define PS_FMT(ps) (unsigned long long)((ps) / 1000), (unsigned)((ps) % 1000)

static hw_time port_now(struct hw_machine *m)
{
	struct sim *s = hw_sim(m);

	return s->cur ? s->cur->clock : 0;
}

static void port_fmt_time(hw_time t, char *buf, size_t len)
{
	snprintf(buf, len, "%llu.%03u ns", PS_FMT(t));
}

static void report_line(struct sim *s, int cpu, ps_t when, const char *msg)
{
	struct violation_log *v = &s->viol;

	if (!v->count++)
		snprintf(v->first, sizeof(v->first), "%s", msg);
	if (s->trace && cpu >= 0)
		trace_instant(s->trace, cpu, when, "VIOLATION");
	if (v->printed >= 5)
		return;
	v->printed++;
	if (cpu >= 0)
		fprintf(v->out, "VIOLATION: cpu %d at %llu.%03u ns: %s\n", cpu,
			PS_FMT(when), msg);
	else
		fprintf(v->out, "VIOLATION: at %llu.%03u ns: %s\n", PS_FMT(when), msg);
}

static void port_violation(struct hw_machine *m, int cpu, const char *msg)
{
	struct sim *s = hw_sim(m);
	ps_t when = cpu >= 0 ? s->cpus[cpu].clock : s->cur ? s->cur->clock : 0;

	report_line(s, cpu, when, msg);
}

void sim_violation(struct sim_cpu *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report_line(c->sim, c->id, c->clock, msg);
}

static u8 port_host_read8(struct hw_machine *m, const u8 *p)
{
	return *p;
}

/* The host writes guest memory: the line leaves every guest cache. */
static void port_host_write8(struct hw_machine *m, u8 *p, u8 v)
{
	struct sim *s = hw_sim(m);
	u64 *sh;
	struct line *l = line_get(s, (uintptr_t)p >> 6, &sh);

	*p = v;
	l->owner = -1;
	l->sockets = 0;
	memset(sh, 0, s->lines.words_per_line * sizeof(u64));
}

/* Page tables in RAM are read as they are (the simulator is sequentially
 * consistent, and walks are charged as a whole: page_walk_ns); nothing
 * keeps footprints. */
#define port_read_entry NULL
#define port_depends NULL
const struct hw_port sim_hw_port = HW_PORT_INITIALIZER(port_);

/*
 * Hardware speculation: a CPU with a user address space loaded may walk it
 * at any time, also while in the kernel.  Modelled as a walk through a
 * random PWC entry every spec_walk_interval; this is what makes freeing
 * page-table pages before every CPU has dropped its paging-structure caches
 * observable.
 */
void sim_spec_walk(struct sim_cpu *c)
{
	struct sim *s = c->sim;
	struct hw_pwce *p = &c->hw.tlb.pwc[sim_random(c) % s->hw.cfg.pwc_entries];

	c->next_spec = c->clock + s->cost.spec_interval;
	hw_spec_walk(&s->hw, &c->hw, p);
}

/* The data half of a user access, through frame pfn. */
static void access_word(struct sim_cpu *c, u64 va, u64 *val, bool write, u32 pfn)
{
	struct sim *s = c->sim;
	u64 *word = (u64 *)(s->ram + ((u64)pfn << PAGE_SHIFT) + (va & (PAGE_SIZE - 8)));

	if (write) {
		sim_charge(c, coh_store(c, (uintptr_t)word, false));
		*word = *val;
	} else {
		sim_charge(c, coh_load(c, (uintptr_t)word));
		*val = *word;
	}
}

/* A translation failed: the guest's (or the machine's) fault handler runs,
 * after the SDM's invalidation for the faulting address.  0: retry. */
static int user_fault(struct sim_cpu **cp, u64 va, bool write, int tries)
{
	struct sim_cpu *c = *cp;
	struct sim *s = c->sim;

	if (tries > HW_FAULT_RETRIES || !c->hooks.fault) {
		hw_report_livelock(&s->hw, &c->hw, va, write);
		return UA_SEGV;
	}
	sim_charge(c, s->cost.fault);
	hw_page_fault(&s->hw, &c->hw, va);
	c->hw.in_user = false;
	if (c->hooks.fault(va, write))
		return UA_SEGV;
	/* the handler may have slept (mmap_lock) and the task come back on
	 * another CPU: the instruction restarts there */
	c = *cp = s->cur;
	c->hw.in_user = true;
	return 0;
}

/*
 * An instruction KVM emulates: it exits, the emulator walks the guest's
 * page tables in software (no TLB, no paging-structure cache) for the
 * memory operand, and completes the access later.  In between the vCPU
 * thread runs host code and can be preempted; a host that reports it
 * PREEMPTED there (the CVE-2022-39189 bug, host-preempt-mid-insn) lets a
 * pv guest skip its flush and free the frame under the latched
 * translation.  A translation that fails is a #PF injected into the guest.
 */
static int emulated_access(struct sim_cpu *c, u64 va, u64 *val, bool write)
{
	struct sim *s = c->sim;
	u64 pt;
	pte_t pte;
	u32 pfn, gen;
	int tries;

	for (tries = 0; ; tries++) {
		sim_sync(c);
		sim_charge(c, s->cost.vmexit + s->cost.walk);
		c->hw_walks++;
		pte = hw_walk_tables(&s->hw, c->hw.id, c->hw.cr3, va, &pt, true);
		if (pte_present(pte) && (pte & _PAGE_USER) && (!write || pte_write(pte)))
			break;
		if (user_fault(&c, va, write, tries))
			return UA_SEGV;
	}
	if (!hw_leaf_in_ram(&s->hw, &c->hw, va, pte))
		return UA_SEGV;
	pfn = pte_pfn(pte);
	gen = s->hw.mem.gen[pfn];
	c->mid_insn = true;
	sim_order(c);		/* the host may deschedule the vCPU here */
	c->mid_insn = false;
	hw_check_in_flight(&s->hw, &c->hw, va, write, pfn, gen);
	access_word(c, va, val, write, pfn);
	return 0;
}

/* copy_from_user_nmi: a hit or a walk; no fault handler (faults are off). */
int tlb_user_read_nofault(struct sim_cpu *c, u64 va, u64 *val)
{
	struct sim *s = c->sim;
	u32 pfn;

	sim_sync(c);
	if (!hw_translate_hit(&s->hw, &c->hw, va, false, &pfn)) {
		sim_charge(c, s->cost.walk);
		c->hw_walks++;
		if (hw_translate_walk(&s->hw, &c->hw, va, false, &pfn) != HW_XLATE_WALKED)
			return UA_SEGV;
	}
	access_word(c, va, val, false, pfn);
	return 0;
}

/*
 * A user load or store of the 8-byte word at va.  Returns 0, or UA_SEGV when
 * the fault handler gives up.  The data lives in simulated RAM, and its cache
 * line takes part in coherence like any other.  The translation and the
 * access are one instruction: nothing, not even a VM exit, comes between
 * them (a faulting instruction restarts), unless KVM emulates it.
 */
int tlb_user_access(struct sim_cpu *c, u64 va, u64 *val, bool write, bool emulated)
{
	struct sim *s = c->sim;
	u32 pfn;
	int tries;

	if (emulated)
		return emulated_access(c, va, val, write);
	for (tries = 0; ; tries++) {
		enum hw_xlate x;

		sim_sync(c);
		if (hw_translate_hit(&s->hw, &c->hw, va, write, &pfn))
			break;
		/* the walk takes its time; the entry is filled when it ends */
		sim_charge(c, s->cost.walk);
		c->hw_walks++;
		x = hw_translate_walk(&s->hw, &c->hw, va, write, &pfn);
		if (x == HW_XLATE_WALKED)
			break;
		if (x == HW_XLATE_BAD)
			return UA_SEGV;
		if (user_fault(&c, va, write, tries))
			return UA_SEGV;
	}
	access_word(c, va, val, write, pfn);
	return 0;
}
