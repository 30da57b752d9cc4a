// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_scenario.c - libFuzzer harness for scenario files (work/scenario.c):
 * parse, then validate, never explore.  Bad text fails with one printable
 * line "FILE:LINE: ..."; good text gives a scenario whose fields are in the
 * ranges scenario_run.c indexes and maps with.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "work/scenario.h"
#include "tests/fuzz/fuzz.h"

static void check_ops(const struct scenario *s, const struct scn_op *ops, int nr,
		      int max)
{
	int i;

	if (nr < 0 || nr > max)
		abort();
	for (i = 0; i < nr; i++)
		if (ops[i].kind >= NR_SOPS || ops[i].cpu >= s->nr_cpus ||
		    ops[i].va >= USER_VA_TOP || ops[i].line < 1)
			abort();
}

static void check_scenario(const struct scenario *s)
{
	int i, j;

	if (s->nr_cpus < 1 || s->nr_cpus > CHECK_MAX_CPUS || !s->protocol ||
	    s->nr_cases < 1 || s->nr_cases > SCN_MAX_CASES ||
	    s->nr_vmas > SCN_MAX_VMAS || s->bound > 64 ||
	    s->host_cpus >> s->nr_cpus || s->nmi_cpus >> s->nr_cpus)
		abort();
	for (i = 0; i < s->nr_vmas; i++) {
		const struct scn_vma *v = &s->vmas[i];

		if (v->start & ~PAGE_MASK || !v->pages || v->pages > 512 ||
		    v->start + (v->pages << PAGE_SHIFT) > USER_VA_TOP)
			abort();
		for (j = 0; j < i; j++)
			if (v->start < s->vmas[j].start + (s->vmas[j].pages << PAGE_SHIFT) &&
			    s->vmas[j].start < v->start + (v->pages << PAGE_SHIFT))
				abort();
	}
	check_ops(s, s->init, s->nr_init, SCN_MAX_INIT);
	for (i = 0; i < s->nr_cpus; i++)
		check_ops(s, s->ops[i], s->nr_ops[i], SCN_MAX_OPS);
	for (i = 0; i < s->nr_cases; i++)
		if (s->cases[i].mutant < 0 || s->cases[i].mutant >= NR_MUTANTS ||
		    s->cases[i].host_mutant < 0 ||
		    s->cases[i].host_mutant >= NR_HOST_MUTANTS)
			abort();
	for (i = 0; s->title[i]; i++)
		if (s->title[i] < 0x20 || s->title[i] > 0x7e)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scenario s;
	char err[400];

	if (scenario_parse("fuzz.scn", (const char *)data, size, &s, err,
			   sizeof(err))) {
		fuzz_check_error(err, "fuzz.scn:");
		return 0;
	}
	check_scenario(&s);
	if (scenario_validate(&s, err, sizeof(err)))
		fuzz_check_error(err, "fuzz.scn:");
	return 0;
}
