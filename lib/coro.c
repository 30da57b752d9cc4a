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

#ifdef CORO_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

extern void coro_trampoline(void);

#define CORO_GUARD	4096	/* an unmapped page below each stack */

#ifdef CORO_ASAN
/* The coroutine that switched last: the one a fresh stack came from. */
static struct coro *coro_prev;

/* Tell ASan which stack the switch lands on and learn where it came from
 * (the host thread's stack is only known that way). */
static void asan_arrived(void *fake)
{
	const void *bottom;
	size_t size;

	__sanitizer_finish_switch_fiber(fake, &bottom, &size);
	if (coro_prev && !coro_prev->asan_bottom) {
		coro_prev->asan_bottom = bottom;
		coro_prev->asan_size = size;
	}
}

void coro_transfer(struct coro *from, struct coro *to)
{
	coro_prev = from;
	__sanitizer_start_switch_fiber(&from->asan_fake, to->asan_bottom, to->asan_size);
	coro_switch(&from->sp, &to->sp);
	asan_arrived(from->asan_fake);
}
#endif

/* The first frame of every coroutine (called by coro_trampoline). */
void coro_start(struct coro *co);
void coro_start(struct coro *co)
{
#ifdef CORO_ASAN
	asan_arrived(NULL);
#endif
	co->fn(co->arg);
}

/*
 * Make co start afresh at fn(arg) on its own stack; whatever ran there
 * before is forgotten (a recycled task stack).  Not for the running one.
 */
void coro_reset(struct coro *co, void (*fn)(void *), void *arg)
{
	uintptr_t *sp;

	co->fn = fn;
	co->arg = arg;
#ifdef CORO_ASAN
	/* frames abandoned mid-call leave their redzones poisoned */
	ASAN_UNPOISON_MEMORY_REGION((char *)co->stack + CORO_GUARD,
				    co->stack_size - CORO_GUARD);
	co->asan_bottom = (char *)co->stack + CORO_GUARD;
	co->asan_size = co->stack_size - CORO_GUARD;
	co->asan_fake = NULL;
#endif

	/* Frame popped by coro_switch: r15 r14 r13 r12 rbx rbp, then the
	 * return address.  Keep rsp 16-byte aligned at the trampoline's call. */
	sp = (uintptr_t *)((char *)co->stack + co->stack_size);
	*--sp = (uintptr_t)coro_trampoline;	/* ret target; rsp = top after */
	*--sp = 0;				/* rbp */
	*--sp = 0;				/* rbx */
	*--sp = (uintptr_t)coro_start;		/* r12 */
	*--sp = (uintptr_t)co;			/* r13 */
	*--sp = 0;				/* r14 */
	*--sp = 0;				/* r15 */
	co->sp = sp;
}

int coro_init(struct coro *co, size_t stack_size, void (*fn)(void *), void *arg)
{
	size_t guard = CORO_GUARD;
	char *base = mmap(NULL, stack_size + guard, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (base == MAP_FAILED)
		return -1;
	mprotect(base, guard, PROT_NONE);
	co->stack = base;
	co->stack_size = stack_size + guard;
	coro_reset(co, fn, arg);
	return 0;
}

void coro_destroy(struct coro *co)
{
	if (co->stack) {
#ifdef CORO_ASAN
		/* A coroutine abandoned mid-call leaves its frames' redzones
		 * poisoned; a later mapping at this address must not inherit
		 * them. */
		ASAN_UNPOISON_MEMORY_REGION(co->stack, co->stack_size);
#endif
		munmap(co->stack, co->stack_size);
	}
	co->stack = NULL;
}
