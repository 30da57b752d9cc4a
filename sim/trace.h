/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.h - Chrome/Perfetto trace-event JSON (open in ui.perfetto.dev).
 * One track per CPU; slices for handlers, flushes, waits; IPIs as flow
 * arrows from the ICR write to the handler.  Written to PATH.tmp and renamed
 * by trace_close, so a failed run never leaves a half-written trace.
 */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct trace;

struct trace *trace_open(const char *path, int nr_tracks, char *err, size_t errlen);
void trace_track_name(struct trace *t, int track, const char *name);
void trace_begin(struct trace *t, int track, uint64_t ps, const char *name);
void trace_end(struct trace *t, int track, uint64_t ps);
void trace_instant(struct trace *t, int track, uint64_t ps, const char *name);
/* start: the sending end of flow id; otherwise the receiving end, bound to
 * the slice that encloses it. */
void trace_flow(struct trace *t, int track, uint64_t ps, uint64_t id, bool start);
/* Finish and rename into place: 0, or -1 with err set. */
int trace_close(struct trace *t, char *err, size_t errlen);
/* Drop the temporary file (run failed before trace_close). */
void trace_discard(struct trace *t);

#endif
