// SPDX-License-Identifier: GPL-2.0
/*
 * user.c - user accesses and speculative walks in the checker, on the
 * machine model (hw/): what a TLB, a walk and a stale translation are is
 * hw/'s; here is only how they become events and counterexample lines.
 *
 * The checker's machine is small: an 8-entry TLB in one set (evictions are
 * possible but rare), a 4-entry PWC, 64 frames, no quarantine (the frame
 * freed last is reused first, so a use after free meets a reused frame as
 * soon as it can).  A speculative walk is an event of its own, enabled
 * exactly when some PWC entry of the running PCID points at a table freed
 * since, so the search explores it wherever it could happen.
 */
#include <stdio.h>

#include "check/ck.h"

static void log_user(struct ck_cpu *c, u64 va, bool write, u64 v, const char *how,
		     u32 pfn)
{
	char b[32];

	ck_log(c->id, "user %s 0x%llx %s %s (%s -> frame %u)",
	       write ? "write" : "read", (unsigned long long)va,
	       write ? "<-" : "=", ck_val(v, b, sizeof(b)), how, pfn);
}

/*
 * The translation half of a user access to the 8-byte word at va, after its
 * STEP was scheduled.  Returns 0 with the frame, 1 when the page fault
 * handler must run, -1 when the access cannot complete (reported).
 */
int ck_user_translate(struct ck_cpu *c, u64 va, bool write, u32 *pfn)
{
	enum hw_xlate x = hw_translate(&ck.hw, &c->arch.hw, va, write, pfn);

	c->latched_hit = x == HW_XLATE_HIT;
	if (x == HW_XLATE_FAULT && unlikely(ck.verbose))
		ck_log(c->id, "user %s 0x%llx: page fault",
		       write ? "write" : "read", (unsigned long long)va);
	return x == HW_XLATE_FAULT ? 1 : x == HW_XLATE_BAD ? -1 : 0;
}

/*
 * The access half, through the translation taken (pfn, its generation
 * then).  latched: a step of its own, after the translation (under a host,
 * which may deschedule the vCPU in between); the frame must still be the
 * one translated to.
 */
void ck_user_complete(struct ck_cpu *c, u64 va, u64 *val, bool write, u32 pfn,
		      u32 gen, bool latched)
{
	const char *how = c->latched_hit ? "TLB hit" : "TLB miss, walked";
	uintptr_t word;

	ck_fp_cur.cls_r |= CL_FRAMES;
	if (latched)
		hw_check_in_flight(&ck.hw, &c->arch.hw, va, write, pfn, gen);
	word = (uintptr_t)ck.ram + ((uintptr_t)pfn << PAGE_SHIFT) + (va & (PAGE_SIZE - 8));
	if (write) {
		ck_store(c, word, *val, 8);
	} else {
		fp_mem(word, 8, false);
		*val = ck_view(c, word, 8, NULL);
	}
	if (unlikely(ck.verbose))
		log_user(c, va, write, *val, latched ? "translated before" : how, pfn);
}

bool ck_spec_enabled(const struct ck_cpu *c)
{
	return hw_pwc_stale(&ck.hw, (struct hw_cpu *)&c->arch.hw) != NULL;
}

/* Hardware may walk any cached translation path of the loaded address space
 * at any time, also while the CPU runs kernel code. */
void ck_spec_walk(struct ck_cpu *c)
{
	struct hw_pwce *p = hw_pwc_stale(&ck.hw, &c->arch.hw);

	ck_fp_cur.cpus |= 1u << c->id;
	ck_fp_cur.cls_r |= CL_FRAMES;
	if (p)
		hw_spec_walk(&ck.hw, &c->arch.hw, p);
}
