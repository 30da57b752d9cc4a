// SPDX-License-Identifier: GPL-2.0
/*
 * kernel.c - creating and booting a kernel instance; the mutant and
 * table-freeing names the CLI lists.
 */
#include <string.h>

#include "proto/kernel.h"

const struct mutant_desc mutants[NR_MUTANTS] = {
	[MUT_NONE] = { "none", "the protocol as designed" },
	[MUT_SKIP_LOCAL] = { "skip-local",
		"the initiator never flushes its own TLB" },
	[MUT_SKIP_ONE_REMOTE] = { "skip-one-remote",
		"the highest-numbered remote target is never sent its IPI" },
	[MUT_NO_WAIT] = { "no-wait",
		"the initiator does not wait for remote acknowledgements" },
	[MUT_RANGE_OFF_BY_ONE] = { "range-off-by-one",
		"ranged flushes stop one page short of the end" },
	[MUT_STALE_GEN_EARLY_OUT] = { "stale-gen-early-out",
		"a ranged flush of an older request records the newest generation; "
		"the newer request then returns early on it" },
	[MUT_LAZY_SKIP_FREED_TABLES] = { "lazy-skip-freed-tables",
		"lazy CPUs are skipped even when page tables are freed" },
	[MUT_ASYNC_FREED_TABLES] = { "async-freed-tables",
		"async acknowledges early even when page tables are freed" },
	[MUT_NO_SWITCH_BARRIER] = { "no-switch-barrier",
		"switch_mm leaving lazy mode has no smp_mb() between clearing "
		"is_lazy and reading tlb_gen (a TSO-only bug)" },
	[MUT_HV_GVA_SHORT] = { "hv-gva-short",
		"hyperv: the GVA list of a ranged flush stops one page short "
		"(the host flushes exactly what the list names)" },
	[MUT_ASYNC_NO_NMI_GUARD] = { "async-no-nmi-guard",
		"async without the RFC's guard: an NMI between the early "
		"acknowledgement and the flush reads user memory (perf call chains)" },
	[MUT_LAZY_NO_CATCHUP] = { "lazy-no-catchup",
		"a context switch back to the mm a CPU kept lazily loaded does "
		"not compare the generations: flushes it skipped while lazy are "
		"never done" },
	[MUT_TTWU_NO_ON_CPU_WAIT] = { "ttwu-no-on-cpu-wait",
		"try_to_wake_up does not wait for the task to be off the CPU it "
		"slept on (the on_cpu wait): a task dequeued there but not yet "
		"switched out can be queued and run on another CPU, its stack "
		"live on two CPUs" },
	[MUT_ZAP_NO_PTL] = { "zap-no-ptl",
		"a PTE zap (MADV_DONTNEED, munmap) that does not hold the page-table "
		"lock: a fault that read the PTE before the zap cleared it writes it "
		"back, mapping a page the zap frees" },
};

const char *const table_free_names[NR_TABLE_FREE] = {
	[TABLE_FREE_IPI] = "ipi",
	[TABLE_FREE_RCU] = "rcu",
	[TABLE_FREE_SYNC_ONE] = "sync-one",
};

int table_free_by_name(const char *name)
{
	int i;

	for (i = 0; i < NR_TABLE_FREE; i++)
		if (!strcmp(name, table_free_names[i]))
			return i;
	return -1;
}

int mutant_by_name(const char *name)
{
	int i;

	for (i = 0; i < NR_MUTANTS; i++)
		if (!strcmp(name, mutants[i].name))
			return i;
	return -1;
}

void kernel_opts_defaults(struct kernel_opts *o)
{
	const struct proto_param *p = o->protocol->params;
	int i;

	memset(o->params, 0, sizeof(o->params));
	for (i = 0; p && p[i].name; i++)
		o->params[i] = p[i].def;
	kparams_defaults(o->kp);
}

/*
 * Set-up, in plain C before the machine runs.  Everything the CPUs share
 * is in the kernel's own memory (kmem): the kernel itself first, then its
 * per-CPU arrays.  Call-descriptor rows and hypercall pages are allocated
 * by the CPU that first needs them, so a 1024-CPU machine where one CPU
 * sends pays for one row.
 */
struct kernel *kernel_create(int nr_cpus, const struct kernel_opts *o)
{
	struct kmem *km = kmem_create();
	struct kernel *k = kmem_zalloc(km, sizeof(*k));

	k->kmem = km;
	k->o = *o;
	k->ops = o->protocol;
	k->nr_cpus = nr_cpus;
	k->tlbstate = kzalloc(k, sizeof(*k->tlbstate) * nr_cpus);
	k->tlbstate_shared = kzalloc(k, sizeof(*k->tlbstate_shared) * nr_cpus);
	k->callq = kzalloc(k, sizeof(*k->callq) * nr_cpus);
	k->flush_info = kzalloc(k, sizeof(*k->flush_info) * nr_cpus);
	k->steal = kzalloc(k, sizeof(*k->steal) * nr_cpus);
	k->hv_input = kzalloc(k, sizeof(*k->hv_input) * nr_cpus);
	k->rcu = kzalloc(k, sizeof(*k->rcu) * nr_cpus);
	k->csd = kzalloc(k, sizeof(*k->csd) * nr_cpus);
	k->nmi = kzalloc(k, sizeof(*k->nmi) * nr_cpus);
	k->qnodes = kzalloc(k, sizeof(*k->qnodes) * nr_cpus);
	k->pv_hash = kzalloc(k, sizeof(*k->pv_hash) * pv_hash_size(nr_cpus));
	k->osq_nodes = kzalloc(k, sizeof(*k->osq_nodes) * nr_cpus);
	k->init_mm.k = k;
	spin_lock_init(&k->init_mm.page_table_lock, LOCK_CLASS_PTL);
	init_rwsem(&k->init_mm.mmap_lock, LOCK_CLASS_MMAP);
	k->next_ctx_id = 1;
	k->init_mm.ctx_id = 0;
	sched_init(k);
	return k;
}

void kernel_destroy(struct kernel *k)
{
	kmem_destroy(k->kmem);
}

/* An interrupt whose only job is to have been taken (sync-one freeing). */
void kernel_empty_interrupt(enum irq_vector v)
{
	(void)v;
}

/* First code on every CPU: install handlers and run on the kernel's mm. */
void kernel_cpu_boot(struct kernel *k)
{
	int me = smp_processor_id();
	bool guest;

	register_irq_handler(VEC_CALL_FUNCTION, smp_call_interrupt);
	register_irq_handler(VEC_RESCHEDULE, kernel_empty_interrupt);
	register_irq_handler(VEC_NMI, perf_nmi_handler);
	register_fault_handler(handle_page_fault);
	/* a guest shares its steal time; on bare metal this fails, harmlessly */
	guest = !kvm_register_steal_time(&k->steal[me].preempted);
	if (me == 0) {
		/* kvm_spinlock_init: every vCPU of a guest finds the same */
		k->pv_spinlocks = guest && k->nr_cpus > 1 &&
				  k->o.kp[KP_PVSPIN] == PVSPIN_ON;
		WRITE_ONCE(k->init_mm.pgd, alloc_page_pfn());
		smp_store_release(&k->booted, 1u);
	} else {
		smp_cond_load_acquire(&k->booted, VAL);
	}
	WRITE_ONCE(k->tlbstate[me].loaded_mm, &k->init_mm);
	load_cr3(READ_ONCE(k->init_mm.pgd), 0, false);
	sched_cpu_boot(k, guest);
}
