// SPDX-License-Identifier: GPL-2.0
/*
 * coro.c - stacks for coroutines.  Stacks are mmap'd with a guard page below
 * so an overflow faults instead of corrupting a neighbour; pages a CPU never
 * touches cost no memory.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/coro.h"

extern void coro_trampoline(void);

int coro_init(struct coro *co, size_t stack_size, void (*fn)(void *), void *arg)
{
	size_t guard = 4096;
	char *base = mmap(NULL, stack_size + guard, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t *sp;

	if (base == MAP_FAILED)
		return -1;
	mprotect(base, guard, PROT_NONE);
	co->stack = base;
	co->stack_size = stack_size + guard;

	/* Frame popped by coro_switch: r15 r14 r13 r12 rbx rbp, then the
	 * return address.  Keep rsp 16-byte aligned at the trampoline's call. */
	sp = (uintptr_t *)(base + guard + stack_size);
	*--sp = (uintptr_t)coro_trampoline;	/* ret target; rsp = top after */
	*--sp = 0;				/* rbp */
	*--sp = 0;				/* rbx */
	*--sp = (uintptr_t)fn;			/* r12 */
	*--sp = (uintptr_t)arg;			/* r13 */
	*--sp = 0;				/* r14 */
	*--sp = 0;				/* r15 */
	co->sp = sp;
	return 0;
}

void coro_destroy(struct coro *co)
{
	if (co->stack)
		munmap(co->stack, co->stack_size);
	co->stack = NULL;
}
