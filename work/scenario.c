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
	const char *path;
	int line;
	char *err;
	size_t errlen;
};

/* Scenario text and file names are quoted back: keep the line one line of
 * plain characters whatever the file holds. */
static void printable(char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			*s = '?';
}

static int __attribute__((format(printf, 2, 3)))
fail(struct parser *p, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%d: %s", p->path, p->line, msg);
	printable(p->err);
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

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/*
 * Decimal, or hexadecimal after "0x", as docs/checker.md says.  strtoull's
 * base 0 would also read "010" as eight, and take a sign; a leading zero is
 * refused instead of guessed at, and so is anything else.
 */
static int number(struct parser *p, const char *what, const char *s, u64 *out)
{
	const char *d = s;
	unsigned int base = 10;
	u64 v = 0;

	if (s[0] == '0' && s[1] == 'x') {
		base = 16;
		d += 2;
	} else if (s[0] == '0' && s[1] >= '0' && s[1] <= '9') {
		return fail(p, "%s '%s' has a leading zero (numbers are decimal "
			    "or 0x hexadecimal)", what, s);
	}
	if (!*d)
		return fail(p, "%s '%s' is not a number", what, s);
	for (; *d; d++) {
		unsigned int x = digit_value(*d);

		if (x >= base)
			return fail(p, "%s '%s' is not a number", what, s);
		if (v > (UINT64_MAX - x) / base)
			return fail(p, "%s '%s' is too large", what, s);
		v = v * base + x;
	}
	*out = v;
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
	const char *d = w + 3;
	int v = 0;

	if (strncmp(w, "cpu", 3))
		return fail(p, "expected cpuN, got '%s'", w);
	/* one plain digit or more: no sign, no "cpu01" */
	for (; *d >= '0' && *d <= '9' && v < 1000; d++)
		v = v * 10 + (*d - '0');
	if (d == w + 3 || (w[3] == '0' && d - w > 4) || (*d && strcmp(d, ":")))
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
	{ "emulated-read", SOP_EMULATED_READ, 1, false },
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
	{ "sleep", SOP_SLEEP, 0, false },
	{ "wake", SOP_WAKE, 1, false },
	{ "yield", SOP_YIELD, 0, false },
	{ "migrate", SOP_MIGRATE, 1, false },
};

/* Where a script runs, for what it may do. */
enum script_kind { SCRIPT_CPU, SCRIPT_INIT, SCRIPT_TASK, SCRIPT_KTHREAD };

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
	int i;

	switch (op->kind) {
	case SOP_READ:
	case SOP_EMULATED_READ:
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
	case SOP_WAKE:
		for (i = 0; i < p->s->nr_tasks; i++)
			if (!strcmp(w[1], p->s->tasks[i].name)) {
				op->b = i;
				return 0;
			}
		return fail(p, "wake '%s': no task of that name above", w[1]);
	case SOP_MIGRATE:
		if (cpu_word(p, w[1], &i))
			return -1;
		op->b = i;
		return 0;
	}
	return 0;
}

/* What each kind of script may not do. */
static int op_allowed(struct parser *p, const struct scn_op *op,
		      enum script_kind where, const char *name)
{
	bool sched = op->kind == SOP_SLEEP || op->kind == SOP_YIELD ||
		     op->kind == SOP_MIGRATE;

	if (sched && where != SCRIPT_TASK && where != SCRIPT_KTHREAD)
		return fail(p, "'%s' is for task scripts: a CPU's script runs in "
			    "its idle task, which never sleeps", name);
	if (op->kind == SOP_WAKE && where == SCRIPT_INIT)
		return fail(p, "'wake' in init: no task runs before the checked run");
	if (where == SCRIPT_INIT || where == SCRIPT_CPU)
		return 0;
	if (op->kind == SOP_USE || op->kind == SOP_LAZY || op->kind == SOP_KERNEL)
		return fail(p, "'%s' in a task: the scheduler switches a task's mm "
			    "(context_switch)", name);
	if (where == SCRIPT_KTHREAD && !sched && op->kind != SOP_WAKE &&
	    op->kind != SOP_IRQS_OFF && op->kind != SOP_IRQS_ON)
		return fail(p, "'%s' in a kernel thread, which has no mm", name);
	return 0;
}

/* One operation, "madvise 0x200000 1". */
static int parse_op(struct parser *p, char *text, struct scn_op *op,
		    enum script_kind where)
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
		if (op_allowed(p, op, where, w[0]))
			return -1;
		return op_args(p, op, w, n);
	}
	op_names(names, sizeof(names));
	return fail(p, "unknown operation '%s' (known: %s)", w[0], names);
}

/* "use; read 0x200000; lazy" into ops[] */
static int parse_script(struct parser *p, char *text, int cpu, struct scn_op *ops,
			int *nr, int max, enum script_kind where)
{
	char *part;

	for (part = strtok(text, ";"); part; part = strtok(NULL, ";")) {
		if (*nr == max)
			return fail(p, "more than %d operations", max);
		ops[*nr].cpu = cpu;
		ops[*nr].line = p->line;
		if (parse_op(p, part, &ops[*nr], where))
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

	if (p->s->protocol)
		return fail(p, "protocol given twice");
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
	u64 end;
	int k;

	if (s->nr_vmas == SCN_MAX_VMAS)
		return fail(p, "more than %d vmas", SCN_MAX_VMAS);
	v = &s->vmas[s->nr_vmas];
	if (address(p, w[1], &v->start) || pages(p, w[2], &v->pages))
		return -1;
	if (v->start & ~PAGE_MASK)
		return fail(p, "vma start '%s' is not page aligned", w[1]);
	/* mm_add_vma takes what it is given: the kernel would walk tables
	 * past the top of user space, or map one page twice */
	end = v->start + (v->pages << PAGE_SHIFT);
	if (end > USER_VA_TOP)
		return fail(p, "vma '%s' of %s pages ends past the top of user "
			    "space (0x%llx)", w[1], w[2],
			    (unsigned long long)USER_VA_TOP);
	for (k = 0; k < s->nr_vmas; k++)
		if (v->start < s->vmas[k].start + (s->vmas[k].pages << PAGE_SHIFT) &&
		    s->vmas[k].start < end)
			return fail(p, "vma '%s' overlaps the vma at 0x%llx", w[1],
				    (unsigned long long)s->vmas[k].start);
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
	else if (!strcmp(w[2], "Always"))
		c->sometimes = c->always = true;
	else if (strcmp(w[2], "Never"))
		return fail(p, "expected verdict '%s' is not Never, Sometimes or Always",
			    w[2]);
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
		if (s->nr_cpus)
			return fail(p, "cpus given twice");
		if (v < 1 || v > CHECK_MAX_CPUS)
			return fail(p, "cpus '%s' out of range 1..%d", w[1], CHECK_MAX_CPUS);
		s->nr_cpus = v;
	} else if (!strcmp(w[0], "bound")) {
		if (s->bound >= 0)
			return fail(p, "bound given twice");
		if (v > 64)
			return fail(p, "bound '%s' out of range 0..64", w[1]);
		s->bound = v;
	} else {
		if (s->max_steps)
			return fail(p, "steps given twice");
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

/* "nmi cpuN...": perf's sampling NMI may arrive once per run on each,
 * anywhere, whatever IF says (nmi.c).  "timer cpuN...": each one's local
 * APIC timer, once armed, may fire once per run (check_config). */
static int st_cpu_set(struct parser *p, char **w, int n)
{
	u32 *set = !strcmp(w[0], "nmi") ? &p->s->nmi_cpus : &p->s->timer_cpus;
	int i, cpu;

	for (i = 1; i < n; i++) {
		if (cpu_word(p, w[i], &cpu))
			return -1;
		*set |= 1u << cpu;
	}
	return 0;
}

/* "task A cpu1 cpu0: ops" or "kthread K cpu1: ops": header is the text
 * before the colon, rest after it. */
static int st_task(struct parser *p, char *header, char *rest)
{
	struct scenario *s = p->s;
	struct scn_task *t;
	char *w[8];
	int n = split_words(header, w, 8), i, cpu;

	if (n < 3)
		return fail(p, "'%s' needs a name, its cpuN... and a colon", w[0]);
	if (s->nr_tasks == SCN_MAX_TASKS)
		return fail(p, "more than %d tasks", SCN_MAX_TASKS);
	t = &s->tasks[s->nr_tasks];
	if (strlen(w[1]) >= SCN_TASK_NAME || !isalpha((unsigned char)w[1][0]) ||
	    w[1][strspn(w[1], "abcdefghijklmnopqrstuvwxyz"
			      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")])
		return fail(p, "task name '%s' is not a letter then up to %d letters, "
			    "digits, '_' or '-'", w[1], SCN_TASK_NAME - 2);
	for (i = 0; i < s->nr_tasks; i++)
		if (!strcmp(s->tasks[i].name, w[1]))
			return fail(p, "task '%s' declared twice", w[1]);
	for (i = 2; i < n; i++) {
		if (cpu_word(p, w[i], &cpu))
			return -1;
		if (i == 2)
			t->cpu = cpu;
		t->cpus |= 1u << cpu;
	}
	snprintf(t->name, sizeof(t->name), "%s", w[1]);
	t->kthread = !strcmp(w[0], "kthread");
	t->line = p->line;
	if (!*rest)
		return fail(p, "task '%s' has no operations", t->name);
	/* declared before its script, so that it may wake itself up */
	s->nr_tasks++;
	return parse_script(p, rest, t->cpu, t->ops, &t->nr_ops, SCN_MAX_OPS,
			    t->kthread ? SCRIPT_KTHREAD : SCRIPT_TASK);
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
		return parse_script(p, rest, cpu, s->init, &s->nr_init, SCN_MAX_INIT,
				    SCRIPT_INIT);
	return parse_script(p, rest, cpu, s->ops[cpu], &s->nr_ops[cpu], SCN_MAX_OPS,
			    SCRIPT_CPU);
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
	{ "nmi", 2, 5, st_cpu_set },
	{ "timer", 2, 5, st_cpu_set },
	{ "expect", 3, 4, st_expect },
};

static int statement(struct parser *p, char *text)
{
	char copy[512], *w[8], *rest;
	int n;
	size_t i;

	snprintf(copy, sizeof(copy), "%s", text);
	n = split_words(copy, w, 8);
	if (!strcmp(w[0], "task") || !strcmp(w[0], "kthread")) {
		char *colon;

		if (!strchr(text, ':'))
			return fail(p, "'%s' needs a colon before its operations", w[0]);
		/* the header ends at the first colon of the line */
		snprintf(copy, sizeof(copy), "%s", text);
		colon = strchr(copy, ':');
		*colon = 0;
		return st_task(p, copy, colon + 1);
	}
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
		    "host, nmi, timer, bound, steps, vma, init, cpuN:, task, "
		    "kthread, expect)", w[0]);
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

/* One line, without its newline, as statement() takes it. */
static int parse_line(struct parser *p, char *buf)
{
	struct scenario *s = p->s;
	char *hash = strchr(buf, '#'), *t = buf, *end;

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
	return *t ? statement(p, t) : 0;
}

int scenario_parse(const char *path, const char *text, size_t len,
		   struct scenario *s, char *err, size_t errlen)
{
	struct parser p = { .s = s, .path = s->path, .err = err, .errlen = errlen };
	char buf[512];
	size_t at = 0;

	memset(s, 0, sizeof(*s));
	s->bound = -1;
	snprintf(s->path, sizeof(s->path), "%s", path);
	scenario_name(s, path);
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;

		p.line++;
		if (n > sizeof(buf) - 2)
			return fail(&p, "line longer than %zu characters",
				    sizeof(buf) - 2);
		/* a NUL would end the line early and hide the rest of it */
		if (memchr(text + at, '\0', n))
			return fail(&p, "NUL byte in the line");
		memcpy(buf, text + at, n);
		buf[n] = 0;
		if (parse_line(&p, buf))
			return -1;
		at += n + (nl != NULL);
	}
	s->title[strcspn(s->title, "\n")] = 0;
	printable(s->title);
	p.line++;
	return finish(&p);
}

/* ---- checks of the whole file ------------------------------------------------ */

static const struct scn_vma *vma_of(const struct scenario *s, u64 va)
{
	int i;

	for (i = 0; i < s->nr_vmas; i++)
		if (va >= s->vmas[i].start &&
		    va < s->vmas[i].start + (s->vmas[i].pages << PAGE_SHIFT))
			return &s->vmas[i];
	return NULL;
}

/* Whether a write to va after init[0..upto) may go: the vma's protection,
 * or the last init mprotect that covered va. */
static bool init_writable(const struct scenario *s, const struct scn_vma *v,
			  int upto, u64 va)
{
	bool writable = v->writable;
	int i;

	for (i = 0; i < upto; i++) {
		const struct scn_op *op = &s->init[i];

		if (op->kind == SOP_MPROTECT && va >= op->va &&
		    va - op->va < op->b << PAGE_SHIFT)
			writable = op->c;
	}
	return writable;
}

static const char *op_name(int kind)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(op_table); i++)
		if (op_table[i].kind == kind)
			return op_table[i].name;
	return "?";
}

/*
 * The init scripts run one CPU at a time with nothing interleaved
 * (scenario_run.c): an operation there that waits for another CPU never
 * returns, and a fault or a violation there is not a verdict but a broken
 * set-up (exit 3 at run time).  So, in file order, track which CPUs have the
 * mm loaded (use; lazy keeps it; kernel drops it) and refuse
 *  - an operation that may flush while another CPU holds the mm: its
 *    shootdown would wait for a CPU that does not run;
 *  - a user access on a CPU not running the mm, outside every vma, or a
 *    write where the vma (or the last init mprotect) says read-only: a
 *    fault during set-up;
 *  - expect-read, whose failure would be a violation during set-up.
 */
int scenario_validate(const struct scenario *s, char *err, size_t errlen)
{
	struct parser p = { .path = s->path, .err = err, .errlen = errlen };
	bool loaded[CHECK_MAX_CPUS] = { false }, user[CHECK_MAX_CPUS] = { false };
	const struct scn_vma *v;
	int i, j;

	for (i = 0; i < s->nr_init; i++) {
		const struct scn_op *op = &s->init[i];
		int cpu = op->cpu;

		p.line = op->line;
		switch (op->kind) {
		case SOP_USE:
			loaded[cpu] = user[cpu] = true;
			break;
		case SOP_LAZY:
			user[cpu] = false;
			break;
		case SOP_KERNEL:
			loaded[cpu] = user[cpu] = false;
			break;
		case SOP_EXPECT:
			return fail(&p, "init cpu%d: expect-read: init is set-up, not "
				    "checked; use read", cpu);
		case SOP_READ:
		case SOP_EMULATED_READ:
		case SOP_WRITE:
			v = vma_of(s, op->va);
			if (!user[cpu])
				return fail(&p, "init cpu%d: %s 0x%llx while not running "
					    "the mm ('use' first): it would fault "
					    "during set-up", cpu, op_name(op->kind),
					    (unsigned long long)op->va);
			if (!v || (op->kind == SOP_WRITE &&
				   !init_writable(s, v, i, op->va)))
				return fail(&p, "init cpu%d: %s 0x%llx: %s: it would "
					    "fault during set-up", cpu,
					    op_name(op->kind), (unsigned long long)op->va,
					    v ? "read-only there" : "outside every vma");
			break;
		case SOP_MADVISE:
		case SOP_MUNMAP:
		case SOP_MPROTECT:
		case SOP_COLLAPSE:
		case SOP_WRITEBACK:
			for (j = 0; j < s->nr_cpus; j++)
				if (j != cpu && loaded[j])
					return fail(&p, "init cpu%d: %s may shoot down "
						    "cpu%d, which has the mm loaded, and "
						    "init runs one CPU at a time (move it "
						    "to a cpu%d: script, or 'kernel' on "
						    "cpu%d first)", cpu,
						    op_name(op->kind), j, cpu, j);
			break;
		}
	}
	return 0;
}

/* Longest scenario file read; the corpus's are under 2 KiB. */
#define SCN_FILE_MAX	(256 << 10)

int scenario_load(const char *path, struct scenario *s, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	f = fopen(path, "r");
	if (f) {
		text = malloc(SCN_FILE_MAX + 1);
		if (text)
			len = fread(text, 1, SCN_FILE_MAX + 1, f);
	}
	if (!f || !text || ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(f && !text ? ENOMEM :
							      errno));
		rc = -1;
	} else if (len > SCN_FILE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", path, SCN_FILE_MAX);
		rc = -1;
	} else {
		rc = scenario_parse(path, text, len, s, err, errlen);
		if (!rc)
			rc = scenario_validate(s, err, errlen);
	}
	if (rc && err && errlen)
		printable(err);
	free(text);
	if (f)
		fclose(f);
	return rc;
}
