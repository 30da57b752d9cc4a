// SPDX-License-Identifier: GPL-2.0
/*
 * t_check_scenario.c - scenario files and `shootdown check`: the loader's
 * one-line errors (file:line and the bad value), the exit statuses, every
 * verdict of the corpus in scenarios/, results that do not depend on what
 * ran before, and the throughput on a 2-CPU scenario (a diagnostic).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "work/scenario.h"
#include "proto/kernel.h"
#include "tests/tap.h"

static char tmp_path[64];

/* Write text to a temporary scenario file and load it. */
static int load_text(const char *text, struct scenario *s, char *err, size_t len)
{
	FILE *f;
	int fd;

	snprintf(tmp_path, sizeof(tmp_path), "/tmp/t_check_scenario.XXXXXX");
	fd = mkstemp(tmp_path);
	TEST_ASSERT(fd >= 0, "mkstemp");
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	fd = scenario_load(tmp_path, s, err, len);
	unlink(tmp_path);
	return fd;
}

#define GOOD_HEAD "cpus 2\nprotocol concurrent\nvma 0x200000 1 anon rw\n"

static const struct {
	const char *text;
	int line;
	const char *needle;	/* must appear in the message */
} bad[] = {
	{ "cpus 9\n", 1, "'9'" },
	{ "cpus two\n", 1, "'two'" },
	{ "cpus 2\nprotocol fastest\n", 2, "'fastest'" },
	{ GOOD_HEAD "cpu2: use\n", 4, "'cpu2:'" },
	{ GOOD_HEAD "cpu0: use; jump 0x1000\n", 4, "'jump'" },
	{ GOOD_HEAD "cpu0: read\n", 4, "'read' takes 1" },
	{ GOOD_HEAD "cpu0: madvise 0x200000 0\n", 4, "'0'" },
	{ GOOD_HEAD "cpu0: read 0xffff900000000000\n", 4, "'0xffff900000000000'" },
	{ GOOD_HEAD "vma 0x200100 1 anon rw\n", 4, "'0x200100'" },
	{ GOOD_HEAD "vma 0x400000 1 stack rw\n", 4, "'stack'" },
	{ GOOD_HEAD "tables later\n", 4, "'later'" },
	{ GOOD_HEAD "expect bogus Never\n", 4, "'bogus'" },
	{ GOOD_HEAD "expect none Maybe\n", 4, "'Maybe'" },
	{ GOOD_HEAD "expect none Never pso\n", 4, "'pso'" },
	{ GOOD_HEAD "frobnicate 1\n", 4, "'frobnicate'" },
	{ GOOD_HEAD "cpu0: use\n", 5, "no expect line" },
	{ "protocol concurrent\ncpu0: use\n", 2, "before the cpus line" },
};

static void test_errors(void)
{
	struct scenario s;
	char err[400], want[96];
	size_t i;

	report_prefix_push("loader");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int rc = load_text(bad[i].text, &s, err, sizeof(err));

		snprintf(want, sizeof(want), "%s:%d: ", tmp_path, bad[i].line);
		report(rc < 0 && !strncmp(err, want, strlen(want)) &&
		       strstr(err, bad[i].needle) && !strchr(err, '\n'),
		       "error %zu is one line at line %d naming %s: %s", i,
		       bad[i].line, bad[i].needle, err);
	}
	report(!load_text(GOOD_HEAD "# a comment\ninit cpu1: use; read 0x200000\n"
			  "cpu0: use; madvise 0x200000 1 # trailing\n"
			  "cpu1: read 0x200000; write 0x200000 5\n"
			  "expect none Never\nexpect skip-local Sometimes sc\n",
			  &s, err, sizeof(err)) &&
	       s.nr_init == 2 && s.nr_ops[0] == 2 && s.nr_ops[1] == 2 &&
	       s.nr_cases == 2 && s.cases[1].sc && s.cases[1].sometimes &&
	       s.ops[1][1].kind == SOP_WRITE && s.ops[1][1].b == 5,
	       "a good file: scripts, init, two cases (%s)", err);
	report_prefix_pop();
}

/* Run check_main with stderr captured; returns its status, *line the
 * first line it printed and *lines how many. */
static int check_captured(int argc, char **argv, char *line, size_t len, int *lines)
{
	FILE *f = tmpfile();
	int saved = dup(2), status, c;

	TEST_ASSERT(f && saved >= 0, "tmpfile");
	fflush(stderr);
	dup2(fileno(f), 2);
	status = cmd_check(argc, argv);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	line[0] = '\0';
	if (!fgets(line, (int)len, f))
		line[0] = '\0';
	rewind(f);
	*lines = 0;
	while ((c = fgetc(f)) != EOF)
		*lines += c == '\n';
	fclose(f);
	return status;
}

static void test_exit_status(void)
{
	char *bad_opt[] = { "check", "--bound", "lots", NULL };
	char *hex[] = { "check", "--bound", "0x2", NULL };
	char *missing[] = { "check", "/nonexistent/x.scn", NULL };
	char line[512];
	int lines;

	report_prefix_push("exit status");
	report(check_captured(3, bad_opt, line, sizeof(line), &lines) == 2 &&
	       lines == 1 && strstr(line, "'lots'"),
	       "a bad option value exits 2 with one line naming it");
	report(check_captured(3, hex, line, sizeof(line), &lines) == 2 && lines == 1,
	       "numbers are decimal, as for run and compare");
	report(check_captured(2, missing, line, sizeof(line), &lines) == 2 &&
	       lines == 1 && strstr(line, "/nonexistent/x.scn"),
	       "a missing file exits 2 with one line naming it");
	report_prefix_pop();
}

/* ---- the corpus -------------------------------------------------------------------- */

static struct scenario corpus[64];
static int nr_corpus;

static void load_corpus(void)
{
	FILE *p = popen("ls scenarios/*.scn 2>/dev/null", "r");
	char path[256], err[400];

	TEST_ASSERT(p, "popen");
	while (nr_corpus < (int)ARRAY_SIZE(corpus) && fgets(path, sizeof(path), p)) {
		path[strcspn(path, "\n")] = 0;
		TEST_ASSERT(!scenario_load(path, &corpus[nr_corpus], err, sizeof(err)),
			    "%s", err);
		nr_corpus++;
	}
	pclose(p);
}

static void test_corpus(void)
{
	struct check_config cfg = { .bound = 3 };
	struct check_result r;
	int i, k;

	report_prefix_push("corpus");
	if (!nr_corpus) {
		report_skip("no scenarios/ here (run from the top directory)");
		report_prefix_pop();
		return;
	}
	for (i = 0; i < nr_corpus; i++) {
		const struct scenario *s = &corpus[i];

		for (k = 0; k < s->nr_cases; k++) {
			const struct scn_case *c = &s->cases[k];

			/* bound 3 keeps the suite fast: a Never is then
			 * complete only within the bound (Unknown to the CLI);
			 * `shootdown check` proves them unbounded.  (The bounded
			 * search at 2 no longer reaches pv-emulated's
			 * mid-instruction witness; at 3 it does.) */
			scenario_check(s, c, &cfg, &r);
			report(!r.error && r.violation == c->sometimes &&
			       (r.violation || r.complete || r.stop == STOP_BOUND),
			       "%s %s%s: %s (expected %s, %llu schedules, %.2fs)",
			       s->name, scenario_case_mutant(c), c->sc ? " sc" : "",
			       r.error ? r.what : r.violation ? "Sometimes" : "Never",
			       c->sometimes ? "Sometimes" : "Never",
			       (unsigned long long)r.executions, r.seconds);
			/* how soon, in schedules, not seconds: the same on
			 * every host */
			if (r.violation)
				report(r.executions <= 1000000,
				       "%s %s: found within 10^6 schedules (%llu)", s->name,
				       scenario_case_mutant(c),
				       (unsigned long long)r.executions);
			check_result_free(&r);
		}
	}
	report_prefix_pop();
}

/* Unbounded DPOR: small scenarios complete; a time limit gives Unknown. */
static void test_dpor(void)
{
	static const char *const small[] = { "concurrent-flush", "hyperv-gva",
					     "walker-ipi" };
	struct check_config cfg = { .bound = -1 };
	struct check_result r;
	unsigned j;
	int i, k;

	report_prefix_push("dpor");
	for (i = 0; i < nr_corpus; i++) {
		const struct scenario *s = &corpus[i];

		for (j = 0; j < ARRAY_SIZE(small); j++)
			if (!strcmp(s->name, small[j]))
				break;
		if (j == ARRAY_SIZE(small))
			continue;
		for (k = 0; k < s->nr_cases; k++) {
			const struct scn_case *c = &s->cases[k];

			scenario_check(s, c, &cfg, &r);
			report(!r.error && r.violation == c->sometimes &&
			       (r.violation || (r.complete && r.dpor)),
			       "%s %s: %s, unbounded (%llu schedules)", s->name,
			       scenario_case_mutant(c),
			       check_verdict_name(check_verdict(&r)),
			       (unsigned long long)r.executions);
			check_result_free(&r);
		}
	}
	/* the largest scenario, one second: not enough, and it says so */
	for (i = 0; i < nr_corpus; i++) {
		struct check_config t = { .bound = -1, .max_seconds = 1 };

		struct scn_case tso;

		if (strcmp(corpus[i].name, "pv-emulated"))
			continue;
		/* the corpus checks it under SC, where it completes; x86-TSO
		 * does not finish in a second (docs/checker.md, Limits) */
		tso = corpus[i].cases[0];
		tso.sc = false;
		scenario_check(&corpus[i], &tso, &t, &r);
		report(!r.violation && !r.complete && r.stop == STOP_TIME &&
		       check_verdict(&r) == CHECK_UNKNOWN,
		       "pv-emulated under TSO, 1 s: %s, stopped by %s after %llu schedules",
		       check_verdict_name(check_verdict(&r)), check_stop_name(r.stop),
		       (unsigned long long)r.executions);
		check_result_free(&r);
	}
	report_prefix_pop();
}

/* One exploration must not depend on the ones before it in the process. */
static void test_independence(void)
{
	struct check_config cfg = { .bound = 1 };
	const struct scenario *s = NULL;
	struct check_result a, b;
	int i;

	for (i = 0; i < nr_corpus && !s; i++)
		if (!strcmp(corpus[i].name, "concurrent-flush") && corpus[i].nr_cases >= 3)
			s = &corpus[i];
	report_prefix_push("independence");
	if (!s) {
		report_skip("no concurrent-flush scenario");
		report_prefix_pop();
		return;
	}
	scenario_check(s, &s->cases[s->nr_cases - 1], &cfg, &a);
	scenario_check(s, &s->cases[1], &cfg, &b);	/* ends mid-run */
	check_result_free(&b);
	scenario_check(s, &s->cases[s->nr_cases - 1], &cfg, &b);
	report(a.violation == b.violation && a.executions == b.executions &&
	       a.pruned == b.pruned && a.cex_steps == b.cex_steps,
	       "the same case after another: same verdict and search (%llu, %llu)",
	       (unsigned long long)a.executions, (unsigned long long)b.executions);
	check_result_free(&a);
	check_result_free(&b);
	report_prefix_pop();
}

static void bench(void)
{
	struct check_config cfg = { .bound = 2, .prelude = -1 };
	struct check_result r;
	int i;

	for (i = 0; i < nr_corpus; i++) {
		if (strcmp(corpus[i].name, "concurrent-flush"))
			continue;
		scenario_check(&corpus[i], &corpus[i].cases[0], &cfg, &r);
		printf("# throughput: %.0f schedules/s (concurrent-flush, 2 CPUs, "
		       "bound 2, %llu schedules in %.2fs)\n", r.executions / r.seconds,
		       (unsigned long long)r.executions, r.seconds);
		check_result_free(&r);
	}
}

int main(void)
{
	test_errors();
	test_exit_status();
	load_corpus();
	test_corpus();
	test_dpor();
	test_independence();
	bench();
	return report_summary();
}
