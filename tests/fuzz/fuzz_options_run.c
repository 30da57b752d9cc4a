// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_options_run.c - run and compare's option parsing (cli/run.c steps 1
 * and 2: parse_options, build_grid) for fuzz_options, without running.
 *
 * The file is included, not linked: its parsers are static, and the
 * harness must stop before the grid runs.  The one exit() there that does
 * not go through die_usage (--help) is turned into the same longjmp.
 */
#include <setjmp.h>
#include <stdlib.h>

#include "cli/cli.h"

static void __attribute__((noreturn)) fuzz_exit(int status)
{
	longjmp(*usage_jmp, status == EXIT_USAGE ? EXIT_USAGE : 100 + status);
}

#define exit(status) fuzz_exit(status)
#include "cli/run.c"
#undef exit

int fuzz_run_options(int argc, char **argv, bool compare);

/* 0: a grid that would run; EXIT_USAGE: rejected; 100 + status: --help. */
int fuzz_run_options(int argc, char **argv, bool compare)
{
	struct run_opts o;
	struct out_file trace = { .fd = -1 };
	struct profile prof;
	struct grid g;
	jmp_buf done;
	int rc;

	rc = setjmp(done);
	if (rc) {
		usage_jmp = NULL;
		return rc;
	}
	usage_jmp = &done;
	memset(&o, 0, sizeof(o));
	o.compare = compare;
	parse_options(argc, argv, &o);
	/* no file from the input is read or created: a profile path could
	 * be a FIFO, and the trace file is made by build_grid's out_open */
	if (strchr(o.profile, '/') || strstr(o.profile, ".profile"))
		o.profile = "default";
	o.trace = NULL;
	build_grid(&g, &o, &prof, &trace);
	usage_jmp = NULL;
	return 0;
}
