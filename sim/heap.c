// SPDX-License-Identifier: GPL-2.0
/*
 * heap.c - binary min-heap of CPUs and events keyed by (time, kind, seq).
 * Nodes record their position so a sleeping CPU can be woken early.
 */
#include <stdlib.h>

#include "sim/internal.h"

void heap_init(struct heap *h, u32 cap)
{
	h->cap = cap ? cap : 64;
	h->a = calloc(h->cap, sizeof(*h->a));
	h->n = 0;
	h->seq = 0;
}

void heap_free(struct heap *h)
{
	free(h->a);
	h->a = NULL;
}

static inline void heap_set(struct heap *h, u32 i, struct heap_slot s)
{
	h->a[i] = s;
	s.n->pos = i;
}

static void sift_up(struct heap *h, u32 i)
{
	struct heap_slot s = h->a[i];

	while (i) {
		u32 p = (i - 1) / 2;
		if (!heap_slot_before(&s, &h->a[p]))
			break;
		heap_set(h, i, h->a[p]);
		i = p;
	}
	heap_set(h, i, s);
}

static void sift_down(struct heap *h, u32 i)
{
	struct heap_slot s = h->a[i];

	for (;;) {
		u32 l = 2 * i + 1, m;
		if (l >= h->n)
			break;
		m = l;
		if (l + 1 < h->n && heap_slot_before(&h->a[l + 1], &h->a[l]))
			m = l + 1;
		if (!heap_slot_before(&h->a[m], &s))
			break;
		heap_set(h, i, h->a[m]);
		i = m;
	}
	heap_set(h, i, s);
}

void heap_push(struct heap *h, struct hnode *n, ps_t key)
{
	if (h->n == h->cap) {
		h->cap *= 2;
		h->a = realloc(h->a, h->cap * sizeof(*h->a));
	}
	h->a[h->n] = (struct heap_slot){
		.key = key,
		.tie = (u64)n->kind << HEAP_TIE_KIND_SHIFT | h->seq++,
		.n = n,
	};
	n->pos = h->n++;
	sift_up(h, n->pos);
}

struct hnode *heap_pop(struct heap *h, ps_t *key)
{
	struct hnode *n;

	if (!h->n)
		return NULL;
	n = h->a[0].n;
	*key = h->a[0].key;
	n->pos = HEAP_NONE;
	if (--h->n) {
		h->a[0] = h->a[h->n];
		h->a[0].n->pos = 0;
		sift_down(h, 0);
	}
	return n;
}

void heap_remove(struct heap *h, struct hnode *n)
{
	u32 i = n->pos;

	struct hnode *moved;

	n->pos = HEAP_NONE;
	if (i == --h->n)
		return;
	moved = h->a[h->n].n;
	heap_set(h, i, h->a[h->n]);
	sift_up(h, i);
	sift_down(h, moved->pos);
}

void heap_update(struct heap *h, struct hnode *n, ps_t key)
{
	u32 i = n->pos;
	ps_t old = h->a[i].key;

	h->a[i].key = key;
	h->a[i].tie = (u64)n->kind << HEAP_TIE_KIND_SHIFT | h->seq++;
	if (key < old)
		sift_up(h, i);
	else
		sift_down(h, i);
}

struct hnode *heap_replace_top(struct heap *h, struct hnode *n, ps_t key,
			       ps_t *top_key)
{
	struct hnode *top = h->a[0].n;

	*top_key = h->a[0].key;
	top->pos = HEAP_NONE;
	h->a[0] = (struct heap_slot){
		.key = key,
		.tie = (u64)n->kind << HEAP_TIE_KIND_SHIFT | h->seq++,
		.n = n,
	};
	n->pos = 0;
	sift_down(h, 0);
	return top;
}
