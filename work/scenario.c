// SPDX-License-Identifier: GPL-2.0
/*
 * scenario.c - reading scenario files (format in docs/checker.md).
 *
 * One statement per line; '#' starts a comment; the first comment line is
 * the scenario's title.  Every error is one line naming the file, the line
 * and the value that is wrong, and nothing is run.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "work/scenario.h"
#include "proto/kernel.h"

struct parser {
	struct scenario *s;
	int line;
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 2, 3)))
fail(struct parser *p, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%d: %s", p->s->path, p->line, msg);
	return -1;
}

/* Split s in place at whitespace; returns the number of words. */
static int split_words(char *s, char **w, int max)
{
	int n = 0;

	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || n == max)
			return n;
		w[n++] = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		if (*s)
			*s++ = 0;
	}
}

static int number(struct parser *p, const char *what, const char *s, u64 *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-')
		return fail(p, "%s '%s' is not a number", what, s);
	return 0;
}

static int address(struct parser *p, const char *s, u64 *out)
{
	if (number(p, "address", s, out))
		return -1;
	if (*out >= USER_VA_TOP)
		return fail(p, "address '%s' is not a user address (below 0x%llx)",
			    s, (unsigned long long)USER_VA_TOP);
	return 0;
}

static int pages(struct parser *p, const char *s, u64 *out)
{
	if (number(p, "page count", s, out))
		return -1;
	if (!*out || *out > 512)
		return fail(p, "page count '%s' out of range 1..512", s);
	return 0;
}

/* "cpu1" or "cpu1:" -> 1 */
static int cpu_word(struct parser *p, const char *w, int *cpu)
{
	char *end;
	long v;

	if (strncmp(w, "cpu", 3))
		return fail(p, "expected cpuN, got '%s'", w);
	v = strtol(w + 3, &end, 10);
	if (end == w + 3 || (*end && strcmp(end, ":")))
		return fail(p, "expected cpuN, got '%s'", w);
	if (!p->s->nr_cpus)
		return fail(p, "'%s' before the cpus line", w);
	if (v < 0 || v >= p->s->nr_cpus)
		return fail(p, "'%s': the machine has cpus 0..%d", w, p->s->nr_cpus - 1);
	*cpu = v;
	return 0;
}

/* ---- operations --------------------------------------------------------------- */

static const struct {
	const char *name;
	u8 kind;
	u8 args;		/* words after the name */
	bool optional_last;	/* the last one may be left out */
} op_table[] = {
	{ "use", SOP_USE, 0, false },
	{ "lazy", SOP_LAZY, 0, false },
	{ "kernel", SOP_KERNEL, 0, false },
	{ "read", SOP_READ, 1, false },
	{ "write", SOP_WRITE, 2, true },
	{ "expect-read", SOP_EXPECT, 2, false },
	{ "madvise", SOP_MADVISE, 2, false },
	{ "munmap", SOP_MUNMAP, 2, false },
	{ "mprotect", SOP_MPROTECT, 3, false },
	{ "populate", SOP_POPULATE, 2, false },
	{ "collapse", SOP_COLLAPSE, 1, false },
	{ "writeback", SOP_WRITEBACK, 0, false },
	{ "gup", SOP_GUP, 2, false },
	{ "irqs-off", SOP_IRQS_OFF, 0, false },
	{ "irqs-on", SOP_IRQS_ON, 0, false },
};

static int op_names(char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(op_table); i++)
		n += snprintf(buf + n, n < len ? len - n : 0, "%s%s", i ? ", " : "",
			      op_table[i].name);
	return 0;
}

static int op_args(struct parser *p, struct scn_op *op, char **w, int n)
{
	switch (op->kind) {
	case SOP_READ:
	case SOP_COLLAPSE:
		return address(p, w[1], &op->va);
	case SOP_WRITE:
		op->b = 1;
		if (address(p, w[1], &op->va))
			return -1;
		return n > 2 ? number(p, "value", w[2], &op->b) : 0;
	case SOP_EXPECT:
		if (address(p, w[1], &op->va))
			return -1;
		return number(p, "value", w[2], &op->b);
	case SOP_MADVISE:
	case SOP_MUNMAP:
	case SOP_POPULATE:
	case SOP_GUP:
		if (address(p, w[1], &op->va))
			return -1;
		return pages(p, w[2], &op->b);
	case SOP_MPROTECT:
		if (address(p, w[1], &op->va) || pages(p, w[2], &op->b))
			return -1;
		if (strcmp(w[3], "ro") && strcmp(w[3], "rw"))
			return fail(p, "mprotect: '%s' is not ro or rw", w[3]);
		op->c = !strcmp(w[3], "rw");
		return 0;
	}
	return 0;
}

/* One operation, "madvise 0x200000 1". */
static int parse_op(struct parser *p, char *text, struct scn_op *op)
{
	char *w[8], names[300];
	int n = split_words(text, w, 8);
	size_t i;

	if (!n)
		return fail(p, "empty operation (two ';' in a row?)");
	for (i = 0; i < ARRAY_SIZE(op_table); i++) {
		int need = op_table[i].args;

		if (strcmp(w[0], op_table[i].name))
			continue;
		if (n - 1 > need || n - 1 < need - op_table[i].optional_last)
			return fail(p, "'%s' takes %d argument%s, got %d", w[0], need,
				    need == 1 ? "" : "s", n - 1);
		op->kind = op_table[i].kind;
		return op_args(p, op, w, n);
	}
	op_names(names, sizeof(names));
	return fail(p, "unknown operation '%s' (known: %s)", w[0], names);
}

/* "use; read 0x200000; lazy" into ops[] */
static int parse_script(struct parser *p, char *text, int cpu, struct scn_op *ops,
			int *nr, int max)
{
	char *part;

	for (part = strtok(text, ";"); part; part = strtok(NULL, ";")) {
		if (*nr == max)
			return fail(p, "more than %d operations", max);
		ops[*nr].cpu = cpu;
		if (parse_op(p, part, &ops[*nr]))
			return -1;
		(*nr)++;
	}
	return 0;
}

/* ---- statements ------------------------------------------------------------------ */

static int known_list(char *buf, size_t len, const char *(*name)(int), int nr)
{
	size_t n = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < nr; i++)
		n += snprintf(buf + n, n < len ? len - n : 0, "%s%s", i ? ", " : "",
			      name(i));
	return 0;
}

static const char *protocol_name(int i) { return protocols[i]->name; }
static const char *mutant_name(int i) { return mutants[i].name; }
static const char *table_free_name(int i) { return table_free_names[i]; }

static int st_protocol(struct parser *p, char **w, int n)
{
	char known[300];

	p->s->protocol = protocol_by_name(w[1]);
	if (!p->s->protocol) {
		known_list(known, sizeof(known), protocol_name, NR_PROTOCOLS);
		return fail(p, "unknown protocol '%s' (known: %s)", w[1], known);
	}
	return 0;
}

static int st_tables(struct parser *p, char **w, int n)
{
	char known[100];

	p->s->table_free = table_free_by_name(w[1]);
	if (p->s->table_free < 0) {
		known_list(known, sizeof(known), table_free_name, NR_TABLE_FREE);
		return fail(p, "unknown table freeing '%s' (known: %s)", w[1], known);
	}
	return 0;
}

static int st_vma(struct parser *p, char **w, int n)
{
	static const char *const kinds[] = {
		[VMA_ANON] = "anon", [VMA_FILE_PRIVATE] = "file-private",
		[VMA_FILE_SHARED] = "file-shared",
	};
	struct scenario *s = p->s;
	struct scn_vma *v;
	int k;

	if (s->nr_vmas == SCN_MAX_VMAS)
		return fail(p, "more than %d vmas", SCN_MAX_VMAS);
	v = &s->vmas[s->nr_vmas];
	if (address(p, w[1], &v->start) || pages(p, w[2], &v->pages))
		return -1;
	if (v->start & ~PAGE_MASK)
		return fail(p, "vma start '%s' is not page aligned", w[1]);
	for (k = 0; k < (int)ARRAY_SIZE(kinds); k++)
		if (!strcmp(w[3], kinds[k]))
			break;
	if (k == (int)ARRAY_SIZE(kinds))
		return fail(p, "vma kind '%s' is not anon, file-private or file-shared",
			    w[3]);
	if (strcmp(w[4], "ro") && strcmp(w[4], "rw"))
		return fail(p, "vma protection '%s' is not ro or rw", w[4]);
	v->kind = k;
	v->writable = !strcmp(w[4], "rw");
	if (k != VMA_ANON)
		s->file_pages += v->pages;
	s->nr_vmas++;
	return 0;
}

static int st_expect(struct parser *p, char **w, int n)
{
	struct scenario *s = p->s;
	struct scn_case *c;
	char known[600];

	if (s->nr_cases == SCN_MAX_CASES)
		return fail(p, "more than %d expect lines", SCN_MAX_CASES);
	c = &s->cases[s->nr_cases];
	c->line = p->line;
	c->mutant = mutant_by_name(w[1]);
	if (c->mutant < 0) {
		int h = host_mutant_by_name(w[1]);

		if (h <= HOST_OK) {
			known_list(known, sizeof(known), mutant_name, NR_MUTANTS);
			for (h = HOST_OK + 1; h < NR_HOST_MUTANTS; h++)
				snprintf(known + strlen(known), sizeof(known) - strlen(known),
					 ", %s", host_mutants[h].name);
			return fail(p, "unknown mutant '%s' (known: %s)", w[1], known);
		}
		if (!s->host)
			return fail(p, "host mutant '%s' needs a 'host kvm' line "
				    "before it", w[1]);
		c->mutant = MUT_NONE;
		c->host_mutant = h;
	}
	if (!strcmp(w[2], "Sometimes"))
		c->sometimes = true;
	else if (strcmp(w[2], "Never"))
		return fail(p, "expected verdict '%s' is not Never or Sometimes", w[2]);
	if (n > 3 && strcmp(w[3], "sc") && strcmp(w[3], "tso"))
		return fail(p, "memory model '%s' is not tso or sc", w[3]);
	c->sc = n > 3 && !strcmp(w[3], "sc");
	s->nr_cases++;
	return 0;
}

static int st_number(struct parser *p, char **w, int n)
{
	struct scenario *s = p->s;
	u64 v;

	if (number(p, w[0], w[1], &v))
		return -1;
	if (!strcmp(w[0], "cpus")) {
		if (v < 1 || v > CHECK_MAX_CPUS)
			return fail(p, "cpus '%s' out of range 1..%d", w[1], CHECK_MAX_CPUS);
		if (s->nr_cpus)
			return fail(p, "cpus given twice");
		s->nr_cpus = v;
	} else if (!strcmp(w[0], "bound")) {
		if (v > 64)
			return fail(p, "bound '%s' out of range 0..64", w[1]);
		s->bound = v;
	} else {
		if (v < 10 || v > 100000)
			return fail(p, "steps '%s' out of range 10..100000", w[1]);
		s->max_steps = v;
	}
	return 0;
}

/* "host kvm [cpuN...] [xK]": a hypervisor that may deschedule those vCPUs
 * (default all), each up to K times per run (default 1) */
static int st_host(struct parser *p, char **w, int n)
{
	struct scenario *s = p->s;
	int i, cpu;
	u64 v = 1;

	if (strcmp(w[1], "kvm"))
		return fail(p, "unknown host '%s' (known: kvm)", w[1]);
	for (i = 2; i < n; i++) {
		if (w[i][0] == 'x') {
			if (number(p, "deschedules", w[i] + 1, &v))
				return -1;
			if (v < 1 || v > 8)
				return fail(p, "deschedules '%s' out of range x1..x8", w[i]);
			continue;
		}
		if (cpu_word(p, w[i], &cpu))
			return -1;
		s->host_cpus |= 1u << cpu;
	}
	s->host = true;
	s->host_deschedules = v;
	return 0;
}

static int st_script(struct parser *p, char **w, int n, char *rest, bool init)
{
	struct scenario *s = p->s;
	int cpu = 0;

	if (cpu_word(p, w[init], &cpu))
		return -1;
	if (!rest || !*rest)
		return fail(p, "'%s' has no operations", w[init]);
	if (init)
		return parse_script(p, rest, cpu, s->init, &s->nr_init, SCN_MAX_INIT);
	return parse_script(p, rest, cpu, s->ops[cpu], &s->nr_ops[cpu], SCN_MAX_OPS);
}

/* Words of a statement: the keyword and its fixed arguments. */
static const struct {
	const char *kw;
	int min, max;
	int (*fn)(struct parser *, char **, int);
} statements[] = {
	{ "cpus", 2, 2, st_number },
	{ "bound", 2, 2, st_number },
	{ "steps", 2, 2, st_number },
	{ "protocol", 2, 2, st_protocol },
	{ "tables", 2, 2, st_tables },
	{ "vma", 5, 5, st_vma },
	{ "host", 2, 7, st_host },
	{ "expect", 3, 4, st_expect },
};

static int statement(struct parser *p, char *text)
{
	char copy[512], *w[8], *rest;
	int n;
	size_t i;

	snprintf(copy, sizeof(copy), "%s", text);
	n = split_words(copy, w, 8);
	if (!strcmp(w[0], "init") ||
	    (!strncmp(w[0], "cpu", 3) && isdigit((unsigned char)w[0][3]))) {
		bool init = !strcmp(w[0], "init");

		/* the script is everything after "cpuN:" (or "init cpuN:") */
		rest = strstr(text, init ? (n > 1 ? w[1] : "") : w[0]);
		if (init && n < 2)
			return fail(p, "init needs a cpuN: and operations");
		rest = rest ? rest + strlen(w[init]) : NULL;
		return st_script(p, w, n, rest, init);
	}
	for (i = 0; i < ARRAY_SIZE(statements); i++) {
		if (strcmp(w[0], statements[i].kw))
			continue;
		if (n < statements[i].min || n > statements[i].max)
			return fail(p, "'%s' takes %d to %d words, got %d", w[0],
				    statements[i].min - 1, statements[i].max - 1, n - 1);
		return statements[i].fn(p, w, n);
	}
	return fail(p, "unknown statement '%s' (known: cpus, protocol, tables, "
		    "host, bound, steps, vma, init, cpuN:, expect)", w[0]);
}

static void scenario_name(struct scenario *s, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len;

	base = base ? base + 1 : path;
	len = strlen(base);
	if (len > 4 && !strcmp(base + len - 4, ".scn"))
		len -= 4;
	snprintf(s->name, sizeof(s->name), "%.*s", (int)len, base);
}

static int finish(struct parser *p)
{
	struct scenario *s = p->s;

	if (!s->nr_cpus)
		return fail(p, "no cpus line");
	if (!s->protocol)
		return fail(p, "no protocol line");
	if (!s->nr_cases)
		return fail(p, "no expect line: say what the checker should find");
	return 0;
}

int scenario_load(const char *path, struct scenario *s, char *err, size_t errlen)
{
	struct parser p = { .s = s, .err = err, .errlen = errlen };
	char buf[512];
	FILE *f;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	s->bound = -1;
	snprintf(s->path, sizeof(s->path), "%s", path);
	scenario_name(s, path);
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (!rc && fgets(buf, sizeof(buf), f)) {
		char *hash = strchr(buf, '#'), *t = buf, *end;

		p.line++;
		if (!strchr(buf, '\n') && !feof(f))
			rc = fail(&p, "line longer than %zu characters", sizeof(buf) - 2);
		if (hash) {
			if (!s->title[0] && hash == buf + strspn(buf, " \t"))
				snprintf(s->title, sizeof(s->title), "%s",
					 hash + 1 + strspn(hash + 1, " \t"));
			*hash = 0;
		}
		while (isspace((unsigned char)*t))
			t++;
		end = t + strlen(t);
		while (end > t && isspace((unsigned char)end[-1]))
			*--end = 0;
		if (!rc && *t)
			rc = statement(&p, t);
	}
	s->title[strcspn(s->title, "\n")] = 0;
	if (!rc && ferror(f))
		rc = fail(&p, "read error");
	fclose(f);
	if (!rc) {
		p.line++;
		rc = finish(&p);
	}
	return rc;
}
