// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_options.c - libFuzzer harness for the command line: run, compare,
 * check and list option parsing, through to the checks made before
 * anything runs.  The input is argv: the first byte picks the subcommand,
 * the rest is split at newlines (and NULs) into arguments.
 *
 * die_usage longjmps back here (usage_jmp), so a rejection costs no
 * process; its one line goes to a memory stream that is checked: exactly
 * one line, printable, "shootdown: ...".
 */
#include <getopt.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "tests/fuzz/fuzz.h"

#define MAX_ARGS	32
#define ARGS_BYTES	4096

int fuzz_run_options(int argc, char **argv, bool compare);
int fuzz_check_options(int argc, char **argv);

static int list_options(int argc, char **argv)
{
	jmp_buf done;
	int rc;

	rc = setjmp(done);
	if (rc) {
		usage_jmp = NULL;
		return rc;
	}
	usage_jmp = &done;
	rc = cmd_list(argc, argv);
	usage_jmp = NULL;
	return rc;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* help texts and lists are not what is checked */
	if (!freopen("/dev/null", "w", stdout))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const cmds[] = { "run", "compare", "check", "list" };
	static char buf[ARGS_BYTES + 1], msg[1024];
	char *argv[MAX_ARGS + 1], *nl;
	FILE *saved = stderr, *f;
	size_t i, len;
	int argc = 1, rc;

	if (!size || size > ARGS_BYTES)
		return 0;
	argv[0] = (char *)cmds[data[0] % ARRAY_SIZE(cmds)];
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	for (i = 0; i < size - 1 && argc < MAX_ARGS; i += len + 1) {
		argv[argc++] = buf + i;
		nl = strchr(buf + i, '\n');
		if (nl)
			*nl = '\0';
		len = strlen(buf + i);
	}
	argv[argc] = NULL;

	memset(msg, 0, sizeof(msg));
	f = fmemopen(msg, sizeof(msg) - 1, "w");
	if (!f)
		abort();
	stderr = f;
	/* optind 0 resets all of getopt, also a cluster ("-jq") the last
	 * input stopped in; the parsers themselves only set it to 1 */
	optind = 0;
	getopt(1, argv, "");
	switch (data[0] % ARRAY_SIZE(cmds)) {
	case 0:
	case 1:
		rc = fuzz_run_options(argc, argv, data[0] % ARRAY_SIZE(cmds));
		break;
	case 2:
		rc = fuzz_check_options(argc, argv);
		break;
	default:
		rc = list_options(argc, argv);
		break;
	}
	fclose(f);
	stderr = saved;
	if (rc == EXIT_USAGE) {
		nl = strchr(msg, '\n');
		if (!nl || nl[1]) {
			fprintf(stderr, "fuzz: not one line: '%s'\n", msg);
			abort();
		}
		*nl = '\0';
		fuzz_check_error(msg, "shootdown: ");
	} else if (msg[0]) {
		fprintf(stderr, "fuzz: stderr without a usage error: '%s'\n", msg);
		abort();
	}
	return 0;
}
