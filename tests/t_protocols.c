// SPDX-License-Identifier: GPL-2.0
/*
 * t_protocols.c - the bare-metal protocols on the simulator: no correct
 * protocol is ever flagged (over a million shootdowns), every mutant is
 * caught, and the effects the seed series claimed are measurable.
 */
#include "tests/runtest.h"

static const char *const all_workloads[] = { "madv-touch", "munmap-range",
	"mmap-rndwr", "tlb-flush1", "tlb-flush2", "tlb-flush3" };
static u64 shootdowns;

/* Every bare-metal protocol in the table: a new one is swept without being
 * named here. */
static void test_correct_never_flagged(void)
{
	unsigned w, np = 0;
	int p, bad = 0;

	report_prefix_push("correct");
	for (p = 0; protocols[p]; p++) {
		if (protocols[p]->virt)
			continue;
		np++;
		for (w = 0; w < ARRAY_SIZE(all_workloads); w++) {
			struct run_config rc = rc_make(all_workloads[w],
						       protocols[p]->name, 4);
			struct run_result r;

			rc.lazy = 1;
			r = run(&rc);
			shootdowns += r.stats[STAT_SHOOTDOWNS];
			if (r.exit_code || r.violations) {
				report_info("%s %s: %s", protocols[p]->name,
					    all_workloads[w], r.failure);
				bad++;
			}
		}
	}
	report(!bad && np >= 4, "%u protocols x %zu workloads at 4 CPUs with a lazy "
	       "CPU: clean", np, ARRAY_SIZE(all_workloads));
	/* more threads than CPUs: tasks preempted, migrated, idle and lazy */
	bad = 0;
	for (p = 0; protocols[p]; p++) {
		static const char *const free_wls[] = { "mmap-rndwr", "tlb-flush1",
			"tlb-flush2", "tlb-flush3", "kernbench", "gup-fast" };

		if (protocols[p]->virt)
			continue;
		for (w = 0; w < ARRAY_SIZE(free_wls); w++) {
			struct run_config rc = rc_make(free_wls[w], protocols[p]->name, 4);
			struct run_result r;

			rc.threads = 10;
			/* oversubscribed, gup-fast's unmappers wait behind CPU-bound
			 * walkers for a slice each time they sleep: 100 unmaps
			 * take a simulated 0.75 s */
			if (!strcmp(free_wls[w], "gup-fast"))
				rc.iters = 100;
			r = run(&rc);
			shootdowns += r.stats[STAT_SHOOTDOWNS];
			if (r.exit_code || r.violations ||
			    !r.stats[STAT_CONTEXT_SWITCHES]) {
				report_info("%s %s, 10 threads: %s", protocols[p]->name,
					    free_wls[w], r.failure);
				bad++;
			}
		}
	}
	report(!bad, "every protocol x 6 workloads with 10 threads on 4 CPUs: clean");
	/* bulk: enough shootdowns that a rare protocol race would show */
	for (p = 0; protocols[p]; p++) {
		struct run_config rc;
		struct run_result r;

		if (protocols[p]->virt)
			continue;
		rc = rc_make("tlb-flush2", protocols[p]->name, 3);
		rc.iters = 70000;
		r = run(&rc);
		shootdowns += r.stats[STAT_SHOOTDOWNS];
		report(!r.exit_code && !r.violations && r.stats[STAT_SHOOTDOWNS] > 200000,
		       "%s: tlb-flush2, 3 threads: %llu shootdowns, no violation",
		       protocols[p]->name, (unsigned long long)r.stats[STAT_SHOOTDOWNS]);
	}
	report(shootdowns >= 1000000, "%llu simulated shootdowns without a violation",
	       (unsigned long long)shootdowns);
	report_prefix_pop();
}

/*
 * async with perf's NMIs every 2 us: the RFC's guard keeps them off user
 * memory between the early acknowledgement and the flush; without it
 * (async-no-nmi-guard) an NMI reads the dropped page through the entry
 * the initiator believes gone.
 */
static void test_nmi_guard(void)
{
	struct run_config rc = rc_make("tlb-flush2", "async", 4);
	struct run_result ok, bad;
	u64 seed, caught = 0, clean_fail = 0;
	char first[256] = "", okmsg[320] = "";

	/* an NMI must land inside a handler's window: a rare race, so four
	 * seeds of 400 shootdowns each */
	rc.wl = workload_by_name("dropped-page");
	rc.prof.nmi_interval_ns = 2000 * 1000;		/* 2 us, in ps */
	for (seed = 1; seed <= 4; seed++) {
		rc.seed = seed;
		rc.mutant = MUT_NONE;
		ok = run(&rc);
		if (ok.exit_code) {
			clean_fail++;
			snprintf(okmsg, sizeof(okmsg), "%s", ok.failure);
		}
		rc.mutant = mutant_by_name("async-no-nmi-guard");
		bad = run(&rc);
		if (bad.exit_code == 1 && strstr(bad.first_violation, "hit a stale TLB entry")) {
			caught += bad.violations;
			if (!first[0])
				snprintf(first, sizeof(first), "%s", bad.first_violation);
		}
	}
	report(!clean_fail && caught,
	       "async-no-nmi-guard caught with NMIs on (%llu violations over 4 seeds), "
	       "the guarded async clean", (unsigned long long)caught);
	if (clean_fail || !caught)
		report_info("guarded: %s; unguarded: %s", okmsg, first);
}

/* The workload each mutant is caught by, and the detector that must
 * fire first (a fragment of its message, hw/detect.c and hw/mem.c). */
static const struct {
	const char *mutant, *protocol, *workload;
	int lazy;
	const char *detector;
} mutant_cases[] = {
	{ "skip-local", "concurrent", "tlb-flush2", 0, "hit a stale TLB entry" },
	{ "skip-one-remote", "concurrent", "munmap-range", 0, "running user code, still holds stale" },
	{ "no-wait", "concurrent", "munmap-range", 0, "running user code, still holds stale" },
	{ "range-off-by-one", "concurrent", "tlb-flush2", 0, "hit a stale TLB entry" },
	{ "stale-gen-early-out", "concurrent", "tlb-flush2", 0, "hit a stale TLB entry" },
	{ "lazy-skip-freed-tables", "concurrent", "munmap-range", 1,
	  "still caches it in its paging-structure cache" },
	{ "async-freed-tables", "async", "munmap-range", 0,
	  "still caches it in its paging-structure cache" },
	/* the fault maps the page the zap frees; the next zap frees it again */
	{ "zap-no-ptl", "concurrent", "zap-race", 0, "that is not allocated" },
	/* the lazy thread's CPU idles, skips flushes, comes back stale */
	{ "lazy-no-catchup", "concurrent", "madv-touch", 1, "hit a stale TLB entry" },
};

static void test_mutants_caught(void)
{
	unsigned i;

	report_prefix_push("mutants");
	for (i = 0; i < ARRAY_SIZE(mutant_cases); i++) {
		struct run_config rc = rc_make(mutant_cases[i].workload,
					       mutant_cases[i].protocol, 4);
		struct run_result r, ok;

		rc.lazy = mutant_cases[i].lazy;
		ok = run(&rc);
		rc.mutant = mutant_by_name(mutant_cases[i].mutant);
		r = run(&rc);
		report(r.exit_code == 1 && r.violations > 0 && ok.exit_code == 0 &&
		       !ok.violations && strstr(r.first_violation, mutant_cases[i].detector),
		       "%s caught by %s/%s (%llu violations, first: \"%s\"; 0 without the mutant)",
		       mutant_cases[i].mutant, mutant_cases[i].protocol,
		       mutant_cases[i].workload, (unsigned long long)r.violations,
		       mutant_cases[i].detector);
		if (!strstr(r.first_violation, mutant_cases[i].detector))
			report_info("first violation: %s", r.first_violation);
	}
	test_nmi_guard();
	/* Not every bug is visible to a sequentially consistent simulation:
	 * the missing barrier needs store buffering (see t_check). */
	{
		struct run_config rc = rc_make("munmap-range", "concurrent", 4);
		struct run_result r;

		rc.lazy = 1;
		rc.mutant = MUT_NO_SWITCH_BARRIER;
		r = run(&rc);
		report(r.exit_code == 0,
		       "no-switch-barrier is invisible to the simulator (a TSO bug)");
	}
	report_prefix_pop();
}

static void test_concurrent_vs_baseline(void)
{
	double b[3], c[3];
	int n, i;

	report_prefix_push("acceptance");
	for (i = 0, n = 1; n <= 4; n *= 2, i++) {
		struct run_config rb = rc_make("madv-touch", "baseline", n);
		struct run_config rcc = rc_make("madv-touch", "concurrent", n);
		b[i] = run(&rb).ns_per_iter;
		c[i] = run(&rcc).ns_per_iter;
	}
	report(c[0] <= b[0] * 1.02 && c[0] >= b[0] * 0.98,
	       "1 CPU: concurrent within 2%% of baseline (%.0f vs %.0f ns)", c[0], b[0]);
	report(c[1] < b[1] && c[2] < b[2],
	       "2 and 4 CPUs: concurrent faster (%.0f < %.0f, %.0f < %.0f ns)",
	       c[1], b[1], c[2], b[2]);
	report_prefix_pop();
}

/*
 * Fifteen targets flush at once, each writing its TLB state, while the
 * initiator reads every target's is_lazy: on the shared line each read is a
 * transfer, on its own line a hit.
 */
static void test_shared_line(void)
{
	struct run_config a = rc_make("madv-touch", "concurrent", 16);
	struct run_config s = rc_make("madv-touch", "concurrent-shared", 16);
	struct run_result ra, rs;

	report_prefix_push("cache-lines");
	ra = run(&a);
	rs = run(&s);
	report(rs.ns_per_iter > ra.ns_per_iter * 1.05,
	       "16 CPUs flushing at once: concurrent-shared slower (%.0f vs %.0f ns)",
	       rs.ns_per_iter, ra.ns_per_iter);
	report_prefix_pop();
}

static void test_scale(void)
{
	static const int counts[] = { 64, 1024 };
	unsigned i;

	report_prefix_push("scale");
	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		struct run_config rc = rc_make("madv-touch", "concurrent", counts[i]);
		struct run_result r, rl;
		double per, perl;

		rc.iters = 20;
		r = run(&rc);
		per = (double)r.stats[STAT_IPIS] / r.stats[STAT_SHOOTDOWNS];
		rc.lazy = counts[i] / 4;
		rl = run(&rc);
		perl = (double)rl.stats[STAT_IPIS] / rl.stats[STAT_SHOOTDOWNS];
		report(!r.exit_code && per > counts[i] - 1.5 && per < counts[i],
		       "%d CPUs: completes, %.1f IPIs per shootdown", counts[i], per);
		report(!rl.exit_code && perl < per - counts[i] / 8,
		       "%d CPUs, a quarter lazy: fewer IPIs (%.1f)", counts[i], perl);
	}
	report_prefix_pop();
}

static void test_determinism(void)
{
	struct run_config rc = rc_make("tlb-flush2", "concurrent", 4);
	struct run_result a, b, c;

	report_prefix_push("determinism");
	a = run(&rc);
	b = run(&rc);
	rc.seed = 2;
	c = run(&rc);
	report(a.sim_ns == b.sim_ns && a.sim_ops == b.sim_ops &&
	       !memcmp(a.stats, b.stats, sizeof(a.stats)),
	       "same seed, same run");
	report(a.sim_ns != c.sim_ns || a.sim_ops != c.sim_ops, "another seed, another run");
	report_prefix_pop();
}

/* ---- the stuck-call watchdog ---------------------------------------------- */
static struct kernel *wd_k;
static int wd_calls;

static void wd_func(void *info)
{
	(void)info;
	wd_calls++;
}

static void wd_sender(void *arg)
{
	struct cpumask m;

	(void)arg;
	kernel_cpu_boot(wd_k);
	user_compute(1000);
	cpumask_clear(&m);
	__cpumask_set_cpu(1, &m);
	smp_call_function_many(wd_k, &m, wd_func, NULL, true, false, false);
}

static u64 wd_deaf_ns;		/* how long cpu 1 keeps IRQs off; 0: forever */

static void wd_deaf(void *arg)
{
	u64 t;

	(void)arg;
	kernel_cpu_boot(wd_k);
	local_irq_disable();
	for (t = 0; !wd_deaf_ns || t < wd_deaf_ns; t += 10000)
		kernel_work(10000);
	local_irq_enable();
	for (;;)
		user_compute(1000000);
}

static struct sim *wd_run(u64 deaf_ns, u64 timeout_ns, u64 panic_ns, FILE *out)
{
	struct kernel_opts ko = { .protocol = protocol_by_name("concurrent"),
				  .flush_ceiling = 33, .csd_lock_timeout_ns = timeout_ns,
				  .panic_on_ipistall_ns = panic_ns };
	struct sim_config cfg = { .prof = &default_profile, .topo = { .cpus = 2 },
				  .seed = 1, .nr_frames = 256, .report = out };
	char err[256];
	struct sim *s = sim_create(&cfg, err, sizeof(err));

	TEST_ASSERT(s, "%s", err);
	wd_deaf_ns = deaf_ns;
	wd_calls = 0;
	wd_k = kernel_create(2, &ko);
	sim_cpu_start(s, 0, wd_sender, NULL, wd_k, true);
	sim_cpu_start(s, 1, wd_deaf, NULL, wd_k, false);
	sim_run(s);
	return s;
}

/*
 * Linux's CSD-lock watchdog: a late acknowledgement is reported once and
 * then waited for; a CPU that never answers ends the run only with
 * panic_on_ipistall.
 */
static void test_watchdog(void)
{
	FILE *out = fopen("/dev/null", "w");
	struct sim *s;

	report_prefix_push("watchdog");
	s = wd_run(300000, 200000, 0, out);
	report(s->end == SIM_END_DONE && s->viol.count == 1 && wd_calls == 1,
	       "a call acknowledged after the timeout: reported once, then it "
	       "completes (%llu violation)", (unsigned long long)s->viol.count);
	sim_destroy(s);
	kernel_destroy(wd_k);

	s = wd_run(0, 200000, 400000, out);
	report(s->end == SIM_END_ABORT && s->viol.count == 2 &&
	       strstr(s->abort_msg, "panic_on_ipistall") && wd_calls == 0,
	       "a call never acknowledged: reported at the timeout, the run ends "
	       "at panic_on_ipistall (%s)", s->abort_msg);
	report(s->end_time / 1000 >= 400000 && s->end_time / 1000 < 450000,
	       "it ends when panic_on_ipistall says (%llu ns)",
	       (unsigned long long)(s->end_time / 1000));
	sim_destroy(s);
	kernel_destroy(wd_k);
	fclose(out);
	report_prefix_pop();
}

int main(void)
{
	load_default_profile();
	test_watchdog();
	test_concurrent_vs_baseline();
	test_shared_line();
	test_mutants_caught();
	test_scale();
	test_determinism();
	test_correct_never_flagged();
	return report_summary();
}
