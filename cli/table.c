// SPDX-License-Identifier: GPL-2.0
/*
 * table.c - the human output of run and compare.
 *
 * Only simulated quantities appear here (no wall time), so a table is as
 * reproducible as the JSON minus wall_s.  A compare prints the workload's
 * metric with each protocol's change against the first one, then the
 * shootdown count with IPIs per shootdown, which is what explains most
 * differences between protocols.
 *
 * An interrupted compare prints the rows it got to: the cells that ran,
 * "-" for the others of the last row, and a line that says so.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* A cell: a right-aligned value and an optional left-aligned note. */
struct cell {
	char main[80];		/* room for "concurrent-shared spinlock=..." */
	char note[24];
};

struct table {
	int nr_rows, nr_cols;	/* row 0: headers; column 0: row labels */
	struct cell *cells;
};

static struct cell *at(struct table *t, int row, int col)
{
	return &t->cells[row * t->nr_cols + col];
}

static int table_init(struct table *t, int nr_rows, int nr_cols)
{
	t->nr_rows = nr_rows;
	t->nr_cols = nr_cols;
	t->cells = calloc((size_t)nr_rows * nr_cols, sizeof(*t->cells));
	return t->cells ? 0 : -1;
}

#define COL_GAP	"   "

/*
 * Widths of column col: values are right-aligned under the header's right
 * edge, and their notes hang to the right of them, aligned too.
 */
static void col_widths(struct table *t, int col, int *wmain, int *wnote)
{
	int row;

	*wmain = (int)strlen(at(t, 0, col)->main);
	*wnote = 0;
	for (row = 1; row < t->nr_rows; row++) {
		struct cell *c = at(t, row, col);
		int m = (int)strlen(c->main), n = (int)strlen(c->note);

		*wmain = m > *wmain ? m : *wmain;
		*wnote = n > *wnote ? n : *wnote;
	}
}

static void print_line(char *line)
{
	size_t n = strlen(line);

	while (n && line[n - 1] == ' ')
		line[--n] = '\0';
	puts(line);
}

static void table_print(struct table *t)
{
	int wm[GRID_COLS_MAX + 1], wn[GRID_COLS_MAX + 1], row, col;
	char line[4096];		/* 32 columns of long labels */

	for (col = 0; col < t->nr_cols; col++)
		col_widths(t, col, &wm[col], &wn[col]);
	for (row = 0; row < t->nr_rows; row++) {
		size_t used = 0;

		for (col = 0; col < t->nr_cols; col++) {
			struct cell *c = at(t, row, col);

			used += snprintf(line + used, sizeof(line) - used,
					 COL_GAP "%*s%s%-*s", wm[col], c->main,
					 wn[col] ? " " : "", wn[col], c->note);
			if (used >= sizeof(line))
				used = sizeof(line) - 1;
		}
		print_line(line);
	}
	free(t->cells);
}

/* ---- compare ------------------------------------------------------------- */

static const struct result_row *cell_row(const struct grid *g, int row, int col)
{
	return &g->rows[row * g->nr_cols + col];
}

static double metric(const struct result_row *r)
{
	if (r->rc.wl->metric == METRIC_OPS_PER_SEC)
		return r->res.ops_per_sec;
	return r->res.ns_per_iter;
}

static bool failed(const struct result_row *r, struct cell *c)
{
	if (!r->res.exit_code)
		return false;
	snprintf(c->main, sizeof(c->main), "%s",
		 r->res.exit_code == EXIT_VIOLATION ? "FAILED" : "ERROR");
	return true;
}

/* Change against the reference, rounded first so -0.04% reads +0.0%. */
static void relative(char *buf, size_t len, double v, double ref)
{
	double pct;

	if (!(ref > 0))
		return;
	pct = round((v - ref) / ref * 1000.0) / 10.0;
	snprintf(buf, len, "(%+.1f%%)", pct == 0 ? 0.0 : pct);
}

static void metric_cell(const struct grid *g, int row, int col, struct cell *c)
{
	const struct result_row *r = cell_row(g, row, col);
	const struct result_row *ref = cell_row(g, row, 0);
	bool ops = g->wl->metric == METRIC_OPS_PER_SEC;

	if (failed(r, c))
		return;
	snprintf(c->main, sizeof(c->main), ops ? "%.0f/s" : "%.0f ns", metric(r));
	if (col > 0 && !ref->res.exit_code)
		relative(c->note, sizeof(c->note), metric(r), metric(ref));
}

static void shootdown_cell(const struct grid *g, int row, int col,
			   struct cell *c)
{
	const struct result_row *r = cell_row(g, row, col);
	uint64_t sd = r->res.stats[STAT_SHOOTDOWNS];

	if (failed(r, c))
		return;
	snprintf(c->main, sizeof(c->main), "%" PRIu64, sd);
	if (sd)
		snprintf(c->note, sizeof(c->note), "(%.2f)",
			 (double)r->res.stats[STAT_IPIS] / sd);
}

static void lazy_cell(const struct grid *g, int row, int col, struct cell *c)
{
	const struct result_row *r = cell_row(g, row, col);

	if (!failed(r, c))
		snprintf(c->main, sizeof(c->main), "%" PRIu64,
			 r->res.stats[STAT_LAZY_SKIPPED]);
}

static void virt_cell(const struct grid *g, int row, int col, struct cell *c)
{
	const struct result_row *r = cell_row(g, row, col);

	if (!failed(r, c))
		snprintf(c->main, sizeof(c->main), "%" PRIu64 " / %" PRIu64,
			 r->res.stats[STAT_PV_SKIPPED], r->res.stats[STAT_HYPERCALLS]);
}

typedef void (*cell_fn)(const struct grid *g, int row, int col, struct cell *c);

static void print_grid_table(const struct grid *g, const char *title, cell_fn fn)
{
	int nr_rows = (g->nr_done + g->nr_cols - 1) / g->nr_cols, row, col;
	struct table t;

	if (table_init(&t, nr_rows + 1, g->nr_cols + 1))
		return;
	fputs(title, stdout);
	snprintf(at(&t, 0, 0)->main, sizeof(t.cells->main), "%s",
		 g->axis == AXIS_THREADS ? "threads" : g->axis == AXIS_VMS ? "vms" :
		 g->vcpus ? "vcpus" : "cpus");
	for (col = 0; col < g->nr_cols; col++)
		format_col_label(at(&t, 0, col + 1)->main, sizeof(t.cells->main),
				 g, col);
	for (row = 0; row < nr_rows; row++) {
		snprintf(at(&t, row + 1, 0)->main, sizeof(t.cells->main), "%d",
			 g->axis_values[row]);
		for (col = 0; col < g->nr_cols; col++) {
			struct cell *c = at(&t, row + 1, col + 1);

			if (row * g->nr_cols + col < g->nr_done)
				fn(g, row, col, c);
			else
				snprintf(c->main, sizeof(c->main), "-");
		}
	}
	table_print(&t);
}

/* The kernel parameters every column shares, those not at their defaults:
 * the ones that differ between columns are in the column headers. */
static void print_fixed_kparams(const struct grid *g)
{
	char v[64];
	int k, a;

	for (k = 0; k < NR_KPARAMS; k++) {
		bool axis = false;

		for (a = 0; a < g->nr_kp_axes; a++)
			axis |= g->kp_axes[a] == (enum kparam)k;
		if (axis || g->cols[0].kparams[k] == kparams[k].def)
			continue;
		kparam_format(k, g->cols[0].kparams[k], v, sizeof(v));
		printf(", %s=%s", kparams[k].name, v);
	}
}

void print_compare_heading(const struct grid *g)
{
	uint64_t iters = g->iters ? g->iters : g->wl->default_iters;

	printf("%s", g->wl->name);
	if (g->axis == AXIS_THREADS)
		printf(" on %d cpus", g->fixed_cpus);
	if (g->vcpus)
		printf(" in %s VMs of %d vCPUs on %d host CPUs (table-free %s%s%s)",
		       g->axis == AXIS_VMS ? "N" : (g->vms == 1 ? "1" : "several"),
		       g->vcpus, g->pcpus, table_free_names[g->table_free],
		       g->host_mutant ? ", host " : "",
		       g->host_mutant ? host_mutants[g->host_mutant].name : "");
	else if (g->table_free)
		printf(" (table-free %s)", table_free_names[g->table_free]);
	printf(", profile %s, seed %" PRIu64, g->profile, g->seed);
	if (g->repeat > 1)
		printf("..%" PRIu64 " (mean of %d)", g->seed + g->repeat - 1, g->repeat);
	if (g->wl->default_duration_ns)
		printf(", %.1f ms simulated",
		       g->wl->default_duration_ns / 1e6);
	else
		printf(", %" PRIu64 " iterations per thread", iters);
	if (g->lazy)
		printf(", %d lazy thread%s", g->lazy, g->lazy == 1 ? "" : "s");
	if (g->mutant != MUT_NONE)
		printf(", mutant %s", mutants[g->mutant].name);
	print_fixed_kparams(g);
	putchar('\n');
}

void print_compare_tables(const struct grid *g)
{
	int nr_cells = g->nr_rows * g->nr_cols;
	char title[256], ref[128];

	if (!g->nr_done)
		goto out;
	format_col_label(ref, sizeof(ref), g, 0);
	snprintf(title, sizeof(title), "%s; change against %s\n",
		 g->wl->metric == METRIC_OPS_PER_SEC ?
		 "operations per second, all threads (higher is better)" :
		 "ns per iteration of the initiating thread (lower is better)",
		 ref);
	print_grid_table(g, title, metric_cell);
	print_grid_table(g, "\nshootdowns (IPIs per shootdown)\n", shootdown_cell);
	if (g->lazy)
		print_grid_table(g, "\nlazy CPUs skipped by shootdowns\n", lazy_cell);
	if (g->vcpus)
		print_grid_table(g, "\npreempted vCPUs skipped (pv) / flush hypercalls\n",
				 virt_cell);
out:
	if (g->nr_done < nr_cells)
		printf("%sinterrupted: %d of %d runs done\n", g->nr_done ? "\n" : "",
		       g->nr_done, nr_cells);
}

/* ---- run ----------------------------------------------------------------- */

/* The protocol's parameters, when it has any: ", ceiling=8"; then the
 * kernel's that are not at their defaults: ", spinlock=ttas". */
static void print_params(const struct run_config *rc)
{
	const struct proto_param *p = rc->protocol->params;
	char kp[256];
	int i;

	for (i = 0; p && p[i].name; i++)
		printf(", %s=%llu", p[i].name, (unsigned long long)rc->params[i]);
	format_kparams_changed(kp, sizeof(kp), rc, ", ");
	fputs(kp, stdout);
}

void print_run_summary(const struct result_row *r)
{
	const struct run_config *rc = &r->rc;
	const struct run_result *res = &r->res;
	uint64_t sd = res->stats[STAT_SHOOTDOWNS];

	if (rc->vms)
		printf("%s, %s, %d VM%s of %d vCPUs on %d host CPUs, %d threads each",
		       rc->protocol->name, rc->wl->name, rc->vms,
		       rc->vms == 1 ? "" : "s", rc->vcpus, rc->pcpus, res->threads);
	else
		printf("%s, %s, %d cpus, %d threads", rc->protocol->name,
		       rc->wl->name, rc->cpus, res->threads);
	if (rc->lazy)
		printf(" (%d lazy)", rc->lazy);
	print_params(rc);
	printf(", profile %s, seed %" PRIu64, rc->prof.name, rc->seed);
	if (rc->mutant != MUT_NONE)
		printf(", mutant %s", mutants[rc->mutant].name);
	putchar('\n');

	if (rc->wl->metric == METRIC_OPS_PER_SEC)
		printf("  %-22s %.0f\n", "operations/s", res->ops_per_sec);
	printf("  %-22s %.1f\n", "ns/iteration", res->ns_per_iter);
	printf("  %-22s %" PRIu64 "\n", "iterations", res->iters);
	printf("  %-22s %" PRIu64, "shootdowns", sd);
	if (sd)
		printf("  (%.2f IPIs each)", (double)res->stats[STAT_IPIS] / sd);
	putchar('\n');
	printf("  %-22s %" PRIu64 "\n", "IPIs", res->stats[STAT_IPIS]);
	printf("  %-22s %" PRIu64 "\n", "full flushes",
	       res->stats[STAT_FULL_FLUSHES]);
	printf("  %-22s %" PRIu64 "\n", "ranged flushes",
	       res->stats[STAT_PARTIAL_FLUSHES]);
	printf("  %-22s %" PRIu64 "\n", "lazy CPUs skipped",
	       res->stats[STAT_LAZY_SKIPPED]);
	if (rc->vms) {
		printf("  %-22s %s%s%s\n", "table freeing",
		       table_free_names[rc->table_free],
		       rc->host_mutant ? ", host " : "",
		       rc->host_mutant ? host_mutants[rc->host_mutant].name : "");
		printf("  %-22s %" PRIu64 "\n", "preempted skipped (pv)",
		       res->stats[STAT_PV_SKIPPED]);
		printf("  %-22s %" PRIu64 "\n", "flush hypercalls",
		       res->stats[STAT_HYPERCALLS]);
		printf("  %-22s %" PRIu64 "\n", "pv spinlock kicks",
		       res->stats[STAT_PV_KICKS]);
		printf("  %-22s %" PRIu64 " ns\n", "steal time", res->steal_ns);
	} else if (rc->table_free) {
		printf("  %-22s %s\n", "table freeing", table_free_names[rc->table_free]);
	}
	if (res->stats[STAT_WALKS])
		printf("  %-22s %" PRIu64 "\n", "software walks",
		       res->stats[STAT_WALKS]);
	printf("  %-22s %" PRIu64 " (%" PRIu64 " into lazy TLB)\n",
	       "context switches", res->stats[STAT_CONTEXT_SWITCHES],
	       res->stats[STAT_LAZY_ENTRIES]);
	printf("  %-22s %" PRIu64 "\n", "wake-up IPIs", res->stats[STAT_WAKEUP_IPIS]);
	printf("  %-22s %" PRIu64 " ns\n", "idle", res->stats[STAT_IDLE_NS]);
	printf("  %-22s spin %" PRIu64 ", page-table %" PRIu64 ", mmap_lock %"
	       PRIu64 " ns\n", "lock waits", res->stats[STAT_SPIN_WAIT_NS],
	       res->stats[STAT_PTL_WAIT_NS], res->stats[STAT_MMAP_LOCK_WAIT_NS]);
	printf("  %-22s %" PRIu64 "\n", "violations", res->violations);
	printf("  %-22s %" PRIu64 " ns\n", "simulated time", res->sim_ns);
	printf("  %-22s %" PRIu64 "\n", "simulated operations", res->sim_ops);
	if (res->exit_code)
		printf("  %-22s %s\n", "FAILED", res->failure);
}
