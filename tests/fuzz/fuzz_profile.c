// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_profile.c - libFuzzer harness for the machine-profile parser
 * (sim/profile.c): any text either parses into a profile the engine can
 * use, or fails with one printable line "origin:LINE: ..."; and a failed
 * parse leaves the caller's profile as it was.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "sim/profile.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct profile before = { .name = "untouched" };
	struct profile p = before;
	char err[256];
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	/* profile_parse takes C text: a NUL ends it, as a file's can't
	 * (profile_load refuses those) */
	memcpy(text, data, size);
	text[size] = '\0';
	if (profile_parse(&p, text, "fuzz.profile", err, sizeof(err))) {
		fuzz_check_error(err, "fuzz.profile:");
		if (memcmp(&p, &before, sizeof(p)))
			abort();
	} else {
		/* what check_sanity promises the engine */
		if (p.cpus < 1 || p.cpus > NR_CPUS_MAX || !p.sockets ||
		    p.cpus % p.sockets || !p.threads_per_core ||
		    (p.cpus / p.sockets) % p.threads_per_core ||
		    !p.tlb_ways || p.tlb_entries % p.tlb_ways ||
		    !p.host_timeslice_ns || !p.name[0] ||
		    strlen(p.name) >= sizeof(p.name))
			abort();
		/* every key can be looked up by name */
		if (!profile_field(&p, "cpus") || profile_field(&p, "name"))
			abort();
	}
	free(text);
	return 0;
}
