// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_options_check.c - check's option parsing (parse_opts in cli/check.c)
 * for fuzz_options, included for its static parser; the scenario files it
 * names are not read.
 */
#include "cli/check.c"

int fuzz_check_options(int argc, char **argv);

/* 0: parsed; EXIT_USAGE: rejected; -1: --help. */
int fuzz_check_options(int argc, char **argv)
{
	struct opts o = { .bound = -2, .seed = 1, .seconds = 120 };

	return parse_opts(argc, argv, &o);
}
