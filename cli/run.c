// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - `shootdown run` (one simulation) and `shootdown compare` (a grid of
 * them: protocols across, CPU or thread counts down).
 *
 * Both go through the same three steps, so `run` is just a one-cell grid:
 *   1. parse_options: argv into struct run_opts, names and numbers checked;
 *   2. build_grid: load the profile, apply defaults, check every cell
 *      (threads <= cpus, ...) -- all bad input is rejected here, before
 *      the first simulation starts;
 *   3. run_grid: simulate each cell, streaming JSON/CSV rows as they finish.
 *
 * Output is checked as early as it can be: the trace file is opened in step
 * 2, and the first line of compare's table (or the CSV header) is written
 * and flushed before the first run, so a full disk is found before minutes
 * of simulation, and a write error ends the grid at once.  SIGINT and
 * SIGTERM end it too, at the next event of the run in progress: what
 * finished is printed, the trace file is left as it was.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/progress.h"

#define PARAMS_MAX	8
#define SETS_MAX	16

struct run_opts {
	bool compare;
	const struct flush_ops *protocols[NR_PROTOCOLS];
	int nr_protocols;		/* 0: the default */
	const struct workload *wl;
	int cpus[LIST_MAX];
	int nr_cpus;			/* 0: the profile's cpus */
	int threads[LIST_MAX];
	int nr_threads;			/* 0: one per CPU */
	int lazy;
	uint64_t iters;			/* 0: the workload's default */
	const char *profile;
	uint64_t seed;
	int repeat;			/* seeds per cell, 1 by default */
	enum mutant mutant;
	const char *trace;
	bool json, csv;
	int vms[LIST_MAX];
	int nr_vms;			/* 0: bare metal (unless a guest protocol) */
	int vcpus, pcpus;		/* 0: defaults */
	enum table_free table_free;
	enum host_mutant host_mutant;
	struct { const char *name; uint64_t value; } params[PARAMS_MAX];
	int nr_params;			/* --param NAME=VALUE of protocols,
					 * in the order given */
	/* --param NAME=V1,V2,... of the kernel (proto/params.h): the values
	 * of each, and which were given in which order; 0 values: default */
	uint64_t kp_values[NR_KPARAMS][LIST_MAX];
	int kp_nr[NR_KPARAMS];
	enum kparam kp_order[NR_KPARAMS];
	int nr_kp;
	const char *sets[SETS_MAX];	/* --set KEY=VALUE, in order given */
	int nr_sets;
};

#define VM_USAGE \
"      --vms N          run the workload in N VMs, each with its own threads\n" \
"      --vcpus V        vCPUs per VM (default: --cpus, else the profile's cpus)\n" \
"      --pcpus P        host CPUs under the VMs (default: V)\n" \
"      --table-free F   when page-table pages are freed: ipi (right after the\n" \
"                       shootdown, the default), rcu, sync-one\n" \
"      --host-mutate M  run a buggy host: host-lost-flush, host-preempt-mid-insn\n"

static const char run_usage[] =
"usage: shootdown run [options]\n"
"Simulate one shootdown protocol on one workload and print what it cost.\n"
"\n"
"  -p, --protocol P     the flush protocol (default concurrent)\n"
"  -w, --workload W     the workload (default madv-touch)\n"
"  -c, --cpus N         simulated CPUs, 1..1024 (default: the profile's cpus)\n"
"  -t, --threads T      workload threads, one per CPU from CPU 0 (default: N)\n"
"  -l, --lazy L         L of the non-initiating threads mostly sleep, leaving\n"
"                       their CPUs in lazy TLB mode (0 <= L < T; default 0)\n"
"  -i, --iters K        iterations per measured thread (default: per workload;\n"
"                       not for workloads that run for a simulated time)\n"
"  -P, --profile NAME|FILE  machine profile (default: default)\n"
"  -s, --seed S         seed of the simulation's random numbers (default 1)\n"
"      --repeat N       run seeds S..S+N-1 and report the mean of ns/iter and\n"
"                       ops/s, counters summed (default 1)\n"
"  -m, --mutate M       run with a deliberate bug (shootdown list mutants)\n"
"      --param NAME=V   set a parameter of the kernel (spinlock=ttas) or of\n"
"                       the protocol (shootdown list params shows them, their\n"
"                       values and defaults); repeatable, once per name\n"
"      --set KEY=VALUE  override one key of the profile, in its units (ns for\n"
"                       *_ns keys); the profile is then named NAME+KEY=VALUE;\n"
"                       repeatable\n"
"  -T, --trace FILE     write a Perfetto/Chrome trace of the run to FILE\n"
"  -j, --json           one JSON object per result (JSON Lines)\n"
"      --csv            CSV: a header line and one line per result\n"
"  -h, --help           this text\n"
"Virtual machines (the guest protocols pv, hyperv, xen imply --vms 1):\n"
VM_USAGE
"\n"
"'shootdown list' shows the protocols, workloads, mutants, profiles and params.\n"
"Exit status: 0 ok, 1 violation detected, 2 bad usage, 3 internal error,\n"
"130 interrupted (SIGINT; 143 for SIGTERM).\n"
"See shootdown(1) for the output fields.\n";

static const char compare_usage[] =
"usage: shootdown compare [options]\n"
"Run every protocol at every CPU (or thread) count and print a table of the\n"
"workload's metric, each cell relative to the first protocol.\n"
"\n"
"  -p, --protocols P1,P2,...  protocols to compare, the first is the reference\n"
"                       (default: every bare-metal protocol)\n"
"  -c, --cpus N1,N2,... one row per CPU count (default: the profile's cpus)\n"
"  -t, --threads T1,T2,...  one row per thread count instead (needs a single\n"
"                       --cpus value); a single T applies to every row\n"
"  -w, --workload, -l, --lazy, -i, --iters, -P, --profile, -s, --seed, --repeat,\n"
"  -m, --mutate, --set, -T, --trace (one cell only), -j, --json, --csv,\n"
"  -h, --help           as for shootdown run\n"
"      --param NAME=V1,V2,...  a kernel parameter; a list makes one group of\n"
"                       columns per value (shootdown list params)\n"
"      --param NAME=V   a protocol parameter: each protocol takes the ones it\n"
"                       has\n"
"      --vms N1,N2,...  one row per VM count (VMs of --vcpus on --pcpus)\n"
"      --vcpus, --pcpus, --table-free, --host-mutate  as for shootdown run\n"
"\n"
"The table and CSV contain only simulated quantities: the same arguments give\n"
"the same bytes on every host.  Exit status as for shootdown run.\n";

#define COMMON_OPTS							\
	{ "workload",	required_argument,	NULL, 'w' },		\
	{ "cpus",	required_argument,	NULL, 'c' },		\
	{ "threads",	required_argument,	NULL, 't' },		\
	{ "lazy",	required_argument,	NULL, 'l' },		\
	{ "iters",	required_argument,	NULL, 'i' },		\
	{ "profile",	required_argument,	NULL, 'P' },		\
	{ "seed",	required_argument,	NULL, 's' },		\
	{ "repeat",	required_argument,	NULL, 'R' },		\
	{ "mutate",	required_argument,	NULL, 'm' },		\
	{ "trace",	required_argument,	NULL, 'T' },		\
	{ "json",	no_argument,		NULL, 'j' },		\
	{ "csv",	no_argument,		NULL, 'C' },		\
	{ "vms",	required_argument,	NULL, 'V' },		\
	{ "vcpus",	required_argument,	NULL, 'v' },		\
	{ "pcpus",	required_argument,	NULL, 'H' },		\
	{ "table-free",	required_argument,	NULL, 'F' },		\
	{ "host-mutate", required_argument,	NULL, 'M' },		\
	{ "param",	required_argument,	NULL, 'X' },		\
	{ "set",	required_argument,	NULL, 'K' },		\
	{ "help",	no_argument,		NULL, 'h' },		\
	{ NULL, 0, NULL, 0 }

static const struct option run_longopts[] = {
	{ "protocol",	required_argument,	NULL, 'p' },
	COMMON_OPTS
};

static const struct option compare_longopts[] = {
	{ "protocols",	required_argument,	NULL, 'p' },
	COMMON_OPTS
};

/* ':' first: getopt reports a missing argument as ':' and stays quiet. */
#define SHORT_OPTS	":p:w:c:t:l:i:P:s:m:T:jh"

/* `run` takes single values; a list there is a likely slip, say so. */
static void reject_list(const struct run_opts *o, const char *opt,
			const char *arg)
{
	if (!o->compare && strchr(arg, ','))
		die_usage("%s: '%s' is a list (lists are for shootdown compare)",
			  opt, arg);
}

static void parse_protocols(struct run_opts *o, const char *arg)
{
	char buf[LIST_CHARS], *names[NR_PROTOCOLS];
	int i, j;

	reject_list(o, "--protocol", arg);
	o->nr_protocols = split_list(o->compare ? "--protocols" : "--protocol",
				     arg, buf, sizeof(buf), names, NR_PROTOCOLS);
	for (i = 0; i < o->nr_protocols; i++) {
		o->protocols[i] = lookup_protocol(names[i]);
		for (j = 0; j < i; j++)
			if (o->protocols[j] == o->protocols[i])
				die_usage("--protocols: '%s' appears twice",
					  names[i]);
	}
}

/*
 * --param NAME=V1,V2,... of the kernel: every value checked here, as the
 * table (proto/params.h) says.  More than one value is an axis of compare.
 */
static void parse_kparam(struct run_opts *o, enum kparam k, const char *arg)
{
	const struct kparam_desc *d = &kparams[k];
	const char *val = strchr(arg, '=') + 1;
	char buf[LIST_CHARS], opt[64], range[256], *item[LIST_MAX];
	int n, i, j;

	if (o->kp_nr[k])
		die_usage("--param: '%s' appears twice", d->name);
	reject_list(o, "--param", arg);
	/* "--param spinlock: malformed list 'ttas,'" names both */
	snprintf(opt, sizeof(opt), "--param %s", d->name);
	n = split_list(opt, val, buf, sizeof(buf), item, LIST_MAX);
	kparam_format_values(k, range, sizeof(range));
	for (i = 0; i < n; i++) {
		if (kparam_parse(k, item[i], &o->kp_values[k][i]))
			die_usage("%s: '%s' is not %s %s", opt, quote(item[i]),
				  d->values ? "one of" : "in", range);
		for (j = 0; j < i; j++)
			if (o->kp_values[k][j] == o->kp_values[k][i])
				die_usage("%s: '%s' appears twice in '%s'", opt,
					  quote(item[i]), quote(val));
	}
	o->kp_nr[k] = n;
	o->kp_order[o->nr_kp++] = k;
}

/*
 * --param NAME=VALUE: the kernel's parameters are looked up first, and no
 * protocol may have one of the same name (tests/cli-params.sh checks), so
 * a name means one thing.  A protocol's is checked against the protocols
 * in build_grid.
 */
static void parse_param(struct run_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	int i, k;

	if (!eq || eq == arg)
		die_usage("--param: '%s' is not NAME=VALUE", arg);
	k = kparam_by_name(arg, eq - arg);
	if (k >= 0) {
		parse_kparam(o, k, arg);
		return;
	}
	/* one value for all: a protocol's knob is not an axis (yet) */
	if (o->compare && strchr(eq + 1, ','))
		die_usage("--param: '%s' is a list (only kernel parameters take "
			  "one: shootdown list params)", quote(arg));
	reject_list(o, "--param", arg);
	if (o->nr_params == PARAMS_MAX)
		die_usage("--param: more than %d parameters", PARAMS_MAX);
	for (i = 0; i < o->nr_params; i++)
		if (!strncmp(o->params[i].name, arg, eq - arg) &&
		    o->params[i].name[eq - arg] == '=')
			die_usage("--param: '%.*s' appears twice", (int)(eq - arg), arg);
	o->params[o->nr_params].name = arg;
	o->params[o->nr_params].value = parse_u64("--param", eq + 1);
	o->nr_params++;
}

/* --set KEY=VALUE: the key and value are checked once the profile is
 * loaded, by the profile parser itself. */
static void parse_set(struct run_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	int i;

	if (!eq || eq == arg)
		die_usage("--set: '%s' is not KEY=VALUE", arg);
	if (o->nr_sets == SETS_MAX)
		die_usage("--set: more than %d overrides", SETS_MAX);
	for (i = 0; i < o->nr_sets; i++)
		if (!strncmp(o->sets[i], arg, eq - arg + 1))
			die_usage("--set: '%.*s' appears twice", (int)(eq - arg), arg);
	o->sets[o->nr_sets++] = arg;
}

/*
 * Apply the --set overrides in order and append each to the profile's name
 * ("default+nmi_interval_ns=2000"): every report then says the machine is
 * not the profile file's, and how it differs.
 */
static void apply_sets(const struct run_opts *o, struct profile *prof)
{
	char key[64], err[512];
	size_t len;
	int i, n;

	for (i = 0; i < o->nr_sets; i++) {
		const char *arg = o->sets[i], *eq = strchr(arg, '=');

		snprintf(key, sizeof(key), "%.*s", (int)(eq - arg), arg);
		if (profile_set(prof, key, eq + 1, err, sizeof(err)))
			die_usage("--set: %s", err);
		len = strlen(prof->name);
		n = snprintf(prof->name + len, sizeof(prof->name) - len, "+%s", arg);
		if (n < 0 || (size_t)n >= sizeof(prof->name) - len)
			die_usage("--set: '%s': the overrides are too long to name "
				  "the profile (%zu characters)", arg,
				  sizeof(prof->name) - 1);
	}
}

/* The index of --param `arg`'s name in ops->params, or -1. */
static int param_index(const struct flush_ops *ops, const char *arg)
{
	const char *eq = strchr(arg, '=');
	int i;

	for (i = 0; ops->params && ops->params[i].name; i++)
		if (strlen(ops->params[i].name) == (size_t)(eq - arg) &&
		    !strncmp(ops->params[i].name, arg, eq - arg))
			return i;
	return -1;
}

/*
 * Every --param must name a parameter of at least one protocol of the run,
 * with a value inside that parameter's range; a protocol without it ignores
 * it (compare can set one protocol's knob beside the others).
 */
static void check_params(const struct grid *g, const struct run_opts *o)
{
	int i, c;

	for (i = 0; i < o->nr_params; i++) {
		const char *arg = o->params[i].name;
		int len = (int)(strchr(arg, '=') - arg);
		bool known = false;

		for (c = 0; c < g->nr_protocols; c++) {
			const struct flush_ops *ops = g->protocols[c];
			int j = param_index(ops, arg);
			const struct proto_param *p;

			if (j < 0)
				continue;
			known = true;
			p = &ops->params[j];
			if (o->params[i].value < p->min || o->params[i].value > p->max)
				die_usage("--param: %.*s of %s: '%s' is not in %llu..%llu",
					  len, arg, ops->name, arg + len + 1,
					  (unsigned long long)p->min,
					  (unsigned long long)p->max);
		}
		if (!known)
			die_usage("--param: '%.*s' is not a parameter of the kernel "
				  "or of %s (shootdown list params)", len, arg,
				  g->nr_protocols == 1 ? g->protocols[0]->name :
				  "any protocol of the run");
	}
}

/* One option; returns false for --help. */
static bool parse_one(struct run_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'p':
		parse_protocols(o, arg);
		break;
	case 'w':
		o->wl = lookup_workload(arg);
		break;
	case 'c':
		reject_list(o, "--cpus", arg);
		o->nr_cpus = parse_int_list("--cpus", arg, 1, NR_CPUS_MAX,
					    o->cpus, LIST_MAX);
		break;
	case 't':
		reject_list(o, "--threads", arg);
		o->nr_threads = parse_int_list("--threads", arg, 1, NR_CPUS_MAX,
					       o->threads, LIST_MAX);
		break;
	case 'l':
		o->lazy = parse_int("--lazy", arg, 0, NR_CPUS_MAX - 1);
		break;
	case 'i':
		o->iters = parse_u64("--iters", arg);
		if (!o->iters)
			die_usage("--iters: '%s' is not at least 1", arg);
		break;
	case 'P':
		o->profile = arg;
		break;
	case 's':
		o->seed = parse_u64("--seed", arg);
		break;
	case 'R':
		o->repeat = parse_int("--repeat", arg, 1, 1000);
		break;
	case 'm':
		o->mutant = lookup_mutant(arg);
		break;
	case 'T':
		o->trace = arg;
		break;
	case 'j':
		o->json = true;
		break;
	case 'C':
		o->csv = true;
		break;
	case 'V':
		reject_list(o, "--vms", arg);
		o->nr_vms = parse_int_list("--vms", arg, 1, MAX_VMS, o->vms, LIST_MAX);
		break;
	case 'v':
		o->vcpus = parse_int("--vcpus", arg, 1, NR_CPUS_MAX);
		break;
	case 'H':
		o->pcpus = parse_int("--pcpus", arg, 1, NR_CPUS_MAX);
		break;
	case 'F':
		o->table_free = lookup_table_free(arg);
		break;
	case 'M':
		o->host_mutant = lookup_host_mutant(arg);
		break;
	case 'X':
		parse_param(o, arg);
		break;
	case 'K':
		parse_set(o, arg);
		break;
	case 'h':
		return false;
	}
	return true;
}

static void parse_options(int argc, char **argv, struct run_opts *o)
{
	const struct option *longopts = o->compare ? compare_longopts
						   : run_longopts;
	int c;

	o->wl = workload_by_name("madv-touch");
	o->profile = "default";
	o->seed = 1;
	o->repeat = 1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, SHORT_OPTS, longopts, NULL)) != -1) {
		if (c == '?')
			die_bad_option(argv, optind, optopt);
		if (c == ':')
			die_usage("%s: missing argument", argv[optind - 1]);
		if (!parse_one(o, c, optarg)) {
			fputs(o->compare ? compare_usage : run_usage, stdout);
			exit(finish_output() ? EXIT_OK : EXIT_INTERNAL);
		}
	}
	if (optind < argc)
		die_usage("%s: unexpected argument '%s'", argv[0], argv[optind]);
	if (o->json && o->csv)
		die_usage("--csv: cannot be combined with --json");
}

/* ---- step 2: the grid ---------------------------------------------------- */

static void load_profile(struct grid *g, const struct run_opts *o,
			 struct profile *prof)
{
	char err[512];

	if (profile_load(prof, o->profile, err, sizeof(err)))
		die_usage("%s", err);
	apply_sets(o, prof);
	g->profile = prof->name;
}

/*
 * Virtual machines: --vms (or a guest protocol, which implies one VM).  Each
 * VM runs the whole workload with vcpus threads; --cpus, if given, is the
 * vCPU count.  V x VMs must fit the engine's 1024 CPUs.
 */
static void build_vms(struct grid *g, const struct run_opts *o,
		      const struct profile *prof)
{
	bool guest = false;
	int i, max_vms = 0;

	for (i = 0; i < g->nr_protocols; i++)
		guest |= g->protocols[i]->virt;
	if (!o->nr_vms && !guest) {
		if (o->vcpus || o->pcpus || o->host_mutant)
			die_usage("%s: needs --vms", o->vcpus ? "--vcpus" :
				  o->pcpus ? "--pcpus" : "--host-mutate");
		return;
	}
	if (o->nr_cpus > 1)
		die_usage("--cpus: a list cannot be combined with --vms");
	g->vcpus = o->vcpus ? o->vcpus : o->nr_cpus ? o->cpus[0] : (int)prof->cpus;
	g->pcpus = o->pcpus ? o->pcpus : g->vcpus;
	g->host_mutant = o->host_mutant;
	g->vms = o->nr_vms ? o->vms[0] : 1;
	for (i = 0; i < o->nr_vms; i++)
		if (o->vms[i] > max_vms)
			max_vms = o->vms[i];
	if ((long)max_vms * g->vcpus > NR_CPUS_MAX)
		die_usage("--vms: %d VMs of %d vCPUs is more than %d simulated CPUs",
			  max_vms, g->vcpus, NR_CPUS_MAX);
	if (o->nr_vms > 1) {
		g->axis = AXIS_VMS;
		g->nr_rows = o->nr_vms;
		memcpy(g->axis_values, o->vms, sizeof(int) * o->nr_vms);
	} else {
		g->axis = AXIS_CPUS;
		g->nr_rows = 1;
		g->axis_values[0] = g->vcpus;
	}
}

/*
 * The columns: the protocols, once per combination of the kernel
 * parameters' values.  The parameter given first varies slowest, so
 * --param spinlock=qspinlock,ttas puts every protocol with qspinlock
 * first, and the reference (column 0) is the first protocol with the
 * first value of each list.
 */
static void build_cols(struct grid *g, const struct run_opts *o)
{
	int n = g->nr_protocols, i, a;

	for (a = 0; a < o->nr_kp; a++) {
		enum kparam k = o->kp_order[a];

		/* both factors are small: no overflow before the check */
		n *= o->kp_nr[k];
		if (n > GRID_COLS_MAX)
			die_usage("--param %s: more than %d columns (protocols "
				  "times kernel parameter values)",
				  kparams[k].name, GRID_COLS_MAX);
		if (o->kp_nr[k] > 1)
			g->kp_axes[g->nr_kp_axes++] = k;
	}
	g->nr_cols = n;
	for (i = 0; i < n; i++) {
		struct grid_col *c = &g->cols[i];
		int rest = i / g->nr_protocols;

		c->protocol = g->protocols[i % g->nr_protocols];
		kparams_defaults(c->kparams);
		for (a = o->nr_kp - 1; a >= 0; a--) {
			enum kparam k = o->kp_order[a];

			c->kparams[k] = o->kp_values[k][rest % o->kp_nr[k]];
			rest /= o->kp_nr[k];
		}
	}
}

#define THREADS_MAX	4096

/* More threads than CPUs share them through the scheduler, unless the
 * workload pins one thread per CPU or lazy threads need their own. */
static void check_cell(const struct run_opts *o, int cpus, int threads)
{
	if (threads > cpus && o->wl->pinned)
		die_usage("--threads: '%d' is not in 1..%d (%s pins a thread to "
			  "each CPU: at most --cpus %d)", threads, cpus,
			  o->wl->name, cpus);
	if (threads > cpus && o->lazy)
		die_usage("--threads: '%d' is not in 1..%d (lazy threads need a "
			  "CPU each: at most --cpus %d with --lazy)", threads,
			  cpus, cpus);
	if (threads > THREADS_MAX)
		die_usage("--threads: '%d' is not in 1..%d", threads, THREADS_MAX);
	if (o->lazy >= threads)
		die_usage("--lazy: '%d' is not in 0..%d (less than the %d thread%s)",
			  o->lazy, threads - 1, threads, threads == 1 ? "" : "s");
}

static int cell_vms(const struct grid *g, int row)
{
	return g->axis == AXIS_VMS ? g->axis_values[row] : g->vms;
}

/* All simulated CPUs: every VM's vCPUs, or the machine's CPUs. */
static int cell_cpus(const struct grid *g, int row)
{
	if (g->vcpus)
		return cell_vms(g, row) * g->vcpus;
	return g->axis == AXIS_THREADS ? g->fixed_cpus : g->axis_values[row];
}

/* Threads to ask for: 0 leaves it to the workload (one per CPU unless it
 * says otherwise); the result says how many ran. */
static int cell_threads(const struct grid *g, const struct run_opts *o,
			int row)
{
	if (g->axis == AXIS_THREADS)
		return g->axis_values[row];
	return o->nr_threads ? o->threads[0] : 0;
}

/* The thread count a cell will run with, for checking --lazy. */
static int cell_threads_effective(const struct grid *g, const struct run_opts *o,
				  int row, int cpus)
{
	int t = cell_threads(g, o, row);

	if (t)
		return t;
	if (g->wl->default_threads && g->wl->default_threads < cpus)
		return g->wl->default_threads;
	return cpus;
}

static void build_grid(struct grid *g, const struct run_opts *o,
		       struct profile *prof, struct out_file *trace)
{
	int i;

	memset(g, 0, sizeof(*g));
	load_profile(g, o, prof);
	g->wl = o->wl;
	/* ebizzy and the like run for a simulated time, whatever --iters says */
	if (o->iters && o->wl->default_duration_ns)
		die_usage("--iters: %s runs for %llu ms of simulated time, not a "
			  "number of iterations", o->wl->name,
			  (unsigned long long)(o->wl->default_duration_ns / 1000000));
	g->seed = o->seed;
	g->repeat = o->repeat;
	g->iters = o->iters;
	g->mutant = o->mutant;
	g->lazy = o->lazy;

	if (o->nr_protocols) {
		g->nr_protocols = o->nr_protocols;
		memcpy(g->protocols, o->protocols, sizeof(g->protocols));
	} else if (!o->compare) {
		g->protocols[g->nr_protocols++] = protocol_by_name("concurrent");
	} else {
		for (i = 0; protocols[i]; i++)
			if (!protocols[i]->virt)
				g->protocols[g->nr_protocols++] = protocols[i];
	}
	g->table_free = o->table_free;
	check_params(g, o);
	build_cols(g, o);
	build_vms(g, o, prof);

	if (g->vcpus) {
		if (o->nr_threads > 1)
			die_usage("--threads: a list cannot be combined with --vms");
		for (i = 0; i < g->nr_rows; i++)
			check_cell(o, g->vcpus,
				   cell_threads_effective(g, o, i, g->vcpus));
	} else if (o->nr_threads > 1) {
		if (o->nr_cpus > 1)
			die_usage("--threads: a list needs a single --cpus value");
		g->axis = AXIS_THREADS;
		g->fixed_cpus = o->nr_cpus ? o->cpus[0] : (int)prof->cpus;
		g->nr_rows = o->nr_threads;
		memcpy(g->axis_values, o->threads, sizeof(int) * o->nr_threads);
	} else {
		g->axis = AXIS_CPUS;
		g->nr_rows = o->nr_cpus ? o->nr_cpus : 1;
		if (o->nr_cpus)
			memcpy(g->axis_values, o->cpus, sizeof(int) * o->nr_cpus);
		else
			g->axis_values[0] = (int)prof->cpus;
	}
	if (!g->vcpus)
		for (i = 0; i < g->nr_rows; i++)
			check_cell(o, cell_cpus(g, i),
				   cell_threads_effective(g, o, i, cell_cpus(g, i)));

	/* last: nothing may reject the command once the file is open */
	if (o->trace) {
		if (g->nr_rows * g->nr_cols > 1)
			die_usage("--trace: compare runs %d configurations; trace "
				  "one of them with shootdown run",
				  g->nr_rows * g->nr_cols);
		out_open(trace, "--trace", o->trace);
	}
}

/* ---- step 3: running it -------------------------------------------------- */

/* The signal that asked us to stop (SIGINT, SIGTERM), 0 if none.  The
 * simulator polls it between events; the grid loop between runs. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

/*
 * SA_RESETHAND: a second ^C kills at once, for a user who does not want
 * to wait for the end of the event in progress.  SA_RESTART: a write to
 * a slow stdout must not fail with EINTR.
 */
static void catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sa.sa_flags = SA_RESETHAND | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void describe(char *buf, size_t len, const struct run_config *rc)
{
	int n = snprintf(buf, len, "%s %s %d cpus", rc->protocol->name,
			 rc->wl->name, rc->cpus);

	if (n > 0 && (size_t)n < len && rc->threads && rc->threads != rc->cpus)
		n += snprintf(buf + n, len - n, ", %d threads", rc->threads);
	if (n > 0 && (size_t)n < len)
		format_kparams_changed(buf + n, len - n, rc, ", ");
}

static void report_failure(const struct result_row *r)
{
	const struct run_config *rc = &r->rc;
	char threads[32] = "", kp[256];

	if (r->res.threads && r->res.threads != rc->cpus)
		snprintf(threads, sizeof(threads), ", %d threads", r->res.threads);
	/* which column of a compare failed, when only a kernel parameter
	 * tells two of them apart */
	format_kparams_changed(kp, sizeof(kp), rc, ", ");
	progress_clear();
	fflush(stdout);
	fprintf(stderr, "shootdown: %s/%s/%d cpus%s%s: %s\n",
		rc->protocol->name, rc->wl->name, rc->cpus, threads, kp,
		r->res.failure[0] ? r->res.failure : "failed");
}

/* The cell protocol's defaults, then the --param values that are its. */
static void fill_params(struct run_config *rc, const struct run_opts *o)
{
	const struct proto_param *p = rc->protocol->params;
	int i, j;

	for (i = 0; p && p[i].name; i++)
		rc->params[i] = p[i].def;
	for (i = 0; i < o->nr_params; i++) {
		j = param_index(rc->protocol, o->params[i].name);
		if (j >= 0)
			rc->params[j] = o->params[i].value;
	}
	rc->params_set = true;
}

static void fill_config(struct run_config *rc, const struct grid *g,
			const struct run_opts *o, const struct profile *prof,
			FILE *trace, int row, int col)
{
	memset(rc, 0, sizeof(*rc));
	rc->wl = g->wl;
	rc->protocol = g->cols[col].protocol;
	memcpy(rc->kparams, g->cols[col].kparams, sizeof(rc->kparams));
	rc->kparams_set = true;
	rc->mutant = g->mutant;
	rc->prof = *prof;
	rc->cpus = cell_cpus(g, row);
	rc->threads = cell_threads(g, o, row);
	rc->lazy = g->lazy;
	rc->iters = g->iters;
	rc->seed = g->seed;
	rc->trace = trace;
	rc->stop = &stop_signal;
	rc->table_free = g->table_free;
	fill_params(rc, o);
	if (g->vcpus) {
		rc->vms = cell_vms(g, row);
		rc->vcpus = g->vcpus;
		rc->pcpus = g->pcpus;
		rc->host_mutant = g->host_mutant;
	}
}

/*
 * One cell, over `repeat` consecutive seeds: the metrics are the mean of the
 * runs, the counters their sum; the first failure is kept.  Chaotic cases
 * (VMs under overcommit) move a lot from one seed to the next.  An
 * interrupted run makes the whole cell interrupted: it is not a result.
 */
static void run_repeated(struct run_config *rc, struct run_result *res, int repeat)
{
	struct run_result one;
	uint64_t seed = rc->seed;
	FILE *trace = rc->trace;
	int k, i, v;

	run_once(rc, res);
	for (k = 1; k < repeat && !res->interrupted; k++) {
		rc->seed = seed + k;
		rc->trace = NULL;		/* a trace shows one run */
		run_once(rc, &one);
		if (one.interrupted) {
			res->interrupted = true;
			break;
		}
		res->ns_per_iter += one.ns_per_iter;
		res->ops_per_sec += one.ops_per_sec;
		for (v = 0; v < res->nr_vms; v++) {
			res->vm[v].ns_per_iter += one.vm[v].ns_per_iter;
			res->vm[v].ops_per_sec += one.vm[v].ops_per_sec;
		}
		for (i = 0; i < NR_STATS; i++)
			res->stats[i] += one.stats[i];
		res->iters += one.iters;
		res->steal_ns += one.steal_ns;
		res->violations += one.violations;
		res->sim_ops += one.sim_ops;
		res->sim_ns += one.sim_ns;
		res->wall_s += one.wall_s;
		if (!res->exit_code && one.exit_code) {
			res->exit_code = one.exit_code;
			memcpy(res->failure, one.failure, sizeof(res->failure));
		}
	}
	rc->seed = seed;
	rc->trace = trace;
	res->ns_per_iter /= repeat;
	res->ops_per_sec /= repeat;
	for (v = 0; v < res->nr_vms; v++) {
		res->vm[v].ns_per_iter /= repeat;
		res->vm[v].ops_per_sec /= repeat;
	}
	res->repeat = repeat;
}

/* Worst status wins: an internal error makes every number suspect. */
static int worse(int a, int b)
{
	if (a == EXIT_INTERNAL || b == EXIT_INTERNAL)
		return EXIT_INTERNAL;
	return a > b ? a : b;
}

/*
 * Every cell in turn, each JSON/CSV row printed and flushed as it is done.
 * Stops early, g->nr_done telling how far it got, when a signal asks to or
 * when stdout cannot take a row (no use running what cannot be printed).
 */
static int run_grid(struct grid *g, const struct run_opts *o,
		    const struct profile *prof, FILE *trace)
{
	int nr_cells = g->nr_rows * g->nr_cols, i, status = EXIT_OK;
	char what[128];

	progress_begin(nr_cells);
	for (i = 0; i < nr_cells && !stop_signal; i++) {
		struct result_row *r = &g->rows[i];

		fill_config(&r->rc, g, o, prof, trace, i / g->nr_cols, i % g->nr_cols);
		describe(what, sizeof(what), &r->rc);
		progress_step(i, what);
		run_repeated(&r->rc, &r->res, o->repeat);
		if (r->res.interrupted)
			break;
		g->nr_done = i + 1;
		if (r->res.exit_code)
			report_failure(r);
		status = worse(status, r->res.exit_code);
		if (o->json)
			print_json_row(r);
		else if (o->csv)
			print_csv_row(r);
		if (!output_ok()) {
			status = EXIT_INTERNAL;
			break;
		}
	}
	progress_end();
	return status;
}

/* What was written before the first run: a failed write stops it all. */
static bool print_prologue(const struct grid *g, const struct run_opts *o)
{
	if (o->csv)
		print_csv_header();
	else if (!o->json && o->compare)
		print_compare_heading(g);
	return output_ok();
}

static void report_interrupt(const struct grid *g)
{
	progress_clear();
	fprintf(stderr, "shootdown: interrupted by %s after %d of %d runs\n",
		stop_signal == SIGINT ? "SIGINT" : "SIGTERM", g->nr_done,
		g->nr_rows * g->nr_cols);
}

static int run_main(int argc, char **argv, bool compare)
{
	struct run_opts o = { .compare = compare };
	struct out_file trace = { .fd = -1 };
	struct profile prof;
	struct grid g;
	int status;

	parse_options(argc, argv, &o);
	build_grid(&g, &o, &prof, &trace);
	catch_stop_signals();
	g.rows = calloc(g.nr_rows * g.nr_cols, sizeof(*g.rows));
	if (!g.rows) {
		fprintf(stderr, "shootdown: out of memory\n");
		out_discard(&trace);
		return EXIT_INTERNAL;
	}
	if (!print_prologue(&g, &o)) {
		out_discard(&trace);
		free(g.rows);
		finish_output();
		return EXIT_INTERNAL;
	}
	status = run_grid(&g, &o, &prof, trace.f);

	/* the trace is one run's, whole, or nothing */
	if (trace.f) {
		if (!stop_signal && g.nr_done && g.rows[0].res.trace_complete) {
			if (!out_commit(&trace))
				status = EXIT_INTERNAL;
		} else {
			out_discard(&trace);
		}
	}
	if (output_ok() && !o.json && !o.csv) {
		if (compare)
			print_compare_tables(&g);
		else if (g.nr_done)
			print_run_summary(&g.rows[0]);
	}
	free(g.rows);
	if (!finish_output())
		status = EXIT_INTERNAL;
	if (stop_signal) {
		report_interrupt(&g);
		return 128 + stop_signal;
	}
	return status;
}

int cmd_run(int argc, char **argv)
{
	return run_main(argc, argv, false);
}

int cmd_compare(int argc, char **argv)
{
	return run_main(argc, argv, true);
}
