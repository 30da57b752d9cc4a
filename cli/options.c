// SPDX-License-Identifier: GPL-2.0
/*
 * options.c - parsing helpers shared by the subcommands: numbers, lists,
 * names, and the one way to reject input.
 *
 * Bad input ends the command before anything runs, with exactly one line on
 * stderr that names the option and quotes the value, and exit status 2.
 * Scripts can rely on that: nothing on stdout, nothing half-written.
 */
#include <errno.h>
#include <setjmp.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

/* Values quoted back are cut here, so one line stays one screen line. */
#define QUOTE_MAX	48

jmp_buf *usage_jmp;

/*
 * Control characters and bytes above 0x7e become '?': a value with a newline
 * must not make a second line, and an escape sequence in a file name must
 * not reach the terminal.  Every message goes through here, so a caller
 * that forgets quote() still prints one plain line.
 */
void usage_vline(const char *fmt, va_list ap)
{
	char msg[512];
	char *c;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	for (c = msg; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			*c = '?';
	fflush(stdout);
	fprintf(stderr, "shootdown: %s\n", msg);
}

void usage_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	usage_vline(fmt, ap);
	va_end(ap);
}

void die_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	usage_vline(fmt, ap);
	va_end(ap);
	if (usage_jmp)
		longjmp(*usage_jmp, EXIT_USAGE);
	exit(EXIT_USAGE);
}

/* A printable, bounded copy of user input for an error message. */
const char *quote(const char *s)
{
	static char ring[2][QUOTE_MAX + 4];	/* two per message */
	static int next;
	char *buf = ring[next ^= 1];
	size_t i;

	for (i = 0; s[i] && i < QUOTE_MAX; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	strcpy(buf + i, s[i] ? "..." : "");
	return buf;
}

/*
 * Decimal only: "010" is ten, not eight, and "0x10" is an error rather than
 * a guess.  strtoull alone would accept leading blanks, a sign (wrapping
 * "-1" to 2^64-1) and trailing junk; all of those are rejected here.  The
 * digits start at d, inside s, the whole value quoted back.  Returns false
 * when the number does not fit in 64 bits.
 */
static bool parse_digits(const char *opt, const char *s, const char *d,
			 uint64_t *v)
{
	unsigned long long x;
	char *end;

	if (d[0] < '0' || d[0] > '9')
		die_usage("%s: '%s' is %s", opt, quote(s),
			  d[0] == '-' && d[1] >= '0' && d[1] <= '9' ?
			  "negative" : "not a number");
	errno = 0;
	x = strtoull(d, &end, 10);
	if (*end)
		die_usage("%s: '%s' is not a number", opt, quote(s));
	*v = x;
	return errno != ERANGE;
}

uint64_t parse_u64(const char *opt, const char *s)
{
	uint64_t v;

	if (!parse_digits(opt, s, s, &v))
		die_usage("%s: '%s' is too large (at most %llu)", opt, quote(s),
			  (unsigned long long)UINT64_MAX);
	return v;
}

/*
 * Out of range, negative or huge: all one message, naming the range.  A
 * '-' is taken only when min is below zero (--bound -1 is "no bound").
 */
int parse_int(const char *opt, const char *s, int min, int max)
{
	bool negative = min < 0 && s[0] == '-' && s[1] >= '0' && s[1] <= '9';
	uint64_t v = 0;
	long long x;

	if (!negative && s[0] == '-' && s[1] >= '0' && s[1] <= '9')
		goto range;
	if (!parse_digits(opt, s, s + negative, &v) || v > (uint64_t)INT_MAX + 1)
		goto range;
	x = negative ? -(long long)v : (long long)v;
	if (x < min || x > max)
		goto range;
	return (int)x;
range:
	die_usage("%s: '%s' is not in %d..%d", opt, quote(s), min, max);
}

int split_list(const char *opt, const char *s, char *buf, size_t buflen,
	       char **out, int max_entries)
{
	char *p = buf, *comma;
	int n = 0;

	if (!*s)
		die_usage("%s: empty value", opt);
	if (strlen(s) >= buflen)
		die_usage("%s: list '%s' is too long", opt, quote(s));
	strcpy(buf, s);
	for (;;) {
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (!*p)
			die_usage("%s: malformed list '%s'", opt, quote(s));
		if (n == max_entries)
			die_usage("%s: list '%s' has more than %d entries", opt,
				  quote(s), max_entries);
		out[n++] = p;
		if (!comma)
			return n;
		p = comma + 1;
	}
}

int parse_int_list(const char *opt, const char *s, int min, int max,
		   int *out, int max_entries)
{
	char buf[LIST_CHARS], *item[LIST_MAX];
	int i, j, n;

	if (max_entries > LIST_MAX)
		max_entries = LIST_MAX;
	n = split_list(opt, s, buf, sizeof(buf), item, max_entries);
	for (i = 0; i < n; i++) {
		out[i] = parse_int(opt, item[i], min, max);
		for (j = 0; j < i; j++)
			if (out[j] == out[i])
				die_usage("%s: '%s' appears twice in '%s'", opt,
					  quote(item[i]), quote(s));
	}
	return n;
}

/* "a, b, c" for "unknown X (known: ...)" messages. */
static void append_name(char *buf, size_t len, const char *name)
{
	size_t used = strlen(buf);

	snprintf(buf + used, len - used, "%s%s", used ? ", " : "", name);
}

const struct flush_ops *lookup_protocol(const char *name)
{
	const struct flush_ops *ops = protocol_by_name(name);
	char known[512] = "";
	int i;

	if (ops)
		return ops;
	for (i = 0; protocols[i]; i++)
		append_name(known, sizeof(known), protocols[i]->name);
	die_usage("unknown protocol '%s' (known: %s)", quote(name), known);
}

enum mutant lookup_mutant(const char *name)
{
	char known[512] = "";
	int i = mutant_by_name(name);

	if (i >= 0)
		return (enum mutant)i;
	for (i = 0; i < NR_MUTANTS; i++)
		append_name(known, sizeof(known), mutants[i].name);
	die_usage("unknown mutant '%s' (known: %s)", quote(name), known);
}

const struct workload *lookup_workload(const char *name)
{
	const struct workload *wl = workload_by_name(name);
	char known[512] = "";
	int i;

	if (wl)
		return wl;
	for (i = 0; workloads[i]; i++)
		append_name(known, sizeof(known), workloads[i]->name);
	die_usage("unknown workload '%s' (known: %s)", quote(name), known);
}

/*
 * getopt_long runs with opterr = 0 and a leading ':' in its option string,
 * so the errors come here instead of its own two-line messages.  optopt is
 * the short option (or the long option's value) it stopped at; for an
 * unknown long option it is 0 and argv[optind - 1] holds the text.
 */
void die_bad_option(char **argv, int optind, int optopt)
{
	const char *arg = argv[optind - 1];
	const char *eq = strchr(arg, '=');

	/* "--sc=1": getopt reports the option's value in optopt */
	if (optopt && arg[0] == '-' && arg[1] == '-' && eq) {
		int len = eq - arg > QUOTE_MAX ? QUOTE_MAX : (int)(eq - arg);

		die_usage("option '%.*s' takes no value", len, arg);
	}
	if (optopt && arg[0] == '-' && arg[1] != '-')
		die_usage("unknown option '-%c'", optopt);
	die_usage("unknown option '%s'", quote(arg));
}

enum table_free lookup_table_free(const char *name)
{
	int i = table_free_by_name(name);

	if (i < 0)
		die_usage("--table-free: unknown policy '%s' (known: ipi, rcu, sync-one)",
			  quote(name));
	return (enum table_free)i;
}

enum host_mutant lookup_host_mutant(const char *name)
{
	char known[256] = "";
	int i = host_mutant_by_name(name);

	if (i >= 0)
		return (enum host_mutant)i;
	for (i = 0; i < NR_HOST_MUTANTS; i++)
		append_name(known, sizeof(known), host_mutants[i].name);
	die_usage("unknown host mutant '%s' (known: %s)", quote(name), known);
}
