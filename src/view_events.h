/* view_events.h - the event stream: one JSON line per change between
 * refreshes (--events) */
#ifndef PORTTOP_VIEW_EVENTS_H
#define PORTTOP_VIEW_EVENTS_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "buf.h"
#include "model.h"

struct events;

/* Start a stream. With changes_only the first refresh prints no
 * "snapshot" line. Caller frees with events_free(). */
struct events *events_new(bool changes_only);
void events_free(struct events *ev);

/* Compare m, refreshed at wall (real time) and now (monotonic seconds),
 * with the refreshes before it, and print one JSON line per change to out,
 * flushing each. Returns 0, or -errno when writing failed (-EPIPE: the
 * reader went away). */
int events_update(struct events *ev, const struct model *m,
		  const struct timespec *wall, double now, FILE *out);

/* Append t as RFC 3339 UTC with microseconds ("2026-12-01T23:07:32.123456Z"). */
void events_time(struct buf *b, const struct timespec *t);

#endif
