// SPDX-License-Identifier: GPL-2.0
/*
 * output.c - what run and compare print: JSON Lines, CSV, the human tables.
 *
 * The machine-readable formats are driven by one table of fields, so JSON and
 * CSV always agree on names and order, and a new field (the VM columns of
 * the hypervisor model) is one line in fields[].  Only wall_s depends on the
 * host; it is in JSON only.  Everything else is a function of the arguments,
 * printed with fixed formats, so identical runs give identical bytes.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* ---- the fields of a result ---------------------------------------------- */

enum vkind { V_NUMBER, V_STRING, V_NULL };

struct field {
	const char *name;
	bool host_dependent;	/* JSON only: never in a table or CSV */
	enum vkind (*get)(const struct result_row *r, char *buf, size_t len);
};

static enum vkind str(char *buf, size_t len, const char *s)
{
	snprintf(buf, len, "%s", s);
	return V_STRING;
}

static enum vkind num_u64(char *buf, size_t len, uint64_t v)
{
	snprintf(buf, len, "%" PRIu64, v);
	return V_NUMBER;
}

static enum vkind num_int(char *buf, size_t len, int v)
{
	snprintf(buf, len, "%d", v);
	return V_NUMBER;
}

#define FIELD_FN(fn) \
	static enum vkind fn(const struct result_row *r, char *buf, size_t len)

FIELD_FN(f_protocol)	{ return str(buf, len, r->rc.protocol->name); }
FIELD_FN(f_workload)	{ return str(buf, len, r->rc.wl->name); }
FIELD_FN(f_cpus)	{ return num_int(buf, len, r->rc.cpus); }
FIELD_FN(f_threads)	{ return num_int(buf, len, r->res.threads); }
FIELD_FN(f_lazy)	{ return num_int(buf, len, r->rc.lazy); }
FIELD_FN(f_profile)	{ return str(buf, len, r->rc.prof.name); }
FIELD_FN(f_seed)	{ return num_u64(buf, len, r->rc.seed); }
FIELD_FN(f_repeat)	{ return num_int(buf, len, r->res.repeat ? r->res.repeat : 1); }
FIELD_FN(f_mutate)	{ return str(buf, len, mutants[r->rc.mutant].name); }
/*
 * "name=value name=value": the protocol's, in its order, then the kernel's
 * that are not at their defaults, in the table's order; "" if none.  Only
 * the changed ones, so a new kernel parameter leaves old results as they
 * were.
 */
FIELD_FN(f_params)
{
	const struct proto_param *p = r->rc.protocol->params;
	size_t n = 0;
	int i;

	buf[0] = 0;
	for (i = 0; p && p[i].name && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s=%llu", i ? " " : "",
			      p[i].name, (unsigned long long)r->rc.params[i]);
	if (n < len)
		format_kparams_changed(buf + n, len - n, &r->rc, " ");
	/* no leading separator when the protocol has no parameters */
	if (!n && buf[0] == ' ')
		memmove(buf, buf + 1, strlen(buf));
	return V_STRING;
}
FIELD_FN(f_iters)	{ return num_u64(buf, len, r->res.iters); }
FIELD_FN(f_violations)	{ return num_u64(buf, len, r->res.violations); }
FIELD_FN(f_sim_ops)	{ return num_u64(buf, len, r->res.sim_ops); }
FIELD_FN(f_sim_ns)	{ return num_u64(buf, len, r->res.sim_ns); }
FIELD_FN(f_exit)	{ return num_int(buf, len, r->res.exit_code); }

#define STAT_FIELD_FN(fn, stat) \
	FIELD_FN(fn) { return num_u64(buf, len, r->res.stats[stat]); }

STAT_FIELD_FN(f_shootdowns, STAT_SHOOTDOWNS)
STAT_FIELD_FN(f_ipis, STAT_IPIS)
STAT_FIELD_FN(f_full_flushes, STAT_FULL_FLUSHES)
STAT_FIELD_FN(f_partial_flushes, STAT_PARTIAL_FLUSHES)
STAT_FIELD_FN(f_lazy_skipped, STAT_LAZY_SKIPPED)
STAT_FIELD_FN(f_pv_skipped, STAT_PV_SKIPPED)
STAT_FIELD_FN(f_hypercalls, STAT_HYPERCALLS)
STAT_FIELD_FN(f_pv_kicks, STAT_PV_KICKS)
STAT_FIELD_FN(f_walks, STAT_WALKS)
STAT_FIELD_FN(f_context_switches, STAT_CONTEXT_SWITCHES)
STAT_FIELD_FN(f_wakeup_ipis, STAT_WAKEUP_IPIS)
STAT_FIELD_FN(f_idle_ns, STAT_IDLE_NS)
STAT_FIELD_FN(f_lazy_entries, STAT_LAZY_ENTRIES)
STAT_FIELD_FN(f_spin_wait_ns, STAT_SPIN_WAIT_NS)
STAT_FIELD_FN(f_ptl_wait_ns, STAT_PTL_WAIT_NS)
STAT_FIELD_FN(f_mmap_lock_wait_ns, STAT_MMAP_LOCK_WAIT_NS)

FIELD_FN(f_vms)		{ return num_int(buf, len, r->rc.vms); }
FIELD_FN(f_vcpus)	{ return num_int(buf, len, r->rc.vcpus); }
FIELD_FN(f_pcpus)	{ return num_int(buf, len, r->rc.pcpus); }
FIELD_FN(f_table_free)	{ return str(buf, len, table_free_names[r->rc.table_free]); }
FIELD_FN(f_host_mutate)	{ return str(buf, len, host_mutants[r->rc.host_mutant].name); }
FIELD_FN(f_steal_ns)	{ return num_u64(buf, len, r->res.steal_ns); }

/* Per-VM figures, "a;b;c" (a JSON string, so CSV stays one column). */
FIELD_FN(f_per_vm)
{
	size_t n = 0;
	int i;

	if (!r->rc.vms)
		return V_NULL;
	buf[0] = '\0';
	for (i = 0; i < r->res.nr_vms && n < len; i++) {
		double v = r->rc.wl->metric == METRIC_OPS_PER_SEC ?
			   r->res.vm[i].ops_per_sec : r->res.vm[i].ns_per_iter;
		n += snprintf(buf + n, len - n, "%s%.0f", i ? ";" : "", v);
	}
	return V_STRING;
}

FIELD_FN(f_ns_per_iter)
{
	snprintf(buf, len, "%.1f", r->res.ns_per_iter);
	return V_NUMBER;
}

/* Latency workloads measure no throughput: null, not a misleading 0. */
FIELD_FN(f_ops_per_sec)
{
	if (r->rc.wl->metric != METRIC_OPS_PER_SEC)
		return V_NULL;
	snprintf(buf, len, "%.0f", r->res.ops_per_sec);
	return V_NUMBER;
}

FIELD_FN(f_ipis_per_shootdown)
{
	uint64_t sd = r->res.stats[STAT_SHOOTDOWNS];

	if (!sd)
		return V_NULL;
	snprintf(buf, len, "%.2f", (double)r->res.stats[STAT_IPIS] / sd);
	return V_NUMBER;
}

FIELD_FN(f_wall_s)
{
	snprintf(buf, len, "%.3f", r->res.wall_s);
	return V_NUMBER;
}

FIELD_FN(f_failure)
{
	if (!r->res.exit_code)
		return V_NULL;
	return str(buf, len, r->res.failure[0] ? r->res.failure : "failed");
}

/* In this order in JSON and CSV; see OUTPUT in docs/shootdown.1. */
static const struct field fields[] = {
	{ "protocol",		false,	f_protocol },
	{ "workload",		false,	f_workload },
	{ "cpus",		false,	f_cpus },
	{ "threads",		false,	f_threads },
	{ "lazy",		false,	f_lazy },
	{ "profile",		false,	f_profile },
	{ "seed",		false,	f_seed },
	{ "repeat",		false,	f_repeat },
	{ "mutate",		false,	f_mutate },
	{ "params",		false,	f_params },
	{ "iters",		false,	f_iters },
	{ "ns_per_iter",	false,	f_ns_per_iter },
	{ "ops_per_sec",	false,	f_ops_per_sec },
	{ "shootdowns",		false,	f_shootdowns },
	{ "ipis",		false,	f_ipis },
	{ "ipis_per_shootdown",	false,	f_ipis_per_shootdown },
	{ "full_flushes",	false,	f_full_flushes },
	{ "partial_flushes",	false,	f_partial_flushes },
	{ "lazy_skipped",	false,	f_lazy_skipped },
	{ "vms",		false,	f_vms },
	{ "vcpus",		false,	f_vcpus },
	{ "pcpus",		false,	f_pcpus },
	{ "table_free",		false,	f_table_free },
	{ "host_mutate",	false,	f_host_mutate },
	{ "per_vm",		false,	f_per_vm },
	{ "pv_skipped",		false,	f_pv_skipped },
	{ "hypercalls",		false,	f_hypercalls },
	{ "pv_kicks",		false,	f_pv_kicks },
	{ "steal_ns",		false,	f_steal_ns },
	{ "walks",		false,	f_walks },
	{ "context_switches",	false,	f_context_switches },
	{ "wakeup_ipis",	false,	f_wakeup_ipis },
	{ "idle_ns",		false,	f_idle_ns },
	{ "lazy_entries",	false,	f_lazy_entries },
	{ "spin_wait_ns",	false,	f_spin_wait_ns },
	{ "ptl_wait_ns",	false,	f_ptl_wait_ns },
	{ "mmap_lock_wait_ns",	false,	f_mmap_lock_wait_ns },
	{ "violations",		false,	f_violations },
	{ "sim_ops",		false,	f_sim_ops },
	{ "sim_ns",		false,	f_sim_ns },
	{ "wall_s",		true,	f_wall_s },
	{ "exit",		false,	f_exit },
	{ "failure",		false,	f_failure },
};

#define VALUE_MAX	512	/* longest failure text is 320 bytes */

/* ---- how a configuration is named ---------------------------------------- */

void format_kparams_changed(char *buf, size_t len, const struct run_config *rc,
			    const char *sep)
{
	size_t n = 0;
	int k;

	if (len)
		buf[0] = '\0';
	if (!rc->kparams_set)
		return;
	for (k = 0; k < NR_KPARAMS && n < len; k++) {
		if (rc->kparams[k] == kparams[k].def)
			continue;
		n += snprintf(buf + n, len - n, "%s%s=", sep, kparams[k].name);
		if (n < len)
			n += kparam_format(k, rc->kparams[k], buf + n, len - n);
	}
}

/* The protocol, then each kernel parameter that varies between columns:
 * the one that is the same in every column is in the heading instead. */
void format_col_label(char *buf, size_t len, const struct grid *g, int col)
{
	const struct grid_col *c = &g->cols[col];
	size_t n;
	int a;

	n = snprintf(buf, len, "%s", c->protocol->name);
	for (a = 0; a < g->nr_kp_axes && n < len; a++) {
		enum kparam k = g->kp_axes[a];

		n += snprintf(buf + n, len - n, " %s=", kparams[k].name);
		if (n < len)
			n += kparam_format(k, c->kparams[k], buf + n, len - n);
	}
}

/* ---- JSON Lines ---------------------------------------------------------- */

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

void print_json_row(const struct result_row *r)
{
	char buf[VALUE_MAX];
	size_t i;

	putchar('{');
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		enum vkind k = fields[i].get(r, buf, sizeof(buf));

		printf("%s\"%s\":", i ? "," : "", fields[i].name);
		if (k == V_STRING)
			json_string(buf);
		else
			fputs(k == V_NULL ? "null" : buf, stdout);
	}
	puts("}");
}

/* ---- CSV (RFC 4180) ------------------------------------------------------ */

static void csv_string(const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

void print_csv_header(void)
{
	const char *sep = "";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		if (fields[i].host_dependent)
			continue;
		printf("%s%s", sep, fields[i].name);
		sep = ",";
	}
	putchar('\n');
}

void print_csv_row(const struct result_row *r)
{
	const char *sep = "";
	char buf[VALUE_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		enum vkind k;

		if (fields[i].host_dependent)
			continue;
		k = fields[i].get(r, buf, sizeof(buf));
		fputs(sep, stdout);
		sep = ",";
		if (k == V_STRING)
			csv_string(buf);
		else if (k == V_NUMBER)
			fputs(buf, stdout);
	}
	putchar('\n');
}

/* Why stdout failed, from the first write that did: errno moves on. */
static int output_errno;

bool output_ok(void)
{
	if (output_errno)
		return false;
	errno = 0;
	if (!fflush(stdout) && !ferror(stdout))
		return true;
	output_errno = errno ? errno : EIO;
	return false;
}

bool finish_output(void)
{
	if (output_ok())
		return true;
	fprintf(stderr, "shootdown: cannot write output: %s\n",
		strerror(output_errno));
	return false;
}
