// SPDX-License-Identifier: GPL-2.0
/*
 * list.c - `shootdown list protocols|workloads|mutants|profiles|params`: the
 * names the other subcommands accept, one per line with a one-line summary.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char list_usage[] =
"usage: shootdown list [protocols|workloads|mutants|profiles|params]\n"
"Print the names run and compare accept, each with a one-line summary.\n"
"Without an argument, print all five lists.\n"
"params: the --param names, the kernel's then each protocol's, as\n"
"  NAME  kernel|PROTOCOL  VALUES  default DEFAULT  HELP\n"
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

/* One line of list params. */
struct param_line {
	const char *name, *owner, *help;
	char values[128], def[64];
};

#define PARAM_LINES_MAX	(NR_KPARAMS + NR_PROTOCOLS * PROTO_MAX_PARAMS)

static int param_lines(struct param_line *l)
{
	const struct proto_param *p;
	int n = 0, k, i;

	for (k = 0; k < NR_KPARAMS; k++, n++) {
		l[n].name = kparams[k].name;
		l[n].owner = kparams[k].host ? "host" : "kernel";
		l[n].help = kparams[k].help;
		kparam_format_values(k, l[n].values, sizeof(l[n].values));
		kparam_format(k, kparams[k].def, l[n].def, sizeof(l[n].def));
	}
	for (i = 0; protocols[i]; i++) {
		for (p = protocols[i]->params; p && p->name; p++, n++) {
			l[n].name = p->name;
			l[n].owner = protocols[i]->name;
			l[n].help = p->help;
			snprintf(l[n].values, sizeof(l[n].values), "%llu..%llu",
				 (unsigned long long)p->min, (unsigned long long)p->max);
			snprintf(l[n].def, sizeof(l[n].def), "%llu",
				 (unsigned long long)p->def);
		}
	}
	return n;
}

static int max_width(int w, const char *s)
{
	int n = (int)strlen(s);

	return n > w ? n : w;
}

/*
 * Every --param name: the kernel's first (every run has them), then each
 * protocol's.  Columns sized to their longest entry, so the table stays
 * aligned as parameters are added to proto/params.c.
 */
void list_params(void)
{
	static struct param_line l[PARAM_LINES_MAX];
	int n = param_lines(l), wn = 0, wo = 0, wv = 0, wd = 0, i;

	for (i = 0; i < n; i++) {
		wn = max_width(wn, l[i].name);
		wo = max_width(wo, l[i].owner);
		wv = max_width(wv, l[i].values);
		wd = max_width(wd, l[i].def);
	}
	for (i = 0; i < n; i++)
		printf("%-*s  %-*s  %-*s  default %-*s  %s\n", wn, l[i].name,
		       wo, l[i].owner, wv, l[i].values, wd, l[i].def,
		       l[i].help ? l[i].help : "");
}

static const struct {
	const char *kind;
	void (*list)(void);
} lists[] = {
	{ "protocols",	list_protocols },
	{ "workloads",	list_workloads },
	{ "mutants",	list_mutants },
	{ "profiles",	list_profiles },
	{ "params",	list_params },
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
			  "mutants, profiles, params)", argv[optind]);
	return finish_output() ? EXIT_OK : EXIT_INTERNAL;
}
