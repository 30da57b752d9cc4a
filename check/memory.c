// SPDX-License-Identifier: GPL-2.0
/*
 * memory.c - the checker's physical memory (64 frames of 4 KiB, a generation
 * per frame bumped on every free, which frames were written since the last
 * restore), raw host accesses, and names of locations for counterexamples.
 * The x86-TSO view of memory is in tso.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/ck.h"

struct ck_machine ck;
struct ck_fp ck_fp_cur;

u64 ck_raw_read(uintptr_t a, int size)
{
	switch (size) {
	case 1: return *(const volatile u8 *)a;
	case 2: return *(const volatile u16 *)a;
	case 4: return *(const volatile u32 *)a;
	default: return *(const volatile u64 *)a;
	}
}

void ck_raw_write(uintptr_t a, u64 v, int size)
{
	if (ck_in_phys(a))
		ck.dirty[ck_pfn_of(a)] = 1;
	switch (size) {
	case 1: *(volatile u8 *)a = v; break;
	case 2: *(volatile u16 *)a = v; break;
	case 4: *(volatile u32 *)a = v; break;
	default: *(volatile u64 *)a = v; break;
	}
}

/* ---- physical memory -------------------------------------------------------- */

/* A kernel access through the direct map: the frame must be allocated. */
void ck_phys_touch(struct ck_cpu *c, uintptr_t a, bool write)
{
	u32 pfn = ck_pfn_of(a);

	ck_fp_cur.cls_r |= CL_FRAMES;
	if (!ck.used[pfn])
		ck_violation("cpu %d: %s of freed frame %u (offset 0x%llx) through "
			     "the direct map: use after free", c ? c->id : -1,
			     write ? "write" : "read", pfn,
			     (unsigned long long)(a & (PAGE_SIZE - 1)));
}

/* Every run starts with all frames free, handed out lowest first.  Frame 0
 * is never handed out: pfn 0 means "no page" to the kernel. */
void ck_phys_reset(void)
{
	int i;

	ck.nr_free = 0;
	for (i = CK_NR_FRAMES - 1; i >= 1; i--)
		ck.free_list[ck.nr_free++] = i;
	memset(ck.used, 0, sizeof(ck.used));
	memset(ck.gen, 0, sizeof(ck.gen));
	ck.used[0] = 1;
}

/* Freed frames are reused first (LIFO), so a use after free meets a reused
 * frame as early as possible.  Frames come zeroed. */
u64 ck_frame_alloc(void)
{
	u32 pfn;

	ck_fp_cur.cls_w |= CL_FRAMES;
	if (!ck.nr_free)
		return 0;
	pfn = ck.free_list[--ck.nr_free];
	ck.used[pfn] = 1;
	ck.dirty[pfn] = 1;
	memset(ck.ram + ((size_t)pfn << PAGE_SHIFT), 0, PAGE_SIZE);
	return pfn;
}

void ck_frame_free(u64 pfn)
{
	ck_fp_cur.cls_w |= CL_FRAMES;
	if (!pfn || pfn >= CK_NR_FRAMES || !ck.used[pfn]) {
		ck_violation("free of frame %llu that is not allocated",
			     (unsigned long long)pfn);
		return;
	}
	ck.used[pfn] = 0;
	ck.gen[pfn]++;
	ck.frees++;
	ck.free_list[ck.nr_free++] = pfn;
}

/* ---- names -------------------------------------------------------------------- */

/* Names are only kept while a counterexample is being printed. */
void check_name(const volatile void *p, size_t size, const char *fmt, ...)
{
	struct ck_name *n;
	va_list ap;
	int i;

	if (!ck.verbose && !ck.in_init)
		return;
	for (i = 0; i < ck.nr_names; i++)
		if (ck.names[i].addr == (uintptr_t)p && ck.names[i].size == size)
			break;
	if (i == ck.nr_names) {
		if (ck.nr_names == CK_MAX_NAMES)
			return;
		ck.nr_names++;
	}
	n = &ck.names[i];
	n->addr = (uintptr_t)p;
	n->size = size ? size : 1;
	va_start(ap, fmt);
	vsnprintf(n->name, sizeof(n->name), fmt, ap);
	va_end(ap);
}

/* The smallest named region holding a, else frame+offset or the address. */
const char *ck_name_of(uintptr_t a, char *buf, size_t len)
{
	const struct ck_name *best = NULL;
	int i;

	for (i = 0; i < ck.nr_names; i++) {
		const struct ck_name *n = &ck.names[i];
		if (a - n->addr < n->size && (!best || n->size < best->size))
			best = n;
	}
	if (best) {
		size_t off = a - best->addr;
		if (!off)
			snprintf(buf, len, "%s", best->name);
		else if (best->size == PAGE_SIZE && !(off & 7))
			snprintf(buf, len, "%s[%zu]", best->name, off / 8);
		else
			snprintf(buf, len, "%s+0x%zx", best->name, off);
	} else if (ck_in_phys(a)) {
		snprintf(buf, len, "frame%u+0x%llx", ck_pfn_of(a),
			 (unsigned long long)(a & (PAGE_SIZE - 1)));
	} else {
		snprintf(buf, len, "[%#llx]", (unsigned long long)a);
	}
	return buf;
}

/* A value that points into a named region prints as its address: &name. */
static const char *val_as_pointer(u64 v, char *buf, size_t len)
{
	const struct ck_name *best = NULL;
	int i;

	if (v < 0x10000)
		return NULL;
	for (i = 0; i < ck.nr_names; i++) {
		const struct ck_name *n = &ck.names[i];
		if (v - n->addr >= n->size)
			continue;
		/* the whole object rather than its first field */
		if (!best || (v == n->addr && (best->addr != v || n->size > best->size)) ||
		    (v != best->addr && n->size < best->size))
			best = n;
	}
	if (!best)
		return NULL;
	if (v == best->addr)
		snprintf(buf, len, "&%s", best->name);
	else
		snprintf(buf, len, "&%s+0x%llx", best->name,
			 (unsigned long long)(v - best->addr));
	return buf;
}

const char *ck_drained(int n, char *buf, size_t len)
{
	if (!n)
		buf[0] = 0;
	else
		snprintf(buf, len, " (drains %d buffered store%s first)", n,
			 n == 1 ? "" : "s");
	return buf;
}

const char *ck_val(u64 v, char *buf, size_t len)
{
	if (val_as_pointer(v, buf, len))
		return buf;
	if (v < 10)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else if ((s64)v < 0 && (s64)v > -10)
		snprintf(buf, len, "%lld", (long long)v);
	else
		snprintf(buf, len, "%#llx", (unsigned long long)v);
	return buf;
}
