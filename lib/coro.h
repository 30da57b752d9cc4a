/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SIM_CORO_H
#define SIM_CORO_H

#include <stddef.h>

/* A coroutine is just a saved stack pointer. */
struct coro {
	void *sp;
	void *stack;		/* mapping, NULL for the host thread */
	size_t stack_size;
};

void coro_switch(void **from_sp, void **to_sp);
/* Prepare co to run fn(arg) on a fresh stack of stack_size bytes. */
int coro_init(struct coro *co, size_t stack_size, void (*fn)(void *), void *arg);
void coro_destroy(struct coro *co);

static inline void coro_transfer(struct coro *from, struct coro *to)
{
	coro_switch(&from->sp, &to->sp);
}

#endif
