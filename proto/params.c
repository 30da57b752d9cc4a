// SPDX-License-Identifier: GPL-2.0
/*
 * params.c - the kernel's tunables: names, defaults, ranges, value names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/params.h"

static const char *const spinlock_values[] = {
	[SPINLOCK_QUEUED] = "qspinlock",
	[SPINLOCK_TTAS] = "ttas",
};

static const char *const ptl_values[] = {
	[PTL_SPLIT] = "split",
	[PTL_MM] = "mm",
};

static const char *const vma_lock_values[] = {
	[VMA_LOCK_OFF] = "off",
	[VMA_LOCK_ON] = "on",
};

static const char *const hz_values[] = {
	[HZ_100] = "100", [HZ_250] = "250", [HZ_300] = "300", [HZ_1000] = "1000",
};
const unsigned int kp_hz_values[] = { 100, 250, 300, 1000 };

static const char *const base_slice_values[] = {
	[BASE_SLICE_V6_6] = "v6.6", [BASE_SLICE_V6_15] = "v6.15",
};
const unsigned long long kp_base_slice_ns[] = {
	[BASE_SLICE_V6_6] = 750000, [BASE_SLICE_V6_15] = 700000,
};

static const char *const kvm_preempt_report_values[] = {
	[KVM_PREEMPT_BOUNDARY] = "boundary", [KVM_PREEMPT_ANY] = "any",
};

static const char *const idle_values[] = {
	[IDLE_MWAIT] = "mwait",
	[IDLE_HLT] = "hlt",
};

static const char *const pvspin_values[] = {
	[PVSPIN_ON] = "on",
	[PVSPIN_OFF] = "off",
};

const struct kparam_desc kparams[NR_KPARAMS] = {
	[KP_SPINLOCK] = { "spinlock",
		"spinlock_t: qspinlock (queued, each waiter spins on its own line; "
		"Linux v4.2+) or ttas (every waiter spins on the lock word)",
		SPINLOCK_QUEUED, SPINLOCK_QUEUED, SPINLOCK_TTAS, spinlock_values },
	[KP_HZ] = { "hz",
		"CONFIG_HZ: scheduler ticks per second (Debian and RHEL kernels: "
		"250; Ubuntu since 24.04: 1000)",
		HZ_250, HZ_100, HZ_1000, hz_values },
	[KP_BASE_SLICE] = { "base_slice",
		"EEVDF's base slice, times 1 + ilog2(min(CPUs, 8)): v6.6 (0.75 ms, "
		"EEVDF as merged) or v6.15 (0.70 ms, commit 2ae891b82695, so that a "
		"slice ends on a tick; also in the 6.6 stable line from June 2025)",
		BASE_SLICE_V6_15, BASE_SLICE_V6_6, BASE_SLICE_V6_15, base_slice_values },
	[KP_KVM_PREEMPT_REPORT] = { "kvm_preempt_report",
		"when the KVM host marks a descheduled vCPU PREEMPTED for the "
		"guest: boundary (v5.19 and the 5.4/5.10/5.15 stable lines, commit "
		"6cd88243c7e0: only after an external-interrupt exit, not after a "
		"pause-loop exit) or any (older hosts: on every deschedule); VMs only",
		KVM_PREEMPT_BOUNDARY, KVM_PREEMPT_BOUNDARY, KVM_PREEMPT_ANY,
		kvm_preempt_report_values, true },
	[KP_IDLE] = { "idle",
		"how an idle CPU waits: mwait (intel_idle; a wake-up is a store to "
		"the flags it monitors, no IPI) or hlt (default_idle; wake-ups send "
		"an IPI); guests have no MWAIT and always use hlt",
		IDLE_MWAIT, IDLE_MWAIT, IDLE_HLT, idle_values },
	[KP_PVSPIN] = { "pvspin",
		"paravirtual spinlocks in a guest: on (KVM's default since Linux "
		"3.12: a queued waiter that spins too long halts its vCPU and the "
		"unlocker kicks it) or off (the nopvspin boot option: native "
		"qspinlock); no effect on bare metal",
		PVSPIN_ON, PVSPIN_ON, PVSPIN_OFF, pvspin_values },
	[KP_PTL] = { "ptl",
		"page-table locks: split (one spinlock per PTE-table page, in its "
		"descriptor; upper levels under mm->page_table_lock; Linux with "
		"USE_SPLIT_PTE_PTLOCKS, x86-64 SMP since v2.6.15) or mm (one "
		"mm->page_table_lock for every table)",
		PTL_SPLIT, PTL_SPLIT, PTL_MM, ptl_values },
	[KP_VMA_LOCK] = { "vma_lock",
		"per-VMA locks: on (a fault read-locks its VMA alone and falls back "
		"to mmap_lock when a writer holds it; Linux 6.4+, where at first "
		"only anonymous VMAs qualified; modelled for every kind) or off "
		"(every fault takes mmap_lock for read, before 6.4)",
		VMA_LOCK_ON, VMA_LOCK_OFF, VMA_LOCK_ON, vma_lock_values },
};

int kparam_by_name(const char *name, size_t len)
{
	int i;

	for (i = 0; i < NR_KPARAMS; i++)
		if (strlen(kparams[i].name) == len && !strncmp(kparams[i].name, name, len))
			return i;
	return -1;
}

int kparam_parse(enum kparam p, const char *s, u64 *v)
{
	const struct kparam_desc *d = &kparams[p];
	unsigned long long n;
	char *end;
	u64 i;

	if (d->values) {
		for (i = d->min; i <= d->max; i++)
			if (!strcmp(s, d->values[i])) {
				*v = i;
				return 0;
			}
		return -1;
	}
	if (*s < '0' || *s > '9')
		return -1;
	n = strtoull(s, &end, 10);
	if (*end || n < d->min || n > d->max)
		return -1;
	*v = n;
	return 0;
}

const char *kparam_value_name(enum kparam p, u64 v)
{
	const struct kparam_desc *d = &kparams[p];

	return d->values && v >= d->min && v <= d->max ? d->values[v] : NULL;
}

void kparams_defaults(u64 v[NR_KPARAMS])
{
	int i;

	for (i = 0; i < NR_KPARAMS; i++)
		v[i] = kparams[i].def;
}

int kparam_format(enum kparam p, u64 v, char *buf, size_t len)
{
	const char *name = kparam_value_name(p, v);

	if (name)
		return snprintf(buf, len, "%s", name);
	return snprintf(buf, len, "%llu", (unsigned long long)v);
}

int kparam_format_values(enum kparam p, char *buf, size_t len)
{
	const struct kparam_desc *d = &kparams[p];
	size_t n = 0;
	u64 i;

	if (!d->values)
		return snprintf(buf, len, "%llu..%llu", (unsigned long long)d->min,
				(unsigned long long)d->max);
	if (len)
		buf[0] = '\0';
	for (i = d->min; i <= d->max; i++) {
		int w = snprintf(buf + (n < len ? n : len), n < len ? len - n : 0,
				 "%s%s", i > d->min ? "|" : "", d->values[i]);

		if (w < 0)
			return w;
		n += w;
	}
	return (int)n;
}
