/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_para.h - the steal-time record a KVM guest shares with its host, as
 * the KVM ABI defines it (Documentation/virt/kvm/x86/msr.rst,
 * MSR_KVM_STEAL_TIME; layout and meaning, names ours).  The guest (proto/)
 * reads the `preempted` byte and may add FLUSH_TLB; the host (hw/kvm.c,
 * driven by an engine's host model) sets PREEMPTED and consumes FLUSH_TLB.
 */
#ifndef SHOOTDOWN_KVM_PARA_H
#define SHOOTDOWN_KVM_PARA_H

#include "env.h"

#define KVM_VCPU_PREEMPTED	0x01	/* set by the host only */
#define KVM_VCPU_FLUSH_TLB	0x02	/* set by a guest flusher */

/* One per vCPU, a cache line of guest memory. */
struct kvm_steal_time {
	u64 steal;
	u32 version;
	u32 flags;
	u8 preempted;
	u8 pad[47];
} ____cacheline_aligned;

#endif
