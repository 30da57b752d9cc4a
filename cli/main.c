// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - the shootdown command: a table of subcommands and main().
 *
 *	shootdown run      one simulation
 *	shootdown compare  a grid of simulations, as a table
 *	shootdown list     protocols, workloads, mutants, profiles
 *	shootdown check    the interleaving checker (check/)
 *	shootdown torture  random configurations until a time is up
 *
 * Each subcommand parses its own options (getopt_long) and returns the exit
 * status; see cli/cli.h for what the statuses mean.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static int cmd_help(int argc, char **argv);

static const struct subcommand subcommands[] = {
	{ "run",	cmd_run,	"simulate one protocol on one workload" },
	{ "compare",	cmd_compare,	"run protocols x CPU counts, print a table" },
	{ "list",	cmd_list,	"list protocols, workloads, mutants, profiles" },
	{ "check",	cmd_check,	"explore interleavings with the checker" },
	{ "torture",	cmd_torture,	"run random configurations for a while" },
	{ "help",	cmd_help,	"help on a command (same as COMMAND --help)" },
};

static void usage(void)
{
	size_t i;

	puts("usage: shootdown COMMAND [options]\n"
	     "       shootdown --version\n"
	     "A laboratory for x86 TLB-shootdown protocols on a deterministic\n"
	     "simulated machine.\n\n"
	     "Commands:");
	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		printf("  %-9s %s\n", subcommands[i].name, subcommands[i].summary);
	puts("\n'shootdown COMMAND --help' describes a command; shootdown(1) has "
	     "the details.");
}

static const struct subcommand *find_subcommand(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		if (!strcmp(subcommands[i].name, name))
			return &subcommands[i];
	return NULL;
}

static void __attribute__((noreturn)) die_unknown_command(const char *name)
{
	char known[128] = "";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		snprintf(known + strlen(known), sizeof(known) - strlen(known),
			 "%s%s", i ? ", " : "", subcommands[i].name);
	die_usage("unknown command '%s' (known: %s)", name, known);
}

/* `shootdown help run` is `shootdown run --help`. */
static int cmd_help(int argc, char **argv)
{
	const struct subcommand *sc;
	char *help_argv[] = { NULL, "--help", NULL };

	if (argc < 2) {
		usage();
		return finish_output() ? EXIT_OK : EXIT_INTERNAL;
	}
	if (argc > 2)
		die_usage("help: unexpected argument '%s'", argv[2]);
	sc = find_subcommand(argv[1]);
	if (!sc)
		die_unknown_command(argv[1]);
	help_argv[0] = argv[1];
	return sc->fn(2, help_argv);
}

int main(int argc, char **argv)
{
	const struct subcommand *sc;
	const char *cmd = argc > 1 ? argv[1] : NULL;

	/*
	 * Init order:
	 *  1. top-level options (--help, --version) and the command name;
	 *  2. the subcommand parses and checks all of its options before it
	 *     runs anything (bad input: one line, exit 2, no output);
	 *  3. it runs, and returns the exit status; each subcommand flushes
	 *     stdout itself and turns a write error into exit 3.
	 * The engine needs no global set-up: run_once builds a machine per run.
	 */
	if (!cmd)
		die_usage("missing command (try 'shootdown --help')");
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		usage();
		return finish_output() ? EXIT_OK : EXIT_INTERNAL;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		puts("shootdown " SHOOTDOWN_VERSION);
		return finish_output() ? EXIT_OK : EXIT_INTERNAL;
	}
	if (cmd[0] == '-')
		die_usage("unknown option '%s' (options go after the command)", cmd);
	sc = find_subcommand(cmd);
	if (!sc)
		die_unknown_command(cmd);
	return sc->fn(argc - 1, argv + 1);
}
