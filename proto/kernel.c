// SPDX-License-Identifier: GPL-2.0
/*
 * kernel.c - creating and booting a kernel instance; the protocol and mutant
 * tables the CLI lists; the spinlock the mm code uses.
 */
#include <stdlib.h>
#include <string.h>

#include "proto/kernel.h"

const struct protocol_desc protocols[NR_PROTOCOLS] = {
	[PROTO_BASELINE] = { "baseline",
		"pre-2019 order: IPI remote CPUs, wait for all, then flush locally" },
	[PROTO_CONCURRENT] = { "concurrent",
		"send IPIs, flush locally while they fly, wait; is_lazy on its own line" },
	[PROTO_CONCURRENT_SHARED] = { "concurrent-shared",
		"concurrent order, but TLB state on one shared, always-written line" },
	[PROTO_ASYNC] = { "async",
		"remote CPUs ack on interrupt entry, flush after; params in the message" },
	[PROTO_PV] = { "pv",
		"KVM PV flush: preempted vCPUs get FLUSH_TLB in steal time, no IPI", true },
	[PROTO_HYPERV] = { "hyperv",
		"Hyper-V HvFlushVirtualAddressList/Space hypercall", true },
	[PROTO_XEN] = { "xen",
		"Xen flush multicall (MMUEXT_TLB_FLUSH_MULTI / INVLPG_MULTI)", true },
};

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

int protocol_by_name(const char *name)
{
	int i;

	for (i = 0; i < NR_PROTOCOLS; i++)
		if (!strcmp(name, protocols[i].name))
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

void spin_lock(spinlock_t *l)
{
	for (;;) {
		u32 v = READ_ONCE(l->locked);

		if (!v && !cmpxchg(&l->locked, 0u, 1u))
			return;
		if (v)
			env->spin_wait(&l->locked, v, sizeof(v), 0);
	}
}

void spin_unlock(spinlock_t *l)
{
	smp_store_release(&l->locked, 0u);
}

/*
 * Every allocation that protocol code reads or writes through the env is
 * cache-line aligned and padded: which objects share a line must not depend
 * on where the host's malloc put them, or runs would not be reproducible.
 */
void *kzalloc(size_t n)
{
	size_t sz = (n + SMP_CACHE_BYTES - 1) & ~(size_t)(SMP_CACHE_BYTES - 1);
	void *p = aligned_alloc(SMP_CACHE_BYTES, sz ? sz : SMP_CACHE_BYTES);

	if (p)
		memset(p, 0, sz);
	return p;
}

struct kernel *kernel_create(int nr_cpus, const struct kernel_opts *o)
{
	struct kernel *k = kzalloc(sizeof(*k));
	int i;

	k->o = *o;
	k->nr_cpus = nr_cpus;
	k->tlbstate = kzalloc(sizeof(*k->tlbstate) * nr_cpus);
	k->tlbstate_shared = kzalloc(sizeof(*k->tlbstate_shared) * nr_cpus);
	k->callq = kzalloc(sizeof(*k->callq) * nr_cpus);
	k->flush_info = kzalloc(sizeof(*k->flush_info) * nr_cpus);
	k->steal = kzalloc(sizeof(*k->steal) * nr_cpus);
	k->hv_input = aligned_alloc(4096, 4096 * (size_t)nr_cpus);
	k->rcu = kzalloc(sizeof(*k->rcu) * nr_cpus);
	k->csd = calloc(nr_cpus, sizeof(*k->csd));
	/* Descriptor rows: large zeroed allocations are backed only where
	 * touched, so the nr_cpus^2 matrix costs memory for CPUs that send. */
	for (i = 0; i < nr_cpus; i++)
		k->csd[i] = kzalloc(nr_cpus * sizeof(struct csd));
	k->init_mm.k = k;
	k->next_ctx_id = 1;
	k->init_mm.ctx_id = 0;
	return k;
}

void kernel_destroy(struct kernel *k)
{
	int i;

	for (i = 0; i < k->nr_cpus; i++)
		free(k->csd[i]);
	free(k->csd);
	free(k->tlbstate);
	free(k->tlbstate_shared);
	free(k->callq);
	free(k->flush_info);
	free(k->steal);
	free(k->hv_input);
	free(k->rcu);
	free(k);
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

	env->irq_register(VEC_CALL_FUNCTION, smp_call_interrupt);
	env->irq_register(VEC_RESCHEDULE, kernel_empty_interrupt);
	env->fault_register(handle_page_fault);
	/* a guest shares its steal time; on bare metal this fails, harmlessly */
	env->pv_steal_time(&k->steal[me].preempted);
	if (me == 0) {
		WRITE_ONCE(k->init_mm.pgd, alloc_page_pfn());
		smp_store_release(&k->booted, 1u);
	} else {
		smp_cond_load_acquire(&k->booted, VAL);
	}
	WRITE_ONCE(k->tlbstate[me].loaded_mm, &k->init_mm);
	load_cr3(READ_ONCE(k->init_mm.pgd), 0, false);
}
