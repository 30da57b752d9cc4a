// SPDX-License-Identifier: GPL-2.0
/*
 * torture.c - `shootdown torture`: random configurations, back to back,
 * until a wall-time budget is spent.
 *
 * The tests and the experiments run the configurations somebody thought
 * of; torture runs the ones nobody did: any protocol on any workload, any
 * CPU count, lazy threads, VMs under overcommit, every table-freeing
 * policy, and a hostile machine -- preemption storms, IPI delay spikes,
 * long host noise, NMIs, slow page walks -- drawn as profile overrides.
 *
 * Everything but the time budget is a function of --seed: the sequence of
 * configurations comes from one splitmix64 stream, and each configuration
 * is printed as the `shootdown run` command that runs exactly it (the
 * overrides as --set), so a failure found here is a command line anybody
 * can rerun and debug.  The budget is checked between runs, and every run
 * is kept short (iterations scaled down, ebizzy on few CPUs), so torture
 * stops within a second or two of its time.
 *
 * With --mutate or --host-mutate, only configurations the bug can show in
 * are drawn (its protocol, its workloads, the machine it needs), so that a
 * detector that works finds it within seconds.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "lib/rng.h"

/* Every run's profile is this one plus the drawn overrides. */
#define TORTURE_PROFILE	"default"
#define TORTURE_SETS_MAX	8
#define BARE_CPUS_MAX	16
#define VMS_MAX		3
#define VCPUS_MIN	2
#define VCPUS_MAX	8
#define PCPUS_MAX	8
/* ebizzy runs for 200 ms of simulated time whatever the CPU count: few
 * CPUs keep one run under a second of wall time. */
#define DURATION_CPUS_MAX	8
/*
 * Simulated work per run, in iterations x CPUs: the default iterations of
 * the heaviest workloads at 16 CPUs take seconds (gup-fast: 2.4 s), and a
 * run must take well under one.
 */
#define ITER_CPU_BUDGET	1600
#define ITERS_MIN	10

static const char torture_usage[] =
"usage: shootdown torture {--time SECONDS | --configs N} [options]\n"
"Run randomly drawn configurations (protocol, workload, CPUs, lazy threads,\n"
"VMs, table freeing, host faults as profile overrides) until SECONDS of wall\n"
"time have passed or N configurations have run, whichever comes first.  Each\n"
"configuration is printed as the shootdown run command that reproduces it; a\n"
"failure adds its first violation after a '#'.\n"
"\n"
"      --time SECONDS   wall-time budget, checked between runs (1..604800)\n"
"      --configs N      stop after N configurations (1..100000000): the same\n"
"                       output on every host, whatever its speed\n"
"  -s, --seed S         seed of the sequence of configurations (default 1)\n"
"  -m, --mutate M       draw only configurations mutant M can show in\n"
"      --host-mutate M  the same for a host mutant (pv in VMs)\n"
"  -j, --json           one JSON object per configuration, then a summary\n"
"  -h, --help           this text\n"
"\n"
"Exit status: 0 nothing found, 1 a violation, deadlock or failure, 2 bad\n"
"usage (no-switch-barrier cannot be seen by the simulator: shootdown check),\n"
"130 interrupted.\n";

static const struct option torture_longopts[] = {
	{ "time",	 required_argument,	NULL, 'W' },
	{ "configs",	 required_argument,	NULL, 'C' },
	{ "seed",	 required_argument,	NULL, 's' },
	{ "mutate",	 required_argument,	NULL, 'm' },
	{ "host-mutate", required_argument,	NULL, 'M' },
	{ "json",	 no_argument,		NULL, 'j' },
	{ "help",	 no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

struct torture_opts {
	int seconds;		/* 0: no wall-time limit */
	int configs;		/* 0: no limit on configurations */
	uint64_t seed;
	enum mutant mutant;
	enum host_mutant host_mutant;
	bool json;
};

/* What a bug needs to be visible: drawing is restricted to these. */
struct draw_rules {
	bool bare_protocols;		/* only protocols without ->virt */
	const char *protocol;		/* only this protocol (NULL: any) */
	const char *const *workloads;	/* NULL-terminated; NULL: any */
	bool remote;			/* at least two CPUs in the mm */
	bool lazy;			/* at least one lazy thread */
	bool vms_overcommitted;		/* VMs, more vCPUs than host CPUs */
	bool nmi;			/* perf NMIs on */
	bool table_free_ipi;		/* tables freed right after the flush */
};

/* A profile override, the value already in the profile file's units. */
struct torture_set {
	const char *key;
	char value[32];
};

struct torture_config {
	const struct flush_ops *protocol;
	const struct workload *wl;
	int cpus;			/* bare metal; with VMs: vms x vcpus */
	int vms, vcpus, pcpus;		/* vms 0: bare metal */
	int lazy;
	int threads;			/* 0: the workload's default */
	uint64_t iters;			/* 0: a workload of simulated time */
	enum table_free table_free;
	uint64_t seed;
	struct torture_set sets[TORTURE_SETS_MAX];
	int nr_sets;
};

struct torture_totals {
	int configs, bad_configs, violating_configs, failed_configs;
	uint64_t sim_ops, shootdowns, violations;
};

static volatile sig_atomic_t torture_stop;

static void on_torture_signal(int sig)
{
	torture_stop = sig;
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A uniform draw from 0..n-1; n is tiny, so the modulo bias is nil. */
static int pick(uint64_t *rng, int n)
{
	return (int)(rng_next(rng) % (uint64_t)n);
}

static int pick_range(uint64_t *rng, int lo, int hi)
{
	return lo + pick(rng, hi - lo + 1);
}

static bool chance(uint64_t *rng, int one_in)
{
	return pick(rng, one_in) == 0;
}

/* ---- the rules of each mutant -------------------------------------------- */

static const char *const table_freeing_workloads[] = {
	"munmap-range", "kernbench", NULL
};
static const char *const ranged_flush_workloads[] = {
	"tlb-flush2", "tlb-flush1", "munmap-range", "madv-touch", NULL
};
static const char *const dropped_page_workload[] = { "dropped-page", NULL };
static const char *const zap_race_workload[] = { "zap-race", NULL };
/* lazy threads read the page thread 0 keeps dropping or unmapping */
static const char *const lazy_reader_workloads[] = {
	"madv-touch", "munmap-range", NULL
};
static const char *const emulated_reader_workload[] = { "emulated-reader", NULL };
static const char *const host_flush_workloads[] = {
	"munmap-range", "tlb-flush2", "madv-touch", NULL
};

/*
 * The configurations each mutant can show in, from docs/mutants.md: the
 * protocol that has the buggy code, the workload whose accesses the detector
 * sees it in, the machine state it needs.  False: the simulator cannot see
 * the bug at all.
 */
static bool rules_for(const struct torture_opts *o, struct draw_rules *r)
{
	memset(r, 0, sizeof(*r));
	switch (o->host_mutant) {
	case HOST_LOST_FLUSH:
		r->protocol = "pv";
		r->workloads = host_flush_workloads;
		r->vms_overcommitted = true;
		return true;
	case HOST_PREEMPT_MID_INSN:
		r->protocol = "pv";
		r->workloads = emulated_reader_workload;
		r->vms_overcommitted = true;
		return true;
	default:
		break;
	}
	switch (o->mutant) {
	case MUT_NONE:
		return true;
	case MUT_SKIP_LOCAL:
	case MUT_RANGE_OFF_BY_ONE:
	case MUT_STALE_GEN_EARLY_OUT:
		r->bare_protocols = true;
		r->workloads = ranged_flush_workloads;
		return true;
	case MUT_SKIP_ONE_REMOTE:
	case MUT_NO_WAIT:
		r->bare_protocols = true;
		r->remote = true;
		return true;
	case MUT_LAZY_SKIP_FREED_TABLES:
		r->bare_protocols = true;
		r->workloads = table_freeing_workloads;
		r->lazy = true;
		r->table_free_ipi = true;
		return true;
	case MUT_ASYNC_FREED_TABLES:
		r->protocol = "async";
		r->workloads = table_freeing_workloads;
		r->remote = true;
		r->table_free_ipi = true;
		return true;
	case MUT_HV_GVA_SHORT:
		r->protocol = "hyperv";
		r->workloads = ranged_flush_workloads;
		return true;
	case MUT_ASYNC_NO_NMI_GUARD:
		r->protocol = "async";
		r->workloads = dropped_page_workload;
		r->remote = true;
		r->nmi = true;
		return true;
	case MUT_ZAP_NO_PTL:
		r->bare_protocols = true;
		r->workloads = zap_race_workload;
		r->remote = true;
		return true;
	case MUT_LAZY_NO_CATCHUP:
		r->bare_protocols = true;
		r->workloads = lazy_reader_workloads;
		r->lazy = true;
		return true;
	case MUT_NO_SWITCH_BARRIER:
	default:
		return false;
	}
}

/* ---- drawing a configuration --------------------------------------------- */

static const struct flush_ops *draw_protocol(uint64_t *rng,
					     const struct draw_rules *r)
{
	const struct flush_ops *ok[NR_PROTOCOLS];
	int i, n = 0;

	if (r->protocol)
		return protocol_by_name(r->protocol);
	for (i = 0; protocols[i]; i++)
		if (!r->bare_protocols || !protocols[i]->virt)
			ok[n++] = protocols[i];
	return ok[pick(rng, n)];
}

static const struct workload *draw_workload(uint64_t *rng,
					    const struct draw_rules *r)
{
	int n = 0;

	if (r->workloads) {
		while (r->workloads[n])
			n++;
		return workload_by_name(r->workloads[pick(rng, n)]);
	}
	while (workloads[n])
		n++;
	return workloads[pick(rng, n)];
}

/* Threads the run will have on cpus CPUs (as cli/run.c counts them). */
static int threads_on(const struct workload *wl, int cpus)
{
	if (wl->default_threads && wl->default_threads < cpus)
		return wl->default_threads;
	return cpus;
}

static void draw_machine(uint64_t *rng, const struct draw_rules *r,
			 struct torture_config *c)
{
	int cpu_cap = c->wl->default_duration_ns ? DURATION_CPUS_MAX
						 : BARE_CPUS_MAX;

	if (c->protocol->virt || r->vms_overcommitted || chance(rng, 2)) {
		c->vcpus = pick_range(rng, VCPUS_MIN, VCPUS_MAX);
		if (c->wl->default_duration_ns)
			c->vcpus = pick_range(rng, VCPUS_MIN, VCPUS_MAX / 2);
		c->vms = pick_range(rng, r->vms_overcommitted ? 2 : 1, VMS_MAX);
		while (c->vms > 1 && c->vms * c->vcpus > cpu_cap &&
		       c->wl->default_duration_ns)
			c->vms--;
		c->pcpus = pick_range(rng, 1, PCPUS_MAX);
		if (r->vms_overcommitted && c->pcpus >= c->vms * c->vcpus)
			c->pcpus = c->vcpus;
		c->cpus = c->vms * c->vcpus;
	} else {
		c->cpus = pick_range(rng, r->remote ? 2 : 1, cpu_cap);
	}
}

static void draw_lazy(uint64_t *rng, const struct draw_rules *r,
		      struct torture_config *c)
{
	int threads = threads_on(c->wl, c->vms ? c->vcpus : c->cpus);

	if (threads < 2)
		return;
	if (r->lazy || chance(rng, 2))
		c->lazy = pick_range(rng, 1, threads - 1);
}

/* Sometimes more threads than CPUs (up to twice as many), for workloads
 * the scheduler places freely and without lazy threads. */
static void draw_threads(uint64_t *rng, struct torture_config *c)
{
	int cpus = c->vms ? c->vcpus : c->cpus;

	if (c->wl->pinned || c->lazy || threads_on(c->wl, cpus) < cpus ||
	    !chance(rng, 3))
		return;
	c->threads = cpus + pick_range(rng, 1, cpus);
}

/* Iteration workloads: 10%..100% of the default, within the budget. */
static void draw_iters(uint64_t *rng, struct torture_config *c)
{
	uint64_t max = c->wl->default_iters, cap = ITER_CPU_BUDGET / c->cpus;

	if (c->wl->default_duration_ns)
		return;
	if (max > cap)
		max = cap;
	if (max < ITERS_MIN)
		max = ITERS_MIN;
	c->iters = max / 10 + rng_next(rng) % (max - max / 10 + 1);
	if (c->iters < ITERS_MIN)
		c->iters = ITERS_MIN;
}

/* An override in the profile's units: ns, with a fraction if there is one. */
static void add_set(struct torture_config *c, const char *key, uint64_t ps)
{
	struct torture_set *s = &c->sets[c->nr_sets++];

	s->key = key;
	if (ps % 1000)
		snprintf(s->value, sizeof(s->value), "%llu.%03llu",
			 (unsigned long long)(ps / 1000),
			 (unsigned long long)(ps % 1000));
	else
		snprintf(s->value, sizeof(s->value), "%llu",
			 (unsigned long long)(ps / 1000));
}

#define NS	1000ULL		/* picoseconds */

/*
 * The hostile machine: each fault on in about one configuration of four,
 * the host's own faults only under VMs, where there is a host.
 */
static void draw_faults(uint64_t *rng, const struct draw_rules *r,
			const struct profile *base, struct torture_config *c)
{
	/* timeslices down to 10 host context switches (2 us each): below
	 * that the host does little but switch, and a run never ends */
	if (c->vms && chance(rng, 4))		/* preemption storm */
		add_set(c, "host_timeslice_ns",
			pick_range(rng, 20, 500) * 1000 * NS);
	if (chance(rng, 4)) {			/* IPI delay spike */
		uint64_t x = pick_range(rng, 10, 100);

		add_set(c, "ipi_smt_ns", base->ipi_smt_ns * x);
		add_set(c, "ipi_socket_ns", base->ipi_socket_ns * x);
		add_set(c, "ipi_remote_ns", base->ipi_remote_ns * x);
	}
	/* noise at most a fifth of the time, or the vCPUs never run */
	if (c->vms && chance(rng, 4)) {		/* long host noise */
		uint64_t noise = pick_range(rng, 10, 200) * 1000 * NS;

		add_set(c, "host_noise_ns", noise);
		add_set(c, "host_noise_interval_ns", noise * pick_range(rng, 5, 50));
	}
	if (r->nmi || chance(rng, 4))		/* perf NMIs */
		add_set(c, "nmi_interval_ns", pick_range(rng, 1000, 250000) * NS);
	if (chance(rng, 4))			/* long emulator windows */
		add_set(c, "page_walk_ns",
			base->page_walk_ns * pick_range(rng, 10, 100));
}

static void draw_config(uint64_t *rng, const struct draw_rules *r,
			const struct profile *base, struct torture_config *c)
{
	memset(c, 0, sizeof(*c));
	c->protocol = draw_protocol(rng, r);
	c->wl = draw_workload(rng, r);
	draw_machine(rng, r, c);
	draw_lazy(rng, r, c);
	draw_threads(rng, c);
	draw_iters(rng, c);
	c->table_free = r->table_free_ipi ? TABLE_FREE_IPI
					  : (enum table_free)pick(rng, NR_TABLE_FREE);
	/*
	 * A flush that does not interrupt (hypercall, or pv skipping a
	 * preempted vCPU) cannot wait out an interrupt-disabled walker, so
	 * immediate freeing is unsafe by design there (docs/mutants.md,
	 * "Unsafe configurations"); Linux pairs these flushes with RCU
	 * freeing, and so does torture.
	 */
	if (c->protocol->virt && c->table_free == TABLE_FREE_IPI &&
	    !strcmp(c->wl->name, "gup-fast"))
		c->table_free = TABLE_FREE_RCU;
	draw_faults(rng, r, base, c);
	c->seed = 1 + (rng_next(rng) >> 32);
}

/* ---- running it ---------------------------------------------------------- */

/* The `shootdown run` command line that runs exactly this configuration. */
static void format_command(char *buf, size_t len, const struct torture_config *c,
			   const struct torture_opts *o)
{
	size_t n;
	int i;

	n = snprintf(buf, len, "shootdown run --protocol %s --workload %s",
		     c->protocol->name, c->wl->name);
#define APPEND(...) \
	(n += n < len ? (size_t)snprintf(buf + n, len - n, __VA_ARGS__) : 0)
	if (c->vms)
		APPEND(" --vms %d --vcpus %d --pcpus %d", c->vms, c->vcpus,
		       c->pcpus);
	else
		APPEND(" --cpus %d", c->cpus);
	if (c->lazy)
		APPEND(" --lazy %d", c->lazy);
	if (c->threads)
		APPEND(" --threads %d", c->threads);
	if (c->iters)
		APPEND(" --iters %llu", (unsigned long long)c->iters);
	if (c->table_free != TABLE_FREE_IPI)
		APPEND(" --table-free %s", table_free_names[c->table_free]);
	if (o->mutant)
		APPEND(" --mutate %s", mutants[o->mutant].name);
	if (o->host_mutant)
		APPEND(" --host-mutate %s", host_mutants[o->host_mutant].name);
	APPEND(" --seed %llu", (unsigned long long)c->seed);
	for (i = 0; i < c->nr_sets; i++)
		APPEND(" --set %s=%s", c->sets[i].key, c->sets[i].value);
#undef APPEND
}

/*
 * The run_config `shootdown run` builds from that command (cli/run.c
 * fill_config): the same profile through the same profile_set, the
 * protocol's default parameters.  The printed command is the reproducer
 * only as long as the two agree; tests/cli-torture.sh reruns one.
 */
static int build_run_config(struct run_config *rc, const struct torture_config *c,
			    const struct torture_opts *o, const struct profile *base,
			    char *err, size_t errlen)
{
	const struct proto_param *p = c->protocol->params;
	int i;

	memset(rc, 0, sizeof(*rc));
	rc->wl = c->wl;
	rc->protocol = c->protocol;
	rc->mutant = o->mutant;
	rc->prof = *base;
	for (i = 0; i < c->nr_sets; i++)
		if (profile_set(&rc->prof, c->sets[i].key, c->sets[i].value,
				err, errlen))
			return -1;
	rc->cpus = c->cpus;
	rc->lazy = c->lazy;
	rc->threads = c->threads;
	rc->iters = c->iters;
	rc->seed = c->seed;
	rc->table_free = c->table_free;
	for (i = 0; p && p[i].name; i++)
		rc->params[i] = p[i].def;
	rc->params_set = true;
	if (c->vms) {
		rc->vms = c->vms;
		rc->vcpus = c->vcpus;
		rc->pcpus = c->pcpus;
		rc->host_mutant = o->host_mutant;
	}
	rc->stop = &torture_stop;
	rc->quiet = true;		/* the one line per failure is ours */
	return 0;
}

/* What a finished run was: "ok" or the kind of failure. */
static const char *verdict(const struct run_result *res)
{
	if (!res->exit_code)
		return "ok";
	if (res->violations)
		return "violation";
	if (!strncmp(res->failure, "deadlock", 8))
		return "deadlock";
	return "failure";
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_config(int index, const char *what, const char *cmd,
			 const char *message, bool json)
{
	if (json) {
		printf("{\"config\":%d,\"verdict\":\"%s\",\"command\":", index, what);
		json_string(cmd);
		printf(",\"message\":");
		if (message)
			json_string(message);
		else
			fputs("null", stdout);
		puts("}");
		return;
	}
	if (message)
		printf("%-9s %s  # %s\n", what, cmd, message);
	else
		printf("%-9s %s\n", what, cmd);
}

static void print_summary(const struct torture_totals *t, double wall, bool json)
{
	if (json) {
		printf("{\"summary\":true,\"configurations\":%d,\"sim_ops\":%llu,"
		       "\"shootdowns\":%llu,\"violations\":%llu,"
		       "\"violating_configurations\":%d,\"failures\":%d,"
		       "\"wall_s\":%.1f}\n", t->configs,
		       (unsigned long long)t->sim_ops,
		       (unsigned long long)t->shootdowns,
		       (unsigned long long)t->violations, t->violating_configs,
		       t->failed_configs, wall);
		return;
	}
	printf("torture: %d configurations, %llu simulated operations, %llu "
	       "shootdowns, %llu violations in %d configurations, %d failures "
	       "(deadlocks and others), %.1f s wall time\n", t->configs,
	       (unsigned long long)t->sim_ops, (unsigned long long)t->shootdowns,
	       (unsigned long long)t->violations, t->violating_configs,
	       t->failed_configs, wall);
}

static void parse_torture_options(int argc, char **argv, struct torture_opts *o)
{
	bool have_limit = false;
	int c;

	memset(o, 0, sizeof(*o));
	o->seed = 1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":s:m:jh", torture_longopts,
				NULL)) != -1) {
		switch (c) {
		case 'W':
			o->seconds = parse_int("--time", optarg, 1, 7 * 24 * 3600);
			have_limit = true;
			break;
		case 'C':
			o->configs = parse_int("--configs", optarg, 1, 100000000);
			have_limit = true;
			break;
		case 's':
			o->seed = parse_u64("--seed", optarg);
			break;
		case 'm':
			o->mutant = lookup_mutant(optarg);
			break;
		case 'M':
			o->host_mutant = lookup_host_mutant(optarg);
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			fputs(torture_usage, stdout);
			exit(finish_output() ? EXIT_OK : EXIT_INTERNAL);
		case ':':
			die_usage("%s: missing argument", argv[optind - 1]);
		default:
			die_bad_option(argv, optind, optopt);
		}
	}
	if (optind < argc)
		die_usage("torture: unexpected argument '%s'", argv[optind]);
	if (!have_limit)
		die_usage("torture: missing --time SECONDS or --configs N");
	if (o->mutant && o->host_mutant)
		die_usage("--host-mutate: cannot be combined with --mutate");
}

int cmd_torture(int argc, char **argv)
{
	struct torture_totals t = { 0 };
	struct torture_opts o;
	struct draw_rules rules;
	struct profile base;
	struct sigaction sa;
	char err[512], cmd[1024];
	uint64_t rng;
	double start;
	int status = EXIT_OK;

	parse_torture_options(argc, argv, &o);
	if (!rules_for(&o, &rules))
		die_usage("--mutate: %s is not visible to the simulator (%s): try "
			  "shootdown check", mutants[o.mutant].name,
			  o.mutant == MUT_TTWU_NO_ON_CPU_WAIT ?
			  "its window is shorter than the simulator's wake-up path" :
			  "it needs x86-TSO store buffering");
	if (profile_load(&base, TORTURE_PROFILE, err, sizeof(err))) {
		fprintf(stderr, "shootdown: %s\n", err);
		return EXIT_INTERNAL;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_torture_signal;
	sa.sa_flags = SA_RESETHAND | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (!o.json) {
		char limit[64];

		if (o.seconds && o.configs)
			snprintf(limit, sizeof(limit), "%d s or %d configurations",
				 o.seconds, o.configs);
		else if (o.seconds)
			snprintf(limit, sizeof(limit), "%d s", o.seconds);
		else
			snprintf(limit, sizeof(limit), "%d configurations",
				 o.configs);
		printf("torture: seed %llu, %s, mutant %s%s%s\n",
		       (unsigned long long)o.seed, limit,
		       mutants[o.mutant].name, o.host_mutant ? ", host " : "",
		       o.host_mutant ? host_mutants[o.host_mutant].name : "");
	}
	/* its own stream: a torture seed and a run seed never share states */
	rng = o.seed ^ 0x746f727475726521ULL;
	start = wall_now();
	while (!torture_stop &&
	       (!o.seconds || wall_now() - start < o.seconds) &&
	       (!o.configs || t.configs < o.configs)) {
		struct torture_config c;
		struct run_config rc;
		struct run_result res;
		const char *what, *message = NULL;

		draw_config(&rng, &rules, &base, &c);
		format_command(cmd, sizeof(cmd), &c, &o);
		if (build_run_config(&rc, &c, &o, &base, err, sizeof(err))) {
			fprintf(stderr, "shootdown: torture drew a bad override: %s\n",
				err);
			return EXIT_INTERNAL;
		}
		run_once(&rc, &res);
		if (res.interrupted)
			break;
		t.configs++;
		t.sim_ops += res.sim_ops;
		t.shootdowns += res.stats[STAT_SHOOTDOWNS];
		t.violations += res.violations;
		what = verdict(&res);
		if (res.exit_code) {
			status = EXIT_VIOLATION;
			if (res.violations) {
				t.violating_configs++;
				message = res.first_violation[0] ?
					  res.first_violation : res.failure;
			} else {
				t.failed_configs++;
				message = res.failure;
			}
		}
		print_config(t.configs, what, cmd, message, o.json);
		if (!output_ok()) {
			finish_output();	/* says why, on stderr */
			return EXIT_INTERNAL;
		}
	}
	print_summary(&t, wall_now() - start, o.json);
	if (!finish_output())
		return EXIT_INTERNAL;
	if (torture_stop) {
		fprintf(stderr, "shootdown: torture interrupted by %s\n",
			torture_stop == SIGINT ? "SIGINT" : "SIGTERM");
		return 128 + torture_stop;
	}
	return status;
}
