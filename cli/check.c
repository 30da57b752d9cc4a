// SPDX-License-Identifier: GPL-2.0
/*
 * cli.c - `shootdown check [FILES...]`: run scenario files through the
 * checker and compare each verdict with the one the file expects.
 *
 * With no file, the whole corpus (every .scn file in scenarios/) runs.  Every file is
 * read before anything runs: a bad file is one line on stderr and exit 2.
 * Exit 0 only if every verdict matches its expectation; 1 if one does not;
 * 3 if the checker could not check a case (its error is printed); 4 if
 * nothing contradicts the files but some search stopped before it could
 * prove its expectation (Unknown).
 */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "work/scenario.h"
#include "proto/kernel.h"

#define MAX_FILES	256

struct opts {
	int bound;		/* -2: each scenario's own (default: none, DPOR) */
	u64 random;
	u64 seed;
	u64 steps;
	double seconds;
	bool json, sc, show;
};

struct outcome {
	const struct scenario *s;
	const struct scn_case *c;
	struct check_result r;
	int bound;
	bool match;
};

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line, escaped like every usage error (cli/options.c); returns 2. */
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	usage_vline(fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

static void help(void)
{
	puts("usage: shootdown check [FILE.scn...] [options]\n"
	     "Explore the interleavings of scenario files under x86-TSO and compare\n"
	     "each verdict (Never / Sometimes / Always) with the one the file expects.\n"
	     "With no FILE, runs the corpus in scenarios/.\n\n"
	     "  --bound K     preemption bound (default: the file's, else none: the\n"
	     "                search is complete, with partial-order reduction; -1: none)\n"
	     "  --random N    N random PCT schedules per case instead of the search\n"
	     "  --seed S      seed of --random (default 1)\n"
	     "  --steps N     events per execution (default: the file's, else 4000)\n"
	     "  --time S      give up a case after S seconds (default 120)\n"
	     "  --sc          sequential consistency instead of x86-TSO\n"
	     "  --show        print every counterexample, not only unexpected ones\n"
	     "  --json        one JSON object per case\n\n"
	     "Exit status: 0 every verdict as expected, 1 some verdict not,\n"
	     "2 bad usage or scenario file, 3 a case could not be checked,\n"
	     "4 a search stopped at its limit before a verdict (Unknown).\n"
	     "docs/checker.md describes the model and the scenario format.");
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "bound", required_argument, NULL, 'b' },
		{ "random", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "steps", required_argument, NULL, 'n' },
		{ "time", required_argument, NULL, 't' },
		{ "sc", no_argument, NULL, 'S' },
		{ "show", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	jmp_buf bad, *saved = usage_jmp;
	int ch;

	/*
	 * The strict number parsers of cli/options.c die_usage on bad input;
	 * cmd_check returns its status instead (the tests call it in-process),
	 * so their exit comes back here.
	 */
	if (setjmp(bad)) {
		usage_jmp = saved;
		return EXIT_USAGE;
	}
	usage_jmp = &bad;
	/* 0, not 1: also forget a "-xy" cluster a previous parse stopped in */
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			o->bound = parse_int("--bound", optarg, -1, 64);
			break;
		case 'r':
			o->random = parse_int("--random", optarg, 1, 1000000000);
			break;
		case 's':
			o->seed = parse_u64("--seed", optarg);
			break;
		case 'n':
			o->steps = parse_int("--steps", optarg, 10, 1000000);
			break;
		case 't':
			o->seconds = parse_int("--time", optarg, 1, 86400);
			break;
		case 'S': o->sc = true; break;
		case 'v': o->show = true; break;
		case 'j': o->json = true; break;
		case 'h':
			usage_jmp = saved;
			help();
			return -1;
		case ':':
			/* the option as typed: "--bound", or an abbreviation */
			die_usage("%s: missing value (try --help)",
				  quote(argv[optind - 1]));
		default:
			die_bad_option(argv, optind, optopt);
		}
	}
	usage_jmp = saved;
	return 0;
}

/* ---- the corpus ---------------------------------------------------------------- */

/* scenarios/ next to the binary's build directory, or in the current one. */
static int corpus_dir(char *dir, size_t len)
{
	const char *envdir = getenv("SHOOTDOWN_SCENARIOS");
	char exe[PATH_MAX - 16];
	ssize_t n;

	if (envdir) {
		snprintf(dir, len, "%s", envdir);
		return 0;
	}
	if (!access("scenarios", R_OK)) {
		snprintf(dir, len, "scenarios");
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			snprintf(dir, len, "%s/../scenarios", exe);
			if (!access(dir, R_OK))
				return 0;
		}
	}
	return -1;
}

static int corpus_files(glob_t *g)
{
	char dir[PATH_MAX], pattern[PATH_MAX + 8];

	if (corpus_dir(dir, sizeof(dir)))
		return usage_error("no scenarios/ directory here or next to the "
				   "binary (set SHOOTDOWN_SCENARIOS)");
	snprintf(pattern, sizeof(pattern), "%s/*.scn", dir);
	if (glob(pattern, 0, NULL, g) || !g->gl_pathc)
		return usage_error("no scenario files in %s", dir);
	return 0;
}

/* ---- output ------------------------------------------------------------------------ */

/*
 * A search cut short by a limit (time, steps, the preemption bound) has
 * proven nothing when it found nothing: Unknown, never Never.  A violation
 * is a proof either way.  An expected Always needs every execution: a
 * search cut short with only violations so far is Unknown too.
 */
static enum check_verdict observed(const struct outcome *o)
{
	const struct check_result *r = &o->r;
	enum check_verdict v = check_verdict(r);

	if (o->c->always && v == CHECK_SOMETIMES && !r->complete &&
	    r->witnesses == r->finished)
		return CHECK_UNKNOWN;
	return v;
}

static bool unknown(const struct outcome *o)
{
	return observed(o) == CHECK_UNKNOWN;
}

static const char *expected(const struct scn_case *c)
{
	return c->always ? "Always" : c->sometimes ? "Sometimes" : "Never";
}

static bool matches(const struct outcome *o)
{
	enum check_verdict v = observed(o);

	if (o->c->always)
		return v == CHECK_ALWAYS;
	if (o->c->sometimes)	/* at least one: an Always is one too */
		return v == CHECK_SOMETIMES || v == CHECK_ALWAYS;
	return v == CHECK_NEVER;
}

/* COMPLETE: "yes" if the search covered every execution, else why not
 * ("time", "steps", "bound K", "schedules"), or for a violation found
 * before the search ended, after how many executions ("at N"). */
static void completeness(const struct outcome *o, char *buf, size_t len)
{
	const struct check_result *r = &o->r;

	if (r->error)
		snprintf(buf, len, "-");
	else if (r->complete)
		snprintf(buf, len, "yes");
	else if (r->violation && r->stop == STOP_VIOLATION)
		snprintf(buf, len, "at %llu", (unsigned long long)r->first_executions);
	else if (r->stop == STOP_BOUND)
		snprintf(buf, len, "bound %d", o->bound);
	else
		snprintf(buf, len, "%s", check_stop_name(r->stop));
}

static void print_indented(const char *text)
{
	const char *nl;

	for (; text && *text; text = nl + 1) {
		nl = strchr(text, '\n');
		if (!nl) {
			printf("    %s\n", text);
			return;
		}
		printf("    %.*s\n", (int)(nl - text), text);
	}
}

static void print_row(const struct outcome *o, const struct opts *opt)
{
	const struct check_result *r = &o->r;
	char comp[32], wit[48];

	completeness(o, comp, sizeof(comp));
	snprintf(wit, sizeof(wit), "%llu/%llu", (unsigned long long)r->witnesses,
		 (unsigned long long)r->finished);
	printf("%-28s %-24s %-3s %-9s  %-9s %10llu %15s  %-10s %6.2fs%s\n", o->s->name,
	       scenario_case_mutant(o->c), o->c->sc || opt->sc ? "sc" : "tso",
	       expected(o->c), check_verdict_name(observed(o)),
	       (unsigned long long)r->executions, wit, comp, r->seconds,
	       o->match ? "" : unknown(o) ? "   UNKNOWN" : "   MISMATCH");
	if (unknown(o))
		printf("    stopped by the %s limit after %llu executions\n",
		       check_stop_name(r->stop), (unsigned long long)r->executions);
	if (r->error)
		printf("    error: %s\n", r->what);
	else if (r->violation && (opt->show || !o->match)) {
		printf("    %s\n", r->what);
		print_indented(r->counterexample);
	}
}

static void json_string(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if (*s == '\n')
			printf("\\n");
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_json(const struct outcome *o, const struct opts *opt)
{
	const struct check_result *r = &o->r;

	printf("{\"scenario\":");
	json_string(o->s->path);
	printf(",\"mutant\":\"%s\",\"memory\":\"%s\",\"expected\":\"%s\","
	       "\"observed\":\"%s\",\"match\":%s,\"schedules\":%llu,\"pruned\":%llu,"
	       "\"witnesses\":%llu,\"finished\":%llu,",
	       scenario_case_mutant(o->c), o->c->sc || opt->sc ? "sc" : "tso",
	       expected(o->c), check_verdict_name(observed(o)),
	       o->match ? "true" : "false", (unsigned long long)r->executions,
	       (unsigned long long)r->pruned, (unsigned long long)r->witnesses,
	       (unsigned long long)r->finished);
	if (o->bound >= 0 && !opt->random)
		printf("\"bound\":%d,", o->bound);
	else
		printf("\"bound\":null,");
	printf("\"bound_cut\":%llu,\"step_cut\":%llu,\"complete\":%s,\"stopped\":",
	       (unsigned long long)r->bound_cut, (unsigned long long)r->step_cut,
	       r->complete ? "true" : "false");
	if (r->complete)
		printf("null");
	else
		printf("\"%s\"", check_stop_name(r->stop));
	printf(",\"seconds\":%.3f,\"first_schedules\":%llu,\"first_seconds\":%.3f",
	       r->seconds, (unsigned long long)r->first_executions, r->first_seconds);
	if (r->violation || r->error) {
		printf(",\"violation\":");
		json_string(r->what);
	}
	if (r->counterexample) {
		printf(",\"counterexample_events\":%u,\"counterexample\":", r->cex_steps);
		json_string(r->counterexample);
	}
	printf("}\n");
}

/* ---- running ------------------------------------------------------------------------- */

/*
 * Progress on a terminal: "scenario mutant: N schedules, T s" rewritten in
 * place about once a second, erased when the case ends.  Never in a pipe
 * or a file, whose bytes must not depend on how fast the host is.
 */
static void progress(void *arg, const struct check_result *r, double seconds)
{
	const struct outcome *o = arg;

	fprintf(stderr, "\r\033[K%s %s: %llu schedules, %.0fs", o->s->name,
		scenario_case_mutant(o->c), (unsigned long long)r->executions, seconds);
	fflush(stderr);
}

static void run_case(struct outcome *o, const struct opts *opt)
{
	struct check_config cfg = {
		.sc = opt->sc,
		.random_runs = opt->random,
		.seed = opt->seed,
		.max_seconds = opt->seconds,
	};
	bool tty = isatty(STDERR_FILENO);

	o->bound = opt->bound != -2 ? opt->bound : o->s->bound >= 0 ? o->s->bound : -1;
	cfg.bound = o->bound;
	cfg.max_steps = opt->steps ? opt->steps : o->s->max_steps;
	/* an Always is a statement about every execution */
	cfg.all_executions = o->c->always;
	if (tty) {
		cfg.progress = progress;
		cfg.progress_arg = o;
	}
	scenario_check(o->s, o->c, &cfg, &o->r);
	if (tty) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	o->match = matches(o);
}

int cmd_check(int argc, char **argv)
{
	struct opts opt = { .bound = -2, .seed = 1, .seconds = 120 };
	struct scenario *scn = NULL;
	struct outcome o;
	glob_t g = { 0 };
	char **files, err[400];
	int nfiles, i, k, rc, ncases = 0, nmatch = 0, nerr = 0, nunknown = 0;
	double seconds = 0;
	u64 runs = 0;

	rc = parse_opts(argc, argv, &opt);
	if (rc)
		return rc < 0 ? 0 : rc;
	files = argv + optind;
	nfiles = argc - optind;
	if (!nfiles) {
		if (corpus_files(&g))
			return 2;
		files = g.gl_pathv;
		nfiles = g.gl_pathc;
	}
	if (nfiles > MAX_FILES)
		return usage_error("more than %d scenario files", MAX_FILES);
	scn = calloc(nfiles, sizeof(*scn));
	for (i = 0; i < nfiles; i++) {
		if (scenario_load(files[i], &scn[i], err, sizeof(err))) {
			rc = usage_error("%s", err);
			goto out;
		}
	}
	if (!opt.json)
		printf("%-28s %-24s %-3s %-9s  %-9s %10s %15s  %-10s %7s\n", "SCENARIO",
		       "MUTANT", "MEM", "EXPECTED", "OBSERVED", "SCHEDULES",
		       "WITNESSES", "COMPLETE", "TIME");
	/* WITNESSES: violating complete executions / complete executions */
	for (i = 0; i < nfiles; i++) {
		for (k = 0; k < scn[i].nr_cases; k++) {
			memset(&o, 0, sizeof(o));
			o.s = &scn[i];
			o.c = &scn[i].cases[k];
			run_case(&o, &opt);
			if (opt.json)
				print_json(&o, &opt);
			else
				print_row(&o, &opt);
			fflush(stdout);
			ncases++;
			nmatch += o.match;
			nerr += o.r.error;
			nunknown += unknown(&o);
			runs += o.r.executions;
			seconds += o.r.seconds;
			check_result_free(&o.r);
		}
	}
	if (!opt.json)
		printf("%d case%s: %d as expected, %d not%s; %.0f schedules/s\n",
		       ncases, ncases == 1 ? "" : "s", nmatch, ncases - nmatch,
		       nerr ? " (some could not be checked)" : "",
		       seconds > 0 ? runs / seconds : 0);
	/* 4: nothing contradicts the file, but some search did not finish */
	rc = nerr ? 3 : nmatch == ncases ? 0 : nmatch + nunknown == ncases ? 4 : 1;
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "shootdown check: cannot write output\n");
		rc = 3;
	}
out:
	free(scn);
	if (g.gl_pathc)
		globfree(&g);
	return rc;
}
