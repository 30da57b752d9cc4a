/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hypercall.h - what a hypervisor reads out of a flush hypercall's input
 * (include/hypercall.h has the ABI the guest encodes).
 */
#ifndef HW_HCALL_H
#define HW_HCALL_H

#include "env.h"
#include "hypercall.h"

/* Decode a flush request's processor set into out (the guest's vCPU
 * numbers); sets *all when every vCPU is meant.  Returns -1 for a
 * malformed request. */
int hw_hypercall_targets(int nr, const void *in, struct cpumask *out, bool *all);

#endif
