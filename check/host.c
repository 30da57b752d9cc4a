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

#define ST_PREEMPTED	0x01	/* KVM_VCPU_PREEMPTED */
#define ST_FLUSH_TLB	0x02	/* KVM_VCPU_FLUSH_TLB */

const char *const check_host_mutant_names[CHECK_NR_HOST_MUTANTS] = {
	[CHECK_HOST_OK] = "none",
	[CHECK_HOST_LOST_FLUSH] = "host-lost-flush",
	[CHECK_HOST_PREEMPT_MID_INSN] = "host-preempt-mid-insn",
};

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

static u8 steal_read(struct ck_cpu *c)
{
	fp_mem((uintptr_t)c->arch.steal, 1, false);
	return ck_global_read((uintptr_t)c->arch.steal, 1);
}

static void steal_write(struct ck_cpu *c, u8 v)
{
	fp_mem((uintptr_t)c->arch.steal, 1, true);
	ck_global_write((uintptr_t)c->arch.steal, v, 1);
}

static void deschedule(struct ck_cpu *c)
{
	bool mid_insn = c->op.kind == OP_USER_DONE;
	bool report = !mid_insn || ck.cfg->host_mutant == CHECK_HOST_PREEMPT_MID_INSN;
	char d[48];
	int drained;

	drained = ck_drain_all(c);
	c->off = true;
	c->deschedules++;
	if (unlikely(ck.verbose))
		ck_log(c->id, "host deschedules vcpu%d%s%s", c->id,
		       mid_insn ? " in the middle of a user access" : "",
		       ck_drained(drained, d, sizeof(d)));
	if (!c->arch.steal || !report)
		return;
	if (!(steal_read(c) & ST_PREEMPTED)) {
		steal_write(c, ST_PREEMPTED);
		if (unlikely(ck.verbose))
			ck_log(c->id, "  host sets steal[%d].preempted = PREEMPTED", c->id);
	}
}

static void reschedule(struct ck_cpu *c)
{
	bool lost = ck.cfg->host_mutant == CHECK_HOST_LOST_FLUSH;
	u8 old = c->arch.steal ? steal_read(c) : 0;

	if (c->arch.steal) {
		if (lost)
			c->writeback = true;	/* works on a copy */
		else
			steal_write(c, 0);	/* xchg */
	}
	if (old & ST_FLUSH_TLB)
		ck_flush_everything(c);
	c->off = false;
	if (unlikely(ck.verbose))
		ck_log(c->id, "host runs vcpu%d again: steal[%d].preempted was %#x%s%s",
		       c->id, c->id, old, lost ? " (kept in a copy)" : ", now 0",
		       old & ST_FLUSH_TLB ? "; FLUSH_TLB: flushes its TLB" : "");
}

void ck_host_event(struct ck_cpu *c)
{
	ck_fp_cur.cpus |= 1u << c->id;
	if (c->writeback && !c->off) {
		steal_write(c, 0);
		c->writeback = false;
		if (unlikely(ck.verbose))
			ck_log(c->id, "host writes its copy back: steal[%d].preempted = 0",
			       c->id);
	} else if (c->off) {
		reschedule(c);
	} else {
		deschedule(c);
	}
}
