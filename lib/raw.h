/* SPDX-License-Identifier: GPL-2.0 */
/*
 * raw.h - the engines' own reads and writes of simulated memory, once the
 * model has decided what an access costs or when it becomes visible.
 *
 * x86 allows any alignment, and scenarios use mixed-size and unaligned
 * accesses on purpose, so the host access goes through types of alignment
 * 1: defined C whatever the address, one instruction on x86-64.
 */
#ifndef LIB_RAW_H
#define LIB_RAW_H

#include <stdint.h>

typedef uint16_t __attribute__((aligned(1), may_alias)) raw_u16;
typedef uint32_t __attribute__((aligned(1), may_alias)) raw_u32;
typedef uint64_t __attribute__((aligned(1), may_alias)) raw_u64;

static inline uint64_t raw_read(const volatile void *p, int size)
{
	switch (size) {
	case 1: return *(const volatile uint8_t *)p;
	case 2: return *(const volatile raw_u16 *)p;
	case 4: return *(const volatile raw_u32 *)p;
	default: return *(const volatile raw_u64 *)p;
	}
}

static inline void raw_write(volatile void *p, uint64_t v, int size)
{
	switch (size) {
	case 1: *(volatile uint8_t *)p = v; break;
	case 2: *(volatile raw_u16 *)p = v; break;
	case 4: *(volatile raw_u32 *)p = v; break;
	default: *(volatile raw_u64 *)p = v; break;
	}
}

#endif
