// SPDX-License-Identifier: GPL-2.0
/*
 * memory.c - the checker's physical memory (64 frames of 4 KiB, which ones
 * were written since the last restore; the frame table itself is hw/'s),
 * raw host accesses, the hardware model's port into the checker, and names
 * of locations for counterexamples.  The x86-TSO view of memory is in
 * tso.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/ck.h"
#include "lib/raw.h"

struct ck_machine ck;
struct ck_fp ck_fp_cur;

u64 ck_raw_read(uintptr_t a, int size)
{
	return raw_read((const volatile void *)a, size);
}

void ck_raw_write(uintptr_t a, u64 v, int size)
{
	if (ck_in_phys(a))
		ck.dirty[ck_pfn_of(a)] = 1;
	raw_write((volatile void *)a, v, size);
}

/* ---- physical memory and the hardware's port ------------------------------ */

/* A kernel access through the direct map: the frame must be allocated. */
void ck_phys_touch(struct ck_cpu *c, uintptr_t a, bool write)
{
	ck_fp_cur.cls_r |= CL_FRAMES;
	hw_check_direct_map(&ck.hw, a, write);
}

/* Frames come zeroed; the frame table is hw/'s (mem.c there). */
u64 ck_frame_alloc(void)
{
	u64 pfn;

	ck_fp_cur.cls_w |= CL_FRAMES;
	pfn = hw_frame_alloc(&ck.hw);
	if (pfn)
		ck.dirty[pfn] = 1;
	return pfn;
}

void ck_frame_free(u64 pfn)
{
	ck_fp_cur.cls_w |= CL_FRAMES;
	hw_frame_free(&ck.hw, pfn);
}

/* The checker's clock counts executed events. */
static hw_time port_now(struct hw_machine *m)
{
	return ck_clock();
}

static void port_violation(struct hw_machine *m, int cpu, const char *msg)
{
	if (cpu >= 0)
		ck_violation("cpu %d: %s", cpu, msg);
	else
		ck_violation("%s", msg);
}

/* A walker reads the tables as its CPU sees them: its own buffered
 * page-table stores included.  (The host has no store buffer.) */
static u64 port_read_entry(struct hw_machine *m, int cpu, const u64 *e)
{
	struct ck_cpu *c = cpu >= 0 ? &ck.cpu[cpu] : NULL;

	fp_mem((uintptr_t)e, 8, false);
	return c ? ck_view(c, (uintptr_t)e, 8, NULL) : ck_global_read((uintptr_t)e, 8);
}

static u8 port_host_read8(struct hw_machine *m, const u8 *p)
{
	fp_mem((uintptr_t)p, 1, false);
	return ck_global_read((uintptr_t)p, 1);
}

static void port_host_write8(struct hw_machine *m, u8 *p, u8 v)
{
	fp_mem((uintptr_t)p, 1, true);
	ck_global_write((uintptr_t)p, v, 1);
	if (unlikely(ck.verbose)) {
		char n[64], b[32];
		ck_log(ck.hw.running, "  host sets %s = %s",
		       ck_name_of((uintptr_t)p, n, sizeof(n)), ck_val(v, b, sizeof(b)));
	}
}

static void port_fmt_time(hw_time t, char *buf, size_t len)
{
	snprintf(buf, len, "step %llu", (unsigned long long)t);
}

static void port_depends(struct hw_machine *m, unsigned what)
{
	if (what & HW_DEP_TIME)
		ck_fp_cur.cls_r |= CL_TIME;
	if (what & HW_DEP_FRAMES)
		ck_fp_cur.cls_r |= CL_FRAMES;
	if (what & HW_DEP_LOG)
		ck_fp_cur.cls_r |= CL_LOG;
}

const struct hw_port ck_hw_port = HW_PORT_INITIALIZER(port_);

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
