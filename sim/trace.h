/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.h - Chrome/Perfetto trace-event JSON (open in ui.perfetto.dev).
 * One track per CPU; slices for handlers, flushes, waits; IPIs as flow
 * arrows from the ICR write to the handler.  Written to a stream the caller
 * opened and closes: keeping a failed run's half trace out of the user's
 * file is the caller's business (cli/output.c).
 */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct trace;

/* Start a trace on f (the header and one track per CPU); NULL: no memory. */
struct trace *trace_open(FILE *f, int nr_tracks);
void trace_track_name(struct trace *t, int track, const char *name);
void trace_begin(struct trace *t, int track, uint64_t ps, const char *name);
void trace_end(struct trace *t, int track, uint64_t ps);
void trace_instant(struct trace *t, int track, uint64_t ps, const char *name);
/* start: the sending end of flow id; otherwise the receiving end, bound to
 * the slice that encloses it. */
void trace_flow(struct trace *t, int track, uint64_t ps, uint64_t id, bool start);
/* Write the end of the trace and flush f (which stays open): 0, or -1 with
 * err set when something could not be written. */
int trace_close(struct trace *t, char *err, size_t errlen);
/* Forget a trace that will not be finished (f stays open, as it is). */
void trace_discard(struct trace *t);

#endif
