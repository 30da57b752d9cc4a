// SPDX-License-Identifier: GPL-2.0
/*
 * t_profile.c - machine profiles: the built-ins parse, numbers convert
 * exactly, and every kind of bad input is refused with one line naming
 * the file, the line and the offending key or value.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "sim/profile.h"
#include "tap.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Every key, in PROFILE_FIELDS order, with its kind. */
static const struct {
	const char *key;
	enum profile_kind kind;
} keys[] = {
#define X(k, kind) { #k, PROFILE_##kind },
	PROFILE_FIELDS(X)
#undef X
};
#define NR_KEYS ((int)ARRAY_SIZE(keys))

static char text[16384];
static char err[512];

/* A value that passes the sanity checks for key k. */
static const char *good_value(const char *k)
{
	if (!strcmp(k, "cpus"))
		return "8";
	if (!strcmp(k, "sockets"))
		return "2";
	if (!strcmp(k, "threads_per_core"))
		return "2";
	if (!strcmp(k, "tlb_entries"))
		return "64";
	if (!strcmp(k, "tlb_ways"))
		return "4";
	return "33";
}

/*
 * A complete profile, one key per line in PROFILE_FIELDS order (so key i
 * is on line i + 1), except: the key `set` gets value `to` instead (to ==
 * NULL leaves that key out), and `tail` is appended as the last line.
 */
static const char *build(const char *set, const char *to, const char *tail)
{
	size_t n = 0;
	int i;

	text[0] = '\0';
	for (i = 0; i < NR_KEYS; i++) {
		const char *v = good_value(keys[i].key);

		if (set && !strcmp(set, keys[i].key)) {
			if (!to)
				continue;
			v = to;
		}
		n += snprintf(text + n, sizeof(text) - n, "%s = %s\n",
			      keys[i].key, v);
	}
	if (tail)
		snprintf(text + n, sizeof(text) - n, "%s\n", tail);
	return text;
}

static int line_of(const char *key)
{
	int i;

	for (i = 0; i < NR_KEYS; i++)
		if (!strcmp(keys[i].key, key))
			return i + 1;
	return -1;
}

/*
 * Parse must fail with one line that starts "t.profile:LINE:" and
 * contains every string in want[] (NULL-terminated).
 */
static void expect_error(const char *what, const char *t, int line,
			 const char *const *want)
{
	struct profile p;
	char prefix[64];
	bool ok;
	int ret;

	memset(err, 0, sizeof(err));
	ret = profile_parse(&p, t, "t.profile", err, sizeof(err));
	snprintf(prefix, sizeof(prefix), "t.profile:%d: ", line);
	ok = ret == -1 && !strncmp(err, prefix, strlen(prefix)) &&
	     !strchr(err, '\n');
	for (; ok && *want; want++)
		ok = strstr(err, *want) != NULL;
	report(ok, "%s: \"%s\"", what, err);
}

#define EXPECT_ERROR(what, t, line, ...) \
	expect_error(what, t, line, (const char *const[]){ __VA_ARGS__, NULL })

static void test_builtins(void)
{
	const char *const *names = profile_builtin_names();
	struct profile p;
	int n = 0;

	report_prefix_push("builtin");
	for (; *names; names++, n++) {
		const char *sum = profile_builtin_summary(*names);
		int ret = profile_load(&p, *names, err, sizeof(err));

		report(ret == 0, "%s parses%s%s", *names, ret ? ": " : "",
		       ret ? err : "");
		if (ret)
			continue;
		report(!strcmp(p.name, *names), "%s is named %s", *names, p.name);
		report(sum && *sum && sum[0] != '#', "%s has a summary: %s",
		       *names, sum ? sum : "(null)");
		report(p.cpus >= 1 && p.tlb_flush_ceiling == 33,
		       "%s: %llu cpus, flush ceiling 33", *names,
		       (unsigned long long)p.cpus);
	}
	report(n >= 2, "%d built-in profiles", n);
	report(!strcmp(profile_builtin_names()[0], "default"),
	       "the first built-in is default");
	report(profile_builtin_summary("no-such") == NULL,
	       "no summary for an unknown name");
	/* Summaries stay valid across calls: two in one expression. */
	report(profile_builtin_summary("default") !=
	       profile_builtin_summary("host"), "summaries do not share a buffer");
	report_prefix_pop();
}

static void test_numbers(void)
{
	static const struct {
		const char *in;
		uint64_t ps;
	} cases[] = {
		{ "1.25", 1250 }, { "7", 7000 }, { "0.001", 1 }, { "0", 0 },
		{ "2.5000", 2500 }, { "007.1", 7100 }, { "123456.789", 123456789 },
		{ "1000000000", 1000000000000ULL },
	};
	struct profile p;
	size_t i;
	int ret;

	report_prefix_push("time");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ret = profile_parse(&p, build("dram_ns", cases[i].in, NULL),
				    "t.profile", err, sizeof(err));
		report(ret == 0 && p.dram_ns == cases[i].ps,
		       "%s ns is %llu ps (got %llu%s%s)", cases[i].in,
		       (unsigned long long)cases[i].ps,
		       (unsigned long long)p.dram_ns, ret ? ", " : "",
		       ret ? err : "");
	}
	ret = profile_parse(&p, build(NULL, NULL, NULL), "t.profile", err,
			    sizeof(err));
	report(ret == 0 && p.cpus == 8 && p.tlb_entries == 64 &&
	       p.l1_hit_ns == 33000 && p.tlb_flush_ceiling == 33,
	       "counts stay integers, times become ps");
	report(ret == 0 && profile_field(&p, "cpus") == &p.cpus &&
	       profile_field(&p, "spec_walk_interval_ns") ==
	       &p.spec_walk_interval_ns, "profile_field finds fields");
	report(profile_field(&p, "bogus") == NULL &&
	       profile_field(&p, "name") == NULL &&
	       profile_field(&p, "cpu") == NULL,
	       "profile_field: NULL for unknown keys and prefixes");
	report_prefix_pop();
}

static void test_format(void)
{
	static const char body[] =
		"# a summary line\n"
		"\n"
		"   # indented comment\n"
		"\tcpus\t=\t8\t# trailing comment\n"
		"sockets=2\r\n"
		"threads_per_core = 2   \n"
		"l1_hit_ns = 1.5#no space before the comment\n"
		"\n";
	struct profile p;
	char *t = text;
	size_t n;
	int i, ret;

	report_prefix_push("format");
	n = snprintf(t, sizeof(text), "%s", body);
	for (i = 3; i < NR_KEYS; i++)	/* the first 3 keys are in body */
		if (strcmp(keys[i].key, "l1_hit_ns"))
			n += snprintf(t + n, sizeof(text) - n, "%s = %s\n",
				      keys[i].key, good_value(keys[i].key));
	snprintf(t + n, sizeof(text) - n, "# comment at the end, no newline");
	ret = profile_parse(&p, t, "dir/sub/my-box.profile", err, sizeof(err));
	report(ret == 0, "comments, blank lines, tabs, CRLF accepted%s%s",
	       ret ? ": " : "", ret ? err : "");
	report(ret == 0 && p.cpus == 8 && p.sockets == 2 &&
	       p.threads_per_core == 2 && p.l1_hit_ns == 1500,
	       "values read around comments and whitespace");
	report(ret == 0 && !strcmp(p.name, "my-box"),
	       "name defaults to the file's basename: %s", p.name);

	ret = profile_parse(&p, build(NULL, NULL, "name = big.iron_2"),
			    "t.profile", err, sizeof(err));
	report(ret == 0 && !strcmp(p.name, "big.iron_2"), "name key: %s",
	       p.name);
	ret = profile_parse(&p, build(NULL, NULL, NULL), "builtin:xyz", err,
			    sizeof(err));
	report(ret == 0 && !strcmp(p.name, "xyz"),
	       "builtin: origin gives the bare name: %s", p.name);
	report_prefix_pop();
}

static void test_errors(void)
{
	int end = NR_KEYS + 1;	/* line of the appended tail */
	char dup[64];

	report_prefix_push("error");
	EXPECT_ERROR("unknown key", build(NULL, NULL, "bogus_key = 1"), end,
		     "unknown key", "bogus_key");
	EXPECT_ERROR("unknown key differing in case", build(NULL, NULL, "CPUS = 1"),
		     end, "CPUS");
	snprintf(dup, sizeof(dup), "first set on line %d", line_of("cpus"));
	EXPECT_ERROR("duplicate key", build(NULL, NULL, "cpus = 4"), end,
		     "duplicate", "cpus", dup);
	EXPECT_ERROR("duplicate name",
		     build(NULL, NULL, "name = a\nname = b"), end + 1,
		     "duplicate", "name");
	EXPECT_ERROR("malformed line", build(NULL, NULL, "just some words"),
		     end, "malformed", "just some words");
	EXPECT_ERROR("missing key before =", build(NULL, NULL, "= 5"), end,
		     "malformed");
	EXPECT_ERROR("empty value", build("mfence_ns", "", NULL),
		     line_of("mfence_ns"), "mfence_ns", "missing value");
	EXPECT_ERROR("not a number", build("dram_ns", "abc", NULL),
		     line_of("dram_ns"), "dram_ns", "'abc'");
	EXPECT_ERROR("trailing junk", build("dram_ns", "12x", NULL),
		     line_of("dram_ns"), "dram_ns", "'12x'", "trailing");
	EXPECT_ERROR("hex is junk", build("tlb_entries", "0x40", NULL),
		     line_of("tlb_entries"), "tlb_entries", "'0x40'");
	EXPECT_ERROR("two numbers", build("cpus", "4 4", NULL),
		     line_of("cpus"), "cpus", "'4 4'");
	EXPECT_ERROR("negative count", build("cpus", "-4", NULL),
		     line_of("cpus"), "cpus", "'-4'", "negative");
	EXPECT_ERROR("negative time", build("pause_ns", "-0.5", NULL),
		     line_of("pause_ns"), "pause_ns", "'-0.5'", "negative");
	EXPECT_ERROR("plus sign", build("pause_ns", "+1", NULL),
		     line_of("pause_ns"), "pause_ns", "'+1'");
	EXPECT_ERROR("fraction on a count", build("tlb_entries", "1.5", NULL),
		     line_of("tlb_entries"), "tlb_entries", "'1.5'", "fraction");
	EXPECT_ERROR("fraction .0 on a count", build("tlb_ways", "4.0", NULL),
		     line_of("tlb_ways"), "tlb_ways", "'4.0'");
	EXPECT_ERROR("no digits after the point", build("dram_ns", "1.", NULL),
		     line_of("dram_ns"), "dram_ns", "'1.'");
	EXPECT_ERROR("no digits before the point", build("dram_ns", ".5", NULL),
		     line_of("dram_ns"), "dram_ns", "'.5'");
	EXPECT_ERROR("finer than a picosecond", build("dram_ns", "1.0005", NULL),
		     line_of("dram_ns"), "dram_ns", "'1.0005'", "1 ps");
	EXPECT_ERROR("count overflow",
		     build("tlb_flush_ceiling", "99999999999999999999999", NULL),
		     line_of("tlb_flush_ceiling"), "tlb_flush_ceiling",
		     "99999999999999999999999", "too large");
	EXPECT_ERROR("count just past 2^64",
		     build("tlb_flush_ceiling", "18446744073709551616", NULL),
		     line_of("tlb_flush_ceiling"), "18446744073709551616");
	EXPECT_ERROR("time above 1 s", build("dram_ns", "1000000000.001", NULL),
		     line_of("dram_ns"), "dram_ns", "1000000000.001");
	EXPECT_ERROR("missing key", build("pause_ns", NULL, NULL), NR_KEYS - 1,
		     "missing key", "pause_ns");
	EXPECT_ERROR("several missing keys", "# nothing here\n", 1,
		     "missing key 'cpus'", "more");
	EXPECT_ERROR("cpus = 0", build("cpus", "0", NULL), line_of("cpus"),
		     "cpus", "0", "1..1024");
	EXPECT_ERROR("cpus = 5000", build("cpus", "5000", NULL),
		     line_of("cpus"), "cpus", "5000", "1..1024");
	EXPECT_ERROR("sockets do not divide cpus", build("sockets", "3", NULL),
		     line_of("sockets"), "sockets", "3");
	EXPECT_ERROR("sockets = 0", build("sockets", "0", NULL),
		     line_of("sockets"), "sockets", "0");
	EXPECT_ERROR("threads_per_core = 0", build("threads_per_core", "0", NULL),
		     line_of("threads_per_core"), "threads_per_core");
	EXPECT_ERROR("tlb_entries = 0", build("tlb_entries", "0", NULL),
		     line_of("tlb_entries"), "tlb_entries");
	EXPECT_ERROR("ways do not divide entries", build("tlb_ways", "5", NULL),
		     line_of("tlb_ways"), "tlb_ways", "5", "64");
	EXPECT_ERROR("tlb_ways = 0", build("tlb_ways", "0", NULL),
		     line_of("tlb_ways"), "tlb_ways");
	EXPECT_ERROR("host_timeslice_ns = 0",
		     build("host_timeslice_ns", "0", NULL),
		     line_of("host_timeslice_ns"), "host_timeslice_ns");
	EXPECT_ERROR("bad name", build(NULL, NULL, "name = two words"), end,
		     "name", "two words");
	EXPECT_ERROR("empty name", build(NULL, NULL, "name ="), end, "name");
	report_prefix_pop();
}

static void test_failure_hygiene(void)
{
	struct profile p, before;
	char small[12];
	int ret;

	report_prefix_push("hygiene");
	memset(&p, 0xa5, sizeof(p));
	before = p;
	ret = profile_parse(&p, build("cpus", "0", NULL), "t.profile", err,
			    sizeof(err));
	report(ret == -1 && !memcmp(&p, &before, sizeof(p)),
	       "a failed parse leaves the profile untouched");
	ret = profile_parse(&p, build("cpus", "x", NULL), "t.profile", NULL, 0);
	report(ret == -1, "no error buffer: still fails, no crash");
	memset(small, 'z', sizeof(small));
	ret = profile_parse(&p, build("cpus", "x", NULL), "t.profile", small,
			    sizeof(small));
	report(ret == -1 && strlen(small) == sizeof(small) - 1 &&
	       !strncmp(small, "t.profile:", 10),
	       "a short error buffer is truncated and terminated: \"%s\"", small);
	ret = profile_parse(&p, build(NULL, NULL, NULL), "t.profile", err,
			    sizeof(err));
	report(ret == 0 && err[0] == '\0', "success leaves err empty");
	report_prefix_pop();
}

static void test_load(void)
{
	char path[] = "/tmp/t_profile_XXXXXX.profile", *base;
	struct profile p;
	int fd, ret;

	report_prefix_push("load");
	ret = profile_load(&p, "/nonexistent/dir/x.profile", err, sizeof(err));
	report(ret == -1 && strstr(err, "/nonexistent/dir/x.profile") &&
	       strstr(err, strerror(ENOENT)) && !strchr(err, '\n'),
	       "unreadable file: \"%s\"", err);
	ret = profile_load(&p, "/", err, sizeof(err));
	report(ret == -1 && strstr(err, strerror(EISDIR)),
	       "a directory: \"%s\"", err);
	ret = profile_load(&p, "no-such-machine", err, sizeof(err));
	report(ret == -1 && strstr(err, "no-such-machine") &&
	       strstr(err, "default") && strstr(err, "host") &&
	       !strchr(err, '\n'), "unknown built-in: \"%s\"", err);
	ret = profile_load(&p, "missing.profile", err, sizeof(err));
	report(ret == -1 && strstr(err, "missing.profile") &&
	       strstr(err, strerror(ENOENT)),
	       ".profile suffix means a file: \"%s\"", err);

	fd = mkstemps(path, 8);
	TEST_ASSERT(fd >= 0, "mkstemps: %s", strerror(errno));
	build(NULL, NULL, "# saved by t_profile");
	TEST_ASSERT(write(fd, text, strlen(text)) == (ssize_t)strlen(text),
		    "write");
	close(fd);
	ret = profile_load(&p, path, err, sizeof(err));
	base = strrchr(path, '/') + 1;
	report(ret == 0 && !strncmp(p.name, base, strlen(base) - 8) &&
	       strlen(p.name) == strlen(base) - 8,
	       "a file loads, named after it: %s%s", ret ? err : p.name, "");

	fd = open(path, O_WRONLY | O_TRUNC);
	TEST_ASSERT(fd >= 0, "open: %s", strerror(errno));
	build("dram_ns", "oops", NULL);
	TEST_ASSERT(write(fd, text, strlen(text)) == (ssize_t)strlen(text),
		    "write");
	close(fd);
	ret = profile_load(&p, path, err, sizeof(err));
	report(ret == -1 && !strncmp(err, path, strlen(path)) &&
	       strstr(err, "dram_ns") && strstr(err, "oops"),
	       "errors in a file name the path: \"%s\"", err);
	unlink(path);
	report_prefix_pop();
}

int main(void)
{
	test_builtins();
	test_numbers();
	test_format();
	test_errors();
	test_failure_hygiene();
	test_load();
	return report_summary();
}
