/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli.h - the shootdown command: subcommands, their shared options, and the
 * output writers.
 *
 * Every subcommand is `int cmd_NAME(int argc, char **argv)` with argv[0] the
 * subcommand's name; it returns the process exit status:
 *
 *	0  ok
 *	1  a run detected a violation, a deadlock or a stuck call
 *	2  bad usage or bad input (one line on stderr, nothing run)
 *	3  internal error
 *	128+N  run and compare: stopped by signal N (SIGINT, SIGTERM)
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "work/workload.h"

#define SHOOTDOWN_VERSION	"0.1"

enum exit_status {
	EXIT_OK		= 0,
	EXIT_VIOLATION	= 1,
	EXIT_USAGE	= 2,
	EXIT_INTERNAL	= 3,
};

/* ---- subcommands (one table in main.c) ----------------------------------- */
int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_check(int argc, char **argv);		/* check.c */
int cmd_torture(int argc, char **argv);		/* torture.c */

/* ---- options.c: parsing helpers ------------------------------------------ */

/* Print "shootdown: <message>" as one line on stderr and exit 2. */
void __attribute__((noreturn, format(printf, 1, 2)))
die_usage(const char *fmt, ...);
/* When set, die_usage longjmps here with EXIT_USAGE instead of exiting:
 * for callers that return their status (cmd_check) and the fuzzers. */
extern jmp_buf *usage_jmp;
/* The same one line, without exiting; bytes outside ' '..'~' become '?'. */
void __attribute__((format(printf, 1, 2))) usage_line(const char *fmt, ...);
void usage_vline(const char *fmt, va_list ap);
/* A printable copy of user input, cut at 48 characters (two live at once). */
const char *quote(const char *s);

/* Longest list a comma-separated option accepts: entries, characters. */
#define LIST_MAX	64
#define LIST_CHARS	1024

/* "--cpus" etc.: opt names the option in error messages. */
uint64_t parse_u64(const char *opt, const char *s);
int parse_int(const char *opt, const char *s, int min, int max);
/* "1,2,4": returns the number of entries; rejects empty entries and
 * duplicates. */
int parse_int_list(const char *opt, const char *s, int min, int max,
		   int *out, int max_entries);
/* Split "a,b,c" into at most max_entries names, pointers into buf (a copy
 * of s); rejects empty entries. */
int split_list(const char *opt, const char *s, char *buf, size_t buflen,
	       char **out, int max_entries);

/* Name lookups that die with the list of known names. */
const struct flush_ops *lookup_protocol(const char *name);
enum mutant lookup_mutant(const char *name);
enum table_free lookup_table_free(const char *name);
enum host_mutant lookup_host_mutant(const char *name);
const struct workload *lookup_workload(const char *name);

/* The option getopt_long could not use, as one usage error. */
void __attribute__((noreturn))
die_bad_option(char **argv, int optind, int optopt);

/* ---- run.c: the grid of runs --------------------------------------------- */
enum out_format { OUT_TABLE, OUT_JSON, OUT_CSV };

/* What a compare's rows vary over (columns are protocols, and the values
 * of kernel parameters given as lists). */
enum grid_axis {
	AXIS_CPUS,
	AXIS_THREADS,
	AXIS_VMS,
};

/* One finished run, with the settings it ran with. */
struct result_row {
	struct run_config rc;
	struct run_result res;
};

/*
 * A column of compare: a protocol, and the kernel parameters it runs with.
 * A kernel parameter given a list (--param spinlock=qspinlock,ttas) makes
 * one group of columns per value, each group holding every protocol.
 */
#define GRID_COLS_MAX	32

struct grid_col {
	const struct flush_ops *protocol;
	uint64_t kparams[NR_KPARAMS];
};

/* Everything compare's table needs to lay out its rows and columns. */
struct grid {
	const struct workload *wl;
	const char *profile;
	uint64_t seed;
	int repeat;
	uint64_t iters;			/* as requested; 0: default */
	enum mutant mutant;
	int lazy;
	enum grid_axis axis;
	int axis_values[LIST_MAX];
	int nr_rows;
	const struct flush_ops *protocols[NR_PROTOCOLS];
	int nr_protocols;
	struct grid_col cols[GRID_COLS_MAX];
	int nr_cols;
	/* the kernel parameters the columns vary over, in the order given */
	enum kparam kp_axes[NR_KPARAMS];
	int nr_kp_axes;
	int fixed_cpus;			/* AXIS_THREADS: the one --cpus */
	/* virtual machines: vms 0 on bare metal */
	int vms, vcpus, pcpus;		/* AXIS_VMS: vms per row */
	enum table_free table_free;
	enum host_mutant host_mutant;
	struct result_row *rows;	/* [row * nr_cols + col] */
	int nr_done;			/* rows[] that ran, in order (fewer
					 * than all when interrupted) */
};

/* ---- output.c ------------------------------------------------------------ */
void print_json_row(const struct result_row *r);
void print_csv_header(void);
void print_csv_row(const struct result_row *r);
void print_run_summary(const struct result_row *r);
/* The first line of compare's tables: printed before the grid runs. */
void print_compare_heading(const struct grid *g);
/* The tables of the nr_done cells that ran. */
void print_compare_tables(const struct grid *g);
/* The kernel parameters of rc that are not at their defaults, each as
 * "<sep>name=value" (", spinlock=ttas"); "" if none. */
void format_kparams_changed(char *buf, size_t len, const struct run_config *rc,
			    const char *sep);
/* Column col's name in compare's tables: "concurrent spinlock=ttas". */
void format_col_label(char *buf, size_t len, const struct grid *g, int col);
/* Flush stdout; false on a write error (remembered; nothing printed). */
bool output_ok(void);
/* Flush stdout; on a write error, one line on stderr and false. */
bool finish_output(void);

/* ---- outfile.c: a file a run writes (--trace) ----------------------------- */
struct out_file {
	const char *opt, *path;
	FILE *f;		/* what the run writes to */
	int fd;			/* a regular PATH, written at the end; -1: f is PATH */
	dev_t dev;		/* PATH's file, as opened */
	ino_t ino;
	char *created_path;	/* out_open created it: removed unless committed */
};

/* Open path for opt before anything runs; exit 2 (one line) if it cannot
 * be written.  A regular file is left as it is until out_commit. */
void out_open(struct out_file *o, const char *opt, const char *path);
/* The output is complete: put it in place.  False: one line on stderr,
 * a regular PATH as it was (unless the copy itself failed). */
bool out_commit(struct out_file *o);
/* The output is not to be kept: a regular PATH stays as it was. */
void out_discard(struct out_file *o);

/* ---- list.c -------------------------------------------------------------- */
void list_protocols(void);
void list_workloads(void);
void list_mutants(void);
void list_profiles(void);
void list_params(void);

#endif
