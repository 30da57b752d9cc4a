// SPDX-License-Identifier: GPL-2.0
/*
 * profile.c - parse and look up machine profiles.
 *
 * A profile is a list of `key = value` lines.  Numbers are parsed digit by
 * digit, never through double: a profile must mean the same picoseconds on
 * every host, or two runs of the deterministic engine could disagree.
 * Parsing goes into a scratch struct that is copied out only when the whole
 * text is valid, so a failed load leaves the caller's profile untouched.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "sim/profile.h"

/* One row per PROFILE_FIELDS entry: how to find and parse a key. */
struct field_desc {
	const char *key;
	enum profile_kind kind;
	size_t offset;
};

static const struct field_desc fields[] = {
#define X(k, kind) { #k, PROFILE_##kind, offsetof(struct profile, k) },
	PROFILE_FIELDS(X)
#undef X
};

#define NR_FIELDS ARRAY_SIZE(fields)

/* A primitive cost above one second is a typo, and near 2^64 ps it would
 * overflow the engine's clock arithmetic. */
#define TIME_MAX_PS	1000000000000ULL
/* Longest profile file read from disk; real ones are a few KiB. */
#define PROFILE_FILE_MAX	(1 << 20)
/* Longest piece of the offending text quoted back in an error message. */
#define QUOTE_MAX	40

/* Parser state shared by the helpers below. */
struct parse {
	const char *origin;
	char *err;
	size_t errlen;
	unsigned int line;
	unsigned int field_line[NR_FIELDS];	/* 0: not set yet */
	unsigned int name_line;
	struct profile p;
};

/* Quoted text comes from files and the command line: one line of plain
 * characters, whatever bytes they hold. */
static void printable(char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			*s = '?';
}

static void __attribute__((format(printf, 3, 4)))
set_err(struct parse *ps, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!ps->err || !ps->errlen)
		return;
	n = snprintf(ps->err, ps->errlen, "%s:%u: ", ps->origin, line);
	if (n >= 0 && (size_t)n < ps->errlen) {
		va_start(ap, fmt);
		vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
		va_end(ap);
	}
	printable(ps->err);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Length to quote of s[0..len): long junk is cut, marked by "...". */
static int quote_len(size_t len)
{
	return len > QUOTE_MAX ? QUOTE_MAX : (int)len;
}

static const char *quote_tail(size_t len)
{
	return len > QUOTE_MAX ? "..." : "";
}

static const struct field_desc *find_field(const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < NR_FIELDS; i++)
		if (strlen(fields[i].key) == len &&
		    !memcmp(fields[i].key, key, len))
			return &fields[i];
	return NULL;
}

/*
 * Accumulate one decimal digit into *v.  False on uint64 overflow, which a
 * plain `v * 10 + d` would wrap silently.
 */
static bool push_digit(uint64_t *v, char c)
{
	uint64_t d = (uint64_t)(c - '0');

	if (*v > (UINT64_MAX - d) / 10)
		return false;
	*v = *v * 10 + d;
	return true;
}

/*
 * Parse s[0..len) as a COUNT (integer) or a TIME (decimal nanoseconds, kept
 * as integer picoseconds).  Returns NULL and the value, or why it is bad.
 */
static const char *parse_number(const char *s, size_t len,
				enum profile_kind kind, uint64_t *out)
{
	uint64_t whole = 0, frac = 0;
	size_t i = 0;
	int fdigits = 0;

	if (!len)
		return "missing value";
	if (s[0] == '-')
		return "negative value";
	if (!is_digit(s[0]))
		return "not a number";
	for (; i < len && is_digit(s[i]); i++)
		if (!push_digit(&whole, s[i]))
			return "number too large";
	if (i < len && s[i] == '.') {
		if (kind == PROFILE_COUNT)
			return "fraction in a whole-number key";
		if (++i == len || !is_digit(s[i]))
			return "no digits after the decimal point";
		for (; i < len && is_digit(s[i]); i++) {
			/* Digits past the third are below 1 ps: they may
			 * only be zeros, or the value would be rounded. */
			if (fdigits == 3) {
				if (s[i] != '0')
					return "finer than 1 ps (at most 3 decimals)";
				continue;
			}
			frac = frac * 10 + (uint64_t)(s[i] - '0');
			fdigits++;
		}
	}
	if (i < len)
		return "trailing junk after the number";
	if (kind == PROFILE_COUNT) {
		*out = whole;
		return NULL;
	}
	for (; fdigits < 3; fdigits++)
		frac *= 10;
	if (whole > (TIME_MAX_PS - frac) / 1000)
		return "above 1 s (1000000000 ns)";
	*out = whole * 1000 + frac;
	return NULL;
}

/* Profile names go into reports and file names: keep them plain. */
static bool name_ok(const char *s, size_t len)
{
	size_t i;

	if (!len || len > PROFILE_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !is_digit(c) && c != '-' && c != '_' && c != '.' &&
		    c != '+')
			return false;
	}
	return true;
}

static int set_name(struct parse *ps, const char *v, size_t vlen)
{
	if (ps->name_line) {
		set_err(ps, ps->line, "duplicate key 'name' (first set on line %u)",
			ps->name_line);
		return -1;
	}
	if (!name_ok(v, vlen)) {
		set_err(ps, ps->line,
			"name: bad value '%.*s%s': want 1-%d characters of A-Z a-z 0-9 . _ - +",
			quote_len(vlen), v, quote_tail(vlen), PROFILE_NAME_MAX);
		return -1;
	}
	memcpy(ps->p.name, v, vlen);
	ps->p.name[vlen] = '\0';
	ps->name_line = ps->line;
	return 0;
}

static int set_field(struct parse *ps, const char *k, size_t klen,
		     const char *v, size_t vlen)
{
	const struct field_desc *f = find_field(k, klen);
	const char *why;
	uint64_t val;
	size_t idx;

	if (!f) {
		set_err(ps, ps->line, "unknown key '%.*s%s'", quote_len(klen),
			k, quote_tail(klen));
		return -1;
	}
	idx = (size_t)(f - fields);
	if (ps->field_line[idx]) {
		set_err(ps, ps->line, "duplicate key '%s' (first set on line %u)",
			f->key, ps->field_line[idx]);
		return -1;
	}
	why = parse_number(v, vlen, f->kind, &val);
	if (why) {
		set_err(ps, ps->line, "%s: bad value '%.*s%s': %s", f->key,
			quote_len(vlen), v, quote_tail(vlen), why);
		return -1;
	}
	*(uint64_t *)((char *)&ps->p + f->offset) = val;
	ps->field_line[idx] = ps->line;
	return 0;
}

/* Handle the text of one line, s[0..len), without its newline. */
static int parse_line(struct parse *ps, const char *s, size_t len)
{
	const char *hash = memchr(s, '#', len), *eq;
	size_t klen, vlen;
	const char *v;

	if (hash)
		len = (size_t)(hash - s);
	while (len && is_space(s[0]))
		s++, len--;
	while (len && is_space(s[len - 1]))
		len--;
	if (!len)
		return 0;

	eq = memchr(s, '=', len);
	klen = eq ? (size_t)(eq - s) : 0;
	while (klen && is_space(s[klen - 1]))
		klen--;
	if (!eq || !klen) {
		set_err(ps, ps->line, "malformed line '%.*s%s': want key = value",
			quote_len(len), s, quote_tail(len));
		return -1;
	}
	v = eq + 1;
	vlen = len - (size_t)(v - s);
	while (vlen && is_space(v[0]))
		v++, vlen--;

	if (klen == 4 && !memcmp(s, "name", 4))
		return set_name(ps, v, vlen);
	return set_field(ps, s, klen, v, vlen);
}

/* Line a field was set on, found by its offset in struct profile. */
static unsigned int line_of(const struct parse *ps, size_t offset)
{
	size_t i;

	for (i = 0; i < NR_FIELDS; i++)
		if (fields[i].offset == offset)
			return ps->field_line[i];
	return 0;
}

#define LINE(ps, field) line_of(ps, offsetof(struct profile, field))

/* Every key but name is required: a silent default would be a number
 * nobody chose.  Name the first missing one and count the rest. */
static int check_missing(struct parse *ps)
{
	size_t i, first = NR_FIELDS, nmissing = 0;

	for (i = 0; i < NR_FIELDS; i++) {
		if (ps->field_line[i])
			continue;
		if (!nmissing++)
			first = i;
	}
	if (!nmissing)
		return 0;
	if (nmissing == 1)
		set_err(ps, ps->line, "missing key '%s'", fields[first].key);
	else
		set_err(ps, ps->line, "missing key '%s' (and %zu more)",
			fields[first].key, nmissing - 1);
	return -1;
}

/*
 * Topology and TLB geometry the engine divides by or indexes with, and the
 * host timeslice it takes a remainder by.  Fields are named directly, so
 * renaming one in PROFILE_FIELDS breaks the build here rather than
 * silently dropping its check.
 */
static int check_sanity(struct parse *ps)
{
	const struct profile *p = &ps->p;
	unsigned long long per_socket;

	if (p->cpus < 1 || p->cpus > NR_CPUS_MAX) {
		set_err(ps, LINE(ps, cpus), "cpus = %llu: out of range 1..%d",
			(unsigned long long)p->cpus, NR_CPUS_MAX);
		return -1;
	}
	if (p->sockets < 1 || p->cpus % p->sockets) {
		set_err(ps, LINE(ps, sockets),
			"sockets = %llu: must be at least 1 and divide cpus = %llu",
			(unsigned long long)p->sockets,
			(unsigned long long)p->cpus);
		return -1;
	}
	per_socket = p->cpus / p->sockets;
	if (p->threads_per_core < 1 || per_socket % p->threads_per_core) {
		set_err(ps, LINE(ps, threads_per_core),
			"threads_per_core = %llu: must be at least 1 and divide the %llu cpus of a socket",
			(unsigned long long)p->threads_per_core, per_socket);
		return -1;
	}
	if (p->tlb_entries < 1) {
		set_err(ps, LINE(ps, tlb_entries),
			"tlb_entries = 0: must be at least 1");
		return -1;
	}
	if (p->tlb_ways < 1 || p->tlb_entries % p->tlb_ways) {
		set_err(ps, LINE(ps, tlb_ways),
			"tlb_ways = %llu: must be at least 1 and divide tlb_entries = %llu",
			(unsigned long long)p->tlb_ways,
			(unsigned long long)p->tlb_entries);
		return -1;
	}
	if (!p->host_timeslice_ns) {
		set_err(ps, LINE(ps, host_timeslice_ns),
			"host_timeslice_ns = 0: must be positive");
		return -1;
	}
	return 0;
}

/* Default name: the origin's last path component, minus ".profile" and
 * minus the "builtin:" prefix profile_load gives built-ins. */
static void default_name(struct parse *ps)
{
	const char *base = strrchr(ps->origin, '/');
	size_t len;

	base = base ? base + 1 : ps->origin;
	if (!strncmp(base, "builtin:", 8))
		base += 8;
	len = strlen(base);
	if (len > 8 && !strcmp(base + len - 8, ".profile"))
		len -= 8;
	if (len > PROFILE_NAME_MAX)
		len = PROFILE_NAME_MAX;
	memcpy(ps->p.name, base, len);
	ps->p.name[len] = '\0';
}

int profile_parse(struct profile *p, const char *text, const char *origin,
		  char *err, size_t errlen)
{
	struct parse ps;
	const char *s = text;

	memset(&ps, 0, sizeof(ps));
	ps.origin = origin ? origin : "profile";
	ps.err = err;
	ps.errlen = errlen;
	if (err && errlen)
		err[0] = '\0';

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);

		ps.line++;
		if (parse_line(&ps, s, len))
			return -1;
		s += len + (nl != NULL);
	}
	if (check_missing(&ps) || check_sanity(&ps))
		return -1;
	if (!ps.name_line)
		default_name(&ps);
	*p = ps.p;
	return 0;
}

const uint64_t *profile_field(const struct profile *p, const char *key)
{
	const struct field_desc *f = key ? find_field(key, strlen(key)) : NULL;

	return f ? (const uint64_t *)((const char *)p + f->offset) : NULL;
}

/* ---- built-in profiles (sim/profiles_builtin.S) ------------------------ */

/* Parallel, NULL-terminated arrays laid out by the assembler file. */
extern const char *const profile_builtin_name_table[];
extern const char *const profile_builtin_text_table[];

const char *const *profile_builtin_names(void)
{
	return profile_builtin_name_table;
}

static int builtin_index(const char *name)
{
	int i;

	for (i = 0; profile_builtin_name_table[i]; i++)
		if (!strcmp(profile_builtin_name_table[i], name))
			return i;
	return -1;
}

#define MAX_BUILTINS	64
#define SUMMARY_MAX	160

/* The first line of text[] whose first non-blank character is '#'. */
static const char *first_comment(const char *text, size_t *lenp)
{
	const char *s = text;

	while (*s) {
		size_t len = strcspn(s, "\n");
		const char *next = s + len + (s[len] == '\n');

		while (len && is_space(*s))
			s++, len--;
		if (len && *s == '#') {
			*lenp = len;
			return s;
		}
		s = next;
	}
	return NULL;
}

/*
 * The first comment line, without "# ".  Copied out once per profile into
 * storage that lives as long as the program, so callers can hold several
 * summaries at a time (e.g. in one printf).  Not thread-safe on first use.
 */
const char *profile_builtin_summary(const char *name)
{
	static char summary[MAX_BUILTINS][SUMMARY_MAX];
	const char *s;
	size_t len = 0;
	int i = name ? builtin_index(name) : -1;

	if (i < 0 || i >= MAX_BUILTINS)
		return NULL;
	if (summary[i][0])
		return summary[i];
	s = first_comment(profile_builtin_text_table[i], &len);
	if (!s)
		return "";
	while (len && (*s == '#' || is_space(*s)))
		s++, len--;
	while (len && is_space(s[len - 1]))
		len--;
	if (len >= SUMMARY_MAX)
		len = SUMMARY_MAX - 1;
	memcpy(summary[i], s, len);
	summary[i][len] = '\0';
	return summary[i];
}

static void __attribute__((format(printf, 3, 4)))
load_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	printable(err);
}

/* Read a whole file into a NUL-terminated malloc'd buffer. */
static char *read_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, n;

	if (!f)
		goto fail;
	buf = malloc(PROFILE_FILE_MAX + 1);
	if (!buf)
		goto fail;
	while (len <= PROFILE_FILE_MAX &&
	       (n = fread(buf + len, 1, PROFILE_FILE_MAX + 1 - len, f)) > 0)
		len += n;
	if (ferror(f))
		goto fail;
	fclose(f);
	if (len > PROFILE_FILE_MAX) {
		load_err(err, errlen, "%s: cannot read profile: larger than %d bytes",
			 path, PROFILE_FILE_MAX);
		free(buf);
		return NULL;
	}
	/* A NUL inside would silently end the text early. */
	if (memchr(buf, '\0', len)) {
		load_err(err, errlen, "%s: cannot read profile: contains a NUL byte",
			 path);
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
fail:
	load_err(err, errlen, "%s: cannot read profile: %s", path,
		 strerror(errno));
	free(buf);
	if (f)
		fclose(f);
	return NULL;
}

static bool is_path(const char *s)
{
	size_t len = strlen(s);

	return strchr(s, '/') || (len >= 8 && !strcmp(s + len - 8, ".profile"));
}

static void unknown_builtin(const char *name, char *err, size_t errlen)
{
	const char *const *n;
	size_t used;

	if (!err || !errlen)
		return;
	load_err(err, errlen, "%s: no such built-in profile (built-ins:", name);
	for (n = profile_builtin_names(); *n; n++) {
		used = strlen(err);
		snprintf(err + used, errlen - used, " %s", *n);
	}
	used = strlen(err);
	snprintf(err + used, errlen - used,
		 "; a file path needs a '/' or the .profile suffix)");
}

int profile_load(struct profile *p, const char *name_or_path,
		 char *err, size_t errlen)
{
	char origin[128];
	char *text;
	int i, ret;

	if (err && errlen)
		err[0] = '\0';
	if (is_path(name_or_path)) {
		text = read_file(name_or_path, err, errlen);
		if (!text)
			return -1;
		ret = profile_parse(p, text, name_or_path, err, errlen);
		free(text);
		return ret;
	}
	i = builtin_index(name_or_path);
	if (i < 0) {
		unknown_builtin(name_or_path, err, errlen);
		return -1;
	}
	snprintf(origin, sizeof(origin), "builtin:%s", name_or_path);
	return profile_parse(p, profile_builtin_text_table[i], origin, err,
			     errlen);
}

int profile_set(struct profile *p, const char *key, const char *value,
		char *err, size_t errlen)
{
	const struct field_desc *f = key ? find_field(key, strlen(key)) : NULL;
	size_t vlen = value ? strlen(value) : 0;
	char sanity[256];
	struct parse ps;
	const char *why;
	uint64_t val;

	if (err && errlen)
		err[0] = '\0';
	if (!f) {
		load_err(err, errlen, "unknown profile key '%.*s%s' (docs/profiles.md lists them)",
			 quote_len(key ? strlen(key) : 0), key ? key : "",
			 quote_tail(key ? strlen(key) : 0));
		return -1;
	}
	why = parse_number(value, vlen, f->kind, &val);
	if (why) {
		load_err(err, errlen, "%s: bad value '%.*s%s': %s", f->key,
			 quote_len(vlen), value, quote_tail(vlen), why);
		return -1;
	}
	/* The engine's invariants hold for the whole profile, not one key:
	 * check the result as a file's would be, on a copy. */
	memset(&ps, 0, sizeof(ps));
	ps.origin = f->key;
	ps.err = sanity;
	ps.errlen = sizeof(sanity);
	ps.p = *p;
	*(uint64_t *)((char *)&ps.p + f->offset) = val;
	if (check_sanity(&ps)) {
		/* set_err's "origin:LINE: " prefix has no line to point at */
		const char *msg = strstr(sanity, ": ");

		load_err(err, errlen, "%s: bad value '%s': %s", f->key, value,
			 msg ? msg + 2 : sanity);
		return -1;
	}
	*p = ps.p;
	return 0;
}
