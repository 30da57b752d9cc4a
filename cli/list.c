// SPDX-License-Identifier: GPL-2.0
/*
 * list.c - `shootdown list protocols|workloads|mutants|profiles`: the names
 * the other subcommands accept, one per line with a one-line summary.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char list_usage[] =
"usage: shootdown list [protocols|workloads|mutants|profiles]\n"
"Print the names run and compare accept, each with a one-line summary.\n"
"Without an argument, print all four lists.\n"
"\n"
"  -h, --help    this text\n";

static void row(int width, const char *name, const char *summary)
{
	printf("%-*s  %s\n", width, name, summary ? summary : "");
}

/* What it models, and its --param knobs with their defaults and ranges. */
static void print_protocol_detail(const struct flush_ops *ops)
{
	const struct proto_param *p;

	if (ops->models)
		printf("%-20smodels: %s\n", "", ops->models);
	for (p = ops->params; p && p->name; p++)
		printf("%-20s--param %s=N: %s (default %llu, range %llu..%llu)\n", "",
		       p->name, p->help, (unsigned long long)p->def,
		       (unsigned long long)p->min, (unsigned long long)p->max);
}

void list_protocols(void)
{
	char summary[256];
	int i;

	for (i = 0; protocols[i]; i++) {
		snprintf(summary, sizeof(summary), "%s%s", protocols[i]->summary,
			 protocols[i]->virt ? " [guest: needs --vms]" : "");
		row(18, protocols[i]->name, summary);
		print_protocol_detail(protocols[i]);
	}
}

void list_workloads(void)
{
	int i;

	for (i = 0; workloads[i]; i++)
		row(13, workloads[i]->name, workloads[i]->summary);
}

void list_mutants(void)
{
	int i;

	for (i = 0; i < NR_MUTANTS; i++)
		row(23, mutants[i].name, mutants[i].summary);
}

/* Topology first: it is what --cpus defaults to and what demo.sh reads. */
void list_profiles(void)
{
	const char *const *name;
	struct profile p;
	char err[256], summary[320];

	for (name = profile_builtin_names(); *name; name++) {
		if (profile_load(&p, *name, err, sizeof(err))) {
			row(10, *name, err);
			continue;
		}
		snprintf(summary, sizeof(summary),
			 "%4" PRIu64 " cpus, %" PRIu64 " socket%s, SMT%" PRIu64 ": %s",
			 p.cpus, p.sockets, p.sockets == 1 ? "" : "s",
			 p.threads_per_core, profile_builtin_summary(*name));
		row(10, *name, summary);
	}
}

static const struct {
	const char *kind;
	void (*list)(void);
} lists[] = {
	{ "protocols",	list_protocols },
	{ "workloads",	list_workloads },
	{ "mutants",	list_mutants },
	{ "profiles",	list_profiles },
};

/* "protocols", or "protocol" for those who type it singular. */
static bool kind_matches(const char *arg, const char *kind)
{
	size_t n = strlen(arg);

	return !strcmp(arg, kind) ||
	       (n + 1 == strlen(kind) && !strncmp(arg, kind, n));
}

static const struct option list_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

int cmd_list(int argc, char **argv)
{
	size_t i;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", list_longopts, NULL)) != -1) {
		if (c == 'h') {
			fputs(list_usage, stdout);
			return finish_output() ? EXIT_OK : EXIT_INTERNAL;
		}
		die_bad_option(argv, optind, optopt);
	}
	if (argc - optind > 1)
		die_usage("list: unexpected argument '%s'", argv[optind + 1]);
	for (i = 0; i < ARRAY_SIZE(lists); i++) {
		if (optind == argc) {
			printf("%s%s:\n", i ? "\n" : "", lists[i].kind);
			lists[i].list();
		} else if (kind_matches(argv[optind], lists[i].kind)) {
			lists[i].list();
			break;
		}
	}
	if (optind < argc && i == ARRAY_SIZE(lists))
		die_usage("list: unknown kind '%s' (known: protocols, workloads, "
			  "mutants, profiles)", argv[optind]);
	return finish_output() ? EXIT_OK : EXIT_INTERNAL;
}
