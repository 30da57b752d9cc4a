// SPDX-License-Identifier: GPL-2.0
/*
 * kmem.c - a kernel's memory (see struct kmem in kernel.h).
 *
 * One mapping of KMEM_RESERVE bytes of address space, backed only where it
 * is touched.  The allocator's state is at its start, so the arena up to
 * kmem_used() is the whole truth about the kernel's objects: the checker
 * restores exactly that before every run.
 *
 * Every object is preceded by one cache line holding its size (kfree needs
 * no size argument), and rounded up to whole lines, or to whole pages from
 * a page up.  A freed object goes on the free list of its exact size and is
 * the first reused for that size: the same sequence of allocations and
 * frees always gives the same addresses relative to the arena.
 */
#include <sys/mman.h>

#include "bug.h"
#include "proto/kernel.h"

#define KMEM_RESERVE	(1ULL << 32)	/* address space, not memory */
#define KMEM_LISTS	64		/* free lists, by size hash */

struct kmem_hdr {
	u64 size;			/* bytes of the object, rounded */
	struct kmem_hdr *next;		/* free list */
} ____cacheline_aligned;

struct kmem {
	size_t used;			/* bytes from the start of the arena */
	struct kmem_hdr *free[KMEM_LISTS];
} ____cacheline_aligned;

static size_t round_size(size_t n)
{
	if (n >= PAGE_SIZE)
		return (n + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
	return n ? (n + SMP_CACHE_BYTES - 1) & ~(size_t)(SMP_CACHE_BYTES - 1) :
		   SMP_CACHE_BYTES;
}

static unsigned list_of(size_t size)
{
	return (size / SMP_CACHE_BYTES) % KMEM_LISTS;
}

struct kmem *kmem_create(void)
{
	void *base = mmap(NULL, KMEM_RESERVE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct kmem *km;

	if (base == MAP_FAILED)
		BUG("cannot reserve %llu bytes of address space for kernel memory",
		    (unsigned long long)KMEM_RESERVE);
	km = base;
	km->used = sizeof(*km);
	return km;
}

void kmem_destroy(struct kmem *km)
{
	if (km)
		munmap(km, KMEM_RESERVE);
}

size_t kmem_used(const struct kmem *km)
{
	return km->used;
}

void *kmem_zalloc(struct kmem *km, size_t n)
{
	size_t size = round_size(n), at;
	struct kmem_hdr **pp, *h;
	u8 *base = (u8 *)km;

	for (pp = &km->free[list_of(size)]; *pp; pp = &(*pp)->next) {
		if ((*pp)->size != size)
			continue;
		h = *pp;
		*pp = h->next;
		h->next = NULL;
		memset(h + 1, 0, size);
		return h + 1;
	}
	/* the object after its header line, page aligned when it is large */
	at = km->used + sizeof(*h);
	if (size >= PAGE_SIZE)
		at = (at + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
	if (at + size > KMEM_RESERVE)
		BUG("kernel memory exhausted (%zu bytes in use, %zu more asked)",
		    km->used, n);
	h = (struct kmem_hdr *)(base + at) - 1;
	h->size = size;
	h->next = NULL;
	km->used = at + size;
	/* a checker run may have written here before its state was restored */
	memset(h + 1, 0, size);
	return h + 1;
}

void kmem_free(struct kmem *km, void *p)
{
	struct kmem_hdr *h = (struct kmem_hdr *)p - 1;
	unsigned l;

	if (!p)
		return;
	BUG_ON((u8 *)h < (u8 *)(km + 1) || (u8 *)p >= (u8 *)km + km->used);
	l = list_of(h->size);
	h->next = km->free[l];
	km->free[l] = h;
}
