/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stale.h - the one definition of a stale translation, shared by every
 * engine's detector: does a TLB entry (frame pfn, filled when the frame had
 * the generation it still has unless freed) still say what memory says for
 * this access?
 */
#ifndef LIB_STALE_H
#define LIB_STALE_H

#include <stdio.h>

#include "x86.h"

/* false if the entry is still true; else true, with the reason in why. */
static inline bool tlb_entry_stale(pte_t now, u64 pfn, bool freed, bool write,
				   char *why, size_t len)
{
	if (freed)
		snprintf(why, len, "frame %llu was freed since", (unsigned long long)pfn);
	else if (!pte_present(now))
		snprintf(why, len, "the PTE is now not present");
	else if (pte_pfn(now) != pfn)
		snprintf(why, len, "the PTE now maps frame %llu",
			 (unsigned long long)pte_pfn(now));
	else if (write && !pte_write(now))
		snprintf(why, len, "the PTE is now read-only");
	else
		return false;
	return true;
}

#endif
