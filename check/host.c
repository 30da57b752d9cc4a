// SPDX-License-Identifier: GPL-2.0
/*
 * host.c - a KVM-like hypervisor under the checker's CPUs (check_config.host).
 *
 * The host may take any vCPU off its physical CPU at any point (a HOST
 * event), up to host_deschedules times per run, and put it back later (the
 * next HOST event of that vCPU).  While it is off, the vCPU takes no steps
 * and no interrupts: IPIs sent to it stay pending.  The VM exit is
 * serializing, so the vCPU's store buffer drains when it is taken off.
 *
 * Steal time, as KVM keeps it (arch/x86/kvm/x86.c, record_steal_time and
 * kvm_steal_time_set_preempted): when the host deschedules a vCPU at an
 * instruction boundary it sets PREEMPTED in the vCPU's `preempted` byte; a
 * guest flushing TLBs may then, instead of an IPI, atomically add FLUSH_TLB
 * and skip the vCPU.  On entry the host atomically exchanges the byte with
 * 0 and flushes the vCPU's TLB if FLUSH_TLB was set.  Only the host sets
 * PREEMPTED.  The mutants break it the way real hosts did:
 *
 *   host-lost-flush        the entry path reads the byte, and writes 0 back
 *                          later (its own HOST event): a FLUSH_TLB a guest
 *                          sets in between is lost (CVE-2019-3016);
 *   host-preempt-mid-insn  PREEMPTED is reported although the vCPU stopped
 *                          in the middle of a user access whose translation
 *                          it has already taken (CVE-2022-39189).
 *
 * User accesses are two steps under a host: the translation, then the
 * access through it, so a vCPU can be stopped in between.
 */
#include <stdio.h>

#include "check/ck.h"

static int budget(void)
{
	return ck.cfg->host_deschedules ? ck.cfg->host_deschedules : 1;
}

bool ck_host_enabled(const struct ck_cpu *c)
{
	if (!ck.cfg->host)
		return false;
	if (c->off || c->writeback)
		return true;
	if (ck.cfg->host_cpus && !(ck.cfg->host_cpus & 1u << c->id))
		return false;
	return c->op.kind != OP_DONE && c->deschedules < budget();
}

/* The host's own accesses are logged against the vCPU they concern. */
static void host_on(struct ck_cpu *c)
{
	ck.hw.running = c->id;
}

static void deschedule(struct ck_cpu *c)
{
	bool mid_insn = c->op.kind == OP_USER_DONE;
	char d[48];
	int drained;

	drained = ck_drain_all(c);
	c->off = true;
	c->arch.hw.descheduled = true;
	c->deschedules++;
	if (unlikely(ck.verbose))
		ck_log(c->id, "host deschedules vcpu%d%s%s", c->id,
		       mid_insn ? " in the middle of a user access" : "",
		       ck_drained(drained, d, sizeof(d)));
	host_on(c);
	/* the checker's host deschedules at its timer interrupt */
	hw_kvm_set_preempted(&ck.hw, &c->arch.hw, mid_insn, true);
}

static void reschedule(struct ck_cpu *c)
{
	u8 old = c->arch.hw.steal ? ck_global_read((uintptr_t)c->arch.hw.steal, 1) : 0;
	bool late, flush;

	host_on(c);
	flush = hw_kvm_entry(&ck.hw, &c->arch.hw, &late);
	c->writeback = late;
	if (flush)
		hw_flush_everything(&ck.hw, &c->arch.hw);
	c->off = false;
	c->arch.hw.descheduled = false;
	if (unlikely(ck.verbose))
		ck_log(c->id, "host runs vcpu%d again: steal[%d].preempted was %#x%s%s",
		       c->id, c->id, old, late ? " (kept in a copy)" : "",
		       flush ? "; FLUSH_TLB: flushes its TLB" : "");
}

void ck_host_event(struct ck_cpu *c)
{
	ck_fp_cur.cpus |= 1u << c->id;
	if (c->writeback && !c->off) {
		host_on(c);
		hw_kvm_late_clear(&ck.hw, &c->arch.hw);
		c->writeback = false;
		if (unlikely(ck.verbose))
			ck_log(c->id, "host writes its copy back");
	} else if (c->off) {
		reschedule(c);
	} else {
		deschedule(c);
	}
	ck.hw.running = -1;
}
