// SPDX-License-Identifier: GPL-2.0
/*
 * trace.c - trace-event JSON writer.  Timestamps are microseconds printed
 * from integer picoseconds, so traces are byte-identical across runs.
 *
 * The stream belongs to the caller, who opened it before the run (so a bad
 * path is a usage error, not a failure after minutes of simulation) and
 * decides afterwards what to do with it: the command line writes into a
 * temporary file and copies it over the real one only if the run ended.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace.h"

struct trace {
	FILE *f;
	int nr_tracks;
	bool first;
};

static void ts(FILE *f, uint64_t ps)
{
	fprintf(f, "%" PRIu64 ".%06" PRIu64, ps / 1000000, ps % 1000000);
}

static void sep(struct trace *t)
{
	fputs(t->first ? "\n" : ",\n", t->f);
	t->first = false;
}

struct trace *trace_open(FILE *f, int nr_tracks)
{
	struct trace *t = calloc(1, sizeof(*t));
	int i;

	if (!t)
		return NULL;
	t->f = f;
	t->nr_tracks = nr_tracks;
	t->first = true;
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", t->f);
	for (i = 0; i < nr_tracks; i++) {
		char name[32];
		snprintf(name, sizeof(name), "cpu %d", i);
		trace_track_name(t, i, name);
	}
	return t;
}

void trace_track_name(struct trace *t, int track, const char *name)
{
	sep(t);
	fprintf(t->f, "{\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"name\":\"thread_name\","
		"\"args\":{\"name\":\"%s\"}}", track, name);
	sep(t);
	fprintf(t->f, "{\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"name\":\"thread_sort_index\","
		"\"args\":{\"sort_index\":%d}}", track, track);
}

void trace_begin(struct trace *t, int track, uint64_t ps, const char *name)
{
	sep(t);
	fprintf(t->f, "{\"ph\":\"B\",\"pid\":1,\"tid\":%d,\"ts\":", track);
	ts(t->f, ps);
	fprintf(t->f, ",\"name\":\"%s\"}", name);
}

void trace_end(struct trace *t, int track, uint64_t ps)
{
	sep(t);
	fprintf(t->f, "{\"ph\":\"E\",\"pid\":1,\"tid\":%d,\"ts\":", track);
	ts(t->f, ps);
	fputc('}', t->f);
}

void trace_instant(struct trace *t, int track, uint64_t ps, const char *name)
{
	sep(t);
	fprintf(t->f, "{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":%d,\"ts\":", track);
	ts(t->f, ps);
	fprintf(t->f, ",\"name\":\"%s\"}", name);
}

void trace_flow(struct trace *t, int track, uint64_t ps, uint64_t id, bool start)
{
	sep(t);
	fprintf(t->f, "{\"ph\":\"%s\",\"pid\":1,\"tid\":%d,\"ts\":",
		start ? "s" : "f\",\"bp\":\"e", track);
	ts(t->f, ps);
	fprintf(t->f, ",\"id\":%" PRIu64 ",\"cat\":\"ipi\",\"name\":\"ipi\"}", id);
}

int trace_close(struct trace *t, char *err, size_t errlen)
{
	int bad;

	fputs("\n]}\n", t->f);
	errno = 0;		/* an error of an earlier write left no errno */
	bad = fflush(t->f) || ferror(t->f);
	if (bad)
		snprintf(err, errlen, "cannot write the trace: %s",
			 strerror(errno ? errno : EIO));
	free(t);
	return bad ? -1 : 0;
}

void trace_discard(struct trace *t)
{
	free(t);
}
