/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tap.h - the test facility: report() with a prefix stack, TAP output for
 * prove, and a SUMMARY line.  Modelled on kvm-unit-tests' report().
 *
 *   report_prefix_push("coherence");
 *   report(cost == 2 * xfer, "ping-pong costs %d transfers", 2);
 *   report_prefix_pop();
 *   return report_summary();
 */
#ifndef TESTS_TAP_H
#define TESTS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tap_state {
	int tests, failures, skips;
	char prefix[256];
	int depth, mark[16];
};
static struct tap_state tap;

static inline void report_prefix_push(const char *p)
{
	size_t n = strlen(tap.prefix);
	tap.mark[tap.depth++] = (int)n;
	snprintf(tap.prefix + n, sizeof(tap.prefix) - n, "%s: ", p);
}

static inline void report_prefix_pop(void)
{
	if (tap.depth > 0)
		tap.prefix[tap.mark[--tap.depth]] = '\0';
}

static inline bool __attribute__((format(printf, 2, 3)))
report(bool pass, const char *fmt, ...)
{
	va_list ap;
	tap.tests++;
	if (!pass)
		tap.failures++;
	printf("%s %d - %s", pass ? "ok" : "not ok", tap.tests, tap.prefix);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return pass;
}

static inline void __attribute__((format(printf, 1, 2)))
report_skip(const char *fmt, ...)
{
	va_list ap;
	tap.tests++;
	tap.skips++;
	printf("ok %d # SKIP %s", tap.tests, tap.prefix);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static inline void __attribute__((format(printf, 1, 2)))
report_info(const char *fmt, ...)
{
	va_list ap;
	printf("# %s", tap.prefix);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Prints the plan and the SUMMARY line; returns the process exit status. */
static inline int report_summary(void)
{
	printf("1..%d\n", tap.tests);
	printf("# SUMMARY: %d tests, %d unexpected failures, %d skipped\n",
	       tap.tests, tap.failures, tap.skips);
	return tap.failures ? 1 : 0;
}

/* Assert for test set-up: a failure here is a bug in the test itself. */
#define TEST_ASSERT(cond, fmt, ...) do {					\
	if (!(cond)) {							\
		printf("Bail out! %s:%d: %s: " fmt "\n", __FILE__, __LINE__, \
		       #cond, ##__VA_ARGS__);				\
		exit(3);						\
	}								\
} while (0)

#endif
