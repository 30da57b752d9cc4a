/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rng.h - the one random-number generator: splitmix64 (Steele, Lea and
 * Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014).
 * Every random stream in the project is one u64 of state owned by one
 * entity (a CPU, a host CPU, a search), seeded from the run's seed and the
 * entity's identity, so streams never interleave and a run is a function of
 * its seed.
 */
#ifndef LIB_RNG_H
#define LIB_RNG_H

#include <stdint.h>

static inline uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif
