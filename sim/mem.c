// SPDX-License-Identifier: GPL-2.0
/*
 * mem.c - cache-line coherence.
 *
 * Coherence is an MSI-like directory over 64-byte lines keyed by address:
 * each line has at most one owner (modified) or a set of sharers.  A load
 * hits if the CPU holds the line; otherwise the line comes from the owner,
 * or from a sharer (the LLC, or the other socket), or from DRAM.  A store or
 * locked RMW needs the line exclusive: it pays for invalidating the farthest
 * holder.  Ownership transfers of one line are serialised (`ready`), which is
 * what makes contended atomics and false sharing cost what they cost.
 */
#include <stdlib.h>
#include <string.h>

#include "bug.h"
#include "sim/internal.h"

#define LINE_SHIFT 6

static inline u32 line_hash(u64 tag, u32 cap)
{
	return (u32)((tag * 0x9e3779b97f4a7c15ULL) >> 32) & (cap - 1);
}

int linetab_init(struct linetab *t, int nr_cpus)
{
	t->cap = 1 << 12;
	t->used = 0;
	t->words_per_line = (nr_cpus + 63) / 64;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
	t->sharers = xcalloc((size_t)t->cap * t->words_per_line, sizeof(u64));
	return 0;
}

void linetab_free(struct linetab *t)
{
	free(t->slots);
	free(t->sharers);
}

static void linetab_grow(struct linetab *t)
{
	struct linetab n = {
		.cap = t->cap * 2,
		.used = t->used,
		.words_per_line = t->words_per_line,
	};
	u32 i, w = t->words_per_line;

	n.slots = xcalloc(n.cap, sizeof(*n.slots));
	n.sharers = xcalloc((size_t)n.cap * w, sizeof(u64));
	for (i = 0; i < t->cap; i++) {
		u32 j;
		if (!t->slots[i].tag)
			continue;
		j = line_hash(t->slots[i].tag, n.cap);
		while (n.slots[j].tag)
			j = (j + 1) & (n.cap - 1);
		n.slots[j] = t->slots[i];
		memcpy(&n.sharers[(size_t)j * w], &t->sharers[(size_t)i * w],
		       w * sizeof(u64));
	}
	linetab_free(t);
	*t = n;
}

/* The directory entry of a line, created (uncached, in DRAM) on first use. */
struct line *line_get(struct sim *s, u64 tag, u64 **sharers)
{
	struct linetab *t = &s->lines;
	u32 i;

	for (;;) {
		i = line_hash(tag, t->cap);
		while (t->slots[i].tag && t->slots[i].tag != tag)
			i = (i + 1) & (t->cap - 1);
		if (t->slots[i].tag)
			break;
		if ((t->used + 1) * 2 > t->cap) {
			linetab_grow(t);
			continue;
		}
		t->used++;
		t->slots[i] = (struct line){ .tag = tag, .owner = -1 };
		break;
	}
	*sharers = &t->sharers[(size_t)i * t->words_per_line];
	return &t->slots[i];
}

static inline bool bit_test(const u64 *b, int i) { return b[i / 64] >> (i % 64) & 1; }
static inline void bit_set(u64 *b, int i) { b[i / 64] |= 1ULL << (i % 64); }

/* Start a transfer no earlier than a pending ownership change completes. */
static inline ps_t queued(struct line *l, ps_t now, ps_t lat, bool exclusive,
			  ps_t *done)
{
	ps_t start = l->ready > now ? l->ready : now;

	*done = start + lat;
	if (exclusive)
		l->ready = *done;
	return *done - now;
}

uintptr_t coh_watch_addr;
u64 coh_watch_transfers;

static inline void watch_count(uintptr_t addr)
{
	if (unlikely(coh_watch_addr) &&
	    addr >> LINE_SHIFT == coh_watch_addr >> LINE_SHIFT)
		coh_watch_transfers++;
}

ps_t coh_load(struct sim_cpu *c, uintptr_t addr)
{
	struct sim *s = c->sim;
	u64 *sh;
	struct line *l = line_get(s, addr >> LINE_SHIFT, &sh);
	ps_t lat, done;

	if (l->owner == c->id || (l->owner < 0 && bit_test(sh, c->id)))
		return s->cost.l1;
	watch_count(addr);
	if (l->owner >= 0) {
		/* modified elsewhere: the owner supplies it and keeps a copy */
		struct sim_cpu *o = &s->cpus[l->owner];
		lat = transfer_cost(s, o, c);
		bit_set(sh, o->id);
		l->sockets = 1u << o->socket;
		l->owner = -1;
	} else if (l->sockets & (1u << c->socket)) {
		lat = s->cost.socket;		/* shared in this socket's LLC */
	} else if (l->sockets) {
		lat = s->cost.remote;
	} else {
		lat = s->cost.dram;
	}
	bit_set(sh, c->id);
	l->sockets |= 1u << c->socket;
	return queued(l, c->clock, lat, false, &done);
}

ps_t coh_store(struct sim_cpu *c, uintptr_t addr, bool rmw)
{
	struct sim *s = c->sim;
	u64 *sh;
	struct line *l = line_get(s, addr >> LINE_SHIFT, &sh);
	ps_t extra = rmw ? s->cost.atomic : 0, lat, done;
	u32 w;

	/* spinners on this line will see the change, whoever owns it */
	while (unlikely(l->waiters)) {
		struct sim_cpu *wt = &s->cpus[l->waiters - 1];
		wt->woke_by_store = true;
		sim_wake(wt, c->clock);		/* unlinks wt */
	}
	if (l->owner == c->id)
		return s->cost.l1 + extra;
	watch_count(addr);
	if (l->owner >= 0) {
		lat = transfer_cost(s, &s->cpus[l->owner], c);
	} else {
		/* invalidate every sharer; the farthest one bounds the cost */
		bool others = false;
		for (w = 0; w < s->lines.words_per_line && !others; w++)
			others = sh[w] & ~(w == (u32)c->id / 64 ? 1ULL << (c->id % 64) : 0);
		if (!others && bit_test(sh, c->id))
			lat = s->cost.l1;		/* sole sharer: upgrade */
		else if (!l->sockets)
			lat = s->cost.dram;
		else if (l->sockets & ~(1u << c->socket))
			lat = s->cost.remote;
		else
			lat = s->cost.socket;
	}
	memset(sh, 0, s->lines.words_per_line * sizeof(u64));
	l->owner = c->id;
	l->sockets = 1u << c->socket;
	return queued(l, c->clock, lat, true, &done) + extra;
}

/* spin_wait list: by cpu id + 1, doubly linked through the CPUs. */
void coh_wait_add(struct sim_cpu *c, uintptr_t addr)
{
	struct sim *s = c->sim;
	u64 *sh;
	struct line *l = line_get(s, addr >> LINE_SHIFT, &sh);

	c->wait_line = addr >> LINE_SHIFT;
	c->wait_prev = 0;
	c->wait_next = l->waiters;
	if (l->waiters)
		s->cpus[l->waiters - 1].wait_prev = c->id + 1;
	l->waiters = c->id + 1;
}

void coh_wait_del(struct sim_cpu *c)
{
	struct sim *s = c->sim;
	u64 *sh;
	struct line *l = line_get(s, c->wait_line, &sh);

	if (c->wait_prev)
		s->cpus[c->wait_prev - 1].wait_next = c->wait_next;
	else
		l->waiters = c->wait_next;
	if (c->wait_next)
		s->cpus[c->wait_next - 1].wait_prev = c->wait_prev;
	c->wait_next = c->wait_prev = 0;
	c->wait_line = 0;
}

/* Is c on the waiter list of the line it waits on?  (A self-check.) */
bool coh_wait_listed(struct sim_cpu *c)
{
	struct sim *s = c->sim;
	u64 *sh;
	struct line *l;
	u16 w;

	if (!c->wait_line)
		return false;
	l = line_get(s, c->wait_line, &sh);
	for (w = l->waiters; w; w = s->cpus[w - 1].wait_next)
		if (w == c->id + 1)
			return true;
	return false;
}

