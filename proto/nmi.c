// SPDX-License-Identifier: GPL-2.0
/*
 * nmi.c - perf's sampling NMI, the hazard upstream raised against
 * acknowledging a flush before doing it.
 *
 * A perf sample with a user call chain (perf_callchain_user) reads the
 * interrupted task's user stack from the NMI, through the TLB, with
 * copy_from_user_nmi(), whenever nmi_uaccess_okay() allows (arch/x86's
 * tlbflush.h: the task's mm is the one loaded).  NMIs ignore IF, so one
 * can land inside a flush IPI handler, after an asynchronous
 * acknowledgement and before the flush: the read then goes through the
 * very entry the initiator believes gone.  The asynchronous-flush RFC's
 * answer was to refuse user access from NMI while such a flush is pending.
 *
 * The model has no user stacks: the word the task last touched stands for
 * its stack (both are pages of the same mm the task is using now).
 */
#include "proto/kernel.h"

bool nmi_uaccess_okay(struct kernel *k)
{
	int me = smp_processor_id();

	/* a kernel thread (lazy, or on init_mm) has no user stack to read,
	 * and inside switch_mm current is still the task switched from, whose
	 * mm is not the one being loaded (Linux: loaded_mm != current->mm) */
	if (k->nmi[me].switching ||
	    READ_ONCE(k->tlbstate[me].loaded_mm) == &k->init_mm || tlb_cpu_is_lazy(k, me))
		return false;
	/* the RFC's guard: a flush acknowledged here but not done yet */
	if (k->nmi[me].async_flush_pending && !mutant(k, MUT_ASYNC_NO_NMI_GUARD))
		return false;
	return true;
}

void perf_nmi_handler(enum irq_vector v)
{
	struct kernel *k = K();
	u64 sp = k->nmi[smp_processor_id()].user_sp, word;

	(void)v;
	if (sp && nmi_uaccess_okay(k))
		(void)user_read_nofault(sp, &word);	/* a fault just ends the chain */
}
