// SPDX-License-Identifier: GPL-2.0
/*
 * kvm.c - what a KVM host does to a vCPU's steal-time byte and TLB when it
 * deschedules and enters it (arch/x86/kvm/x86.c: kvm_steal_time_set_preempted,
 * record_steal_time), and the two ways real hosts got it wrong.
 */
#include <string.h>

#include "hw/kvm.h"
#include "kvm_para.h"

const struct host_mutant_desc host_mutants[NR_HOST_MUTANTS] = {
	[HOST_OK] = { "none", "the host as designed" },
	[HOST_LOST_FLUSH] = { "host-lost-flush",
		"the entry path clears the steal-time byte from a copy, erasing a "
		"FLUSH_TLB set meanwhile (CVE-2019-3016)" },
	[HOST_PREEMPT_MID_INSN] = { "host-preempt-mid-insn",
		"PREEMPTED is reported for a vCPU stopped between the translation "
		"and the access of an instruction (CVE-2022-39189)" },
};

int host_mutant_by_name(const char *name)
{
	int i;

	for (i = 0; i < NR_HOST_MUTANTS; i++)
		if (!strcmp(name, host_mutants[i].name))
			return i;
	return -1;
}

void hw_kvm_set_preempted(struct hw_machine *m, struct hw_cpu *c, bool mid_insn,
			  bool irq_exit)
{
	if (!c->steal)
		return;
	/*
	 * Since v5.19 (6cd88243c7e0, the CVE-2022-39189 fix) only an exit
	 * known to be at an instruction boundary, an external interrupt's,
	 * reports: not a pause-loop exit's deschedule (the spinner yields),
	 * and not a vCPU stopped inside an emulated instruction, whose guest
	 * would otherwise skip it and free a frame its latched translation
	 * still points to.  Older hosts reported every deschedule
	 * (kvm_preempt_report=any), the CVE included.
	 */
	if (!m->cfg.kvm_preempt_any) {
		if (!irq_exit)
			return;
		if (mid_insn && m->cfg.host_mutant != HOST_PREEMPT_MID_INSN)
			return;
	}
	/* never over a byte that already says so (it may carry FLUSH_TLB) */
	if (!(m->port->host_read8(m, c->steal) & KVM_VCPU_PREEMPTED))
		m->port->host_write8(m, c->steal, KVM_VCPU_PREEMPTED);
}

bool hw_kvm_entry(struct hw_machine *m, struct hw_cpu *c, bool *late_clear)
{
	bool flush = c->host_flush;
	u8 old;

	*late_clear = false;
	c->host_flush = false;
	if (!c->steal)
		return flush;
	old = m->port->host_read8(m, c->steal);
	if (m->cfg.host_mutant == HOST_LOST_FLUSH)
		*late_clear = true;	/* BUG: works on a copy */
	else
		m->port->host_write8(m, c->steal, 0);	/* xchg */
	return flush || (old & KVM_VCPU_FLUSH_TLB);
}

void hw_kvm_late_clear(struct hw_machine *m, struct hw_cpu *c)
{
	m->port->host_write8(m, c->steal, 0);
}
