// SPDX-License-Identifier: GPL-2.0
/*
 * tso.c - shared memory under x86-TSO.
 *
 * x86-TSO (Sewell et al., "x86-TSO: a rigorous and usable programmer's
 * model for x86 multiprocessors", CACM 53(7), 2010): every CPU has a FIFO
 * store buffer.  A store enters it; the oldest entry reaches memory when a
 * DRAIN event for that CPU is scheduled, so the moment a store becomes
 * visible to the others is a choice like any other.  A load reads the
 * newest bytes its own buffer holds for the location, memory for the rest.
 * Locked RMWs, MFENCE and serializing events empty the buffer first.
 *
 * Host memory is write-through: a store is written at once, so the issuing
 * CPU's plain C reads of its own data (which the kernel does all the time,
 * e.g. flush_info right after filling it) see it, as they would on x86.
 * What the other CPUs see is the *global* value: for every 8-byte word with
 * a store pending in some buffer, a shadow entry keeps the word's global
 * bytes until the last pending store to it has drained, when memory gets
 * them back.  Env loads of other CPUs read the shadow; locked operations
 * read and write it.
 *
 * Entries keep their size and loads merge byte by byte, so overlapping
 * accesses of mixed sizes are exact, not assumed away.
 */
#include <stdio.h>
#include <string.h>

#include "check/ck.h"

#define SHADOW_MAX	(CHECK_MAX_CPUS * CK_SB_CAP * 2)

struct shadow {
	uintptr_t word;		/* address >> 3 */
	u64 global;		/* the word as all CPUs see it */
	u8 mask;		/* bytes stored to since the entry was made */
	u16 pending;		/* buffered stores still covering the word */
};

static struct shadow shadows[SHADOW_MAX];
static int nr_shadows;
static u8 bloom[64];		/* counts of entries per hash bucket */

static inline unsigned bucket(uintptr_t word)
{
	return (unsigned)((word * 0x9e3779b97f4a7c15ULL) >> 58);
}

static struct shadow *shadow_find(uintptr_t word)
{
	int i;

	if (!bloom[bucket(word)])
		return NULL;
	for (i = 0; i < nr_shadows; i++)
		if (shadows[i].word == word)
			return &shadows[i];
	return NULL;
}

static struct shadow *shadow_get(uintptr_t word)
{
	struct shadow *s = shadow_find(word);

	if (s)
		return s;
	s = &shadows[nr_shadows++];
	s->word = word;
	memcpy(&s->global, (const void *)(word << 3), 8);
	s->mask = 0;
	s->pending = 0;
	bloom[bucket(word)]++;
	return s;
}

/* The last pending store has drained: memory gets the global bytes. */
static void shadow_retire(struct shadow *s)
{
	u8 *mem = (u8 *)(s->word << 3), *g = (u8 *)&s->global;
	int b;

	for (b = 0; b < 8; b++)
		if (s->mask >> b & 1)
			mem[b] = g[b];
	if (ck_in_phys(s->word << 3))
		ck.dirty[ck_pfn_of(s->word << 3)] = 1;
	bloom[bucket(s->word)]--;
	*s = shadows[--nr_shadows];
}

void ck_tso_reset(void)
{
	int i;

	nr_shadows = 0;
	memset(bloom, 0, sizeof(bloom));
	for (i = 0; i < CHECK_MAX_CPUS; i++)
		ck.cpu[i].sb.pushed = ck.cpu[i].sb.popped = 0;
}

static inline bool overlaps(uintptr_t a, int as, uintptr_t b, int bs)
{
	return a < b + bs && b < a + as;
}

/* Apply f to each byte of [a, a + size): word, byte index in word, index in
 * the access. */
#define for_each_byte(a, size, w, wb, k)					\
	for ((k) = 0; (k) < (size) &&						\
	     ((w) = ((a) + (k)) >> 3, (wb) = ((a) + (k)) & 7, 1); (k)++)

/* The global value of [a, a + size): what a CPU without buffered stores
 * to it reads. */
u64 ck_global_read(uintptr_t a, int size)
{
	uintptr_t w;
	u8 bytes[8];
	int k, wb;
	u64 v = 0;

	if (likely(!nr_shadows) ||
	    (!shadow_find(a >> 3) && !shadow_find((a + size - 1) >> 3)))
		return ck_raw_read(a, size);
	for_each_byte(a, size, w, wb, k) {
		struct shadow *s = shadow_find(w);

		bytes[k] = s ? ((u8 *)&s->global)[wb] : *(u8 *)(a + k);
	}
	memcpy(&v, bytes, size);
	return v;
}

/* A store becomes globally visible (drain, locked op, SC store). */
void ck_global_write(uintptr_t a, u64 v, int size)
{
	const u8 *src = (const u8 *)&v;
	uintptr_t w;
	int k, wb;

	if (likely(!nr_shadows) ||
	    (!shadow_find(a >> 3) && !shadow_find((a + size - 1) >> 3))) {
		ck_raw_write(a, v, size);
		return;
	}
	for_each_byte(a, size, w, wb, k) {
		struct shadow *s = shadow_find(w);

		if (s) {
			((u8 *)&s->global)[wb] = src[k];
			s->mask |= 1u << wb;
		} else {
			*(u8 *)(a + k) = src[k];
		}
	}
}

/* ---- store buffers ------------------------------------------------------------ */

static inline struct ck_sb_entry *sb_at(struct ck_sb *sb, int i)
{
	return &sb->e[(sb->head + i) & (CK_SB_CAP - 1)];
}

/* Slow path: some buffered store covers only part of [a, a + size). */
static u64 view_merge(struct ck_sb *sb, uintptr_t a, int size, u64 global)
{
	u8 bytes[8];
	int i, k;

	memcpy(bytes, &global, 8);
	for (i = 0; i < sb->n; i++) {			/* oldest first */
		struct ck_sb_entry *e = sb_at(sb, i);
		const u8 *src = (const u8 *)&e->val;

		if (!overlaps(a, size, e->addr, e->size))
			continue;
		for (k = 0; k < size; k++) {
			uintptr_t b = a + k;
			if (b >= e->addr && b < e->addr + e->size)
				bytes[k] = src[b - e->addr];
		}
	}
	memcpy(&global, bytes, 8);
	return size == 8 ? global : global & ((1ULL << (size * 8)) - 1);
}

/* What c sees at [a, a + size): its own newest buffered bytes, else the
 * global value. */
u64 ck_view(struct ck_cpu *c, uintptr_t a, int size, bool *forwarded)
{
	struct ck_sb *sb = &c->sb;
	int i;

	if (forwarded)
		*forwarded = false;
	for (i = sb->n - 1; i >= 0; i--) {		/* newest first */
		struct ck_sb_entry *e = sb_at(sb, i);

		if (!overlaps(a, size, e->addr, e->size))
			continue;
		if (forwarded)
			*forwarded = true;
		if (e->addr == a && e->size == size)
			return e->val;
		return view_merge(sb, a, size, ck_global_read(a, size));
	}
	return ck_global_read(a, size);
}

/* The oldest buffered store of c becomes visible to everyone. */
void ck_drain_one(struct ck_cpu *c)
{
	struct ck_sb *sb = &c->sb;
	struct ck_sb_entry *e = sb_at(sb, 0);
	uintptr_t w, last = (e->addr + e->size - 1) >> 3;

	if (ck_in_phys(e->addr)) {
		u32 pfn = ck_pfn_of(e->addr);

		ck_fp_cur.cls_r |= CL_FRAMES;
		if (!ck_frame_used(pfn))
			ck_violation("cpu %d: a buffered store to frame %u (offset "
				     "0x%llx) reached memory after the frame was "
				     "freed: use after free", c->id, pfn,
				     (unsigned long long)(e->addr & (PAGE_SIZE - 1)));
	}
	ck_global_write(e->addr, e->val, e->size);
	for (w = e->addr >> 3; w <= last; w++) {
		struct shadow *s = shadow_find(w);

		if (s && !--s->pending)
			shadow_retire(s);
	}
	fp_mem(e->addr, e->size, true);
	if (unlikely(ck.verbose) && !ck.draining_all) {
		char n[64], v[32];
		ck_log(c->id, "store buffer drains: %s = %s",
		       ck_name_of(e->addr, n, sizeof(n)), ck_val(e->val, v, sizeof(v)));
	}
	sb->head = (sb->head + 1) & (CK_SB_CAP - 1);
	sb->n--;
	sb->popped++;
}

/* Serializing events and locked operations: empty the buffer, in order. */
int ck_drain_all(struct ck_cpu *c)
{
	int n = c->sb.n;

	ck_fp_cur.flags |= FP_DRAINS;
	ck.draining_all = true;		/* the caller says it in one line */
	while (c->sb.n && !ck.violated)
		ck_drain_one(c);
	ck.draining_all = false;
	return n;
}

void ck_store(struct ck_cpu *c, uintptr_t a, u64 v, int size)
{
	struct ck_sb *sb = &c->sb;
	struct ck_sb_entry *e;
	uintptr_t w, last = (a + size - 1) >> 3;

	if (!ck.tso || !ck.cur) {	/* SC, or set-up on the host */
		ck_global_write(a, v, size);
		fp_mem(a, size, true);
		return;
	}
	if (sb->n == CK_SB_CAP) {	/* a full buffer stalls until one drains */
		ck_fp_cur.flags |= FP_DRAINS;
		ck_drain_one(c);
	}
	for (w = a >> 3; w <= last; w++)
		shadow_get(w)->pending++;
	ck_raw_write(a, v, size);	/* write-through: the issuer's plain view */
	e = sb_at(sb, sb->n++);
	sb->pushed++;
	e->addr = a;
	e->val = v;
	e->size = size;
}
