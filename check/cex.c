// SPDX-License-Identifier: GPL-2.0
/*
 * cex.c - violations, and the text of a counterexample.
 *
 * Nothing is formatted while exploring: a violating schedule is only
 * recorded (its event choices).  The counterexample is printed by replaying
 * that schedule once more with ck.verbose set, when every primitive
 * describes what it did and what it read, one numbered line per event:
 *
 *      7   cpu1   load csd[0][1].flags = 1
 *      8*  cpu0   store buffer drains: mm.tlb_gen = 2
 *
 * A star marks a preemption: the CPU that ran before could have gone on.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/ck.h"

void ck_text_printf(struct ck_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = t->cap - t->len;

		va_start(ap, fmt);
		n = vsnprintf(t->buf ? t->buf + t->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < room) {
			t->len += n;
			return;
		}
		t->cap = (t->cap ? t->cap * 2 : 4096) + (size_t)n;
		t->buf = realloc(t->buf, t->cap);
		if (!t->buf) {
			t->cap = t->len = 0;
			return;
		}
	}
}

/*
 * Runs of steps that differ only in an index, the same CPU reading a table
 * entry after entry ("load pt[1] = 0", "load pt[2] = 0", ...), print as one
 * line.  The line of the last step waits here until the next one shows
 * whether it continues the run.
 */
static struct {
	bool held;
	int cpu, depth;
	u32 first, last;	/* steps */
	unsigned lo, hi;	/* indices */
	bool preempt;
	char head[300], tail[300];	/* the line around "[index]" */
} run;

/* "head[index]tail": split a line at its last bracketed number. */
static bool split_index(const char *line, char *head, char *tail, unsigned *idx)
{
	const char *open = NULL, *p;
	char *end;

	for (p = strchr(line, '['); p; p = strchr(p + 1, '['))
		if (p[1] >= '0' && p[1] <= '9')
			open = p;
	if (!open)
		return false;
	*idx = strtoul(open + 1, &end, 10);
	if (*end != ']' || open - line >= 300 || strlen(end) >= 300)
		return false;
	snprintf(head, 300, "%.*s", (int)(open - line), line);
	snprintf(tail, 300, "%s", end + 1);
	return true;
}

static void print_line(u32 step, u32 last, bool preempt, int cpu, int depth,
		       const char *text)
{
	char num[24];

	if (last != step)
		snprintf(num, sizeof(num), "%u-%u", step, last);
	else
		snprintf(num, sizeof(num), "%u", step);
	ck_text_printf(ck.out, "%9s%c  cpu%-3d %*s%s\n", num, preempt ? '*' : ' ',
		       cpu, 2 * depth, "", text);
}

/* Print the held line (and its run). */
void ck_log_flush(void)
{
	char text[700];

	if (!run.held || !ck.out)
		return;
	if (run.hi != run.lo)
		snprintf(text, sizeof(text), "%s[%u..%u]%s", run.head, run.lo,
			 run.hi, run.tail);
	else
		snprintf(text, sizeof(text), "%s[%u]%s", run.head, run.lo, run.tail);
	print_line(run.first, run.last, run.preempt, run.cpu, run.depth, text);
	run.held = false;
}

/* The first line of a step: continue the held run, or hold a new one. */
static void first_line(int cpu, int depth, const char *line)
{
	char head[300], tail[300];
	unsigned idx;
	bool indexed = split_index(line, head, tail, &idx);

	if (run.held && indexed && !ck.step_preempt && cpu == run.cpu &&
	    depth == run.depth && ck.step_no == run.last + 1 && idx == run.hi + 1 &&
	    !strcmp(head, run.head) && !strcmp(tail, run.tail)) {
		run.last = ck.step_no;
		run.hi = idx;
		return;
	}
	ck_log_flush();
	if (!indexed) {
		print_line(ck.step_no, ck.step_no, ck.step_preempt, cpu, depth, line);
		return;
	}
	run.held = true;
	run.cpu = cpu;
	run.depth = depth;
	run.first = run.last = ck.step_no;
	run.lo = run.hi = idx;
	run.preempt = ck.step_preempt;
	memcpy(run.head, head, sizeof(head));
	memcpy(run.tail, tail, sizeof(tail));
}

/* One line of the current event's story.  Lines of a CPU are indented by
 * its interrupt nesting, so handler code stands out. */
void ck_log(int cpu, const char *fmt, ...)
{
	char line[600];
	const struct ck_cpu *c = cpu >= 0 ? &ck.cpu[cpu] : NULL;
	int depth = c ? c->irq_depth : 0;
	va_list ap;

	if (!ck.out || ck.in_setup)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (cpu >= 0 && !ck.step_logged) {
		first_line(cpu, depth, line);
	} else {
		ck_log_flush();
		if (cpu < 0)
			ck_text_printf(ck.out, "%9s   %-6s %s\n", "", "", line);
		else
			ck_text_printf(ck.out, "%9s   cpu%-3d %*s%s\n", "", cpu,
				       2 * depth, "", line);
	}
	ck.step_logged = true;
}

/*
 * An invariant is broken.  The first violation of a run is kept; a CPU
 * that hits one stops for the rest of the run (the host carries on only
 * to end it).
 */
void ck_violation(const char *fmt, ...)
{
	va_list ap;

	if (!ck.violated) {
		ck.violated = true;
		va_start(ap, fmt);
		vsnprintf(ck.why, sizeof(ck.why), fmt, ap);
		va_end(ap);
		if (unlikely(ck.verbose))
			ck_log(ck.cur ? ck.cur->id : -1, "VIOLATION: %s", ck.why);
	}
	if (ck.cur)
		ck_park_dead(ck.cur);
}

void check_fail(const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ck_violation("assertion failed: %s", msg);
}
