/* SPDX-License-Identifier: GPL-2.0 */
/*
 * coro.h - stackful coroutines: a saved stack pointer and the stack.
 *
 * Under AddressSanitizer every switch is announced to it
 * (__sanitizer_start_switch_fiber / __sanitizer_finish_switch_fiber), so
 * that it knows which stack is live; otherwise a switch costs six pushes,
 * six pops and a return.
 */
#ifndef LIB_CORO_H
#define LIB_CORO_H

#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#define CORO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CORO_ASAN 1
#endif
#endif

struct coro {
	void *sp;
	void *stack;		/* mapping, NULL for the host thread */
	size_t stack_size;
	void (*fn)(void *);
	void *arg;
#ifdef CORO_ASAN
	const void *asan_bottom;	/* the usable stack, as ASan sees it */
	size_t asan_size;
	void *asan_fake;
#endif
};

void coro_switch(void **from_sp, void **to_sp);
/* Prepare co to run fn(arg) on a fresh stack of stack_size bytes. */
int coro_init(struct coro *co, size_t stack_size, void (*fn)(void *), void *arg);
/* Start co over at fn(arg) on the stack it has. */
void coro_reset(struct coro *co, void (*fn)(void *), void *arg);
void coro_destroy(struct coro *co);

#ifdef CORO_ASAN
void coro_transfer(struct coro *from, struct coro *to);
#else
static inline void coro_transfer(struct coro *from, struct coro *to)
{
	coro_switch(&from->sp, &to->sp);
}
#endif

#endif
