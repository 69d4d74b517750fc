/* source.h - where a model comes from: one refresh = dump, scan, join */
#ifndef PORTTOP_SOURCE_H
#define PORTTOP_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "ownerstat.h"	/* enum owner_scan */
#include "why.h"

struct filter;
struct source;

/* What to scan, for every refresh of a source: main.c fills it from the
 * command line. The strings are borrowed for the source's life. */
struct source_request {
	unsigned collect;	/* COLLECT_* (sock.h): protocols, families */
	bool all_netns;		/* every network namespace, not only ours */
	bool conns;		/* count the connections of each listener */
	const char *proc_root;	/* "/proc", or a fixture tree (tests) */
	const char *services;	/* services file; NULL: /etc/services */
	const char *record;	/* save the netlink replies here, or NULL */
	const char *replay;	/* read replies from here, not the kernel */
	unsigned threads;	/* owner scan threads; 0: one per core */
	enum owner_scan owner_scan;	/* BPF, /proc, or the best there is */
	const char *btf;	/* the kernel BTF the BPF scan needs, or NULL */
	bool once;		/* one scan, no refreshes (owners_set_once) */
};

/* Open the collector (or read the replay file), the owner scan and the
 * registry that req asks for (req is copied). On a fatal error returns
 * NULL with the message in err (errlen bytes). Caller frees with
 * source_free(). */
struct source *source_new(const struct source_request *req, char *err,
			  size_t errlen);
void source_free(struct source *src);

/* The registry the source loaded (borrowed), and the warning of its load
 * (a formatted message, or NULL). */
const struct registry *source_registry(const struct source *src);
const char *source_warning(const struct source *src);

/* Rebuild m from a fresh dump and owner scan, filtered by f (may be
 * NULL). Returns 0 or -errno; then source_error() says what failed. */
int source_refresh(struct source *src, const struct filter *f,
		   struct model *m);

/* source_refresh(), but when the refresh finds exactly the facts that prev
 * (a model of the last refresh with the same f, or NULL) was built from,
 * m is left as it is and the result is SOURCE_SAME: prev is as true as a
 * model built again. prev is only read. */
#define SOURCE_SAME 1
int source_refresh_since(struct source *src, const struct filter *f,
			 const struct model *prev, struct model *m);

/* Dump the listeners only, without owners: true if any passes the port
 * criteria of f. For --wait. Returns 1, 0, or -errno. */
int source_any_listener(struct source *src, const struct filter *f);

/* What the last refresh could not do without stopping (namespaces that
 * could not be entered, protocols the kernel cannot list, records of a
 * replay that were skipped), one line each separated by '\n', or NULL;
 * borrowed. */
const char *source_notice(const struct source *src);

/* True if the last refresh is partial: some namespaces or protocols could
 * not be listed (source_notice() says which and why). */
bool source_partial(const struct source *src);

/* One-shot mode: scan every process afresh and tell holders that exited
 * during the scan. Every refresh, one-shot or not, dumps each table until
 * a dump brings nothing new (a dump is not a snapshot). */
void source_set_oneshot(struct source *src, bool oneshot);

/* --why: build m from every socket on t's port and protocol in this
 * namespace (TCP in every state, bound-only ones where the kernel reports
 * them, TIME_WAIT too; UDP bound or connected) and, with -N, the sockets
 * on it in the other namespaces, with their holders; fill f with the facts
 * of this namespace. Binds nothing. Returns 0 or -errno; then
 * source_error() says what failed. */
int source_why(struct source *src, const struct why_target *t,
	       struct model *m, struct why_facts *f);

/* The message of the last failed refresh (formatted, borrowed). */
const char *source_error(const struct source *src);

/* Send sig to holder pid if it is still the process that started at
 * start_time (struct proc_info): owners_signal() under the source's /proc.
 * Reads only what source_new() set, so the live view may call it while a
 * refresh runs. Returns 0, -ENOENT (gone), -ESTALE (pid reused) or -errno. */
int source_signal(const struct source *src, int pid,
		  unsigned long long start_time, int sig);

#endif
